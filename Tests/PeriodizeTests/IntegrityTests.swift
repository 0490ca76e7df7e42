import Checkpoints
import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Testing
import TestSupport
import Vault

/// What someone who can write the file would do: edit the payload at `position`, recompute
/// every hash after it with the documented encoding, and put the head right.
func rewrite(_ path: String, at position: Int64) throws {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    try queue.inTransaction { db in
        try db.execute(sql: "DROP TRIGGER events_are_append_only_update")
        var previous = try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE position = ?", arguments: [position - 1]) ?? HashChain.genesis
        var events: [RecordedEvent] = []
        try SQLiteEventStore.forEachEvent(from: position, db) { events.append($0) }
        for (offset, event) in events.enumerated() {
            // Trailing whitespace: still the same JSON to every reader, a different payload to the chain.
            let payload = offset == 0 ? event.payload + Data(" ".utf8) : event.payload
            let hash = HashChain.hash(
                previous: previous, position: event.position, streamID: event.streamID, streamVersion: event.streamVersion,
                eventID: event.eventID, type: event.type, schemaVersion: event.schemaVersion, payload: payload, metadata: event.metadata)
            try db.execute(sql: "UPDATE events SET payload = ?, previous_hash = ?, hash = ? WHERE position = ?", arguments: [payload, previous, hash, event.position])
            previous = hash
        }
        try db.execute(sql: "UPDATE log_head SET hash = ? WHERE id = 1", arguments: [previous])
        return .commit
    }
}

/// Cuts the log after `position`, checkpoints and all, and puts the head right.
func truncate(_ path: String, after position: Int64) throws {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    try queue.inTransaction { db in
        try db.execute(sql: "DROP TRIGGER events_are_append_only_delete")
        try db.execute(sql: "DELETE FROM events WHERE position > ?", arguments: [position])
        try db.execute(sql: "UPDATE log_head SET position = ?, hash = (SELECT hash FROM events WHERE position = ?) WHERE id = 1", arguments: [position, position])
        try db.execute(sql: "UPDATE projection_checkpoints SET position = min(position, ?)", arguments: [position])
        return .commit
    }
}

func copyLog(_ from: String, _ to: String) throws {
    try checkpointAndVacuum(from)
    try FileManager.default.copyItem(atPath: from, toPath: to)
}

@Suite("Checkpoints and rewrites", .serialized)
struct IntegrityTests {
    static let signingKey = String(repeating: "3c", count: 32)
    static let signer = CheckpointSigner(text: signingKey)!
    static var publicKey: String { signer.publicKeyHex }

    /// A log of three clients trained for `days` days, checkpointed every 40 events as it
    /// grew and once more at the end; returns the head written down at the end.
    func log(at path: String, clock: ManualClock, days: Int = 10) async throws -> (position: Int64, hash: String, checkpoint: Int64) {
        let engine = try await makeEngine(EngineConfiguration(path: path, clock: { clock.date() }, signer: Self.signer, checkpointEvery: 40))
        defer { try? engine.close() }
        for n in 1...3 {
            try await engine.enroll(enrollment("c\(n)", zone: "UTC", hour: 6))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        for _ in 0..<days {
            _ = try await engine.tick(now: clock.date())
            clock.advance(by: 86400)
        }
        let checkpoint = try await engine.checkpoint()
        let head = try await engine.store.headPosition()
        return (head, try #require(try await engine.hash(at: head)).hexString, checkpoint.position)
    }

    @Test func aRewrittenChainPassesAPlainVerifyButNotTheHeadNorTheCheckpoints() async throws {
        let folder = TemporaryDirectory()
        let original = folder.path("log.sqlite")
        let clock = ManualClock(date("2026-03-09T06:00:00Z"))
        let head = try await log(at: original, clock: clock)
        let verifier = try #require(CheckpointVerifier(publicKey: Self.publicKey))
        let engine = try await makeEngine(EngineConfiguration(path: original))
        let intact = try await engine.store.checkCheckpoints(verifier)
        #expect(intact.failure == nil && intact.checked >= 3 && intact.newest?.position == head.checkpoint)
        try engine.close()
        var generator = SeededGenerator(seed: 2026)
        for trial in 0..<20 {
            let path = folder.path("trial-\(trial).sqlite")
            try copyLog(original, path)
            let position = Int64.random(in: 1...head.checkpoint, using: &generator)
            try rewrite(path, at: position)
            let attacked = try await makeEngine(EngineConfiguration(path: path))
            _ = try await attacked.rebuild()
            #expect(try await attacked.verify().isValid, "trial \(trial): the rewrite at \(position) passes a plain verify")
            #expect(try await attacked.hash(at: head.position)?.hexString != head.hash, "trial \(trial): the head written down catches it")
            let checked = try await attacked.store.checkCheckpoints(verifier)
            #expect(checked.failure != nil, "trial \(trial): the checkpoints catch the rewrite at \(position)")
            try attacked.close()
            try? FileManager.default.removeItem(atPath: path)
        }
        // The same, as a person runs it.
        let path = folder.path("attacked.sqlite")
        try copyLog(original, path)
        try rewrite(path, at: head.checkpoint / 2)
        let rebuilt = try await PeriodizeBinary.runInBackground(["rebuild", "--db", path])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let plain = try await PeriodizeBinary.runInBackground(["verify", "--db", path])
        #expect(plain.status == 0 && plain.stdout.contains("head \(head.position) "))
        let expected = try await PeriodizeBinary.runInBackground(["verify", "--db", path, "--expect", "\(head.position):\(head.hash)"])
        #expect(expected.status == 3 && expected.stderr.contains("rewritten"), "\(expected.stderr)")
        let signed = try await PeriodizeBinary.runInBackground(["verify", "--db", path, "--key", Self.publicKey])
        #expect(signed.status == 3 && signed.stderr.contains("does not pass through"), "\(signed.stderr)")
        let good = try await PeriodizeBinary.runInBackground(["verify", "--db", original, "--expect", "\(head.position):\(head.hash)", "--key", Self.publicKey])
        #expect(good.status == 0 && good.stdout.contains("head \(head.position) \(head.hash)"), "\(good.stderr)")
    }

    @Test func aTailCutOffWithItsCheckpointsIsCaughtByTheAgeBound() async throws {
        let folder = TemporaryDirectory()
        let original = folder.path("log.sqlite")
        // Checkpoints from three hours ago up to now, as a running service writes them.
        let clock = ManualClock(Date().addingTimeInterval(-3 * 3600))
        let engine = try await makeEngine(EngineConfiguration(path: original, clock: { clock.date() }, signer: Self.signer, checkpointEvery: 4))
        for n in 1...3 {
            try await engine.enroll(enrollment("c\(n)", zone: "UTC", hour: 6))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        let early = try #require(try await engine.checkpoints().last)
        for day in 0..<6 {
            clock.set(Date().addingTimeInterval(Double(day - 6) * 60))
            _ = try await engine.tick(now: date("2026-03-09T06:00:00Z").addingTimeInterval(Double(day) * 86400))
        }
        clock.set(Date())
        try await engine.checkpoint()
        try engine.close()
        let fresh = try await PeriodizeBinary.runInBackground(["verify", "--db", original, "--key", Self.publicKey, "--max-age", "1h"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let path = folder.path("cut.sqlite")
        try copyLog(original, path)
        try truncate(path, after: early.position)
        let rebuilt = try await PeriodizeBinary.runInBackground(["rebuild", "--db", path])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let plain = try await PeriodizeBinary.runInBackground(["verify", "--db", path])
        #expect(plain.status == 0, "a cut tail leaves a chain that verifies: \(plain.stderr)")
        let signed = try await PeriodizeBinary.runInBackground(["verify", "--db", path, "--key", Self.publicKey])
        #expect(signed.status == 0, "the checkpoints left still hold: \(signed.stderr)")
        let bounded = try await PeriodizeBinary.runInBackground(["verify", "--db", path, "--key", Self.publicKey, "--max-age", "1h"])
        #expect(bounded.status == 3 && bounded.stderr.contains("older than --max-age 1h"), "\(bounded.stderr)")
        let badAge = try await PeriodizeBinary.runInBackground(["verify", "--db", path, "--key", Self.publicKey, "--max-age", "soon"])
        #expect(badAge.status == 64 && badAge.stderr.contains("--max-age"))
    }

    @Test func checkpointKeysAndListsFromTheCommandLine() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let keyFile = folder.path("signing.key")
        let made = try await PeriodizeBinary.runInBackground(["checkpoint", "keygen", "--out", keyFile])
        #expect(made.status == 0 && made.stdout.hasPrefix("public key "))
        let publicKey = String(made.stdout.dropFirst("public key ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let none = try await PeriodizeBinary.runInBackground(["checkpoint", "--db", path])
        #expect(none.status == 64 && none.stderr.contains("PERIODIZE_SIGNING_KEY"))
        let env = ["PERIODIZE_SIGNING_KEY_FILE": keyFile]
        _ = try await PeriodizeBinary.runInBackground(["enroll", "--id", "c1", "--name", "A B", "--phone", "+15550001111", "--timezone", "UTC", "--db", path], environment: env)
        let signed = try await PeriodizeBinary.runInBackground(["checkpoint", "--db", path], environment: env)
        #expect(signed.status == 0 && signed.stdout.contains(publicKey), "\(signed.stderr)")
        let listed = try await PeriodizeBinary.runInBackground(["checkpoint", "list", "--json", "--db", path])
        let line = try #require(listed.stdout.split(separator: "\n").first)
        let checkpoint = try JSONDecoder().decode(CheckpointSigned.self, from: Data(line.utf8))
        #expect(try #require(CheckpointVerifier(publicKey: publicKey)).holds(checkpoint))
        let bad = try await PeriodizeBinary.runInBackground(["checkpoint", "--db", path], environment: ["PERIODIZE_SIGNING_KEY": "nope"])
        #expect(bad.status == 64 && bad.stderr.contains("PERIODIZE_SIGNING_KEY"))
    }

    @Test func compactingAPreEncryptionLogLeavesNoPlaintextAndBindsTheOldHead() async throws {
        let folder = TemporaryDirectory()
        let old = folder.path("old.sqlite")
        try FileManager.default.copyItem(atPath: UpgradeTests.fixture.path, toPath: old)
        let engine = try await makeEngine(EngineConfiguration(path: old, signer: Self.signer))
        let clients = try await engine.database.read { db in try Row.fetchAll(db, sql: "SELECT client_id, name, phone_number FROM clients ORDER BY client_id") }
        #expect(clients.count == 2)
        let (erasedID, erasedName, erasedPhone): (String, String, String) = (clients[0][0], clients[0][1], clients[0][2])
        let (keptID, keptName): (String, String) = (clients[1][0], clients[1][1])
        let report = try await engine.erase(clientID: erasedID, reason: "request 9")
        #expect(report.plaintextEvents > 0, "events from before encryption")
        #expect(try await engine.history(of: erasedID).client?.name == Erased.text)
        let oldHead = try await engine.verify().chain
        let new = folder.path("new.sqlite")
        let compacted = try await compactLog(engine, configuration: EngineConfiguration(path: old, signer: Self.signer), signer: Self.signer, into: new)
        try engine.close()
        #expect(compacted.fieldsErased > 0 && compacted.fieldsEncrypted > 0)
        #expect(compacted.sourcePosition == oldHead.headPosition && compacted.sourceHash == oldHead.headHash.hexString)
        try checkpointAndVacuum(old)
        #expect(try fileContains(old, erasedName), "the old file keeps the plaintext: it must be deleted")
        try checkpointAndVacuum(new)
        for needle in [erasedName, erasedPhone] { #expect(try !fileContains(new, needle), "\(needle) in the compacted file") }
        let copy = try await makeEngine(EngineConfiguration(path: new))
        let clearInEvents = try await copy.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE CAST(payload AS TEXT) LIKE ?", arguments: ["%\(keptName)%"])
        }
        #expect(clearInEvents == 0, "the kept client's personal fields are sealed in the copy's events")
        defer { try? copy.close() }
        #expect(try await copy.verify().isValid)
        #expect(try await copy.history(of: keptID).client?.name == keptName)
        #expect(try await copy.history(of: erasedID).client?.name == Erased.text)
        let statement = try #require(try await copy.store.readStream("$log").last)
        let compaction = try EventCoding.decode(LogCompacted.self, from: statement.payload)
        #expect(try #require(CheckpointVerifier(publicKey: Self.publicKey)).holds(compaction))
        #expect(compaction.sourceHash == oldHead.headHash.hexString && compaction.hash == compacted.hash)
        #expect(try await copy.hash(at: compaction.position)?.hexString == compaction.hash)
        // The old log's checkpoints vouch for the old chain; the statement and a first
        // checkpoint of the new chain vouch for this one.
        let checked = try await copy.store.checkCheckpoints(try #require(CheckpointVerifier(publicKey: Self.publicKey)))
        #expect(checked.failure == nil && checked.compactions == 1 && checked.checked == 1 && checked.newest?.position == compacted.statementPosition)
    }
}

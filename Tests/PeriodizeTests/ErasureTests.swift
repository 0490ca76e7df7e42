import Coaching
import Crypto
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
import VaultSQLite

/// Every byte of the file at `path` (after the WAL is copied back and the file vacuumed by
/// the caller), searched for `needle` as UTF-8.
func fileContains(_ path: String, _ needle: String) throws -> Bool {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    for suffix in ["-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + suffix)), wal.range(of: Data(needle.utf8)) != nil { return true }
    }
    return data.range(of: Data(needle.utf8)) != nil
}

/// Copies the WAL back into the file and rewrites the file without free pages.
func checkpointAndVacuum(_ path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        try db.execute(sql: "VACUUM")
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
    try queue.close()
}

func privateEnrollment(_ id: String, name: String, phone: String, email: String, notes: String, travel: String, goal: String = "Get strong") -> Enrollment {
    Enrollment(
        clientId: id, name: name, phoneNumber: phone, email: email, timezone: "UTC", preferredSendHour: 6,
        profile: FitnessProfile(
            fitnessGoals: goal, primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: 3, trainingDays: [1, 3, 5],
            sessionMinutes: 45, location: .commercialGym, equipment: [], injuries: [Injury(area: "knee", status: .active, notes: notes)],
            age: 41, gender: "female", travel: travel))
}

@Suite("Erasure and sealed personal fields")
struct ErasureTests {
    @Test func erasingAClientLeavesTheChainTheTrainingAndTheOthersAndNoPlaintext() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let clock = ManualClock(date("2026-03-09T05:00:00Z"))
        let ids = SeededIDs(seed: 11)
        // The first daily send fails once (retried after its backoff): a failed delivery in the history.
        let sender = ScriptedSender([SendFailure("HTTP 503", code: "503", retryable: true)])
        let engine = try await makeEngine(EngineConfiguration(path: path, clock: { clock.date() }, ids: { ids.next() }, sender: sender))
        try await engine.enroll(privateEnrollment(
            "c1", name: "Avery Quillfeather", phone: "+15550001111", email: "avery.q@example.com", notes: "torn meniscus in 2019",
            travel: "away Mar 20-22 at the Lakeside Inn", goal: "Run again after the Whitfield knee surgery"))
        try await engine.enroll(privateEnrollment(
            "c2", name: "Jordan Okonkwo", phone: "+15550002222", email: "jordan.o@example.com", notes: "old rotator cuff strain",
            travel: "home all month"))
        for client in ["c1", "c2"] { try await engine.createPlan(clientID: client, start: LocalDate("2026-03-09")) }
        for day in 0..<14 {
            clock.set(date("2026-03-09T06:00:00Z").addingTimeInterval(Double(day) * 86400))
            _ = try await engine.tick(now: clock.date())
            clock.advance(by: 120)
            _ = try await engine.deliver(at: clock.date())
        }
        let before = try await engine.database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM workouts WHERE client_id = 'c1'), (SELECT count(*) FROM messages WHERE client_id = 'c1'),
                       (SELECT count(*) FROM messages WHERE attempts > 1)
                """)!
        }
        #expect((before[0] as Int) > 0 && (before[1] as Int) > 0)
        #expect((before[2] as Int) == 1, "one delivery failed and was retried")
        // In the events the personal fields are sealed already: the name is nowhere in the events table.
        let sealedNames = try await engine.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE CAST(payload AS TEXT) LIKE '%Quillfeather%'")
        }
        #expect(sealedNames == 0)
        let c1Key = try #require(engine.vault).keys.key(for: "c1").material.withUnsafeBytes { Data($0) }
        let c1Bodies = try await engine.database.read { db in try String.fetchAll(db, sql: "SELECT body FROM messages WHERE client_id = 'c1'") }

        let report = try await engine.erase(clientID: "c1", reason: "deletion request #1")
        #expect(!report.alreadyErased && report.plaintextEvents == 0)
        #expect(try await engine.verify().isValid)

        // Read-models, show and the log read back: personal fields erased, training kept.
        let row = try #require(try await engine.database.read { db in
            try Row.fetchOne(db, sql: "SELECT name, phone_number, email, injuries, age, gender, is_active, opted_in FROM clients WHERE client_id = 'c1'")
        })
        #expect(row[0] as String == Erased.text && row[1] as String == Erased.text && row[2] as String == Erased.text)
        #expect(row[3] as String == "[]" && (row[4] as Int?) == nil && row[5] as String == Erased.text)
        #expect(row[6] as Int == 0 && row[7] as Int == 0)
        // The client's own words of their goal (often why: a surgery, a condition), in the
        // client row and the plan, and the providers' errors (which quote the number).
        let words = try await engine.database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT (SELECT fitness_goals FROM clients WHERE client_id = 'c1'),
                       (SELECT group_concat(DISTINCT goal_statement) FROM fitness_plans WHERE client_id = 'c1'),
                       (SELECT count(*) FROM messages WHERE client_id = 'c1' AND last_error IS NOT NULL AND last_error <> '[erased]'),
                       (SELECT fitness_goals FROM clients WHERE client_id = 'c2')
                """)!
        }
        #expect(words[0] as String == Erased.text && words[1] as String == Erased.text && words[2] as Int == 0)
        #expect(words[3] as String == "Get strong")
        let bodies = try await engine.database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT body FROM messages WHERE client_id = 'c1'") }
        #expect(bodies == [Erased.text])
        let after = try await engine.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM workouts WHERE client_id = 'c1'")!
        }
        #expect(after == before[0] as Int, "the training history stays")
        // The swaps and the rules that fired name the injury: erased with the rest.
        let named = try await engine.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM workouts WHERE client_id = 'c1' AND modifications != '[]')
                     + (SELECT count(*) FROM generation_audit WHERE client_id = 'c1' AND rules != '[]')
                """)!
        }
        #expect(named == 0)
        let kept = try await engine.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM workouts WHERE client_id = 'c2' AND modifications != '[]'")!
        }
        #expect(kept > 0, "c2's knee still shapes c2's workouts")
        let state = try await engine.history(of: "c1")
        #expect(state.client?.name == Erased.text && state.client?.phoneNumber == Erased.text && state.client?.profile.age == nil)
        #expect(state.client?.profile.injuries == [] && state.client?.profile.trainingDays == [1, 3, 5])
        let other = try await engine.history(of: "c2")
        #expect(other.client?.name == "Jordan Okonkwo" && other.client?.profile.injuries.first?.notes == "old rotator cuff strain")
        var listed: [String] = []
        for try await event in engine.store.readAll(from: 1) where event.streamID == "client-c1" {
            listed.append(String(decoding: event.payload, as: UTF8.self))
        }
        #expect(!listed.contains { $0.contains("Quillfeather") || $0.contains("Whitfield") || $0.contains("~pz1:") })
        #expect(listed.contains { $0.contains("\"name\":\"[erased]\"") })

        // Nothing more is done for them.
        await #expect(throws: CoachingError.self) { _ = try await engine.createPlan(clientID: "c1") }
        let again = try await engine.erase(clientID: "c1", reason: "deletion request #1")
        #expect(again.alreadyErased && again.position == report.position)

        // A rebuild and a replay reproduce it.
        _ = try await engine.rebuild()
        #expect(try await engine.verify().isValid)
        let replayed = folder.path("replay.sqlite")
        try await engine.replay(until: .position(try await engine.store.headPosition()), into: replayed)
        try engine.close()
        let copy = try await makeEngine(EngineConfiguration(path: replayed))
        #expect(try await copy.history(of: "c1").client?.name == Erased.text)
        #expect(try await copy.history(of: "c2").client?.name == "Jordan Okonkwo")
        #expect(try await copy.verify().isValid)
        try copy.close()

        // No plaintext of c1 anywhere in the file (nor the key), c2's data still opens.
        try checkpointAndVacuum(path)
        for needle in ["Quillfeather", "+15550001111", "avery.q@example.com", "torn meniscus", "Lakeside Inn", "Whitfield"] {
            #expect(try !fileContains(path, needle), "\(needle) is still in the file")
        }
        let unique = c1Bodies.filter { $0.contains("Avery") }
        for body in unique { #expect(try !fileContains(path, body)) }
        #expect(try !fileContains(path, String(decoding: c1Key.base64EncodedData(), as: UTF8.self)))
        let rawKey = try Data(contentsOf: URL(fileURLWithPath: path)).range(of: c1Key)
        #expect(rawKey == nil, "the destroyed key's bytes are gone from the file")
        let reopened = try await makeEngine(EngineConfiguration(path: path))
        #expect(try await reopened.history(of: "c2").client?.email == "jordan.o@example.com")
        try reopened.close()
    }

    @Test func theSameEventAppendedTwiceIsStoredOnceWithTheSameSealedBytes() async throws {
        let folder = TemporaryDirectory()
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite")))
        defer { try? engine.close() }
        try await engine.enroll(enrollment("c1"))
        let event = try engine.newEvent(
            ClientUpdated(clientId: "c1", name: "Avery Renamed", email: "new@example.com"), id: UUID(uuidString: "00000000-0000-0000-0000-0000000000AA")!)
        let first = try await engine.store.append(event, to: Engine.clientStream("c1"), expected: .any)
        let second = try await engine.store.append(event, to: Engine.clientStream("c1"), expected: .any)
        #expect(!first.alreadyStored && second.alreadyStored && first.positions == second.positions)
        let stored = try await engine.store.storedBytes.readStream(Engine.clientStream("c1")).last!
        let text = String(decoding: stored.payload, as: UTF8.self)
        #expect(text.contains("\"name\":\"~pz1:") && !text.contains("Renamed"))
        // A different text under the same id is refused, not stored.
        let changed = try engine.newEvent(ClientUpdated(clientId: "c1", name: "Someone Else"), id: event.eventID)
        await #expect(throws: EventStoreError.self) { try await engine.store.append(changed, to: Engine.clientStream("c1"), expected: .any) }
        #expect(try await engine.history(of: "c1").client?.name == "Avery Renamed")
    }

    @Test func theLegacyImportIsSealedFromTheStartAndASecondRunAppendsNothing() async throws {
        let folder = TemporaryDirectory()
        let engine = try await CleanSlateTests.open(folder)
        defer { try? engine.close() }
        let first = try await engine.importLegacy(directory: LegacyFixture.folder.path)
        let second = try await engine.importLegacy(directory: LegacyFixture.folder.path)
        #expect(first.appended == 24 && second.appended == 0 && second.alreadyStored == 24)
        let names = try await engine.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE CAST(payload AS TEXT) LIKE '%O''Connor%' OR CAST(payload AS TEXT) LIKE '%ana@example.com%'")
        }
        #expect(names == 0)
        #expect(try await engine.history(of: "u-ana").client?.name == "Ana María O'Connor 💪")
        #expect(try await engine.verify().isValid)
    }

    @Test func aKillBetweenTheErasureEventAndTheKeyIsFinishedByTheNextStart() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await makeEngine(EngineConfiguration(path: path))
        try await engine.enroll(enrollment("c1"))
        try await engine.enroll(enrollment("c2"))
        try engine.close()
        let killed = try await PeriodizeBinary.runInBackground(
            ["erase", "c1", "--reason", "ticket 7", "--db", path], environment: ["PERIODIZE_TEST_FAULT": "kill-after-erasure-event"])
        #expect(killed.status == 9, "SIGKILLed between the event and the key: \(killed.stderr)")
        func keyRow() throws -> Row {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT material IS NOT NULL, erasing_reason, erased_at IS NOT NULL,
                        (SELECT count(*) FROM events WHERE type = 'ClientErased') FROM vault_keys WHERE owner = 'c1'
                    """)!
            }
        }
        let between = try keyRow()
        #expect(between[0] as Bool && between[1] as String? == "ticket 7" && !(between[2] as Bool) && between[3] as Int == 1)
        let next = try await PeriodizeBinary.runInBackground(["show", "client", "c2", "--db", path])
        #expect(next.status == 0, "\(next.stderr)")
        let finished = try keyRow()
        #expect(!(finished[0] as Bool) && finished[1] as String? == nil && finished[2] as Bool && finished[3] as Int == 1)
        let verify = try await PeriodizeBinary.runInBackground(["verify", "--db", path])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func anErasureByAnotherProcessIsInForceHereWithinASecond() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await makeEngine(EngineConfiguration(path: path))
        defer { try? engine.close() }
        try await engine.enroll(enrollment("c1"))
        #expect(try await engine.history(of: "c1").client?.name == "Avery Chen", "c1's key is now cached in this process")
        let erased = try await PeriodizeBinary.runInBackground(["erase", "c1", "--reason", "ticket 8", "--db", path])
        #expect(erased.status == 0, "\(erased.stderr)")
        try await Task.sleep(for: .milliseconds(1100))
        let vault = try #require(engine.vault)
        #expect(try vault.isErased(owner: "c1"))
        // What is still appended for them (a late outcome, say) is written as erased, never sealed
        // under the destroyed key nor stored in the clear.
        let update = try engine.newEvent(ClientUpdated(clientId: "c1", name: "Avery Again"))
        try await engine.store.append(update, to: Engine.clientStream("c1"), expected: .any)
        let stored = try #require(try await engine.store.storedBytes.readStream(Engine.clientStream("c1")).last)
        #expect(String(decoding: stored.payload, as: UTF8.self).contains("\"name\":\"[erased]\""))
        let events = try await engine.store.readStream(Engine.clientStream("c1"))
        #expect(String(decoding: events[0].payload, as: UTF8.self).contains("\"name\":\"[erased]\""), "this process reads it erased too")
    }

    @Test func aClientErasedByAnotherProcessWhileTheirSMSIsInFlightGetsItRecordedAsErased() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        // The provider takes the SMS while another process erases the client: the outcome is
        // sealed here under a key that is gone by the time it is appended.
        let sender = ScriptedSender([], onSend: { message in
            guard message.body.contains("Avery") || true else { return }
            _ = try? await PeriodizeBinary.runInBackground(["erase", "c1", "--reason", "ticket 9", "--db", path])
        })
        let engine = try await makeEngine(EngineConfiguration(path: path, sender: sender))
        defer { try? engine.close() }
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let report = try await engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(report.queued == 1 && report.delivery.sent == 1 && report.delivery.errors.isEmpty, "\(report)")
        let rows = try await engine.database.read { db in
            try Row.fetchAll(db, sql: "SELECT status, body FROM messages WHERE client_id = 'c1'").map { "\($0[0] as String):\($0[1] as String)" }
        }
        #expect(rows == ["sent:[erased]"])
        #expect(try await engine.verify().isValid, "the live rows are what a rebuild reads with the key gone")
    }

    @Test func anErasedLegacyClientKeepsTheUnitsTheirNumberGaveThem() async throws {
        let folder = TemporaryDirectory()
        let engine = try await CleanSlateTests.open(folder)
        defer { try? engine.close() }
        try await engine.importLegacy(directory: LegacyFixture.folder.path)
        _ = try await engine.erase(clientID: "u-ana", reason: "ticket 10")
        let units = try await engine.database.read { db in try String.fetchOne(db, sql: "SELECT units FROM clients WHERE client_id = 'u-ana'") }
        #expect(units == "imperial")
        #expect(try await engine.verify().isValid)
        let again = try await engine.importLegacy(directory: LegacyFixture.folder.path)
        #expect(again.appended == 0, "an erased client's history is not imported again")
    }

    @Test func eraseRefusesAnUnknownClientAndAnEmptyReasonWithOneLineAndAppendsNothing() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await makeEngine(EngineConfiguration(path: path))
        try await engine.enroll(enrollment("c1"))
        let head = try await engine.store.headPosition()
        try engine.close()
        for (arguments, says) in [(["erase", "nobody", "--reason", "r"], "unknown client nobody"), (["erase", "c1", "--reason", "  "], "--reason")] {
            let result = try await PeriodizeBinary.runInBackground(arguments + ["--db", path])
            #expect(result.status == 1 && result.stderr.contains(says) && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        let after = try await makeEngine(EngineConfiguration(path: path))
        defer { try? after.close() }
        #expect(try await after.store.headPosition() == head)
        #expect(try await after.history(of: "c1").client?.name == "Avery Chen")
        #expect(try !(after.vault!.keys.isErased(owner: "c1")))
    }

    @Test func aMissingOrWrongMasterKeyStopsWithOneLine() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let master = Data(repeating: 7, count: 32).map { String(format: "%02x", $0) }.joined()
        let wrong = Data(repeating: 9, count: 32).map { String(format: "%02x", $0) }.joined()
        let enrolled = try await PeriodizeBinary.runInBackground(
            ["enroll", "--id", "c1", "--name", "Avery Q", "--phone", "+15550001111", "--timezone", "UTC", "--db", path],
            environment: ["PERIODIZE_MASTER_KEY": master])
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let missing = try await PeriodizeBinary.runInBackground(["show", "client", "c1", "--db", path])
        #expect(missing.status == 1 && missing.stderr.contains("PERIODIZE_MASTER_KEY") && missing.stderr.split(separator: "\n").count == 1)
        let bad = try await PeriodizeBinary.runInBackground(["show", "client", "c1", "--db", path], environment: ["PERIODIZE_MASTER_KEY": wrong])
        #expect(bad.status == 1 && bad.stderr.contains("does not open"), "\(bad.stderr)")
        let malformed = try await PeriodizeBinary.runInBackground(["show", "client", "c1", "--db", path], environment: ["PERIODIZE_MASTER_KEY": "abc"])
        #expect(malformed.status == 64 && malformed.stderr.contains("PERIODIZE_MASTER_KEY"))
        let good = try await PeriodizeBinary.runInBackground(["show", "client", "c1", "--db", path], environment: ["PERIODIZE_MASTER_KEY": master])
        #expect(good.status == 0 && good.stdout.contains("Avery Q"), "\(good.stderr)")
        // The wrapped key is not the key: the file holds no unwrapped data key.
        let queue = try DatabaseQueue(path: path)
        let stored = try await queue.read { db in try Data.fetchOne(db, sql: "SELECT material FROM vault_keys WHERE owner = 'c1'") }
        try queue.close()
        #expect(stored?.count == 60)
    }
}

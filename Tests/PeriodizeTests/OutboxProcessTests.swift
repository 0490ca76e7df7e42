import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import PeriodizeApp
import Synchronization
import Testing
import TestSupport

/// The outbox across real processes: `periodize deliver` workers draining one queue, a worker
/// stopped right after the provider took a part, and workers killed with SIGKILL at random
/// moments, all counted at a gateway on 127.0.0.1.
@Suite("Outbox across processes", .serialized)
struct OutboxProcessTests {
    /// A log at `path` with `count` clients' daily messages queued (in parts: a one-segment budget).
    func queued(_ count: Int, at path: String) async throws -> Int {
        let engine = try await makeEngine(EngineConfiguration(path: path, durability: .normal, smsSegments: 1))
        defer { try? engine.close() }
        for n in 0..<count {
            try await engine.enroll(enrollment("c\(n)", zone: "UTC", hour: 6, days: [1, 2, 3, 4, 5]))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        #expect(try await engine.tick(now: date("2026-03-10T07:00:00Z"), deliver: false).queued == count)
        return try await engine.database.writeWithoutTransaction { db in
            // Everything in the main file, so a copy of it alone is the whole log.
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE status = 'queued'") ?? 0
        }
    }

    /// Each queued part's status, attempts and possibly-duplicated count, by id.
    func parts(_ path: String) async throws -> [String: (status: String, group: String, part: Int, duplicated: Int)] {
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let rows = try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT message_id, status, group_id, part, possibly_duplicated FROM messages WHERE queued_position IS NOT NULL")
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, ($0[1] as String, $0[2] as String, $0[3] as Int, $0[4] as Int)) })
    }

    func environment(_ gateway: LoopbackServer, lease: Double = 2, timeout: Double = 1) -> [String: String] {
        [
            "PERIODIZE_SENDER": "http", "PERIODIZE_SENDER_URL": gateway.baseURL + "/sms", "PERIODIZE_SENDER_TIMEOUT_S": "\(timeout)",
            "PERIODIZE_DELIVERY_LEASE_S": "\(lease)",
        ]
    }

    /// What the gateway received, as idempotency keys (part ids) in arrival order.
    func keys(_ gateway: LoopbackServer) -> [String] {
        gateway.received.compactMap { $0.headers["idempotency-key"] }
    }

    @Test func twoDeliverProcessesDrainingOneQueueHandEachPartOverOnce() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let count = try await queued(150, at: path)
        #expect(count > 150, "messages in parts")
        let gateway = try await LoopbackServer.start { received in .init(json: ["id": "gw-\(received.index)"], delay: .milliseconds(2)) }
        async let a = PeriodizeBinary.runInBackground(["deliver", "--db", path, "--now", "2026-03-10T07:01:00Z"], environment: environment(gateway))
        async let b = PeriodizeBinary.runInBackground(["deliver", "--db", path, "--now", "2026-03-10T07:01:00Z"], environment: environment(gateway))
        let (ra, rb) = try await (a, b)
        let received = keys(gateway)
        await gateway.stop()
        #expect(ra.status == 0, "\(ra.stdout)\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stdout)\(rb.stderr)")
        let final = try await parts(path)
        #expect(final.values.allSatisfy { $0.status == "sent" })
        #expect(received.count == count, "\(received.count) requests for \(count) parts: \(ra.stdout) / \(rb.stdout)")
        #expect(Set(received) == Set(final.keys))
        Self.expectPartsInOrder(received, final)
    }

    /// Within each message, part n first reached the gateway after part n - 1 did.
    static func expectPartsInOrder(_ received: [String], _ parts: [String: (status: String, group: String, part: Int, duplicated: Int)]) {
        var first: [String: Int] = [:]
        for (index, key) in received.enumerated() where first[key] == nil { first[key] = index }
        let byGroup = Dictionary(grouping: parts, by: { $0.value.group })
        for (_, members) in byGroup {
            let ordered = members.sorted { $0.value.part < $1.value.part }.map { first[$0.key] ?? Int.max }
            #expect(ordered == ordered.sorted(), "parts arrived in order")
        }
    }

    @Test func aWorkerStoppedAfterTheProviderAcceptedDeliversThatPartAgainOnceAndMarksIt() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let count = try await queued(3, at: path)
        let gateway = try await LoopbackServer.start { received in .init(json: ["id": "gw-\(received.index)"]) }
        var environment = environment(gateway, lease: 1.5, timeout: 1)
        environment["PERIODIZE_TEST_FAULT"] = "kill-after-accept:2"
        let crashed = try await PeriodizeBinary.runInBackground(["deliver", "--db", path, "--now", "2026-03-10T07:01:00Z"], environment: environment)
        #expect(crashed.status == SIGKILL, "killed by its fault hook: \(crashed.stdout)\(crashed.stderr)")
        // The second part the gateway accepted, and any sent beside it (clients are delivered
        // side by side), reached the gateway with no outcome in the log.
        let beforeRestart = keys(gateway)
        #expect(beforeRestart.count >= 2)
        let inDoubt = try await parts(path).filter { $0.value.status == "sending" }
        #expect(!inDoubt.isEmpty && inDoubt.count < count)
        // Restarted within the lease: the parts in doubt are left alone.
        environment["PERIODIZE_TEST_FAULT"] = nil
        let early = try await PeriodizeBinary.runInBackground(["deliver", "--db", path, "--now", "2026-03-10T07:01:00.500Z"], environment: environment)
        #expect(early.status == 0, "\(early.stderr)")
        #expect(try await parts(path).filter { $0.value.status == "sending" }.keys.sorted() == inDoubt.keys.sorted(), "not taken while their lease holds")
        // After the lease: taken again as the next attempt, marked possibly duplicated.
        let restarted = try await PeriodizeBinary.runInBackground(["deliver", "--db", path, "--now", "2026-03-10T07:01:05Z"], environment: environment)
        #expect(restarted.status == 0, "\(restarted.stdout)\(restarted.stderr)")
        #expect(restarted.stdout.contains("\(inDoubt.count) possibly duplicated"), "\(restarted.stdout)")
        let received = keys(gateway)
        await gateway.stop()
        let final = try await parts(path)
        #expect(final.values.allSatisfy { $0.status == "sent" })
        let counts = Dictionary(grouping: received, by: { $0 }).mapValues(\.count)
        #expect(Set(counts.keys) == Set(final.keys), "every part reached the gateway")
        let twice = Set(counts.filter { $0.value == 2 }.keys)
        #expect(counts.values.allSatisfy { $0 <= 2 })
        // A part in doubt reached the gateway before the kill, or was claimed and not yet sent:
        // the log cannot tell, so each is marked; those that had arrived arrive once more.
        #expect(!twice.isEmpty && twice.isSubset(of: Set(inDoubt.keys)), "the parts in doubt, delivered again exactly once; nothing else twice")
        #expect(Set(final.filter { $0.value.duplicated == 1 }.keys) == Set(inDoubt.keys), "and marked")
        #expect(final.values.allSatisfy { $0.duplicated <= 1 })
        let stats = try await PeriodizeBinary.runInBackground(["stats", "--db", path])
        #expect(stats.stdout.contains("possibly duplicated: \(inDoubt.count)"), "\(stats.stdout)")
    }

    @Test func workersKilledAtRandomMomentsLeaveEveryPartDeliveredAndOnlyMarkedPartsTwice() async throws {
        let folder = TemporaryDirectory()
        let template = folder.path("template.sqlite")
        let count = try await queued(6, at: template)
        let gateway = try await LoopbackServer.start { received in .init(json: ["id": "gw-\(received.index)"], delay: .milliseconds(100)) }
        var random = SplitMix64(seed: 20261201)
        var killedMidway = 0
        // The workers' clock: the queued day's morning, moving on with the wall clock (so leases run out).
        let base = date("2026-03-10T07:01:00Z"), began = Date()
        func now() -> String { Timestamp(base.addingTimeInterval(Date().timeIntervalSince(began))).iso8601 }
        for trial in 0..<20 {
            let path = folder.path("trial-\(trial).sqlite")
            try FileManager.default.copyItem(atPath: template, toPath: path)
            let start = gateway.received.count
            var environment = environment(gateway, lease: 2, timeout: 1.5)
            environment["PERIODIZE_DELIVERY_RETRY_S"] = "0.05"
            let worker = try PeriodizeBinary.launch(["deliver", "--db", path, "--now", now()], environment: environment)
            try await Task.sleep(for: .milliseconds(Int(random.next() % 700)))
            kill(worker.processIdentifier, SIGKILL)
            await PeriodizeBinary.exit(of: worker)
            if worker.terminationReason == .uncaughtSignal { killedMidway += 1 }
            // Restarted with the clock moved past any lease the killed worker held, until every
            // part has an end.
            var rounds = 0
            var last = ""
            var skew = 2.5
            while rounds < 6 {
                let restart = Timestamp(Timestamp(iso8601: now())!.date.addingTimeInterval(skew)).iso8601
                let again = try await PeriodizeBinary.runInBackground(["deliver", "--db", path, "--now", restart], environment: environment)
                #expect(again.status == 0, "trial \(trial): \(again.stderr)")
                rounds += 1
                skew += 2.5
                last += again.stdout + again.stderr
                if try await parts(path).values.allSatisfy({ ["sent", "undeliverable", "expired"].contains($0.status) }) { break }
            }
            let final = try await parts(path)
            let shown = try await PeriodizeBinary.runInBackground(["show", "messages", "c0", "--db", path]).stdout
            #expect(final.count == count)
            #expect(final.values.allSatisfy { ["sent", "undeliverable", "expired"].contains($0.status) }, "trial \(trial): \(final.values.map(\.status)) \(shown) after \(rounds) rounds: \(last)")
            let received = Array(keys(gateway)[start...])
            let counts = Dictionary(grouping: received, by: { $0 }).mapValues(\.count)
            for (id, part) in final where part.status == "sent" {
                let times = counts[id] ?? 0
                #expect(times >= 1, "trial \(trial): a part recorded sent never reached the gateway")
                #expect(times <= 1 + part.duplicated, "trial \(trial): a part reached the gateway \(times) times with \(part.duplicated) marked")
            }
            #expect(Set(counts.keys).isSubset(of: Set(final.keys)))
            Self.expectPartsInOrder(received, final)
        }
        await gateway.stop()
        #expect(killedMidway >= 8, "most workers were killed before they finished: \(killedMidway)")
    }
}

/// A seeded generator: the same kill moments on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

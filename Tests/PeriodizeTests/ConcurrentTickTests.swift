import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import PeriodizeApp
import Testing
import TestSupport

@Suite("Concurrent ticks", .serialized)
struct ConcurrentTickTests {
    /// Two `periodize tick` processes at once over 1,000 clients, delivering through the HTTP
    /// sender to a gateway on 127.0.0.1: each message part reaches the gateway exactly once.
    @Test func twoTickProcessesHandEachMessagePartToTheGatewayExactlyOnce() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let count = 1000
        do {
            let engine = try await makeEngine(EngineConfiguration(path: path, durability: .normal))
            defer { try? engine.close() }
            let zones = ["America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati"]
            for n in 0..<count {
                let id = "c\(n)"
                try await engine.enroll(enrollment(id, zone: zones[n % zones.count], hour: n % 6, days: [[1, 3, 5], [2, 4], [1, 2, 4, 5]][n % 3]))
                try await engine.createPlan(clientID: id, start: LocalDate("2026-03-02"))
            }
        }
        let now = "2026-03-10T20:00:00Z"
        var due = 0
        for n in 0..<count {
            let zones = ["America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati"]
            if try ClientCalendar(timeZone: zones[n % zones.count]).isDue(sendHour: n % 6, at: Timestamp(iso8601: now)!.date) { due += 1 }
        }
        #expect(due > 700)
        let gateway = try await LoopbackServer.start { received in .init(json: ["id": "gw-\(received.index)"]) }
        let environment = ["PERIODIZE_SENDER": "http", "PERIODIZE_SENDER_URL": gateway.baseURL + "/sms"]
        async let a = PeriodizeBinary.runInBackground(["tick", "--db", path, "--now", now], environment: environment)
        async let b = PeriodizeBinary.runInBackground(["tick", "--db", path, "--now", now], environment: environment)
        let (ra, rb) = try await (a, b)
        let received = gateway.received
        await gateway.stop()
        #expect(ra.status == 0, "\(ra.stdout)\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stdout)\(rb.stderr)")
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let perClient = try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, count(*) FROM messages WHERE kind = 'daily' AND part = 1 GROUP BY client_id").map { ($0[0] as String, $0[1] as Int) }
        }
        #expect(perClient.count == due, "every due client got its message: \(ra.stdout) / \(rb.stdout)")
        #expect(perClient.allSatisfy { $0.1 == 1 })
        let parts = try await store.database.read { db in
            try String.fetchAll(db, sql: "SELECT message_id FROM messages WHERE queued_position IS NOT NULL AND status = 'sent'")
        }
        let notSent = try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE queued_position IS NOT NULL AND status <> 'sent'") ?? -1
        }
        #expect(notSent == 0)
        let keys = received.compactMap { $0.headers["idempotency-key"] }
        #expect(keys.count == received.count)
        #expect(received.count == parts.count, "one request per part: \(received.count) requests for \(parts.count) parts")
        #expect(Set(keys) == Set(parts), "each part once, and only parts the log has")
        let workouts = try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT client_id, workout_date FROM workouts GROUP BY client_id, workout_date HAVING count(*) > 1)")
        }
        #expect(workouts == 0, "one workout per client and date")
        #expect(try await store.verifyChain().isValid)
    }
}

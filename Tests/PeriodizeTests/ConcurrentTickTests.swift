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

@Suite("Concurrent ticks", .serialized)
struct ConcurrentTickTests {
    @Test func twoTickProcessesSendExactlyOneDailyMessagePerClient() async throws {
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
        let a = try PeriodizeBinary.start(["tick", "--db", path, "--now", now])
        let b = try PeriodizeBinary.start(["tick", "--db", path, "--now", now])
        let outA = String(decoding: PipeReader.readToEnd(a.stdout), as: UTF8.self)
        let outB = String(decoding: PipeReader.readToEnd(b.stdout), as: UTF8.self)
        a.process.waitUntilExit()
        b.process.waitUntilExit()
        #expect(a.process.terminationStatus == 0, "\(outA)")
        #expect(b.process.terminationStatus == 0, "\(outB)")
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let perClient = try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, count(*) FROM messages WHERE kind = 'daily' GROUP BY client_id").map { ($0[0] as String, $0[1] as Int) }
        }
        #expect(perClient.count == due, "every due client got its message: \(outA) / \(outB)")
        #expect(perClient.allSatisfy { $0.1 == 1 })
        let workouts = try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT client_id, workout_date FROM workouts GROUP BY client_id, workout_date HAVING count(*) > 1)")
        }
        #expect(workouts == 0, "one workout per client and date")
        #expect(try await store.verifyChain().isValid)
    }
}

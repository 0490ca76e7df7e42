import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Projections
import Synchronization
import Testing
import TestSupport

/// The outbox in one process: queue, claim, send, outcome; parts, opt-outs, expiry, leases and
/// a busy log, on real SQLite files.
@Suite("Outbox")
struct OutboxTests {
    func statuses(_ engine: Engine, _ clientID: String) async throws -> [MessageStatus] {
        try await engine.readModels.messageStatuses(clientID: clientID)
    }

    /// Ticks (queueing only) day after day at 07:00 UTC until a daily message comes in parts.
    func queueASplitMessage(_ engine: Engine, client: String) async throws -> (date: String, parts: Int) {
        for day in 9...15 {
            _ = try await engine.tick(now: date("2026-03-\(day)T07:00:00Z"), deliver: false)
            if let split = try await statuses(engine, client).first(where: { $0.kind == "daily" && $0.parts > 1 }) {
                return (split.localDate ?? "", split.parts)
            }
            _ = try await engine.deliver(at: date("2026-03-\(day)T07:00:00Z"))
        }
        throw CoachingError("no daily message came in parts")
    }

    @Test func partsAreDeliveredInOrderAndALaterPartWaitsForTheOneBefore() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([])
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), smsSegments: 1, sender: sender))
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6, days: [1, 2, 3, 4, 5]))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let (day, parts) = try await queueASplitMessage(engine, client: "c1")
        let before = sender.received.withLock { $0.count }
        sender.failures.withLock { $0 = [SendFailure("HTTP 503", code: "503", retryable: true)] }
        let now = date("\(day)T07:00:00Z")
        let first = try await engine.deliver(at: now)
        #expect(first.retrying == 1)
        #expect(first.sent == 0, "part 2 waits while part 1 is to be retried")
        let waiting = try await statuses(engine, "c1").filter { $0.localDate == day && $0.kind == "daily" }
        #expect(waiting.map(\.status) == ["failed"] + Array(repeating: "queued", count: parts - 1))
        let later = try await engine.deliver(at: now.addingTimeInterval(600))
        #expect(later.sent == parts)
        let received = sender.received.withLock { Array($0.dropFirst(before)) }
        #expect(received.map(\.part) == [1] + Array(1...parts), "part 1 failed, then every part in order")
        #expect(Set(received.map(\.groupID)).count == 1, "one message")
        #expect(Set(received.map(\.messageID)).count == parts, "each part its own id")
        #expect(received.allSatisfy { $0.parts == parts })
        for message in received { #expect(SMSText.measure(message.body).segments <= 1, "each part keeps the budget: \(message.body)") }
        let done = try await statuses(engine, "c1").filter { $0.localDate == day && $0.kind == "daily" }
        #expect(done.map(\.status) == Array(repeating: "sent", count: parts))
        #expect(done.map(\.part) == Array(1...parts))
        try engine.close()
    }

    @Test func aClientWhoOptsOutBetweenQueueingAndDeliveryIsNotSent() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([])
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), sender: sender))
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z"), deliver: false).queued == 1)
        try await engine.updateClient(ClientUpdated(clientId: "c1", optedIn: false))
        let report = try await engine.deliver(at: date("2026-03-09T07:00:10Z"))
        #expect(report.released == 1)
        #expect(report.sent == 0)
        #expect(sender.received.withLock { $0.isEmpty })
        let status = try #require(try await statuses(engine, "c1").first)
        #expect(status.status == "released")
        #expect(status.lastError == "the client opted out")
        // Released for good: opting back in does not send yesterday's message.
        try await engine.updateClient(ClientUpdated(clientId: "c1", optedIn: true))
        #expect(try await engine.deliver(at: date("2026-03-09T08:00:00Z")) == Engine.DeliveryReport())
        try engine.close()
    }

    @Test func aDailyMessageExpiresAtTheEndOfTheClientsLocalDay() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([])
        // Budget enough that no message comes in parts: one row per day.
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), smsSegments: 10, sender: sender))
        // UTC+14 and UTC-11: the first and the last local days on Earth.
        try await engine.enroll(enrollment("kiritimati", zone: "Pacific/Kiritimati", hour: 6, days: [1, 2, 3, 4, 5, 6, 7]))
        try await engine.enroll(enrollment("pago", zone: "Pacific/Pago_Pago", hour: 6, days: [1, 2, 3, 4, 5, 6, 7]))
        for client in ["kiritimati", "pago"] { try await engine.createPlan(clientID: client, start: LocalDate("2026-03-02")) }
        // 2026-03-09T16:30Z: 06:30 on the 10th in Kiritimati, 05:30 on the 9th in Pago Pago.
        #expect(try await engine.tick(now: date("2026-03-09T16:30:00Z"), deliver: false).queued == 1)
        // 2026-03-10T17:30Z: 07:30 on the 11th in Kiritimati, 06:30 on the 10th in Pago Pago.
        #expect(try await engine.tick(now: date("2026-03-10T17:30:00Z"), deliver: false).queued == 2)
        let kiritimati = try await statuses(engine, "kiritimati")
        let pago = try await statuses(engine, "pago")
        let expiries = try await engine.database.read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, local_date, expires_at FROM messages WHERE kind = 'daily' ORDER BY client_id, local_date")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String)" }
        }
        #expect(expiries == [
            "kiritimati 2026-03-10 2026-03-10T10:00:00.000Z", "kiritimati 2026-03-11 2026-03-11T10:00:00.000Z",
            "pago 2026-03-10 2026-03-11T11:00:00.000Z",
        ])
        // Delivered at 17:31Z: Kiritimati's 10th ended at 10:00Z; its 11th and Pago Pago's 10th are still on.
        let report = try await engine.deliver(at: date("2026-03-10T17:31:00Z"))
        #expect(report.expired == 1)
        #expect(report.sent == kiritimati.count - 1 + pago.count)
        #expect(try await statuses(engine, "kiritimati").filter { $0.kind == "daily" }.map(\.status) == ["expired", "sent"])
        // Pago Pago's 11th, queued and not delivered until one millisecond past its local midnight.
        #expect(try await engine.tick(now: date("2026-03-11T17:30:00Z"), deliver: false).queued == 2)
        let late = try await engine.deliver(at: Timestamp(iso8601: "2026-03-12T11:00:00.001Z")!.date)
        #expect(late.expired == 2, "Kiritimati's 12th ended at 10:00Z, Pago Pago's 11th at 11:00Z")
        #expect(try await statuses(engine, "pago").filter { $0.kind == "daily" }.map(\.status) == ["sent", "expired"])
        try engine.close()
    }

    @Test func aLeaseThatRunsOutDuringASlowSendIsTakenAgainAndMarkedPossiblyDuplicated() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let clock = ManualClock(date("2026-03-09T07:00:00Z"))
        // The first send hangs until the test lets it go; later ones answer at once.
        let letGo = Mutex(false)
        let calls = Mutex(0)
        let sender = ScriptedSender([], onSend: { _ in
            guard calls.withLock({ $0 += 1; return $0 }) == 1 else { return }
            while !letGo.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
        })
        var policy = DeliveryPolicy()
        policy.lease = 30
        let slow = try await makeEngine(EngineConfiguration(path: path, clock: { clock.date() }, sender: sender, delivery: policy, workerID: "slow"))
        try await slow.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await slow.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await slow.tick(deliver: false).queued == 1)
        let first = Task { try await slow.deliver() }
        while sender.received.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        let other = try await makeEngine(EngineConfiguration(path: path, clock: { clock.date() }, sender: sender, delivery: policy, workerID: "other"))
        #expect(try await other.deliver() == Engine.DeliveryReport(), "the lease still holds")
        clock.advance(by: 31)
        let second = try await other.deliver()
        letGo.withLock { $0 = true }
        let firstReport = try await first.value
        #expect(second.possiblyDuplicated == 1)
        #expect(second.sent == 1)
        #expect(firstReport.sent == 1, "the slow attempt's outcome is recorded too")
        #expect(sender.received.withLock { $0.count } == 2, "the window the lease leaves, taken twice")
        let status = try #require(try await statuses(other, "c1").first)
        #expect(status.status == "sent")
        #expect(status.attempts == 2)
        #expect(status.possiblyDuplicated == 1)
        #expect(try await other.readModels.deliveryCounts().possiblyDuplicated == 1)
        let attempts = try await other.database.read { db in
            try Row.fetchAll(db, sql: "SELECT json_extract(payload, '$.workerId'), json_extract(payload, '$.possiblyDuplicated') FROM events WHERE type = 'DeliveryAttempted' ORDER BY position")
                .map { "\($0[0] as String) \($0[1] as Int)" }
        }
        #expect(attempts == ["slow 0", "other 1"])
        try slow.close()
        try other.close()
    }

    @Test func anOutcomeAppendedWhileTheLogIsBusyIsRetried() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        // Another connection takes the write lock as the provider accepts, and holds it 1.5 s:
        // longer than the engine's busy timeout.
        let blocker = Mutex<DatabaseQueue?>(nil)
        let sender = ScriptedSender([], onSend: { _ in
            guard let queue = blocker.withLock({ $0 }) else { return }
            Thread.detachNewThread {
                try? queue.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    Thread.sleep(forTimeInterval: 1.5)
                    try db.execute(sql: "COMMIT")
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        })
        let engine = try await makeEngine(EngineConfiguration(path: path, busyTimeout: 0.2, sender: sender))
        let queue = try DatabaseQueue(path: path)
        blocker.withLock { $0 = queue }
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z"), deliver: false).queued == 1)
        let started = Date()
        let report = try await engine.deliver(at: date("2026-03-09T07:00:01Z"))
        #expect(Date().timeIntervalSince(started) > 1.2, "the outcome waited for the lock")
        #expect(report.sent == 1)
        #expect(report.errors.isEmpty)
        #expect(sender.received.withLock { $0.count } == 1)
        #expect(try await statuses(engine, "c1").first?.status == "sent")
        try engine.close()
    }

    @Test func twoWorkersOnOneQueueDeliverEachPartOnce() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let sender = ScriptedSender([], delay: .milliseconds(2))
        // The same worker id and the same instant: their claims of one attempt are the same bytes,
        // and still only the append that stores one owns it.
        let a = try await makeEngine(EngineConfiguration(path: path, smsSegments: 1, sender: sender, workerID: "same"))
        let b = try await makeEngine(EngineConfiguration(path: path, smsSegments: 1, sender: sender, workerID: "same"))
        for n in 0..<40 {
            try await a.enroll(enrollment("c\(n)", zone: "UTC", hour: 6, days: [1, 2, 3, 4, 5]))
            try await a.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        let queued = try await a.tick(now: date("2026-03-10T07:00:00Z"), deliver: false).queued
        #expect(queued == 40)
        async let one = a.deliver(at: date("2026-03-10T07:00:01Z"))
        async let two = b.deliver(at: date("2026-03-10T07:00:01Z"))
        let (ra, rb) = try await (one, two)
        let parts = try await a.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE queued_position IS NOT NULL") ?? 0 }
        #expect(parts > 40, "some messages came in parts")
        #expect(ra.sent + rb.sent == parts)
        let received = sender.received.withLock { $0.map(\.messageID) }
        #expect(received.count == parts)
        #expect(Set(received).count == parts, "each part handed over once")
        #expect(try await a.readModels.deliveryCounts().byStatus == ["sent": parts])
        try a.close()
        try b.close()
    }

    @Test func aWorkerThatIsStoppingReleasesItsClaimBackToTheQueue() async throws {
        let folder = TemporaryDirectory()
        let stopping = Mutex(false)
        // The first send tells the worker to stop; the next client's claim is then released.
        let sender = ScriptedSender([], onSend: { _ in stopping.withLock { $0 = true } })
        var policy = DeliveryPolicy()
        policy.concurrency = 1
        // One attempt allowed: a release does not use it up.
        policy.maxAttempts = 1
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), smsSegments: 10, sender: sender, delivery: policy))
        for id in ["c1", "c2"] {
            try await engine.enroll(enrollment(id, zone: "UTC", hour: 6))
            try await engine.createPlan(clientID: id, start: LocalDate("2026-03-09"))
        }
        #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z"), deliver: false).queued == 2)
        let stopped = try await engine.deliver(at: date("2026-03-09T07:00:01Z"), shouldStop: { stopping.withLock { $0 } })
        #expect(stopped.sent == 1)
        #expect(stopped.released == 1)
        // Which client came first in the queue is the tick's order; the other one was released.
        let all = try await statuses(engine, "c1") + statuses(engine, "c2")
        #expect(all.map(\.status).sorted() == ["queued", "sent"])
        let released = try #require(all.first { $0.status == "queued" })
        #expect(released.attempts == 1)
        #expect(released.lastError == "the worker was shutting down")
        // The next worker sends it as the next attempt, not marked: it never reached the provider.
        let next = try await engine.deliver(at: date("2026-03-09T07:00:02Z"))
        #expect(next.sent == 1)
        #expect(next.possiblyDuplicated == 0)
        #expect(sender.received.withLock { $0.count } == 2)
        let sent = try #require(try await (statuses(engine, "c1") + statuses(engine, "c2")).first { $0.messageID == released.messageID })
        #expect(sent.status == "sent")
        #expect(sent.attempts == 2)
        try engine.close()
    }
}

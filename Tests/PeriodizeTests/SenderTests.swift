import Coaching
import Crypto
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Synchronization
import Testing
import TestSupport

/// A provider that fails as scripted (nil: accept), optionally slowly: the boundary to an SMS
/// provider, not our storage.
final class ScriptedSender: MessageSender {
    let failures: Mutex<[SendFailure?]>
    let sent = Mutex<[String]>([])
    let received = Mutex<[OutgoingMessage]>([])
    let delay: Duration
    let onSend: @Sendable (OutgoingMessage) async -> Void
    var provider: String { "scripted" }
    var timeout: TimeInterval { 0 }

    init(_ failures: [SendFailure?], delay: Duration = .zero, onSend: @escaping @Sendable (OutgoingMessage) async -> Void = { _ in }) {
        self.failures = Mutex(failures)
        self.delay = delay
        self.onSend = onSend
    }

    func send(_ message: OutgoingMessage) async throws -> String? {
        received.withLock { $0.append(message) }
        await onSend(message)
        if delay > .zero { try await Task.sleep(for: delay) }
        let next = failures.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        if let next { throw next }
        sent.withLock { $0.append(message.body) }
        return "SM\(message.messageID.uuidString.prefix(8))"
    }
}

@Suite("Message senders")
struct SenderTests {
    func engine(_ folder: TemporaryDirectory, sender: any MessageSender) async throws -> Engine {
        let ids = SeededIDs(seed: 7)
        return try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), ids: { ids.next() }, sender: sender))
    }

    func row(_ engine: Engine, kind: String) async throws -> Row? {
        try await engine.database.read { db in
            try Row.fetchOne(db, sql: "SELECT status, attempts, provider, provider_message_id, last_error, next_attempt_at FROM messages WHERE kind = ?", arguments: [kind])
        }
    }

    @Test func aRetryableFailureIsRecordedAndRetriedAfterItsBackoff() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([SendFailure("HTTP 503", code: "503", retryable: true)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let first = try await engine.tick(now: date("2026-03-09T07:00:00Z"))
        #expect(first.queued == 1)
        #expect(first.failed.isEmpty)
        #expect(first.delivery.retrying == 1)
        let failed = try await row(engine, kind: "daily")
        #expect(failed?["status"] == "failed")
        #expect(failed?["attempts"] == 1)
        #expect(failed?["last_error"] == "HTTP 503")
        // The first retry waits 60 s plus up to half again.
        let next = try #require(Timestamp(iso8601: failed?["next_attempt_at"] ?? ""))
        #expect((60_000...90_000).contains(next.milliseconds - Timestamp(date("2026-03-09T07:00:00Z")).milliseconds))
        #expect(try await engine.deliver(at: date("2026-03-09T07:00:30Z")).sent == 0, "not before its backoff")
        let second = try await engine.tick(now: date("2026-03-09T08:00:00Z"))
        #expect(second.queued == 0)
        #expect(second.delivery.sent == 1)
        #expect(sender.sent.withLock { $0.count } == 1)
        let sent = try await row(engine, kind: "daily")
        #expect(sent?["status"] == "sent")
        #expect(sent?["attempts"] == 2)
        #expect(sent?["provider"] == "scripted")
        #expect((sent?["provider_message_id"] as String?)?.hasPrefix("SM") == true)
    }

    @Test func aPermanentFailureIsNotTriedAgain() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([SendFailure("the number opted out", code: "21610", retryable: false)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z")).delivery.undeliverable == 1)
        let again = try await engine.tick(now: date("2026-03-09T08:00:00Z"))
        #expect(again.queued == 0)
        #expect(again.alreadyQueued == 1)
        #expect(again.delivery == Engine.DeliveryReport())
        #expect(try await engine.deliver(at: date("2026-03-09T12:00:00Z")) == Engine.DeliveryReport())
        #expect(sender.received.withLock { $0.count } == 1)
        #expect(try await row(engine, kind: "daily")?["status"] == "undeliverable")
        // The next day is a new message.
        let next = try await engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(next.queued == 1)
        #expect(next.delivery.sent == 1)
    }

    @Test func theLastAttemptAllowedMakesAMessageUndeliverable() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender(Array(repeating: SendFailure("HTTP 503", code: "503", retryable: true), count: 5))
        var policy = DeliveryPolicy()
        policy.maxAttempts = 3
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), sender: sender, delivery: policy))
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z")).delivery.retrying == 1)
        #expect(try await engine.deliver(at: date("2026-03-09T07:05:00Z")).retrying == 1)
        let next = try #require(Timestamp(iso8601: try await row(engine, kind: "daily")?["next_attempt_at"] ?? ""))
        // The second retry waits twice the first: 120 s plus up to half again.
        #expect((120_000...180_000).contains(next.milliseconds - Timestamp(date("2026-03-09T07:05:00Z")).milliseconds))
        #expect(try await engine.deliver(at: date("2026-03-09T07:20:00Z")).undeliverable == 1)
        #expect(try await engine.deliver(at: date("2026-03-09T09:00:00Z")) == Engine.DeliveryReport())
        #expect(sender.received.withLock { $0.count } == 3)
        let final = try await row(engine, kind: "daily")
        #expect(final?["status"] == "undeliverable")
        #expect(final?["attempts"] == 3)
        #expect(final?["next_attempt_at"] == nil as String?)
    }

    @Test func aWeeklyOverviewThatFailsIsRecordedAndTriedAgain() async throws {
        let folder = TemporaryDirectory()
        // Sunday 2026-03-15: the daily message goes out, the overview fails once.
        let sender = ScriptedSender([nil, SendFailure("HTTP 503", code: "503", retryable: true)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let first = try await engine.tick(now: date("2026-03-15T07:00:00Z"))
        #expect(first.weekly == 1)
        #expect(first.delivery.sent == 1)
        #expect(first.delivery.retrying == 1)
        let failed = try await row(engine, kind: "weekly")
        #expect(failed?["status"] == "failed")
        #expect(failed?["attempts"] == 1)
        #expect(failed?["last_error"] == "HTTP 503")
        let second = try await engine.tick(now: date("2026-03-15T08:00:00Z"))
        #expect(second.weekly == 0, "queued once")
        #expect(second.delivery.sent == 1)
        let sent = try await row(engine, kind: "weekly")
        #expect(sent?["status"] == "sent")
        #expect(sent?["attempts"] == 2)
        #expect(sender.sent.withLock { $0.count } == 2, "one daily message, one overview")
        try engine.close()
    }

    @Test func aWeeklyOverviewThatFailsForGoodIsNotTriedAgain() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([nil, SendFailure("the number opted out", code: "21610", retryable: false)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await engine.tick(now: date("2026-03-15T07:00:00Z")).delivery.undeliverable == 1)
        let again = try await engine.tick(now: date("2026-03-15T08:00:00Z"))
        #expect(again.failed.isEmpty)
        #expect(again.weekly == 0)
        #expect(again.delivery == Engine.DeliveryReport())
        #expect(sender.sent.withLock { $0.count } == 1, "the daily message only")
        let weekly = try await row(engine, kind: "weekly")
        #expect(weekly?["attempts"] == 1)
        #expect(weekly?["status"] == "undeliverable")
        try engine.close()
    }

    @Test func aResetNoticeThatFailsIsRetriedLikeTheOthers() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T15:00:00Z"))
        let sender = ScriptedSender([SendFailure("HTTP 503", code: "503", retryable: true)])
        let ids = SeededIDs(seed: 3)
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), clock: { clock.date() }, ids: { ids.next() }, sender: sender))
        try await engine.enroll(enrollment("c1"))
        try await engine.createPlan(clientID: "c1")
        #expect(try await engine.migrateCleanSlate().completedNow == 1)
        #expect(try await engine.deliver().retrying == 1)
        let failed = try await row(engine, kind: "notice")
        #expect(failed?["status"] == "failed")
        #expect(failed?["attempts"] == 1)
        clock.advance(by: 120)
        #expect(try await engine.deliver().sent == 1)
        let sent = try await row(engine, kind: "notice")
        #expect(sent?["status"] == "sent")
        #expect(sender.sent.withLock { $0.count } == 1)
        // Running the migration again queues nothing and sends nothing.
        #expect(try await engine.migrateCleanSlate().completedNow == 0)
        #expect(try await engine.deliver() == Engine.DeliveryReport())
        #expect(sender.sent.withLock { $0.count } == 1)
        try engine.close()
    }

    @Test func aDaySentUnderTheOldMessageIdIsNotSentAgainAfterTheUpgrade() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        // What a build from before recorded: the day's message under the name-based id.
        var oldID = Array(Crypto.SHA256.hash(data: Data("daily|c1|2026-03-09".utf8)))
        oldID[6] = (oldID[6] & 0x0F) | 0x50
        oldID[8] = (oldID[8] & 0x3F) | 0x80
        let id = UUID(uuid: (oldID[0], oldID[1], oldID[2], oldID[3], oldID[4], oldID[5], oldID[6], oldID[7], oldID[8], oldID[9], oldID[10], oldID[11], oldID[12], oldID[13], oldID[14], oldID[15]))
        #expect(id != Engine.dailyMessageID(clientID: "c1", date: LocalDate("2026-03-09")!))
        try await engine.append(
            MessageSent(messageId: id.uuidString.lowercased(), clientId: "c1", kind: .daily, localDate: LocalDate("2026-03-09"), body: "sent before the upgrade",
                        encoding: .gsm7, segments: 1, provider: "scripted", sentAt: "2026-03-09T06:00:00.000Z"),
            to: Engine.clientStream("c1"), id: id)
        let report = try await engine.tick(now: date("2026-03-09T07:00:00Z"))
        #expect(report.queued == 0)
        #expect(report.alreadyQueued == 1)
        #expect(try await engine.sendDaily(clientID: "c1", date: LocalDate("2026-03-09")).queued == false)
        #expect(sender.sent.withLock { $0.isEmpty })
        try engine.close()
    }

    @Test func derivedMessageIdsSortByTheirDate() {
        let days = (0..<40).map { LocalDate("2026-03-01")!.adding(days: $0) }
        let ids = days.flatMap { day in ["c1", "c2", "zz"].map { Engine.dailyMessageID(clientID: $0, date: day) } }
        let bytes = ids.map { withUnsafeBytes(of: $0.uuid) { Array($0.prefix(6)) } }
        #expect(bytes == bytes.sorted { $0.lexicographicallyPrecedes($1) }, "a day's ids come after the day before's")
        #expect(ids.allSatisfy { $0.uuid.6 >> 4 == 8 && $0.uuid.8 >> 6 == 0b10 }, "version 8, RFC 9562 variant")
        #expect(TimeOrderedIDs.millisecond(of: ids[0]) == 1_772_323_200_000, "2026-03-01T00:00:00Z")
    }
}

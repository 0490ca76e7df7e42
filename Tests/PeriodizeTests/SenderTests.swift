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

/// A provider that fails as scripted: the boundary to an SMS provider, not our storage.
final class ScriptedSender: MessageSender {
    let failures: Mutex<[SendFailure?]>
    let sent = Mutex<[String]>([])
    var provider: String { "scripted" }

    init(_ failures: [SendFailure?]) { self.failures = Mutex(failures) }

    func send(_ body: String, to phoneNumber: String, messageID: UUID) async throws -> String? {
        let next = failures.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        if let next { throw next }
        sent.withLock { $0.append(body) }
        return "SM\(messageID.uuidString.prefix(8))"
    }
}

@Suite("Message senders")
struct SenderTests {
    func engine(_ folder: TemporaryDirectory, sender: any MessageSender) async throws -> Engine {
        let ids = SeededIDs(seed: 7)
        return try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), ids: { ids.next() }, sender: sender))
    }

    @Test func aRetryableFailureIsRecordedAndTheNextTickSends() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([SendFailure("HTTP 503", code: "503", retryable: true)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let first = try await engine.tick(now: date("2026-03-09T07:00:00Z"))
        #expect(first.failed.count == 1)
        let second = try await engine.tick(now: date("2026-03-09T08:00:00Z"))
        #expect(second.sent == 1)
        #expect(sender.sent.withLock { $0.count } == 1)
        let row = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, attempts, provider, provider_message_id FROM messages WHERE kind = 'daily'") }
        #expect(row?["status"] == "sent")
        #expect(row?["attempts"] == 2)
        #expect(row?["provider"] == "scripted")
        #expect((row?["provider_message_id"] as String?)?.hasPrefix("SM") == true)
    }

    @Test func aPermanentFailureIsNotTriedAgain() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([SendFailure("the number opted out", code: "21610", retryable: false)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z")).failed.count == 1)
        let again = try await engine.tick(now: date("2026-03-09T08:00:00Z"))
        #expect(again.undeliverable == 1)
        #expect(again.sent == 0)
        #expect(sender.sent.withLock { $0.isEmpty })
        let failed = try await engine.database.read { db in try String.fetchOne(db, sql: "SELECT status FROM messages WHERE kind = 'daily'") }
        #expect(failed == "failed")
        // The next day is a new message.
        #expect(try await engine.tick(now: date("2026-03-10T07:00:00Z")).sent == 1)
    }

    @Test func aWeeklyOverviewThatFailsIsRecordedAndTriedAgainNextTick() async throws {
        let folder = TemporaryDirectory()
        // Sunday 2026-03-15: the daily message goes out, the overview fails once.
        let sender = ScriptedSender([nil, SendFailure("HTTP 503", code: "503", retryable: true)])
        let engine = try await engine(folder, sender: sender)
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let first = try await engine.tick(now: date("2026-03-15T07:00:00Z"))
        #expect(first.failed.count == 1)
        let failed = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, attempts, last_error FROM messages WHERE kind = 'weekly'") }
        #expect(failed?["status"] == "failed")
        #expect(failed?["attempts"] == 1)
        #expect(failed?["last_error"] == "HTTP 503")
        let second = try await engine.tick(now: date("2026-03-15T08:00:00Z"))
        #expect(second.weekly == 1)
        #expect(second.failed.isEmpty)
        let sent = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, attempts FROM messages WHERE kind = 'weekly'") }
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
        #expect(try await engine.tick(now: date("2026-03-15T07:00:00Z")).failed.count == 1)
        let again = try await engine.tick(now: date("2026-03-15T08:00:00Z"))
        #expect(again.failed.isEmpty)
        #expect(again.weekly == 0)
        #expect(sender.sent.withLock { $0.count } == 1, "the daily message only")
        let attempts = try await engine.database.read { db in try Int.fetchOne(db, sql: "SELECT attempts FROM messages WHERE kind = 'weekly'") }
        #expect(attempts == 1)
        try engine.close()
    }

    @Test func aResetNoticeThatFailsIsRecordedAndSentWhenTheMigrationRunsAgain() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T15:00:00Z"))
        let sender = ScriptedSender([SendFailure("HTTP 503", code: "503", retryable: true)])
        let ids = SeededIDs(seed: 3)
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), clock: { clock.date() }, ids: { ids.next() }, sender: sender))
        try await engine.enroll(enrollment("c1"))
        try await engine.createPlan(clientID: "c1")
        await #expect { try await engine.migrateCleanSlate() } throws: { error in (error as? CoachingError)?.code == .incomplete }
        let failed = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, attempts FROM messages WHERE kind = 'notice'") }
        #expect(failed?["status"] == "failed")
        #expect(failed?["attempts"] == 1)
        let report = try await engine.migrateCleanSlate()
        #expect(report.alreadyApplied)
        #expect(report.completedNow == 1)
        let sent = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, attempts FROM messages WHERE kind = 'notice'") }
        #expect(sent?["status"] == "sent")
        #expect(sender.sent.withLock { $0.count } == 1)
        // A third run finds it sent and sends nothing.
        #expect(try await engine.migrateCleanSlate().completedNow == 0)
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
        #expect(report.sent == 0)
        #expect(report.alreadySent == 1)
        #expect(try await engine.sendDaily(clientID: "c1", date: LocalDate("2026-03-09")).sent == false)
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

import Coaching
import EventLog
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Projections
import Testing
import TestSupport

/// A log written by the build before the outbox (`Fixtures/pre-outbox.sqlite`: two clients,
/// daily and weekly messages recorded sent under the old flow, and a day whose sends failed),
/// opened by this one.
@Suite("Upgrading a log from before the outbox")
struct UpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pre-outbox.sqlite")

    func copy(_ folder: TemporaryDirectory) throws -> String {
        let path = folder.path("log.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)
        return path
    }

    @Test func itVerifiesRebuildsAndShowsTheOldMessagesAsTheyWere() async throws {
        let folder = TemporaryDirectory()
        let engine = try await makeEngine(EngineConfiguration(path: try copy(folder)))
        defer { try? engine.close() }
        let verify = try await engine.verify()
        #expect(verify.isValid, "\(verify.chain) \(String(describing: verify.readModels))")
        #expect(verify.chain.eventCount == 18)
        let ana = try await engine.readModels.messageStatuses(clientID: "ana")
        #expect(ana.map { "\($0.kind) \($0.localDate ?? "") \($0.status) \($0.attempts)" } == [
            "daily 2026-03-09 sent 1", "daily 2026-03-15 sent 1", "weekly 2026-03-15 sent 1", "daily 2026-03-16 failed 1",
        ])
        #expect(ana.allSatisfy { $0.parts == 1 && $0.possiblyDuplicated == 0 })
        #expect(ana.last?.lastError?.contains("could not be reached") == true)
        let rebuilt = try await engine.rebuild(diff: true)
        let differences = try #require(rebuilt.differences)
        #expect(!differences.isEmpty && differences.allSatisfy { $0.onlyInLive == 0 && $0.onlyInRebuild == 0 && !$0.schemaChanged }, "\(differences)")
        #expect(try await engine.verify().isValid)
        // Marked, so a build from before the outbox refuses it.
        let marks = try await engine.database.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(marks == ["log-v1", "log-v2-date-clustered-ids", "log-v3-outbox"])
    }

    @Test func daysSentBeforeTheUpgradeAreNotSentAgainAndTheFailedDayIsQueued() async throws {
        let folder = TemporaryDirectory()
        let sender = ScriptedSender([])
        let engine = try await makeEngine(EngineConfiguration(path: try copy(folder), sender: sender))
        defer { try? engine.close() }
        // Ticked again by the new build on the days the old one sent: nothing queued, nothing sent.
        for now in ["2026-03-09T13:00:00Z", "2026-03-15T13:00:00Z", "2026-03-15T20:00:00Z"] {
            let tick = try await engine.tick(now: date(now))
            #expect(tick.queued == 0, "\(now)")
            #expect(tick.alreadyQueued == 2, "\(now)")
            #expect(tick.weekly == 0, "the Sunday overviews went out before")
        }
        #expect(sender.received.withLock { $0.isEmpty })
        // The day whose sends failed under the old flow is queued now and delivered.
        let retried = try await engine.tick(now: date("2026-03-16T13:30:00Z"))
        #expect(retried.queued == 2)
        #expect(retried.delivery.errors.isEmpty)
        #expect(retried.delivery.sent == sender.received.withLock { $0.count })
        #expect(Set(sender.received.withLock { $0.map(\.phoneNumber) }) == ["+15550001111", "+15550002222"])
        let ana = try await engine.readModels.messageStatuses(clientID: "ana").filter { $0.localDate == "2026-03-16" }
        #expect(!ana.isEmpty && ana.allSatisfy { $0.status == "sent" })
        #expect(try await engine.verify().isValid)
    }
}

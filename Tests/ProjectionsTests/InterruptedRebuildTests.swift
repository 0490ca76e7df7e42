import EventLog
import EventLogSQLite
import Foundation
import GRDB
import Periodize
import Projections
import ReadModelsSQLite
import Testing
import TestSupport

@Suite("Interrupted rebuild", .serialized)
struct InterruptedRebuildTests {
    @Test func killNineDuringARebuildLeavesTheLiveReadModelsIntactAndUsable() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await openEngine(path)
        try await appendSample(engine, clients: 0..<1500)
        let before = try liveChecksum(engine)
        try engine.close()

        let rebuild = try PeriodizeBinary.start(["rebuild", "--db", path])
        // Wait until the shadow tables exist and hold rows, then kill the process mid-build.
        let watcher = try DatabaseQueue(path: path)
        var sawShadow = false
        for _ in 0..<2000 {
            let rows = try await watcher.read { db -> Int in
                let exists = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'rebuild_workouts'") ?? 0
                guard exists > 0 else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM rebuild_workouts") ?? 0
            }
            if rows > 0 { sawShadow = true; break }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(rebuild.process.processIdentifier, SIGKILL)
        rebuild.process.waitUntilExit()
        try watcher.close()
        #expect(sawShadow, "the rebuild should have been caught while building")
        #expect(rebuild.process.terminationReason == .uncaughtSignal)

        let reopened = try await openEngine(path)
        #expect(try liveChecksum(reopened) == before)
        try await appendSample(reopened, clients: 1500..<1501)
        #expect(try await reopened.verify().isValid)
        // The next rebuild clears the leftovers and completes.
        let report = try await reopened.rebuild()
        #expect(report.checksum == (try liveChecksum(reopened)))
        let leftovers = try await reopened.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name LIKE 'rebuild_%'")
        }
        #expect(leftovers == 0)
    }
}

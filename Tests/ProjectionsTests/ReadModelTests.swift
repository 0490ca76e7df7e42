import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Projections
import ReadModelsSQLite
import Testing
import TestSupport

func openEngine(_ path: String, clock: ManualClock? = nil) async throws -> Engine {
    var options = EngineConfiguration(path: path)
    if let clock { options.clock = { clock.date() } }
    return try await makeEngine(options)
}

/// Appends the sample history of clients `range`.
func appendSample(_ engine: Engine, clients range: Range<Int>, seed: UInt64 = 1) async throws {
    let history = SampleHistory(seed: seed, workoutsPerClient: 4)
    for index in range {
        let (id, events) = try history.client(index)
        try await engine.store.append(events, to: Engine.clientStream(id), expected: .any)
    }
}

func liveChecksum(_ engine: Engine) throws -> String {
    try engine.database.read { db in ReadModels.combine(try engine.sqliteReadModels.readModels.checksums(engine.sqliteReadModels.readModels.projections, prefix: "", db)) }
}

@Suite("Read-models")
struct ReadModelTests {
    @Test func inlineProjectionIsVisibleRightAfterTheAppend() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<1)
        let row = try await engine.database.read { db in
            try Row.fetchOne(db, sql: "SELECT name, timezone, training_days FROM clients WHERE client_id = 'c0'")
        }
        #expect(row?["name"] == "Avery Chen")
        #expect(row?["training_days"] == "[1,3,5]")
        let counts = try await engine.database.read { db in
            try ["fitness_plans", "mesocycles", "microcycles", "workouts", "messages", "generation_audit"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)")!
            }
        }
        #expect(counts == [1, 1, 4, 4, 4, 6])
        let checkpoints = try await engine.database.read { db in try Int64.fetchAll(db, sql: "SELECT DISTINCT position FROM projection_checkpoints") }
        #expect(checkpoints == [try await engine.store.headPosition()])
    }

    @Test func aFailedAppendLeavesNoReadModelRows() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<1)
        let before = try liveChecksum(engine)
        // A payload that claims to be a current WorkoutGenerated but is not one: the inline
        // projection throws, and the append is rolled back whole.
        let bad = NewEvent(eventID: UUID(), type: "WorkoutGenerated", schemaVersion: 2, payload: Data(#"{"clientId":"c0"}"#.utf8))
        let good = try engine.newEvent(MessageSent(messageId: "x", clientId: "c0", kind: .reply, localDate: nil, body: "hi", encoding: .gsm7, segments: 1, provider: "outbox", sentAt: "2026-01-01T00:00:00.000Z"))
        await #expect(throws: ProjectionError.self) {
            try await engine.store.append([good, bad], to: "client-c0", expected: .any)
        }
        #expect(try liveChecksum(engine) == before)
        #expect(try await engine.store.headPosition() == 11)
    }

    @Test func readModelsCatchUpWithEventsAppendedWithoutThem() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await openEngine(path)
        try await appendSample(engine, clients: 0..<2)
        try engine.close()
        // Another writer with no read-models (an older tool, or a raw import).
        let bare = try SQLiteEventStore(path: path)
        let history = SampleHistory(seed: 1, workoutsPerClient: 4)
        for index in 2..<5 {
            let (id, events) = try history.client(index)
            try await bare.append(events, to: Engine.clientStream(id), expected: .any)
        }
        try bare.close()
        let reopened = try await openEngine(path)
        let clients = try await reopened.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM clients") }
        #expect(clients == 5)
        #expect(try await reopened.verify().isValid)
    }

    @Test func laggingReadModelsCatchUpInsideTheNextAppend() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await openEngine(path)
        try await appendSample(engine, clients: 0..<1)
        let bare = try SQLiteEventStore(path: path)
        let (id, events) = try SampleHistory(seed: 1, workoutsPerClient: 4).client(1)
        try await bare.append(events, to: Engine.clientStream(id), expected: .any)
        try bare.close()
        try await appendSample(engine, clients: 2..<3)
        let clients = try await engine.database.read { db in try String.fetchAll(db, sql: "SELECT client_id FROM clients ORDER BY client_id") }
        #expect(clients == ["c0", "c1", "c2"])
        #expect(try await engine.verify().isValid)
    }

    @Test func rebuildingTwiceGivesTheSameChecksumAsTheLiveReadModels() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<12)
        let live = try liveChecksum(engine)
        let first = try await engine.rebuild(diff: true)
        let second = try await engine.rebuild()
        #expect(first.checksum == live)
        #expect(second.checksum == live)
        #expect(first.differences?.allSatisfy { $0.onlyInLive == 0 && $0.onlyInRebuild == 0 && !$0.schemaChanged } == true)
        #expect(try liveChecksum(engine) == live)
    }

    @Test func anEditedReadModelIsFoundByVerifyAndRepairedByRebuild() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<4)
        try await engine.database.write { db in
            try db.execute(sql: "UPDATE workouts SET theme = 'Leg day, edited by hand' WHERE client_id = 'c1' AND workout_date = (SELECT min(workout_date) FROM workouts WHERE client_id = 'c1')")
        }
        let check = try await engine.verify()
        #expect(check.chain.isValid)
        #expect(check.readModels?.mismatched == ["workouts"])
        let rebuilt = try await engine.rebuild(only: ["workouts"], diff: true)
        let workouts = try #require(rebuilt.differences?.first { $0.table == "workouts" })
        #expect(workouts.onlyInRebuild == 1)
        #expect(workouts.onlyInLive == 1)
        #expect(workouts.samples.contains { $0.hasPrefix("- ") && $0.contains("edited by hand") })
        #expect(try await engine.verify().isValid)
    }

    @Test func anUnknownReadModelNameIsAnError() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        do {
            _ = try await engine.rebuild(only: ["workout"])
            Issue.record("should fail")
        } catch let error as ProjectionError {
            #expect(error.message.contains("unknown read-model workout"))
            #expect(error.message.contains("workouts"))
        }
    }

    @Test func aReadModelOfAnotherVersionIsRebuiltWhenOpened() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await openEngine(path)
        try await appendSample(engine, clients: 0..<3)
        let expected = try liveChecksum(engine)
        try await engine.database.write { db in
            // As if written by a build whose clients read-model had another shape.
            try db.execute(sql: "UPDATE projection_checkpoints SET version = 0 WHERE name = 'clients'")
            try db.execute(sql: "DROP TABLE clients; CREATE TABLE clients (client_id TEXT PRIMARY KEY, legacy_column TEXT)")
        }
        try engine.close()
        let reopened = try await openEngine(path)
        #expect(try liveChecksum(reopened) == expected)
        let version = try await reopened.database.read { db in try Int.fetchOne(db, sql: "SELECT version FROM projection_checkpoints WHERE name = 'clients'") }
        #expect(version == ClientsProjection().version)
    }

    @Test func replayUntilAPositionRebuildsThatWorldIntoANewFile() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<3)
        let middle = try await engine.store.headPosition()
        let expected = try liveChecksum(engine)
        try await appendSample(engine, clients: 3..<6)
        let last = try await engine.replay(until: .position(middle), into: folder.path("then.sqlite"))
        #expect(last == middle)
        let then = try await openEngine(folder.path("then.sqlite"))
        #expect(try await then.store.headPosition() == middle)
        #expect(try liveChecksum(then) == expected)
        #expect(try await then.verify().isValid)
        await #expect(throws: EventStoreError.self) { try await engine.replay(until: .position(1), into: folder.path("then.sqlite")) }
    }

    @Test func replayUntilATimestampTakesWhatWasRecordedByThen() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_772_971_200))  // 2026-03-08T12:00:00Z
        let engine = try await openEngine(folder.path("log.sqlite"), clock: clock)
        try await appendSample(engine, clients: 0..<2)
        let expected = try liveChecksum(engine)
        let head = try await engine.store.headPosition()
        clock.advance(by: 3600)
        try await appendSample(engine, clients: 2..<4)
        let last = try await engine.replay(until: try #require(PointInTime("2026-03-08T12:30:00Z")), into: folder.path("then.sqlite"))
        #expect(last == head)
        let then = try await openEngine(folder.path("then.sqlite"))
        #expect(try liveChecksum(then) == expected)
    }
}

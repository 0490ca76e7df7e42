import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Periodize
import Projections
import ReadModelsSQLite
import Testing
import TestSupport

/// The replay path: projections recorded on the reading side and played on the writing side,
/// in batches, against the same rows the inline path makes; and the order-free checksum.
@Suite("Replay")
struct ReplayTests {
    @Test func aReplayOneEventPerBatchMakesTheRowsTheInlinePathMade() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<6)
        // Text with escapes, quotes, accents and an emoji goes through the recorded values.
        let odd = try engine.newEvent(MessageSent(
            messageId: "odd", clientId: "c0", kind: .reply, localDate: nil, body: "Line one\nsaid \"go\" \\ café 💪",
            encoding: .ucs2, segments: 1, provider: "outbox", sentAt: "2026-01-02T00:00:00.000Z"))
        try await engine.store.append([odd], to: "client-c0", expected: .any)
        // A batch ends once it holds a byte of recorded values: every event is its own batch.
        let check = try await engine.sqliteReadModels.readModels.check(engine.sqliteStore, batchBytes: 1)
        #expect(check.matches)
        #expect(check.fresh == check.live)
        let body = try await engine.database.read { db in try String.fetchOne(db, sql: "SELECT body FROM messages WHERE message_id = 'odd'") }
        #expect(body == "Line one\nsaid \"go\" \\ café 💪")
    }

    @Test func emptyTextStaysEmptyTextInlineAndInAReplay() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        let empty = try engine.newEvent(MessageSent(
            messageId: "", clientId: "", kind: .reply, localDate: nil, body: "",
            encoding: .gsm7, segments: 0, provider: "", sentAt: "2026-01-02T00:00:00.000Z"))
        try await engine.store.append([empty], to: "client-x", expected: .any)
        let row = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT message_id, body, provider FROM messages") }
        #expect(row?["message_id"] as String? == "")
        #expect(row?["body"] as String? == "")
        #expect(row?["provider"] as String? == "")
        let check = try await engine.sqliteReadModels.readModels.check(engine.sqliteStore, batchBytes: 1)
        #expect(check.matches)
    }

    @Test func checksumsDoNotDependOnTheOrderRowsAreStoredIn() async throws {
        let folder = TemporaryDirectory()
        let engine = try await openEngine(folder.path("log.sqlite"))
        try await appendSample(engine, clients: 0..<5)
        let before = try liveChecksum(engine)
        // The same rows stored again in the opposite order (new rowids, new pages).
        try await engine.database.write { db in
            try db.execute(sql: """
                CREATE TEMP TABLE copy AS SELECT * FROM messages;
                DELETE FROM messages;
                INSERT INTO messages SELECT * FROM copy ORDER BY message_id DESC;
                """)
        }
        #expect(try liveChecksum(engine) == before)
        // One changed byte changes it.
        try await engine.database.write { db in
            try db.execute(sql: "UPDATE messages SET body = body || '.' WHERE rowid = (SELECT min(rowid) FROM messages)")
        }
        #expect(try liveChecksum(engine) != before)
    }

    @Test func aRowThatFailsDuringAReplayNamesTheReadModelAndPositionAndLeavesTheLiveOnes() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let engine = try await openEngine(path)
        try await appendSample(engine, clients: 0..<2)
        let live = try liveChecksum(engine)
        try engine.close()
        // A writer without read-models stores a workout with no date: the workouts table
        // refuses its row when the replay plays it.
        let bare = try SQLiteEventStore(path: path)
        let position = try await bare.append(
            [NewEvent(eventID: UUID(), type: "WorkoutGenerated", schemaVersion: WorkoutGenerated.schemaVersion, payload: Data(#"{"clientId":"c0","theme":"x","blocks":[],"modifications":[]}"#.utf8))],
            to: "client-c0", expected: .any).positions.last!
        try bare.close()
        let store = try SQLiteEventStore(path: path, configuration: .init(hook: ReadModels()))
        defer { try? store.close() }
        let error = await #expect(throws: ProjectionError.self) { _ = try await ReadModels().rebuild(store) }
        #expect(error?.message.contains("workouts cannot apply position \(position)") == true)
        let after = try await store.database.read { db in ReadModels.combine(try ReadModels().checksums(ReadModels.all, prefix: "", db)) }
        #expect(after == live)
    }
}

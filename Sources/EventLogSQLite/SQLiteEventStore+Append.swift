import EventLog
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// One caller's append, waiting for the writer to take it.
final class PendingAppend: Sendable {
    let stream: String
    let events: [NewEvent]
    let expected: ExpectedVersion
    let outcome = Mutex<Result<AppendResult, EventStoreFailure>?>(nil)

    init(stream: String, events: [NewEvent], expected: ExpectedVersion) {
        self.stream = stream
        self.events = events
        self.expected = expected
    }
}

/// Carries any error through a `Result`.
struct EventStoreFailure: Error, @unchecked Sendable {
    // Errors come from SQLite, GRDB or an append hook and are only read after the writer
    // has finished with them.
    let error: any Error
}

/// The head of the chain: the last position and its hash.
struct ChainHead: Equatable {
    var position: Int64
    var hash: Data
}

/// Thrown inside an append when an event id is already stored: the append is retried on the
/// slow path, which looks every id up.
private struct StoredEventID: Error {}

extension SQLiteEventStore {
    @discardableResult
    public func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion) async throws -> AppendResult {
        guard !stream.isEmpty else { throw EventStoreError(.invalidArgument, "a stream id cannot be empty") }
        if events.isEmpty {
            let version = try await streamVersion(stream)
            guard expected.admits(version) else { throw EventStoreError.wrongExpectedVersion(stream: stream, expected: expected, actual: version) }
            return AppendResult(positions: [], streamVersion: version, alreadyStored: true)
        }
        let request = PendingAppend(stream: stream, events: events, expected: expected)
        pending.withLock { $0.append(request) }
        // Every caller schedules a drain on GRDB's serial writer. The first to run takes every
        // pending request into one transaction; later ones find their request done.
        do {
            try await database.writeWithoutTransaction { db in try self.drain(db) }
        } catch {
            throw Self.map(error, path: path)
        }
        guard let outcome = request.outcome.withLock({ $0 }) else {
            throw EventStoreError(.storage, "append to \(stream) was not processed")
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let failure): throw Self.map(failure.error, path: path)
        }
    }

    /// Appends to several streams in one transaction: all of it, or, when any stream's
    /// expected version or any event id conflicts, none of it (the error is the first
    /// conflict's). Events already stored with the same content are skipped as in `append`.
    @discardableResult
    public func appendAll(_ batches: [(stream: String, events: [NewEvent], expected: ExpectedVersion)]) async throws -> [AppendResult] {
        for batch in batches where batch.stream.isEmpty { throw EventStoreError(.invalidArgument, "a stream id cannot be empty") }
        do {
            return try await database.writeWithoutTransaction { db in
                var results: [AppendResult] = []
                try db.inTransaction(.immediate) {
                    results.removeAll()
                    let start = try Self.readHead(db)
                    var head = start
                    let recordedAt = Timestamp(configuration.clock())
                    for batch in batches where !batch.events.isEmpty {
                        let request = PendingAppend(stream: batch.stream, events: batch.events, expected: batch.expected)
                        results.append(try appendOne(request, head: &head, recordedAt: recordedAt, db))
                    }
                    if head != start {
                        try db.execute(sql: "UPDATE log_head SET position = ?, hash = ? WHERE id = 1", arguments: [head.position, head.hash])
                    }
                    return .commit
                }
                return results
            }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// Appends every pending request in one `BEGIN IMMEDIATE` transaction, each in its own
    /// savepoint so that one request's conflict fails only that request.
    func drain(_ db: Database) throws {
        let batch = pending.withLock { requests in
            defer { requests.removeAll(keepingCapacity: true) }
            return requests
        }
        guard !batch.isEmpty else { return }
        var outcomes: [Result<AppendResult, EventStoreFailure>] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                outcomes.removeAll(keepingCapacity: true)
                let start = try Self.readHead(db)
                var head = start
                let recordedAt = Timestamp(configuration.clock())
                for request in batch {
                    let before = head
                    do {
                        outcomes.append(.success(try appendOne(request, head: &head, recordedAt: recordedAt, db)))
                    } catch {
                        head = before
                        outcomes.append(.failure(EventStoreFailure(error: error)))
                    }
                }
                if head != start {
                    try db.execute(sql: "UPDATE log_head SET position = ?, hash = ? WHERE id = 1", arguments: [head.position, head.hash])
                }
                return .commit
            }
        } catch {
            outcomes = Array(repeating: .failure(EventStoreFailure(error: error)), count: batch.count)
        }
        for (request, outcome) in zip(batch, outcomes) {
            request.outcome.withLock { $0 = outcome }
        }
    }

    private func appendOne(_ request: PendingAppend, head: inout ChainHead, recordedAt: Timestamp, _ db: Database) throws -> AppendResult {
        let before = head
        do {
            var result: AppendResult?
            try db.inSavepoint {
                result = try fastPath(request, head: &head, recordedAt: recordedAt, db)
                return .commit
            }
            return result!
        } catch is StoredEventID {
            head = before
            var result: AppendResult?
            try db.inSavepoint {
                result = try slowPath(request, head: &head, recordedAt: recordedAt, db)
                return .commit
            }
            return result!
        }
    }

    /// No id is expected to be stored already: check the version and insert.
    private func fastPath(_ request: PendingAppend, head: inout ChainHead, recordedAt: Timestamp, _ db: Database) throws -> AppendResult {
        let current = try Self.streamVersion(request.stream, db)
        guard request.expected.admits(current) else {
            // A retry of an append that already committed is not a conflict.
            if let stored = try storedPositions(request, db), stored.allSatisfy({ $0 != nil }) {
                return AppendResult(positions: stored.map { $0! }, streamVersion: current, alreadyStored: true)
            }
            throw EventStoreError.wrongExpectedVersion(stream: request.stream, expected: request.expected, actual: current)
        }
        let previousHead = head.position
        let inserted = try insert(request.events, stream: request.stream, after: current, head: &head, recordedAt: recordedAt, db)
        try configuration.hook?.apply(inserted, after: previousHead, in: db)
        return AppendResult(positions: inserted.map(\.position), streamVersion: current + Int64(inserted.count), alreadyStored: false)
    }

    /// Some ids are stored: those must match what is asked; the rest are appended.
    private func slowPath(_ request: PendingAppend, head: inout ChainHead, recordedAt: Timestamp, _ db: Database) throws -> AppendResult {
        guard let stored = try storedPositions(request, db) else {
            throw EventStoreError(.eventIDReused, "an event id in this append is already stored with different content")
        }
        let current = try Self.streamVersion(request.stream, db)
        let fresh = zip(request.events, stored).filter { $0.1 == nil }.map(\.0)
        if fresh.isEmpty {
            return AppendResult(positions: stored.map { $0! }, streamVersion: current, alreadyStored: true)
        }
        guard request.expected.admits(current) else {
            throw EventStoreError.wrongExpectedVersion(stream: request.stream, expected: request.expected, actual: current)
        }
        let previousHead = head.position
        let inserted = try insert(fresh, stream: request.stream, after: current, head: &head, recordedAt: recordedAt, db)
        try configuration.hook?.apply(inserted, after: previousHead, in: db)
        var next = inserted.makeIterator()
        let positions = stored.map { $0 ?? next.next()!.position }
        return AppendResult(positions: positions, streamVersion: current + Int64(inserted.count), alreadyStored: false)
    }

    /// For each event, its stored position or nil; nil overall when a stored id has other
    /// content (stream, type, schema version or payload).
    private func storedPositions(_ request: PendingAppend, _ db: Database) throws -> [Int64?]? {
        let statement = try db.cachedStatement(sql: "SELECT position, stream_id, type, schema_version, payload FROM events WHERE event_id = ?")
        var positions: [Int64?] = []
        for event in request.events {
            SQLiteRows.bind(statement.sqliteStatement, 1, event.eventID)
            var found: Int64?
            var same = true
            try SQLiteRows.forEachRow(db, statement) { s in
                found = sqlite3_column_int64(s, 0)
                same = SQLiteRows.text(s, 1) == request.stream && SQLiteRows.text(s, 2) == event.type
                    && Int(sqlite3_column_int64(s, 3)) == event.schemaVersion && SQLiteRows.blob(s, 4) == event.payload
            }
            guard same else {
                throw EventStoreError(.eventIDReused, "event id \(event.eventID) is already stored at position \(found ?? 0) with different content")
            }
            positions.append(found)
        }
        return positions
    }

    private func insert(_ events: [NewEvent], stream: String, after version: Int64, head: inout ChainHead, recordedAt: Timestamp, _ db: Database) throws -> [RecordedEvent] {
        let statement = try db.cachedStatement(sql: "INSERT INTO events (\(SQLiteRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let s = statement.sqliteStatement
        var recorded: [RecordedEvent] = []
        recorded.reserveCapacity(events.count)
        var version = version
        for event in events {
            version += 1
            let position = head.position + 1
            let metadata = EventMetadata(recordedAt: recordedAt, occurredAt: event.occurredAt, causationID: event.causationID, correlationID: event.correlationID, actor: event.actor)
            let hash = HashChain.hash(
                previous: head.hash, position: position, streamID: stream, streamVersion: version, eventID: event.eventID,
                type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, metadata: metadata)
            let record = RecordedEvent(
                position: position, streamID: stream, streamVersion: version, eventID: event.eventID, type: event.type,
                schemaVersion: event.schemaVersion, payload: event.payload, metadata: metadata, previousHash: head.hash, hash: hash,
                currentPayload: event.currentPayload)
            try Self.insert(record, statement: s, db)
            recorded.append(record)
            head = ChainHead(position: position, hash: hash)
        }
        return recorded
    }

    /// Inserts one envelope as it is (positions and hashes already decided).
    static func insert(_ event: RecordedEvent, statement s: OpaquePointer, _ db: Database) throws {
        sqlite3_bind_int64(s, 1, event.position)
        SQLiteRows.bind(s, 2, event.streamID)
        sqlite3_bind_int64(s, 3, event.streamVersion)
        SQLiteRows.bind(s, 4, event.eventID)
        SQLiteRows.bind(s, 5, event.type)
        sqlite3_bind_int64(s, 6, Int64(event.schemaVersion))
        SQLiteRows.bind(s, 7, event.payload)
        sqlite3_bind_int64(s, 8, event.metadata.recordedAt.milliseconds)
        SQLiteRows.bind(s, 9, event.metadata.occurredAt?.milliseconds)
        SQLiteRows.bind(s, 10, event.metadata.causationID)
        SQLiteRows.bind(s, 11, event.metadata.correlationID)
        SQLiteRows.bind(s, 12, event.metadata.actor)
        SQLiteRows.bind(s, 13, event.previousHash)
        SQLiteRows.bind(s, 14, event.hash)
        do {
            try SQLiteRows.run(db, s)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && (error.message ?? "").contains("event_id") {
            throw StoredEventID()
        }
    }

    static func readHead(_ db: Database) throws -> ChainHead {
        guard let row = try Row.fetchOne(db, sql: "SELECT position, hash FROM log_head WHERE id = 1") else {
            throw EventStoreError(.notADatabase, "the log has no head record")
        }
        return ChainHead(position: row[0], hash: row[1])
    }

    static func streamVersion(_ stream: String, _ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT max(stream_version) FROM events WHERE stream_id = ?")
        SQLiteRows.bind(statement.sqliteStatement, 1, stream)
        var version: Int64 = 0
        try SQLiteRows.forEachRow(db, statement) { s in version = sqlite3_column_int64(s, 0) }
        return version
    }
}

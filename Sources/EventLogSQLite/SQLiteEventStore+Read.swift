import EventLog
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteEventStore {
    public func readStream(_ stream: String, from version: Int64 = 1) async throws -> [RecordedEvent] {
        do {
            return try await database.read { db in try Self.readStream(stream, from: version, db) }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    public func readAll(from position: Int64, batchSize: Int) -> EventLogSequence {
        let database = database, path = path
        return EventLogSequence(start: position, batchSize: batchSize) { from, limit in
            do {
                return try await database.read { db in try Self.events(from: from, limit: limit, db) }
            } catch {
                throw Self.map(error, path: path)
            }
        }
    }

    public func headPosition() async throws -> Int64 {
        do {
            return try await database.read { db in try Self.readHead(db).position }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    public func lastPosition(recordedAtOrBefore timestamp: Timestamp) async throws -> Int64 {
        do {
            return try await database.read { db in try Self.lastPosition(recordedAtOrBefore: timestamp, db) }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    public func streamVersion(_ stream: String) async throws -> Int64 {
        do {
            return try await database.read { db in try Self.streamVersion(stream, db) }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    // MARK: Synchronous reads inside a caller's transaction

    /// Up to `limit` events from position `from` on.
    public static func events(from position: Int64, limit: Int, _ db: Database) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        events.reserveCapacity(min(limit, 10_000))
        try forEachEvent(from: position, through: nil, limit: limit, db) { events.append($0) }
        return events
    }

    /// Calls `body` with every event from `position` through `last` (or the end), streaming.
    public static func forEachEvent(from position: Int64, through last: Int64? = nil, limit: Int? = nil, _ db: Database, _ body: (RecordedEvent) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: "SELECT \(SQLiteRows.columns) FROM events WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?")
        let s = statement.sqliteStatement
        sqlite3_bind_int64(s, 1, position)
        sqlite3_bind_int64(s, 2, last ?? Int64.max)
        sqlite3_bind_int64(s, 3, Int64(limit ?? -1))
        try SQLiteRows.forEachRow(db, statement) { row in try body(SQLiteRows.event(row)) }
    }

    /// Calls `body` with each event from `position` through `last`, at most `limit` of them, as
    /// a replay reads it: only the columns read-models use, straight off the row, with nothing
    /// allocated per event. The row is valid only during the call; `body` returns false to stop
    /// after it.
    public static func forEachReplayRow(from position: Int64, through last: Int64, limit: Int, _ db: Database, _ body: (ReplayRow) throws -> Bool) throws {
        let statement = try db.cachedStatement(sql: """
            SELECT position, type, schema_version, payload, recorded_at, causation_id FROM events
            WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?
            """)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        sqlite3_bind_int64(s, 1, position)
        sqlite3_bind_int64(s, 2, last)
        sqlite3_bind_int64(s, 3, Int64(limit))
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw SQLiteRows.sqliteError(db, rc) }
            let type = UnsafeBufferPointer(start: sqlite3_column_text(s, 1), count: Int(sqlite3_column_bytes(s, 1)))
            let pointer = sqlite3_column_blob(s, 3)
            let payload = UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : Int(sqlite3_column_bytes(s, 3)))
            let row = ReplayRow(
                position: sqlite3_column_int64(s, 0), type: type, schemaVersion: Int(sqlite3_column_int64(s, 2)), payload: payload,
                recordedAt: Timestamp(milliseconds: sqlite3_column_int64(s, 4)), causationID: SQLiteRows.uuid(s, 5))
            guard try body(row) else { return }
        }
    }

    /// The events of one stream from `version` on.
    public static func readStream(_ stream: String, from version: Int64, _ db: Database) throws -> [RecordedEvent] {
        let statement = try db.cachedStatement(sql: "SELECT \(SQLiteRows.columns) FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version")
        SQLiteRows.bind(statement.sqliteStatement, 1, stream)
        sqlite3_bind_int64(statement.sqliteStatement, 2, version)
        var events: [RecordedEvent] = []
        try SQLiteRows.forEachRow(db, statement) { row in events.append(SQLiteRows.event(row)) }
        return events
    }

    /// The head position inside a caller's transaction.
    public static func headPosition(_ db: Database) throws -> Int64 {
        try readHead(db).position
    }

    /// The last position recorded at or before `timestamp`, 0 if none.
    public static func lastPosition(recordedAtOrBefore timestamp: Timestamp, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(position) FROM events WHERE recorded_at <= ?", arguments: [timestamp.milliseconds]) ?? 0
    }
}

extension SQLiteEventStore {
    /// Events matching `filter`, in position order, streamed to `body` from one snapshot.
    public func forEachEvent(matching filter: EventFilter, _ body: @escaping @Sendable (RecordedEvent) throws -> Void) async throws {
        do {
            try await database.read { db in
                var sql = "SELECT \(SQLiteRows.columns) FROM events WHERE position >= ?"
                var arguments: StatementArguments = [filter.fromPosition]
                if let last = filter.throughPosition { sql += " AND position <= ?"; arguments += [last] }
                if let stream = filter.stream { sql += " AND stream_id = ?"; arguments += [stream] }
                if let type = filter.type { sql += " AND type = ?"; arguments += [type] }
                sql += " ORDER BY position LIMIT ?"
                arguments += [filter.limit ?? -1]
                let statement = try db.makeStatement(sql: sql)
                try statement.setArguments(arguments)
                try SQLiteRows.forEachRow(db, statement) { row in try body(SQLiteRows.event(row)) }
            }
        } catch {
            throw Self.map(error, path: path)
        }
    }
}

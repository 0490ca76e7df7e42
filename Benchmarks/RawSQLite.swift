import EventLog
import EventLogSQLite
import Foundation
import GRDBSQLite

/// The baseline: the SQLite C API with nothing on top, on the same file settings and schema.
final class RawSQLite {
    let handle: OpaquePointer

    init(path: String, synchronous: String = "FULL") throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
            throw BenchError("cannot open \(path)")
        }
        handle = db
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = \(synchronous); PRAGMA busy_timeout = 10000")
    }

    deinit { sqlite3_close_v2(handle) }

    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            throw BenchError("\(sql.prefix(40)): \(message)")
        }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("prepare \(sql.prefix(40)): \(String(cString: sqlite3_errmsg(handle)))")
        }
        return statement
    }

    /// A fresh file with the log's schema, and the prepared insert of one envelope row.
    static func eventLog(path: String) throws -> (RawSQLite, OpaquePointer) {
        removeDatabase(path)
        let raw = try RawSQLite(path: path)
        try raw.exec(SQLiteEventStore.schemaV1)
        let insert = try raw.prepare("""
            INSERT INTO events (position, stream_id, stream_version, event_id, type, schema_version, payload, recorded_at,
                occurred_at, causation_id, correlation_id, actor, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        return (raw, insert)
    }

    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Binds and inserts one envelope row (the same 14 columns the store writes).
    /// The raw baseline for appends: inserts `rows` as they are into a fresh event log at
    /// `path` (same schema and settings), `perCommit` rows a transaction; returns how long it took.
    static func timeStoring(_ rows: [RecordedEvent], path: String, perCommit: Int) throws -> Duration {
        let (raw, insert) = try eventLog(path: path)
        let step = max(1, perCommit)
        return try ContinuousClock().measure {
            for start in stride(from: 0, to: rows.count, by: step) {
                try raw.exec("BEGIN IMMEDIATE")
                for row in rows[start..<min(rows.count, start + step)] { try raw.insert(insert, row) }
                try raw.exec("COMMIT")
            }
        }
    }

    func insert(_ s: OpaquePointer, _ e: RecordedEvent) throws {
        sqlite3_bind_int64(s, 1, e.position)
        _ = e.streamID.withCString { sqlite3_bind_text(s, 2, $0, -1, Self.transient) }
        sqlite3_bind_int64(s, 3, e.streamVersion)
        _ = withUnsafeBytes(of: e.eventID.uuid) { sqlite3_bind_blob(s, 4, $0.baseAddress, 16, Self.transient) }
        _ = e.type.withCString { sqlite3_bind_text(s, 5, $0, -1, Self.transient) }
        sqlite3_bind_int64(s, 6, Int64(e.schemaVersion))
        _ = e.payload.withUnsafeBytes { sqlite3_bind_blob(s, 7, $0.baseAddress, Int32($0.count), Self.transient) }
        sqlite3_bind_int64(s, 8, e.metadata.recordedAt.milliseconds)
        sqlite3_bind_null(s, 9)
        sqlite3_bind_null(s, 10)
        sqlite3_bind_null(s, 11)
        _ = "bench".withCString { sqlite3_bind_text(s, 12, $0, -1, Self.transient) }
        _ = e.previousHash.withUnsafeBytes { sqlite3_bind_blob(s, 13, $0.baseAddress, 32, Self.transient) }
        _ = e.hash.withUnsafeBytes { sqlite3_bind_blob(s, 14, $0.baseAddress, 32, Self.transient) }
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else { throw BenchError("insert: \(String(cString: sqlite3_errmsg(handle)))") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

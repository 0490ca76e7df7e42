import EventLog
import Foundation
import GRDB
import GRDBSQLite

/// Raw SQLite C API access for the hot paths (append, replay, verify), on statements that
/// GRDB prepares and caches. GRDB's row decoding costs about a third of the insert rate here;
/// binding and reading columns directly keeps appends and replays close to the C baseline.
enum SQLiteRows {
    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    static let columns = """
        position, stream_id, stream_version, event_id, type, schema_version, payload, \
        recorded_at, occurred_at, causation_id, correlation_id, actor, previous_hash, hash
        """

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            let pointer = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            _ = sqlite3_bind_text(statement, index, pointer, Int32(bytes.count), transient)
        }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ data: Data) {
        data.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), transient)
        }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ uuid: UUID) {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, 16, transient)
        }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ uuid: UUID?) {
        if let uuid { bind(statement, index, uuid) } else { sqlite3_bind_null(statement, index) }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ text: String?) {
        if let text { bind(statement, index, text) } else { sqlite3_bind_null(statement, index) }
    }

    static func bind(_ statement: OpaquePointer, _ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    static func optionalText(_ statement: OpaquePointer, _ column: Int32) -> String? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : text(statement, column)
    }

    static func blob(_ statement: OpaquePointer, _ column: Int32) -> Data {
        guard let pointer = sqlite3_column_blob(statement, column) else { return Data() }
        return Data(bytes: pointer, count: Int(sqlite3_column_bytes(statement, column)))
    }

    static func uuid(_ statement: OpaquePointer, _ column: Int32) -> UUID? {
        guard sqlite3_column_bytes(statement, column) == 16, let pointer = sqlite3_column_blob(statement, column) else { return nil }
        return UUID(uuid: pointer.loadUnaligned(as: uuid_t.self))
    }

    static func optionalInt(_ statement: OpaquePointer, _ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    /// Decodes the row the statement stands on; columns in the order of ``columns``.
    static func event(_ s: OpaquePointer) -> RecordedEvent {
        RecordedEvent(
            position: sqlite3_column_int64(s, 0),
            streamID: text(s, 1),
            streamVersion: sqlite3_column_int64(s, 2),
            eventID: uuid(s, 3) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            type: text(s, 4),
            schemaVersion: Int(sqlite3_column_int64(s, 5)),
            payload: blob(s, 6),
            metadata: EventMetadata(
                recordedAt: Timestamp(milliseconds: sqlite3_column_int64(s, 7)),
                occurredAt: optionalInt(s, 8).map(Timestamp.init(milliseconds:)),
                causationID: uuid(s, 9),
                correlationID: uuid(s, 10),
                actor: optionalText(s, 11)),
            previousHash: blob(s, 12),
            hash: blob(s, 13))
    }

    /// Steps `statement` (already bound) to the end, handing each row to `body`; resets it.
    static func forEachRow(_ db: Database, _ statement: Statement, _ body: (OpaquePointer) throws -> Void) throws {
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw sqliteError(db, rc) }  // reset by the defer, after the message is read
            try body(s)
        }
    }

    /// Steps a statement that returns no rows.
    static func run(_ db: Database, _ statement: OpaquePointer) throws {
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else {
            let error = sqliteError(db, rc)
            sqlite3_reset(statement)
            throw error
        }
        sqlite3_reset(statement)
    }

    static func sqliteError(_ db: Database, _ rc: Int32) -> DatabaseError {
        let connection = db.sqliteConnection
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? rc
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
    }
}

import Foundation
import GRDB
import GRDBSQLite
import Projections
import Synchronization

/// Runs a projection tape's statements on one SQLite connection, into one namespace of tables
/// (`prefix` empty for the live tables, `rebuild_` for a rebuild's shadow ones).
///
/// Values are bound through the SQLite C API, text straight from the tape's arena: binding is
/// most of what a replay's writing core does.
final class SQLiteStatementPlayer: StatementPlayer {
    let db: Database
    /// Prepended to every table name: empty for the live tables.
    let prefix: String
    /// Prepared statements by the address of their template literal.
    private var statements: [UnsafeRawPointer: Statement] = [:]

    init(db: Database, prefix: String) {
        self.db = db
        self.prefix = prefix
    }

    func play(_ tape: StatementTape) throws {
        try tape.arena.withUnsafeBufferPointer { arena in
            let base = arena.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            for operation in tape.operations {
                do {
                    let s = try prepared(operation.template).sqliteStatement
                    var parameter: Int32 = 1
                    for value in tape.values[operation.values] {
                        switch value {
                        case .null: break
                        case .int(let v): sqlite3_bind_int64(s, parameter, v)
                        case .double(let v): sqlite3_bind_double(s, parameter, v)
                        case .text(let offset, let count):
                            // The arena is not touched while this runs, and the bindings are
                            // cleared before it is. Empty text needs a pointer all the same
                            // (a null one would bind NULL), and the arena may hold nothing.
                            sqlite3_bind_text(s, parameter, base.map { $0 + Int(offset) } ?? Self.emptyText, count, nil)
                        }
                        parameter += 1
                    }
                    let rc = sqlite3_step(s)
                    if rc != SQLITE_DONE {
                        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
                        let code = db.sqliteConnection.map { sqlite3_extended_errcode($0) } ?? rc
                        sqlite3_reset(s)
                        sqlite3_clear_bindings(s)
                        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: operation.template.description)
                    }
                    sqlite3_reset(s)
                    sqlite3_clear_bindings(s)
                } catch {
                    let origin = operation.origin
                    throw ProjectionError(.cannotApply, "\(origin.projection) cannot apply position \(origin.position) (\(origin.type)): \(error)")
                }
            }
        }
    }

    /// A literal's bytes: never written, so shared freely.
    nonisolated(unsafe) private static let emptyText = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)

    private func prepared(_ template: StaticString) throws -> Statement {
        let key = UnsafeRawPointer(template.utf8Start)
        if let cached = statements[key] { return cached }
        // Inline projection makes a player per append: the connection's statement cache and
        // the shared table of resolved templates keep that from parsing SQL every time.
        let statement = try db.cachedStatement(sql: Self.resolve(template, prefix: prefix))
        statements[key] = statement
        return statement
    }

    private struct TemplateKey: Hashable, Sendable {
        /// The address of the template literal.
        let template: Int
        let prefix: String
    }

    private static let resolvedTemplates = Mutex<[TemplateKey: String]>([:])

    /// `template` with its `{table}` names resolved for `prefix`, computed once per process.
    static func resolve(_ template: StaticString, prefix: String) -> String {
        let key = TemplateKey(template: Int(bitPattern: template.utf8Start), prefix: prefix)
        if let sql = resolvedTemplates.withLock({ $0[key] }) { return sql }
        let sql = resolve(template.description, prefix: prefix)
        resolvedTemplates.withLock { $0[key] = sql }
        return sql
    }

    static func resolve(_ template: String, prefix: String) -> String {
        var sql = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            sql += rest[..<open]
            sql += "\"" + prefix + rest[rest.index(after: open)..<close] + "\""
            rest = rest[rest.index(after: close)...]
        }
        sql += rest
        return sql
    }
}

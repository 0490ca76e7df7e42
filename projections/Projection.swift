import EventLog
import Events
import Foundation
import GRDB

/// A read-model: its tables and how each event changes them.
///
/// A projection never calls a coach or the clock: everything it writes comes from the
/// events, so rebuilding twice gives the same rows.
public protocol Projection: Sendable {
    /// Unique, e.g. `workouts`.
    var name: String { get }
    /// Bump it when the tables or the way events change them change: a stored read-model of
    /// another version is rebuilt (blue/green) when the engine opens.
    var version: Int { get }
    var tables: [ProjectionTable] { get }
    /// The event types this projection reads; others are not handed to it.
    var eventTypes: Set<String> { get }
    /// Applies one event. Table names are written `{name}` and resolved by the writer, so the
    /// same code fills the live tables or a rebuild's shadow tables.
    func apply(_ event: ProjectedEvent, _ writer: ProjectionWriter) throws
}

/// One table of a read-model.
public struct ProjectionTable: Sendable {
    /// Logical name, e.g. `workouts`; the live table has this name.
    public let name: String
    /// Column definitions and table constraints, as inside `CREATE TABLE (...)`.
    public let definition: String
    /// The primary key columns, which also order rows for checksums.
    public let primaryKey: String
    /// Secondary indexes, each a column list.
    public let indexes: [String]
    /// Store rows in the primary key's b-tree (no separate rowid tree): one b-tree to update
    /// per insert instead of two, for tables keyed by text.
    public let withoutRowID: Bool

    public init(name: String, definition: String, primaryKey: String, indexes: [String] = [], withoutRowID: Bool = true) {
        self.name = name
        self.definition = definition
        self.primaryKey = primaryKey
        self.indexes = indexes
        self.withoutRowID = withoutRowID
    }
}

/// An envelope with its payload in the current schema version (legacy versions upcast).
///
/// Projections read the payload with SQLite's JSON functions in their SQL: decoding JSON in
/// Swift costs ten times more than the insert it feeds, and replay speed is the point.
/// `decoded()` gives the typed value when a projection needs logic beyond SQL.
public struct ProjectedEvent: Sendable {
    public let envelope: RecordedEvent
    /// Current-version JSON text.
    public let payload: String

    /// Upcasts `envelope`'s payload to the current version when it is older.
    ///
    /// - Throws: ``ProjectionError`` naming the position when a legacy payload does not decode.
    public init(_ envelope: RecordedEvent) throws {
        self.envelope = envelope
        do {
            let current = try EventCatalog.currentPayload(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
            payload = String(decoding: current ?? envelope.payload, as: UTF8.self)
        } catch {
            throw ProjectionError("position \(envelope.position): \(error)")
        }
    }

    public var position: Int64 { envelope.position }
    public var type: String { envelope.type }

    /// The typed event.
    public func decoded() throws -> DomainEvent {
        try EventCatalog.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
    }
}

/// A read-model failure, with a one-line message.
public struct ProjectionError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a projection's rows into one namespace of tables (live, or a rebuild's shadow).
public final class ProjectionWriter {
    public let db: Database
    /// Prepended to every table name: empty for the live tables.
    public let prefix: String
    private var resolved: [String: String] = [:]
    private var statements: [String: Statement] = [:]
    private let encoder = EventCoding.makeEncoder()

    init(db: Database, prefix: String) {
        self.db = db
        self.prefix = prefix
    }

    /// Runs `template`, its `{table}` names resolved, with bound arguments.
    public func execute(_ template: String, _ arguments: StatementArguments = []) throws {
        // One dictionary lookup per statement: replay runs this a million times.
        let statement: Statement
        if let cached = statements[template] {
            statement = cached
        } else {
            statement = try db.makeStatement(sql: sql(template))
            statements[template] = statement
        }
        statement.setUncheckedArguments(arguments)
        try statement.execute()
    }

    /// A single value from `template`.
    public func fetchOne<T: DatabaseValueConvertible>(_ type: T.Type, _ template: String, _ arguments: StatementArguments = []) throws -> T? {
        try T.fetchOne(db.cachedStatement(sql: sql(template)), arguments: arguments)
    }

    /// Rows from `template`.
    public func fetchAll(_ template: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql(template)), arguments: arguments)
    }

    /// Canonical JSON text for a JSON column (sorted keys: equal values, equal text).
    public func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func sql(_ template: String) -> String {
        if let sql = resolved[template] { return sql }
        var sql = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            sql += rest[..<open]
            sql += "\"" + prefix + rest[rest.index(after: open)..<close] + "\""
            rest = rest[rest.index(after: close)...]
        }
        sql += rest
        resolved[template] = sql
        return sql
    }
}

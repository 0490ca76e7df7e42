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

    public init(name: String, definition: String, primaryKey: String, indexes: [String] = []) {
        self.name = name
        self.definition = definition
        self.primaryKey = primaryKey
        self.indexes = indexes
    }
}

/// An envelope with its payload decoded and upcast.
public struct ProjectedEvent: Sendable {
    public let envelope: RecordedEvent
    public let event: DomainEvent

    public init(envelope: RecordedEvent, event: DomainEvent) {
        self.envelope = envelope
        self.event = event
    }

    /// Decodes `envelope` through the catalog.
    ///
    /// - Throws: ``ProjectionError`` naming the position when the payload does not decode.
    public init(_ envelope: RecordedEvent) throws {
        do {
            self.init(envelope: envelope, event: try EventCatalog.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload))
        } catch {
            throw ProjectionError("position \(envelope.position): \(error)")
        }
    }

    public var position: Int64 { envelope.position }
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
    private let encoder = EventCoding.makeEncoder()

    init(db: Database, prefix: String) {
        self.db = db
        self.prefix = prefix
    }

    /// Runs `template`, its `{table}` names resolved, with bound arguments.
    public func execute(_ template: String, _ arguments: StatementArguments = []) throws {
        let statement = try db.cachedStatement(sql: sql(template))
        try statement.execute(arguments: arguments)
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

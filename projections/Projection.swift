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

/// An envelope with its payload in the current schema version (legacy versions upcast),
/// scanned for field access.
///
/// Projections read fields through ``JSONFields`` rather than decoding payloads with
/// `JSONDecoder`: replay speed is the point, and the scan runs on the reading side of a
/// rebuild, overlapped with the writes. `decoded()` gives the typed value when needed.
public struct ProjectedEvent: Sendable {
    public let envelope: RecordedEvent
    /// The current-version payload's fields.
    public let json: JSONFields

    /// Upcasts `envelope`'s payload to the current version when it is older, and scans it.
    ///
    /// - Throws: ``ProjectionError`` naming the position when the payload does not upcast or
    ///   is not a JSON object.
    public init(_ envelope: RecordedEvent) throws {
        self.envelope = envelope
        let current: Data
        do {
            current = try EventCatalog.currentPayload(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload) ?? envelope.payload
        } catch {
            throw ProjectionError("position \(envelope.position): \(error)")
        }
        guard let json = JSONFields([UInt8](current)) else {
            throw ProjectionError("position \(envelope.position): the \(envelope.type) payload is not a JSON object")
        }
        self.json = json
    }

    public var position: Int64 { envelope.position }
    public var type: String { envelope.type }
    public var schemaVersion: Int { envelope.schemaVersion }

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
    /// Prepared statements by the address of their template literal.
    private var statements: [UnsafeRawPointer: Statement] = [:]
    private let encoder = EventCoding.makeEncoder()

    init(db: Database, prefix: String) {
        self.db = db
        self.prefix = prefix
    }

    /// Runs `template`, its `{table}` names resolved, with bound arguments.
    ///
    /// Templates are literals: each is prepared once per writer and found again by its
    /// address, not by hashing its text (replay runs this a million times).
    public func execute(_ template: StaticString, _ arguments: StatementArguments = []) throws {
        let key = UnsafeRawPointer(template.utf8Start)
        let statement: Statement
        if let cached = statements[key] {
            statement = cached
        } else {
            statement = try db.makeStatement(sql: sql(template.description))
            statements[key] = statement
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

import EventLog
import Events
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

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
    /// Secondary indexes for readers, each a column list. A rebuild creates them after
    /// filling the table (one sort instead of a million scattered inserts).
    public let indexes: [String]
    /// Indexes the projection's own statements look rows up by while applying events; they
    /// exist from the start.
    public let lookupIndexes: [String]
    /// Store rows in the primary key's b-tree (no separate rowid tree): one b-tree to update
    /// per insert instead of two, for tables keyed by text.
    public let withoutRowID: Bool

    public init(name: String, definition: String, primaryKey: String, indexes: [String] = [], lookupIndexes: [String] = [], withoutRowID: Bool = false) {
        self.name = name
        self.definition = definition
        self.primaryKey = primaryKey
        self.indexes = indexes
        self.lookupIndexes = lookupIndexes
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
            current = try envelope.currentPayload
                ?? EventCatalog.currentPayload(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
                ?? envelope.payload
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
        let statement = try prepared(template)
        statement.setUncheckedArguments(arguments)
        try statement.execute()
    }

    /// Runs `template` with parameters bound in order by `bind`, straight from payload bytes
    /// through the SQLite C API: no `String` or boxed argument per value on the replay path.
    public func run(_ template: StaticString, _ bind: (inout ParameterBinder) -> Void) throws {
        let statement = try prepared(template).sqliteStatement
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        var binder = ParameterBinder(statement: statement)
        bind(&binder)
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            let code = db.sqliteConnection.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: template.description)
        }
        sqlite3_reset(statement)
    }

    private func prepared(_ template: StaticString) throws -> Statement {
        let key = UnsafeRawPointer(template.utf8Start)
        if let cached = statements[key] { return cached }
        // Inline projection makes a writer per append: the connection's statement cache and
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
        let sql = Self.resolve(template, prefix: prefix)
        resolved[template] = sql
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

/// Binds a statement's parameters one after another; a missing or null value binds NULL.
public struct ParameterBinder {
    let statement: OpaquePointer
    var index: Int32 = 0

    init(statement: OpaquePointer) { self.statement = statement }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private mutating func next() -> Int32 {
        index += 1
        return index
    }

    private func bindText(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        let pointer = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text(statement, i, pointer, Int32(bytes.count), Self.transient)
    }

    /// A string field of `fields`.
    public mutating func text(_ fields: JSONFields?, _ key: StaticString) {
        let i = next()
        _ = fields?.withText(key) { bindText(i, $0) }
    }

    /// A field's JSON text (an array or object column).
    public mutating func json(_ fields: JSONFields?, _ key: StaticString) {
        let i = next()
        _ = fields?.withJSON(key) { bindText(i, $0) }
    }

    public mutating func int(_ fields: JSONFields?, _ key: StaticString) {
        value(fields?.int(key))
    }

    public mutating func double(_ fields: JSONFields?, _ key: StaticString) {
        let i = next()
        if let value = fields?.double(key) { sqlite3_bind_double(statement, i, value) }
    }

    /// A boolean field as 1 or 0.
    public mutating func bool(_ fields: JSONFields?, _ key: StaticString) {
        value(fields?.bool(key).map { $0 ? 1 : 0 })
    }

    public mutating func value(_ value: Int64?) {
        let i = next()
        if let value { sqlite3_bind_int64(statement, i, value) }
    }

    public mutating func value(_ value: Int?) {
        self.value(value.map(Int64.init))
    }

    public mutating func value(_ value: Double?) {
        let i = next()
        if let value { sqlite3_bind_double(statement, i, value) }
    }

    public mutating func value(_ text: String?) {
        let i = next()
        guard var text else { return }
        text.withUTF8 { bindText(i, $0) }
    }
}

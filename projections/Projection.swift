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

/// An event as read-models see it: its position, type and the metadata they use, with its
/// payload in the current schema version (legacy versions upcast) scanned for field access.
///
/// Projections read fields through ``JSONFields`` rather than decoding payloads with
/// `JSONDecoder`: replay speed is the point, and the scan runs on the reading side of a
/// rebuild, overlapped with the writes.
public struct ProjectedEvent: Sendable {
    public let position: Int64
    public let type: String
    /// The version the payload was stored in (``json`` is always the current one).
    public let schemaVersion: Int
    public let recordedAt: Timestamp
    public let causationID: UUID?
    /// The current-version payload's fields.
    public let json: JSONFields

    /// Upcasts `envelope`'s payload to the current version when it is older, and scans it.
    ///
    /// - Throws: ``ProjectionError`` naming the position when the payload does not upcast or
    ///   is not a JSON object.
    public init(_ envelope: RecordedEvent) throws {
        let current: Data
        do {
            current = try envelope.currentPayload
                ?? EventCatalog.currentPayload(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
                ?? envelope.payload
        } catch {
            throw ProjectionError("position \(envelope.position): \(error)")
        }
        try self.init(
            position: envelope.position, type: envelope.type, schemaVersion: envelope.schemaVersion,
            recordedAt: envelope.metadata.recordedAt, causationID: envelope.metadata.causationID, payload: [UInt8](current))
    }

    /// The event on a replay's row: `type` is its type's name, `isCurrent` whether the row's
    /// schema version is the current one (its bytes are then taken as they are).
    init(_ row: ReplayRow, type: String, isCurrent: Bool) throws {
        let payload: [UInt8]
        if isCurrent {
            payload = [UInt8](row.payload)
        } else {
            do {
                let stored = Data(row.payload)
                payload = [UInt8](try EventCatalog.currentPayload(type: type, schemaVersion: row.schemaVersion, payload: stored) ?? stored)
            } catch {
                throw ProjectionError("position \(row.position): \(error)")
            }
        }
        try self.init(
            position: row.position, type: type, schemaVersion: row.schemaVersion,
            recordedAt: row.recordedAt, causationID: row.causationID, payload: payload)
    }

    private init(position: Int64, type: String, schemaVersion: Int, recordedAt: Timestamp, causationID: UUID?, payload: [UInt8]) throws {
        guard let json = JSONFields(payload) else {
            throw ProjectionError("position \(position): the \(type) payload is not a JSON object")
        }
        self.position = position
        self.type = type
        self.schemaVersion = schemaVersion
        self.recordedAt = recordedAt
        self.causationID = causationID
        self.json = json
    }
}

/// A read-model failure, with a one-line message.
public struct ProjectionError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a projection's rows into one namespace of tables (live, or a rebuild's shadow).
///
/// A writer either runs each statement as the projection asks for it (inline projection,
/// catch-up) or records it on a ``StatementTape`` to be run later on the writing connection
/// (a replay: the projections' work of reading payloads and choosing values then happens on
/// the reading side, overlapped with the writes). Projections never read through the writer,
/// so both give the same rows.
public final class ProjectionWriter {
    /// The connection statements run on; nil for a recording writer.
    let db: Database?
    /// Prepended to every table name: empty for the live tables.
    let prefix: String
    /// Where statements are recorded (and, for a running writer, played at once).
    let tape: StatementTape
    /// What is being applied, for error messages.
    var current = StatementTape.Origin(projection: "", position: 0, type: "")
    /// Prepared statements by the address of their template literal.
    private var statements: [UnsafeRawPointer: Statement] = [:]

    /// A writer that runs statements on `db` as they come.
    init(db: Database, prefix: String) {
        self.db = db
        self.prefix = prefix
        self.tape = StatementTape()
    }

    /// A writer that records statements on `tape`, to be run by ``play(_:)``.
    init(recordingInto tape: StatementTape) {
        self.db = nil
        self.prefix = ""
        self.tape = tape
    }

    /// Runs `template`, its `{table}` names resolved, with bound arguments.
    ///
    /// Templates are literals: each is prepared once per writer and found again by its
    /// address, not by hashing its text (replay runs this a million times).
    public func execute(_ template: StaticString, _ arguments: StatementArguments = []) throws {
        tape.begin(template, arguments: arguments, current)
        if db != nil { try playAndClear() }
    }

    /// Runs `template` with parameters bound in order by `bind`: values come straight from
    /// payload bytes, with no `String` or boxed argument per value on the replay path.
    public func run(_ template: StaticString, _ bind: (inout ParameterBinder) -> Void) throws {
        var binder = ParameterBinder(tape: tape)
        tape.begin(template, arguments: nil, current)
        bind(&binder)
        tape.end()
        if db != nil { try playAndClear() }
    }

    private func playAndClear() throws {
        defer { tape.removeAll() }
        try play(tape)
    }

    /// Runs the statements recorded on `tape`, in order. A failure names the read-model and the
    /// event position it was applying.
    func play(_ tape: StatementTape) throws {
        guard let db else { preconditionFailure("a recording writer does not run statements") }
        try tape.arena.withUnsafeBufferPointer { arena in
            let base = arena.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            for operation in tape.operations {
                do {
                    let statement = try prepared(operation.template)
                    if let arguments = operation.arguments {
                        statement.setUncheckedArguments(arguments)
                        try statement.execute()
                        continue
                    }
                    let s = statement.sqliteStatement
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
                    throw ProjectionError("\(origin.projection) cannot apply position \(origin.position) (\(origin.type)): \(error)")
                }
            }
        }
    }

    /// A literal's bytes: never written, so shared freely.
    nonisolated(unsafe) private static let emptyText = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)

    private func prepared(_ template: StaticString) throws -> Statement {
        let key = UnsafeRawPointer(template.utf8Start)
        if let cached = statements[key] { return cached }
        // Inline projection makes a writer per append: the connection's statement cache and
        // the shared table of resolved templates keep that from parsing SQL every time.
        let statement = try db!.cachedStatement(sql: Self.resolve(template, prefix: prefix))
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

/// Statements recorded by projections, with their bound values, to be run in order on the
/// writing connection. Text values are copied into one arena, so the tape stands alone.
final class StatementTape: @unchecked Sendable {
    enum Value {
        case null
        case int(Int64)
        case double(Double)
        /// Bytes `offset..<offset + count` of the arena.
        case text(offset: Int32, count: Int32)
    }

    /// The read-model and event a statement was recorded for.
    struct Origin {
        let projection: String
        let position: Int64
        let type: String
    }

    struct Operation {
        let template: StaticString
        /// This operation's slice of ``values`` (unused when `arguments` is set).
        var values: Range<Int>
        /// Arguments given as GRDB values (``ProjectionWriter/execute(_:_:)``).
        let arguments: StatementArguments?
        let origin: Origin
    }

    // Only one thread touches a tape at a time (recorded, then played): no dynamic
    // exclusivity checks on the million appends of a replay.
    @exclusivity(unchecked) var operations: [Operation] = []
    @exclusivity(unchecked) var values: [Value] = []
    @exclusivity(unchecked) var arena: [UInt8] = []

    /// Starts an operation: its `arguments`, or values that follow (``append(_:)``) until
    /// ``end()``.
    func begin(_ template: StaticString, arguments: StatementArguments?, _ origin: Origin) {
        operations.append(Operation(template: template, values: values.count..<values.count, arguments: arguments, origin: origin))
    }

    func end() {
        operations[operations.count - 1].values = operations[operations.count - 1].values.lowerBound..<values.count
    }

    func append(_ value: Value) {
        values.append(value)
    }

    func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        let offset = arena.count
        arena.append(contentsOf: bytes)
        append(.text(offset: Int32(offset), count: Int32(bytes.count)))
    }

    /// About how much memory the recorded statements take.
    var byteCount: Int {
        arena.count + values.count * MemoryLayout<Value>.stride + operations.count * MemoryLayout<Operation>.stride
    }

    func removeAll() {
        operations.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }
}

/// Binds a statement's parameters one after another; a missing or null value binds NULL.
public struct ParameterBinder {
    let tape: StatementTape

    init(tape: StatementTape) { self.tape = tape }

    /// A string field of `fields`.
    public mutating func text(_ fields: JSONFields?, _ key: StaticString) {
        guard let fields, let range = fields.stringRange(key) else { return tape.append(.null) }
        if fields.hasEscapes(range) {
            var text = JSONFields.unescape(fields.bytes, range)
            text.withUTF8 { tape.appendText($0) }
        } else {
            fields.bytes.withUnsafeBufferPointer { tape.appendText(UnsafeBufferPointer(rebasing: $0[range])) }
        }
    }

    /// A field's JSON text (an array or object column).
    public mutating func json(_ fields: JSONFields?, _ key: StaticString) {
        guard let fields, let range = fields.range(key), !fields.isNull(range) else { return tape.append(.null) }
        fields.bytes.withUnsafeBufferPointer { tape.appendText(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    public mutating func int(_ fields: JSONFields?, _ key: StaticString) {
        value(fields?.int(key))
    }

    public mutating func double(_ fields: JSONFields?, _ key: StaticString) {
        value(fields?.double(key))
    }

    /// A boolean field as 1 or 0.
    public mutating func bool(_ fields: JSONFields?, _ key: StaticString) {
        value(fields?.bool(key).map { $0 ? 1 : 0 })
    }

    public mutating func value(_ value: Int64?) {
        tape.append(value.map { .int($0) } ?? .null)
    }

    public mutating func value(_ value: Int?) {
        self.value(value.map(Int64.init))
    }

    public mutating func value(_ value: Double?) {
        tape.append(value.map { .double($0) } ?? .null)
    }

    public mutating func value(_ text: String?) {
        guard var text else { return tape.append(.null) }
        text.withUTF8 { tape.appendText($0) }
    }
}

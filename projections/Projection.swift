import EventLog
import Events
import Foundation


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

    /// Opens `envelope`'s sealed fields (with `opener`), upcasts its payload to the current
    /// version when it is older, and scans it.
    ///
    /// - Throws: ``ProjectionError`` naming the position when the payload does not open, does
    ///   not upcast or is not a JSON object.
    public init(_ envelope: RecordedEvent, opener: (any PayloadOpener)? = nil) throws {
        let current: Data
        do {
            if let plain = envelope.currentPayload {
                current = plain
            } else {
                let stored = try opener?.open(envelope.payload) ?? envelope.payload
                current = try EventCatalog.currentPayload(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: stored) ?? stored
            }
        } catch {
            throw ProjectionError(.undecodable, "position \(envelope.position): \(error)")
        }
        try self.init(
            position: envelope.position, type: envelope.type, schemaVersion: envelope.schemaVersion,
            recordedAt: envelope.metadata.recordedAt, causationID: envelope.metadata.causationID, payload: [UInt8](current))
    }

    /// The event on a replay's row: `type` is its type's name, `isCurrent` whether the row's
    /// schema version is the current one (its bytes are then taken as they are).
    public init(_ row: ReplayRow, type: String, isCurrent: Bool, opener: (any PayloadOpener)? = nil) throws {
        var payload: [UInt8]
        do {
            payload = try opener?.open(row.payload) ?? [UInt8](row.payload)
            if !isCurrent {
                let stored = Data(payload)
                payload = [UInt8](try EventCatalog.currentPayload(type: type, schemaVersion: row.schemaVersion, payload: stored) ?? stored)
            }
        } catch {
            throw ProjectionError(.undecodable, "position \(row.position): \(error)")
        }
        try self.init(
            position: row.position, type: type, schemaVersion: row.schemaVersion,
            recordedAt: row.recordedAt, causationID: row.causationID, payload: payload)
    }

    private init(position: Int64, type: String, schemaVersion: Int, recordedAt: Timestamp, causationID: UUID?, payload: [UInt8]) throws {
        guard let json = JSONFields(payload) else {
            throw ProjectionError(.undecodable, "position \(position): the \(type) payload is not a JSON object")
        }
        self.position = position
        self.type = type
        self.schemaVersion = schemaVersion
        self.recordedAt = recordedAt
        self.causationID = causationID
        self.json = json
    }
}

/// A read-model failure: a code to match on and a one-line message naming the read-model
/// and the event position.
public struct ProjectionError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case undecodable, cannotApply, unknownReadModel }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A stored payload does not upcast, or is not a JSON object.
        public static let undecodable = Code(.undecodable)
        /// A read-model's statement failed on an event.
        public static let cannotApply = Code(.cannotApply)
        /// No read-model has that name.
        public static let unknownReadModel = Code(.unknownReadModel)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Where a projection's statements go: recorded on a ``StatementTape`` and, for a writer
/// with a player, run at once (inline projection, catch-up); without one, kept on the tape
/// to be run later by the store's writing connection (a replay: reading payloads and choosing
/// values then happens on the reading side, overlapped with the writes). Projections never
/// read through the writer, so both give the same rows.
public final class ProjectionWriter {
    /// Where statements are recorded.
    public let tape: StatementTape
    /// Runs what is recorded as soon as it is (nil: a recording writer).
    let player: (any StatementPlayer)?
    /// What is being applied, for error messages.
    public var current = StatementTape.Origin(projection: "", position: 0, type: "")

    /// A writer that hands every statement to `player` as it comes.
    public init(player: any StatementPlayer) {
        self.player = player
        self.tape = StatementTape()
    }

    /// A writer that records statements on `tape`, to be run later.
    public init(recordingInto tape: StatementTape) {
        self.player = nil
        self.tape = tape
    }

    /// Runs `template`, its `{table}` names resolved by the player, with `arguments` bound in
    /// order.
    ///
    /// Templates are literals: a player prepares each once and finds it again by its address,
    /// not by hashing its text (replay runs this a million times).
    public func execute(_ template: StaticString, _ arguments: [any StatementValue] = []) throws {
        var binder = ParameterBinder(tape: tape)
        tape.begin(template, current)
        for argument in arguments { argument.bind(&binder) }
        tape.end()
        try playIfRunning()
    }

    /// Runs `template` with parameters bound in order by `bind`: values come straight from
    /// payload bytes, with no `String` or boxed argument per value on the replay path.
    public func run(_ template: StaticString, _ bind: (inout ParameterBinder) -> Void) throws {
        var binder = ParameterBinder(tape: tape)
        tape.begin(template, current)
        bind(&binder)
        tape.end()
        try playIfRunning()
    }

    private func playIfRunning() throws {
        guard let player else { return }
        defer { tape.removeAll() }
        try player.play(tape)
    }

    /// Applies one event to the read-models that read its type; a failure names the read-model
    /// and the event.
    public func apply(_ event: ProjectedEvent, to projections: [any Projection]) throws {
        for projection in projections {
            current = StatementTape.Origin(projection: projection.name, position: event.position, type: event.type)
            do {
                try projection.apply(event, self)
            } catch let error as ProjectionError {
                throw error
            } catch {
                throw ProjectionError(.cannotApply, "\(projection.name) cannot apply position \(event.position) (\(event.type)): \(error)")
            }
        }
    }
}

/// Runs the statements recorded on a tape, in order, on a store's connection; a failure names
/// the read-model and the event position it was applying (``StatementTape/Origin``).
public protocol StatementPlayer: AnyObject {
    func play(_ tape: StatementTape) throws
}

/// A value a statement binds: text, a number, or null (an optional that is nil).
public protocol StatementValue {
    func bind(_ binder: inout ParameterBinder)
}

extension String: StatementValue {
    public func bind(_ binder: inout ParameterBinder) { binder.value(self) }
}

extension Int: StatementValue {
    public func bind(_ binder: inout ParameterBinder) { binder.value(self) }
}

extension Int64: StatementValue {
    public func bind(_ binder: inout ParameterBinder) { binder.value(self) }
}

extension Double: StatementValue {
    public func bind(_ binder: inout ParameterBinder) { binder.value(self) }
}

extension Bool: StatementValue {
    public func bind(_ binder: inout ParameterBinder) { binder.value(self ? 1 : 0) }
}

extension Optional: StatementValue where Wrapped: StatementValue {
    public func bind(_ binder: inout ParameterBinder) {
        if let value = self { value.bind(&binder) } else { binder.null() }
    }
}

/// Statements recorded by projections, with their bound values, to be run in order on the
/// writing connection. Text values are copied into one arena, so the tape stands alone.
public final class StatementTape: @unchecked Sendable {
    public enum Value {
        case null
        case int(Int64)
        case double(Double)
        /// Bytes `offset..<offset + count` of the arena.
        case text(offset: Int32, count: Int32)
    }

    /// The read-model and event a statement was recorded for.
    public struct Origin: Sendable {
        public let projection: String
        public let position: Int64
        public let type: String

        public init(projection: String, position: Int64, type: String) {
            self.projection = projection
            self.position = position
            self.type = type
        }
    }

    public struct Operation {
        public let template: StaticString
        /// This operation's slice of ``values``.
        public var values: Range<Int>
        public let origin: Origin
    }

    public init() {}

    // Only one thread touches a tape at a time (recorded, then played): no dynamic
    // exclusivity checks on the million appends of a replay.
    @exclusivity(unchecked) public private(set) var operations: [Operation] = []
    @exclusivity(unchecked) public private(set) var values: [Value] = []
    @exclusivity(unchecked) public private(set) var arena: [UInt8] = []

    /// Starts an operation whose values follow (``append(_:)``) until ``end()``.
    func begin(_ template: StaticString, _ origin: Origin) {
        operations.append(Operation(template: template, values: values.count..<values.count, origin: origin))
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
    public var byteCount: Int {
        arena.count + values.count * MemoryLayout<Value>.stride + operations.count * MemoryLayout<Operation>.stride
    }

    public func removeAll() {
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

    public mutating func null() {
        tape.append(.null)
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

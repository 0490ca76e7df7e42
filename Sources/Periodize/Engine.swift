import Coaching
import EventLog
import Events
import Foundation
import GRDB
import LLM
import Logging
import Projections

/// The one entry point: the CLI, any server and the tests all drive Periodize through it.
///
/// It owns the log and the read-models kept beside it. Opening brings the read-models up to
/// date: those of another version are rebuilt blue/green, lagging ones catch up.
public final class Engine: Sendable {
    public struct Options: Sendable {
        public var path: String
        public var durability: SQLiteEventStore.Durability
        public var busyTimeout: TimeInterval
        /// The clock for `recordedAt` and for anything the domain dates.
        public var clock: @Sendable () -> Date
        /// Event ids for appends made by the engine.
        public var ids: @Sendable () -> UUID
        /// The most segments one daily SMS may take before it is shortened or split.
        public var smsSegments: Int
        /// Where messages go (the outbox by default: recorded in the log, nothing sent).
        public var sender: any MessageSender
        /// A model coach for plans, weeks and workouts; nil for the rule-based coach alone.
        /// The rules stay its fallback.
        public var coach: LLMCoach?
        /// The checks every generated artefact passes.
        public var validator: ArtefactValidator

        public init(
            path: String, durability: SQLiteEventStore.Durability = .full, busyTimeout: TimeInterval = 10,
            clock: @escaping @Sendable () -> Date = { Date() }, ids: @escaping @Sendable () -> UUID = { UUID() },
            smsSegments: Int = 3, sender: any MessageSender = OutboxSender(), coach: LLMCoach? = nil,
            validator: ArtefactValidator = ArtefactValidator()
        ) {
            self.path = path
            self.durability = durability
            self.busyTimeout = busyTimeout
            self.clock = clock
            self.ids = ids
            self.smsSegments = smsSegments
            self.sender = sender
            self.coach = coach
            self.validator = validator
        }
    }

    public let options: Options
    public let store: SQLiteEventStore
    public let readModels: ReadModels
    let logger: Logger

    /// Opens the log at `options.path` (creating it) and brings the read-models up to date.
    ///
    /// - Throws: ``EventStoreError`` for a file that is not a Periodize log, is newer than this
    ///   build, or stays locked; ``ProjectionError`` when a stored event cannot be projected.
    public static func open(_ options: Options, logger: Logger = Logger(label: "periodize"), progress: (@Sendable (String, Int64, Int64) -> Void)? = nil) async throws -> Engine {
        let readModels = ReadModels()
        let store = try SQLiteEventStore(
            path: options.path,
            configuration: .init(durability: options.durability, busyTimeout: options.busyTimeout, clock: options.clock, hook: readModels))
        let engine = Engine(options: options, store: store, readModels: readModels, logger: logger)
        let stale = try await store.database.write { db in try readModels.prepare(db) }
        if !stale.isEmpty {
            logger.info("rebuilding read-models of another version", metadata: ["read-models": "\(stale.joined(separator: ","))"])
            _ = try await readModels.rebuild(store, only: stale, progress: progress.map { p in { @Sendable in p("rebuild", $0, $1) } })
        }
        try await readModels.catchUp(store)
        return engine
    }

    init(options: Options, store: SQLiteEventStore, readModels: ReadModels, logger: Logger) {
        self.options = options
        self.store = store
        self.readModels = readModels
        self.logger = logger
    }

    /// Closes the database connections.
    public func close() throws {
        try store.close()
    }

    // MARK: Appending domain events

    /// Appends one payload at its current schema version.
    @discardableResult
    public func append<P: EventPayload>(
        _ payload: P, to stream: String, expected: ExpectedVersion = .any, id: UUID? = nil,
        causation: UUID? = nil, correlation: UUID? = nil, actor: String? = nil
    ) async throws -> AppendResult {
        try await store.append([try newEvent(payload, id: id, causation: causation, correlation: correlation, actor: actor)], to: stream, expected: expected)
    }

    /// An envelope-to-be for `payload`.
    public func newEvent<P: EventPayload>(_ payload: P, id: UUID? = nil, occurredAt: Timestamp? = nil, causation: UUID? = nil, correlation: UUID? = nil, actor: String? = nil) throws -> NewEvent {
        let encoded = try EventCatalog.encode(payload)
        return NewEvent(
            eventID: id ?? options.ids(), type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload,
            occurredAt: occurredAt, causationID: causation, correlationID: correlation, actor: actor)
    }

    /// The stream that holds everything about one client.
    public static func clientStream(_ clientID: String) -> String { "client-\(clientID)" }
    /// The stream that holds migrations.
    public static let migrationsStream = "$migrations"
}

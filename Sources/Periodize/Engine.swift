import Coaching
import EventLog
import Events
import Foundation
import Logging
import Projections
import Replies
import Synchronization
import Vault

/// The one entry point: the CLI, any server and the tests all drive Periodize through it.
///
/// It knows its storage and its coaches only through ports: the log (``EventStore``), the
/// read-models' questions and upkeep (``ReadModelQueries``, ``ReadModelMaintenance``), a
/// ``Coach`` and a ``MessageSender``. `makeEngine(_:)` (target PeriodizeApp) builds one from a
/// configuration.
public final class Engine: Sendable {
    public let store: any EventStore
    public let readModels: any ReadModelQueries & ReadModelMaintenance
    /// Decides plans, weeks, workouts and (when it writes them) the daily SMS's words.
    public let coach: any Coach
    /// Reads what clients text back (the rules by default; a model coach's reader with the
    /// rules as its fallback).
    public let reader: any ReplyReader
    /// Where the delivery worker hands queued messages (``LogOnlySender`` by default: recorded
    /// in the log, nothing leaves the process).
    public let sender: any MessageSender
    /// Attempts, backoff and lease of the delivery worker.
    public let delivery: DeliveryPolicy
    /// Names this process on its delivery attempts.
    public let workerID: String
    /// Test-only fault hooks of the delivery worker.
    public let faults: DeliveryFaults?
    /// The clients' data keys and the sealing of personal fields; nil for a log opened without
    /// them (erasure is then refused).
    public let vault: Vault?
    /// The clock for anything the domain dates (local today, `sentAt`).
    public let clock: @Sendable () -> Date
    /// Event ids for appends made by the engine.
    public let ids: @Sendable () -> UUID
    /// The most segments one daily SMS may take before it is shortened or split.
    public let smsSegments: Int
    let logger: Logger
    /// The API's tokens as last read, with the version of `$tokens` they were read at.
    let tokenCache = Mutex<(tokens: (tokens: [APIToken], version: Int64, hashes: [String: String]), checked: ContinuousClock.Instant)?>(nil)

    public init(
        store: any EventStore, readModels: any ReadModelQueries & ReadModelMaintenance, coach: any Coach = RuleCoach(),
        reader: any ReplyReader = RuleReader(), sender: any MessageSender = LogOnlySender(), delivery: DeliveryPolicy = DeliveryPolicy(), workerID: String = Engine.defaultWorkerID,
        faults: DeliveryFaults? = nil, vault: Vault? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        ids: @escaping @Sendable () -> UUID = { UUID() }, smsSegments: Int = 3, logger: Logger = Logger(label: "periodize")
    ) {
        self.delivery = delivery
        self.workerID = workerID
        self.faults = faults
        self.vault = vault
        self.store = store
        self.readModels = readModels
        self.coach = coach
        self.reader = reader
        self.sender = sender
        self.clock = clock
        self.ids = ids
        self.smsSegments = smsSegments
        self.logger = logger
    }

    /// This host and process: `host:pid`.
    public static var defaultWorkerID: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Closes the log's connections.
    public func close() throws {
        try store.close()
    }

    // MARK: Appending domain events

    /// Appends one payload at its current schema version.
    @discardableResult
    public func append<P: EventPayload>(
        _ payload: P, to stream: String, expected: ExpectedVersion = .any, id: UUID? = nil,
        causation: UUID? = nil, correlation: UUID? = nil, actor: EventActor? = nil
    ) async throws -> AppendResult {
        try await store.append([try newEvent(payload, id: id, causation: causation, correlation: correlation, actor: actor)], to: stream, expected: expected)
    }

    /// An envelope-to-be for `payload`.
    public func newEvent<P: EventPayload>(
        _ payload: P, id: UUID? = nil, occurredAt: Timestamp? = nil, causation: UUID? = nil, correlation: UUID? = nil, actor: EventActor? = nil
    ) throws -> NewEvent {
        let encoded = try EventCatalog.encode(payload)
        return NewEvent(
            eventID: id ?? ids(), type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload,
            occurredAt: occurredAt, causationID: causation, correlationID: correlation ?? Self.request?.correlation,
            actor: Self.request.map { $0.actor(actor) } ?? actor?.rawValue)
    }

    /// The request the current task acts for, when a caller outside the process asked (the
    /// operators' API): who asked, recorded on every event appended meanwhile, and the stream
    /// version the request was based on. Nil for the command line, the tick and the worker.
    @TaskLocal public static var request: RequestContext?

    /// The stream that holds everything about one client.
    public static func clientStream(_ clientID: String) -> String { "client-\(clientID)" }
    /// The stream that holds migrations.
    public static let migrationsStream = "$migrations"
    /// The stream that holds the prompts sent to models.
    public static let promptsStream = "$prompts"
}

/// Who asked for what a task appends: recorded in each event's `actor` beside the use case
/// ("enroll by api:NAME"), and the `If-Match` a write was based on.
public struct RequestContext: Sendable {
    /// Who asked: `api:` and the token's name.
    public var principal: String
    /// The client's stream version the request was based on: a stream at another version is
    /// refused (``CoachingError/Code/preconditionFailed``) and nothing is appended.
    public var expectedVersion: Int64?
    /// Ties together the events of one request.
    public var correlation: UUID?
    /// The version each client's stream was at when the request's use cases were done with it
    /// (what an `ETag` of the answer says), by client.
    public let versions = StreamVersions()

    public init(principal: String, expectedVersion: Int64? = nil, correlation: UUID? = nil) {
        self.principal = principal
        self.expectedVersion = expectedVersion
        self.correlation = correlation
    }

    /// The `actor` of an event appended for this request by `useCase`.
    public func actor(_ useCase: EventActor?) -> String {
        "\(useCase?.rawValue ?? "api") by \(principal)"
    }

    /// The use case and the principal of a recorded `actor` ("enroll by api:ops"); the
    /// principal is nil for an event no outside caller asked for.
    public static func parse(actor: String) -> (useCase: String, principal: String?) {
        guard let range = actor.range(of: " by ") else { return (actor, nil) }
        return (String(actor[..<range.lowerBound]), String(actor[range.upperBound...]))
    }
}

/// Who appended an event (its metadata's `actor`): the use case that decided it.
public struct EventActor: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let enroll: EventActor = "enroll"
    public static let update: EventActor = "update"
    public static let plan: EventActor = "plan"
    public static let breakdown: EventActor = "breakdown"
    public static let daily: EventActor = "daily"
    public static let weekly: EventActor = "weekly"
    public static let delivery: EventActor = "delivery"
    public static let migration: EventActor = "migration"
    public static let coach: EventActor = "coach"
    public static let importLegacy: EventActor = "import-legacy"
    public static let erase: EventActor = "erase"
    public static let checkpoint: EventActor = "checkpoint"
}

/// The stream versions a request's use cases ended on, by client: the version of the state a
/// use case decided on and appended to, not one read afterwards (which may hold another
/// writer's events the caller has not seen).
public final class StreamVersions: Sendable {
    private let versions = Mutex<[String: Int64]>([:])

    public init() {}

    /// The version client `clientID`'s stream was at when the last use case was done with it.
    public func version(of clientID: String) -> Int64? { versions.withLock { $0[clientID] } }

    func record(_ clientID: String, _ version: Int64) { versions.withLock { $0[clientID] = version } }
}

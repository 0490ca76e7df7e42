import Coaching
import Crypto
import EventLog
import EventLogSQLite
import Foundation
import API
import IdempotencySQLite
import LLM
import Logging
import Periodize
import Projections
import Replies
import Checkpoints
import ReadModelsSQLite
import Vault
import VaultSQLite

/// Everything that picks the parts of an engine: where the log is and how hard it syncs, the
/// coach, the sender, the clocks and id generator. ``makeEngine(_:logger:progress:)`` builds
/// the engine from it; the command line, the tests and the benchmarks all go through it.
public struct EngineConfiguration: Sendable {
    /// The log's file (SQLite); it is created when missing.
    public var path: String
    public var durability: Durability
    /// How long to wait for another process's write lock.
    public var busyTimeout: TimeInterval
    /// The wall clock: `recordedAt`, local dates.
    public var clock: @Sendable () -> Date
    /// The clock that measures how long decisions take.
    public var durationClock: any Clock<Duration>
    /// Event ids for appends made by the engine (time-ordered by default, see
    /// ``TimeOrderedIDs``).
    public var ids: @Sendable () -> UUID
    /// The most segments one daily SMS may take before it is shortened or split.
    public var smsSegments: Int
    /// Where the delivery worker hands messages (log-only by default: recorded in the log,
    /// nothing sent).
    public var sender: any MessageSender
    /// Attempts, backoff and lease of the delivery worker.
    public var delivery: DeliveryPolicy
    /// Names this process on its delivery attempts (`host:pid` by default).
    public var workerID: String
    /// Test-only fault hooks of the delivery worker.
    public var faults: DeliveryFaults?
    /// A model coach for plans, weeks, workouts and reading replies; nil for the rule-based
    /// coach and reader alone. The rules stay its fallback.
    public var coach: LLMCoach?
    /// The checks every model-made artefact passes.
    public var validator: ArtefactValidator
    /// Personal fields stored encrypted under per-client keys (on by default; off only to
    /// measure what it costs).
    public var encryption: Bool
    /// Wraps the data keys at rest (`PERIODIZE_MASTER_KEY`); nil keeps them unwrapped in the
    /// key table.
    public var masterKey: SymmetricKey?
    /// Signs a checkpoint of the chain every `checkpointEvery` events appended through the
    /// engine (and on demand); nil writes none.
    public var signer: CheckpointSigner?
    public var checkpointEvery: Int64
    /// Told of every append made through the engine (the service's metrics); nil for none.
    public var observer: (any AppendObserver)?
    /// Wraps the coach the configuration makes (the rules, or the model coach): a coach whose
    /// calls are observed, or, in tests, one that lets another writer in mid-decision.
    public var wrapCoach: (@Sendable (any Coach) -> any Coach)?

    public init(
        path: String, durability: Durability = .full, busyTimeout: TimeInterval = 10,
        clock: @escaping @Sendable () -> Date = { Date() }, durationClock: any Clock<Duration> = ContinuousClock(),
        ids: (@Sendable () -> UUID)? = nil, smsSegments: Int = 3, sender: any MessageSender = LogOnlySender(),
        delivery: DeliveryPolicy = DeliveryPolicy(), workerID: String = Engine.defaultWorkerID, faults: DeliveryFaults? = nil,
        coach: LLMCoach? = nil, validator: ArtefactValidator = ArtefactValidator(), encryption: Bool = true, masterKey: SymmetricKey? = nil,
        signer: CheckpointSigner? = nil, checkpointEvery: Int64 = 1000
    ) {
        self.signer = signer
        self.checkpointEvery = checkpointEvery
        self.encryption = encryption
        self.masterKey = masterKey
        self.delivery = delivery
        self.workerID = workerID
        self.faults = faults
        self.path = path
        self.durability = durability
        self.busyTimeout = busyTimeout
        self.clock = clock
        self.durationClock = durationClock
        self.ids = ids ?? { let made = TimeOrderedIDs(clock: clock); return { made.next() } }()
        self.smsSegments = smsSegments
        self.sender = sender
        self.coach = coach
        self.validator = validator
    }
}

/// The composition root: opens the log at `configuration.path` with its read-models kept
/// inline (brought up to date first: those of another version rebuilt blue/green, lagging ones
/// caught up) and wires the coach and sender.
///
/// - Throws: ``EventStoreError`` for a file that is not a Periodize log, is newer than this
///   build, or stays locked; ``ProjectionError`` when a stored event cannot be projected.
public func makeEngine(
    _ configuration: EngineConfiguration, logger: Logger = Logger(label: "periodize"),
    progress: (@Sendable (String, Int64, Int64) -> Void)? = nil
) async throws -> Engine {
    var vault: Vault?
    if configuration.encryption {
        // The log's file first (created, or checked to be a Periodize log), then its key table.
        try SQLiteEventStore(path: configuration.path, configuration: .init(durability: configuration.durability, busyTimeout: configuration.busyTimeout)).close()
        vault = Vault(keys: try SQLiteDataKeyStore(
            path: configuration.path, master: configuration.masterKey, busyTimeout: configuration.busyTimeout, clock: configuration.clock))
    }
    let readModels = try await SQLiteReadModelStore.open(
        path: configuration.path,
        configuration: .init(
            durability: configuration.durability, busyTimeout: configuration.busyTimeout, clock: configuration.clock,
            secureDelete: configuration.encryption),
        readModels: ReadModels(opener: vault),
        onStale: { stale in logger.info("rebuilding read-models of another version", metadata: ["read-models": "\(stale.joined(separator: ","))"]) },
        progress: progress)
    var coach: any Coach = configuration.coach.map { ModelCoach($0, validator: configuration.validator, clock: configuration.durationClock) }
        ?? RuleCoach(clock: configuration.durationClock)
    if let wrap = configuration.wrapCoach { coach = wrap(coach) }
    let reader: any ReplyReader = configuration.coach.map { ModelReplyReader($0, clock: configuration.durationClock) } ?? RuleReader()
    var store: any EventStore = vault.map { SealingEventStore(readModels.store, vault: $0) } ?? readModels.store
    if let signer = configuration.signer {
        store = CheckpointingEventStore(store, signer: signer, every: configuration.checkpointEvery, clock: configuration.clock)
    }
    if let observer = configuration.observer { store = ObservedEventStore(store, observer: observer) }
    let engine = Engine(
        store: store, readModels: readModels, coach: coach, reader: reader, sender: configuration.sender,
        delivery: configuration.delivery, workerID: configuration.workerID, faults: configuration.faults, vault: vault,
        clock: configuration.clock, ids: configuration.ids, smsSegments: configuration.smsSegments, logger: logger)
    do {
        try await engine.finishErasures()
    } catch {
        try? engine.close()
        throw error
    }
    return engine
}

/// Where `serve` keeps the API's answers to POSTs with an `Idempotency-Key`: a table of the
/// log's own file, the answers about a client sealed under their key by `engine`'s vault.
public func makeAnswerStore(path: String, engine: Engine) throws -> any IdempotencyStore {
    try SQLiteIdempotencyStore(path: path, vault: engine.vault)
}

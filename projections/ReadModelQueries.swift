import EventLog
import Events
import Foundation

/// The questions the core asks of the read-models: who is due, what was sent, the migration
/// state, the archive, a prompt, summaries. Each store of read-models answers them its own way
/// (the SQLite one in SQL beside its tables); the core knows only this protocol.
public protocol ReadModelQueries: Sendable {
    /// The latest migration named `name` (`clean-slate`), as the read side applies it.
    func latestMigration(named name: String) async throws -> MigrationState?

    /// A migration by its id.
    func migration(id: String) async throws -> MigrationRecord?

    /// Active, opted-in clients with their time zone and send hour, by id.
    func scheduledClients() async throws -> [ScheduledClient]

    /// Whether the client's daily message for `date` is queued or has gone out (recorded sent
    /// before the outbox, or queued since, whatever became of it).
    func hasDailyMessage(clientID: String, on date: LocalDate) async throws -> Bool

    /// The client's workout in force for `date` as the `workouts` read-model has it (the latest
    /// not archived), or, when there is none, whether the client is enrolled at all.
    func currentWorkout(clientID: String, date: LocalDate) async throws -> CurrentWorkout

    /// The client's home time zone and stays, for their local today; nil for no such client.
    func calendar(clientID: String) async throws -> ScheduledClient?

    /// Whether the message with this id is queued or has been sent.
    func messageRecorded(id: String) async throws -> Bool

    /// Message parts due for delivery at `now`, oldest queued first, at most `limit`: queued,
    /// failed with their next attempt due, or sending with their lease run out. A later part
    /// is due only once the part before it has ended (sent, or not to be delivered).
    func dueDeliveries(at now: Timestamp, limit: Int) async throws -> [DueDelivery]

    /// Whether a client may be sent to, and at which number, as the clients read-model has it now.
    func contact(clientID: String) async throws -> ClientContact?

    /// A client's messages with their delivery status, oldest first.
    func messageStatuses(clientID: String) async throws -> [MessageStatus]

    /// The client a phone number belongs to, for a text that comes in: the latest enrolled of
    /// the clients not erased with that number, active ones first; nil for no client.
    func clientID(phoneNumber: String) async throws -> String?

    /// Whose an outbound message part is, by our id or, failing that, the provider's.
    func messageOwner(messageID: String?, providerMessageID: String?) async throws -> MessageOwner?

    /// Texts from clients not yet read (`MessageReceived` of class `text` with no `ReplyRead`),
    /// oldest first.
    func pendingReplies(limit: Int) async throws -> [InboundText]

    /// Texts a person should read (the reader could not, or they ask what is not acted on),
    /// newest first.
    func inbox(limit: Int) async throws -> [InboundText]

    /// Message parts held: they may have reached the provider, which could not be asked.
    func heldParts() async throws -> Int

    /// Each read-model's checkpoint: the last log position it has applied.
    func readModelPositions() async throws -> [String: Int64]

    /// Message parts by status, and attempts taken again after a lease ran out.
    func deliveryCounts() async throws -> DeliveryCounts

    /// What the clean-slate migration would change: counts of current plans and training, and
    /// the active clients with a current plan.
    func cleanSlateSurvey() async throws -> CleanSlateSurvey

    /// Clients the log records as erased.
    func erasedClients() async throws -> [String]

    /// Clients whose mesocycle was broken down afresh by the migration `id`.
    func clientsRegenerated(byMigration id: String) async throws -> [String]

    /// Whether the client has a mesocycle broken down by the migration `id`.
    func hasBreakdown(clientID: String, causedByMigration id: String) async throws -> Bool

    /// A client's archived mesocycles, weeks and workouts, oldest first.
    func archive(of clientID: String) async throws -> [ArchivedTraining]

    /// The prompt with SHA-256 `hash` about `clientID` (or, in logs from before, shared).
    func prompt(hash: String, clientID: String) async throws -> PromptRecorded?

    /// Workouts and daily messages of the clients whose id starts with `clientPrefix`.
    func trainingSummary(clientPrefix: String) async throws -> TrainingSummary

    /// The daily messages of `clients` on `date`, by client id.
    func dailyMessages(of clients: [String], on date: LocalDate) async throws -> [(clientID: String, body: String)]
}

/// A queued message part a delivery worker may take now.
public struct DueDelivery: Sendable, Equatable {
    public var messageID: String
    /// The first part's id: the message the part belongs to.
    public var groupID: String
    public var clientID: String
    public var kind: MessageKind
    public var localDate: LocalDate?
    public var body: String
    public var part: Int
    public var parts: Int
    /// `queued`, `failed` (its retry is due) or `sending` (its lease ran out).
    public var status: String
    /// Attempts taken so far.
    public var attempts: Int
    public var expiresAt: Timestamp?
    /// For a later part: the status of the part before it (`sent`, or how it ended).
    public var previousPartStatus: String?
    /// The last attempt got no answer in time: the provider may have it.
    public var mayHaveArrived: Bool = false
    /// Attempts released back to the queue before reaching the provider (a worker stopping):
    /// they do not count against the attempts allowed.
    public var releasedAttempts: Int = 0
    /// When the part was queued: a provider's message to the same number from before then is
    /// not this part.
    public var queuedAt: Timestamp?
    public var queuedPosition: Int64

    public init(
        messageID: String, groupID: String, clientID: String, kind: MessageKind, localDate: LocalDate?, body: String, part: Int, parts: Int,
        status: String, attempts: Int, expiresAt: Timestamp?, previousPartStatus: String?, queuedPosition: Int64
    ) {
        self.messageID = messageID
        self.groupID = groupID
        self.clientID = clientID
        self.kind = kind
        self.localDate = localDate
        self.body = body
        self.part = part
        self.parts = parts
        self.status = status
        self.attempts = attempts
        self.expiresAt = expiresAt
        self.previousPartStatus = previousPartStatus
        self.queuedPosition = queuedPosition
    }
}

/// What the delivery worker needs to know of a client just before sending.
public struct ClientContact: Sendable, Equatable {
    public var active: Bool
    public var optedIn: Bool
    public var phoneNumber: String

    public init(active: Bool, optedIn: Bool, phoneNumber: String) {
        self.active = active
        self.optedIn = optedIn
        self.phoneNumber = phoneNumber
    }
}

/// One message part as the messages read-model has it.
public struct MessageStatus: Sendable, Equatable, Codable {
    public var messageID: String
    public var kind: String
    public var direction: String
    public var localDate: String?
    public var part: Int
    public var parts: Int
    public var status: String
    public var attempts: Int
    public var possiblyDuplicated: Int
    public var lastError: String?
    public var nextAttemptAt: String?
    public var provider: String?
    public var providerMessageID: String?
    public var segments: Int?
    public var body: String?
    public var at: String
    public var position: Int64

    public init(
        messageID: String, kind: String, direction: String, localDate: String?, part: Int, parts: Int, status: String, attempts: Int,
        possiblyDuplicated: Int, lastError: String?, nextAttemptAt: String?, provider: String?, providerMessageID: String?, segments: Int?,
        body: String?, at: String, position: Int64
    ) {
        self.messageID = messageID
        self.kind = kind
        self.direction = direction
        self.localDate = localDate
        self.part = part
        self.parts = parts
        self.status = status
        self.attempts = attempts
        self.possiblyDuplicated = possiblyDuplicated
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.segments = segments
        self.body = body
        self.at = at
        self.position = position
    }
}

/// Outbound message parts by status, and the attempts that may have reached the provider twice.
/// A text a client sent, as the messages read-model has it.
public struct InboundText: Sendable, Equatable {
    public var clientID: String
    public var providerMessageID: String
    public var body: String
    public var receivedAt: String

    public init(clientID: String, providerMessageID: String, body: String, receivedAt: String) {
        self.clientID = clientID
        self.providerMessageID = providerMessageID
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// An outbound message part and the client it went to.
public struct MessageOwner: Sendable, Equatable {
    public var messageID: String
    public var clientID: String
    public var kind: String
    public var providerMessageID: String?

    public init(messageID: String, clientID: String, kind: String, providerMessageID: String?) {
        self.messageID = messageID
        self.clientID = clientID
        self.kind = kind
        self.providerMessageID = providerMessageID
    }
}

public struct DeliveryCounts: Sendable, Equatable {
    public var byStatus: [String: Int]
    /// Parts by the furthest status the provider reported (`delivered`, `undelivered`, ...).
    public var byDeliveryStatus: [String: Int] = [:]
    /// Attempts taken again after a lease ran out with no outcome (the earlier one may have
    /// been delivered): the one window the outbox cannot close, counted.
    public var possiblyDuplicated: Int

    public init(byStatus: [String: Int], possiblyDuplicated: Int) {
        self.byStatus = byStatus
        self.possiblyDuplicated = possiblyDuplicated
    }
}

/// Keeping the read-models themselves: comparing them with a fresh build, rebuilding them,
/// copying the world as of a position, summing up.
public protocol ReadModelMaintenance: Sendable {
    /// Builds every read-model afresh from the log and compares checksums with the live ones.
    func check(progress: (@Sendable (Int64, Int64) -> Void)?) async throws -> ReadModelCheck

    /// Rebuilds read-models blue/green (all, or those named); `diff` reports the rows that
    /// differ from the live ones.
    ///
    /// - Throws: ``ProjectionError`` naming the read-models known, for an unknown name.
    func rebuild(only names: [String]?, diff: Bool, progress: (@Sendable (Int64, Int64) -> Void)?) async throws -> RebuildReport

    /// Writes a new log at `path` holding this log's events through position `last`, with
    /// read-models built from them. `path` must not exist; nothing is left there on failure.
    func copy(through last: Int64, into path: String, progress: (@Sendable (Int64, Int64) -> Void)?) async throws

    /// Counts by type, streams, read-model checkpoints and sizes, generation usage.
    func stats() async throws -> LogStats
}

/// A migration as the migrations read-model has it.
public struct MigrationState: Sendable, Equatable {
    /// The `MigrationApplied` event's id, which is the migration's id.
    public var migrationID: UUID
    public var appliedPosition: Int64
    public var reverted: Bool

    public init(migrationID: UUID, appliedPosition: Int64, reverted: Bool) {
        self.migrationID = migrationID
        self.appliedPosition = appliedPosition
        self.reverted = reverted
    }

    /// Whether training recorded at `position` (caused by `causationID`) is in the current
    /// view: training from before an applied migration is not; what a reverted migration
    /// appended is not.
    public func admits(position: Int64, causationID: UUID?) -> Bool {
        reverted ? causationID != migrationID : position > appliedPosition
    }
}

/// One migration's row.
public struct MigrationRecord: Sendable, Equatable {
    public var name: String
    public var appliedPosition: Int64
    public var revertedPosition: Int64?
    public var effects: [String: Int]

    public init(name: String, appliedPosition: Int64, revertedPosition: Int64?, effects: [String: Int]) {
        self.name = name
        self.appliedPosition = appliedPosition
        self.revertedPosition = revertedPosition
        self.effects = effects
    }
}

/// An active, opted-in client as the scheduler sees them.
/// A day's workout as the `workouts` read-model has it.
public enum CurrentWorkout: Sendable, Equatable {
    case found(Row)
    /// The client is enrolled; no workout was made for the day.
    case none
    /// No client with that id.
    case unknownClient

    public struct Row: Sendable, Equatable {
        public var position: Int64
        public var planID: String?
        public var theme: String
        public var load: String?
        /// JSON arrays, as the workout has them.
        public var blocks: String
        public var modifications: String

        public init(position: Int64, planID: String?, theme: String, load: String?, blocks: String, modifications: String) {
            self.position = position
            self.planID = planID
            self.theme = theme
            self.load = load
            self.blocks = blocks
            self.modifications = modifications
        }
    }
}

public struct ScheduledClient: Sendable, Equatable {
    public var clientID: String
    public var timezone: String
    public var sendHour: Int
    /// Stays in another time zone (`TravelPlanned`), in the order planned.
    public var stays: [ZoneStay]

    public init(clientID: String, timezone: String, sendHour: Int, stays: [ZoneStay] = []) {
        self.clientID = clientID
        self.timezone = timezone
        self.sendHour = sendHour
        self.stays = stays
    }
}

/// What the clean-slate migration would change, read before it is applied.
public struct CleanSlateSurvey: Sendable {
    /// `plansConverted`, `mesocyclesArchived`, ... (the effects recorded on the migration).
    public var counts: [String: Int]
    public var candidates: [Candidate]

    /// An active client with a current plan.
    public struct Candidate: Sendable {
        public var clientID: String
        public var timezone: String
        public var optedIn: Bool
        public var start: LocalDate?
        public var weeks: Int

        public init(clientID: String, timezone: String, optedIn: Bool, start: LocalDate?, weeks: Int) {
            self.clientID = clientID
            self.timezone = timezone
            self.optedIn = optedIn
            self.start = start
            self.weeks = weeks
        }
    }

    public init(counts: [String: Int], candidates: [Candidate]) {
        self.counts = counts
        self.candidates = candidates
    }
}

/// A row of training a migration took out of the current view (or a reverted migration
/// withdrew).
public struct ArchivedTraining: Sendable, Codable, Equatable {
    /// `mesocycle`, `week` or `workout`.
    public var kind: String
    public var description: String
    public var position: Int64
    /// `<migration id>`, or `reverted:<migration id>`.
    public var archivedBy: String

    public init(kind: String, description: String, position: Int64, archivedBy: String) {
        self.kind = kind
        self.description = description
        self.position = position
        self.archivedBy = archivedBy
    }
}

/// Workouts and daily messages of a group of clients.
public struct TrainingSummary: Sendable, Equatable {
    public var workouts: Int
    public var dailyMessages: Int
    /// Daily messages by their segment count.
    public var segments: [Int: Int]
    /// Workouts with injury or equipment swaps.
    public var swaps: Int

    public init(workouts: Int, dailyMessages: Int, segments: [Int: Int], swaps: Int) {
        self.workouts = workouts
        self.dailyMessages = dailyMessages
        self.segments = segments
        self.swaps = swaps
    }
}

/// A summary of the log and its read-models.
public struct LogStats: Sendable {
    public var events: Int64
    public var streams: Int64
    public var byType: [(type: String, schemaVersion: Int, count: Int64)]
    public var firstRecordedAt: Timestamp?
    public var lastRecordedAt: Timestamp?
    public var readModels: [(name: String, version: Int, position: Int64, rows: Int64)]
    public var fileBytes: Int64
    /// Generated artefacts by UTC day, coach and model.
    public var generation: [GenerationUsage] = []

    public init(
        events: Int64, streams: Int64, byType: [(type: String, schemaVersion: Int, count: Int64)], firstRecordedAt: Timestamp?,
        lastRecordedAt: Timestamp?, readModels: [(name: String, version: Int, position: Int64, rows: Int64)], fileBytes: Int64,
        generation: [GenerationUsage]
    ) {
        self.events = events
        self.streams = streams
        self.byType = byType
        self.firstRecordedAt = firstRecordedAt
        self.lastRecordedAt = lastRecordedAt
        self.readModels = readModels
        self.fileBytes = fileBytes
        self.generation = generation
    }
}

/// What one coach and model generated on one day, and what it cost.
public struct GenerationUsage: Sendable, Equatable {
    public var day: String
    public var coach: String
    public var model: String?
    /// Plans, weeks and workouts generated.
    public var artefacts: Int64
    /// Calls made to the model (retries and repairs included).
    public var calls: Int64
    /// Calls that failed or gave an invalid answer.
    public var failedCalls: Int64
    /// Artefacts the rules made after the model's attempts were spent.
    public var fallbacks: Int64
    public var promptTokens: Int64
    public var completionTokens: Int64
    public var latencyMs: Double

    public init(
        day: String, coach: String, model: String?, artefacts: Int64, calls: Int64, failedCalls: Int64, fallbacks: Int64,
        promptTokens: Int64, completionTokens: Int64, latencyMs: Double
    ) {
        self.day = day
        self.coach = coach
        self.model = model
        self.artefacts = artefacts
        self.calls = calls
        self.failedCalls = failedCalls
        self.fallbacks = fallbacks
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMs = latencyMs
    }

    public var failureRate: Double { calls == 0 ? 0 : Double(failedCalls) / Double(calls) }
    public var fallbackRate: Double { artefacts == 0 ? 0 : Double(fallbacks) / Double(artefacts) }
}

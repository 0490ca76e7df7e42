import Foundation

/// Every event type Periodize knows, decoded and upcast to its current version.
public enum DomainEvent: Sendable, Equatable {
    case clientEnrolled(ClientEnrolled)
    case clientUpdated(ClientUpdated)
    case planCreated(PlanCreated)
    case mesocycleBroken(MesocycleBroken)
    case workoutGenerated(WorkoutGenerated)
    case messageSent(MessageSent)
    case messageFailed(MessageFailed)
    case messageQueued(MessageQueued)
    case deliveryAttempted(DeliveryAttempted)
    case messageReleased(MessageReleased)
    case messageExpired(MessageExpired)
    case migrationApplied(MigrationApplied)
    case migrationReverted(MigrationReverted)
    case promptRecorded(PromptRecorded)
    case clientErased(ClientErased)
    case checkpointSigned(CheckpointSigned)
    case logCompacted(LogCompacted)
    case clientOptedOut(ClientOptedOut)
    case clientOptedIn(ClientOptedIn)
    case messageReceived(MessageReceived)
    case messageStatusReported(MessageStatusReported)
    case deliveryHeld(DeliveryHeld)
    case replyRead(ReplyRead)
    case workoutCompleted(WorkoutCompleted)
    case daySkipped(DaySkipped)
    case travelPlanned(TravelPlanned)
    case workoutChangeAsked(WorkoutChangeAsked)
    case dayMoved(DayMoved)
    case tokenCreated(TokenCreated)
    case tokenRevoked(TokenRevoked)
    case clientPaused(ClientPaused)
    /// A type this build does not know. The envelope stays readable; projections skip it.
    case unknown(type: String, schemaVersion: Int)
}

/// Decodes stored payloads by type and schema version, upcasting older versions on read.
public enum EventCatalog {
    /// The current schema version of every known type.
    public static let currentVersions: [String: Int] = Dictionary(uniqueKeysWithValues: entries.map { ($0.type, $0.current) })

    /// Every (type, version) pair that decodes.
    public static let knownVersions: [(type: String, version: Int)] = entries.flatMap { entry in
        ([entry.current] + entry.legacy.keys.sorted()).map { (entry.type, $0) }
    }

    /// Decodes `payload` stored as `type` at `schemaVersion`.
    ///
    /// - Throws: ``EventDecodingError`` when the payload does not match its declared version,
    ///   or when the version is newer than this build knows.
    public static func decode(type: String, schemaVersion: Int, payload: Data) throws -> DomainEvent {
        guard let entry = byType[type] else { return .unknown(type: type, schemaVersion: schemaVersion) }
        do {
            if schemaVersion == entry.current { return try entry.decodeCurrent(payload) }
            if let legacy = entry.legacy[schemaVersion] { return try legacy(payload) }
        } catch {
            throw EventDecodingError(type: type, schemaVersion: schemaVersion, reason: Self.describe(error))
        }
        throw EventDecodingError(
            type: type, schemaVersion: schemaVersion,
            reason: "this build knows versions \(([entry.current] + entry.legacy.keys).sorted().map(String.init).joined(separator: ", "))")
    }

    /// The payload as the current schema version encodes it: the stored bytes themselves when
    /// they are current, or the upcast of an older version re-encoded. Nil for an unknown type.
    ///
    /// - Throws: ``EventDecodingError`` for an older version that does not decode, or a version
    ///   newer than this build knows.
    public static func currentPayload(type: String, schemaVersion: Int, payload: Data) throws -> Data? {
        guard let entry = byType[type] else { return nil }
        if schemaVersion == entry.current { return payload }
        guard entry.legacy[schemaVersion] != nil else {
            throw EventDecodingError(
                type: type, schemaVersion: schemaVersion,
                reason: "this build knows versions \(([entry.current] + entry.legacy.keys).sorted().map(String.init).joined(separator: ", "))")
        }
        let event = try decode(type: type, schemaVersion: schemaVersion, payload: payload)
        do {
            return try encodeCurrent(event)
        } catch {
            throw EventDecodingError(type: type, schemaVersion: schemaVersion, reason: "upcast does not encode: \(error)")
        }
    }

    /// The current-version bytes of a decoded event.
    public static func encodeCurrent(_ event: DomainEvent) throws -> Data? {
        switch event {
        case .clientEnrolled(let p): try EventCoding.encode(p)
        case .clientUpdated(let p): try EventCoding.encode(p)
        case .planCreated(let p): try EventCoding.encode(p)
        case .mesocycleBroken(let p): try EventCoding.encode(p)
        case .workoutGenerated(let p): try EventCoding.encode(p)
        case .messageSent(let p): try EventCoding.encode(p)
        case .messageFailed(let p): try EventCoding.encode(p)
        case .messageQueued(let p): try EventCoding.encode(p)
        case .deliveryAttempted(let p): try EventCoding.encode(p)
        case .messageReleased(let p): try EventCoding.encode(p)
        case .messageExpired(let p): try EventCoding.encode(p)
        case .migrationApplied(let p): try EventCoding.encode(p)
        case .migrationReverted(let p): try EventCoding.encode(p)
        case .promptRecorded(let p): try EventCoding.encode(p)
        case .clientErased(let p): try EventCoding.encode(p)
        case .checkpointSigned(let p): try EventCoding.encode(p)
        case .logCompacted(let p): try EventCoding.encode(p)
        case .clientOptedOut(let p): try EventCoding.encode(p)
        case .clientOptedIn(let p): try EventCoding.encode(p)
        case .messageReceived(let p): try EventCoding.encode(p)
        case .messageStatusReported(let p): try EventCoding.encode(p)
        case .deliveryHeld(let p): try EventCoding.encode(p)
        case .replyRead(let p): try EventCoding.encode(p)
        case .workoutCompleted(let p): try EventCoding.encode(p)
        case .daySkipped(let p): try EventCoding.encode(p)
        case .travelPlanned(let p): try EventCoding.encode(p)
        case .workoutChangeAsked(let p): try EventCoding.encode(p)
        case .dayMoved(let p): try EventCoding.encode(p)
        case .tokenCreated(let p): try EventCoding.encode(p)
        case .tokenRevoked(let p): try EventCoding.encode(p)
        case .clientPaused(let p): try EventCoding.encode(p)
        case .unknown: nil
        }
    }

    /// The payload bytes of `value`, with its type name and schema version.
    public static func encode<P: EventPayload>(_ value: P) throws -> (type: String, schemaVersion: Int, payload: Data) {
        (P.eventType, P.schemaVersion, try EventCoding.encode(value))
    }

    /// The bytes of a legacy payload, stored under the current type's name at its own version.
    public static func encode<P: LegacyEventPayload>(legacy value: P) throws -> (type: String, schemaVersion: Int, payload: Data) {
        (P.eventType, P.schemaVersion, try EventCoding.encode(value))
    }

    /// The personal fields of `type` stored at `schemaVersion` (see
    /// ``EventPayload/personalFields``); none for a type this build does not know.
    public static func personalFields(type: String, schemaVersion: Int) -> [String] {
        guard let entry = byType[type] else { return [] }
        return schemaVersion == entry.current ? entry.personal : entry.legacy.personal[schemaVersion] ?? []
    }

    // MARK: Registry

    private struct Entry: Sendable {
        let type: String
        let current: Int
        let decodeCurrent: @Sendable (Data) throws -> DomainEvent
        let personal: [String]
        let legacy: Legacy
    }

    /// Older versions of one type: how each decodes and upcasts, and its personal fields.
    private struct Legacy: Sendable {
        var decoders: [Int: @Sendable (Data) throws -> DomainEvent] = [:]
        var personal: [Int: [String]] = [:]
        var keys: Dictionary<Int, @Sendable (Data) throws -> DomainEvent>.Keys { decoders.keys }
        subscript(version: Int) -> (@Sendable (Data) throws -> DomainEvent)? { decoders[version] }
    }

    private static func entry<P: EventPayload>(
        _: P.Type, _ wrap: @escaping @Sendable (P) -> DomainEvent,
        legacy: Legacy = Legacy()
    ) -> Entry {
        Entry(type: P.eventType, current: P.schemaVersion,
              decodeCurrent: { wrap(try JSONDecoder().decode(P.self, from: $0)) }, personal: P.personalFields, legacy: legacy)
    }

    private static func upcasting<L: LegacyEventPayload>(
        _: L.Type, _ wrap: @escaping @Sendable (L.Current) -> DomainEvent
    ) -> Legacy {
        Legacy(decoders: [L.schemaVersion: { wrap(try JSONDecoder().decode(L.self, from: $0).upcast()) }], personal: [L.schemaVersion: L.personalFields])
    }

    private static let entries: [Entry] = [
        entry(ClientEnrolled.self, DomainEvent.clientEnrolled, legacy: upcasting(ClientEnrolledV1.self, DomainEvent.clientEnrolled)),
        entry(ClientUpdated.self, DomainEvent.clientUpdated),
        entry(PlanCreated.self, DomainEvent.planCreated, legacy: upcasting(PlanCreatedV1.self, DomainEvent.planCreated)),
        entry(MesocycleBroken.self, DomainEvent.mesocycleBroken, legacy: upcasting(MesocycleBrokenV1.self, DomainEvent.mesocycleBroken)),
        entry(WorkoutGenerated.self, DomainEvent.workoutGenerated, legacy: upcasting(WorkoutGeneratedV1.self, DomainEvent.workoutGenerated)),
        entry(MessageSent.self, DomainEvent.messageSent, legacy: upcasting(MessageSentV1.self, DomainEvent.messageSent)),
        entry(MessageFailed.self, DomainEvent.messageFailed),
        entry(MessageQueued.self, DomainEvent.messageQueued),
        entry(DeliveryAttempted.self, DomainEvent.deliveryAttempted),
        entry(MessageReleased.self, DomainEvent.messageReleased),
        entry(MessageExpired.self, DomainEvent.messageExpired),
        entry(MigrationApplied.self, DomainEvent.migrationApplied),
        entry(MigrationReverted.self, DomainEvent.migrationReverted),
        entry(PromptRecorded.self, DomainEvent.promptRecorded),
        entry(ClientErased.self, DomainEvent.clientErased),
        entry(CheckpointSigned.self, DomainEvent.checkpointSigned),
        entry(LogCompacted.self, DomainEvent.logCompacted),
        entry(ClientOptedOut.self, DomainEvent.clientOptedOut),
        entry(ClientOptedIn.self, DomainEvent.clientOptedIn),
        entry(MessageReceived.self, DomainEvent.messageReceived),
        entry(MessageStatusReported.self, DomainEvent.messageStatusReported),
        entry(DeliveryHeld.self, DomainEvent.deliveryHeld),
        entry(ReplyRead.self, DomainEvent.replyRead),
        entry(WorkoutCompleted.self, DomainEvent.workoutCompleted),
        entry(DaySkipped.self, DomainEvent.daySkipped),
        entry(TravelPlanned.self, DomainEvent.travelPlanned),
        entry(WorkoutChangeAsked.self, DomainEvent.workoutChangeAsked),
        entry(DayMoved.self, DomainEvent.dayMoved),
        entry(TokenCreated.self, DomainEvent.tokenCreated),
        entry(TokenRevoked.self, DomainEvent.tokenRevoked),
        entry(ClientPaused.self, DomainEvent.clientPaused),
    ]

    private static let byType: [String: Entry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.type, $0) })

    /// A one-line reason from a `DecodingError`: the field path and what was wrong.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "payload" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)): null where a value is required"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A stored payload that does not decode as its declared type and version.
public struct EventDecodingError: Error, CustomStringConvertible, Sendable {
    public let type: String
    public let schemaVersion: Int
    public let reason: String

    public var description: String { "\(type) v\(schemaVersion): \(reason)" }

    public init(type: String, schemaVersion: Int, reason: String) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.reason = reason
    }
}

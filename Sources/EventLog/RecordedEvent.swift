import Foundation

/// An event as the log stores it: the envelope around a payload the log does not interpret.
public struct RecordedEvent: Sendable, Equatable {
    /// Global position: 1, 2, 3, ... with no gaps, one total order over every stream.
    public let position: Int64
    public let streamID: String
    /// Position within the stream, from 1.
    public let streamVersion: Int64
    public let eventID: UUID
    public let type: String
    public let schemaVersion: Int
    /// JSON bytes, exactly as appended.
    public let payload: Data
    public let metadata: EventMetadata
    /// The previous event's hash (32 zero bytes before the first event).
    public let previousHash: Data
    /// SHA-256 over the previous hash and a canonical encoding of every other field.
    public let hash: Data
    /// The appender's copy of the payload at the type's current schema version, when it
    /// appended an older one (``NewEvent/currentPayload``). Not stored: an event read back has
    /// none, and it takes no part in equality.
    public var currentPayload: Data?

    public static func == (lhs: RecordedEvent, rhs: RecordedEvent) -> Bool {
        lhs.position == rhs.position && lhs.streamID == rhs.streamID && lhs.streamVersion == rhs.streamVersion
            && lhs.eventID == rhs.eventID && lhs.type == rhs.type && lhs.schemaVersion == rhs.schemaVersion
            && lhs.payload == rhs.payload && lhs.metadata == rhs.metadata && lhs.previousHash == rhs.previousHash && lhs.hash == rhs.hash
    }

    public init(
        position: Int64, streamID: String, streamVersion: Int64, eventID: UUID, type: String,
        schemaVersion: Int, payload: Data, metadata: EventMetadata, previousHash: Data, hash: Data, currentPayload: Data? = nil
    ) {
        self.currentPayload = currentPayload
        self.position = position
        self.streamID = streamID
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// Who and what caused an event, and when.
public struct EventMetadata: Sendable, Equatable, Hashable {
    /// When the log stored the event (the store's clock).
    public var recordedAt: Timestamp
    /// When the fact happened, if earlier than it was recorded (imported history).
    public var occurredAt: Timestamp?
    /// The event or command that caused this one.
    public var causationID: UUID?
    /// Ties together everything one request or job did.
    public var correlationID: UUID?
    /// Who did it: `cli:enroll`, `tick`, `migration:clean-slate`, ...
    public var actor: String?

    public init(recordedAt: Timestamp, occurredAt: Timestamp? = nil, causationID: UUID? = nil, correlationID: UUID? = nil, actor: String? = nil) {
        self.recordedAt = recordedAt
        self.occurredAt = occurredAt
        self.causationID = causationID
        self.correlationID = correlationID
        self.actor = actor
    }
}

/// An event to append. The caller chooses its id: appending the same id twice stores it once.
public struct NewEvent: Sendable, Equatable {
    public var eventID: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: Data
    public var occurredAt: Timestamp?
    public var causationID: UUID?
    public var correlationID: UUID?
    public var actor: String?
    /// When `payload` is at an older schema version and the appender already holds the event
    /// at the current one (an importer upcasting in memory): those bytes, handed to in-process
    /// readers (the inline read-models) so they need not upcast again. Never stored; they must
    /// equal what upcasting `payload` gives, which `verify` checks by rebuilding.
    public var currentPayload: Data?

    public init(
        eventID: UUID, type: String, schemaVersion: Int, payload: Data, occurredAt: Timestamp? = nil,
        causationID: UUID? = nil, correlationID: UUID? = nil, actor: String? = nil, currentPayload: Data? = nil
    ) {
        self.currentPayload = currentPayload
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.occurredAt = occurredAt
        self.causationID = causationID
        self.correlationID = correlationID
        self.actor = actor
    }
}

/// The concurrency check an append makes against the stream's current version.
public enum ExpectedVersion: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must have at least one event.
    case streamExists
    /// The stream's last event must have this version.
    case exact(Int64)

    /// Whether a stream whose current version is `actual` (0 when it does not exist) passes.
    public func admits(_ actual: Int64) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == 0
        case .streamExists: actual > 0
        case .exact(let n): actual == n
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .streamExists: "stream exists"
        case .exact(let n): "version \(n)"
        }
    }
}

/// What an append did.
public struct AppendResult: Sendable, Equatable {
    /// The global position of each event, in the order given (the original position for an
    /// event that was already stored).
    public let positions: [Int64]
    /// The stream's version after the append.
    public let streamVersion: Int64
    /// True when every event was already stored and nothing was written.
    public let alreadyStored: Bool

    public init(positions: [Int64], streamVersion: Int64, alreadyStored: Bool) {
        self.positions = positions
        self.streamVersion = streamVersion
        self.alreadyStored = alreadyStored
    }
}

/// One stored event as a replay reads it (``ReplayableEventStore/forEachReplayRow(from:through:limit:_:)``):
/// only the columns read-models use, with the type and payload borrowed from the store's
/// buffers. Valid only during the call that hands it out.
public struct ReplayRow {
    public let position: Int64
    /// The type's UTF-8 bytes.
    public let type: UnsafeBufferPointer<UInt8>
    public let schemaVersion: Int
    /// The stored payload's bytes.
    public let payload: UnsafeRawBufferPointer
    public let recordedAt: Timestamp
    public let causationID: UUID?

    public init(position: Int64, type: UnsafeBufferPointer<UInt8>, schemaVersion: Int, payload: UnsafeRawBufferPointer, recordedAt: Timestamp, causationID: UUID?) {
        self.position = position
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.recordedAt = recordedAt
        self.causationID = causationID
    }
}

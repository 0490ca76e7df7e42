import Foundation

/// One envelope as a JSON Lines record: the export and import format.
///
/// `payload` holds the stored bytes exactly, as a JSON string, so that an import reproduces
/// every hash.
public struct EnvelopeLine: Codable, Sendable, Equatable {
    public var position: Int64
    public var streamId: String
    public var streamVersion: Int64
    public var eventId: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: String
    public var recordedAt: String
    public var occurredAt: String?
    public var causationId: UUID?
    public var correlationId: UUID?
    public var actor: String?
    public var previousHash: String
    public var hash: String

    public init(_ event: RecordedEvent) {
        position = event.position
        streamId = event.streamID
        streamVersion = event.streamVersion
        eventId = event.eventID
        type = event.type
        schemaVersion = event.schemaVersion
        payload = String(decoding: event.payload, as: UTF8.self)
        recordedAt = event.metadata.recordedAt.iso8601
        occurredAt = event.metadata.occurredAt?.iso8601
        causationId = event.metadata.causationID
        correlationId = event.metadata.correlationID
        actor = event.metadata.actor
        previousHash = event.previousHash.hexString
        hash = event.hash.hexString
    }

    /// The envelope, or a reason it is not one.
    public func recordedEvent() throws -> RecordedEvent {
        guard let recorded = Timestamp(iso8601: recordedAt) else { throw Invalid("recordedAt is not an ISO 8601 timestamp: \(recordedAt)") }
        var occurred: Timestamp?
        if let occurredAt {
            guard let value = Timestamp(iso8601: occurredAt) else { throw Invalid("occurredAt is not an ISO 8601 timestamp: \(occurredAt)") }
            occurred = value
        }
        guard let previous = Data(hexString: previousHash), previous.count == 32 else { throw Invalid("previousHash is not 64 hex digits") }
        guard let hashBytes = Data(hexString: hash), hashBytes.count == 32 else { throw Invalid("hash is not 64 hex digits") }
        guard position >= 1 else { throw Invalid("position must be 1 or more") }
        guard streamVersion >= 1 else { throw Invalid("streamVersion must be 1 or more") }
        guard !streamId.isEmpty, !type.isEmpty else { throw Invalid("streamId and type cannot be empty") }
        return RecordedEvent(
            position: position, streamID: streamId, streamVersion: streamVersion, eventID: eventId, type: type,
            schemaVersion: schemaVersion, payload: Data(payload.utf8),
            metadata: EventMetadata(recordedAt: recorded, occurredAt: occurred, causationID: causationId, correlationID: correlationId, actor: actor),
            previousHash: previous, hash: hashBytes)
    }

    public struct Invalid: Error { public let reason: String; init(_ reason: String) { self.reason = reason } }
}

/// What an import did.
public struct ImportReport: Sendable, Equatable {
    public var appended: Int
    /// Lines whose event was already stored, identical.
    public var alreadyStored: Int
    public var headPosition: Int64

    public init(appended: Int, alreadyStored: Int, headPosition: Int64) {
        self.appended = appended
        self.alreadyStored = alreadyStored
        self.headPosition = headPosition
    }
}

extension EventStore {
    /// Writes every event, in position order, as JSON Lines (see ``EnvelopeLine``): the stored
    /// bytes, so that an import reproduces every hash (sealed fields stay sealed).
    public func export(to output: FileHandle, filter: EventFilter = EventFilter()) async throws -> Int {
        if let wrapper = self as? any WrappingEventStore { return try await wrapper.stored.export(to: output, filter: filter) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let counter = Counter()
        try await forEachEvent(matching: filter) { event in
            var line = try encoder.encode(EnvelopeLine(event))
            line.append(0x0A)
            try output.write(contentsOf: line)
            counter.increment()
        }
        return counter.value
    }

}

/// A count shared with a `@Sendable` callback that runs on one thread at a time.
final class Counter: @unchecked Sendable {
    // Only touched from inside one store read, which runs its callback serially.
    private(set) var value = 0
    func increment() { value += 1 }
}

extension EnvelopeLine {
    /// Payload that is not JSON text cannot be exported as a string; our payloads always are.
    public static func isExportable(_ payload: Data) -> Bool { String(data: payload, encoding: .utf8) != nil }
}

import Foundation
import GRDB
import GRDBSQLite

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
    func recordedEvent() throws -> RecordedEvent {
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

    struct Invalid: Error { let reason: String; init(_ reason: String) { self.reason = reason } }
}

/// What an import did.
public struct ImportReport: Sendable, Equatable {
    public var appended: Int
    /// Lines whose event was already stored, identical.
    public var alreadyStored: Int
    public var headPosition: Int64
}

extension SQLiteEventStore {
    /// Writes every event, in position order, as JSON Lines (see ``EnvelopeLine``).
    public func export(to output: FileHandle, filter: EventFilter = EventFilter()) async throws -> Int {
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

    /// Imports an export: positions, ids and hashes are kept, so the file must continue this
    /// log's chain (an export of a whole log goes into an empty one). Lines already stored
    /// identically are skipped. All or nothing: any bad line stops the import with its line
    /// number and nothing is appended.
    public func importEvents(from path: String, progress: (@Sendable (Int) -> Void)? = nil) async throws -> ImportReport {
        let lines = try LineReader(path: path)
        let hook = configuration.hook
        do {
            return try await database.writeWithoutTransaction { db in
                var report = ImportReport(appended: 0, alreadyStored: 0, headPosition: 0)
                try db.inTransaction(.immediate) {
                    var head = try Self.readHead(db)
                    let startHead = head
                    var streamVersions: [String: Int64] = [:]
                    var chunk: [RecordedEvent] = []
                    var chunkBase = head.position
                    let insert = try db.cachedStatement(sql: "INSERT INTO events (\(SQLiteRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    let decoder = JSONDecoder()
                    func flush() throws {
                        guard !chunk.isEmpty else { return }
                        try hook?.apply(chunk, after: chunkBase, in: db)
                        chunkBase = head.position
                        chunk.removeAll(keepingCapacity: true)
                    }
                    for (number, bytes) in lines {
                        func bad(_ reason: String) -> EventStoreError {
                            var error = EventStoreError(.invalidImport, "\(path):\(number): \(reason); nothing was imported")
                            error.line = number
                            return error
                        }
                        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                        let event: RecordedEvent
                        do {
                            event = try decoder.decode(EnvelopeLine.self, from: bytes).recordedEvent()
                        } catch let invalid as EnvelopeLine.Invalid {
                            throw bad(invalid.reason)
                        } catch {
                            throw bad("not an event envelope (\(Self.describe(error)))")
                        }
                        if event.position <= head.position {
                            // Already in this log: it must be the very same event.
                            let stored = try Self.events(from: event.position, limit: 1, db).first
                            guard stored == event else { throw bad("position \(event.position) is already stored with a different event") }
                            report.alreadyStored += 1
                            continue
                        }
                        guard event.position == head.position + 1 else {
                            throw bad("position \(event.position) does not follow the log's head \(head.position)")
                        }
                        guard event.previousHash == head.hash else {
                            throw bad("previousHash does not continue this log's chain at position \(head.position)")
                        }
                        guard HashChain.expectedHash(of: event, previous: head.hash) == event.hash else {
                            throw bad("hash does not match the event's content")
                        }
                        let current = try streamVersions[event.streamID] ?? Self.streamVersion(event.streamID, db)
                        guard event.streamVersion == current + 1 else {
                            throw bad("stream \(event.streamID) is at version \(current); this line has version \(event.streamVersion)")
                        }
                        do {
                            try Self.insert(event, statement: insert.sqliteStatement, db)
                        } catch {
                            throw bad("event id \(event.eventID) is already stored at another position")
                        }
                        streamVersions[event.streamID] = event.streamVersion
                        head = ChainHead(position: event.position, hash: event.hash)
                        chunk.append(event)
                        report.appended += 1
                        if chunk.count == 1000 {
                            try flush()
                            progress?(report.appended)
                        }
                    }
                    try flush()
                    if head != startHead {
                        try db.execute(sql: "UPDATE log_head SET position = ?, hash = ? WHERE id = 1", arguments: [head.position, head.hash])
                    }
                    report.headPosition = head.position
                    return .commit
                }
                return report
            }
        } catch {
            throw Self.map(error, path: self.path)
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "invalid JSON" : "\(path): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A count shared with a `@Sendable` callback that runs on one thread at a time.
final class Counter: @unchecked Sendable {
    // Only touched from inside one database read, which runs its callback serially.
    private(set) var value = 0
    func increment() { value += 1 }
}

extension EnvelopeLine {
    /// Payload that is not JSON text cannot be exported as a string; our payloads always are.
    public static func isExportable(_ payload: Data) -> Bool { String(data: payload, encoding: .utf8) != nil }
}

import EventLog
import Events
import Foundation

/// The log with personal fields encrypted: appends to a client's stream (`client-<id>`) seal
/// the fields each event type declares personal under that client's key before the store
/// sees them; reads open them again (or show them as erased once the key is destroyed).
/// Everything the chain covers is the stored, sealed bytes, so the chain never depends on a
/// key: `verifyChain`, exports and imports go to the stored bytes as they are.
///
/// The appender's plaintext rides along as ``NewEvent/currentPayload`` so the inline
/// read-models need not open what was just sealed.
public final class SealingEventStore: WrappingEventStore {
    public let stored: any EventStore
    public let vault: Vault

    public init(_ stored: any EventStore, vault: Vault) {
        self.stored = stored
        self.vault = vault
    }

    /// The client a stream holds personal data of: `client-<id>` -> `<id>`.
    /// Texts from a number that is no client's (`number-<hash>`) are that stream's own.
    public static func owner(of stream: String) -> String? {
        if stream.hasPrefix("number-") { return stream }
        return stream.hasPrefix("client-") ? String(stream.dropFirst("client-".count)) : nil
    }

    /// `events` as they are stored on `stream`: personal fields sealed, or, for a client who
    /// was erased, written as erased (what their sealed fields read as now).
    public func sealed(_ events: [NewEvent], on stream: String) throws -> [NewEvent] {
        guard let owner = Self.owner(of: stream) else { return events }
        let erased = try vault.isErased(owner: owner)
        return try events.map { event in
            let fields = EventCatalog.personalFields(type: event.type, schemaVersion: event.schemaVersion)
            guard !fields.isEmpty else { return event }
            var copy = event
            if erased {
                let result = Vault.redact(event.payload, fields: fields)
                guard result.redacted > 0 else { return event }
                copy.payload = result.payload
                copy.currentPayload = nil
                return copy
            }
            let result: (payload: Data, sealed: Int)
            do {
                result = try vault.seal(event.payload, fields: fields, owner: owner, eventID: event.eventID)
            } catch let error as VaultError where error.code == .erased {
                // Erased since the check above.
                return try sealed([event], on: stream)[0]
            }
            guard result.sealed > 0 else { return event }
            copy.payload = result.payload
            if copy.currentPayload == nil, EventCatalog.currentVersions[event.type] == event.schemaVersion {
                copy.currentPayload = event.payload
            }
            return copy
        }
    }

    /// Appends `batches` sealed; when the log refuses them because a client was erased since
    /// they were sealed, seals them again (now written as erased) and appends once more.
    private func appendSealed<R>(
        _ batches: [(stream: String, events: [NewEvent])], _ append: ([[NewEvent]]) async throws -> R
    ) async throws -> R {
        do {
            return try await append(try batches.map { try sealed($0.events, on: $0.stream) })
        } catch let refused as ErasedClientAppend {
            vault.forget(owner: refused.clientID)
            return try await append(try batches.map { try sealed($0.events, on: $0.stream) })
        }
    }

    /// `event` with its personal fields opened (its hash is the stored bytes', unchanged). An
    /// erased client's fields stored in the clear (before encryption) read as erased too.
    public func opened(_ event: RecordedEvent) throws -> RecordedEvent {
        var plain = try vault.open(event.payload).map { Data($0) }
        if let owner = Self.owner(of: event.streamID), try vault.isErased(owner: owner) {
            let fields = EventCatalog.personalFields(type: event.type, schemaVersion: event.schemaVersion)
            if !fields.isEmpty {
                let redacted = Vault.redact(plain ?? event.payload, fields: fields)
                if redacted.redacted > 0 { plain = redacted.payload }
            }
        }
        guard let plain else { return event }
        return RecordedEvent(
            position: event.position, streamID: event.streamID, streamVersion: event.streamVersion, eventID: event.eventID,
            type: event.type, schemaVersion: event.schemaVersion, payload: plain, metadata: event.metadata,
            previousHash: event.previousHash, hash: event.hash)
    }

    // MARK: EventStore

    @discardableResult
    public func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion) async throws -> AppendResult {
        try await appendSealed([(stream, events)]) { sealed in try await stored.append(sealed[0], to: stream, expected: expected) }
    }

    @discardableResult
    public func appendAll(_ batches: [(stream: String, events: [NewEvent], expected: ExpectedVersion)]) async throws -> [AppendResult] {
        try await appendSealed(batches.map { ($0.stream, $0.events) }) { sealed in
            try await stored.appendAll(zip(batches, sealed).map { (stream: $0.stream, events: $1, expected: $0.expected) })
        }
    }

    public func readStream(_ stream: String, from version: Int64) async throws -> [RecordedEvent] {
        try await stored.readStream(stream, from: version).map(opened)
    }

    public func readAll(from position: Int64, batchSize: Int) -> EventLogSequence {
        let stored = stored
        return EventLogSequence(start: position, batchSize: batchSize) { [self] from, limit in
            for try await batch in stored.readAll(from: from, batchSize: limit).batches {
                return try batch.map(opened)
            }
            return []
        }
    }



    public func forEachEvent(matching filter: EventFilter, _ body: @escaping @Sendable (RecordedEvent) throws -> Void) async throws {
        try await stored.forEachEvent(matching: filter) { [self] event in try body(try opened(event)) }
    }




}

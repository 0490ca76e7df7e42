import EventLog
import Events
import APIGenerated
import Foundation
import OpenAPIRuntime
import Vault

/// An event as the API writes it: the envelope's fields and the payload, opened, with its
/// personal fields redacted for a caller who may not read them.
enum EventJSON {
    static func payload(_ event: RecordedEvent, for caller: Caller) -> Data {
        guard !caller.seesPersonalFields else { return event.payload }
        let fields = EventCatalog.personalFields(type: event.type, schemaVersion: event.schemaVersion)
        guard !fields.isEmpty else { return event.payload }
        return Vault.redact(event.payload, fields: fields, text: "[redacted]").payload
    }

    /// `{"position":...,"payload":{...}}`, written directly (the payload's bytes as stored).
    static func envelope(_ event: RecordedEvent, for caller: Caller, into out: inout [UInt8]) {
        func key(_ name: String) { out.append(contentsOf: Array("\"\(name)\":".utf8)) }
        func string(_ name: String, _ value: String) {
            key(name)
            quote(value, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(UInt8(ascii: "{"))
        key("position"); out.append(contentsOf: Array(String(event.position).utf8)); out.append(UInt8(ascii: ","))
        string("streamId", event.streamID)
        key("streamVersion"); out.append(contentsOf: Array(String(event.streamVersion).utf8)); out.append(UInt8(ascii: ","))
        string("eventId", event.eventID.uuidString.lowercased())
        string("type", event.type)
        key("schemaVersion"); out.append(contentsOf: Array(String(event.schemaVersion).utf8)); out.append(UInt8(ascii: ","))
        string("recordedAt", event.metadata.recordedAt.iso8601)
        if let occurred = event.metadata.occurredAt { string("occurredAt", occurred.iso8601) }
        if let causation = event.metadata.causationID { string("causationId", causation.uuidString.lowercased()) }
        if let correlation = event.metadata.correlationID { string("correlationId", correlation.uuidString.lowercased()) }
        if let actor = event.metadata.actor { string("actor", actor) }
        string("hash", event.hash.map { String(format: "%02x", $0) }.joined())
        key("payload")
        out.append(contentsOf: payload(event, for: caller))
        out.append(UInt8(ascii: "}"))
    }

    static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20: out.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The live feed: every event from a position on as server-sent events, then new ones as they
/// are appended. It pulls: the next events are read from the log only when the consumer has
/// taken the last ones, so a slow consumer holds nothing but its own connection (appends never
/// wait for it), and an event is sent once, in position order, `id` its position.
struct EventFeed: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    let store: any EventStore
    let caller: Caller
    let from: Int64
    /// How often the log is looked at once the consumer is caught up.
    let poll: Duration
    /// A comment line after this long without events, so proxies keep the connection.
    let heartbeat: Duration
    /// At most this many events in one chunk.
    let batch: Int

    func makeAsyncIterator() -> Iterator { Iterator(feed: self, next: from) }

    struct Iterator: AsyncIteratorProtocol {
        let feed: EventFeed
        var next: Int64
        var started = false

        mutating func next() async throws -> ArraySlice<UInt8>? {
            if !started {
                started = true
                // Tells EventSource clients to wait a second before reconnecting.
                return ArraySlice("retry: 1000\n\n".utf8)
            }
            var idle = Duration.zero
            while !Task.isCancelled {
                var events: [RecordedEvent] = []
                for try await batch in feed.store.readAll(from: next, batchSize: feed.batch).batches {
                    events = batch
                    break
                }
                if let last = events.last {
                    next = last.position + 1
                    var out: [UInt8] = []
                    out.reserveCapacity(events.count * 600)
                    for event in events {
                        out.append(contentsOf: Array("id: \(event.position)\nevent: \(event.type)\ndata: ".utf8))
                        EventJSON.envelope(event, for: feed.caller, into: &out)
                        out.append(contentsOf: [10, 10])
                    }
                    return out[...]
                }
                if idle >= feed.heartbeat { return ArraySlice(": keep-alive\n\n".utf8) }
                do { try await Task.sleep(for: feed.poll) } catch { return nil }
                idle += feed.poll
            }
            return nil
        }
    }
}

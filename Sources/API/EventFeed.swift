import EventLog
import Events
import APIGenerated
import Foundation
import OpenAPIRuntime
import ServiceLifecycle
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

    /// The envelope and the payload as the caller may read it.
    static func envelope(_ event: RecordedEvent, for caller: Caller, into out: inout [UInt8]) {
        EnvelopeJSON.write(event, payload: payload(event, for: caller), into: &out)
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
    /// Whether the caller's token still works, asked once a second: a feed opened with a token
    /// revoked since ends.
    let stillAuthorized: @Sendable () async throws -> Bool

    func makeAsyncIterator() -> Iterator { Iterator(feed: self, next: from) }

    struct Iterator: AsyncIteratorProtocol {
        let feed: EventFeed
        var next: Int64
        var started = false
        var checked = ContinuousClock.now

        mutating func next() async throws -> ArraySlice<UInt8>? {
            if !started {
                started = true
                // Tells EventSource clients to wait a second before reconnecting.
                return ArraySlice("retry: 1000\n\n".utf8)
            }
            var idle = Duration.zero
            // The service shutting down (SIGTERM) ends the feed: it would hold the server's
            // graceful shutdown until its timeout otherwise. The consumer reconnects elsewhere
            // with Last-Event-ID.
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                if ContinuousClock.now - checked >= .seconds(1) {
                    guard try await feed.stillAuthorized() else { return nil }
                    checked = ContinuousClock.now
                }
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

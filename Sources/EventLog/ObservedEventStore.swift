import Foundation

/// Told of every append that went through an ``ObservedEventStore``: what was appended (the
/// events as the appender made them, personal fields still in the clear), how it went, and how
/// long it took. Metrics read it; it must not block.
public protocol AppendObserver: Sendable {
    func appended(_ batches: [(stream: String, events: [NewEvent])], results: [AppendResult], duration: Duration)
}

/// The log with an observer told of each append (metrics). Reads pass straight through.
public struct ObservedEventStore: WrappingEventStore {
    public let stored: any EventStore
    public let observer: any AppendObserver

    public init(_ stored: any EventStore, observer: any AppendObserver) {
        self.stored = stored
        self.observer = observer
    }

    public func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion) async throws -> AppendResult {
        let started = ContinuousClock.now
        let result = try await stored.append(events, to: stream, expected: expected)
        observer.appended([(stream, events)], results: [result], duration: ContinuousClock.now - started)
        return result
    }

    public func appendAll(_ batches: [(stream: String, events: [NewEvent], expected: ExpectedVersion)]) async throws -> [AppendResult] {
        let started = ContinuousClock.now
        let results = try await stored.appendAll(batches)
        observer.appended(batches.map { ($0.stream, $0.events) }, results: results, duration: ContinuousClock.now - started)
        return results
    }

    public func readStream(_ stream: String, from version: Int64) async throws -> [RecordedEvent] {
        try await stored.readStream(stream, from: version)
    }

    public func readAll(from position: Int64, batchSize: Int) -> EventLogSequence {
        stored.readAll(from: position, batchSize: batchSize)
    }

    public func forEachEvent(matching filter: EventFilter, _ body: @escaping @Sendable (RecordedEvent) throws -> Void) async throws {
        try await stored.forEachEvent(matching: filter, body)
    }
}

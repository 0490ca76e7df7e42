import Foundation

/// The event log's contract. Every implementation passes the same contract test suite.
public protocol EventStore: Sendable {
    /// Appends `events` to `stream` atomically, if the stream is at `expected`.
    ///
    /// Events whose id is already stored with the same content are not stored again; their
    /// original positions are returned. When every event was already stored, nothing is
    /// checked or written.
    ///
    /// - Throws: ``EventStoreError`` `.wrongExpectedVersion` (with the actual version),
    ///   `.eventIDReused` when a stored id comes with different content.
    @discardableResult
    func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion) async throws -> AppendResult

    /// The events of one stream from `version` (1 is the first), in order.
    func readStream(_ stream: String, from version: Int64) async throws -> [RecordedEvent]

    /// Every event from global position `position` on, fetched `batchSize` at a time.
    func readAll(from position: Int64, batchSize: Int) -> EventLogSequence

    /// The position of the last event, 0 for an empty log.
    func headPosition() async throws -> Int64

    /// The stream's current version, 0 when it has no events.
    func streamVersion(_ stream: String) async throws -> Int64

    /// Appends to several streams in one transaction: all of it, or, when any stream's
    /// expected version or any event id conflicts, none of it (the error is the first
    /// conflict's). Events already stored with the same content are skipped as in `append`.
    @discardableResult
    func appendAll(_ batches: [(stream: String, events: [NewEvent], expected: ExpectedVersion)]) async throws -> [AppendResult]

    /// Events matching `filter`, in position order, streamed to `body` from one snapshot.
    func forEachEvent(matching filter: EventFilter, _ body: @escaping @Sendable (RecordedEvent) throws -> Void) async throws

    /// The last position recorded at or before `timestamp`, 0 if none.
    func lastPosition(recordedAtOrBefore timestamp: Timestamp) async throws -> Int64

    /// Walks the whole chain from one snapshot: positions gap-free from 1, each previous hash
    /// equal to the hash before it, each hash recomputed from the stored fields, stream
    /// versions gap-free, and the head record equal to the last event. Stops at the first bad
    /// position.
    func verifyChain(progress: (@Sendable (Int64) -> Void)?) async throws -> ChainReport

    /// Imports an export (``EnvelopeLine`` a line): positions, ids and hashes are kept, so the
    /// file must continue this log's chain. Lines already stored identically are skipped. All
    /// or nothing: a bad line stops it with `FILE:LINE: reason` and nothing is appended.
    func importEvents(from path: String, progress: (@Sendable (Int) -> Void)?) async throws -> ImportReport

    /// Closes the store's connections. Further use throws.
    func close() throws
}

/// A store in front of another that changes events on their way out (the vault opens sealed
/// fields): `stored` reaches the bytes as they are stored.
public protocol WrappingEventStore: EventStore {
    var stored: any EventStore { get }
}

/// What a wrapper leaves as the store behind it does it.
extension WrappingEventStore {
    public func headPosition() async throws -> Int64 { try await stored.headPosition() }
    public func streamVersion(_ stream: String) async throws -> Int64 { try await stored.streamVersion(stream) }

    public func lastPosition(recordedAtOrBefore timestamp: Timestamp) async throws -> Int64 {
        try await stored.lastPosition(recordedAtOrBefore: timestamp)
    }

    public func verifyChain(progress: (@Sendable (Int64) -> Void)?) async throws -> ChainReport {
        try await stored.verifyChain(progress: progress)
    }

    public func importEvents(from path: String, progress: (@Sendable (Int) -> Void)?) async throws -> ImportReport {
        try await stored.importEvents(from: path, progress: progress)
    }

    public func close() throws { try stored.close() }
}

extension EventStore {
    /// The store that holds the bytes, past any wrapper.
    public var storedBytes: any EventStore {
        if let wrapper = self as? any WrappingEventStore { return wrapper.stored.storedBytes }
        return self
    }

    @discardableResult
    public func append(_ event: NewEvent, to stream: String, expected: ExpectedVersion) async throws -> AppendResult {
        try await append([event], to: stream, expected: expected)
    }

    public func readAll(from position: Int64 = 1) -> EventLogSequence {
        readAll(from: position, batchSize: 1000)
    }

    /// The whole stream, in order.
    public func readStream(_ stream: String) async throws -> [RecordedEvent] {
        try await readStream(stream, from: 1)
    }

    public func verifyChain() async throws -> ChainReport {
        try await verifyChain(progress: nil)
    }

    public func importEvents(from path: String) async throws -> ImportReport {
        try await importEvents(from: path, progress: nil)
    }
}

/// The whole log as an `AsyncSequence`, fetched in batches so memory stays flat however long
/// the log is.
public struct EventLogSequence: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    /// Returns up to `limit` events from position `from` on, in order.
    public typealias FetchBatch = @Sendable (_ from: Int64, _ limit: Int) async throws -> [RecordedEvent]

    let start: Int64
    let batchSize: Int
    let fetch: FetchBatch

    public init(start: Int64, batchSize: Int, fetch: @escaping FetchBatch) {
        self.start = start
        self.batchSize = Swift.max(1, batchSize)
        self.fetch = fetch
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(next: start, batchSize: batchSize, fetch: fetch)
    }

    /// The same sequence, a batch at a time.
    public var batches: Batches { Batches(base: self) }

    public struct Iterator: AsyncIteratorProtocol {
        var next: Int64
        let batchSize: Int
        let fetch: FetchBatch
        var buffer: [RecordedEvent] = []
        var index = 0
        var finished = false

        public mutating func next() async throws -> RecordedEvent? {
            if index == buffer.count {
                guard !finished else { return nil }
                buffer = try await fetch(next, batchSize)
                index = 0
                if buffer.count < batchSize { finished = true }
                guard let last = buffer.last else { return nil }
                next = last.position + 1
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = [RecordedEvent]
        let base: EventLogSequence

        public func makeAsyncIterator() -> Iterator { Iterator(next: base.start, base: base) }

        public struct Iterator: AsyncIteratorProtocol {
            var next: Int64
            let base: EventLogSequence
            var finished = false

            public mutating func next() async throws -> [RecordedEvent]? {
                guard !finished else { return nil }
                let batch = try await base.fetch(next, base.batchSize)
                if batch.count < base.batchSize { finished = true }
                guard let last = batch.last else { return nil }
                next = last.position + 1
                return batch
            }
        }
    }
}

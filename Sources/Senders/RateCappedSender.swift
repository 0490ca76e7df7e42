import Coaching
import Foundation
import Periodize
import Synchronization

/// Segments per second, spread evenly: each part takes `segments / rate` seconds of the cap,
/// starting when the part before it is through (no burst). The schedule is worked out on the
/// instants it is given, so it is tested without waiting.
public struct SegmentSchedule: Sendable {
    public let segmentsPerSecond: Double
    private var nextFree: Double?

    public init(segmentsPerSecond: Double) {
        self.segmentsPerSecond = segmentsPerSecond
    }

    /// When a part of `segments` segments asked for at `now` (seconds on any monotonic clock)
    /// may go.
    public mutating func reserve(_ segments: Int, at now: Double) -> Double {
        let start = max(now, nextFree ?? now)
        nextFree = start + Double(max(1, segments)) / segmentsPerSecond
        return start
    }
}

/// A sender that keeps another under a cap of segments per second (Twilio counts segments per
/// sender number). The cap holds within one process: several processes each keep their own.
/// The delivery worker waits for each part's turn (``waitForTurn(segments:)``) before it
/// claims the part; `deliver` itself hands over at once.
public struct RateCappedSender: ReceiptingSender, SentMessageFinder, PacedSender {
    public let inner: any MessageSender
    private let schedule: Shared
    private let start = ContinuousClock.now

    private final class Shared: Sendable {
        let schedule: Mutex<SegmentSchedule>
        init(_ schedule: SegmentSchedule) { self.schedule = Mutex(schedule) }
        func withLock<T: Sendable>(_ body: (inout SegmentSchedule) -> T) -> T { schedule.withLock { body(&$0) } }
    }

    public init(_ inner: any MessageSender, segmentsPerSecond: Double) {
        self.inner = inner
        schedule = Shared(SegmentSchedule(segmentsPerSecond: segmentsPerSecond))
    }

    public var provider: String { inner.provider }
    public var timeout: TimeInterval { inner.timeout }
    public var segmentsPerSecond: Double { schedule.withLock { $0.segmentsPerSecond } }

    public func send(_ message: OutgoingMessage) async throws -> String? {
        try await deliver(message).providerMessageID
    }

    public func waitForTurn(segments: Int) async throws {
        let elapsed = ContinuousClock.now - start
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let at = schedule.withLock { $0.reserve(segments, at: now) }
        if at > now { try await Task.sleep(for: .seconds(at - now)) }
    }

    public func deliver(_ message: OutgoingMessage) async throws -> SendReceipt {
        try await inner.sendWithReceipt(message)
    }

    /// The inner sender's answer; nil (not found, so sent) when it cannot ask.
    public func findSent(_ message: OutgoingMessage, notBefore: Date?, attemptedAt: Date) async throws -> SendReceipt? {
        guard let finder = inner as? any SentMessageFinder else { return nil }
        return try await finder.findSent(message, notBefore: notBefore, attemptedAt: attemptedAt)
    }
}

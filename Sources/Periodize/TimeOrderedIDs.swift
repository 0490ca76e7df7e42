import Foundation
import Synchronization

/// Event ids that sort by the time they were made (UUIDv7, RFC 9562): a 48-bit Unix
/// millisecond prefix, then a 12-bit counter that keeps ids made in the same millisecond in
/// order, then 62 random bits. Appends then touch the end of the event-id index instead of
/// random pages of it.
///
/// The clock and the random source are injected, so a test can make the same ids twice.
public final class TimeOrderedIDs: Sendable {
    private struct State {
        var lastMillisecond: UInt64 = 0
        var counter: UInt16 = 0
        var random: any RandomNumberGenerator & Sendable
    }

    private let clock: @Sendable () -> Date
    private let state: Mutex<State>

    /// - Parameters:
    ///   - clock: the wall clock whose milliseconds prefix the ids.
    ///   - random: the source of the random bits (the system's by default).
    public init(clock: @escaping @Sendable () -> Date = { Date() }, random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.clock = clock
        state = Mutex(State(random: random))
    }

    public func next() -> UUID {
        let now = UInt64(max(0, (clock().timeIntervalSince1970 * 1000).rounded()))
        let (millisecond, counter, random) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            // Time that stands still or goes back keeps the last millisecond and counts on, so
            // ids stay in the order they were made.
            if now > state.lastMillisecond {
                state.lastMillisecond = now
                state.counter = UInt16(truncatingIfNeeded: state.random.next()) & 0x03FF
            } else if state.counter < 0x0FFF {
                state.counter += 1
            } else {
                state.lastMillisecond += 1
                state.counter = 0
            }
            return (state.lastMillisecond, state.counter, state.random.next())
        }
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: millisecond >> 40), UInt8(truncatingIfNeeded: millisecond >> 32),
            UInt8(truncatingIfNeeded: millisecond >> 24), UInt8(truncatingIfNeeded: millisecond >> 16),
            UInt8(truncatingIfNeeded: millisecond >> 8), UInt8(truncatingIfNeeded: millisecond),
            0x70 | UInt8(counter >> 8), UInt8(truncatingIfNeeded: counter),
            0x80 | UInt8(truncatingIfNeeded: random >> 58), UInt8(truncatingIfNeeded: random >> 48),
            UInt8(truncatingIfNeeded: random >> 40), UInt8(truncatingIfNeeded: random >> 32),
            UInt8(truncatingIfNeeded: random >> 24), UInt8(truncatingIfNeeded: random >> 16),
            UInt8(truncatingIfNeeded: random >> 8), UInt8(truncatingIfNeeded: random)))
    }

    /// The Unix millisecond an id made here carries.
    public static func millisecond(of id: UUID) -> UInt64 {
        let b = id.uuid
        return [b.0, b.1, b.2, b.3, b.4, b.5].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

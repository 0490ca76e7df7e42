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
        return UUID(millisecond: millisecond, version: 7, high: counter, low: random)
    }

    /// The Unix millisecond an id made here carries.
    public static func millisecond(of id: UUID) -> UInt64 {
        let b = id.uuid
        return [b.0, b.1, b.2, b.3, b.4, b.5].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension UUID {
    /// A UUID whose first 48 bits are `millisecond` (big-endian), of `version`, with the RFC
    /// 9562 variant: the 12 low bits of `high` follow the version nibble, then the variant's two
    /// bits and the 62 low bits of `low`. UUIDv7 and v8 both sort by the millisecond prefix.
    init(millisecond: UInt64, version: UInt8, high: UInt16, low: UInt64) {
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        self.init(uuid: (
            byte(millisecond, 40), byte(millisecond, 32), byte(millisecond, 24), byte(millisecond, 16), byte(millisecond, 8), byte(millisecond, 0),
            version << 4 | UInt8(truncatingIfNeeded: high >> 8) & 0x0F, UInt8(truncatingIfNeeded: high),
            0x80 | byte(low, 56) & 0x3F, byte(low, 48), byte(low, 40), byte(low, 32), byte(low, 24), byte(low, 16), byte(low, 8), byte(low, 0)))
    }
}

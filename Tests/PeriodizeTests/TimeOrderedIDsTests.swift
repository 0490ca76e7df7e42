import Coaching
import Foundation
import Periodize
import Testing
import TestSupport

@Suite("Time-ordered ids")
struct TimeOrderedIDsTests {
    @Test func idsSortInTheOrderTheyWereMadeAndCarryTheirMillisecond() {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_773_237_600.123))
        let ids = TimeOrderedIDs(clock: { clock.date() }, random: SeededGenerator(seed: 5))
        var made: [UUID] = []
        for step in 0..<5000 {
            // Several ids a millisecond, and a clock that sometimes steps back.
            if step % 7 == 0 { clock.advance(by: 0.001) }
            if step == 2500 { clock.advance(by: -1) }
            made.append(ids.next())
        }
        let bytes = made.map { withUnsafeBytes(of: $0.uuid) { Array($0) } }
        #expect(bytes == bytes.sorted { $0.lexicographicallyPrecedes($1) }, "ids sort as they were made")
        #expect(Set(made).count == made.count)
        #expect(made.allSatisfy { $0.uuid.6 >> 4 == 7 && $0.uuid.8 >> 6 == 0b10 }, "version 7, RFC 9562 variant")
        #expect(TimeOrderedIDs.millisecond(of: made[0]) == 1_773_237_600_124, "the clock stepped once before the first id")
        #expect(made.uuidString(0).hasPrefix("019cdd32"), "\(made[0])")
    }

    @Test func theSameClockAndSeedMakeTheSameIds() {
        func run() -> [UUID] {
            let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            let ids = TimeOrderedIDs(clock: { clock.date() }, random: SeededGenerator(seed: 9))
            return (0..<100).map { n in
                if n % 10 == 0 { clock.advance(by: 0.25) }
                return ids.next()
            }
        }
        #expect(run() == run())
    }
}

extension Array where Element == UUID {
    func uuidString(_ index: Int) -> String { self[index].uuidString.lowercased() }
}

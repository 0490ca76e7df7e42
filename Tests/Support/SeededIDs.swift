import Coaching
import Foundation
import Synchronization

/// Event ids from a seed, safe to share between tasks.
public final class SeededIDs: Sendable {
    private let generator: Mutex<SeededGenerator>

    public init(seed: UInt64) { generator = Mutex(SeededGenerator(seed: seed)) }

    public func next() -> UUID { generator.withLock { $0.uuid() } }
}


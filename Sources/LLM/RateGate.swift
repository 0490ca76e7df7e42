/// The limits every generation in a process shares: at most `concurrency` calls in flight and
/// at most `perMinute` calls started in any 60 seconds (`window`; shorter in tests). A tick over many clients queues here
/// instead of tripping the provider's rate limits.
public actor RateGate {
    public let concurrency: Int
    public let perMinute: Int?
    public let window: Duration
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Start times handed out, oldest first (at most `perMinute` kept).
    private var starts: [ContinuousClock.Instant] = []
    /// Set when a quota that does not clear soon ran out: later calls are not made.
    public private(set) var exhausted: String?

    public init(concurrency: Int, perMinute: Int? = nil, window: Duration = .seconds(60)) {
        self.concurrency = max(1, concurrency)
        self.perMinute = perMinute.flatMap { $0 > 0 ? $0 : nil }
        self.window = window
    }

    /// Runs `call` once a slot is free and the per-minute budget allows it.
    public nonisolated func run<T: Sendable>(_ call: @Sendable () async -> T) async -> T {
        await acquire()
        let start = await reserveStart()
        let now = ContinuousClock.now
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
        let result = await call()
        await release()
        return result
    }

    public func markExhausted(_ reason: String) {
        exhausted = exhausted ?? reason
    }

    private func acquire() async {
        if running < concurrency {
            running += 1
            return
        }
        // The slot is handed over by `release`, which keeps `running` as it is.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// The earliest time the next call may start: now, or a window after the call
    /// `perMinute` calls back started.
    private func reserveStart() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        guard let perMinute else { return now }
        var start = now
        if starts.count >= perMinute {
            start = max(now, starts[starts.count - perMinute] + window)
        }
        starts.append(start)
        if starts.count > perMinute { starts.removeFirst(starts.count - perMinute) }
        return start
    }
}

import Events
import Foundation
import LLM
import LoopbackProviders
import Periodize
import PeriodizeApp
import Testing
import TestSupport

@Suite("Shared model limits")
struct RateLimitTests {
    @Test func aTickOverAThousandClientsKeepsToTheConcurrencyAndRateLimits() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))
        let setup = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), durability: .normal, clock: { clock.date() }))
        for n in 0..<1000 {
            let id = "c\(n)"
            try await setup.enroll(enrollment(id, days: [1, 2, 3, 4, 5, 6, 7]))
            try await setup.createPlan(clientID: id, start: LocalDate("2026-03-09"))
        }
        try setup.close()

        let server = try await LoopbackServer.start { _ in GeminiReplies.answer(Answers.workout, delay: .milliseconds(200)) }
        var settings = LLMSettings.fast
        settings.concurrency = 32
        // 100 calls a second (a one-second window stands in for the minute): below the 160 a
        // second that 32 calls of 200 ms allow, so both limits bind.
        settings.requestsPerMinute = 100
        settings.rateWindow = .seconds(1)
        let coach = Provider.gemini.coach(server, settings: settings)
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), durability: .normal, clock: { clock.date() }, coach: coach))
        let report = try await engine.tick()
        await server.stop()
        #expect(report.queued == 1000)
        #expect(report.failed.isEmpty)
        let received = server.received
        #expect(received.count == 1000)
        #expect(server.maxInFlight <= 32, "at most 32 calls in flight, seen by the server")
        #expect(server.maxInFlight >= 16, "the limits were exercised")
        // A call arrives a little after the gate let it start (more so on a loaded machine): a
        // window of 0.75 s leaves a quarter of a second for that.
        let busiest = server.maxArrivals(within: 0.75)
        #expect(busiest <= 100, "at most 100 calls in any second, seen by the server (\(busiest))")
        #expect(busiest >= 40, "the limits were exercised (\(busiest))")
        let span = (received.map(\.arrivedAt).max() ?? 0) - (received.map(\.arrivedAt).min() ?? 0)
        #expect(span >= 8.9, "1000 calls at 100 a second take at least 9 s (\(span))")
        let fellBack = try await engine.stats().generation.reduce(0) { $0 + $1.fallbacks }
        #expect(fellBack == 0)
        try engine.close()
    }

    @Test func theGateHandsOutSlotsInOrderAndSpacesStarts() async throws {
        let gate = RateGate(concurrency: 2, perMinute: 3, window: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        let starts = try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<6 {
                group.addTask { await gate.run { clock.now - start } }
            }
            var all: [Duration] = []
            for try await value in group { all.append(value) }
            return all.sorted()
        }
        // Three may start in the first window; the fourth waits for the next.
        #expect(starts[3] >= .milliseconds(295))
        #expect(starts[5] >= .milliseconds(295))
    }
}

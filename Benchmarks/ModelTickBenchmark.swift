import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import LLM
import LoopbackProviders
import Periodize
import PeriodizeApp

/// A tick over many clients whose workouts all come from a model, against a loopback Gemini
/// server answering after 500 ms, with 32 calls in flight at most: the ideal is
/// clients x 0.5 / 32 seconds, the shared concurrency limit kept full all the way.
enum ModelTickBenchmark {
    static func run(_ options: Options) async throws {
        let count = min(options.clients, 10_000)
        let latency = 0.5
        let concurrency = 32
        let path = options.folder + "/model-tick.sqlite"
        removeDatabase(path)
        // Clients who train every day at a gym, with plans and weeks.
        try await CoachingBenchmarks.enroll(count, path: path) { n in
            var c = CoachingBenchmarks.everyDay(n)
            c.profile.location = .commercialGym
            c.profile.injuries = []
            return c
        }
        let server = try await LoopbackServer.start { _ in GeminiReplies.answer(SampleAnswers.workout, delay: .milliseconds(Int(latency * 1000))) }
        var settings = LLMSettings()
        settings.concurrency = concurrency
        let coach = LLMCoach(provider: GeminiProvider(apiKey: "bench", baseURL: server.baseURL), settings: settings)
        let engine = try await makeEngine(EngineConfiguration(path: path, durability: .full, coach: coach))
        let clock = ContinuousClock()
        var report: Engine.TickReport?
        let elapsed = try await clock.measure {
            report = try await engine.tick(now: Timestamp(iso8601: "2026-03-10T12:00:00Z")!.date)
        }
        let fellBack = try await engine.stats().generation.reduce(0) { $0 + $1.fallbacks }
        try engine.close()
        await server.stop()
        guard let report, report.failed.isEmpty, report.queued == count, fellBack == 0, server.received.count == count else {
            throw BenchError("model tick: \(String(describing: report)), \(fellBack) fallbacks, \(server.received.count) calls")
        }
        let ideal = Double(count) * latency / Double(concurrency)
        let seconds = Report.seconds(elapsed)
        say(String(format: "model tick, %d clients, loopback Gemini at %.0f ms, concurrency %d: %.1f s vs ideal %.1f s, ratio %.2f (ideal/ours); %.0f workouts/s; at most %d calls in flight (server side)",
                   count, latency * 1000, concurrency, seconds, ideal, ideal / seconds, Double(count) / seconds, server.maxInFlight))
        removeDatabase(path)
    }
}

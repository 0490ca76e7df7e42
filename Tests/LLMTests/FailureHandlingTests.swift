import Events
import Foundation
import LLM
import LoopbackProviders
import Periodize
import Testing
import TestSupport

/// One fault a provider can throw at a workout generation, and what must follow.
struct Fault: Sendable, CustomStringConvertible {
    let name: String
    /// The replies, in order; the last repeats.
    let replies: @Sendable (Provider) -> [LoopbackServer.Reply]
    /// Calls the coach makes.
    let calls: Int
    /// Whether the model's answer is used in the end (otherwise the rules made the workout).
    let answered: Bool
    /// Words the fallback reason (or an attempt's error) contains.
    let reason: String?
    var description: String { name }

    static let all: [Fault] = [
        Fault(name: "a sound answer", replies: { [$0.answer(Answers.workout)] }, calls: 1, answered: true, reason: nil),
        Fault(name: "malformed JSON, then repaired", replies: { [$0.answer(Answers.malformed), $0.answer(Answers.workout)] }, calls: 2, answered: true, reason: "not valid JSON"),
        Fault(name: "a wrong enum twice", replies: { [$0.answer(Answers.wrongEnum)] }, calls: 2, answered: false, reason: "still invalid after a repair"),
        Fault(name: "a missing field, then repaired", replies: { [$0.answer(Answers.missingField), $0.answer(Answers.workout)] }, calls: 2, answered: true, reason: "modifications"),
        Fault(name: "429 with a retry delay", replies: { [$0.rateLimited(after: 0.3), $0.answer(Answers.workout)] }, calls: 2, answered: true, reason: "429"),
        Fault(name: "503 twice then success", replies: { [$0.serverError(503), $0.serverError(503), $0.answer(Answers.workout)] }, calls: 3, answered: true, reason: "503"),
        Fault(name: "503 every time", replies: { [$0.serverError(503)] }, calls: 4, answered: false, reason: "after 4 calls"),
        Fault(name: "a timeout, every time", replies: { [$0.answer(Answers.workout, delay: .seconds(5))] }, calls: 4, answered: false, reason: "timed out"),
        Fault(name: "finish by length", replies: { [$0.answer(Answers.malformed, finish: $0 == .gemini ? "MAX_TOKENS" : "length")] }, calls: 1, answered: false, reason: "output token limit"),
        Fault(name: "a refusal or a safety block", replies: { p in
            [p == .openai ? OpenAIReplies.answer(nil, refusal: "I can't help with that.") : GeminiReplies.answer(Answers.workout, finishReason: "SAFETY")]
        }, calls: 1, answered: false, reason: "refused|safety"),
        Fault(name: "an empty candidate list", replies: { p in [p == .gemini ? GeminiReplies.blocked() : OpenAIReplies.answer("")] }, calls: 1, answered: false, reason: "blocked|empty"),
        Fault(name: "a per-day quota", replies: { [$0.quotaExhausted()] }, calls: 1, answered: false, reason: "quota exhausted"),
        Fault(name: "400 is not retried", replies: { p in [p == .gemini ? GeminiReplies.error(400, "INVALID_ARGUMENT", "Invalid JSON payload") : OpenAIReplies.error(400, "Invalid schema")] }, calls: 1, answered: false, reason: "request rejected"),
    ]
}

@Suite("Model coach failure handling")
struct FailureHandlingTests {
    /// A client with a plan and weeks from the rules, due for Wednesday's message.
    static func setUp(_ folder: TemporaryDirectory, clock: ManualClock) async throws {
        let engine = try await openEngine(folder, clock: clock)
        try await engine.enroll(enrollment("c1"))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        try engine.close()
    }

    @Test(arguments: Provider.allCases, Fault.all)
    func theDailyMessageGoesOutWhateverTheModelDoes(provider: Provider, fault: Fault) async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))  // Wednesday 08:30 in New York
        try await Self.setUp(folder, clock: clock)
        let replies = fault.replies(provider)
        let server = try await LoopbackServer.start { request in replies[min(request.index, replies.count - 1)] }
        var settings = LLMSettings.fast
        settings.timeout = 2
        let engine = try await openEngine(folder, clock: clock, coach: provider.coach(server, settings: settings))
        let report = try await engine.tick()
        #expect(report.queued == 1, "the daily message went out (\(fault)): \(report)")
        await server.stop()

        let history = try await engine.history(of: "c1")
        let (workout, _) = try #require(try history.workout(on: LocalDate("2026-03-11")!))
        let decision = try #require(workout.decision)
        #expect(decision.coach == provider.rawValue)
        #expect(decision.attempts.count == fault.calls, "\(fault): \(decision.attempts.map { $0.error ?? $0.validationErrors.joined() })")
        #expect(server.received.count == fault.calls)
        #expect(decision.promptTemplate == "daily-workout@2")
        #expect(decision.inputs.count >= 3)
        #expect(decision.parameters?["temperature"] == "0.3")
        if fault.answered {
            #expect(decision.fallbackReason == nil)
            #expect(workout.blocks.map(\.name) == ["Warm-up", "Main work", "Cooldown"])
            #expect(decision.rules.isEmpty)
            #expect(decision.attempts.last?.validationErrors == [])
            #expect(decision.attempts.last?.promptTokens != nil)
        } else {
            let reason = try #require(decision.fallbackReason)
            #expect(reason.lowercased().contains(try Regex(fault.reason!.lowercased())), "\(reason)")
            #expect(!decision.rules.isEmpty, "the rule-based coach made it and said which rules fired")
            #expect(workout.blocks.count >= 3)
        }
        if let reason = fault.reason, fault.answered {
            let text = decision.attempts.dropLast().map { ($0.error ?? "") + $0.validationErrors.joined(separator: " ") }.joined(separator: " ")
            #expect(text.contains(reason), "\(text)")
        }
        // The prompt is in the log once, by its hash, on the client's stream.
        let hash = try #require(decision.promptHash)
        let prompt = try #require(try await engine.prompt(hash: hash, clientID: "c1"))
        #expect(prompt.user.contains("Theme: \(workout.theme)"))
        #expect(server.received.first?.prompt == prompt.user)
        // A repair sends the conversation so far and the problems.
        if decision.attempts.contains(where: { $0.purpose == "repair" }) {
            let repair = try #require(server.received.last)
            #expect(repair.turns.count == 3)
            #expect(repair.turns[2].contains("Your answer has these problems"))
        }
        #expect(try await engine.verify().isValid)
        try engine.close()
    }

    @Test(arguments: Provider.allCases)
    func aRetryDelayIsHonoured(provider: Provider) async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))
        try await Self.setUp(folder, clock: clock)
        let server = try await LoopbackServer.start { request in
            request.index == 0 ? provider.rateLimited(after: 0.4) : provider.answer(Answers.workout)
        }
        let engine = try await openEngine(folder, clock: clock, coach: provider.coach(server))
        _ = try await engine.tick()
        let arrivals = server.received.map(\.arrivedAt)
        #expect(arrivals.count == 2)
        #expect(arrivals[1] - arrivals[0] >= 0.4, "waited as the provider asked")
        await server.stop()
        try engine.close()
    }

    @Test(arguments: Provider.allCases)
    func anExhaustedQuotaStopsLaterCalls(provider: Provider) async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))
        let setup = try await openEngine(folder, clock: clock)
        for id in ["c1", "c2", "c3"] {
            try await setup.enroll(enrollment(id))
            try await setup.createPlan(clientID: id, start: LocalDate("2026-03-09"))
        }
        try setup.close()
        let server = try await LoopbackServer.start { _ in provider.quotaExhausted() }
        let engine = try await openEngine(folder, clock: clock, coach: provider.coach(server))
        let report = try await engine.tick(concurrency: 1)
        #expect(report.queued == 3)
        #expect(server.received.count == 1, "a per-day quota is not asked again in this process")
        for id in ["c2", "c3"] {
            let workout = try #require(try await engine.history(of: id).workout(on: LocalDate("2026-03-11")!)?.event)
            #expect(workout.decision?.attempts.isEmpty == true)
            #expect(workout.decision?.fallbackReason?.contains("quota exhausted earlier") == true)
        }
        await server.stop()
        try engine.close()
    }
}

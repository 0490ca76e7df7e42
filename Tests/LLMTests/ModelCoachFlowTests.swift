import Events
import Coaching
import Foundation
import GRDB
import LLM
import LoopbackProviders
import Periodize
import Synchronization
import Testing
import TestSupport

/// Runs the `periodize` process off the cooperative pool (the loopback server it calls answers
/// from this process).
func periodize(_ arguments: [String], environment: [String: String] = [:]) async throws -> PeriodizeBinary.Result {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try PeriodizeBinary.run(arguments, environment: environment) })
        }
    }
}

@Suite("Model coach, end to end")
struct ModelCoachFlowTests {
    @Test func planWeeksAndWorkoutFromAModelAreAuditedAndReplayNeverCallsIt() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))
        let server = try await LoopbackServer.start { GeminiReplies.answer(Answers.sound($0)) }
        let engine = try await openEngine(folder, clock: clock, coach: Provider.gemini.coach(server))
        for id in ["c1", "c2"] { try await engine.enroll(enrollment(id)) }
        let plan = try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        try await engine.createPlan(clientID: "c2", start: LocalDate("2026-03-09"))
        #expect(plan.mesocycles.map(\.name) == ["Block 1", "Block 2", "Block 3"], "the model's plan")
        #expect(plan.decision?.coach == "gemini" && plan.decision?.fallbackReason == nil)
        let report = try await engine.tick()
        #expect(report.queued == 2)
        let history = try await engine.history(of: "c1")
        let broken = try #require(try history.breakdown(0)?.event)
        #expect(broken.microcycles[0].days[2].theme == "Full Body Strength", "the model's weeks")
        #expect(broken.microcycles[0].days[0].theme == "Rest" || broken.microcycles[0].startDate >= plan.startDate)
        #expect(broken.decision?.promptTemplate == "mesocycle@1")
        let workout = try #require(try history.workout(on: LocalDate("2026-03-11")!)?.event)
        #expect(workout.blocks.map(\.name) == ["Warm-up", "Main work", "Cooldown"])
        // Two clients with the same profile send the same prompts: each client's is stored on
        // their own stream, under their key, so that erasing one leaves the other's.
        let prompts = try await engine.database.read { db in
            try Row.fetchAll(db, sql: "SELECT template, count(*) FROM prompts GROUP BY template ORDER BY template").map { "\($0[0] as String)=\($0[1] as Int)" }
        }
        #expect(prompts == ["daily-workout@2=2", "mesocycle@1=2", "plan@1=2"])
        let promptEvents = try await engine.store.readStream(Engine.clientStream("c1"), from: 1).filter { $0.type == PromptRecorded.eventType }
        #expect(promptEvents.count == 3)
        let clearText = try await engine.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE CAST(payload AS TEXT) LIKE '%Theme: Full Body Strength%'")
        }
        #expect(clearText == 0, "prompts and the model's answers are sealed in the log")
        let calls = server.received.count
        #expect(calls == 6, "two plans, two breakdowns, two workouts")
        let stats = try await engine.stats()
        let usage = try #require(stats.generation.first { $0.coach == "gemini" })
        #expect(usage.artefacts == 6 && usage.calls == 6 && usage.fallbacks == 0 && usage.promptTokens == 6 * 812)
        try engine.close()
        await server.stop()

        // The provider is gone; everything that reads the log still works and calls nothing.
        let db = folder.path("log.sqlite")
        let offline = ["PERIODIZE_COACH": "gemini", "GEMINI_API_KEY": "k", "GEMINI_BASE_URL": server.baseURL]
        for arguments in [["rebuild", "--db", db], ["verify", "--db", db], ["replay", "--db", db, "--until", "8", "--into", folder.path("then.sqlite")],
                          ["stats", "--db", db], ["audit", "c1", "--db", db, "--date", "2026-03-11", "--full"]] {
            let result = try await periodize(arguments, environment: offline)
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
            if arguments[0] == "audit" {
                #expect(result.stdout.contains("coach: gemini llm-coach 1, model gemini-2.0-flash (gemini-2.0-flash-001)"))
                #expect(result.stdout.contains("prompt: daily-workout@2, sha256 "))
                #expect(result.stdout.contains("Theme: Full Body Strength"), "the prompt's full text")
                #expect(result.stdout.contains("call 1 (first): HTTP 200, finish STOP"))
            }
            if arguments[0] == "stats" {
                #expect(result.stdout.contains("gemini gemini-2.0-flash: 6 artefacts, 6 calls, 0 failed (0.0%), 0 fell back to the rules (0.0%), tokens 4872 in / 1440 out"))
            }
        }
        #expect(server.received.count == calls)
        let json = try await periodize(["audit", "c1", "--db", db, "--artefact", "plan", "--json"])
        let audit = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((audit["prompt"] as? [String: Any])?["template"] as? String == "plan@1")
        #expect(((audit["decision"] as? [String: Any])?["attempts"] as? [Any])?.count == 1)

        // Erasing c1 erases their prompts and the model's answers; c2's stay.
        let erased = try await periodize(["erase", "c1", "--db", db, "--reason", "request 3"])
        #expect(erased.status == 0, "\(erased.stderr)")
        for (client, readable) in [("c1", false), ("c2", true)] {
            let full = try await periodize(["audit", client, "--db", db, "--date", "2026-03-11", "--full"])
            #expect(full.status == 0, "\(full.stderr)")
            #expect(full.stdout.contains("Theme: Full Body Strength") == readable, "\(client)'s prompt text")
            #expect(full.stdout.contains("[erased]") != readable, "\(client)'s prompt and raw answer")
        }
        let verified = try await periodize(["verify", "--db", db])
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test func aMissingKeyStopsTheCommandAtStart() async throws {
        let folder = TemporaryDirectory()
        let db = folder.path("log.sqlite")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GEMINI") && !$0.key.hasPrefix("OPENAI") }
        environment["PERIODIZE_COACH"] = "gemini"
        environment["GEMINI_API_KEY"] = ""
        let tick = try await periodize(["tick", "--db", db], environment: environment)
        #expect(tick.status == 64)
        #expect(tick.stderr == "periodize: error: PERIODIZE_COACH=gemini needs an API key: set GEMINI_API_KEY (or --gemini-api-key)\n")
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was opened or written")
        let openai = try await periodize(["pregenerate", "--db", db, "--date", "2026-03-11", "--coach", "openai", "--openai-api-key", "x"])
        #expect(openai.status == 64)
        #expect(openai.stderr.contains("OPENAI_MODEL"))
        let bad = try await periodize(["daily", "--db", db, "--coach", "claude"])
        #expect(bad.status == 64 && bad.stderr.contains("PERIODIZE_COACH=claude is not one of rules, gemini, openai"))
        // Commands that only read do not need a coach.
        #expect(try await periodize(["stats", "--db", db], environment: environment).status == 0)
    }

    @Test func pregenerateMakesTomorrowsWorkoutsAheadWithTheConfiguredProvider() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-10T03:00:00Z"))
        let setup = try await openEngine(folder, clock: clock)
        for id in ["a", "b", "c"] {
            try await setup.enroll(enrollment(id, days: id == "c" ? [2, 4] : [1, 3, 5]))
            try await setup.createPlan(clientID: id, start: LocalDate("2026-03-09"))
        }
        try setup.close()
        let server = try await LoopbackServer.start { OpenAIReplies.answer(Answers.sound($0)) }
        let environment = ["PERIODIZE_COACH": "openai", "OPENAI_API_KEY": "sk-test", "OPENAI_MODEL": "llama-3.1-8b", "OPENAI_BASE_URL": server.baseURL,
                           "PERIODIZE_LLM_CONCURRENCY": "2"]
        let db = folder.path("log.sqlite")
        let first = try await periodize(["pregenerate", "--db", db, "--date", "2026-03-11"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("3 active clients, 2 generated (0 by the rules after the model failed), 0 already there, 1 rest days"))
        let again = try await periodize(["pregenerate", "--db", db, "--date", "2026-03-11"], environment: environment)
        #expect(again.stdout.contains("0 generated (0 by the rules after the model failed), 2 already there"))
        #expect(server.received.count == 2)
        #expect(server.received.allSatisfy { ($0.json["model"] as? String) == "llama-3.1-8b" })
        await server.stop()
    }
}

@Suite("Model coach, plans and weeks")
struct PlanAndWeeksFallbackTests {
    @Test func aPlanOrWeeksThatFailTheChecksAreRepairedOrMadeByTheRules() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))
        // Plans: weeks that do not sum to 12, twice. Weeks: training on the wrong days, then right.
        let server = try await LoopbackServer.start { request in
            switch request.asked {
            case .plan: return GeminiReplies.answer(Answers.plan(weeks: 10))
            case .weeks:
                let sound = Answers.weeks(for: request.prompt)
                return GeminiReplies.answer(request.turns.count == 1 ? sound.replacingOccurrences(of: #""day":"MONDAY","theme":"Full Body Strength","load":"moderate""#, with: #""day":"MONDAY","theme":"Rest","load":null"#) : sound)
            case .workout: return GeminiReplies.answer(Answers.workout)
            case .message, .reply: return GeminiReplies.answer(Answers.sound(request))
            }
        }
        let engine = try await openEngine(folder, clock: clock, coach: Provider.gemini.coach(server))
        try await engine.enroll(enrollment("c1"))
        let plan = try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let planDecision = try #require(plan.decision)
        #expect(planDecision.attempts.count == 2)
        #expect(planDecision.attempts[0].validationErrors.contains("the mesocycles' weeks sum to 10; they must sum to 12"))
        #expect(planDecision.fallbackReason?.contains("still invalid after a repair") == true)
        #expect(plan.mesocycles.map(\.weeks).reduce(0, +) == 12, "the rules' plan")
        #expect(!planDecision.rules.isEmpty)
        let broken = try #require(try await engine.history(of: "c1").breakdown(0)?.event)
        let weeksDecision = try #require(broken.decision)
        #expect(weeksDecision.attempts.map(\.purpose) == ["first", "repair"])
        #expect(weeksDecision.attempts[0].validationErrors.first?.contains("the client trains on MONDAY,WEDNESDAY,FRIDAY") == true)
        #expect(weeksDecision.fallbackReason == nil)
        #expect(broken.microcycles[1].days[0].theme == "Full Body Strength", "the repaired answer")
        let audit = try await engine.stats().generation.first { $0.coach == "gemini" }
        #expect(audit?.fallbacks == 1 && audit?.failedCalls == 3 && audit?.calls == 4)
        try engine.close()
        await server.stop()
    }
}

@Suite("Model coach, the daily SMS")
struct ModelMessageTests {
    @Test func theModelWritesTheSMSWithinTheBudgetOrTheFormatterDoes() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T12:30:00Z"))
        let setup = try await openEngine(folder, clock: clock)
        for id in ["c1", "c2"] {
            try await setup.enroll(enrollment(id))
            try await setup.createPlan(clientID: id, start: LocalDate("2026-03-09"))
        }
        try setup.close()
        let sound = "Hi Avery! Today: Back Squat 4x5 @RPE8, Walking Lunge 3x10. Warm up first, stretch after. You've got this!"
        let long = String(repeating: "Back Squat and Walking Lunge, ", count: 30)
        // Clients go one at a time: the first message request is c1's (answered soundly), the
        // next two are c2's (too long, and too long again after the repair).
        let messageRequests = Mutex(0)
        let server = try await LoopbackServer.start { request in
            guard request.asked == .message else { return GeminiReplies.answer(Answers.workout) }
            let count = messageRequests.withLock { $0 += 1; return $0 }
            return GeminiReplies.answer(count > 1 ? #"{"body":"\#(long)"}"# : #"{"body":"\#(sound)"}"#)
        }
        var settings = LLMSettings.fast
        settings.writesMessages = true
        let engine = try await openEngine(folder, clock: clock, coach: Provider.gemini.coach(server, settings: settings))
        // One client at a time so that the replies line up with the clients.
        let report = try await engine.tick(concurrency: 1)
        #expect(report.queued == 2)
        await server.stop()
        func daily(_ id: String) async throws -> MessageQueued {
            let queued = try await engine.queuedMessages(of: id)
            let sent = try await engine.messages(of: id)
            #expect(queued.count == 1 && sent.count == 1 && sent[0].message.body == queued[0].message.body, "queued once and delivered as queued")
            return try #require(queued.first?.message)
        }
        let first = try await daily("c1")
        #expect(first.body == sound)
        #expect(first.decision?.coach == "gemini" && first.decision?.promptTemplate == "daily-message@1")
        let second = try await daily("c2")
        #expect(second.body != long, "too long: the formatter's text went out")
        #expect(second.body.contains("Back Squat"))
        let decision = try #require(second.decision)
        #expect(decision.attempts.count == 2)
        #expect(decision.attempts[0].validationErrors.first?.contains("SMS segments") == true)
        #expect(decision.fallbackReason?.contains("still invalid after a repair") == true)
        #expect(decision.rules.first?.hasPrefix("the formatter's text") == true)
        let messages = try await engine.stats().generation.first { $0.coach == "gemini" }
        #expect(messages?.artefacts == 4, "two workouts and two messages")
        let audit = try await periodize(["audit", "c2", "--db", folder.path("log.sqlite"), "--artefact", "message", "--date", "2026-03-11"])
        #expect(audit.stdout.contains("prompt: daily-message@1") && audit.stdout.contains("fell back to the rule-based coach"), "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("delivery: sent after 1 attempt(s), log-only"), "\(audit.stdout)")
        try engine.close()
    }

}

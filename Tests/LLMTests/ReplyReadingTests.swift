import Events
import Foundation
import GRDB
import LLM
import LoopbackProviders
import Periodize
import Replies
import Synchronization
import Testing
import TestSupport

/// A model coach reads replies: the intents as a schema read off `ReplyIntent`, the same checks
/// as the rules' readings, a repair, the rules when it fails; the decision and the prompt
/// stored with the client's other prompts, sealed.
@Suite("Model coach reading replies")
struct ReplyReadingTests {
    /// Wednesday 11 March 2026, 08:30 in New York.
    static let now = "2026-03-11T12:30:00Z"
    /// Nothing the rules can read: whatever is acted on is the model's.
    static let text = "the recital thing is on friday so that one is out"
    static let skipFriday = #"{"intents":[{"intent":"skip","date":"2026-03-13","reason":"recital"}]}"#

    func engine(_ folder: TemporaryDirectory, _ provider: Provider, _ server: LoopbackServer) async throws -> Engine {
        let engine = try await openEngine(folder, clock: ManualClock(date(Self.now)), coach: provider.coach(server))
        try await engine.enroll(enrollment("c1"))
        return engine
    }

    func text(_ engine: Engine, _ body: String, sid: String) async throws -> ReplyOutcome {
        _ = try await engine.receive(InboundSMS(providerMessageID: sid, from: "+15551234567", to: "+15550009999", body: body))
        return try #require(try await engine.readPendingReplies().first)
    }

    func reading(_ engine: Engine) async throws -> ReplyRead {
        let audits = try await engine.replyAudits(of: "c1")
        return try #require(audits.last?.reading)
    }

    @Test(arguments: Provider.allCases)
    func theModelsReadingIsActedOnAndRecordedWithItsPrompt(_ provider: Provider) async throws {
        let folder = TemporaryDirectory()
        let server = try await LoopbackServer.start { provider.answer($0.asked == .reply ? Self.skipFriday : Answers.sound($0)) }
        let engine = try await engine(folder, provider, server)
        #expect(RuleReader().read(Self.text, context: ReaderContext(today: LocalDate("2026-03-11")!, units: .metric)).intents == [ReplyIntent(.unknown)],
                "the rules read nothing here")
        let outcome = try await text(engine, Self.text, sid: "SM1")
        #expect(outcome.intents == [ReplyIntent(.skip, date: LocalDate("2026-03-13"), reason: "recital")])
        #expect(outcome.actions == ["skipped 2026-03-13"])
        #expect(outcome.replies == ["OK: Fri Mar 13 is skipped, no workout that day."])
        let read = try await reading(engine)
        #expect(read.decision?.coach == provider.rawValue && read.decision?.fallbackReason == nil)
        #expect(read.decision?.promptTemplate == "reply@1" && read.decision?.attempts.count == 1)

        // What was asked: the schema read off the event's type, the client's today and the text.
        let request = try #require(server.received.first)
        let intents = try #require((request.schema["properties"] as? [String: Any])?["intents"] as? [String: Any])
        let item = try #require(intents["items"] as? [String: Any])
        let slots = try #require(item["properties"] as? [String: Any])
        let kinds = ((slots["intent"] as? [String: Any])?["enum"] as? [Any])?.compactMap { $0 as? String }
        #expect(kinds == ReplyIntent.Kind.allCases.map(\.rawValue))
        #expect(Set(slots.keys) == ["intent", "rpe", "feel", "date", "reason", "hour", "minute", "zone", "from", "until", "days", "area", "active", "equipment", "topic", "exercise", "missing", "minutes", "to"])
        let areas = ((slots["area"] as? [String: Any])?["enum"] as? [Any])?.compactMap { $0 as? String }
        #expect(areas == ReplyIntent.areas)
        #expect(request.prompt.contains("Today is Wednesday 2026-03-11") && request.prompt.contains("day first (10/12 is December 10)"))
        #expect(request.prompt.contains(Self.text))

        // The prompt is stored as the client's, sealed like the text itself.
        let prompts = try await engine.database.read { db in try String.fetchAll(db, sql: "SELECT template FROM prompts WHERE client_id = 'c1'") }
        #expect(prompts == ["reply@1"])
        let clear = try await engine.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE CAST(payload AS TEXT) LIKE '%recital thing%'")
        }
        #expect(clear == 0)

        // The same text twice: one reading, one call.
        _ = try await engine.receive(InboundSMS(providerMessageID: "SM1", from: "+15551234567", to: "+15550009999", body: Self.text))
        _ = try await engine.readPendingReplies()
        #expect(server.received.count == 1)
        let stats = try await engine.stats()
        let usage = try #require(stats.generation.first { $0.coach == provider.rawValue })
        #expect(usage.artefacts == 1 && usage.calls == 1 && usage.fallbacks == 0, "the reading counts as a model's artefact")
        try engine.close()
        await server.stop()

        // `audit --artefact reply` shows the model's reading: its calls and its prompt.
        let audit = try await periodize(["audit", "c1", "--db", folder.path("log.sqlite"), "--artefact", "reply", "--date", "2026-03-11", "--full"])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("  text: \(Self.text)") && audit.stdout.contains("  read as: skip date=2026-03-13 reason=recital"))
        #expect(audit.stdout.contains("  coach: \(provider.rawValue) llm-coach 1") && audit.stdout.contains("  prompt: reply@1, sha256 "))
        #expect(audit.stdout.contains("  call 1 (first): HTTP 200") && audit.stdout.contains("  did: skipped 2026-03-13"))
        #expect(audit.stdout.contains("Today is Wednesday 2026-03-11"), "the prompt's full text")
    }

    @Test(arguments: Provider.allCases)
    func anInvalidReadingIsRepairedOnceThenTheRulesRead(_ provider: Provider) async throws {
        let folder = TemporaryDirectory()
        // First a skip of a day gone by, then (asked to repair) a skip of the right day.
        let calls = Atomic(0)
        let server = try await LoopbackServer.start { request in
            guard request.asked == .reply else { return provider.answer(Answers.sound(request)) }
            let call = calls.add(1, ordering: .relaxed).newValue
            return provider.answer(call == 1 ? #"{"intents":[{"intent":"skip","date":"2026-03-06"}]}"# : Self.skipFriday)
        }
        let engine = try await engine(folder, provider, server)
        let repaired = try await text(engine, Self.text, sid: "SM1")
        #expect(repaired.actions == ["skipped 2026-03-13"])
        var read = try await reading(engine)
        #expect(read.decision?.attempts.map(\.purpose) == ["first", "repair"])
        #expect(read.decision?.attempts.first?.validationErrors == ["intents[0] (skip): date 2026-03-06 is before today (2026-03-11)"])
        let repair = try #require(server.received.last?.turns.last)
        #expect(repair.contains("date 2026-03-06 is before today"))
        try engine.close()
        await server.stop()

        // Still wrong after the repair: the rules read it, and the record says why.
        let stubborn = try await LoopbackServer.start { request in
            provider.answer(request.asked == .reply ? #"{"intents":[{"intent":"sendTime","hour":31}]}"# : Answers.sound(request))
        }
        let second = try await openEngine(TemporaryDirectory(), clock: ManualClock(date(Self.now)), coach: provider.coach(stubborn))
        try await second.enroll(enrollment("c1"))
        let fallen = try await text(second, "skip friday, recital", sid: "SM2")
        #expect(fallen.intents == [ReplyIntent(.skip, date: LocalDate("2026-03-13"), reason: "recital")], "the rules' reading")
        read = try await reading(second)
        #expect(read.decision?.fallbackReason?.contains("still invalid after a repair") == true)
        #expect(read.decision?.fallbackReason?.contains("hour 31 is not 0-23") == true)
        #expect(read.decision?.rules.isEmpty == false, "the rules that fired")
        #expect(stubborn.received.count == 2)
        try second.close()
        await stubborn.stop()
    }

    @Test(arguments: Provider.allCases)
    func aFailingProviderLeavesTheReadingToTheRules(_ provider: Provider) async throws {
        let folder = TemporaryDirectory()
        let server = try await LoopbackServer.start { request in
            request.asked == .reply ? provider.serverError(503) : provider.answer(Answers.sound(request))
        }
        let engine = try await engine(folder, provider, server)
        let outcome = try await text(engine, "can't make it friday, recital", sid: "SM1")
        #expect(outcome.actions == ["skipped 2026-03-13"])
        let read = try await reading(engine)
        #expect(read.decision?.coach == provider.rawValue)
        #expect(read.decision?.fallbackReason?.contains("503") == true, "\(read.decision?.fallbackReason ?? "")")
        #expect(read.decision?.attempts.count == LLMSettings.fast.retries + 1)
        // Not-JSON is a failure too.
        try engine.close()
        await server.stop()
        let garbled = try await LoopbackServer.start { request in provider.answer(request.asked == .reply ? "Sure! The client wants to skip." : Answers.sound(request)) }
        let second = try await openEngine(TemporaryDirectory(), clock: ManualClock(date(Self.now)), coach: provider.coach(garbled))
        try await second.enroll(enrollment("c1"))
        let fallen = try await text(second, "can't make it friday, recital", sid: "SM2")
        #expect(fallen.actions == ["skipped 2026-03-13"])
        #expect(try await reading(second).decision?.attempts.first?.validationErrors.first?.hasPrefix("not valid JSON") == true)
        try second.close()
        await garbled.stop()
    }

    @Test func readingsTheRulesMakePassTheSameChecks() throws {
        // The checks a model's reading is held to are the rules' own: every corpus line the
        // rules read passes them.
        let today = LocalDate("2026-05-05")!
        for text in ["done rpe 8", "skip thurs", "text me at 6:30", "in Denver til Sunday", "only mon/wed/fri from now on", "knee hurts",
                     "hotel gym until the 10th", "on vacation till the 20th", "what's rpe?", "what's today", "skip 5/6"] {
            let context = ReaderContext(today: today, units: .imperial)
            let reading = RuleReader().read(text, context: context)
            #expect(ReadingCheck.problems(reading.intents, context: context).isEmpty, "\(text): \(reading.intents)")
        }
        let context = ReaderContext(today: today, units: .metric)
        #expect(ReadingCheck.problems([ReplyIntent(.travel, equipment: "gym-ish")], context: context) == [
            "intents[0] (travel): needs until (a trip without an end is asked about)",
            "intents[0] (travel): equipment \"gym-ish\" is not one of hotel-gym, bodyweight, dumbbells, bands",
        ])
        #expect(ReadingCheck.problems([ReplyIntent(.timezone, zone: "Mountain Time")], context: context) == [
            "intents[0] (timezone): zone \"Mountain Time\" is not an IANA time zone such as America/Denver",
        ])
        #expect(ReadingCheck.problems([ReplyIntent(.done, date: today)], context: context) == ["intents[0] (done): date does not belong to done"])
    }
}

/// A model coach makes a day's workout again when a reply asks for a swap: the ask is in its
/// prompt, its answer is held to it (repaired, then the rules), and a moved day stays moved in
/// the model's weeks.
@Suite("Model coach and replies that change training")
struct ModelChangeTests {
    @Test(arguments: Provider.allCases)
    func aSwapIsAskedOfTheModelAndItsAnswerHeldToIt(_ provider: Provider) async throws {
        let folder = TemporaryDirectory()
        // The model reads the text as a swap, then keeps the back squat whatever it is told: its
        // workouts break the swap.
        let server = try await LoopbackServer.start { request in
            provider.answer(request.asked == .reply ? #"{"intents":[{"intent":"swap","exercise":"squats","reason":"knee"}]}"# : Answers.sound(request))
        }
        let engine = try await openEngine(folder, clock: ManualClock(date(ReplyReadingTests.now)), coach: provider.coach(server))
        try await engine.enroll(enrollment("c1"))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let today = LocalDate("2026-03-11")!
        let (before, _) = try await engine.dailyWorkout(clientID: "c1", date: today)
        #expect(try #require(before).blocks.flatMap(\.items).contains { $0.exercise == "Back Squat" }, "the model's workout")
        let calls = server.received.count

        _ = try await engine.receive(InboundSMS(providerMessageID: "SM9", from: "+15551234567", to: "+15550009999", body: "can we swap the squats today? knee"))
        let outcome = try #require(try await engine.readPendingReplies().first)
        #expect(outcome.intents.first == ReplyIntent(.swap, reason: "knee", exercise: "squats"), "\(outcome.intents)")
        let after = try #require(try await engine.history(of: "c1").workout(on: today)?.event)
        #expect(!after.blocks.flatMap(\.items).contains { $0.exercise.lowercased().contains("squat") }, "no squat, whoever made it")
        let decision = try #require(after.decision)
        #expect(decision.coach == provider.rawValue && decision.promptTemplate == "daily-workout@2")
        #expect(decision.attempts.first?.validationErrors.contains { $0.contains("is what the client asked to swap out (squats)") } == true)
        #expect(decision.fallbackReason?.contains("still invalid after a repair") == true, "the rules made it")
        #expect(after.revision?.because == ["swap squats"])
        // The prompt said what was asked.
        let asked = server.received[calls...].first { $0.asked == .workout }
        #expect(asked?.prompt.contains("ASKED FOR THIS SESSION\nswap squats") == true)
        #expect(asked?.prompt.contains("WHAT THE CLIENT SAID OF RECENT SESSIONS\n") == true)
        try engine.close()
        await server.stop()
    }

    @Test func aMovedDayStaysMovedInTheModelsWeeks() async throws {
        let folder = TemporaryDirectory()
        let server = try await LoopbackServer.start { request in
            Provider.gemini.answer(request.asked == .reply ? #"{"intents":[{"intent":"moveDay","date":"2026-03-13","to":"2026-03-14"}]}"# : Answers.sound(request))
        }
        let engine = try await openEngine(folder, clock: ManualClock(date(ReplyReadingTests.now)), coach: Provider.gemini.coach(server))
        try await engine.enroll(enrollment("c1"))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let friday = LocalDate("2026-03-13")!, saturday = LocalDate("2026-03-14")!
        _ = try await engine.receive(InboundSMS(providerMessageID: "SM10", from: "+15551234567", to: "+15550009999", body: "can we move friday to saturday?"))
        let outcome = try #require(try await engine.readPendingReplies().first)
        #expect(outcome.intents.contains(ReplyIntent(.moveDay, date: friday, to: saturday)), "\(outcome.intents)")
        let state = try await engine.history(of: "c1")
        let index = try #require(state.mesocycle(containing: friday)?.index)
        let (broken, _) = try #require(try state.breakdown(index))
        #expect(broken.decision?.coach == "gemini", "the model's weeks")
        #expect(try state.scheduledDay(saturday, mesocycle: index)?.day.theme == "Full Body Strength")
        #expect(try state.scheduledDay(friday, mesocycle: index)?.day.load == nil, "Friday rests: Saturday was a rest day")
        #expect(broken.decision?.rules.last == "moved 2026-03-13 (Full Body Strength) to 2026-03-14, asked by the client")
        try engine.close()
        await server.stop()
    }
}

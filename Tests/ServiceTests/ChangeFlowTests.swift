import Coaching
import EventLog
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import Testing
import TestSupport

/// Replies, part two, end to end: a text asks for a day's workout to change or a day to move;
/// the workout is generated again (superseding, the earlier one kept), the week broken down
/// again, and the answer sent. Real SQLite, the in-test Twilio over real HTTP.
@Suite("Replies that change training", .serialized)
struct ChangeFlowTests {
    /// The equipment a workout's exercises need.
    func equipment(_ workout: WorkoutGenerated) -> Set<String> {
        Set(workout.blocks.flatMap(\.items).flatMap { ExerciseCatalog.standard.exercise(named: $0.exercise)?.equipment ?? [] })
    }

    func main(_ workout: WorkoutGenerated) -> [WorkoutGenerated.Item] {
        workout.blocks.first { $0.kind == .main }?.items ?? []
    }

    @Test func aSwapForWhatIsMissingMakesTodaysSentWorkoutAgainAndSendsIt() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        let day = LocalDate("2026-03-10")!
        let (before, beforeAt) = try #require(try await harness.engine.history(of: "c0").workout(on: day))
        #expect(equipment(before).contains("barbell"), "a gym workout with a barbell to swap out: \(equipment(before))")
        let head = try await harness.head()

        let swap = try #require(try await harness.text("no barbell today", sid: "SM600"))
        #expect(swap.intents == [ReplyIntent(.swap, missing: "barbell")])
        let (after, afterAt) = try #require(try await harness.engine.history(of: "c0").workout(on: day))
        #expect(!equipment(after).contains("barbell"), "\(equipment(after))")
        #expect(after.revision == WorkoutGenerated.Revision(supersedes: beforeAt, because: ["swap no barbell"], providerMessageIds: ["SM600"]))
        #expect(after.decision?.rules.first == "supersedes the workout at position \(beforeAt): swap no barbell (asked by SM600)")
        #expect(after.decision?.rules.contains("asked by the client: swap no barbell") == true)
        #expect(!after.modifications.filter { $0.condition.hasPrefix("not at hand today") }.isEmpty, "the swaps named")
        // Both stay in the history; the new one is the day's.
        let all = try await harness.engine.workouts(of: "c0", on: day)
        #expect(all.map(\.position) == [beforeAt, afterAt])
        // Today's was sent: the answer is the new workout itself.
        #expect(swap.replies.first == "Updated today's workout (swap no barbell):")
        #expect(swap.replies.count >= 2)
        let report = try await harness.engine.deliver(at: date("2026-03-10T07:10:00Z"))
        #expect(report.sent == swap.replies.count)
        #expect(harness.twilio.messages.suffix(swap.replies.count).map(\.body) == swap.replies)
        // The same webhook again changes nothing.
        try await harness.eventually("Twilio's callbacks are in") { harness.twilio.callbacks.count >= 2 * (1 + swap.replies.count) }
        let settled = try await harness.head()
        #expect(settled > head)
        _ = try await harness.engine.receive(InboundSMS(providerMessageID: "SM600", from: phone(0), to: "+15550009999", body: "no barbell today"))
        _ = try await harness.engine.readPendingReplies()
        #expect(try await harness.head() == settled)
        #expect(try await harness.engine.verify().isValid)
        #expect(try await harness.engine.readModels.check(progress: nil).matches)
        let db = harness.path
        try harness.engine.close()

        // `show workout` says what it superseded; `audit` shows both; a replay before the reply, the original.
        let clock = ["PERIODIZE_TEST_CLOCK": "2026-03-10T08:00:00Z"]
        let show = try PeriodizeBinary.run(["show", "workout", "c0", "--db", db, "--date", "2026-03-10"], environment: clock)
        #expect(show.status == 0 && show.stdout.contains("(supersedes the workout at position \(beforeAt): swap no barbell, asked by SM600)"), "\(show)")
        let audit = try PeriodizeBinary.run(["audit", "c0", "--db", db, "--date", "2026-03-10"], environment: clock)
        #expect(audit.status == 0 && audit.stdout.contains("superseded: the workout at position \(beforeAt)"), "\(audit)")
        let then = harness.folder.path("then.sqlite")
        let replay = try PeriodizeBinary.run(["replay", "--db", db, "--until", String(beforeAt), "--into", then], environment: clock)
        #expect(replay.status == 0, "\(replay.stderr)")
        let original = try PeriodizeBinary.run(["show", "workout", "c0", "--db", then, "--date", "2026-03-10"], environment: clock)
        #expect(original.status == 0 && !original.stdout.contains("supersedes"), "\(original)")
    }

    @Test func shorterLighterAndHarderChangeTheDayTheyNameWithinTheRules() async throws {
        // 05:00 UTC: the daily text (06:00) has not gone out yet.
        let harness = try await Harness(clients: 2, at: date("2026-03-10T05:00:00Z"))
        defer { Task { await harness.stop() } }
        let today = LocalDate("2026-03-10")!, friday = LocalDate("2026-03-13")!
        _ = try await harness.engine.pregenerate(date: today)
        let (before, _) = try #require(try await harness.engine.history(of: "c0").workout(on: today))

        let short = try #require(try await harness.text("only 20 min today, sorry", sid: "SM700"))
        #expect(short.intents == [ReplyIntent(.shorter, minutes: 20)])
        #expect(short.replies == ["OK: Today's workout is changed (shorter (20 min)). It comes at its usual time."])
        let (after, _) = try #require(try await harness.engine.history(of: "c0").workout(on: today))
        #expect(!after.blocks.contains { $0.kind == .accessories } && before.blocks.contains { $0.kind == .accessories })
        let setsAfter = main(after).reduce(0) { $0 + ($1.sets ?? 0) }, setsBefore = main(before).reduce(0) { $0 + ($1.sets ?? 0) }
        #expect(setsAfter < setsBefore)
        // The tick sends the new one.
        _ = try await harness.engine.tick(now: date("2026-03-10T06:00:00Z"))
        let sent = try #require(harness.twilio.messages.first { $0.to == phone(0) }?.body)
        // Twilio's status callbacks land on the clients' streams meanwhile; let them in first.
        try await harness.eventually("Twilio's callbacks are in") { harness.twilio.callbacks.count >= 2 * harness.twilio.messages.count }
        #expect(!before.blocks.filter { $0.kind == .accessories }.flatMap(\.items).contains { sent.contains($0.exercise) })

        // A later day: noted now, applied when it is made.
        let easy = try #require(try await harness.text("feeling wrecked this week, go easy on friday", sid: "SM701"))
        #expect(easy.intents == [ReplyIntent(.lighter, date: friday, reason: "feeling wrecked this week")])
        #expect(easy.replies == ["OK: Fri Mar 13's workout is changed (lighter). It comes at its usual time."])
        let hard = try #require(try await harness.text("push me more on friday", from: 1, sid: "SM702"))
        #expect(hard.intents == [ReplyIntent(.harder, date: friday)])
        let lighter = try #require(try await harness.engine.dailyWorkout(clientID: "c0", date: friday).workout)
        let harder = try #require(try await harness.engine.dailyWorkout(clientID: "c1", date: friday).workout)
        #expect(lighter.theme == harder.theme && lighter.load == harder.load, "the same plan")
        #expect(lighter.decision?.rules.contains { $0.hasPrefix("asked lighter today") } == true)
        #expect(harder.decision?.rules.contains { $0.hasPrefix("asked harder today") } == true)
        let lightRPE = main(lighter).compactMap(\.RPE).max() ?? 0, hardRPE = main(harder).compactMap(\.RPE).max() ?? 0
        let lightSets = main(lighter).map { $0.sets ?? 0 }.max() ?? 0, hardSets = main(harder).map { $0.sets ?? 0 }.max() ?? 0
        #expect(lightRPE < hardRPE || lightSets < hardSets, "lighter RPE \(lightRPE) sets \(lightSets), harder RPE \(hardRPE) sets \(hardSets)")
        let zone = TrainingTables.zone(for: .strength)
        #expect(main(harder).compactMap(\.percentageRM).allSatisfy { zone.percent1RM.contains($0) } && hardSets <= zone.sets.upperBound,
                "harder, within the NSCA ranges: \(main(harder).compactMap(\.percentageRM)), \(hardSets) sets")
        #expect(try await harness.engine.verify().isValid)
        #expect(try await harness.engine.readModels.check(progress: nil).matches)
    }

    @Test func aMovedDayBreaksTheWeekDownAgainAndTwoTrainingDaysSwap() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        let wednesday = LocalDate("2026-03-11")!, saturday = LocalDate("2026-03-14")!
        let state = try await harness.engine.history(of: "c0")
        let index = try #require(state.mesocycle(containing: wednesday)?.index)
        let wed = try #require(try state.scheduledDay(wednesday, mesocycle: index)?.day), sat = try #require(try state.scheduledDay(saturday, mesocycle: index)?.day)
        let breakdowns = try await harness.count("MesocycleBroken")

        let move = try #require(try await harness.text("can we move wednesday to saturday this week?", sid: "SM800"))
        #expect(move.intents == [ReplyIntent(.moveDay, date: wednesday, to: saturday)])
        #expect(move.replies == ["Moved: Wed Mar 11's session to Sat Mar 14; Sat Mar 14's moves to Wed Mar 11 (both were training days)."])
        #expect(try await harness.count("MesocycleBroken") == breakdowns + 1, "the week broken down again")
        let moved = try await harness.engine.history(of: "c0")
        #expect(try moved.scheduledDay(saturday, mesocycle: index)?.day.theme == wed.theme)
        #expect(try moved.scheduledDay(wednesday, mesocycle: index)?.day.theme == sat.theme)
        let (broken, _) = try #require(try moved.breakdown(index))
        #expect(broken.decision?.rules.last == "moved 2026-03-11 (\(wed.theme)) to 2026-03-14, asked by the client; 2026-03-14 had \(sat.theme): the two swap")
        // Saturday's workout, when it is made, is Wednesday's session.
        let workout = try #require(try await harness.engine.dailyWorkout(clientID: "c0", date: saturday).workout)
        #expect(workout.theme == wed.theme)
        #expect(try await harness.engine.verify().isValid)
        #expect(try await harness.engine.readModels.check(progress: nil).matches)
        // `show week` shows the week as broken down again, and the move.
        let db = harness.path
        try harness.engine.close()
        let week = try PeriodizeBinary.run(["show", "week", "c0", "--db", db, "--date", "2026-03-11"], environment: ["PERIODIZE_TEST_CLOCK": "2026-03-10T08:00:00Z"])
        #expect(week.status == 0 && week.stdout.contains("  Sat  \(wed.theme)") && week.stdout.contains("  Wed  \(sat.theme)"), "\(week)")
        #expect(week.stdout.contains("moved by the client: 2026-03-11 to 2026-03-14 (asked by SM800)"))
    }

    @Test func anExerciseSwapTakesAnotherOfTheSamePattern() async throws {
        let harness = try await Harness(clients: 1, at: date("2026-03-10T05:00:00Z"))
        defer { Task { await harness.stop() } }
        let today = LocalDate("2026-03-10")!
        _ = try await harness.engine.pregenerate(date: today)
        let (before, _) = try #require(try await harness.engine.history(of: "c0").workout(on: today))
        // The first main lift, swapped by the word a client would use for it.
        let lift = try #require(main(before).first?.exercise)
        let word = try #require(lift.lowercased().split(separator: " ").last.map(String.init))
        let swap = try #require(try await harness.text("can you swap the \(word)s today? my knee", sid: "SM900"))
        #expect(swap.intents.first?.intent == .swap && swap.intents.first?.exercise?.filter(\.isLetter) == "\(word)s".filter(\.isLetter), "\(lift): \(swap.intents)")
        let (after, _) = try #require(try await harness.engine.history(of: "c0").workout(on: today))
        #expect(!after.blocks.flatMap(\.items).contains { $0.exercise.lowercased().filter(\.isLetter).contains(word.filter(\.isLetter)) }, "no \(word) left: \(after.blocks.flatMap(\.items).map(\.exercise))")
        let swapped = try #require(after.modifications.first { $0.condition == "asked to swap" })
        let replace = try #require(swapped.replace)
        let was = try #require(ExerciseCatalog.standard.exercise(named: replace.exercise))
        let now = try #require(ExerciseCatalog.standard.exercise(named: replace.with))
        #expect(was.pattern == now.pattern, "the same movement pattern: \(was.name) -> \(now.name)")
        #expect(after.decision?.rules.contains { $0.hasPrefix("asked to swap: ") } == true)
    }

    @Test func feedbackAfterAWorkoutWasMadeMakesItAgainBeforeItIsSent() async throws {
        // Client c0 trains every day; Tuesday's and Wednesday's workouts are made on Tuesday morning.
        let harness = try await Harness(clients: 1, at: date("2026-03-10T05:00:00Z"))
        defer { Task { await harness.stop() } }
        let tuesday = LocalDate("2026-03-10")!, wednesday = LocalDate("2026-03-11")!
        _ = try await harness.engine.pregenerate(date: tuesday)
        _ = try await harness.engine.pregenerate(date: wednesday)
        let (made, madeAt) = try #require(try await harness.engine.history(of: "c0").workout(on: wednesday))
        // Tuesday evening: a skip of Tuesday arrives after Wednesday's was made.
        harness.clock.set(date("2026-03-10T20:00:00Z"))
        let skip = try #require(try await harness.text("have to skip today, sick", sid: "SM950"))
        #expect(skip.intents.first?.intent == .skip, "\(skip.intents)")
        #expect(try await harness.engine.history(of: "c0").staleWorkout(on: wednesday) == ["feedback since it was made"])
        // Wednesday's text: the workout is made again first (a skipped day's sets are not counted).
        harness.clock.set(date("2026-03-11T06:00:00Z"))
        _ = try await harness.engine.tick(now: date("2026-03-11T06:00:00Z"), deliver: false)
        let (sent, sentAt) = try #require(try await harness.engine.history(of: "c0").workout(on: wednesday))
        #expect(sentAt > madeAt && sent.revision?.supersedes == madeAt && sent.revision?.because == ["feedback since it was made"])
        #expect(sent != made)
        let queued = try await harness.engine.queuedMessages(of: "c0").filter { $0.message.localDate == wednesday && $0.message.kind == .daily }
        #expect(queued.count >= 1 && queued.allSatisfy { $0.position > sentAt }, "the text is the new workout's")
    }
}

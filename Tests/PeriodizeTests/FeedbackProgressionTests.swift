import Coaching
import Events
import Foundation
import Periodize
import PeriodizeApp
import Testing
import TestSupport

/// What clients report reaches the next workouts: each rule shown by two clients on the same
/// seed (the same client id, in two logs) and the same plan, whose replies differ.
@Suite("Feedback reaches the next workouts")
struct FeedbackProgressionTests {
    /// One client's log: enrolled, planned from Monday 9 March 2026.
    struct Client {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-09T12:00:00Z"))
        let engine: Engine

        init(goal: PrimaryGoal = .strength, days: [Int] = [1, 3, 5]) async throws {
            engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), clock: { [clock] in clock.date() }, ids: { UUID() }))
            try await engine.enroll(enrollment("c1", days: days, goal: goal))
            try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        }

        /// A text on `day` at 20:00 in New York (an hour after its workout was done).
        func text(_ body: String, on day: LocalDate, sid: String) async throws -> ReplyOutcome? {
            clock.set(ISO8601DateFormatter().date(from: "\(day)T23:00:00Z")!)
            _ = try await engine.receive(InboundSMS(providerMessageID: sid, from: "+15551234567", to: "+15550009999", body: body))
            return try await engine.readPendingReplies().first
        }

        func workout(_ day: LocalDate) async throws -> WorkoutGenerated {
            clock.set(ISO8601DateFormatter().date(from: "\(day)T12:00:00Z")!)
            return try #require(try await engine.dailyWorkout(clientID: "c1", date: day).workout)
        }

        func plan(_ day: LocalDate) async throws -> DayPlan? {
            let state = try await engine.history(of: "c1")
            guard let index = state.mesocycle(containing: day)?.index else { return nil }
            return try state.scheduledDay(day, mesocycle: index)?.day
        }
    }

    static func main(_ workout: WorkoutGenerated) -> [WorkoutGenerated.Item] {
        workout.blocks.first { $0.kind == .main }?.items ?? []
    }

    /// Sets, RPE and %1RM of the main work, summed and at their highest.
    static func load(_ workout: WorkoutGenerated) -> (sets: Int, rpe: Double, percent: Double) {
        let items = main(workout)
        return (items.reduce(0) { $0 + ($1.sets ?? 0) }, items.compactMap(\.RPE).max() ?? 0, items.compactMap(\.percentageRM).max() ?? 0)
    }

    /// The first heavy day of the plan and the next heavy day of the same theme.
    static func heavyPair(_ client: Client) async throws -> (LocalDate, LocalDate) {
        let start = LocalDate("2026-03-09")!
        var first: (LocalDate, String)?
        for offset in 0..<28 {
            let day = start.adding(days: offset)
            guard let plan = try await client.plan(day), plan.load == .heavy else { continue }
            if let (date, theme) = first {
                if plan.theme == theme { return (date, day) }
            } else {
                first = (day, plan.theme)
            }
        }
        throw TestFailure("no two heavy days of one theme in four weeks")
    }

    struct TestFailure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    @Test func tooHardMakesTheNextHeavyDayOfTheThemeLighterAndTooEasyHeavier() async throws {
        let done = try await Client(), hard = try await Client(), easy = try await Client()
        let (first, next) = try await Self.heavyPair(done)
        for client in [done, hard, easy] { _ = try await client.workout(first) }
        #expect(try await done.text("done", on: first, sid: "SM1")?.intents == [ReplyIntent(.done)])
        #expect(try await hard.text("done, rpe 10. that was brutal", on: first, sid: "SM1")?.intents == [ReplyIntent(.done, rpe: 10, feel: "hard")])
        #expect(try await easy.text("done, way too easy. rpe 6", on: first, sid: "SM1")?.intents == [ReplyIntent(.done, rpe: 6, feel: "easy")])
        let baseline = try await done.workout(next), lighter = try await hard.workout(next), heavier = try await easy.workout(next)
        #expect(baseline.theme == lighter.theme && baseline.theme == heavier.theme && baseline.load == .heavy)
        let b = Self.load(baseline), l = Self.load(lighter), h = Self.load(heavier)
        #expect(l.sets < b.sets || l.rpe < b.rpe || l.percent < b.percent, "after too hard: \(l) vs \(b)")
        #expect(l.sets <= b.sets && l.rpe <= b.rpe && l.percent <= b.percent)
        #expect(h.sets > b.sets || h.rpe > b.rpe || h.percent > b.percent, "after too easy: \(h) vs \(b)")
        #expect(h.sets >= b.sets && h.rpe >= b.rpe && h.percent >= b.percent)
        // Within the NSCA ranges.
        let zone = TrainingTables.zone(for: .strength)
        #expect(Self.main(heavier).allSatisfy { ($0.percentageRM.map(zone.percent1RM.contains) ?? true) && ($0.sets ?? 0) <= zone.sets.upperBound })
        #expect(lighter.decision?.rules.contains { $0.contains("was too hard (RPE 10)") } == true)
        #expect(heavier.decision?.rules.contains { $0.contains("was too easy (RPE 6)") } == true)
        #expect(baseline.decision?.rules.contains { $0.contains("was too") } == false)
    }

    @Test func aSkippedDaysSetsDoNotCountAndTheWeeksNextSessionTakesSomeBack() async throws {
        let trained = try await Client(), skipper = try await Client()
        // Monday trained by both; Wednesday made, then skipped by one; Friday compared.
        let monday = LocalDate("2026-03-09")!, wednesday = LocalDate("2026-03-11")!, friday = LocalDate("2026-03-13")!
        for client in [trained, skipper] {
            _ = try await client.workout(monday)
            _ = try await client.workout(wednesday)
        }
        let skip = try #require(try await skipper.text("skip today, sick", on: wednesday, sid: "SM2"))
        #expect(skip.intents == [ReplyIntent(.skip, date: wednesday, reason: "sick")])
        let usual = try await trained.workout(friday), makeUp = try await skipper.workout(friday)
        #expect(Self.load(makeUp).sets > Self.load(usual).sets, "\(Self.load(makeUp)) vs \(Self.load(usual))")
        #expect(makeUp.decision?.rules.contains { $0.hasPrefix("skipped days' sets not counted toward the week: 2026-03-11") } == true)
        #expect(makeUp.decision?.rules.contains { $0.hasPrefix("a session skipped this week: one set taken back") } == true)
        // Within MRV: no muscle past its weekly maximum recoverable sets over the week.
        let week = [try await skipper.workout(monday), makeUp]
        for (muscle, sets) in WorkoutRules.hardSets(week, catalog: .standard) {
            if let mrv = TrainingTables.weeklySets[muscle]?.maximumRecoverable { #expect(sets <= mrv, "\(muscle) \(sets) > \(mrv)") }
        }
    }

    @Test func twoSkippedWeeksStartTheNextAtTheLoadOfTheLastWeekTrained() async throws {
        let steady = try await Client(goal: .endurance, days: [2, 4, 6]), away = try await Client(goal: .endurance, days: [2, 4, 6])
        // Week 1 (from 9 March) trained by both; weeks 2 and 3 paused by one; week 4 compared.
        let start = LocalDate("2026-03-09")!
        func runKm(_ workout: WorkoutGenerated) -> Double { workout.blocks.flatMap(\.items).compactMap(\.distanceKm).max() ?? 0 }
        var weekOne: [String: Double] = [:]
        for offset in 0..<7 {
            let day = start.adding(days: offset)
            guard let plan = try await steady.plan(day), plan.load != nil else { continue }
            let workout = try await steady.workout(day)
            weekOne[workout.theme] = runKm(workout)
            _ = try await away.workout(day)
        }
        let pause = try #require(try await away.text("two weeks off from monday please, family stuff", on: LocalDate("2026-03-15")!, sid: "SM3"))
        #expect(pause.intents == [ReplyIntent(.pause, from: LocalDate("2026-03-16"), until: LocalDate("2026-03-29"))])
        var compared = 0
        for offset in 21..<28 {
            let day = start.adding(days: offset)
            guard let plan = try await steady.plan(day), plan.load != nil, plan.theme.hasSuffix("run") else { continue }
            let progressed = try await steady.workout(day), restarted = try await away.workout(day)
            guard let first = weekOne[plan.theme], runKm(progressed) > 0 else { continue }
            #expect(runKm(restarted) < runKm(progressed), "\(plan.theme): \(runKm(restarted)) vs \(runKm(progressed))")
            #expect(runKm(restarted) <= first, "\(plan.theme): not higher than the week trained last, \(first) km")
            #expect(restarted.decision?.rules.contains { $0.hasPrefix("2 weeks skipped in a row") } == true)
            compared += 1
        }
        #expect(compared > 0, "a run to compare in week 4")
    }
}

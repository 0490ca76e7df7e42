import Coaching
import Events
import Foundation
import Synchronization
import Testing

/// A clock that moves forward by a fixed step each time it is read, and never sleeps.
final class SteppingClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    let step: Duration
    private let current = Mutex(Duration.zero)

    init(step: Duration) { self.step = step }

    var now: Instant { Instant(offset: current.withLock { value in defer { value += step }; return value }) }
    var minimumResolution: Duration { .nanoseconds(1) }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {}
}

@Suite("Rule-based coach")
struct RuleCoachTests {
    let client = ClientEnrolled(
        clientId: "c", name: "N", phoneNumber: "+15550000000", email: nil, timezone: "America/New_York",
        preferredSendHour: 7, units: .imperial, optedIn: true, isActive: true,
        profile: FitnessProfile(
            fitnessGoals: "goal", primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: 3, trainingDays: [1, 3, 5],
            sessionMinutes: 45, location: .commercialGym, equipment: [], injuries: []))

    @Test func decisionsAreTimedOnTheInjectedClockAndMatchTheRules() async throws {
        // Each decision reads the clock twice: its duration is one step.
        let coach = RuleCoach(clock: SteppingClock(step: .milliseconds(7)))
        let start = LocalDate("2026-03-09")!
        let plan = try await coach.plan(PlanRequest(client: client, planId: "p", start: start, weeks: 12, inputs: [1])).value
        #expect(plan.decision?.durationMs == 7)
        var expected = try PlanRules.plan(planId: "p", client: client, start: start, weeks: 12, inputs: [1])
        expected.decision?.durationMs = 7
        #expect(plan == expected)

        let broken = try await coach.breakdown(BreakdownRequest(plan: plan, index: 0, client: client, inputs: [1, 2])).value
        #expect(broken.decision?.durationMs == 7)
        let monday = try #require(broken.microcycles.first?.days.first { $0.day == .monday })
        let scheduled = ScheduledDay(day: monday, weekIndex: 0, isDeloadWeek: false, planId: "p", breakdownPosition: 3)
        let workout = try await coach.workout(WorkoutRequest(
            client: client, plan: plan, mesocycle: 0, scheduled: scheduled, date: start, recent: [], inputs: [1, 2, 3])).value
        #expect(try #require(workout).decision?.durationMs == 7)
        #expect(try await coach.message(MessageRequest(workout: try #require(workout), position: 4, client: client, formatted: "text", segments: 3)) == nil)
    }

    @Test func aRestDayHasNoWorkout() async throws {
        let coach = RuleCoach(clock: SteppingClock(step: .milliseconds(1)))
        let rest = ScheduledDay(day: DayPlan(day: .tuesday, theme: "Rest", load: nil), weekIndex: 0, isDeloadWeek: false, planId: "p", breakdownPosition: 3)
        let coached = try await coach.workout(WorkoutRequest(
            client: client, plan: nil, mesocycle: 0, scheduled: rest, date: LocalDate("2026-03-10")!, recent: [], inputs: []))
        #expect(coached.value == nil)
        #expect(coached.prompts.isEmpty)
    }

    @Test func aPlanLengthTheRulesRefuseIsAnInvalidInput() async throws {
        let coach = RuleCoach()
        await #expect { try await coach.plan(PlanRequest(client: client, planId: "p", start: LocalDate("2026-03-09")!, weeks: 2, inputs: [])) } throws: { error in
            (error as? CoachingError)?.code == .invalidInput
        }
    }
}

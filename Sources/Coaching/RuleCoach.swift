import Events
import Foundation

/// The rule-based coach: offline and deterministic (seeded by client and date). It writes no
/// SMS of its own (the formatter's text stands).
public struct RuleCoach: Coach {
    let clock: any Clock<Duration>

    /// - Parameter clock: measures how long each decision took (its record's `durationMs`).
    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
    }

    public var concurrency: Int { 0 }

    public func plan(_ request: PlanRequest) async throws -> Coached<PlanCreated> {
        let stopwatch = Stopwatch(clock)
        var plan = try PlanRules.plan(planId: request.planId, client: request.client, start: request.start, weeks: request.weeks, inputs: request.inputs)
        plan.decision?.durationMs = stopwatch.milliseconds
        return Coached(plan)
    }

    public func breakdown(_ request: BreakdownRequest) async throws -> Coached<MesocycleBroken> {
        let stopwatch = Stopwatch(clock)
        var broken = try BreakdownRules.breakdown(
            plan: request.plan, index: request.index, trainingDays: request.client.profile.trainingDays, inputs: request.inputs)
        broken.decision?.durationMs = stopwatch.milliseconds
        return Coached(broken)
    }

    public func workout(_ request: WorkoutRequest) async throws -> Coached<WorkoutGenerated?> {
        let stopwatch = Stopwatch(clock)
        let scheduled = request.scheduled
        var workout = WorkoutRules().workout(
            client: request.client, planId: scheduled.planId, programType: request.plan?.programType ?? .other, day: scheduled.day,
            date: request.date, weekIndex: scheduled.weekIndex, deload: scheduled.isDeloadWeek, recent: request.recent, inputs: request.inputs,
            changes: request.changes, feedback: request.feedback)
        workout?.decision?.durationMs = stopwatch.milliseconds
        return Coached(workout)
    }

    public func message(_ request: MessageRequest) async throws -> Coached<CoachedMessage>? { nil }
}

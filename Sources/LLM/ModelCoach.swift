import Coaching
import Events
import Foundation

/// A coach backed by a language model, with the rules as its fallback: each artefact is the
/// model's when it answers soundly (validated, repaired once), the rules' otherwise. Either
/// way the decision record says which, from which inputs, with which prompt and attempts; the
/// prompts go back to the engine to be stored.
public struct ModelCoach: Coach {
    public let llm: LLMCoach
    let rules: RuleCoach
    let validator: ArtefactValidator
    let clock: any Clock<Duration>

    /// - Parameters:
    ///   - validator: the checks every generated artefact passes.
    ///   - clock: measures how long each decision took.
    public init(_ llm: LLMCoach, validator: ArtefactValidator = ArtefactValidator(), clock: any Clock<Duration> = ContinuousClock()) {
        self.llm = llm
        self.rules = RuleCoach(clock: clock)
        self.validator = validator
        self.clock = clock
    }

    public var concurrency: Int { llm.settings.concurrency }

    public func plan(_ request: PlanRequest) async throws -> Coached<PlanCreated> {
        let stopwatch = Stopwatch(clock)
        let rules = try await self.rules.plan(request).value
        let client = request.client
        let prompt = try llm.prompts.plan.render(PromptValues.plan(client: client, weeks: request.weeks))
        @Sendable func plan(_ answer: PlanAnswer) -> PlanCreated {
            PlanCreated(
                planId: request.planId, clientId: client.clientId, programType: answer.programType, goalStatement: client.profile.fitnessGoals,
                macrocycleWeeks: answer.mesocycles.reduce(0) { $0 + $1.weeks }, mesocycles: answer.mesocycles,
                overview: answer.overview, notes: answer.notes, startDate: request.start)
        }
        let validator = validator, weeks = request.weeks
        let consulted = await consult(prompt, inputs: request.inputs, fallback: rules.decision, stopwatch) { (answer: PlanAnswer) in
            validator.problems(plan: plan(answer), weeks: weeks)
        }
        return consulted.settled(rules: rules, plan)
    }

    public func breakdown(_ request: BreakdownRequest) async throws -> Coached<MesocycleBroken> {
        let stopwatch = Stopwatch(clock)
        let rules = try await self.rules.breakdown(request).value
        let plan = request.plan
        let prompt = try llm.prompts.mesocycle.render(PromptValues.mesocycle(plan: plan, index: request.index, client: request.client))
        let trainingDays = Set(request.client.profile.trainingDays)
        let weeks = plan.mesocycles[request.index].weeks
        let validator = validator
        let consulted = await consult(prompt, inputs: request.inputs, fallback: rules.decision, stopwatch) { (answer: BreakdownAnswer) in
            validator.problems(weeks: answer.weeks.map(\.days), mesocycleWeeks: weeks, trainingDays: trainingDays)
        }
        return consulted.settled(rules: rules) { answer in
            // The rules' calendar (weeks, dates) with the model's days; days before the plan
            // starts stay rest days.
            var result = rules
            for (week, days) in zip(result.microcycles.indices, answer.weeks.map(\.days)) {
                let monday = result.microcycles[week].startDate
                result.microcycles[week].days = zip(rules.microcycles[week].days, days).map { ruled, answered in
                    monday.adding(days: ruled.day.isoNumber - 1) < plan.startDate ? ruled : answered
                }
            }
            return result
        }
    }

    public func workout(_ request: WorkoutRequest) async throws -> Coached<WorkoutGenerated?> {
        let stopwatch = Stopwatch(clock)
        // A rest day asks no model.
        guard let rules = try await self.rules.workout(request).value else { return Coached(nil) }
        guard let plan = request.plan else { return Coached(rules) }
        let client = request.client, scheduled = request.scheduled, date = request.date
        let prompt = try llm.prompts.dailyWorkout.render(
            PromptValues.workout(client: client, plan: plan, mesocycle: request.mesocycle, scheduled: scheduled, date: date, recent: request.recent,
                                 changes: request.changes, feedback: request.feedback))
        @Sendable func workout(_ answer: WorkoutAnswer) -> WorkoutGenerated {
            WorkoutGenerated(
                clientId: client.clientId, planId: scheduled.planId, date: date, theme: scheduled.day.theme, load: scheduled.day.load,
                blocks: answer.blocks, modifications: answer.modifications)
        }
        let validator = validator, profile = client.profile, changes = request.changes
        let consulted = await consult(prompt, inputs: request.inputs, fallback: rules.decision, stopwatch) { (answer: WorkoutAnswer) in
            validator.problems(workout: workout(answer), profile: profile, changes: changes)
        }
        let settled = consulted.settled(rules: rules, workout)
        return Coached(settled.value, prompts: settled.prompts)
    }

    /// The daily SMS in the model's words (when the coach writes messages), within the segment
    /// budget and naming every main exercise; the formatter's text when the model's attempts
    /// are spent.
    public func message(_ request: MessageRequest) async throws -> Coached<CoachedMessage>? {
        guard llm.settings.writesMessages else { return nil }
        let stopwatch = Stopwatch(clock)
        let workout = request.workout, segments = request.segments
        let prompt = try llm.prompts.dailyMessage.render([
            "firstName": DailyMessage.firstName(of: request.client.name), "date": workout.date.description,
            "weekday": Weekday(isoNumber: workout.date.isoWeekday).rawValue, "theme": workout.theme,
            "load": workout.load?.rawValue ?? "rest", "workout": request.formatted,
            "characters": String(segments == 1 ? 160 : 153 * segments), "segments": String(segments),
        ])
        let validator = validator
        let inputs = request.position.map { [$0] } ?? []
        let formatter = DecisionRecord(
            coach: "rules", coachVersion: DailyMessage.version, inputs: inputs,
            rules: ["the formatter's text: \(segments) segment budget, shortened then split at line boundaries"], durationMs: 0)
        let consulted = await consult(prompt, inputs: inputs, fallback: formatter, stopwatch) { (answer: MessageAnswer) in
            validator.problems(message: answer.body, workout: workout, segments: segments)
        }
        return Coached(CoachedMessage(body: consulted.answer?.body ?? request.formatted, decision: consulted.decision), prompts: [consulted.prompt])
    }

    /// Asks the model for an `Answer` to `prompt`; the decision record is the model's, or, when
    /// its attempts are spent, `fallback`'s with the reason.
    func consult<Answer: Decodable & Sendable>(
        _ prompt: RenderedPrompt, inputs: [Int64], fallback: DecisionRecord?, _ stopwatch: Stopwatch,
        validate: @escaping @Sendable (Answer) -> [String]
    ) async -> Consulted<Answer> {
        let outcome = await llm.generate(Answer.self, prompt: prompt, validate: validate)
        let decision = llm.decision(outcome, prompt: prompt, inputs: inputs, fallback: fallback, durationMs: stopwatch.milliseconds)
        return Consulted(answer: outcome.answer, decision: decision, prompt: PromptRecorded(hash: prompt.hash, template: prompt.template, system: prompt.system, user: prompt.user))
    }
}

/// What consulting the model gave: its sound answer (nil when its attempts were spent), the
/// decision record either way, and the prompt it was sent.
struct Consulted<Answer: Sendable> {
    let answer: Answer?
    let decision: DecisionRecord
    let prompt: PromptRecorded

    /// The artefact made from the answer, or the rules' when there is none, with this
    /// decision record and prompt.
    func settled<Artefact: DecisionRecorded & Sendable>(rules: Artefact, _ make: (Answer) -> Artefact) -> Coached<Artefact> {
        var result = answer.map(make) ?? rules
        result.decision = decision
        return Coached(result, prompts: [prompt])
    }
}

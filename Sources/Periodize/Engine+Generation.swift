import Coaching
import Crypto
import EventLog
import Events
import Foundation
import GRDB
import LLM

/// Where each artefact is decided: by the rule-based coach, or, when a model coach is
/// configured, by the model with the rules as the fallback. Either way the event's decision
/// record says which, from which inputs, and (for a model) with which prompt and attempts.
extension Engine {
    /// A plan for `client`: the model's when one is configured and answers soundly, the
    /// rules' otherwise.
    func decidePlan(client: ClientEnrolled, planId: String, start: LocalDate, weeks: Int, inputs: [Int64]) async throws -> PlanCreated {
        let began = ContinuousClock.now
        var rules: PlanCreated
        do {
            rules = try PlanRules.plan(planId: planId, client: client, start: start, weeks: weeks, inputs: inputs)
        } catch let error as RuleError {
            throw CoachingError(error.description)
        }
        guard let coach = options.coach else {
            rules.decision?.durationMs = milliseconds(since: began)
            return rules
        }
        let prompt = try coach.prompts.plan.render(PromptValues.plan(client: client, weeks: weeks))
        let validator = options.validator
        @Sendable func plan(_ answer: PlanAnswer) -> PlanCreated {
            PlanCreated(
                planId: planId, clientId: client.clientId, programType: answer.programType, goalStatement: client.profile.fitnessGoals,
                macrocycleWeeks: answer.mesocycles.reduce(0) { $0 + $1.weeks }, mesocycles: answer.mesocycles,
                overview: answer.overview, notes: answer.notes, startDate: start)
        }
        let (answer, decision) = try await consult(coach, prompt: prompt, inputs: inputs, fallback: rules.decision, since: began) { (answer: PlanAnswer) in
            validator.problems(plan: plan(answer), weeks: weeks)
        }
        var result = answer.map(plan) ?? rules
        result.decision = decision
        return result
    }

    /// Mesocycle `index` of `plan` broken into weeks.
    func decideBreakdown(plan: PlanCreated, index: Int, client: ClientEnrolled, inputs: [Int64]) async throws -> MesocycleBroken {
        let began = ContinuousClock.now
        var rules: MesocycleBroken
        do {
            rules = try BreakdownRules.breakdown(plan: plan, index: index, trainingDays: client.profile.trainingDays, inputs: inputs)
        } catch let error as RuleError {
            throw CoachingError(error.description)
        }
        guard let coach = options.coach else {
            rules.decision?.durationMs = milliseconds(since: began)
            return rules
        }
        let prompt = try coach.prompts.mesocycle.render(PromptValues.mesocycle(plan: plan, index: index, client: client))
        let trainingDays = Set(client.profile.trainingDays)
        let weeks = plan.mesocycles[index].weeks
        let validator = options.validator
        let (answer, decision) = try await consult(coach, prompt: prompt, inputs: inputs, fallback: rules.decision, since: began) { (answer: BreakdownAnswer) in
            validator.problems(weeks: answer.weeks.map(\.days), mesocycleWeeks: weeks, trainingDays: trainingDays)
        }
        var result = rules
        if let answer {
            // The rules' calendar (weeks, dates) with the model's days; days before the plan
            // starts stay rest days.
            for (week, days) in zip(result.microcycles.indices, answer.weeks.map(\.days)) {
                let monday = result.microcycles[week].startDate
                result.microcycles[week].days = zip(rules.microcycles[week].days, days).map { ruled, answered in
                    monday.adding(days: ruled.day.isoNumber - 1) < plan.startDate ? ruled : answered
                }
            }
        }
        result.decision = decision
        return result
    }

    /// The workout for a scheduled training day; nil for a rest day (no model is asked).
    func decideWorkout(
        client: ClientEnrolled, plan: PlanCreated?, mesocycle: Int, scheduled: ClientHistory.ScheduledDay, date: LocalDate,
        recent: [WorkoutGenerated], inputs: [Int64]
    ) async throws -> WorkoutGenerated? {
        let began = ContinuousClock.now
        guard var rules = WorkoutRules().workout(
            client: client, planId: scheduled.planId, programType: plan?.programType ?? .other, day: scheduled.day, date: date,
            weekIndex: scheduled.weekIndex, deload: scheduled.isDeloadWeek, recent: recent, inputs: inputs)
        else { return nil }
        guard let coach = options.coach, let plan else {
            rules.decision?.durationMs = milliseconds(since: began)
            return rules
        }
        let prompt = try coach.prompts.dailyWorkout.render(
            PromptValues.workout(client: client, plan: plan, mesocycle: mesocycle, scheduled: scheduled, date: date, recent: recent))
        @Sendable func workout(_ answer: WorkoutAnswer) -> WorkoutGenerated {
            WorkoutGenerated(
                clientId: client.clientId, planId: scheduled.planId, date: date, theme: scheduled.day.theme, load: scheduled.day.load,
                blocks: answer.blocks, modifications: answer.modifications)
        }
        let validator = options.validator
        let profile = client.profile
        let (answer, decision) = try await consult(coach, prompt: prompt, inputs: inputs, fallback: rules.decision, since: began) { (answer: WorkoutAnswer) in
            validator.problems(workout: workout(answer), profile: profile)
        }
        var result = answer.map(workout) ?? rules
        result.decision = decision
        return result
    }

    /// The daily SMS for a workout in the model's words (when the coach writes messages),
    /// within the segment budget and naming every main exercise; the formatter's text when the
    /// model's attempts are spent.
    func decideMessage(
        workout: WorkoutGenerated, position: Int64?, client: ClientEnrolled, formatted: String, segments: Int, coach: LLMCoach
    ) async throws -> (String, DecisionRecord) {
        let began = ContinuousClock.now
        let prompt = try coach.prompts.dailyMessage.render([
            "firstName": Self.smsFirstName(client.name), "date": workout.date.description,
            "weekday": Weekday(isoNumber: workout.date.isoWeekday).rawValue, "theme": workout.theme,
            "load": workout.load?.rawValue ?? "rest", "workout": formatted,
            "characters": String(segments == 1 ? 160 : 153 * segments), "segments": String(segments),
        ])
        let validator = options.validator
        let inputs = position.map { [$0] } ?? []
        let formatter = DecisionRecord(
            coach: "rules", coachVersion: DailyMessage.version, inputs: inputs,
            rules: ["the formatter's text: \(segments) segment budget, shortened then split at line boundaries"], durationMs: 0)
        let (answer, decision) = try await consult(coach, prompt: prompt, inputs: inputs, fallback: formatter, since: began) { (answer: MessageAnswer) in
            validator.problems(message: answer.body, workout: workout, segments: segments)
        }
        return (answer?.body ?? formatted, decision)
    }

    /// Asks the model coach for an `Answer` to `prompt` and records the prompt; the decision
    /// record is the model's, or, when its attempts are spent, `fallback`'s with the reason.
    func consult<Answer: Decodable & Sendable>(
        _ coach: LLMCoach, prompt: RenderedPrompt, inputs: [Int64], fallback: DecisionRecord?, since began: ContinuousClock.Instant,
        validate: @escaping @Sendable (Answer) -> [String]
    ) async throws -> (answer: Answer?, decision: DecisionRecord) {
        let outcome = await coach.generate(Answer.self, prompt: prompt, validate: validate)
        let decision = coach.decision(outcome, prompt: prompt, inputs: inputs, fallback: fallback, durationMs: milliseconds(since: began))
        try await record(prompt)
        return (outcome.answer, decision)
    }

    /// Stores a prompt's text once, in stream `$prompts`, under an event id derived from its
    /// hash: recording it again appends nothing.
    func record(_ prompt: RenderedPrompt) async throws {
        let hash = prompt.hash
        let payload = PromptRecorded(hash: hash, template: prompt.template, system: prompt.system, user: prompt.user)
        try await append(payload, to: Self.promptsStream, expected: .any, id: Self.promptEventID(hash: hash), actor: "coach")
    }

    /// The event id of the prompt with SHA-256 `hash`.
    public static func promptEventID(hash: String) -> UUID {
        nameBasedID("prompt|\(hash)")
    }

    /// The stream that holds the prompts sent to models.
    public static let promptsStream = "$prompts"
}

/// The values that fill the prompt templates: what the original's prompts carried (goal,
/// context, recent training, fitness profile) in plain words.
enum PromptValues {
    static func profile(_ client: ClientEnrolled) -> [String: String] {
        let profile = client.profile
        let injuries = profile.injuries.isEmpty ? "none"
            : profile.injuries.map { "\($0.area) (\($0.status.rawValue))\($0.notes.map { ": \($0)" } ?? "")" }.joined(separator: "; ")
        let equipment = profile.location == .commercialGym ? "a full commercial gym" : (profile.equipment.isEmpty ? "none (bodyweight)" : profile.equipment.joined(separator: ", "))
        return [
            "fitnessGoals": profile.fitnessGoals, "primaryGoal": profile.primaryGoal.rawValue, "skillLevel": profile.skillLevel.rawValue,
            "daysPerWeek": String(profile.daysPerWeek), "sessionMinutes": String(profile.sessionMinutes),
            "trainingDays": profile.trainingDays.sorted().map { Weekday(isoNumber: $0).rawValue }.joined(separator: ", "),
            "location": profile.location.rawValue, "equipment": equipment, "injuries": injuries,
            "travel": profile.travel ?? "none", "age": profile.age.map(String.init) ?? "not given", "gender": profile.gender ?? "not given",
        ]
    }

    static func considerations(_ client: ClientEnrolled, plan: PlanCreated?) -> String {
        var parts: [String] = []
        if let notes = plan?.notes, !notes.isEmpty { parts.append(notes) }
        let active = client.profile.injuries.filter { $0.status == .active }.map(\.area)
        if !active.isEmpty, plan?.notes == nil { parts.append("active injuries: \(active.joined(separator: ", "))") }
        if let travel = client.profile.travel, !travel.isEmpty, plan?.notes == nil { parts.append("travel: \(travel)") }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }

    static func plan(client: ClientEnrolled, weeks: Int) -> [String: String] {
        var values = profile(client)
        values["weeks"] = String(weeks)
        return values
    }

    static func mesocycle(plan: PlanCreated, index: Int, client: ClientEnrolled) -> [String: String] {
        let mesocycle = plan.mesocycles[index]
        var values = profile(client)
        values["programType"] = plan.programType.rawValue
        values["planWeeks"] = String(plan.macrocycleWeeks)
        values["mesocycleNumber"] = String(index + 1)
        values["mesocycleCount"] = String(plan.mesocycles.count)
        values["mesocycleName"] = mesocycle.name
        values["mesocycleWeeks"] = String(mesocycle.weeks)
        values["deloadNote"] = mesocycle.deload ? " (the last week is a deload)" : ""
        values["deloadRequirement"] = mesocycle.deload ? "; the last week is a deload: every training day light" : ""
        values["focus"] = mesocycle.focus.joined(separator: ", ")
        values["considerations"] = considerations(client, plan: plan)
        return values
    }

    static func workout(
        client: ClientEnrolled, plan: PlanCreated, mesocycle index: Int, scheduled: ClientHistory.ScheduledDay, date: LocalDate,
        recent: [WorkoutGenerated]
    ) -> [String: String] {
        var values = profile(client)
        let mesocycle = plan.mesocycles.indices.contains(index) ? plan.mesocycles[index] : nil
        let firstWeek = plan.mesocycles.prefix(index).reduce(0) { $0 + $1.weeks }
        values["date"] = date.description
        values["weekday"] = Weekday(isoNumber: date.isoWeekday).rawValue
        values["theme"] = scheduled.day.theme
        values["load"] = scheduled.day.load?.rawValue ?? "rest"
        values["dayNotes"] = scheduled.day.notes ?? "none"
        values["programType"] = plan.programType.rawValue
        values["mesocycleName"] = mesocycle?.name ?? "unknown"
        values["weekOfMesocycle"] = String(scheduled.weekIndex - firstWeek + 1)
        values["mesocycleWeeks"] = String(mesocycle?.weeks ?? 0)
        values["deloadWeek"] = scheduled.isDeloadWeek ? " (deload week: half the sets, easier effort)" : ""
        values["focus"] = mesocycle?.focus.joined(separator: ", ") ?? "general fitness"
        values["considerations"] = considerations(client, plan: plan)
        values["recentTraining"] = recent.isEmpty ? "- none" : recent.map { workout in
            let items = workout.blocks.flatMap(\.items).filter { $0.type != .prep && $0.type != .cooldown }.map { item in
                item.exercise + (item.sets.map { s in " \(s)x\(item.reps?.description ?? "")" } ?? "")
            }
            return "- \(workout.date) \(workout.theme)\(workout.load.map { " (\($0.rawValue))" } ?? ""): \(items.joined(separator: ", "))"
        }.joined(separator: "\n")
        return values
    }
}

extension Engine {
    /// Clients handled at once by a tick or a pregeneration without a model coach: their
    /// appends share commits.
    public static let tickConcurrency = 64

    /// Clients handled at once by a tick or a pregeneration: 64, or twice the model coach's
    /// concurrency, so its slots stay busy while other clients read and append.
    public var defaultConcurrency: Int { max(Self.tickConcurrency, 2 * (options.coach?.settings.concurrency ?? 0)) }

    /// What `pregenerate` did.
    public struct PregenerateReport: Sendable, Equatable {
        public var clients = 0
        /// Workouts generated now.
        public var generated = 0
        /// Workouts that already existed.
        public var existing = 0
        public var restDays = 0
        /// Clients whose plan does not cover the date.
        public var outsidePlan = 0
        /// Generated workouts whose model attempts were spent (the rules made them).
        public var fellBack = 0
        public var failed: [String] = []
    }

    /// Generates every active client's workout for their local `date` ahead of time (in quiet
    /// hours, say), so the morning's tick only formats and sends. A workout that exists is
    /// kept.
    public func pregenerate(date: LocalDate, concurrency: Int? = nil) async throws -> PregenerateReport {
        let clients = try await activeClientIDs()
        enum Outcome: Sendable { case generated(fellBack: Bool), existing, rest, outsidePlan, failed(String) }
        var report = PregenerateReport(clients: clients.count)
        await Self.concurrently(clients, limit: concurrency ?? defaultConcurrency, { clientID -> Outcome in
            do {
                var history = try await self.history(of: clientID)
                guard let client = history.client, history.mesocycle(containing: date) != nil else { return .outsidePlan }
                if try history.workout(on: date) != nil { return .existing }
                guard let workout = try await self.dailyWorkout(&history, client: client, day: date).workout else { return .rest }
                return .generated(fellBack: workout.decision?.fallbackReason != nil)
            } catch {
                return .failed("\(clientID): \(error)")
            }
        }) { (outcome: Outcome) in
            switch outcome {
            case .generated(let fellBack):
                report.generated += 1
                if fellBack { report.fellBack += 1 }
            case .existing: report.existing += 1
            case .rest: report.restDays += 1
            case .outsidePlan: report.outsidePlan += 1
            case .failed(let reason): report.failed.append(reason)
            }
        }
        report.failed.sort()
        return report
    }
}

extension Engine {
    /// The prompt stored under `hash`, from the prompts read-model.
    public func prompt(hash: String) async throws -> PromptRecorded? {
        try await store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT hash, template, system, user FROM prompts WHERE hash = ?", arguments: [hash]).map {
                PromptRecorded(hash: $0[0], template: $0[1], system: $0[2], user: $0[3])
            }
        }
    }
}

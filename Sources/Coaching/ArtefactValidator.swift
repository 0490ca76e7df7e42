import Events

/// The semantic checks every generated artefact passes, whichever coach made it: the rule-based
/// coach satisfies them by construction, and a model's answer that fails one is repaired or
/// replaced. Each check returns readable problems (empty when the artefact is sound), phrased
/// so they can be fed back to a model.
public struct ArtefactValidator: Sendable {
    public let catalog: ExerciseCatalog

    public init(catalog: ExerciseCatalog = .standard) {
        self.catalog = catalog
    }

    public static let mesocycleWeeks = 1...8
    public static let setsPerItem = 1...10
    public static let repsPerSet = 1...50
    public static let rpe = 1.0...10.0
    public static let percentageRM = 20.0...100.0
    public static let restSeconds = 0...600
    public static let durationSeconds = 5...3600
    public static let durationMinutes = 1.0...180.0

    /// A plan: mesocycles of 1-8 weeks whose weeks sum to the length asked for, each named with
    /// a focus.
    public func problems(plan: PlanCreated, weeks: Int) -> [String] {
        var problems: [String] = []
        if plan.mesocycles.isEmpty { problems.append("mesocycles is empty") }
        let sum = plan.mesocycles.reduce(0) { $0 + $1.weeks }
        if sum != weeks { problems.append("the mesocycles' weeks sum to \(sum); they must sum to \(weeks)") }
        if plan.macrocycleWeeks != sum { problems.append("macrocycleWeeks is \(plan.macrocycleWeeks) but the mesocycles sum to \(sum)") }
        for (index, mesocycle) in plan.mesocycles.enumerated() {
            let at = "mesocycles[\(index)]"
            if !Self.mesocycleWeeks.contains(mesocycle.weeks) { problems.append("\(at).weeks is \(mesocycle.weeks); a mesocycle is 1 to 8 weeks") }
            if mesocycle.name.trimmed.isEmpty { problems.append("\(at).name is empty") }
            if mesocycle.focus.isEmpty || mesocycle.focus.contains(where: \.trimmed.isEmpty) { problems.append("\(at).focus needs 1 or more non-empty areas") }
        }
        if plan.overview.trimmed.isEmpty { problems.append("overview is empty") }
        return problems
    }

    /// A mesocycle's weeks: as many as the mesocycle has, each Monday to Sunday once in order,
    /// training (a load) exactly on the client's training days, rest (no load) on the others.
    public func problems(weeks: [[DayPlan]], mesocycleWeeks: Int, trainingDays: Set<Int>) -> [String] {
        var problems: [String] = []
        if weeks.count != mesocycleWeeks { problems.append("weeks has \(weeks.count) entries; the mesocycle has \(mesocycleWeeks) weeks") }
        let expected = trainingDays.sorted().map { Weekday(isoNumber: $0).rawValue }
        for (index, days) in weeks.enumerated() {
            let at = "weeks[\(index)]"
            if days.map(\.day) != Weekday.allCases {
                problems.append("\(at).days must be the 7 days MONDAY to SUNDAY in order, not \(days.map(\.day.rawValue).joined(separator: ","))")
                continue
            }
            let training = days.filter { $0.load != nil }.map(\.day.rawValue)
            if training != expected {
                problems.append("\(at) trains on \(training.joined(separator: ",")); the client trains on \(expected.joined(separator: ",")) (load on those days, null on the others)")
            }
            for day in days where day.theme.trimmed.isEmpty { problems.append("\(at) \(day.day.rawValue) has an empty theme") }
        }
        return problems
    }

    /// A workout: a warm-up, main work and a cooldown; every item with a dose (sets and reps,
    /// a duration or a distance) inside sane ranges; catalog exercises only where the client
    /// has the equipment and no active injury they stress.
    /// - Parameter changes: what the client asked of the day: an exercise swapped out is not in
    ///   it, and nothing needs what is not at hand.
    public func problems(workout: WorkoutGenerated, profile: FitnessProfile, changes: WorkoutChanges = WorkoutChanges()) -> [String] {
        var problems: [String] = []
        let items = workout.blocks.flatMap(\.items)
        if !items.contains(where: { $0.type == .prep }) { problems.append("no warm-up: add a block with prep items") }
        if !items.contains(where: { $0.type == .cooldown }) { problems.append("no cooldown: add a block with cooldown items") }
        if !items.contains(where: { ![.prep, .cooldown].contains($0.type) }) { problems.append("no main work: add compound, secondary, accessory, core or cardio items") }
        let equipment = changes.equipment(for: profile)
        let injured = Set(profile.injuries.filter { $0.status == .active }.map(\.area))
        for (b, block) in workout.blocks.enumerated() {
            if block.name.trimmed.isEmpty { problems.append("blocks[\(b)].name is empty") }
            if block.items.isEmpty { problems.append("blocks[\(b)] has no items") }
            for (i, item) in block.items.enumerated() {
                let at = "blocks[\(b)].items[\(i)] (\(item.exercise))"
                if item.exercise.trimmed.isEmpty { problems.append("blocks[\(b)].items[\(i)].exercise is empty") }
                let dosed = (item.sets != nil && item.reps != nil) || item.durationSec != nil || item.durationMin != nil || item.distanceKm != nil
                if !dosed { problems.append("\(at) needs sets and reps, a duration or a distance") }
                if let sets = item.sets, !Self.setsPerItem.contains(sets) { problems.append("\(at) sets \(sets) is outside 1-10") }
                if case .count(let reps)? = item.reps, !Self.repsPerSet.contains(reps) { problems.append("\(at) reps \(reps) is outside 1-50") }
                if let rpe = item.RPE, !Self.rpe.contains(rpe) { problems.append("\(at) RPE \(rpe) is outside 1-10") }
                if let pct = item.percentageRM, !Self.percentageRM.contains(pct) { problems.append("\(at) percentageRM \(pct) is outside 20-100") }
                if let rest = item.restSec, !Self.restSeconds.contains(rest) { problems.append("\(at) restSec \(rest) is outside 0-600") }
                if let seconds = item.durationSec, !Self.durationSeconds.contains(seconds) { problems.append("\(at) durationSec \(seconds) is outside 5-3600") }
                if let minutes = item.durationMin, !Self.durationMinutes.contains(minutes) { problems.append("\(at) durationMin \(minutes) is outside 1-180") }
                if let exercise = catalog.exercise(named: item.exercise) {
                    let missing = exercise.equipment.subtracting(equipment)
                    if !missing.isEmpty { problems.append("\(at) needs \(missing.sorted().joined(separator: ", ")), which the client does not have") }
                    let stressed = exercise.stresses.intersection(injured)
                    if !stressed.isEmpty { problems.append("\(at) loads the injured \(stressed.sorted().joined(separator: ", "))") }
                    if changes.rulesOut(exercise) { problems.append("\(at) is what the client asked to swap out (\(changes.avoid.joined(separator: ", ")))") }
                }
            }
        }
        return problems
    }
}

extension ArtefactValidator {
    /// A daily SMS written for a workout: not empty, within the segment budget, and naming
    /// every exercise of the main work.
    public func problems(message: String, workout: WorkoutGenerated, segments: Int) -> [String] {
        var problems: [String] = []
        if message.trimmed.isEmpty { return ["body is empty"] }
        let measure = SMSText.measure(message)
        if measure.segments > segments {
            problems.append("the text takes \(measure.segments) SMS segments (\(measure.encoding.rawValue)); at most \(segments) are allowed: shorten it, and keep to plain ASCII characters")
        }
        let text = message.lowercased()
        let missing = workout.blocks.flatMap(\.items).filter { $0.type != .prep && $0.type != .cooldown }.map(\.exercise)
            .filter { !text.contains($0.lowercased()) }
        if !missing.isEmpty { problems.append("the text does not name \(missing.joined(separator: ", ")); name every main exercise with its sets and reps") }
        return problems
    }
}

extension String {
    var trimmed: Substring {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}

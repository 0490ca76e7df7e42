import Events

/// The rule-based coach's daily workout: warm-up, main work, accessories and cooldown for
/// one day plan, from the exercise catalog, within the client's equipment and injuries.
///
/// Deterministic: the choice among equally good exercises is drawn from a generator seeded by
/// the client and the date, so the same inputs give the same workout.
public struct WorkoutRules: Sendable {
    public let catalog: ExerciseCatalog

    public init(catalog: ExerciseCatalog = .standard) {
        self.catalog = catalog
    }

    /// Everything a commercial gym has.
    public static let gymEquipment: Set<String> = [
        "barbell", "dumbbell", "kettlebell", "cable", "machine", "bench", "rack", "pull-up-bar", "band", "box",
        "medicine-ball", "suspension", "sled", "treadmill", "bike", "rower", "jump-rope", "mat",
    ]

    /// Where a client trains and with what while away, for each kind of travel equipment a
    /// reply names (`ReplyIntent.equipmentKinds`).
    public static func travelEquipment(_ kind: String) -> (TrainingLocation, [String]) {
        switch kind {
        case "hotel-gym": (.home, ["dumbbell", "bench", "treadmill", "bike", "band"])
        case "dumbbells": (.home, ["dumbbell"])
        case "bands": (.home, ["band"])
        default: (.bodyweight, [])
        }
    }

    /// The equipment a client can use where they train.
    public static func equipment(for profile: FitnessProfile) -> Set<String> {
        switch profile.location {
        case .commercialGym: gymEquipment
        case .home: Set(profile.equipment).union(["mat"])
        case .bodyweight: ["mat"]
        }
    }

    /// One slot of a session: a movement pattern and the kind of exercise that fills it.
    struct Slot {
        let pattern: String
        let role: WorkoutGenerated.ItemType
    }

    /// The slots of a theme's main work and accessories.
    static func slots(for theme: String) -> (main: [Slot], accessories: [Slot]) {
        func main(_ patterns: String...) -> [Slot] { patterns.map { Slot(pattern: $0, role: .compound) } }
        func extra(_ patterns: String...) -> [Slot] { patterns.map { Slot(pattern: $0, role: .accessory) } }
        let core = [Slot(pattern: "anti-extension", role: .core)]
        switch theme {
        case "Full body A": return (main("squat", "horizontal-push", "horizontal-pull"), extra("hip-extension") + core)
        case "Full body B": return (main("hinge", "vertical-push", "vertical-pull"), extra("lunge") + [Slot(pattern: "anti-rotation", role: .core)])
        case "Full body C", "Full body": return (main("lunge", "horizontal-push", "vertical-pull"), extra("knee-flexion") + [Slot(pattern: "trunk-flexion", role: .core)])
        case "Upper body": return (main("horizontal-push", "horizontal-pull", "vertical-push", "vertical-pull"), extra("elbow-flexion", "elbow-extension"))
        case "Lower body": return (main("squat", "hinge"), extra("lunge", "knee-flexion", "calf-raise") + core)
        case "Push": return (main("horizontal-push", "vertical-push"), extra("shoulder-raise", "elbow-extension"))
        case "Pull": return (main("vertical-pull", "horizontal-pull"), extra("elbow-flexion", "shoulder-raise"))
        case "Legs": return (main("squat", "hinge", "lunge"), extra("knee-flexion", "calf-raise"))
        case "Strength": return (main("squat", "hinge", "horizontal-push"), extra("calf-raise") + core)
        case "Mobility and strength": return ([Slot(pattern: "hip-extension", role: .secondary), Slot(pattern: "horizontal-pull", role: .secondary)], core)
        default: return ([], core)
        }
    }

    /// Patterns that train the same muscles, for when none of a slot's pattern fits.
    static let fallbacks: [String: [String]] = [
        "squat": ["hip-extension", "hinge"], "lunge": ["hip-extension", "hinge"], "knee-flexion": ["hip-extension"],
        "knee-extension": ["hip-extension"], "hinge": ["hip-extension"], "vertical-push": ["horizontal-push", "shoulder-raise"],
        "horizontal-push": ["elbow-extension"], "vertical-pull": ["horizontal-pull"], "horizontal-pull": ["vertical-pull"],
    ]

    /// Cardio themes and the catalog exercises that carry them, in order of preference.
    static let cardio: [String: [String]] = [
        "Easy run": ["easy-run", "run-walk", "brisk-walk", "easy-bike"],
        "Recovery run": ["easy-run", "brisk-walk", "easy-bike"],
        "Tempo run": ["tempo-run", "fartlek-run", "bike-tempo"],
        "Intervals": ["run-intervals", "hill-repeats", "bike-intervals"],
        "Long run": ["long-run", "easy-run", "long-ride", "brisk-walk"],
        "Low-impact cardio": ["easy-bike", "brisk-walk"],
        "Conditioning": ["bike-intervals", "brisk-walk"],
        "Mobility": ["brisk-walk"],
    ]

    /// The workout for `day` on `date`, or nil for a rest day.
    ///
    /// - Parameters:
    ///   - weekIndex: week of the plan, for running progression; `deload` marks the deload week.
    ///   - recent: the client's workouts of the last 7 days (their volume is not repeated).
    ///   - changes: what the client asked of this day (a swap, lighter, shorter, harder).
    ///   - feedback: what the client said of the days before (done and how, skipped).
    public func workout(
        client: ClientEnrolled, planId: String?, programType: ProgramType, day: DayPlan, date: LocalDate,
        weekIndex: Int, deload: Bool, recent: [WorkoutGenerated], inputs: [Int64],
        changes: WorkoutChanges = WorkoutChanges(), feedback: Feedback = Feedback()
    ) -> WorkoutGenerated? {
        guard let load = day.load else { return nil }
        // The order of the blocks is the order of the seeded draws: keep it.
        var draft = WorkoutDraft(rules: self, client: client, date: date, deload: deload, recent: recent, changes: changes, feedback: feedback)
        draft.addWarmUp()
        // Two whole weeks skipped: running starts again from the last week trained, not higher.
        var runWeek = weekIndex
        if feedback.skippedWeeks >= 2 {
            runWeek = max(0, weekIndex - feedback.skippedWeeks - 1)
            draft.note("\(feedback.skippedWeeks) weeks skipped in a row: running volume of week \(runWeek + 1), the last trained, not week \(weekIndex + 1)")
        }
        draft.addCardio(theme: day.theme, weekIndex: runWeek)
        draft.addMainWork(theme: day.theme, load: load)
        draft.addAccessories(theme: day.theme)
        draft.addCooldown()
        return WorkoutGenerated(
            clientId: client.clientId, planId: planId, date: date, theme: day.theme, load: load, blocks: draft.blocks,
            modifications: draft.modifications,
            decision: DecisionRecord(coach: PlanRules.coach, coachVersion: PlanRules.version, inputs: inputs, rules: draft.rules,
                                     seed: SeededGenerator.seed(of: "\(client.clientId)|\(date)"), durationMs: 0))
    }

    /// Hard sets per primary muscle in `workouts` (main work, accessories and core; not
    /// warm-ups, cooldowns or cardio).
    public static func hardSets(_ workouts: [WorkoutGenerated], catalog: ExerciseCatalog) -> [String: Int] {
        var sets: [String: Int] = [:]
        for item in workouts.flatMap({ $0.blocks.flatMap(\.items) }) {
            guard [.compound, .secondary, .accessory, .core].contains(item.type), let exercise = catalog.exercise(named: item.exercise) else { continue }
            for muscle in exercise.primary { sets[muscle, default: 0] += item.sets ?? 0 }
        }
        return sets
    }

    /// Reps for a zone and a day's load: the heavy end of the zone on heavy days.
    static func reps(zone: TrainingTables.Zone, load: Load) -> Int {
        switch (zone.name, load) {
        case ("strength", .heavy): 3
        case ("strength", _): 5
        case ("hypertrophy", .heavy): 8
        case ("hypertrophy", _): 10
        case (_, .heavy): 12
        default: 15
        }
    }

    /// A cardio item. Running volume follows the evidence on injury risk: weekly distance up
    /// at most 10 % a week (Nielsen et al., JOSPT 2014, saw more injuries past 30 %), the long
    /// run at most 30 % of the week (Daniels), a cutback on deload weeks.
    func runItem(_ exercise: Exercise, theme: String, profile: FitnessProfile, weekIndex: Int, deload: Bool, rules: inout [String]) -> WorkoutGenerated.Item {
        let base: Double = switch profile.skillLevel {
        case .beginner: 12
        case .intermediate: 25
        case .advanced: 40
        }
        var weekly = base
        for _ in 0..<max(0, weekIndex) { weekly *= 1.10 }
        if deload { weekly *= 0.7 }
        let runDays = max(1, profile.daysPerWeek)
        let share: Double = theme == "Long run" ? 0.30 : (1.0 - (runDays > 1 ? 0.30 : 0)) / Double(max(1, runDays - 1))
        var distance = (weekly * min(share, 0.30) * 10).rounded() / 10
        rules.append(String(format: "running: %.1f km this week (+10%%/week from %.0f km), %@ %.1f km (<= 30%% of the week)", weekly, base, theme.lowercased(), distance))
        let pace = theme == "Tempo run" ? 5.5 : 6.5
        var minutes = (distance * pace).rounded()
        // The session's length bounds it, warm-up and cooldown aside.
        let available = Double(max(15, profile.sessionMinutes - 10))
        if minutes > available {
            minutes = available
            distance = (available / pace * 10).rounded() / 10
            rules.append(String(format: "session length: %@ capped at %.0f min of the %d-minute session (%.1f km)", theme.lowercased(), available, profile.sessionMinutes, distance))
        }
        switch exercise.unit {
        case .seconds:
            return .init(type: .cardio, exercise: exercise.name, sets: deload ? 4 : 6, durationSec: 60, RPE: deload ? 6 : 8, restSec: 90)
        default:
            return .init(type: .cardio, exercise: exercise.name, durationMin: minutes, RPE: theme == "Tempo run" ? 7 : 4, distanceKm: exercise.pattern == "run" ? distance : nil)
        }
    }
}

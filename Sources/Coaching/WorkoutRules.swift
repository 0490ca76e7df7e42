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
    ///   - weekOfBlock: 0-based week within the mesocycle; `deload` marks the deload week.
    ///   - weekIndex: week of the plan, for running progression.
    ///   - recent: the client's workouts of the last 7 days (their volume is not repeated).
    public func workout(
        client: ClientEnrolled, planId: String?, programType: ProgramType, day: DayPlan, date: LocalDate,
        weekIndex: Int, deload: Bool, recent: [WorkoutGenerated], inputs: [Int64]
    ) -> WorkoutGenerated? {
        guard let load = day.load else { return nil }
        let profile = client.profile
        var random = SeededGenerator(seed: "\(client.clientId)|\(date)")
        let equipment = Self.equipment(for: profile)
        let injured = Set(profile.injuries.filter { $0.status == .active }.map(\.area))
        let zone = TrainingTables.zone(for: profile.primaryGoal)
        var rules: [String] = ["\(zone.name) zone for \(profile.primaryGoal.rawValue) (NSCA): \(zone.reps.lowerBound)-\(zone.reps.upperBound) reps, rest \(zone.restSeconds.lowerBound)-\(zone.restSeconds.upperBound) s"]
        if deload { rules.append("deload week: sets x\(TrainingTables.deloadSetFactor), RPE 6") }
        if !injured.isEmpty { rules.append("active injuries excluded: \(injured.sorted().joined(separator: ", "))") }
        var modifications: [WorkoutGenerated.Modification] = []
        let recentExercises = Set(recent.flatMap { $0.blocks.flatMap { $0.items.map(\.exercise) } })
        // Hard sets per muscle over the last week: nothing pushes a muscle past its maximum
        // recoverable volume (Renaissance Periodization's landmarks).
        var weeklySets = Self.hardSets(recent, catalog: catalog)
        // A deload week's own volume, counted from its Monday.
        var deloadSets = deload ? Self.hardSets(recent.filter { $0.date >= ClientCalendar.monday(of: date) }, catalog: catalog) : [:]
        func capped(_ exercise: Exercise, sets: Int) -> Int {
            var allowed = sets
            for muscle in exercise.primary {
                guard let recoverable = TrainingTables.weeklySets[muscle]?.maximumRecoverable else { continue }
                allowed = min(allowed, recoverable - weeklySets[muscle, default: 0])
                // A deload week keeps each muscle to about half of it over the week itself.
                if deload { allowed = min(allowed, recoverable / 2 - deloadSets[muscle, default: 0]) }
            }
            allowed = max(0, allowed)
            if allowed < sets {
                let muscles = exercise.primary.filter { TrainingTables.weeklySets[$0] != nil }.joined(separator: ", ")
                rules.append(allowed == 0
                    ? "volume cap: \(muscles) at the weekly maximum recoverable sets (RP): \(exercise.name) left out"
                    : "volume cap: \(muscles) near the weekly maximum recoverable sets (RP): \(exercise.name) \(sets) -> \(allowed) sets")
            }
            for muscle in exercise.primary {
                weeklySets[muscle, default: 0] += allowed
                if deload { deloadSets[muscle, default: 0] += allowed }
            }
            return allowed
        }

        /// The exercise for a slot: the best the client can do, preferring the slot's role and
        /// something not done in the last week; when the unrestricted choice is ruled out by an
        /// injury or missing equipment, the swap is recorded.
        func choose(_ pattern: String, _ role: WorkoutGenerated.ItemType) -> Exercise? {
            func pick(_ options: [Exercise]) -> Exercise? {
                let preferred = options.filter { $0.type == role }
                let pool = preferred.isEmpty ? options : preferred
                let fresh = pool.filter { !recentExercises.contains($0.name) }
                let choices = Array((fresh.isEmpty ? pool : fresh).prefix(3))
                guard !choices.isEmpty else { return nil }
                return choices[Int(random.next() % UInt64(choices.count))]
            }
            let ideal = catalog.candidates(pattern: pattern, equipment: Self.gymEquipment, injuredAreas: [], level: profile.skillLevel)
                .first { $0.type == role }
            let options = catalog.candidates(pattern: pattern, equipment: equipment, injuredAreas: injured, level: profile.skillLevel)
            guard let chosen = pick(options) else {
                // Nothing of this pattern fits: a neighbouring pattern trains the same muscles.
                for fallback in Self.fallbacks[pattern] ?? [] {
                    let options = catalog.candidates(pattern: fallback, equipment: equipment, injuredAreas: injured, level: profile.skillLevel)
                    guard let substitute = pick(options) else { continue }
                    let reason = injured.isEmpty ? "equipment at hand" : "\(injured.sorted().joined(separator: ", ")) injury active"
                    modifications.append(.init(
                        condition: reason, replace: ideal.map { .init(exercise: $0.name, with: substitute.name) },
                        note: "No \(pattern) exercise fits; \(substitute.name) (\(fallback)) trains the same muscles"))
                    rules.append("\(reason): \(pattern) slot -> \(substitute.name) (\(fallback))")
                    return substitute
                }
                rules.append("no \(pattern) exercise fits the equipment and injuries: slot dropped")
                return nil
            }
            if let ideal, !ideal.stresses.isDisjoint(with: injured), ideal.id != chosen.id {
                let area = ideal.stresses.intersection(injured).sorted().joined(separator: ", ")
                modifications.append(.init(
                    condition: "\(area) injury active", replace: .init(exercise: ideal.name, with: chosen.name),
                    note: "\(chosen.name) trains the same pattern without loading the \(area)"))
                rules.append("\(area) injury active: \(ideal.name) -> \(chosen.name)")
            }
            return chosen
        }

        var blocks: [WorkoutGenerated.Block] = []
        let prep = catalog.prep.filter { $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injured) }
        if !prep.isEmpty {
            let first = prep[Int(random.next() % UInt64(prep.count))]
            let second = prep[Int(random.next() % UInt64(prep.count))]
            let warmUp = (first.id == second.id ? [first] : [first, second]).map { exercise in
                WorkoutGenerated.Item(type: .prep, exercise: exercise.name, sets: 1, reps: exercise.unit == .reps ? .count(10) : nil,
                                      durationSec: exercise.unit == .reps ? nil : 45)
            }
            blocks.append(.init(name: "Warm-up", items: warmUp))
        }

        if let options = Self.cardio[day.theme] {
            let pick = options.compactMap { catalog[$0] }.first {
                $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injured) && $0.level.rank <= profile.skillLevel.rank
            } ?? catalog["brisk-walk"]!
            if pick.id != options.first, let ideal = catalog[options[0]], !ideal.stresses.isDisjoint(with: injured) {
                let area = ideal.stresses.intersection(injured).sorted().joined(separator: ", ")
                modifications.append(.init(condition: "\(area) injury active", replace: .init(exercise: ideal.name, with: pick.name),
                                           note: "Lower impact while the \(area) heals"))
            }
            blocks.append(.init(name: day.theme, items: [runItem(pick, theme: day.theme, profile: profile, weekIndex: weekIndex, deload: deload, rules: &rules)]))
        }

        let slots = Self.slots(for: day.theme)
        let mainSets = deload ? max(1, Int((Double(zone.sets.lowerBound + 1) * TrainingTables.deloadSetFactor).rounded(.up))) : zone.sets.lowerBound + (load == .heavy ? 1 : 0)
        let reps = Self.reps(zone: zone, load: load)
        let rpe = TrainingTables.rpe(reps: reps, zone: zone, target: deload ? 6 : 8, deload: deload) ?? 7
        let percent = TrainingTables.percent1RM(reps: reps, rpe: rpe)
        let rest = load == .heavy ? zone.restSeconds.upperBound : (zone.restSeconds.lowerBound + zone.restSeconds.upperBound) / 2
        var mainItems: [WorkoutGenerated.Item] = []
        for slot in slots.main {
            guard let exercise = choose(slot.pattern, slot.role) else { continue }
            let sets = capped(exercise, sets: mainSets)
            guard sets > 0 else { continue }
            mainItems.append(.init(type: exercise.type == .compound ? .compound : .secondary, exercise: exercise.name, sets: sets,
                                   reps: exercise.unit == .reps ? .count(reps) : nil, durationSec: exercise.unit == .reps ? nil : 40,
                                   RPE: rpe, percentageRM: exercise.unit == .reps ? percent : nil, restSec: max(rest, 1)))
        }
        if !mainItems.isEmpty { blocks.append(.init(name: "Main", items: mainItems)) }

        let accessorySets = deload ? 1 : 2
        var accessories: [WorkoutGenerated.Item] = []
        for slot in slots.accessories {
            guard let exercise = choose(slot.pattern, slot.role) else { continue }
            let holds = exercise.unit != .reps
            let sets = capped(exercise, sets: accessorySets)
            guard sets > 0 else { continue }
            accessories.append(.init(type: slot.role == .core ? .core : .accessory, exercise: exercise.name, sets: sets,
                                     reps: holds ? nil : .text("10-12"), durationSec: holds ? 30 : nil, RPE: deload ? 6 : 7,
                                     restSec: 60))
        }
        if !accessories.isEmpty { blocks.append(.init(name: "Accessories", items: accessories)) }

        let cooldown = catalog.cooldown.filter { $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injured) }
        if !cooldown.isEmpty {
            let pick = cooldown[Int(random.next() % UInt64(cooldown.count))]
            blocks.append(.init(name: "Cooldown", items: [.init(type: .cooldown, exercise: pick.name, durationSec: pick.unit == .minutes ? nil : 60, durationMin: pick.unit == .minutes ? 5 : nil)]))
        }

        return WorkoutGenerated(
            clientId: client.clientId, planId: planId, date: date, theme: day.theme, load: load, blocks: blocks,
            modifications: modifications,
            decision: DecisionRecord(coach: PlanRules.coach, coachVersion: PlanRules.version, inputs: inputs, rules: rules,
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

import Events

/// A workout being written by ``WorkoutRules``: its blocks so far, the rules that fired, the
/// swaps made, and the week's volume it keeps within the maximum recoverable sets. Each block
/// is added in turn; the choice among equally good exercises is drawn from the generator
/// seeded by client and date.
struct WorkoutDraft {
    let catalog: ExerciseCatalog
    let profile: FitnessProfile
    let equipment: Set<String>
    let injured: Set<String>
    let zone: TrainingTables.Zone
    let deload: Bool
    let recentExercises: Set<String>
    private let rules_: WorkoutRules
    private var random: SeededGenerator
    /// Hard sets per muscle over the last week: nothing pushes a muscle past its maximum
    /// recoverable volume (Renaissance Periodization's landmarks).
    private var weeklySets: [String: Int]
    /// A deload week's own volume, counted from its Monday.
    private var deloadSets: [String: Int]

    private(set) var blocks: [WorkoutGenerated.Block] = []
    private(set) var modifications: [WorkoutGenerated.Modification] = []
    private(set) var rules: [String]

    init(rules workoutRules: WorkoutRules, client: ClientEnrolled, date: LocalDate, deload: Bool, recent: [WorkoutGenerated]) {
        catalog = workoutRules.catalog
        rules_ = workoutRules
        profile = client.profile
        random = SeededGenerator(seed: "\(client.clientId)|\(date)")
        equipment = WorkoutRules.equipment(for: profile)
        injured = Set(profile.injuries.filter { $0.status == .active }.map(\.area))
        zone = TrainingTables.zone(for: profile.primaryGoal)
        self.deload = deload
        rules = ["\(zone.name) zone for \(profile.primaryGoal.rawValue) (NSCA): \(zone.reps.lowerBound)-\(zone.reps.upperBound) reps, rest \(zone.restSeconds.lowerBound)-\(zone.restSeconds.upperBound) s"]
        if deload { rules.append("deload week: sets x\(TrainingTables.deloadSetFactor), RPE 6") }
        if !injured.isEmpty { rules.append("active injuries excluded: \(injured.sorted().joined(separator: ", "))") }
        recentExercises = Set(recent.flatMap { $0.blocks.flatMap { $0.items.map(\.exercise) } })
        weeklySets = WorkoutRules.hardSets(recent, catalog: catalog)
        deloadSets = deload ? WorkoutRules.hardSets(recent.filter { $0.date >= ClientCalendar.monday(of: date) }, catalog: catalog) : [:]
    }

    /// Two mobility drills (one when the draw repeats).
    mutating func addWarmUp() {
        let prep = catalog.prep.filter { $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injured) }
        guard !prep.isEmpty else { return }
        let first = prep[Int(random.next() % UInt64(prep.count))]
        let second = prep[Int(random.next() % UInt64(prep.count))]
        let warmUp = (first.id == second.id ? [first] : [first, second]).map { exercise in
            WorkoutGenerated.Item(type: .prep, exercise: exercise.name, sets: 1, reps: exercise.unit == .reps ? .count(10) : nil,
                                  durationSec: exercise.unit == .reps ? nil : 45)
        }
        blocks.append(.init(.warmUp, items: warmUp))
    }

    /// A cardio theme's run, ride or walk, lower impact while an injury heals.
    mutating func addCardio(theme: String, weekIndex: Int) {
        guard let options = WorkoutRules.cardio[theme] else { return }
        let pick = options.compactMap { catalog[$0] }.first {
            $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injured) && $0.level.rank <= profile.skillLevel.rank
        } ?? catalog["brisk-walk"]!
        if pick.id != options.first, let ideal = catalog[options[0]], !ideal.stresses.isDisjoint(with: injured) {
            let area = ideal.stresses.intersection(injured).sorted().joined(separator: ", ")
            modifications.append(.init(condition: "\(area) injury active", replace: .init(exercise: ideal.name, with: pick.name),
                                       note: "Lower impact while the \(area) heals"))
        }
        blocks.append(.init(name: theme, items: [rules_.runItem(pick, theme: theme, profile: profile, weekIndex: weekIndex, deload: deload, rules: &rules)]))
    }

    /// The theme's main lifts: NSCA sets, reps and rest for the goal, RPE and %1RM from the chart.
    mutating func addMainWork(theme: String, load: Load) {
        let mainSets = deload ? max(1, Int((Double(zone.sets.lowerBound + 1) * TrainingTables.deloadSetFactor).rounded(.up))) : zone.sets.lowerBound + (load == .heavy ? 1 : 0)
        let reps = WorkoutRules.reps(zone: zone, load: load)
        let rpe = TrainingTables.rpe(reps: reps, zone: zone, target: deload ? 6 : 8, deload: deload) ?? 7
        let percent = TrainingTables.percent1RM(reps: reps, rpe: rpe)
        let rest = load == .heavy ? zone.restSeconds.upperBound : (zone.restSeconds.lowerBound + zone.restSeconds.upperBound) / 2
        var items: [WorkoutGenerated.Item] = []
        for slot in WorkoutRules.slots(for: theme).main {
            guard let exercise = choose(slot.pattern, slot.role) else { continue }
            let sets = capped(exercise, sets: mainSets)
            guard sets > 0 else { continue }
            items.append(.init(type: exercise.type == .compound ? .compound : .secondary, exercise: exercise.name, sets: sets,
                               reps: exercise.unit == .reps ? .count(reps) : nil, durationSec: exercise.unit == .reps ? nil : 40,
                               RPE: rpe, percentageRM: exercise.unit == .reps ? percent : nil, restSec: max(rest, 1)))
        }
        if !items.isEmpty { blocks.append(.init(.main, items: items)) }
    }

    /// The theme's accessories and core work, 2 sets (1 on a deload).
    mutating func addAccessories(theme: String) {
        let accessorySets = deload ? 1 : 2
        var items: [WorkoutGenerated.Item] = []
        for slot in WorkoutRules.slots(for: theme).accessories {
            guard let exercise = choose(slot.pattern, slot.role) else { continue }
            let holds = exercise.unit != .reps
            let sets = capped(exercise, sets: accessorySets)
            guard sets > 0 else { continue }
            items.append(.init(type: slot.role == .core ? .core : .accessory, exercise: exercise.name, sets: sets,
                               reps: holds ? nil : .text("10-12"), durationSec: holds ? 30 : nil, RPE: deload ? 6 : 7,
                               restSec: 60))
        }
        if !items.isEmpty { blocks.append(.init(.accessories, items: items)) }
    }

    /// One easy stretch or walk.
    mutating func addCooldown() {
        let cooldown = catalog.cooldown.filter { $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injured) }
        guard !cooldown.isEmpty else { return }
        let pick = cooldown[Int(random.next() % UInt64(cooldown.count))]
        blocks.append(.init(.cooldown, items: [.init(type: .cooldown, exercise: pick.name, durationSec: pick.unit == .minutes ? nil : 60, durationMin: pick.unit == .minutes ? 5 : nil)]))
    }

    /// `sets` of `exercise`, fewer when a primary muscle nears its weekly maximum recoverable
    /// volume (half of it in a deload week); the sets are counted towards the week.
    private mutating func capped(_ exercise: Exercise, sets: Int) -> Int {
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
    private mutating func choose(_ pattern: String, _ role: WorkoutGenerated.ItemType) -> Exercise? {
        let ideal = catalog.candidates(pattern: pattern, equipment: WorkoutRules.gymEquipment, injuredAreas: [], level: profile.skillLevel)
            .first { $0.type == role }
        let options = catalog.candidates(pattern: pattern, equipment: equipment, injuredAreas: injured, level: profile.skillLevel)
        guard let chosen = pick(options, role) else { return substitute(for: pattern, ideal: ideal, role) }
        if let ideal, !ideal.stresses.isDisjoint(with: injured), ideal.id != chosen.id {
            let area = ideal.stresses.intersection(injured).sorted().joined(separator: ", ")
            modifications.append(.init(
                condition: "\(area) injury active", replace: .init(exercise: ideal.name, with: chosen.name),
                note: "\(chosen.name) trains the same pattern without loading the \(area)"))
            rules.append("\(area) injury active: \(ideal.name) -> \(chosen.name)")
        }
        return chosen
    }

    /// Nothing of `pattern` fits: a neighbouring pattern that trains the same muscles, or
    /// nothing (the slot is dropped).
    private mutating func substitute(for pattern: String, ideal: Exercise?, _ role: WorkoutGenerated.ItemType) -> Exercise? {
        for fallback in WorkoutRules.fallbacks[pattern] ?? [] {
            let options = catalog.candidates(pattern: fallback, equipment: equipment, injuredAreas: injured, level: profile.skillLevel)
            guard let substitute = pick(options, role) else { continue }
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

    /// One of the three best `options` for the role, preferring what was not done last week.
    private mutating func pick(_ options: [Exercise], _ role: WorkoutGenerated.ItemType) -> Exercise? {
        let preferred = options.filter { $0.type == role }
        let pool = preferred.isEmpty ? options : preferred
        let fresh = pool.filter { !recentExercises.contains($0.name) }
        let choices = Array((fresh.isEmpty ? pool : fresh).prefix(3))
        guard !choices.isEmpty else { return nil }
        return choices[Int(random.next() % UInt64(choices.count))]
    }
}

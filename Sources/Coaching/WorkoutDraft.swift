import Events

/// A workout being written by ``WorkoutRules``: its blocks so far, the rules that fired, the
/// swaps made, and the week's volume it keeps within the maximum recoverable sets. Each block
/// is added in turn; the choice among equally good exercises is drawn from the generator
/// seeded by client and date.
struct WorkoutDraft {
    let catalog: ExerciseCatalog
    let profile: FitnessProfile
    let equipment: Set<String>
    let changes: WorkoutChanges
    let feedback: Feedback
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

    init(
        rules workoutRules: WorkoutRules, client: ClientEnrolled, date: LocalDate, deload: Bool, recent: [WorkoutGenerated],
        changes: WorkoutChanges = WorkoutChanges(), feedback: Feedback = Feedback()
    ) {
        catalog = workoutRules.catalog
        rules_ = workoutRules
        var profile = client.profile
        // `only 20 min today`: the session's length for this day.
        if let minutes = changes.minutes { profile.sessionMinutes = max(10, min(profile.sessionMinutes, minutes)) }
        self.profile = profile
        self.changes = changes
        self.feedback = feedback
        random = SeededGenerator(seed: "\(client.clientId)|\(date)")
        // `gym is closed`, `no barbell today`: what is at hand that day.
        equipment = changes.equipment(for: profile)
        injured = Set(profile.injuries.filter { $0.status == .active }.map(\.area))
        zone = TrainingTables.zone(for: profile.primaryGoal)
        self.deload = deload
        rules = ["\(zone.name) zone for \(profile.primaryGoal.rawValue) (NSCA): \(zone.reps.lowerBound)-\(zone.reps.upperBound) reps, rest \(zone.restSeconds.lowerBound)-\(zone.restSeconds.upperBound) s"]
        if deload { rules.append("deload week: sets x\(TrainingTables.deloadSetFactor), RPE 6") }
        if !injured.isEmpty { rules.append("active injuries excluded: \(injured.sorted().joined(separator: ", "))") }
        recentExercises = Set(recent.flatMap { $0.blocks.flatMap { $0.items.map(\.exercise) } })
        // A skipped day's sets were not done: they do not count toward the week's volume.
        let skipped = feedback.skipped
        let done = recent.filter { !skipped.contains($0.date) }
        weeklySets = WorkoutRules.hardSets(done, catalog: catalog)
        deloadSets = deload ? WorkoutRules.hardSets(done.filter { $0.date >= ClientCalendar.monday(of: date) }, catalog: catalog) : [:]
        if done.count < recent.count {
            rules.append("skipped days' sets not counted toward the week: \(recent.filter { skipped.contains($0.date) }.map { "\($0.date)" }.joined(separator: ", "))")
        }
        self.weekStart = ClientCalendar.monday(of: date)
        if !changes.asked.isEmpty { rules.append("asked by the client: \(changes.asked.joined(separator: "; "))") }
        if !changes.missing.isEmpty { rules.append("not at hand today: \(changes.missing.sorted().joined(separator: ", "))") }
        if let minutes = changes.minutes { rules.append("session of \(profile.sessionMinutes) min today (asked \(minutes))") }
    }

    private let weekStart: LocalDate

    /// A rule that fired outside the draft's own steps.
    mutating func note(_ rule: String) { rules.append(rule) }

    func avoided(_ exercise: Exercise) -> Bool { changes.rulesOut(exercise) }

    /// The RPE step the client's words ask for on this session: lighter or harder asked today,
    /// or how the last session of the same theme and load went.
    func effortStep(theme: String, load: Load) -> (step: Int, why: String?) {
        if changes.intensity != 0 { return (changes.intensity, changes.intensity < 0 ? "asked lighter today" : "asked harder today") }
        guard let last = feedback.last(theme: theme, load: load) else { return (0, nil) }
        if last.tooHard { return (-1, "last \(theme.lowercased()) (\(load.rawValue)) on \(last.date) was too hard\(last.rpe.map { " (RPE \($0))" } ?? "")") }
        if last.tooEasy { return (1, "last \(theme.lowercased()) (\(load.rawValue)) on \(last.date) was too easy\(last.rpe.map { " (RPE \($0))" } ?? "")") }
        return (0, nil)
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
        var item = rules_.runItem(pick, theme: theme, profile: profile, weekIndex: weekIndex, deload: deload, rules: &rules)
        // Asked lighter or harder: a fifth less, or a tenth more (the 10% a week running rule), of
        // the distance and time.
        if changes.intensity != 0 {
            let factor = changes.intensity < 0 ? 0.8 : 1.1
            item.distanceKm = item.distanceKm.map { ($0 * factor * 10).rounded() / 10 }
            item.durationMin = item.durationMin.map { max(5, ($0 * factor).rounded()) }
            if let sets = item.sets { item.sets = max(1, min(10, Int((Double(sets) * factor).rounded()))) }
            rules.append(changes.intensity < 0 ? "asked lighter today: \(pick.name) a fifth shorter" : "asked harder today: \(pick.name) a tenth longer")
        }
        blocks.append(.init(name: theme, items: [item]))
    }

    /// The theme's main lifts: NSCA sets, reps and rest for the goal, RPE and %1RM from the chart.
    mutating func addMainWork(theme: String, load: Load) {
        var mainSets = deload ? max(1, Int((Double(zone.sets.lowerBound + 1) * TrainingTables.deloadSetFactor).rounded(.up))) : zone.sets.lowerBound + (load == .heavy ? 1 : 0)
        let reps = WorkoutRules.reps(zone: zone, load: load)
        // The client's words move the target by one step, within RPE 5-9 and the zone's sets (NSCA).
        let (step, why) = deload ? (min(0, changes.intensity), changes.intensity < 0 ? "asked lighter today" : nil) : effortStep(theme: theme, load: load)
        let target = max(5, min(9, (deload ? 6 : 8) + step))
        if step != 0, let why {
            mainSets = max(1, min(zone.sets.upperBound, mainSets + step))
            rules.append("\(why): target RPE \(target), \(mainSets) sets")
        }
        // A skipped session this week: the next takes back a set, within the week's MRV.
        if !deload, step >= 0, feedback.skipped.contains(where: { $0 >= weekStart }), mainSets < zone.sets.upperBound {
            mainSets += 1
            rules.append("a session skipped this week: one set taken back on the main lifts (\(mainSets) sets), within the weekly maximum recoverable volume")
        }
        // A short session keeps the main lifts and fewer sets of them.
        if profile.sessionMinutes <= 20 { mainSets = max(1, mainSets - 1) }
        let rpe = TrainingTables.rpe(reps: reps, zone: zone, target: Double(target), deload: deload) ?? 7
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

    /// The theme's accessories and core work, 2 sets (1 on a deload); none in a session of
    /// under half an hour.
    mutating func addAccessories(theme: String) {
        if profile.sessionMinutes < 30 {
            rules.append("session of \(profile.sessionMinutes) min: accessories left out")
            return
        }
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
        let all = catalog.candidates(pattern: pattern, equipment: equipment, injuredAreas: injured, level: profile.skillLevel)
        let options = all.filter { !avoided($0) }
        guard let chosen = pick(options, role) else { return substitute(for: pattern, ideal: ideal, role) }
        // Asked to swap it out: another of the same movement pattern, and the swap recorded.
        if let wanted = pick(all, role, draw: false), avoided(wanted) || (ideal.map(avoided) ?? false) {
            let swapped = avoided(wanted) ? wanted : ideal!
            modifications.append(.init(condition: "asked to swap", replace: .init(exercise: swapped.name, with: chosen.name),
                                       note: "\(chosen.name) trains the same pattern (\(pattern))"))
            rules.append("asked to swap: \(swapped.name) -> \(chosen.name) (\(pattern))")
        } else if !changes.missing.isEmpty, let ideal, !ideal.isPossible(with: equipment), ideal.id != chosen.id {
            modifications.append(.init(condition: "not at hand today: \(changes.missing.sorted().joined(separator: ", "))",
                                       replace: .init(exercise: ideal.name, with: chosen.name), note: "\(chosen.name) with what is at hand"))
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

    /// Nothing of `pattern` fits: a neighbouring pattern that trains the same muscles, or
    /// nothing (the slot is dropped).
    private mutating func substitute(for pattern: String, ideal: Exercise?, _ role: WorkoutGenerated.ItemType) -> Exercise? {
        for fallback in WorkoutRules.fallbacks[pattern] ?? [] {
            let options = catalog.candidates(pattern: fallback, equipment: equipment, injuredAreas: injured, level: profile.skillLevel).filter { !avoided($0) }
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
    private mutating func pick(_ options: [Exercise], _ role: WorkoutGenerated.ItemType, draw: Bool = true) -> Exercise? {
        let preferred = options.filter { $0.type == role }
        let pool = preferred.isEmpty ? options : preferred
        let fresh = pool.filter { !recentExercises.contains($0.name) }
        let choices = Array((fresh.isEmpty ? pool : fresh).prefix(3))
        guard !choices.isEmpty else { return nil }
        // Without a draw: the first choice, leaving the seeded sequence as it is.
        guard draw else { return choices[0] }
        return choices[Int(random.next() % UInt64(choices.count))]
    }
}

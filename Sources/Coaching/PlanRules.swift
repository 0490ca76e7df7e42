import Events

/// The rule-based coach's plan: a macrocycle of mesocycles, no microcycle detail.
///
/// Pure and deterministic: the same client, start and length give the same plan.
public enum PlanRules {
    public static let coach = "rules"
    public static let version = "1.0.0"

    /// Plan length the coaching service may ask for.
    public static let weeksAllowed = 4...52

    /// The program type that serves a primary goal.
    public static func programType(for goal: PrimaryGoal) -> ProgramType {
        switch goal {
        case .strength, .hypertrophy: .strength
        case .endurance: .endurance
        case .fatLoss: .shred
        case .general: .hybrid
        case .rehab: .rehab
        }
    }

    /// Splits `weeks` into blocks of 3-6 weeks, as even as possible, longer blocks first
    /// (Issurin's blocks of 3-6 weeks).
    public static func blockLengths(_ weeks: Int) -> [Int] {
        let count = max(1, (weeks + 4) / 5)
        let base = weeks / count, longer = weeks % count
        return (0..<count).map { $0 < longer ? base + 1 : base }
    }

    /// Phase names by program type, cycled when a plan has more blocks; the focus follows the
    /// phase (accumulation: volume and technique; intensification: intensity; realization or
    /// peaking: performance).
    static func phases(_ type: ProgramType) -> [(name: String, focus: [String])] {
        switch type {
        case .strength:
            [("Accumulation", ["volume", "technique"]), ("Intensification", ["intensity"]), ("Realization", ["performance"])]
        case .endurance:
            [("Base", ["aerobic base", "volume"]), ("Build", ["threshold", "intensity"]), ("Peak", ["race pace", "performance"])]
        case .shred:
            [("Accumulation", ["volume", "conditioning"]), ("Intensification", ["intensity", "conditioning"])]
        case .hybrid:
            [("Accumulation", ["volume", "technique", "aerobic base"]), ("Intensification", ["intensity", "threshold"])]
        case .rehab:
            [("Restore", ["mobility", "tissue tolerance"]), ("Rebuild", ["strength", "technique"])]
        case .other:
            [("General Preparation", ["general"])]
        }
    }

    /// A plan for `client` from `start`, `weeks` long.
    ///
    /// - Throws: ``RuleError`` when `weeks` is outside 4-52.
    public static func plan(
        planId: String, client: ClientEnrolled, start: LocalDate, weeks: Int = 12, inputs: [Int64]
    ) throws -> PlanCreated {
        guard weeksAllowed.contains(weeks) else {
            throw RuleError("a plan is 4 to 52 weeks long, not \(weeks)")
        }
        let profile = client.profile
        let type = programType(for: profile.primaryGoal)
        let lengths = blockLengths(weeks)
        let names = phases(type)
        var rules = [
            "program type \(type.rawValue) for primary goal \(profile.primaryGoal.rawValue)",
            "\(weeks) weeks in \(lengths.count) mesocycles of \(lengths.map(String.init).joined(separator: "/")) weeks (blocks of 3-6 weeks, Issurin)",
        ]
        let mesocycles = lengths.enumerated().map { index, length in
            let phase = names[index % names.count]
            // A deload closes every block of four weeks or more (deloads every 5.6 +/- 2.3
            // weeks in Rogerson et al. 2024); a three-week block runs straight through.
            return MesocyclePlan(name: phase.name, weeks: length, focus: phase.focus, deload: length >= 4)
        }
        rules.append("deload week closes each mesocycle of 4+ weeks")
        let active = profile.injuries.filter { $0.status == .active }.map(\.area)
        var notes: [String] = []
        if !active.isEmpty {
            notes.append("Active injuries: \(active.joined(separator: ", ")). Exercises that load them are swapped for safe variants.")
            rules.append("active injuries noted: \(active.joined(separator: ", "))")
        }
        if let travel = profile.travel, !travel.isEmpty {
            notes.append("Travel: \(travel). Hotel-gym or bodyweight sessions those days.")
            rules.append("travel noted")
        }
        let days = profile.trainingDays.sorted().map { Weekday(isoNumber: $0).shortName }.joined(separator: ", ")
        let overview = "\(weeks)-week \(type.rawValue) plan, \(profile.daysPerWeek) days a week (\(days)), "
            + "\(profile.sessionMinutes) minutes a session: " + mesocycles.map { "\($0.name) \($0.weeks) wk" }.joined(separator: ", ") + "."
        return PlanCreated(
            planId: planId, clientId: client.clientId, programType: type, goalStatement: profile.fitnessGoals,
            macrocycleWeeks: lengths.reduce(0, +), mesocycles: mesocycles, overview: overview,
            notes: notes.isEmpty ? nil : notes.joined(separator: " "), startDate: start,
            decision: DecisionRecord(coach: coach, coachVersion: version, inputs: inputs, rules: rules,
                                     seed: SeededGenerator.seed(of: "\(client.clientId)|\(start)"), durationMs: 0))
    }
}


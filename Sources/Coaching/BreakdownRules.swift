import Events

/// The rule-based coach's mesocycle breakdown: one microcycle per week, seven day plans each,
/// training on the client's days only, load rising week over week, a deload last when the
/// mesocycle has one. No workout detail.
public enum BreakdownRules {
    /// Day themes for `days` training days a week (convention: 2-3 days full body, 4
    /// upper/lower, 5-6 push/pull/legs; runs for endurance, a mix for hybrid).
    public static func themes(for type: ProgramType, days: Int) -> [String] {
        let count = min(7, max(1, days))
        switch type {
        case .strength, .shred:
            switch count {
            case 1: return ["Full body"]
            case 2: return ["Full body A", "Full body B"]
            case 3: return ["Full body A", "Full body B", "Full body C"]
            case 4: return ["Upper body", "Lower body", "Upper body", "Lower body"]
            case 5: return ["Push", "Pull", "Legs", "Upper body", "Lower body"]
            case 6: return ["Push", "Pull", "Legs", "Push", "Pull", "Legs"]
            default: return ["Push", "Pull", "Legs", "Push", "Pull", "Legs", "Conditioning"]
            }
        case .endurance:
            let runs = ["Easy run", "Intervals", "Long run", "Strength", "Tempo run", "Easy run", "Recovery run"]
            return orderedForWeek(Array(runs.prefix(count)), lastIs: "Long run")
        case .hybrid:
            let mix = ["Full body A", "Easy run", "Full body B", "Intervals", "Full body C", "Long run", "Mobility"]
            return Array(mix.prefix(count))
        case .rehab:
            return (0..<count).map { $0 % 2 == 0 ? "Mobility and strength" : "Low-impact cardio" }
        case .other:
            return (0..<count).map { "Full body \(["A", "B", "C"][$0 % 3])" }
        }
    }

    /// Puts the long run on the last training day of the week.
    static func orderedForWeek(_ themes: [String], lastIs last: String) -> [String] {
        guard let index = themes.firstIndex(of: last) else { return themes }
        var ordered = themes
        ordered.remove(at: index)
        ordered.append(last)
        return ordered
    }

    /// The load of week `week` (0-based) of a `weeks`-week mesocycle: moderate, then heavy;
    /// the last week light when the mesocycle deloads.
    public static func load(week: Int, of weeks: Int, deload: Bool) -> Load {
        if deload, week == weeks - 1 { return .light }
        return week == 0 ? .moderate : .heavy
    }

    /// Breaks mesocycle `index` of `plan` into weeks for a client who trains on `trainingDays`
    /// (ISO weekdays). Weeks run Monday to Sunday from the plan's first week; days before the
    /// plan's start are rest days.
    ///
    /// - Throws: ``RuleError`` for a mesocycle the plan does not have, or no training days.
    public static func breakdown(plan: PlanCreated, index: Int, trainingDays: [Int], inputs: [Int64]) throws -> MesocycleBroken {
        guard plan.mesocycles.indices.contains(index) else {
            throw RuleError("plan \(plan.planId) has \(plan.mesocycles.count) mesocycles; there is no mesocycle \(index + 1)")
        }
        let days = Set(trainingDays.filter { (1...7).contains($0) })
        guard !days.isEmpty else { throw RuleError("a breakdown needs at least one training day (1-7)") }
        let mesocycle = plan.mesocycles[index]
        let firstWeek = plan.mesocycles[..<index].reduce(0) { $0 + $1.weeks }
        let planMonday = ClientCalendar.monday(of: plan.startDate)
        let start = index == 0 ? plan.startDate : planMonday.adding(days: firstWeek * 7)
        let themes = themes(for: plan.programType, days: days.count)
        var rules = [
            "\(days.count) training days: \(themes.joined(separator: ", "))",
            "load moderate in week 1, heavy after",
        ]
        if mesocycle.deload { rules.append("deload: week \(mesocycle.weeks) light, sets x\(TrainingTables.deloadSetFactor)") }
        let microcycles = (0..<mesocycle.weeks).map { week -> MesocycleBroken.Microcycle in
            let monday = planMonday.adding(days: (firstWeek + week) * 7)
            let load = load(week: week, of: mesocycle.weeks, deload: mesocycle.deload)
            var next = 0
            let dayPlans = Weekday.allCases.map { day -> DayPlan in
                let date = monday.adding(days: day.isoNumber - 1)
                guard date >= plan.startDate else {
                    return DayPlan(day: day, theme: "Rest", load: nil, notes: "Your plan starts \(Weekday(isoNumber: plan.startDate.isoWeekday).shortName)")
                }
                guard days.contains(day.isoNumber) else {
                    return DayPlan(day: day, theme: "Rest", load: nil, notes: "An easy walk and 10 minutes of mobility.")
                }
                defer { next += 1 }
                let note = load == .light ? "Deload: half the sets, easier effort" : "Week \(week + 1) of \(mesocycle.weeks)"
                return DayPlan(day: day, theme: themes[next % themes.count], load: load, notes: note)
            }
            return .init(index: week, weekIndex: firstWeek + week, startDate: monday, days: dayPlans)
        }
        return MesocycleBroken(
            planId: plan.planId, clientId: plan.clientId,
            mesocycle: .init(
                index: index, name: mesocycle.name, phase: mesocycle.name.lowercased(), weeks: mesocycle.weeks,
                focus: mesocycle.focus, deload: mesocycle.deload, startDate: start),
            microcycles: microcycles,
            decision: DecisionRecord(coach: PlanRules.coach, coachVersion: PlanRules.version, inputs: inputs, rules: rules,
                                     seed: SeededGenerator.seed(of: "\(plan.clientId)|\(plan.planId)|\(index)"), durationMs: 0))
    }

    /// `broken` with each day moved that falls inside it: the session of `from` goes to `to`, and
    /// what `to` had goes to `from` (a rest day, or the other session: the two swap). The rules
    /// fired say so.
    public static func applying(_ moves: [DayMoved], to broken: MesocycleBroken) -> MesocycleBroken {
        var result = broken
        func locate(_ date: LocalDate) -> (week: Int, day: Int)? {
            guard let week = result.microcycles.firstIndex(where: { $0.startDate <= date && date < $0.startDate.adding(days: 7) }),
                  let day = result.microcycles[week].days.firstIndex(where: { $0.day.isoNumber == date.isoWeekday }) else { return nil }
            return (week, day)
        }
        for move in moves {
            guard let from = locate(move.from), let to = locate(move.to) else { continue }
            let moved = result.microcycles[from.week].days[from.day], there = result.microcycles[to.week].days[to.day]
            result.microcycles[to.week].days[to.day] = DayPlan(day: there.day, theme: moved.theme, load: moved.load, notes: moved.notes)
            result.microcycles[from.week].days[from.day] = DayPlan(day: moved.day, theme: there.theme, load: there.load, notes: there.notes)
            result.decision?.rules.append(there.load == nil
                ? "moved \(move.from) (\(moved.theme)) to \(move.to), asked by the client"
                : "moved \(move.from) (\(moved.theme)) to \(move.to), asked by the client; \(move.to) had \(there.theme): the two swap")
        }
        return result
    }
}

import Coaching
import Events
import Testing

@Suite("Plan rules")
struct PlanRulesTests {
    func client(goal: PrimaryGoal, injuries: [Injury] = []) -> ClientEnrolled {
        ClientEnrolled(
            clientId: "c", name: "N", phoneNumber: "+15550000000", email: nil, timezone: "America/New_York",
            preferredSendHour: 7, units: .imperial, optedIn: true, isActive: true,
            profile: FitnessProfile(
                fitnessGoals: "goal", primaryGoal: goal, skillLevel: .intermediate, daysPerWeek: 3, trainingDays: [1, 3, 5],
                sessionMinutes: 45, location: .commercialGym, equipment: [], injuries: injuries))
    }

    @Test(arguments: PlanRules.weeksAllowed)
    func blocksAreThreeToSixWeeksAndSumToThePlan(_ weeks: Int) {
        let lengths = PlanRules.blockLengths(weeks)
        #expect(lengths.reduce(0, +) == weeks)
        #expect(lengths.allSatisfy { (3...6).contains($0) }, "\(weeks): \(lengths)")
        #expect(lengths == lengths.sorted(by: >))
    }

    @Test(arguments: PrimaryGoal.allCases)
    func everyGoalGetsAConsistentPlan(_ goal: PrimaryGoal) throws {
        let start = LocalDate("2026-03-11")!
        let plan = try PlanRules.plan(planId: "p", client: client(goal: goal), start: start, weeks: 12, inputs: [1])
        #expect(plan.macrocycleWeeks == 12)
        #expect(plan.mesocycles.map(\.weeks).reduce(0, +) == plan.macrocycleWeeks)
        #expect(plan.mesocycles.allSatisfy { !$0.focus.isEmpty && (3...6).contains($0.weeks) })
        #expect(plan.mesocycles.allSatisfy { $0.deload == ($0.weeks >= 4) })
        #expect(plan.programType == PlanRules.programType(for: goal))
        #expect(plan.decision?.coach == "rules")
        #expect(plan.decision?.inputs == [1])
        #expect(plan.decision?.rules.isEmpty == false)
        #expect(plan.startDate == start)
        #expect(plan == (try PlanRules.plan(planId: "p", client: client(goal: goal), start: start, weeks: 12, inputs: [1])))
    }

    @Test func injuriesAreNotedAndResolvedOnesAreNot() throws {
        let plan = try PlanRules.plan(
            planId: "p", client: client(goal: .strength, injuries: [Injury(area: "knee", status: .active), Injury(area: "shoulder", status: .resolved)]),
            start: LocalDate("2026-03-09")!, inputs: [])
        #expect(plan.notes?.contains("knee") == true)
        #expect(plan.notes?.contains("shoulder") == false)
        #expect(plan.overview.contains("Mon, Wed, Fri"))
        var traveller = client(goal: .endurance)
        traveller.profile.travel = "away Apr 6-12, hotel gym"
        let trip = try PlanRules.plan(planId: "p", client: traveller, start: LocalDate("2026-03-09")!, inputs: [])
        #expect(trip.notes?.contains("Travel: away Apr 6-12, hotel gym.") == true)
    }

    @Test(arguments: [0, 3, 53])
    func aLengthOutsideFourToFiftyTwoWeeksIsAnError(_ weeks: Int) {
        #expect(throws: RuleError.self) {
            try PlanRules.plan(planId: "p", client: client(goal: .general), start: LocalDate("2026-03-09")!, weeks: weeks, inputs: [])
        }
    }
}

import Coaching
import Events
import Testing

@Suite("Breakdown rules")
struct BreakdownRulesTests {
    func plan(_ type: ProgramType, start: String, weeks: [Int], deload: [Bool]) -> PlanCreated {
        PlanCreated(
            planId: "p", clientId: "c", programType: type, macrocycleWeeks: weeks.reduce(0, +),
            mesocycles: zip(weeks, deload).map { MesocyclePlan(name: "Block", weeks: $0, focus: ["volume"], deload: $1) },
            overview: "", startDate: LocalDate(start)!)
    }

    static let dayChoices: [[Int]] = [[3], [2, 5], [1, 3, 5], [1, 2, 4, 5], [1, 2, 3, 5, 6], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]]

    @Test(arguments: ProgramType.allCases, dayChoices)
    func everyWeekHasSevenDaysAndTrainsOnlyOnTheClientsDays(_ type: ProgramType, _ days: [Int]) throws {
        let p = plan(type, start: "2026-03-09", weeks: [4, 4], deload: [true, false])
        for index in 0..<2 {
            let broken = try BreakdownRules.breakdown(plan: p, index: index, trainingDays: days, inputs: [7])
            #expect(broken.microcycles.count == 4)
            for (week, micro) in broken.microcycles.enumerated() {
                #expect(micro.days.map(\.day) == Weekday.allCases)
                #expect(micro.startDate.isoWeekday == 1)
                #expect(micro.weekIndex == index * 4 + week)
                let training = micro.days.filter { $0.load != nil }
                #expect(Set(training.map(\.day.isoNumber)) == Set(days))
                #expect(micro.days.filter { $0.load == nil }.allSatisfy { $0.theme == "Rest" })
            }
            #expect(broken.decision?.inputs == [7])
        }
    }

    @Test func theDeloadWeekIsLightAndLoadRisesBeforeIt() throws {
        let broken = try BreakdownRules.breakdown(plan: plan(.strength, start: "2026-03-09", weeks: [4], deload: [true]), index: 0, trainingDays: [1, 3, 5], inputs: [])
        let loads = broken.microcycles.map { Set($0.days.compactMap(\.load)) }
        #expect(loads == [[.moderate], [.heavy], [.heavy], [.light]])
        let noDeload = try BreakdownRules.breakdown(plan: plan(.strength, start: "2026-03-09", weeks: [3], deload: [false]), index: 0, trainingDays: [1, 3, 5], inputs: [])
        #expect(!noDeload.microcycles.flatMap(\.days).contains { $0.load == .light })
    }

    @Test func aPlanStartingMidWeekRestsUntilItsFirstDay() throws {
        let broken = try BreakdownRules.breakdown(plan: plan(.strength, start: "2026-03-11", weeks: [4, 4], deload: [true, true]), index: 0, trainingDays: [1, 3, 5], inputs: [])
        let first = broken.microcycles[0]
        #expect(first.startDate == LocalDate("2026-03-09"))
        #expect(first.days[0].load == nil)  // Monday, before the start
        #expect(first.days[0].notes?.contains("starts Wed") == true)
        #expect(first.days[2].load == .moderate)  // Wednesday, the first day
        #expect(broken.mesocycle.startDate == LocalDate("2026-03-11"))
        let second = try BreakdownRules.breakdown(plan: plan(.strength, start: "2026-03-11", weeks: [4, 4], deload: [true, true]), index: 1, trainingDays: [1, 3, 5], inputs: [])
        #expect(second.mesocycle.startDate == LocalDate("2026-04-06"))
        #expect(second.microcycles.map(\.weekIndex) == [4, 5, 6, 7])
    }

    @Test func enduranceWeeksEndOnTheLongRun() {
        let themes = BreakdownRules.themes(for: .endurance, days: 4)
        #expect(themes.last == "Long run")
        #expect(themes.count == 4)
    }

    @Test func aMissingMesocycleOrNoTrainingDaysIsAnError() {
        let p = plan(.strength, start: "2026-03-09", weeks: [4], deload: [true])
        #expect(throws: RuleError.self) { try BreakdownRules.breakdown(plan: p, index: 1, trainingDays: [1], inputs: []) }
        #expect(throws: RuleError.self) { try BreakdownRules.breakdown(plan: p, index: 0, trainingDays: [0, 8], inputs: []) }
    }
}

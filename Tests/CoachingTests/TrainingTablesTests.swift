import Coaching
import Events
import Testing

@Suite("Training tables")
struct TrainingTablesTests {
    @Test func theRPEChartGivesTheDocumentedValues() {
        #expect(TrainingTables.percent1RM(reps: 3, rpe: 8) == 86.3)
        #expect(TrainingTables.percent1RM(reps: 1, rpe: 10) == 100)
        #expect(TrainingTables.percent1RM(reps: 5, rpe: 9.5) == 85.0)
        #expect(TrainingTables.percent1RM(reps: 12, rpe: 6) == 57.4)
        #expect(TrainingTables.percent1RM(reps: 12, rpe: 5) == nil)
        #expect(TrainingTables.percent1RM(reps: 3, rpe: 8.25) == nil)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func strengthRepsGetAnRPEWhoseLoadIsInTheStrengthZone(_ reps: Int) throws {
        let rpe = try #require(TrainingTables.rpe(reps: reps, zone: TrainingTables.strength))
        let percent = try #require(TrainingTables.percent1RM(reps: reps, rpe: rpe))
        #expect(percent >= 85)
        #expect(rpe <= 9.5)
        #expect(TrainingTables.rpe(reps: 3, zone: TrainingTables.strength) == 8)
    }

    @Test(arguments: [6, 8, 10])
    func hypertrophyRepsLandInTheHypertrophyZone(_ reps: Int) throws {
        let rpe = try #require(TrainingTables.rpe(reps: reps, zone: TrainingTables.hypertrophy))
        let percent = try #require(TrainingTables.percent1RM(reps: reps, rpe: rpe))
        #expect(TrainingTables.hypertrophy.percent1RM.contains(percent))
    }

    @Test func goalsMapToZones() {
        #expect(TrainingTables.zone(for: .strength) == TrainingTables.strength)
        #expect(TrainingTables.zone(for: .hypertrophy).reps == 6...12)
        #expect(TrainingTables.zone(for: .endurance).restSeconds.upperBound <= 30)
        #expect(TrainingTables.weeklySets["quads"]?.maximumRecoverable == 20)
    }
}

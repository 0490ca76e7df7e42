import Coaching
import Events
import Testing

@Suite("Exercise catalog")
struct ExerciseCatalogTests {
    let catalog = ExerciseCatalog.standard

    @Test func theCatalogParsesAndIsLargeEnough() {
        #expect(catalog.exercises.count >= 150)
        #expect(Set(catalog.exercises.map(\.id)).count == catalog.exercises.count)
        #expect(catalog.exercises.allSatisfy { $0.name.count <= 28 && !$0.primary.isEmpty })
        #expect(catalog["back-squat"]?.stresses == ["knee", "lower-back"])
    }

    static let strengthPatterns = [
        "squat", "hinge", "lunge", "horizontal-push", "vertical-push", "horizontal-pull", "vertical-pull", "knee-flexion",
        "knee-extension", "hip-extension", "elbow-flexion", "elbow-extension", "carry", "shoulder-raise", "calf-raise",
        "anti-extension", "anti-rotation", "trunk-flexion", "rotation",
    ]

    @Test(arguments: strengthPatterns)
    func everyStrengthPatternHasABodyweightOrBandOptionForABeginner(_ pattern: String) {
        let home = catalog.candidates(pattern: pattern, equipment: ["band"], injuredAreas: [], level: .beginner)
        #expect(!home.isEmpty, "\(pattern)")
    }

    @Test func candidatesRespectEquipmentInjuriesAndLevel() {
        let kneeSafe = catalog.candidates(pattern: "squat", equipment: ["box", "dumbbell", "band"], injuredAreas: ["knee"], level: .advanced)
        #expect(!kneeSafe.isEmpty)
        #expect(kneeSafe.allSatisfy { !$0.stresses.contains("knee") && $0.equipment.isSubset(of: ["box", "dumbbell", "band"]) })
        let beginner = catalog.candidates(pattern: "hinge", equipment: ["barbell", "rack", "dumbbell", "kettlebell", "bench", "box"], injuredAreas: [], level: .beginner)
        #expect(beginner.allSatisfy { $0.level == .beginner })
        let none = catalog.candidates(pattern: "squat", equipment: [], injuredAreas: ["knee", "hip"], level: .beginner)
        #expect(none.allSatisfy { $0.equipment.isEmpty })
    }

    @Test func aBrokenLineIsNamed() {
        do {
            _ = try ExerciseCatalog(table: "a | A | squat | compound | - | quads | - | beginner | - | reps\nb | B | squat | lifting | - | quads | - | beginner | - | reps")
            Issue.record("should fail")
        } catch let error as CatalogError {
            #expect(error.line == 2)
            #expect(error.description.contains("unknown type lifting"))
        } catch {
            Issue.record("\(error)")
        }
    }
}

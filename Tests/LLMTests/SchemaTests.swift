import Coaching
import Events
import Foundation
import LLM
import Testing

@Suite("Schemas read off the event types")
struct SchemaTests {
    /// Every string and array in a schema, with its path.
    static func unbounded(_ schema: JSONSchema, path: String = "$") -> [String] {
        var found: [String] = []
        switch schema.kind {
        case .string where schema.enumValues == nil && schema.maxLength == nil: found.append(path)
        case .array:
            if schema.maxItems == nil { found.append(path) }
            if let item = schema.items.first { found += unbounded(item, path: path + "[]") }
        case .object:
            for property in schema.properties { found += unbounded(property.schema, path: path + "." + property.name) }
        default: break
        }
        return found
    }

    @Test func everyStringAndArrayIsBoundedAndSchemasStayShallow() throws {
        for schema in [try JSONSchema.of(PlanAnswer.self), try JSONSchema.of(BreakdownAnswer.self), try JSONSchema.of(WorkoutAnswer.self)] {
            #expect(Self.unbounded(schema).isEmpty, "\(Self.unbounded(schema))")
            #expect(schema.depth <= 5, "at most three objects deep, with an array between each")
        }
    }

    @Test func theWorkoutSchemaIsTheEventsOwnShape() throws {
        let schema = try JSONSchema.of(WorkoutAnswer.self)
        let block = try #require(schema.properties.first { $0.name == "blocks" }?.schema.items.first)
        let item = try #require(block.properties.first { $0.name == "items" }?.schema.items.first)
        // The item's properties are exactly WorkoutGenerated.Item's coding keys, in order.
        #expect(item.properties.map(\.name) == ["type", "exercise", "sets", "reps", "durationSec", "durationMin", "RPE", "percentageRM", "restSec", "distanceKm", "notes"])
        #expect(item.properties.filter(\.required).map(\.name) == ["type", "exercise"])
        #expect(item.properties[0].schema.enumValues == WorkoutGenerated.ItemType.allCases.map(\.rawValue))
        #expect(item.properties.first { $0.name == "RPE" }?.schema.maximum == 10)
        // A generated workout's blocks decode as an answer: one shape, not a twin.
        let workout = WorkoutGenerated(
            clientId: "c", planId: "p", date: LocalDate("2026-03-11")!, theme: "Full body", load: .moderate,
            blocks: [.init(name: "Main", items: [.init(type: .compound, exercise: "Back Squat", sets: 4, reps: .count(5), RPE: 8)])],
            modifications: [.init(condition: "knee pain", note: "Box squat")])
        let answer = try JSONDecoder().decode(WorkoutAnswer.self, from: JSONEncoder().encode(workout))
        #expect(answer.blocks == workout.blocks && answer.modifications == workout.modifications)
        // Days: Weekday's cases, seven of them.
        let week = try #require(try JSONSchema.of(BreakdownAnswer.self).properties[0].schema.items.first)
        let days = try #require(week.properties.first?.schema)
        #expect(days.minItems == 7 && days.maxItems == 7)
        #expect(days.items.first?.properties.first?.schema.enumValues == Weekday.allCases.map(\.rawValue))
    }

    @Test func strictOpenAISchemasCloseEveryObject() throws {
        func check(_ node: [String: Any]) {
            if node["type"] as? String == "object" || (node["type"] as? [String])?.contains("object") == true {
                #expect(node["additionalProperties"] as? Bool == false)
                let properties = node["properties"] as? [String: [String: Any]] ?? [:]
                #expect(Set(node["required"] as? [String] ?? []) == Set(properties.keys))
                properties.values.forEach(check)
            }
            if let items = node["items"] as? [String: Any] { check(items) }
        }
        for type in [try JSONSchema.of(PlanAnswer.self), try JSONSchema.of(BreakdownAnswer.self), try JSONSchema.of(WorkoutAnswer.self)] {
            check(type.openAI(strict: true))
        }
    }

    @Test func everyTemplatePlaceholderIsFilled() throws {
        let library = PromptLibrary.standard
        #expect(library.dailyWorkout.reference == "daily-workout@2")
        #expect(throws: PromptError.self) { try library.plan.render([:]) }
        #expect(throws: PromptError.self) { try PromptTemplate(text: "id: x\n--- system\nhi\n--- user\nthere", file: "x.prompt") }
        #expect(library.dailyWorkout.placeholders.isSuperset(of: ["theme", "load", "recentTraining", "equipment", "injuries", "focus"]))
    }
}

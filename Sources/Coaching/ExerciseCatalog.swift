import Events

/// One exercise of the catalog.
public struct Exercise: Sendable, Hashable {
    public let id: String
    public let name: String
    public let pattern: String
    public let type: WorkoutGenerated.ItemType
    /// Everything needed; empty means bodyweight only.
    public let equipment: Set<String>
    public let primary: [String]
    public let secondary: [String]
    public let level: SkillLevel
    /// Injury areas it loads meaningfully.
    public let stresses: Set<String>
    public let unit: Unit

    public enum Unit: String, Sendable, Hashable { case reps, seconds, minutes }

    /// Whether someone with `available` equipment can do it.
    public func isPossible(with available: Set<String>) -> Bool { equipment.isSubset(of: available) }
}

/// The exercise catalog written for Periodize (see `ExerciseCatalog+Entries.swift`).
public struct ExerciseCatalog: Sendable {
    public let exercises: [Exercise]
    private let byID: [String: Exercise]
    private let byName: [String: Exercise]
    private let byPattern: [String: [Exercise]]
    /// Warm-up and cooldown exercises, in catalog order.
    public let prep: [Exercise]
    public let cooldown: [Exercise]

    /// The catalog shipped with Periodize.
    public static let standard: ExerciseCatalog = {
        do {
            return try ExerciseCatalog(table: entries)
        } catch {
            fatalError("the built-in exercise catalog does not parse: \(error)")
        }
    }()

    /// Parses a table of `id | name | pattern | type | equipment | primary | secondary | level |
    /// stresses | unit` lines.
    ///
    /// - Throws: ``CatalogError`` naming the line and the field that is wrong.
    public init(table: String) throws {
        var exercises: [Exercise] = []
        var byID: [String: Exercise] = [:]
        for (number, raw) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let fields = line.components(separatedBy: " | ")
            func fail(_ reason: String) -> CatalogError { CatalogError(line: number + 1, reason: reason) }
            guard fields.count == 10 else { throw fail("expected 10 fields, found \(fields.count)") }
            func list(_ text: String) -> [String] { text == "-" ? [] : text.split(separator: ",").map(String.init) }
            guard let type = WorkoutGenerated.ItemType(rawValue: fields[3]) else { throw fail("unknown type \(fields[3])") }
            guard let level = SkillLevel(rawValue: fields[7]) else { throw fail("unknown level \(fields[7])") }
            guard let unit = Exercise.Unit(rawValue: fields[9]) else { throw fail("unknown unit \(fields[9])") }
            let exercise = Exercise(
                id: fields[0], name: fields[1], pattern: fields[2], type: type, equipment: Set(list(fields[4])),
                primary: list(fields[5]), secondary: list(fields[6]), level: level, stresses: Set(list(fields[8])), unit: unit)
            guard !exercise.primary.isEmpty else { throw fail("\(exercise.id) has no primary muscle") }
            guard byID[exercise.id] == nil else { throw fail("duplicate id \(exercise.id)") }
            byID[exercise.id] = exercise
            exercises.append(exercise)
        }
        self.exercises = exercises
        self.byID = byID
        self.byName = Dictionary(exercises.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.byPattern = Dictionary(grouping: exercises, by: \.pattern)
        self.prep = exercises.filter { $0.type == .prep }
        self.cooldown = exercises.filter { $0.type == .cooldown }
    }

    public subscript(id: String) -> Exercise? { byID[id] }

    /// The exercise a workout item names.
    public func exercise(named name: String) -> Exercise? { byName[name] }

    /// Exercises of `pattern` a client can do: equipment they have, no stressed area that is
    /// injured, at or below their level. In catalog order, so choices stay deterministic.
    public func candidates(pattern: String, equipment: Set<String>, injuredAreas: Set<String>, level: SkillLevel) -> [Exercise] {
        (byPattern[pattern] ?? []).filter {
            $0.level.rank <= level.rank && $0.isPossible(with: equipment) && $0.stresses.isDisjoint(with: injuredAreas)
        }
    }
}

/// A catalog line that does not parse.
public struct CatalogError: Error, CustomStringConvertible, Sendable {
    public let line: Int
    public let reason: String
    public var description: String { "exercise catalog line \(line): \(reason)" }
}

extension SkillLevel {
    /// beginner 0, intermediate 1, advanced 2.
    public var rank: Int {
        switch self {
        case .beginner: 0
        case .intermediate: 1
        case .advanced: 2
        }
    }
}

import Foundation

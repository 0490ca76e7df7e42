import Foundation

/// A client's workout for one local date, generated on demand and then reused.
public struct WorkoutGenerated: EventPayload {
    public static let eventType = "WorkoutGenerated"
    public static let schemaVersion = 2
    /// `modifications` name the injuries the workout works around.
    /// A revision's reasons quote what the client said of the day (a knee that hurts).
    public static let personalFields = ["modifications", "revision.because"] + decisionPersonalFields

    public var clientId: String
    public var planId: String?
    public var date: LocalDate
    public var theme: String
    public var load: Load?
    public var blocks: [Block]
    public var modifications: [Modification]
    public var decision: DecisionRecord?
    /// The legacy row this workout was imported from.
    public var legacy: LegacyWorkout?
    /// Set when this workout was generated again for a day that had one: what it superseded
    /// and why.
    public var revision: Revision?

    /// What a workout generated again superseded, and what asked for it.
    public struct Revision: Codable, Sendable, Equatable {
        /// The log position of the workout it replaces (which stays in the history).
        public var supersedes: Int64
        /// What changed it, in order: the changes asked (`swap deadlifts`, `shorter 20 min`) or the
        /// feedback that arrived after it was made.
        public var because: [String]
        /// The texts that asked, by provider message id.
        public var providerMessageIds: [String]

        public init(supersedes: Int64, because: [String], providerMessageIds: [String]) {
            self.supersedes = supersedes
            self.because = because
            self.providerMessageIds = providerMessageIds
        }
    }

    public init(
        clientId: String, planId: String?, date: LocalDate, theme: String, load: Load? = nil,
        blocks: [Block], modifications: [Modification], decision: DecisionRecord? = nil, legacy: LegacyWorkout? = nil
    ) {
        self.clientId = clientId
        self.planId = planId
        self.date = date
        self.theme = theme
        self.load = load
        self.blocks = blocks
        self.modifications = modifications
        self.decision = decision
        self.legacy = legacy
    }

    public struct Block: Codable, Sendable, Equatable {
        public var name: String
        public var items: [Item]

        public init(name: String, items: [Item]) {
            self.name = name
            self.items = items
        }

        /// A block the rule-based coach writes, under its name.
        public init(_ kind: Kind, items: [Item]) {
            self.init(name: kind.rawValue, items: items)
        }

        /// The blocks the rule-based coach writes (and the formatter reads) by name; a model's
        /// block may have any other name, a cardio block is named after its theme.
        public enum Kind: String, Sendable, CaseIterable {
            case warmUp = "Warm-up"
            case main = "Main"
            case accessories = "Accessories"
            case cooldown = "Cooldown"
        }

        /// Which of the known blocks this is, by its name.
        public var kind: Kind? { Kind(rawValue: name) }
    }

    public enum ItemType: String, Codable, Sendable, CaseIterable {
        case prep, compound, secondary, accessory, core, cardio, cooldown
    }

    public struct Item: Codable, Sendable, Equatable {
        public var type: ItemType
        public var exercise: String
        public var sets: Int?
        public var reps: RepCount?
        public var durationSec: Int?
        public var durationMin: Double?
        public var RPE: Double?
        public var percentageRM: Double?
        public var restSec: Int?
        public var distanceKm: Double?
        public var notes: String?

        public init(
            type: ItemType, exercise: String, sets: Int? = nil, reps: RepCount? = nil, durationSec: Int? = nil,
            durationMin: Double? = nil, RPE: Double? = nil, percentageRM: Double? = nil, restSec: Int? = nil,
            distanceKm: Double? = nil, notes: String? = nil
        ) {
            self.type = type
            self.exercise = exercise
            self.sets = sets
            self.reps = reps
            self.durationSec = durationSec
            self.durationMin = durationMin
            self.RPE = RPE
            self.percentageRM = percentageRM
            self.restSec = restSec
            self.distanceKm = distanceKm
            self.notes = notes
        }
    }

    public struct Modification: Codable, Sendable, Equatable {
        public var condition: String
        public var replace: Replacement?
        public var note: String

        public init(condition: String, replace: Replacement? = nil, note: String) {
            self.condition = condition
            self.replace = replace
            self.note = note
        }
    }

    public struct Replacement: Codable, Sendable, Equatable {
        public var exercise: String
        public var with: String

        public init(exercise: String, with: String) {
            self.exercise = exercise
            self.with = with
        }
    }

    public struct LegacyWorkout: Codable, Sendable, Equatable {
        public var id: String
        public var mesocycleId: String?
        public var microcycleId: String?
        public var sessionType: String?
        public var goal: String?
        public var details: JSONValue?
        public var createdAt: String

        public init(id: String, mesocycleId: String?, microcycleId: String?, sessionType: String?, goal: String?, details: JSONValue?, createdAt: String) {
            self.id = id
            self.mesocycleId = mesocycleId
            self.microcycleId = microcycleId
            self.sessionType = sessionType
            self.goal = goal
            self.details = details
            self.createdAt = createdAt
        }
    }
}

/// Version 1: a legacy `workoutInstances` row; `details` is free-form or null.
public struct WorkoutGeneratedV1: LegacyEventPayload {
    public typealias Current = WorkoutGenerated
    public static let schemaVersion = 1

    public var id: String
    public var clientId: String
    public var fitnessPlanId: String?
    public var mesocycleId: String?
    public var microcycleId: String?
    public var date: LocalDate
    public var sessionType: String?
    public var goal: String?
    public var details: JSONValue?
    public var createdAt: String

    public init(id: String, clientId: String, fitnessPlanId: String?, mesocycleId: String?, microcycleId: String?, date: LocalDate, sessionType: String?, goal: String?, details: JSONValue?, createdAt: String) {
        self.id = id
        self.clientId = clientId
        self.fitnessPlanId = fitnessPlanId
        self.mesocycleId = mesocycleId
        self.microcycleId = microcycleId
        self.date = date
        self.sessionType = sessionType
        self.goal = goal
        self.details = details
        self.createdAt = createdAt
    }

    /// The legacy row is kept whole in `legacy`; exercises listed as `details.exercises[{name,
    /// sets, reps}]` also become one block so the workout reads like a current one.
    public func upcast() -> WorkoutGenerated {
        var items: [WorkoutGenerated.Item] = []
        if case .array(let exercises)? = details?["exercises"] {
            for exercise in exercises {
                guard let name = exercise["name"]?.stringValue else { continue }
                let sets: Int? = if case .int(let n)? = exercise["sets"] { Int(n) } else { nil }
                let reps: RepCount? = switch exercise["reps"] {
                case .int(let n)?: .count(Int(n))
                case .string(let text)?: .text(text)
                default: nil
                }
                items.append(.init(type: .compound, exercise: name, sets: sets, reps: reps))
            }
        }
        return WorkoutGenerated(
            clientId: clientId, planId: fitnessPlanId, date: date,
            theme: sessionType ?? goal ?? "Legacy session",
            blocks: items.isEmpty ? [] : [.init(name: "Session", items: items)],
            modifications: [],
            legacy: .init(id: id, mesocycleId: mesocycleId, microcycleId: microcycleId, sessionType: sessionType, goal: goal, details: details, createdAt: createdAt))
    }
}

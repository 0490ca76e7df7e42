import Foundation

/// The mesocycle that contains a date was broken into weeks of day themes. No workout detail.
public struct MesocycleBroken: EventPayload {
    public static let eventType = "MesocycleBroken"
    public static let schemaVersion = 2
    public static let personalFields = decisionPersonalFields

    public var planId: String
    public var clientId: String
    public var mesocycle: Mesocycle
    public var microcycles: [Microcycle]
    public var decision: DecisionRecord?

    public init(planId: String, clientId: String, mesocycle: Mesocycle, microcycles: [Microcycle], decision: DecisionRecord? = nil) {
        self.planId = planId
        self.clientId = clientId
        self.mesocycle = mesocycle
        self.microcycles = microcycles
        self.decision = decision
    }

    public struct Mesocycle: Codable, Sendable, Equatable {
        public var index: Int
        public var name: String
        public var phase: String?
        public var weeks: Int
        public var focus: [String]
        public var deload: Bool
        public var startDate: LocalDate
        /// The legacy row id, when this mesocycle came from the import.
        public var legacyId: String?

        public init(index: Int, name: String, phase: String?, weeks: Int, focus: [String], deload: Bool, startDate: LocalDate, legacyId: String? = nil) {
            self.index = index
            self.name = name
            self.phase = phase
            self.weeks = weeks
            self.focus = focus
            self.deload = deload
            self.startDate = startDate
            self.legacyId = legacyId
        }
    }

    /// One week.
    public struct Microcycle: Codable, Sendable, Equatable {
        public var index: Int
        /// Week of the plan, counted from 0 at the plan's start.
        public var weekIndex: Int
        public var startDate: LocalDate
        /// Seven days in a fresh breakdown; none in a legacy week, which held only targets.
        public var days: [DayPlan]
        public var legacy: LegacyWeek?

        public init(index: Int, weekIndex: Int, startDate: LocalDate, days: [DayPlan], legacy: LegacyWeek? = nil) {
            self.index = index
            self.weekIndex = weekIndex
            self.startDate = startDate
            self.days = days
            self.legacy = legacy
        }
    }

    public struct LegacyWeek: Codable, Sendable, Equatable {
        public var id: String
        public var endDate: LocalDate
        public var targets: JSONValue
        public var createdAt: String

        public init(id: String, endDate: LocalDate, targets: JSONValue, createdAt: String) {
            self.id = id
            self.endDate = endDate
            self.targets = targets
            self.createdAt = createdAt
        }
    }
}

/// One day of a microcycle.
public struct DayPlan: Codable, Sendable, Equatable {
    public var day: Weekday
    public var theme: String
    public var load: Load?
    public var notes: String?

    public init(day: Weekday, theme: String, load: Load?, notes: String? = nil) {
        self.day = day
        self.theme = theme
        self.load = load
        self.notes = notes
    }
}

public enum Load: String, Codable, Sendable, CaseIterable { case light, moderate, heavy }

/// A day of the week, stored as `MONDAY`; `Mon`, `monday` and `MON` are accepted on decode
/// (the original stored one form and looked up the other).
public enum Weekday: String, Codable, Sendable, CaseIterable, Comparable {
    case monday = "MONDAY", tuesday = "TUESDAY", wednesday = "WEDNESDAY", thursday = "THURSDAY"
    case friday = "FRIDAY", saturday = "SATURDAY", sunday = "SUNDAY"

    /// ISO weekday, Monday = 1.
    public var isoNumber: Int { Weekday.allCases.firstIndex(of: self)! + 1 }

    public init(isoNumber: Int) { self = Weekday.allCases[(isoNumber - 1) % 7] }

    public var shortName: String { String(rawValue.prefix(1)) + rawValue.dropFirst().prefix(2).lowercased() }

    public init?(name: String) {
        let key = name.trimmingCharacters(in: .whitespaces).uppercased()
        guard key.count >= 3, let match = Weekday.allCases.first(where: { $0.rawValue.hasPrefix(key) || key == $0.rawValue }) else { return nil }
        // Only the three-letter form or the full name: "TU" or "THURS" are not accepted.
        guard key.count == 3 || key == match.rawValue else { return nil }
        self = match
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = Weekday(name: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a day of the week: \(text)")
        }
        self = day
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.isoNumber < rhs.isoNumber }
}

/// Version 1: a legacy `mesocycles` row with its `microcycles` rows.
public struct MesocycleBrokenV1: LegacyEventPayload {
    public typealias Current = MesocycleBroken
    public static let schemaVersion = 1

    public var id: String
    public var clientId: String
    public var fitnessPlanId: String
    public var index: Int
    public var phase: String?
    public var lengthWeeks: Int
    public var startDate: LocalDate
    public var createdAt: String
    public var microcycles: [Week]

    public init(id: String, clientId: String, fitnessPlanId: String, index: Int, phase: String?, lengthWeeks: Int, startDate: LocalDate, createdAt: String, microcycles: [Week]) {
        self.id = id
        self.clientId = clientId
        self.fitnessPlanId = fitnessPlanId
        self.index = index
        self.phase = phase
        self.lengthWeeks = lengthWeeks
        self.startDate = startDate
        self.createdAt = createdAt
        self.microcycles = microcycles
    }

    public struct Week: Codable, Sendable, Equatable {
        public var id: String
        public var index: Int
        public var startDate: LocalDate
        public var endDate: LocalDate
        public var targets: JSONValue
        public var createdAt: String

        public init(id: String, index: Int, startDate: LocalDate, endDate: LocalDate, targets: JSONValue, createdAt: String) {
            self.id = id
            self.index = index
            self.startDate = startDate
            self.endDate = endDate
            self.targets = targets
            self.createdAt = createdAt
        }
    }

    public func upcast() -> MesocycleBroken {
        MesocycleBroken(
            planId: fitnessPlanId, clientId: clientId,
            mesocycle: .init(
                index: index, name: phase ?? "Training Phase", phase: phase, weeks: lengthWeeks,
                focus: PlanCreatedV1.focus(forPhase: phase), deload: false, startDate: startDate, legacyId: id),
            microcycles: microcycles.map { week in
                .init(index: week.index, weekIndex: week.index, startDate: week.startDate, days: [],
                      legacy: .init(id: week.id, endDate: week.endDate, targets: week.targets, createdAt: week.createdAt))
            })
    }
}

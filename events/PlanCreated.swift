import Foundation

/// A fitness plan of mesocycles was generated for a client. No microcycle detail.
public struct PlanCreated: EventPayload {
    public static let eventType = "PlanCreated"
    public static let schemaVersion = 2
    /// `notes` quote the profile's injuries and travel.
    /// The goal statement is the client's own words (a goal often says why: an injury, a condition).
    public static let personalFields = ["goalStatement", "notes"] + decisionPersonalFields

    public var planId: String
    public var clientId: String
    public var programType: ProgramType
    public var goalStatement: String?
    /// The sum of the mesocycles' weeks.
    public var macrocycleWeeks: Int
    public var mesocycles: [MesocyclePlan]
    public var overview: String
    /// Travel, injuries and other considerations.
    public var notes: String?
    /// The local date the plan starts.
    public var startDate: LocalDate
    public var decision: DecisionRecord?
    /// The legacy macrocycles this plan was converted from, when it came from the import.
    public var legacy: LegacyPlan?

    public init(
        planId: String, clientId: String, programType: ProgramType, goalStatement: String? = nil,
        macrocycleWeeks: Int, mesocycles: [MesocyclePlan], overview: String, notes: String? = nil,
        startDate: LocalDate, decision: DecisionRecord? = nil, legacy: LegacyPlan? = nil
    ) {
        self.planId = planId
        self.clientId = clientId
        self.programType = programType
        self.goalStatement = goalStatement
        self.macrocycleWeeks = macrocycleWeeks
        self.mesocycles = mesocycles
        self.overview = overview
        self.notes = notes
        self.startDate = startDate
        self.decision = decision
        self.legacy = legacy
    }
}

public enum ProgramType: String, Codable, Sendable, CaseIterable {
    case endurance, strength, shred, hybrid, rehab, other
}

/// One mesocycle of a plan: 3-6 weeks with a focus.
public struct MesocyclePlan: Codable, Sendable, Equatable {
    public var name: String
    public var weeks: Int
    public var focus: [String]
    public var deload: Bool

    public init(name: String, weeks: Int, focus: [String], deload: Bool) {
        self.name = name
        self.weeks = weeks
        self.focus = focus
        self.deload = deload
    }
}

/// What a converted legacy plan held, kept so the pre-migration world can be shown exactly.
public struct LegacyPlan: Codable, Sendable, Equatable {
    public var macrocycles: [PlanCreatedV1.Macrocycle]
    public var createdAt: String
    public var updatedAt: String

    public init(macrocycles: [PlanCreatedV1.Macrocycle], createdAt: String, updatedAt: String) {
        self.macrocycles = macrocycles
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Version 1: a legacy `fitnessPlans` row with its macrocycles column.
public struct PlanCreatedV1: LegacyEventPayload {
    public typealias Current = PlanCreated
    public static let schemaVersion = 1

    public var id: String
    public var clientId: String
    public var programType: String
    public var goalStatement: String?
    public var overview: String?
    public var startDate: LocalDate
    public var createdAt: String
    public var updatedAt: String
    /// Read from a JSON array or from a string holding one; absent or null is none.
    public var macrocycles: [Macrocycle]

    public init(
        id: String, clientId: String, programType: String, goalStatement: String?, overview: String?,
        startDate: LocalDate, createdAt: String, updatedAt: String, macrocycles: [Macrocycle]
    ) {
        self.id = id
        self.clientId = clientId
        self.programType = programType
        self.goalStatement = goalStatement
        self.overview = overview
        self.startDate = startDate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.macrocycles = macrocycles
    }

    public struct Macrocycle: Codable, Sendable, Equatable {
        public var name: String?
        public var description: String?
        public var durationWeeks: Int?
        public var mesocycles: [Mesocycle]

        public init(name: String?, description: String?, durationWeeks: Int?, mesocycles: [Mesocycle]) {
            self.name = name
            self.description = description
            self.durationWeeks = durationWeeks
            self.mesocycles = mesocycles
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            durationWeeks = try c.decodeIfPresent(Int.self, forKey: .durationWeeks)
            mesocycles = try c.decodeIfPresent([Mesocycle].self, forKey: .mesocycles) ?? []
        }
    }

    public struct Mesocycle: Codable, Sendable, Equatable {
        public var phase: String?
        public var weeks: Int?
        public var microcycleOverviews: [MicrocycleOverview]

        public init(phase: String?, weeks: Int?, microcycleOverviews: [MicrocycleOverview]) {
            self.phase = phase
            self.weeks = weeks
            self.microcycleOverviews = microcycleOverviews
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            phase = try c.decodeIfPresent(String.self, forKey: .phase)
            weeks = try c.decodeIfPresent(Int.self, forKey: .weeks)
            microcycleOverviews = try c.decodeIfPresent([MicrocycleOverview].self, forKey: .microcycleOverviews) ?? []
        }
    }

    public struct MicrocycleOverview: Codable, Sendable, Equatable {
        public var index: Int
        public var split: String?
        public var totalMileage: Double?
        public var longRunMileage: Double?
        public var avgIntensityPct1RM: Double?
        public var totalSetsMainLifts: Int?
        public var deload: Bool?

        public init(
            index: Int, split: String? = nil, totalMileage: Double? = nil, longRunMileage: Double? = nil,
            avgIntensityPct1RM: Double? = nil, totalSetsMainLifts: Int? = nil, deload: Bool? = nil
        ) {
            self.index = index
            self.split = split
            self.totalMileage = totalMileage
            self.longRunMileage = longRunMileage
            self.avgIntensityPct1RM = avgIntensityPct1RM
            self.totalSetsMainLifts = totalSetsMainLifts
            self.deload = deload
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, clientId, programType, goalStatement, overview, startDate, createdAt, updatedAt, macrocycles
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        clientId = try c.decode(String.self, forKey: .clientId)
        programType = try c.decode(String.self, forKey: .programType)
        goalStatement = try c.decodeIfPresent(String.self, forKey: .goalStatement)
        overview = try c.decodeIfPresent(String.self, forKey: .overview)
        startDate = try c.decode(LocalDate.self, forKey: .startDate)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        updatedAt = try c.decode(String.self, forKey: .updatedAt)
        if let text = try? c.decodeIfPresent(String.self, forKey: .macrocycles) {
            do {
                macrocycles = try JSONDecoder().decode([Macrocycle].self, from: Data(text.utf8))
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .macrocycles, in: c,
                    debugDescription: "macrocycles is a string that does not hold a JSON array of macrocycles")
            }
        } else {
            macrocycles = try c.decodeIfPresent([Macrocycle].self, forKey: .macrocycles) ?? []
        }
    }

    /// The clean-slate conversion: the mesocycles of every macrocycle, in order.
    /// name = phase or "Training Phase"; weeks = weeks or 4; focus from the phase name;
    /// deload when any week overview says so; macrocycleWeeks = the sum.
    public func upcast() -> PlanCreated {
        let mesocycles = macrocycles.flatMap(\.mesocycles).map { mesocycle in
            MesocyclePlan(
                name: mesocycle.phase ?? "Training Phase",
                weeks: mesocycle.weeks ?? 4,
                focus: Self.focus(forPhase: mesocycle.phase),
                deload: mesocycle.microcycleOverviews.contains { $0.deload == true })
        }
        return PlanCreated(
            planId: id, clientId: clientId,
            programType: ProgramType(rawValue: programType.lowercased()) ?? .other,
            goalStatement: goalStatement,
            macrocycleWeeks: mesocycles.reduce(0) { $0 + $1.weeks },
            mesocycles: mesocycles,
            overview: overview ?? "",
            startDate: startDate,
            legacy: LegacyPlan(macrocycles: macrocycles, createdAt: createdAt, updatedAt: updatedAt))
    }

    /// accumulation -> volume, technique; intensification -> intensity; peaking -> performance;
    /// anything else -> general. Case-insensitive.
    public static func focus(forPhase phase: String?) -> [String] {
        let name = phase?.lowercased() ?? ""
        if name.contains("accumulation") { return ["volume", "technique"] }
        if name.contains("intensification") { return ["intensity"] }
        if name.contains("peaking") { return ["performance"] }
        return ["general"]
    }
}

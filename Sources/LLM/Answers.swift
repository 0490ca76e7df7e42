import Events

// What a model is asked to answer: the event types' own parts (the schema is read off them),
// wrapped in the few fields a model decides. Ids, dates and decision records are Periodize's.

/// A plan's shape: program type and mesocycles.
public struct PlanAnswer: Codable, Sendable, Equatable, SchemaBounded {
    public var programType: ProgramType
    public var overview: String
    public var notes: String?
    public var mesocycles: [MesocyclePlan]

    public static let schemaBounds: [String: SchemaBound] = [
        "overview": .text(400, "two or three sentences a client reads"),
        "notes": .text(300, "injuries, travel and other considerations"),
        "mesocycles": .list(1...8, "in order; their weeks sum to the plan's length"),
    ]
}

/// A mesocycle's weeks of day themes.
public struct BreakdownAnswer: Codable, Sendable, Equatable, SchemaBounded {
    public var weeks: [Week]

    public struct Week: Codable, Sendable, Equatable, SchemaBounded {
        public var days: [DayPlan]
        public static let schemaBounds: [String: SchemaBound] = ["days": .list(7...7, "MONDAY to SUNDAY in order")]
    }

    public static let schemaBounds: [String: SchemaBound] = ["weeks": .list(1...8, "one entry per week of the mesocycle")]
}

/// A day's workout: its blocks and the modifications for common issues.
public struct WorkoutAnswer: Codable, Sendable, Equatable, SchemaBounded {
    public var blocks: [WorkoutGenerated.Block]
    public var modifications: [WorkoutGenerated.Modification]

    public static let schemaBounds: [String: SchemaBound] = [
        "blocks": .list(3...6, "warm-up first, then main work, cooldown last"),
        "modifications": .list(0...4),
    ]
}

extension MesocyclePlan: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = [
        "name": .text(40), "weeks": .number(1...8), "focus": .list(1...4),
        "deload": .note("true when the last week is a deload"),
    ]
}

extension DayPlan: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = [
        "theme": .text(40, "the session's theme, or Rest"),
        "load": .note("light, moderate or heavy on a training day; null on a rest day"),
        "notes": .text(120),
    ]
}

extension WorkoutGenerated.Block: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = ["name": .text(40), "items": .list(1...8)]
}

extension WorkoutGenerated.Item: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = [
        "exercise": .text(60), "sets": .number(1...10), "durationSec": .number(5...3600), "durationMin": .number(1...180),
        "RPE": .number(1...10), "percentageRM": .number(20...100), "restSec": .number(0...600), "distanceKm": .number(0...100),
        "notes": .text(120),
    ]
}

extension WorkoutGenerated.Modification: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = ["condition": .text(80), "note": .text(160)]
}

extension WorkoutGenerated.Replacement: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = ["exercise": .text(60), "with": .text(60)]
}

/// A daily SMS in a coach's words.
public struct MessageAnswer: Codable, Sendable, Equatable, SchemaBounded {
    public var body: String

    public static let schemaBounds: [String: SchemaBound] = ["body": .text(480, "the whole SMS, plain text")]
}

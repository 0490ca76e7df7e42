import Foundation

/// One thing a client's reply asks for or says, with its slots. A reply reads as zero, one or
/// several of them, in the order they were said.
public struct ReplyIntent: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The workout was done (`rpe`, `feel`).
        case done
        /// A day is skipped (`date`, `reason`).
        case skip
        /// The daily text's time (`hour`, `minute`).
        case sendTime
        /// A time zone (`zone`), for a range (`from`, `until`) or for good.
        case timezone
        /// The training days from now on (`days`, ISO numbers).
        case trainingDays
        /// An injury (`area`) that is active, or over (`active`).
        case injury
        /// Travel with the equipment at hand (`equipment`), for a range (`from`, `until`).
        case travel
        /// No daily messages from `from` until `until` (the last paused day).
        case pause
        /// Today's workout, again.
        case askWorkout
        /// A question from the small set answered with the templates (`topic`).
        case askQuestion
        /// Another exercise for one (`exercise`), or for what is missing (`missing`: `barbell`,
        /// `gym`, ...), on `date` (today when not said).
        case swap
        /// An easier session on `date`.
        case lighter
        /// A session of `minutes` on `date`.
        case shorter
        /// A harder session on `date`.
        case harder
        /// The session of `date` moved to `to`.
        case moveDay
        /// Something that matters but cannot be read safely: ask.
        case clarify
        /// Anything else: a person reads it.
        case unknown
    }

    public var intent: Kind
    public var rpe: Int?
    /// `easy`, `hard`, `good`.
    public var feel: String?
    public var date: LocalDate?
    public var reason: String?
    public var hour: Int?
    public var minute: Int?
    public var zone: String?
    public var from: LocalDate?
    public var until: LocalDate?
    public var days: [Int]?
    public var area: String?
    public var active: Bool?
    /// `hotel-gym`, `bodyweight`, `dumbbells`, `bands`.
    public var equipment: String?
    /// `rpe`, `deload`, `amrap`, `1rm`, `rest`, `superset`, `warmup`, `tempo`.
    public var topic: String?
    /// What to swap out, as the client named it (`deadlifts`, `pull-ups`).
    public var exercise: String?
    /// Equipment not at hand today (`barbell`, `rack`, `bench`, `gym`, ...).
    public var missing: String?
    /// A session's length.
    public var minutes: Int?
    /// Where a moved day goes.
    public var to: LocalDate?

    public init(
        _ intent: Kind, rpe: Int? = nil, feel: String? = nil, date: LocalDate? = nil, reason: String? = nil, hour: Int? = nil, minute: Int? = nil,
        zone: String? = nil, from: LocalDate? = nil, until: LocalDate? = nil, days: [Int]? = nil, area: String? = nil, active: Bool? = nil,
        equipment: String? = nil, topic: String? = nil, exercise: String? = nil, missing: String? = nil, minutes: Int? = nil, to: LocalDate? = nil
    ) {
        self.intent = intent
        self.rpe = rpe
        self.feel = feel
        self.date = date
        self.reason = reason
        self.hour = hour
        self.minute = minute
        self.zone = zone
        self.from = from
        self.until = until
        self.days = days
        self.area = area
        self.active = active
        self.equipment = equipment
        self.topic = topic
        self.exercise = exercise
        self.missing = missing
        self.minutes = minutes
        self.to = to
    }

    /// The values the string slots take: what a reader (the rules or a model) may answer.
    public static let feels = ["easy", "hard", "good"]
    public static let areas = ["knee", "shoulder", "back", "ankle", "wrist", "hip", "elbow", "neck", "hamstring", "calf", "foot"]
    public static let equipmentKinds = ["hotel-gym", "bodyweight", "dumbbells", "bands"]
    public static let topics = ["rpe", "deload", "amrap", "1rm", "rest", "superset", "warmup", "tempo"]
    /// What a client may say is not at hand today.
    public static let missingKinds = ["barbell", "rack", "bench", "cable", "machine", "dumbbell", "kettlebell", "pull-up-bar", "gym"]

    public var description: String {
        var parts = [intent.rawValue]
        if let rpe { parts.append("rpe=\(rpe)") }
        if let feel { parts.append("feel=\(feel)") }
        if let date { parts.append("date=\(date)") }
        if let reason { parts.append("reason=\(reason)") }
        if let hour { parts.append("at=\(hour):\(String(format: "%02d", minute ?? 0))") }
        if let zone { parts.append("zone=\(zone)") }
        if let from { parts.append("from=\(from)") }
        if let until { parts.append("until=\(until)") }
        if let days { parts.append("days=\(days.map(String.init).joined(separator: ","))") }
        if let area { parts.append("area=\(area)") }
        if let active { parts.append("active=\(active)") }
        if let equipment { parts.append("equipment=\(equipment)") }
        if let topic { parts.append("topic=\(topic)") }
        if let exercise { parts.append("exercise=\(exercise)") }
        if let missing { parts.append("missing=\(missing)") }
        if let minutes { parts.append("minutes=\(minutes)") }
        if let to { parts.append("to=\(to)") }
        return parts.joined(separator: " ")
    }
}

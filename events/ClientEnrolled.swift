import Foundation

/// A coaching service enrolled a client. The first event of stream `client-<clientId>`.
public struct ClientEnrolled: EventPayload {
    public static let eventType = "ClientEnrolled"
    public static let schemaVersion = 2
    public static let personalFields = [
        "name", "phoneNumber", "email", "profile.fitnessGoals", "profile.age", "profile.gender", "profile.injuries", "profile.travel",
    ]

    public var clientId: String
    public var name: String
    /// E.164.
    public var phoneNumber: String
    public var email: String?
    /// IANA time zone identifier.
    public var timezone: String
    /// Local hour, 0-23, at which the daily message goes out.
    public var preferredSendHour: Int
    public var units: Units
    public var optedIn: Bool
    public var isActive: Bool
    public var profile: FitnessProfile

    public init(
        clientId: String, name: String, phoneNumber: String, email: String?, timezone: String,
        preferredSendHour: Int, units: Units, optedIn: Bool, isActive: Bool, profile: FitnessProfile
    ) {
        self.clientId = clientId
        self.name = name
        self.phoneNumber = phoneNumber
        self.email = email
        self.timezone = timezone
        self.preferredSendHour = preferredSendHour
        self.units = units
        self.optedIn = optedIn
        self.isActive = isActive
        self.profile = profile
    }
}

public enum Units: String, Codable, Sendable, CaseIterable { case metric, imperial }

public enum SkillLevel: String, Codable, Sendable, CaseIterable { case beginner, intermediate, advanced }

public enum PrimaryGoal: String, Codable, Sendable, CaseIterable {
    case strength, hypertrophy, endurance, fatLoss, general, rehab
}

/// Where the client trains, which decides the equipment a workout may use.
public enum TrainingLocation: String, Codable, Sendable, CaseIterable {
    case commercialGym, home, bodyweight
}

public enum InjuryStatus: String, Codable, Sendable, CaseIterable { case active, resolved }

public struct Injury: Codable, Sendable, Equatable {
    /// knee, lower-back, shoulder, elbow, wrist, hip, ankle, neck.
    public var area: String
    public var status: InjuryStatus
    public var notes: String?

    public init(area: String, status: InjuryStatus, notes: String? = nil) {
        self.area = area
        self.status = status
        self.notes = notes
    }
}

/// What the coach needs to know about the client.
public struct FitnessProfile: Codable, Sendable, Equatable {
    public var fitnessGoals: String
    public var primaryGoal: PrimaryGoal
    public var skillLevel: SkillLevel
    public var daysPerWeek: Int
    /// ISO weekdays (1 = Monday ... 7 = Sunday) the client trains on.
    public var trainingDays: [Int]
    public var sessionMinutes: Int
    public var location: TrainingLocation
    /// Equipment available at home; ignored in a commercial gym.
    public var equipment: [String]
    public var injuries: [Injury]
    public var age: Int?
    public var gender: String?
    /// Travel the plan should know about, in the client's words ("away Apr 6-12, hotel gym").
    public var travel: String?

    public init(
        fitnessGoals: String, primaryGoal: PrimaryGoal, skillLevel: SkillLevel, daysPerWeek: Int,
        trainingDays: [Int], sessionMinutes: Int, location: TrainingLocation, equipment: [String],
        injuries: [Injury], age: Int? = nil, gender: String? = nil, travel: String? = nil
    ) {
        self.fitnessGoals = fitnessGoals
        self.primaryGoal = primaryGoal
        self.skillLevel = skillLevel
        self.daysPerWeek = daysPerWeek
        self.trainingDays = trainingDays
        self.sessionMinutes = sessionMinutes
        self.location = location
        self.equipment = equipment
        self.injuries = injuries
        self.age = age
        self.gender = gender
        self.travel = travel
    }
}

/// Version 1: a legacy `users` row joined with its `fitnessProfiles` row.
public struct ClientEnrolledV1: LegacyEventPayload {
    public typealias Current = ClientEnrolled
    public static let schemaVersion = 1
    /// (As the legacy import has always sealed them: an import run again gives the same bytes.)
    public static let personalFields = ["name", "phoneNumber", "email", "profile.age", "profile.gender"]

    public var id: String
    public var name: String
    public var phoneNumber: String
    public var email: String?
    public var timezone: String
    public var preferredSendHour: Int
    public var isActive: Bool
    public var createdAt: String
    public var profile: Profile?
    /// Derived from the phone number when imported (`+1`: imperial), so that it outlives the
    /// phone number's erasure; absent in logs imported before.
    public var units: Units?

    public struct Profile: Codable, Sendable, Equatable {
        public var fitnessGoals: String
        public var skillLevel: String
        /// A number or text such as `"3-4"`.
        public var exerciseFrequency: RepCount
        public var gender: String?
        public var age: Int?

        public init(fitnessGoals: String, skillLevel: String, exerciseFrequency: RepCount, gender: String?, age: Int?) {
            self.fitnessGoals = fitnessGoals
            self.skillLevel = skillLevel
            self.exerciseFrequency = exerciseFrequency
            self.gender = gender
            self.age = age
        }
    }

    public init(
        id: String, name: String, phoneNumber: String, email: String?, timezone: String,
        preferredSendHour: Int, isActive: Bool, createdAt: String, profile: Profile?, units: Units? = nil
    ) {
        self.units = units
        self.id = id
        self.name = name
        self.phoneNumber = phoneNumber
        self.email = email
        self.timezone = timezone
        self.preferredSendHour = preferredSendHour
        self.isActive = isActive
        self.createdAt = createdAt
        self.profile = profile
    }

    /// Legacy clients had no schedule, equipment or injuries on file: they get a commercial
    /// gym, the lower end of their stated frequency, and evenly spread training days.
    public func upcast() -> ClientEnrolled {
        let days = profile.map { Self.daysPerWeek($0.exerciseFrequency) } ?? 3
        let goals = profile?.fitnessGoals ?? ""
        return ClientEnrolled(
            clientId: id, name: name, phoneNumber: phoneNumber, email: email, timezone: timezone,
            preferredSendHour: preferredSendHour,
            units: units ?? Self.units(phoneNumber: phoneNumber),
            optedIn: true, isActive: isActive,
            profile: FitnessProfile(
                fitnessGoals: goals,
                primaryGoal: Self.primaryGoal(goals),
                skillLevel: profile.flatMap { SkillLevel(rawValue: $0.skillLevel.lowercased()) } ?? .beginner,
                daysPerWeek: days,
                trainingDays: Self.spreadDays(days),
                sessionMinutes: 45,
                location: .commercialGym,
                equipment: [],
                injuries: [],
                age: profile?.age,
                gender: profile?.gender))
    }

    /// The units a legacy client gets: imperial for a `+1` number, metric otherwise.
    public static func units(phoneNumber: String) -> Units {
        phoneNumber.hasPrefix("+1") ? .imperial : .metric
    }

    static func daysPerWeek(_ frequency: RepCount) -> Int {
        let value: Int
        switch frequency {
        case .count(let n): value = n
        case .text(let text):
            let digits = text.prefix { $0.isNumber }
            value = Int(digits) ?? 3
        }
        return min(7, max(1, value))
    }

    /// Training days spread over the week: 3 -> Mon, Wed, Fri.
    public static func spreadDays(_ count: Int) -> [Int] {
        switch count {
        case 1: [1]
        case 2: [2, 5]
        case 3: [1, 3, 5]
        case 4: [1, 2, 4, 5]
        case 5: [1, 2, 3, 5, 6]
        case 6: [1, 2, 3, 4, 5, 6]
        default: [1, 2, 3, 4, 5, 6, 7]
        }
    }

    static func primaryGoal(_ goals: String) -> PrimaryGoal {
        let text = goals.lowercased()
        if text.contains("marathon") || text.contains("run") || text.contains("endurance") { return .endurance }
        if text.contains("strength") || text.contains("strong") { return .strength }
        if text.contains("muscle") || text.contains("size") { return .hypertrophy }
        if text.contains("weight") || text.contains("fat") || text.contains("lean") { return .fatLoss }
        if text.contains("rehab") || text.contains("injury") { return .rehab }
        return .general
    }
}

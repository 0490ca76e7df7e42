import Foundation

/// A client's schedule or profile changed. Fields that are absent did not change; a present
/// `profile` replaces the whole profile.
public struct ClientUpdated: EventPayload {
    public static let eventType = "ClientUpdated"
    public static let schemaVersion = 1
    public static let personalFields = [
        "name", "phoneNumber", "email", "profile.fitnessGoals", "profile.age", "profile.gender", "profile.injuries", "profile.travel",
    ]

    public var clientId: String
    public var name: String?
    public var phoneNumber: String?
    public var email: String?
    public var timezone: String?
    public var preferredSendHour: Int?
    public var units: Units?
    public var optedIn: Bool?
    public var isActive: Bool?
    public var profile: FitnessProfile?

    public init(
        clientId: String, name: String? = nil, phoneNumber: String? = nil, email: String? = nil, timezone: String? = nil,
        preferredSendHour: Int? = nil, units: Units? = nil, optedIn: Bool? = nil, isActive: Bool? = nil, profile: FitnessProfile? = nil
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

    /// `client` with these changes applied.
    public func applied(to client: ClientEnrolled) -> ClientEnrolled {
        var updated = client
        if let name { updated.name = name }
        if let phoneNumber { updated.phoneNumber = phoneNumber }
        if let email { updated.email = email }
        if let timezone { updated.timezone = timezone }
        if let preferredSendHour { updated.preferredSendHour = preferredSendHour }
        if let units { updated.units = units }
        if let optedIn { updated.optedIn = optedIn }
        if let isActive { updated.isActive = isActive }
        if let profile { updated.profile = profile }
        return updated
    }
}

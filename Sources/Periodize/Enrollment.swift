import Coaching
import EventLog
import Events
import Foundation

/// What a coaching service sends to enroll a client.
public struct Enrollment: Codable, Sendable, Equatable {
    public var clientId: String?
    public var name: String
    public var phoneNumber: String
    public var email: String?
    public var timezone: String
    public var preferredSendHour: Int
    public var units: Units
    public var optedIn: Bool
    public var profile: FitnessProfile

    public init(clientId: String? = nil, name: String, phoneNumber: String, email: String? = nil, timezone: String,
                preferredSendHour: Int, units: Units = .metric, optedIn: Bool = true, profile: FitnessProfile) {
        self.clientId = clientId
        self.name = name
        self.phoneNumber = phoneNumber
        self.email = email
        self.timezone = timezone
        self.preferredSendHour = preferredSendHour
        self.units = units
        self.optedIn = optedIn
        self.profile = profile
    }

    /// The enrollment a client would have now: to check a change against the same rules.
    public init(_ client: ClientEnrolled) {
        self.init(
            clientId: client.clientId, name: client.name, phoneNumber: client.phoneNumber, email: client.email, timezone: client.timezone,
            preferredSendHour: client.preferredSendHour, units: client.units, optedIn: client.optedIn, profile: client.profile)
    }

    /// Checks every field a coach relies on.
    ///
    /// - Throws: ``CoachingError`` naming the first bad field.
    public func validate() throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw CoachingError("name is empty", field: "name") }
        guard Self.isE164(phoneNumber) else {
            throw CoachingError("phone number \(phoneNumber) is not E.164 (e.g. +15551234567)", field: "phoneNumber")
        }
        _ = try ClientCalendar(timeZone: timezone)
        guard (0...23).contains(preferredSendHour) else { throw CoachingError("send hour \(preferredSendHour) is outside 0-23", field: "preferredSendHour") }
        guard (1...7).contains(profile.daysPerWeek) else { throw CoachingError("days per week \(profile.daysPerWeek) is outside 1-7", field: "profile.daysPerWeek") }
        if let bad = profile.trainingDays.first(where: { !(1...7).contains($0) }) {
            throw CoachingError("training day \(bad) is outside 1-7 (1 = Monday)", field: "profile.trainingDays")
        }
        guard Set(profile.trainingDays).count == profile.daysPerWeek else {
            throw CoachingError("training days \(profile.trainingDays) do not match \(profile.daysPerWeek) days per week", field: "profile.trainingDays")
        }
        guard (10...240).contains(profile.sessionMinutes) else {
            throw CoachingError("session minutes \(profile.sessionMinutes) is outside 10-240", field: "profile.sessionMinutes")
        }
    }

    /// `+` and 8 to 15 digits, the first not 0.
    public static func isE164(_ number: String) -> Bool {
        let digits = number.dropFirst()
        return number.hasPrefix("+") && (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber } && digits.first != "0"
    }
}

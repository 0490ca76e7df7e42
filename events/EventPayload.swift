import Foundation

/// A payload of one event type at its current schema version.
///
/// Payloads are plain `Codable` values with the seed's field names. Stored bytes are never
/// rewritten: an older version is decoded with its own type and upcast on read
/// (see ``EventCatalog``).
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The type name stored in the log, e.g. `"PlanCreated"`.
    static var eventType: String { get }
    /// The schema version this Swift type encodes.
    static var schemaVersion: Int { get }
    /// Payload fields that hold personal data, as paths: `profile.age` is a nested field,
    /// `decision.attempts[].rawOutput` a field of every element of an array. They live only in
    /// the client's own stream, where the vault stores them encrypted under that client's key,
    /// and show as erased once the key is destroyed.
    static var personalFields: [String] { get }
}

extension EventPayload {
    public static var personalFields: [String] { [] }
}

/// An older schema version of an event type, kept so that stored bytes stay readable.
public protocol LegacyEventPayload: Decodable, Encodable, Sendable, Equatable {
    associatedtype Current: EventPayload
    static var schemaVersion: Int { get }
    /// The same fact expressed in the current schema.
    func upcast() -> Current
    /// Personal fields of this version (see ``EventPayload/personalFields``).
    static var personalFields: [String] { get }
}

extension LegacyEventPayload {
    public static var eventType: String { Current.eventType }
    public static var personalFields: [String] { [] }
}

/// A decision record's personal parts: the rules that fired name the client's injuries and
/// travel, and a model's raw answers quote the profile back.
public let decisionPersonalFields = ["decision.rules", "decision.attempts[].rawOutput"]

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
    /// Payload fields that hold personal data (dotted JSON paths). They live only in the
    /// client's own stream so that a per-client key can later encrypt and erase them.
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
}

extension LegacyEventPayload {
    public static var eventType: String { Current.eventType }
}

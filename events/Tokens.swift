import Foundation

/// What an API token may do: operators read and write; support reads everything, personal
/// fields included, and may relay replies; auditors read decisions and training with personal
/// fields redacted.
public enum TokenRole: String, Codable, Sendable, CaseIterable {
    case operator_ = "operator"
    case support
    case auditor
}

/// An API token made: its name, its role and the SHA-256 of the token. The token itself is
/// printed once to whoever made it and kept nowhere.
public struct TokenCreated: EventPayload {
    public static let eventType = "TokenCreated"
    public static let schemaVersion = 1

    public var name: String
    public var role: TokenRole
    /// Hex SHA-256 of the token.
    public var hash: String
    public var createdAt: String

    public init(name: String, role: TokenRole, hash: String, createdAt: String) {
        self.name = name
        self.role = role
        self.hash = hash
        self.createdAt = createdAt
    }
}

/// An API token ended: it is refused from then on.
public struct TokenRevoked: EventPayload {
    public static let eventType = "TokenRevoked"
    public static let schemaVersion = 1

    public var name: String
    public var revokedAt: String

    public init(name: String, revokedAt: String) {
        self.name = name
        self.revokedAt = revokedAt
    }
}

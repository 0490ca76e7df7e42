import Foundation

/// A marker in stream `$migrations`: projections apply the migration's rules from here on.
public struct MigrationApplied: EventPayload {
    public static let eventType = "MigrationApplied"
    public static let schemaVersion = 1

    public var migrationId: String
    /// e.g. `clean-slate`.
    public var name: String
    public var codeVersion: String
    /// What the migration did, by name: plansConverted, workoutsArchived, noticesSent, ...
    public var effects: [String: Int]

    public init(migrationId: String, name: String, codeVersion: String, effects: [String: Int]) {
        self.migrationId = migrationId
        self.name = name
        self.codeVersion = codeVersion
        self.effects = effects
    }
}

/// A migration was rolled back: from here on the projections apply the rules from before it.
/// What the migration caused stays in the history.
public struct MigrationReverted: EventPayload {
    public static let eventType = "MigrationReverted"
    public static let schemaVersion = 1

    public var migrationId: String
    public var name: String
    public var reason: String?

    public init(migrationId: String, name: String, reason: String?) {
        self.migrationId = migrationId
        self.name = name
        self.reason = reason
    }
}

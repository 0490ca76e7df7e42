import Foundation

/// The full text of a prompt sent to a model, stored once and addressed by its SHA-256
/// (`hash`); decision records refer to it by that hash. Appended to stream `$prompts` with an
/// event id derived from the hash, so recording the same prompt again appends nothing.
public struct PromptRecorded: EventPayload {
    public static let eventType = "PromptRecorded"
    public static let schemaVersion = 1

    public var hash: String
    /// Template id and version, e.g. `daily-workout@1`.
    public var template: String
    public var system: String
    public var user: String

    public init(hash: String, template: String, system: String, user: String) {
        self.hash = hash
        self.template = template
        self.system = system
        self.user = user
    }
}

import Foundation

/// The full text of a prompt sent to a model, addressed by its SHA-256 (`hash`); decision
/// records refer to it by that hash. A prompt about one client (they quote the profile) is
/// appended to that client's stream, its text under the client's key, with an event id
/// derived from the client and the hash, so recording it again appends nothing. Logs from
/// before kept every prompt once in stream `$prompts` (no `clientId`).
public struct PromptRecorded: EventPayload {
    public static let eventType = "PromptRecorded"
    public static let schemaVersion = 1
    public static let personalFields = ["system", "user"]

    public var hash: String
    /// The client the prompt is about (nil in `$prompts`).
    public var clientId: String?
    /// Template id and version, e.g. `daily-workout@1`.
    public var template: String
    public var system: String
    public var user: String

    public init(hash: String, clientId: String? = nil, template: String, system: String, user: String) {
        self.hash = hash
        self.clientId = clientId
        self.template = template
        self.system = system
        self.user = user
    }
}

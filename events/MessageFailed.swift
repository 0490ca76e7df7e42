import Foundation

/// Sending a message failed; the daily job retries it unless it is permanent.
public struct MessageFailed: EventPayload {
    public static let eventType = "MessageFailed"
    public static let schemaVersion = 1

    public var messageId: String
    public var clientId: String
    public var kind: MessageKind
    public var localDate: LocalDate?
    public var provider: String
    public var attempt: Int
    public var error: String
    public var errorCode: String?
    /// False when retrying cannot help (the number opted out, for instance).
    public var retryable: Bool
    public var failedAt: String

    public init(messageId: String, clientId: String, kind: MessageKind, localDate: LocalDate?, provider: String, attempt: Int, error: String, errorCode: String? = nil, retryable: Bool, failedAt: String) {
        self.messageId = messageId
        self.clientId = clientId
        self.kind = kind
        self.localDate = localDate
        self.provider = provider
        self.attempt = attempt
        self.error = error
        self.errorCode = errorCode
        self.retryable = retryable
        self.failedAt = failedAt
    }
}

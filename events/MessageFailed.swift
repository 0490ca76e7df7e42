import Foundation

/// Sending a message failed. A queued message is tried again at `nextAttemptAt`; with none
/// (a permanent failure, or the last attempt) it is undeliverable. Failures recorded before the
/// outbox have neither field: the next tick queues their day, unless the failure was permanent.
public struct MessageFailed: EventPayload {
    public static let eventType = "MessageFailed"
    public static let schemaVersion = 1
    /// A provider's error may quote the number ("The 'To' number +1... is not valid").
    public static let personalFields = ["error"]

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
    /// When the delivery worker tries again (ISO 8601); nil when it does not.
    public var nextAttemptAt: String?
    /// True when no attempt follows: permanent, or the last attempt allowed.
    public var undeliverable: Bool?
    /// True when the provider may have taken it all the same (it did not answer in time).
    public var mayHaveArrived: Bool?

    public init(
        messageId: String, clientId: String, kind: MessageKind, localDate: LocalDate?, provider: String, attempt: Int, error: String,
        errorCode: String? = nil, retryable: Bool, failedAt: String, nextAttemptAt: String? = nil, undeliverable: Bool? = nil,
        mayHaveArrived: Bool? = nil
    ) {
        self.mayHaveArrived = mayHaveArrived
        self.nextAttemptAt = nextAttemptAt
        self.undeliverable = undeliverable
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

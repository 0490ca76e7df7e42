import Foundation

/// A message decided and waiting for delivery: the outbox entry. Its event id is derived from
/// what it is (kind, client, local date and part; a notice from its migration and client), so
/// the log stores it once: the append that stores it is the claim to send it.
///
/// A text split to keep the segment budget is queued as one event per part, in one append;
/// part n is delivered after part n - 1 was sent.
public struct MessageQueued: EventPayload {
    public static let eventType = "MessageQueued"
    public static let schemaVersion = 1
    public static let personalFields = ["body"] + decisionPersonalFields

    /// This part's id (the event id, lowercased): what attempts and outcomes name.
    public var messageId: String
    /// The first part's id: the id of the message as a whole.
    public var groupId: String
    public var clientId: String
    public var kind: MessageKind
    public var localDate: LocalDate
    public var body: String
    public var encoding: SMSEncoding
    public var segments: Int
    public var part: Int
    public var parts: Int
    /// Past this instant (ISO 8601) the message is not sent: a daily message expires at the end
    /// of the client's local day instead of arriving a day late.
    public var expiresAt: String?
    public var queuedAt: String
    /// How the text was written, when a model wrote it (on the first part).
    public var decision: DecisionRecord?

    public init(
        messageId: String, groupId: String, clientId: String, kind: MessageKind, localDate: LocalDate, body: String,
        encoding: SMSEncoding, segments: Int, part: Int = 1, parts: Int = 1, expiresAt: String?, queuedAt: String,
        decision: DecisionRecord? = nil
    ) {
        self.messageId = messageId
        self.groupId = groupId
        self.clientId = clientId
        self.kind = kind
        self.localDate = localDate
        self.body = body
        self.encoding = encoding
        self.segments = segments
        self.part = part
        self.parts = parts
        self.expiresAt = expiresAt
        self.queuedAt = queuedAt
        self.decision = decision
    }
}

/// A delivery worker took a queued message for attempt `attempt`. Its event id is derived
/// from (message, attempt): of two workers racing for one attempt, one stores it and the other
/// gets the id conflict and moves on. The lease says until when the attempt is this worker's;
/// an attempt whose lease ran out with no outcome is taken again as the next attempt.
public struct DeliveryAttempted: EventPayload {
    public static let eventType = "DeliveryAttempted"
    public static let schemaVersion = 1

    public var messageId: String
    public var clientId: String
    public var attempt: Int
    public var workerId: String
    public var startedAt: String
    public var leaseUntil: String
    /// The attempt before this one took the message and never recorded an outcome (its worker
    /// died): the provider may have it already.
    public var possiblyDuplicated: Bool

    public init(messageId: String, clientId: String, attempt: Int, workerId: String, startedAt: String, leaseUntil: String, possiblyDuplicated: Bool) {
        self.messageId = messageId
        self.clientId = clientId
        self.attempt = attempt
        self.workerId = workerId
        self.startedAt = startedAt
        self.leaseUntil = leaseUntil
        self.possiblyDuplicated = possiblyDuplicated
    }
}

/// An attempt that never reached the provider. `final` releases the message for good (the
/// client opted out or left meanwhile, an earlier part was not delivered); otherwise it is
/// queued again (its worker was shutting down).
public struct MessageReleased: EventPayload {
    public static let eventType = "MessageReleased"
    public static let schemaVersion = 1

    public var messageId: String
    public var clientId: String
    public var attempt: Int
    public var reason: String
    public var final: Bool
    public var releasedAt: String

    public init(messageId: String, clientId: String, attempt: Int, reason: String, final: Bool, releasedAt: String) {
        self.messageId = messageId
        self.clientId = clientId
        self.attempt = attempt
        self.reason = reason
        self.final = final
        self.releasedAt = releasedAt
    }
}

/// A queued message not delivered before its `expiresAt`: it is not sent.
public struct MessageExpired: EventPayload {
    public static let eventType = "MessageExpired"
    public static let schemaVersion = 1

    public var messageId: String
    public var clientId: String
    public var expiresAt: String
    public var expiredAt: String

    public init(messageId: String, clientId: String, expiresAt: String, expiredAt: String) {
        self.messageId = messageId
        self.clientId = clientId
        self.expiresAt = expiresAt
        self.expiredAt = expiredAt
    }
}

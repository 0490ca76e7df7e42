import Foundation

/// A message went to (or, for legacy history, came from) a client.
public struct MessageSent: EventPayload {
    public static let eventType = "MessageSent"
    public static let schemaVersion = 2
    public static let personalFields = ["body"] + decisionPersonalFields

    public var messageId: String
    public var clientId: String
    public var kind: MessageKind
    public var direction: MessageDirection
    /// The client's local date the message is for (the daily message's dedup key).
    public var localDate: LocalDate?
    public var body: String
    public var encoding: SMSEncoding?
    public var segments: Int?
    /// The sender: `log-only` (`outbox` before it was renamed), `http`, `twilio`, `legacy`.
    public var provider: String
    public var providerMessageId: String?
    /// When it was sent, ISO 8601.
    public var sentAt: String
    /// How the text was written, when a model wrote it (the formatter's texts have none).
    public var decision: DecisionRecord?
    /// The delivery attempt that handed it to the provider (messages sent through the queue).
    public var attempt: Int?
    /// The provider's status when it took the part (Twilio: `queued`, `accepted`, ...).
    public var providerStatus: String?
    /// The segments the provider counts (Twilio's `num_segments`), when it says.
    public var providerSegments: Int?

    public init(
        messageId: String, clientId: String, kind: MessageKind, direction: MessageDirection = .outbound,
        localDate: LocalDate?, body: String, encoding: SMSEncoding?, segments: Int?, provider: String,
        providerMessageId: String? = nil, sentAt: String, decision: DecisionRecord? = nil, attempt: Int? = nil,
        providerStatus: String? = nil, providerSegments: Int? = nil
    ) {
        self.providerStatus = providerStatus
        self.providerSegments = providerSegments
        self.attempt = attempt
        self.decision = decision
        self.messageId = messageId
        self.clientId = clientId
        self.kind = kind
        self.direction = direction
        self.localDate = localDate
        self.body = body
        self.encoding = encoding
        self.segments = segments
        self.provider = provider
        self.providerMessageId = providerMessageId
        self.sentAt = sentAt
    }
}

public enum MessageKind: String, Codable, Sendable, CaseIterable {
    case daily, weekly, notice, reply, legacy
}

public enum MessageDirection: String, Codable, Sendable, CaseIterable { case outbound, inbound }

public enum SMSEncoding: String, Codable, Sendable, CaseIterable { case gsm7, ucs2 }

/// Version 1: a legacy `messages` row, either direction.
public struct MessageSentV1: LegacyEventPayload {
    public typealias Current = MessageSent
    public static let schemaVersion = 1
    public static let personalFields = ["content"]

    public var id: String
    public var userId: String
    public var direction: MessageDirection
    public var content: String
    public var createdAt: String

    public init(id: String, userId: String, direction: MessageDirection, content: String, createdAt: String) {
        self.id = id
        self.userId = userId
        self.direction = direction
        self.content = content
        self.createdAt = createdAt
    }

    public func upcast() -> MessageSent {
        MessageSent(
            messageId: id, clientId: userId, kind: .legacy, direction: direction, localDate: nil,
            body: content, encoding: nil, segments: nil, provider: "legacy", sentAt: createdAt)
    }
}

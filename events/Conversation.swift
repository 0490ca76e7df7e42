import Foundation

/// Who stopped or resumed a client's messages.
public enum OptSource: String, Codable, Sendable, CaseIterable {
    /// The client texted a keyword (STOP, START, ...). A client's own STOP is lifted only by
    /// their own START.
    case client
    /// The provider refused a message because the number opted out with it (Twilio 21610),
    /// or reported its own opt-out handling (`OptOutType`). Also lifted only by the client.
    case provider
    /// Someone running the service (`update --opted-in`).
    case `operator`

    /// Whether an opt-out of this source may be lifted by an operator.
    public var operatorMayLift: Bool { self == .operator }
}

/// The client is not to be sent daily messages (or any other) until they opt back in.
public struct ClientOptedOut: EventPayload {
    public static let eventType = "ClientOptedOut"
    public static let schemaVersion = 1

    public var clientId: String
    public var source: OptSource
    /// The keyword texted (`STOP`, `UNSUBSCRIBE`, ...), for a client's own opt-out.
    public var keyword: String?
    /// The provider's id of the message that said so: the inbound text, or the refused message.
    public var providerMessageId: String?
    /// The provider's error code, for an opt-out learnt from a refusal (`21610`).
    public var errorCode: String?
    public var optedOutAt: String

    public init(clientId: String, source: OptSource, keyword: String? = nil, providerMessageId: String? = nil, errorCode: String? = nil, optedOutAt: String) {
        self.clientId = clientId
        self.source = source
        self.keyword = keyword
        self.providerMessageId = providerMessageId
        self.errorCode = errorCode
        self.optedOutAt = optedOutAt
    }
}

/// The client's messages resume.
public struct ClientOptedIn: EventPayload {
    public static let eventType = "ClientOptedIn"
    public static let schemaVersion = 1

    public var clientId: String
    public var source: OptSource
    public var keyword: String?
    public var providerMessageId: String?
    public var optedInAt: String

    public init(clientId: String, source: OptSource, keyword: String? = nil, providerMessageId: String? = nil, optedInAt: String) {
        self.clientId = clientId
        self.source = source
        self.keyword = keyword
        self.providerMessageId = providerMessageId
        self.optedInAt = optedInAt
    }
}

/// What an inbound text is, read from the whole body.
public enum InboundClass: String, Codable, Sendable, CaseIterable {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT.
    case optOut = "opt-out"
    /// START, YES, UNSTOP.
    case optIn = "opt-in"
    /// HELP, INFO.
    case help
    /// Anything else: for the reader of replies.
    case text
}

/// An SMS came in. On the sender's client stream, or, from a number that is no client's, on a
/// stream of that number's own (`number-<hash>`), sealed and erasable the same way.
public struct MessageReceived: EventPayload {
    public static let eventType = "MessageReceived"
    public static let schemaVersion = 1
    public static let personalFields = ["from", "body"]

    /// The provider's id (Twilio's `MessageSid`): one event per id.
    public var providerMessageId: String
    /// The client it came from; nil for a number that is no client's.
    public var clientId: String?
    public var from: String
    /// Our number (or messaging service number) it was sent to.
    public var to: String
    public var body: String
    /// Segments and media as the provider counts them (`NumSegments`, `NumMedia`).
    public var segments: Int?
    public var mediaCount: Int?
    public var inboundClass: InboundClass
    /// The keyword, upper-cased, for a keyword text.
    public var keyword: String?
    /// The provider's own opt-out handling answered already (Twilio's `OptOutType`).
    public var providerOptOutType: String?
    public var provider: String
    public var receivedAt: String

    public init(
        providerMessageId: String, clientId: String?, from: String, to: String, body: String, segments: Int?, mediaCount: Int?,
        inboundClass: InboundClass, keyword: String?, providerOptOutType: String?, provider: String, receivedAt: String
    ) {
        self.providerMessageId = providerMessageId
        self.clientId = clientId
        self.from = from
        self.to = to
        self.body = body
        self.segments = segments
        self.mediaCount = mediaCount
        self.inboundClass = inboundClass
        self.keyword = keyword
        self.providerOptOutType = providerOptOutType
        self.provider = provider
        self.receivedAt = receivedAt
    }
}

/// The provider reported where a message part is (a status callback): `queued`, `sending`,
/// `sent`, `delivered`, `undelivered`, `failed`, `read`, `canceled`, ... One event per part and
/// status; they arrive out of order and twice, and the messages read-model keeps the furthest.
public struct MessageStatusReported: EventPayload {
    public static let eventType = "MessageStatusReported"
    public static let schemaVersion = 1

    public var messageId: String
    public var clientId: String
    /// The part's kind (`daily`, `weekly`, ...), as it was queued.
    public var kind: MessageKind?
    public var provider: String
    public var providerMessageId: String
    public var status: String
    public var errorCode: String?
    public var reportedAt: String

    public init(
        messageId: String, clientId: String, kind: MessageKind? = nil, provider: String, providerMessageId: String, status: String, errorCode: String?,
        reportedAt: String
    ) {
        self.messageId = messageId
        self.clientId = clientId
        self.kind = kind
        self.provider = provider
        self.providerMessageId = providerMessageId
        self.status = status
        self.errorCode = errorCode
        self.reportedAt = reportedAt
    }

    /// How far along a status is; a report of a lower rank than the one kept changes nothing.
    public static func rank(_ status: String) -> Int {
        switch status {
        case "accepted", "scheduled": 1
        case "queued": 2
        case "sending": 3
        case "sent": 4
        case "delivered", "undelivered", "failed", "canceled": 5
        case "read": 6
        default: 0
        }
    }
}

/// A part whose earlier attempt may have reached the provider, and the provider could not be
/// asked whether it did: it is held (not sent again) and asked about again at `retryAt`. The
/// attempt does not count against the attempts allowed.
public struct DeliveryHeld: EventPayload {
    public static let eventType = "DeliveryHeld"
    public static let schemaVersion = 1

    public var messageId: String
    public var clientId: String
    public var attempt: Int
    public var reason: String
    public var heldAt: String
    public var retryAt: String

    public init(messageId: String, clientId: String, attempt: Int, reason: String, heldAt: String, retryAt: String) {
        self.messageId = messageId
        self.clientId = clientId
        self.attempt = attempt
        self.reason = reason
        self.heldAt = heldAt
        self.retryAt = retryAt
    }
}

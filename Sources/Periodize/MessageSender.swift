import Foundation

/// Where the delivery worker hands a queued message part (``Engine/deliver(workerID:limit:)``).
///
/// The log decides first (`MessageQueued`, then `DeliveryAttempted`), the sender delivers, and
/// the outcome is recorded after (`MessageSent`, `MessageFailed` or `MessageReleased`).
public protocol MessageSender: Sendable {
    /// Recorded on every message, e.g. `log-only`, `http`, `twilio`.
    var provider: String { get }
    /// The longest one send may take before the sender gives up, in seconds. A delivery lease
    /// is longer than this, so an attempt still in flight is never taken by another worker.
    var timeout: TimeInterval { get }
    /// Hands one message part to the provider.
    ///
    /// - Returns: the provider's id for it, if it has one.
    /// - Throws: ``SendFailure``; any other error counts as retryable.
    func send(_ message: OutgoingMessage) async throws -> String?
}

/// One message part as a provider receives it.
/// What a provider said when it took a message part.
public struct SendReceipt: Sendable, Equatable {
    /// The provider's id for it (Twilio's `SM...` sid).
    public var providerMessageID: String?
    /// The provider's status at that moment (Twilio: `queued`, `accepted`, `sending`, ...).
    public var status: String?
    /// The segments the provider counts (Twilio's `num_segments`).
    public var segments: Int?

    public init(providerMessageID: String?, status: String? = nil, segments: Int? = nil) {
        self.providerMessageID = providerMessageID
        self.status = status
        self.segments = segments
    }
}

extension MessageSender {
    /// Sends and says what the provider answered; by default only the id `send` returns.
    public func sendWithReceipt(_ message: OutgoingMessage) async throws -> SendReceipt {
        if let detailed = self as? any ReceiptingSender { return try await detailed.deliver(message) }
        return SendReceipt(providerMessageID: try await send(message))
    }
}

/// A sender that can ask its provider whether a part went out already: asked before a part whose
/// last attempt may have arrived (its worker died after sending, or got no answer in time) is
/// sent again.
public protocol SentMessageFinder: MessageSender {
    /// The provider's record of `message` (same recipient and body, made no earlier than
    /// `notBefore`, when the part was queued) as of `attemptedAt`; nil when it has none.
    ///
    /// - Throws: when the provider could not be asked: the part is then held, not sent again.
    func findSent(_ message: OutgoingMessage, notBefore: Date?, attemptedAt: Date) async throws -> SendReceipt?
}

/// A sender under a rate cap: the delivery worker waits for a part's turn *before* it claims
/// the part, so time spent waiting never eats into the claim's lease (a lease run out while a
/// part waited would let another worker send it too).
public protocol PacedSender: MessageSender {
    /// Returns when a part of `segments` segments may be handed over.
    func waitForTurn(segments: Int) async throws
}

/// A sender that reports more than an id: the provider's status and segment count.
public protocol ReceiptingSender: MessageSender {
    func deliver(_ message: OutgoingMessage) async throws -> SendReceipt
}

public struct OutgoingMessage: Sendable, Equatable {
    public var body: String
    public var phoneNumber: String
    /// This part's id: stable across attempts, distinct per part (an idempotency key).
    public var messageID: UUID
    /// The id of the message the part belongs to (its first part's id).
    public var groupID: UUID
    public var part: Int
    public var parts: Int

    public init(body: String, phoneNumber: String, messageID: UUID, groupID: UUID? = nil, part: Int = 1, parts: Int = 1) {
        self.body = body
        self.phoneNumber = phoneNumber
        self.messageID = messageID
        self.groupID = groupID ?? messageID
        self.part = part
        self.parts = parts
    }
}

/// The default sender: delivers nothing. Every message is queued, attempted and recorded as
/// sent in the log, so the flow, the read-models and the audit are what a real provider gives,
/// and nothing leaves the process. Named `log-only`; `outbox`, its name before the queue
/// existed, still selects it.
public struct LogOnlySender: MessageSender {
    public init() {}
    public var provider: String { "log-only" }
    public var timeout: TimeInterval { 0 }
    public func send(_ message: OutgoingMessage) async throws -> String? { nil }
}

/// A message a provider did not take.
public struct SendFailure: Error, CustomStringConvertible, Sendable {
    /// What the provider said about the recipient or the sender, beyond "failed".
    public enum Reason: String, Sendable {
        /// Nothing more than the message and code say.
        case other
        /// The recipient opted out at the provider (Twilio 21610): nothing is sent to them
        /// until they opt back in.
        case recipientOptedOut
        /// The number is invalid or cannot receive SMS (Twilio 21211, 21614).
        case invalidRecipient
        /// The provider refused our credentials (Twilio 20003, HTTP 401): no message is at
        /// fault, and sending must stop until the configuration is fixed.
        case badCredentials
    }

    public let message: String
    public let code: String?
    /// False when trying again cannot help (the number opted out, say).
    public let retryable: Bool
    /// True when the provider may have taken the message all the same (no answer in time):
    /// the next attempt is marked possibly duplicated.
    public let mayHaveArrived: Bool
    public let reason: Reason

    public init(_ message: String, code: String? = nil, retryable: Bool, mayHaveArrived: Bool = false, reason: Reason = .other) {
        self.message = message
        self.code = code
        self.retryable = retryable
        self.mayHaveArrived = mayHaveArrived
        self.reason = reason
    }

    public var description: String { message }
}

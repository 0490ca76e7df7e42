import Foundation

/// Where messages go once the log has decided to send them.
///
/// The default, ``OutboxSender``, delivers nothing: the `MessageSent` event is the outbox,
/// and a delivery worker (or a test) reads it from the log. A provider (Twilio, later) sends
/// for real; a failure becomes `MessageFailed` and a retryable one is tried again next tick.
public protocol MessageSender: Sendable {
    /// Recorded on every message, e.g. `outbox`, `twilio`.
    var provider: String { get }
    /// Sends `body` to `phoneNumber`. `messageID` is stable for a message across retries.
    ///
    /// - Returns: the provider's id for the message, if it has one.
    /// - Throws: ``SendFailure``; any other error counts as retryable.
    func send(_ body: String, to phoneNumber: String, messageID: UUID) async throws -> String?
}

/// The outbox: the log records the message; nothing leaves the process.
public struct OutboxSender: MessageSender {
    public init() {}
    public var provider: String { "outbox" }
    public func send(_ body: String, to phoneNumber: String, messageID: UUID) async throws -> String? { nil }
}

/// A message a provider did not take.
public struct SendFailure: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let code: String?
    /// False when trying again cannot help (the number opted out, say).
    public let retryable: Bool

    public init(_ message: String, code: String? = nil, retryable: Bool) {
        self.message = message
        self.code = code
        self.retryable = retryable
    }

    public var description: String { message }
}

import Foundation

/// An answer the API gave to a POST with an `Idempotency-Key`, kept to be given again.
public struct RememberedAnswer: Sendable, Equatable {
    public var status: Int
    /// The headers worth giving again: `Content-Type`, `ETag`, `Location`.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a key is, when a request comes with it.
public enum IdempotencyClaim: Sendable, Equatable {
    /// Never seen (or forgotten): the request goes ahead, and its answer is remembered.
    case claimed
    /// Answered already: that answer again, nothing done.
    case answered(RememberedAnswer)
    /// The same key is being answered right now (a retry while the first is under way).
    case inProgress
    /// The key was used for another request (another path or body).
    case otherRequest
    /// The answer was about a client erased since: it cannot be given again.
    case erased
}

/// Where the API keeps its answers to POSTs with an `Idempotency-Key`, per token, for a day.
/// An answer about a client is kept sealed under that client's key, so erasing the client
/// erases it too.
public protocol IdempotencyStore: Sendable {
    /// Claims `key` of `caller` for the request with `fingerprint`, or says what it is already.
    func claim(caller: String, key: String, fingerprint: String, now: Date) async throws -> IdempotencyClaim
    /// Keeps `answer` as the claimed key's (sealed under `owner`'s key when given).
    func remember(caller: String, key: String, answer: RememberedAnswer, owner: String?, now: Date) async throws
    /// Lets the key go (the request failed on our side: a retry may try again).
    func release(caller: String, key: String) async throws
}

import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One exchange of a conversation with a model.
public struct Turn: Sendable, Equatable {
    public enum Role: String, Sendable { case user, model }
    public var role: Role
    public var text: String

    public init(_ role: Role, _ text: String) {
        self.role = role
        self.text = text
    }
}

/// What is asked of a model: a system instruction, the conversation so far, and the schema
/// the answer must follow.
public struct CompletionRequest: Sendable {
    public var system: String
    public var turns: [Turn]
    public var schema: JSONSchema
    /// A name for the schema (OpenAI wants one): a-z, 0-9, _ and -.
    public var schemaName: String
    public var temperature: Double
    public var maxOutputTokens: Int

    public init(system: String, turns: [Turn], schema: JSONSchema, schemaName: String, temperature: Double, maxOutputTokens: Int) {
        self.system = system
        self.turns = turns
        self.schema = schema
        self.schemaName = schemaName
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
    }
}

/// Why a call gave no usable text.
public enum CompletionFailure: Sendable, Equatable, CustomStringConvertible {
    /// 429: try again after the delay the provider asked for, if it gave one.
    case rateLimited(retryAfter: Double?)
    /// A quota that does not clear soon (a per-day limit, no credit left): not retried.
    case quotaExhausted(String)
    /// 5xx.
    case server(Int, String)
    case timeout
    /// No HTTP answer at all (connection refused, reset, DNS).
    case transport(String)
    /// Any other 4xx: retrying would get the same answer.
    case rejected(Int, String)
    /// The answer stopped at the output limit (finish reason length / MAX_TOKENS).
    case truncated
    /// The model declined.
    case refused(String)
    /// The provider's safety system blocked the prompt or the answer.
    case blocked(String)
    /// An answer with no text in it.
    case empty(String)

    /// Whether trying the same request again may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .server, .timeout, .transport: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .rateLimited(let delay): "rate limited (429)\(delay.map { String(format: ", retry after %.1f s", $0) } ?? "")"
        case .quotaExhausted(let reason): "quota exhausted: \(reason)"
        case .server(let status, let message): "server error \(status)\(message.isEmpty ? "" : ": \(message)")"
        case .timeout: "timed out"
        case .transport(let message): "no answer: \(message)"
        case .rejected(let status, let message): "request rejected (\(status))\(message.isEmpty ? "" : ": \(message)")"
        case .truncated: "the answer was cut off at the output token limit"
        case .refused(let reason): "the model refused: \(reason)"
        case .blocked(let reason): "blocked by the provider's safety filter: \(reason)"
        case .empty(let reason): "empty answer: \(reason)"
        }
    }
}

/// A provider's answer, read off the wire.
public struct Completion: Sendable, Equatable {
    public var httpStatus: Int?
    /// The answer's text (the JSON), when there is one.
    public var text: String?
    public var finishReason: String?
    public var modelVersion: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var failure: CompletionFailure?
    /// The response body when it was not an answer (an error), trimmed, for the record.
    public var errorBody: String?

    public init(
        httpStatus: Int? = nil, text: String? = nil, finishReason: String? = nil, modelVersion: String? = nil,
        promptTokens: Int? = nil, completionTokens: Int? = nil, failure: CompletionFailure? = nil, errorBody: String? = nil
    ) {
        self.httpStatus = httpStatus
        self.text = text
        self.finishReason = finishReason
        self.modelVersion = modelVersion
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.failure = failure
        self.errorBody = errorBody
    }
}

/// One provider's wire format: how a request is written and an answer read. No I/O here;
/// ``HTTPTransport`` carries the bytes.
public protocol ModelProvider: Sendable {
    /// `gemini` or `openai`, as decision records and stats name it.
    var name: String { get }
    var model: String { get }
    /// Settings worth recording beside temperature and max tokens.
    var parameters: [String: String] { get }
    func urlRequest(for request: CompletionRequest, timeout: TimeInterval) throws -> URLRequest
    func completion(status: Int, headers: [String: String], body: Data) -> Completion
}

extension ModelProvider {
    /// `{base}/path`, without doubling a slash.
    func endpoint(_ base: String, _ path: String) throws -> URL {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let url = URL(string: trimmed + path), url.scheme == "http" || url.scheme == "https" else {
            throw PromptError("\(base) is not an http(s) base URL")
        }
        return url
    }

    func jsonRequest(_ url: URL, body: [String: Any], headers: [String: String], timeout: TimeInterval) throws -> URLRequest {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return request
    }
}

/// JSON read loosely: the providers' answers are walked, not decoded into twins of their
/// whole API.
struct Loose {
    let value: Any?

    init(_ value: Any?) { self.value = value }
    init(data: Data) { value = try? JSONSerialization.jsonObject(with: data) }

    subscript(key: String) -> Loose { Loose((value as? [String: Any])?[key]) }
    subscript(index: Int) -> Loose {
        guard let array = value as? [Any], array.indices.contains(index) else { return Loose(nil) }
        return Loose(array[index])
    }
    var array: [Loose] { (value as? [Any])?.map(Loose.init) ?? [] }
    var string: String? { value as? String }
    var int: Int? { (value as? NSNumber)?.intValue }
    var isNull: Bool { value == nil || value is NSNull }
}

/// The body of an error answer, short enough to keep in a decision record.
func excerpt(_ body: Data, limit: Int = 2000) -> String {
    let text = String(decoding: body.prefix(limit), as: UTF8.self)
    return body.count > limit ? text + "..." : text
}

/// Carries requests to a provider over HTTP (URLSession; FoundationNetworking and libcurl on
/// Linux) and turns transport errors into ``CompletionFailure``s.
public final class HTTPTransport: Sendable {
    let session: URLSession

    public init(maxConnections: Int, timeout: TimeInterval) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConnections)
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// Sends `request` and reads the answer with `provider`; a call that has no answer after
    /// `timeout` seconds is cancelled and reported as timed out.
    ///
    /// The data task is driven by its completion handler and cancelled from a Dispatch timer,
    /// never from Swift task cancellation: FoundationNetworking's `URLSessionTask.cancel()`
    /// waits on the session's queue, and called from a task-cancellation handler (which holds
    /// the task's status lock) it can deadlock the cooperative pool.
    public func send(_ request: URLRequest, to provider: any ModelProvider, timeout: TimeInterval) async -> Completion {
        await withCheckedContinuation { (continuation: CheckedContinuation<Completion, Never>) in
            let answered = Mutex(false)
            let finish: @Sendable (Completion) -> Bool = { completion in
                let first = answered.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: completion) }
                return first
            }
            let task = session.dataTask(with: request) { body, response, error in
                if let error = error as? URLError, error.code == .timedOut || error.code == .cancelled {
                    _ = finish(Completion(failure: .timeout))
                } else if let error {
                    _ = finish(Completion(failure: .transport(error.localizedDescription)))
                } else if let http = response as? HTTPURLResponse {
                    var headers: [String: String] = [:]
                    for (name, value) in http.allHeaderFields {
                        if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
                    }
                    _ = finish(provider.completion(status: http.statusCode, headers: headers, body: body ?? Data()))
                } else {
                    _ = finish(Completion(failure: .transport("not an HTTP answer")))
                }
            }
            let timer = DispatchWorkItem {
                if finish(Completion(failure: .timeout)) { task.cancel() }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
            task.resume()
        }
    }
}

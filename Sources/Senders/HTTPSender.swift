import Foundation
import Periodize
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Hands messages to a coaching team's own SMS gateway: `POST {url}` with a JSON body
/// `{to, body, messageId, part, parts}` (`messageId` names the message; each part of a split one
/// comes as its own request) and an `Idempotency-Key` header (the part's own id), so a gateway
/// that sees a part twice can send it once.
///
/// A 2xx answer is sent (the gateway's `id` or `messageId`, when its JSON body has one, is the
/// provider's id); a 408, 425 or 429 is retryable, any other 4xx permanent (trying again cannot
/// help); a 5xx, a timeout or a
/// connection that fails is retryable. Phone numbers never appear in its errors.
public struct HTTPSender: MessageSender {
    public let url: URL
    public let timeout: TimeInterval
    private let session: URLSession

    /// - Parameters:
    ///   - url: where messages are POSTed; `http` or `https`.
    ///   - timeout: seconds a gateway has to answer each message.
    public init(url: URL, timeout: TimeInterval = 10) {
        self.url = url
        self.timeout = timeout
        session = Self.session(timeout: timeout)
    }

    /// The gateway URL in `text`, or why it is not one.
    public static func url(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else { return nil }
        return url
    }

    public var provider: String { "http" }

    /// The JSON a gateway receives.
    struct Payload: Codable, Equatable {
        var to: String
        var body: String
        var messageId: String
        var part: Int
        var parts: Int
    }

    public func send(_ message: OutgoingMessage) async throws -> String? {
        let phoneNumber = message.phoneNumber
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(message.messageID.uuidString.lowercased(), forHTTPHeaderField: "Idempotency-Key")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        request.httpBody = try encoder.encode(Payload(
            to: phoneNumber, body: message.body, messageId: message.groupID.uuidString.lowercased(), part: message.part, parts: message.parts))
        let (data, http) = try await Self.exchange(request, session: session, timeout: timeout, with: "the gateway")
        let status = http.statusCode
        switch status {
        case 200..<300:
            return Self.providerID(in: data)
        case 408, 425, 429:
            // Too early, too many, or too slow to send: the gateway asks to be tried later.
            throw SendFailure("the gateway asked to try later: HTTP \(status)\(Self.detail(data, redacting: phoneNumber))", code: String(status), retryable: true)
        case 400..<500:
            throw SendFailure("the gateway refused the message: HTTP \(status)\(Self.detail(data, redacting: phoneNumber))", code: String(status), retryable: false)
        default:
            // A gateway timeout behind a proxy may have sent it all the same.
            throw SendFailure(
                "the gateway failed: HTTP \(status)\(Self.detail(data, redacting: phoneNumber))", code: String(status), retryable: true,
                mayHaveArrived: status == 504)
        }
    }

    /// The gateway's id for the message, from a JSON body's `id` or `messageId`.
    /// Sends `request` and returns the answer; no answer in time is a retryable failure that
    /// may have arrived, no connection a retryable one that did not (`peer` names who was
    /// called, in the messages).
    public static func exchange(_ request: URLRequest, session: URLSession, timeout: TimeInterval, with peer: String) async throws -> (Data, HTTPURLResponse) {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError where error.code == .timedOut {
            throw SendFailure("\(peer) did not answer within \(seconds(timeout))", code: "timeout", retryable: true, mayHaveArrived: true)
        } catch let error as URLError where error.code == .cancelled || error.code == .networkConnectionLost {
            // The request may have been on its way, or answered, when it was cut off.
            throw SendFailure("\(peer)'s answer was cut off (\(describe(error)))", code: "cut-off", retryable: true, mayHaveArrived: true)
        } catch is CancellationError {
            throw SendFailure("\(peer)'s answer was cut off (the send was cancelled)", code: "cut-off", retryable: true, mayHaveArrived: true)
        } catch {
            throw SendFailure("\(peer) could not be reached (\(describe(error)))", code: "unreachable", retryable: true)
        }
        guard let http = response as? HTTPURLResponse else {
            throw SendFailure("\(peer)'s answer is not HTTP", code: "protocol", retryable: true)
        }
        return (data, http)
    }

    /// A URL session for one sender: no cache, `timeout` per request and resource.
    public static func session(timeout: TimeInterval) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }

    static func providerID(in data: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        for key in ["id", "messageId", "sid"] {
            if let text = object[key] as? String, !text.isEmpty { return text }
            if let number = object[key] as? Int { return String(number) }
        }
        return nil
    }

    /// A short excerpt of an error body, one line, with the number it was sent to redacted.
    static func detail(_ data: Data, redacting phoneNumber: String) -> String {
        var text = String(decoding: data.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        if !phoneNumber.isEmpty { text = text.replacingOccurrences(of: phoneNumber, with: "+***") }
        return text.isEmpty ? "" : ": \(text)"
    }

    static func describe(_ error: any Error) -> String {
        (error as? URLError).map { "URL error \($0.code.rawValue)" } ?? "\(type(of: error))"
    }

    static func seconds(_ interval: TimeInterval) -> String {
        interval == interval.rounded() ? "\(Int(interval)) s" : String(format: "%.1f s", interval)
    }
}

import EventLog
import Foundation
import Periodize
import Senders
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Twilio Programmable Messaging: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`, HTTP
/// Basic auth (the account sid and auth token, or an API key sid and secret), form-encoded `To`,
/// `From` or `MessagingServiceSid`, `Body` and `StatusCallback`; each part of a split message is
/// its own request. Twilio's error codes become failures of a kind the delivery worker acts on
/// (``SendFailure/Reason``): 21610 the recipient opted out, 21211 / 21614 a number that cannot
/// receive SMS (both permanent), 20003 / HTTP 401 bad credentials, 429 / 20429, 5xx, timeouts
/// and connection failures retryable (a 5xx or a timeout may have been taken all the same).
///
/// Before a part whose last attempt may have arrived is sent again, Twilio is asked
/// (``findSent(_:attemptedAt:)``): the messages to that number, newest first and of the
/// attempt's UTC day and the day before, matched on the body.
public struct TwilioSender: ReceiptingSender, SentMessageFinder {
    public struct Credentials: Sendable, Equatable {
        /// The account the messages are sent from (`AC...`): part of the URL.
        public var accountSID: String
        /// The Basic auth user and password: the account sid and auth token, or an API key
        /// sid (`SK...`) and its secret.
        public var user: String
        public var password: String

        public init(accountSID: String, user: String, password: String) {
            self.accountSID = accountSID
            self.user = user
            self.password = password
        }
    }

    /// Where messages come from: a number, or a messaging service.
    public enum Origin: Sendable, Equatable {
        case from(String)
        case messagingService(String)
    }

    public let baseURL: URL
    public let credentials: Credentials
    public let origin: Origin
    /// Twilio posts each message's status here (`PERIODIZE_PUBLIC_URL` + `/twilio/status`),
    /// with `?message=<our part id>` added so a callback finds its part even before the part's
    /// `MessageSent` is stored.
    public let statusCallback: URL?
    public let timeout: TimeInterval
    private let session: URLSession

    public static let defaultBaseURL = URL(string: "https://api.twilio.com")!

    public init(baseURL: URL = TwilioSender.defaultBaseURL, credentials: Credentials, origin: Origin, statusCallback: URL?, timeout: TimeInterval = 10) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.origin = origin
        self.statusCallback = statusCallback
        self.timeout = timeout
        session = HTTPSender.session(timeout: timeout)
    }

    public var provider: String { "twilio" }

    /// The Messages resource of the account.
    public var messagesURL: URL {
        baseURL.appendingPathComponent("2010-04-01/Accounts/\(credentials.accountSID)/Messages.json")
    }

    /// `application/x-www-form-urlencoded` of `fields`, in order.
    public static func form(_ fields: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return Data(text.utf8)
    }

    public func send(_ message: OutgoingMessage) async throws -> String? {
        try await deliver(message).providerMessageID
    }

    /// Sends one part; the receipt carries Twilio's `sid`, `status` and `num_segments`.
    public func deliver(_ message: OutgoingMessage) async throws -> SendReceipt {
        var fields = [("To", message.phoneNumber)]
        switch origin {
        case .from(let number): fields.append(("From", number))
        case .messagingService(let sid): fields.append(("MessagingServiceSid", sid))
        }
        fields.append(("Body", message.body))
        if let callback = callbackURL(for: message) { fields.append(("StatusCallback", callback.absoluteString)) }
        var request = authorized(URLRequest(url: messagesURL, timeoutInterval: timeout))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Self.form(fields)
        let (data, http) = try await HTTPSender.exchange(request, session: session, timeout: timeout, with: "Twilio")
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        if (200..<300).contains(http.statusCode) {
            guard let sid = object?["sid"] as? String, !sid.isEmpty else {
                // Taken (2xx) but without a sid: it may well go out; do not send it again blindly.
                throw SendFailure("Twilio answered HTTP \(http.statusCode) without a message sid", code: String(http.statusCode), retryable: true, mayHaveArrived: true)
            }
            return SendReceipt(providerMessageID: sid, status: object?["status"] as? String, segments: Self.segments(object))
        }
        throw Self.failure(status: http.statusCode, code: (object?["code"] as? Int), message: object?["message"] as? String, redacting: message.phoneNumber)
    }

    /// The status callback of one part: ``statusCallback`` with `message=<part id>`.
    public func callbackURL(for message: OutgoingMessage) -> URL? {
        guard let statusCallback, var components = URLComponents(url: statusCallback, resolvingAgainstBaseURL: false) else { return nil }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "message", value: message.messageID.uuidString.lowercased())]
        return components.url
    }

    private func authorized(_ request: URLRequest) -> URLRequest {
        var request = request
        request.setValue("Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        return request
    }

    /// Twilio's record of `message`: the messages to its number (`GET Messages.json?To=`), the
    /// newest page first (a queued message has no `date_sent` yet), then those of the attempt's
    /// UTC day and the day before (`DateSent=YYYY-MM-DD`), matched on the body and our origin,
    /// and made (`date_created`) no earlier than the part was queued, so a message of an
    /// earlier day with the same words is not taken for it.
    ///
    /// - Throws: ``SendFailure`` when Twilio cannot be asked (no answer, an error status).
    public func findSent(_ message: OutgoingMessage, notBefore: Date?, attemptedAt: Date) async throws -> SendReceipt? {
        let days = [attemptedAt, attemptedAt.addingTimeInterval(-86_400)].map { Timestamp($0).utcDay }
        // Clocks differ a little between us and Twilio.
        let earliest = notBefore?.addingTimeInterval(-300)
        for query in [[("To", message.phoneNumber), ("PageSize", "50")]] + days.map({ [("To", message.phoneNumber), ("DateSent", $0), ("PageSize", "100")] }) {
            var components = URLComponents(url: messagesURL, resolvingAgainstBaseURL: false)!
            components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
            // `+` in a number is a space in a query unless encoded.
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            var request = authorized(URLRequest(url: components.url!, timeoutInterval: timeout))
            request.httpMethod = "GET"
            let (data, http) = try await HTTPSender.exchange(request, session: session, timeout: timeout, with: "Twilio")
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            guard (200..<300).contains(http.statusCode), let messages = object?["messages"] as? [[String: Any]] else {
                throw Self.failure(status: http.statusCode, code: object?["code"] as? Int, message: object?["message"] as? String, redacting: message.phoneNumber)
            }
            let ours = messages.first { found in
                guard found["body"] as? String == message.body, (found["direction"] as? String)?.hasPrefix("outbound") ?? true else { return false }
                if let earliest, let created = (found["date_created"] as? String).flatMap(Self.rfc2822), created < earliest { return false }
                switch origin {
                case .from(let number): return found["from"] as? String == number || found["from"] == nil
                case .messagingService(let sid): return found["messaging_service_sid"] as? String == sid || found["messaging_service_sid"] == nil
                }
            }
            if let ours, let sid = ours["sid"] as? String {
                return SendReceipt(providerMessageID: sid, status: ours["status"] as? String, segments: Self.segments(ours))
            }
        }
        return nil
    }

    /// Twilio writes `num_segments` as a string.
    static func segments(_ resource: [String: Any]?) -> Int? {
        (resource?["num_segments"] as? String).flatMap { Int($0) } ?? (resource?["num_segments"] as? Int)
    }

    /// Twilio's dates: `Wed, 10 Mar 2026 07:00:00 +0000`.
    public static func rfc2822(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.date(from: text)
    }

    /// The failure an error answer stands for.
    static func failure(status: Int, code: Int?, message: String?, redacting phoneNumber: String) -> SendFailure {
        var text = "Twilio refused the message: HTTP \(status)"
        if let code { text += ", error \(code)" }
        if let message, !message.isEmpty { text += ": " + message.replacingOccurrences(of: phoneNumber, with: "+***") }
        let label = code.map(String.init) ?? String(status)
        switch (status, code) {
        case (_, 21610):
            return SendFailure(text, code: label, retryable: false, reason: .recipientOptedOut)
        case (_, 21211), (_, 21614):
            return SendFailure(text, code: label, retryable: false, reason: .invalidRecipient)
        case (401, _), (_, 20003):
            return SendFailure(text, code: label, retryable: false, reason: .badCredentials)
        case (429, _), (_, 20429):
            return SendFailure(text, code: label, retryable: true)
        case (500..<600, _):
            // Twilio may have taken it before failing: the next attempt asks first.
            return SendFailure(text, code: label, retryable: true, mayHaveArrived: true)
        default:
            return SendFailure(text, code: label, retryable: false)
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import EventLog
import Synchronization
import Twilio
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An in-test Twilio on 127.0.0.1 speaking the Messages API as Twilio documents it: `POST
/// /2010-04-01/Accounts/{sid}/Messages.json` (Basic auth, form fields, a JSON answer with `sid`,
/// `status`, `num_segments`; errors as `{code, message, more_info, status}`), `GET` of the same
/// resource filtered by `To` and `DateSent`, and status callbacks to each message's
/// `StatusCallback`, signed with the auth token as Twilio signs them.
public final class LoopbackTwilio: Sendable {
    /// A message Twilio took.
    public struct Message: Sendable, Equatable {
        public var sid: String
        public var to: String
        public var from: String?
        public var messagingServiceSID: String?
        public var body: String
        public var status: String
        /// When Twilio took it, by the fake's clock.
        public var dateCreated: Date
        /// `YYYY-MM-DD` (UTC) once sent; nil while queued.
        public var dateSent: String?
        public var statusCallback: String?
    }

    /// What to do with one request to send.
    public enum Fault: Sendable {
        /// Answer with Twilio's error body, taking nothing.
        case error(status: Int, code: Int?, message: String)
        /// Take the message (it goes out) but answer with an error status, as a 5xx after
        /// Twilio stored it would.
        case takeThenFail(status: Int)
        /// Take it and answer after `delay` (longer than the sender's timeout: no answer in time).
        case takeSlowly(Duration)
    }

    public typealias FaultScript = @Sendable (_ index: Int, _ to: String) -> Fault?

    struct State {
        var messages: [Message] = []
        var sendRequests = 0
        var listRequests = 0
        var callbacks: [(url: String, status: String, answer: Int)] = []
        var failLists = false
    }

    private let state = Mutex(State())
    private let task: Task<Void, any Error>
    /// The fake's clock (`date_created`, `DateSent`): a test's manual clock, or the wall's.
    private let clock: @Sendable () -> Date
    public let port: Int
    public let accountSID: String
    public let authToken: String
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Messages taken, in order.
    public var messages: [Message] { state.withLock { $0.messages } }
    /// Requests to send, faults included.
    public var sendRequests: Int { state.withLock { $0.sendRequests } }
    public var listRequests: Int { state.withLock { $0.listRequests } }
    /// Status callbacks made: where, which status, and the HTTP status answered.
    public var callbacks: [(url: String, status: String, answer: Int)] { state.withLock { $0.callbacks } }
    /// Makes the list endpoint answer 503 (a lookup that fails), or work again.
    public func failLists(_ fail: Bool) { state.withLock { $0.failLists = fail } }
    /// Messages taken, by recipient.
    public func messages(to number: String) -> [Message] { messages.filter { $0.to == number } }

    /// Starts the fake; returns once it listens.
    ///
    /// - Parameters:
    ///   - statuses: the callbacks made after a message is taken, in order.
    ///   - undeliveredCode: for numbers in `undeliverable`, the callbacks end `undelivered` with it.
    public static func start(
        accountSID: String = "AC" + String(repeating: "0", count: 31) + "1", authToken: String = "loopback-auth-token",
        statuses: [String] = ["sent", "delivered"], undeliverable: [String: Int] = [:], clock: @escaping @Sendable () -> Date = { Date() },
        faults: @escaping FaultScript = { _, _ in nil }
    ) async throws -> LoopbackTwilio {
        let box = Mutex<LoopbackTwilio?>(nil)
        let router = Router()
        let path = "2010-04-01/Accounts/\(accountSID)/Messages.json"
        let expectedAuth = "Basic " + Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
        @Sendable func error(_ status: Int, _ code: Int?, _ message: String) -> Response {
            var object: [String: Any] = ["message": message, "status": status, "more_info": "https://www.twilio.com/docs/errors/\(code ?? status)"]
            object["code"] = code ?? NSNull()
            return json(status, object)
        }
        router.post(RouterPath(path)) { request, _ -> Response in
            guard let twilio = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            guard request.headers[.authorization] == expectedAuth else { return error(401, 20003, "Authenticate") }
            var buffer = try await request.body.collect(upTo: 1 << 20)
            let form = Dictionary(TwilioSignature.formParameters(buffer.readData(length: buffer.readableBytes) ?? Data()).map { ($0.name, $0.value) }) { a, _ in a }
            guard let to = form["To"], let body = form["Body"] else { return error(400, 21604, "A 'To' phone number and a 'Body' are required.") }
            let index = twilio.state.withLock { state -> Int in state.sendRequests += 1; return state.sendRequests - 1 }
            let fault = faults(index, to)
            if case .error(let status, let code, let message)? = fault { return error(status, code, message) }
            let sid = "SM" + String(format: "%032x", index + 1)
            let message = Message(
                sid: sid, to: to, from: form["From"], messagingServiceSID: form["MessagingServiceSid"], body: body, status: "queued",
                dateCreated: twilio.clock(), dateSent: nil, statusCallback: form["StatusCallback"])
            twilio.state.withLock { $0.messages.append(message) }
            twilio.callBack(message, statuses: undeliverable[to].map { _ in ["sent", "undelivered"] } ?? statuses, errorCode: undeliverable[to])
            switch fault {
            case .takeThenFail(let status)?: return error(status, nil, "Internal Server Error")
            case .takeSlowly(let delay)?: try? await Task.sleep(for: delay)
            default: break
            }
            return json(201, twilio.resource(message))
        }
        router.get(RouterPath(path)) { request, _ -> Response in
            guard let twilio = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            guard request.headers[.authorization] == expectedAuth else { return error(401, 20003, "Authenticate") }
            let failing = twilio.state.withLock { state -> Bool in state.listRequests += 1; return state.failLists }
            if failing { return error(503, nil, "Service Unavailable") }
            let to = request.uri.queryParameters.get("To")
            let day = request.uri.queryParameters.get("DateSent")
            let found = twilio.messages.reversed().filter { ($0.to == to || to == nil) && (day == nil || $0.dateSent == day) }
            return json(200, ["messages": found.prefix(100).map(twilio.resource), "page": 0, "page_size": 100])
        }
        let (port, task) = try await serve(router, name: "loopback-twilio")
        let twilio = LoopbackTwilio(port: port, task: task, accountSID: accountSID, authToken: authToken, clock: clock)
        box.withLock { $0 = twilio }
        return twilio
    }

    private init(port: Int, task: Task<Void, any Error>, accountSID: String, authToken: String, clock: @escaping @Sendable () -> Date) {
        self.clock = clock
        self.port = port
        self.task = task
        self.accountSID = accountSID
        self.authToken = authToken
    }

    /// A message resource as Twilio writes it (`num_segments` a string).
    func resource(_ message: Message) -> [String: Any] {
        var object: [String: Any] = [
            "sid": message.sid, "account_sid": accountSID, "to": message.to, "body": message.body, "status": message.status,
            "direction": "outbound-api", "num_segments": "1", "api_version": "2010-04-01",
        ]
        object["from"] = message.from ?? NSNull()
        object["messaging_service_sid"] = message.messagingServiceSID ?? NSNull()
        object["date_sent"] = message.dateSent ?? NSNull()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        object["date_created"] = formatter.string(from: message.dateCreated)
        return object
    }

    /// Moves a message through `statuses`, calling its `StatusCallback` for each, signed.
    private func callBack(_ message: Message, statuses: [String], errorCode: Int?) {
        Task.detached {
            try? await Task.sleep(for: .milliseconds(20))
            for status in statuses {
                let day = Timestamp(self.clock()).utcDay
                self.state.withLock { state in
                    if let index = state.messages.firstIndex(where: { $0.sid == message.sid }) {
                        state.messages[index].status = status
                        if status != "queued" { state.messages[index].dateSent = day }
                    }
                }
                guard let callback = message.statusCallback else { continue }
                var parameters = [
                    ("MessageSid", message.sid), ("SmsSid", message.sid), ("AccountSid", self.accountSID), ("MessageStatus", status),
                    ("SmsStatus", status), ("To", message.to), ("ApiVersion", "2010-04-01"),
                ]
                if let from = message.from { parameters.append(("From", from)) }
                if status == "undelivered", let errorCode { parameters.append(("ErrorCode", String(errorCode))) }
                let answer = (try? await Self.postSigned(url: callback, parameters: parameters, authToken: self.authToken)) ?? 0
                self.state.withLock { $0.callbacks.append((callback, status, answer)) }
            }
        }
    }

    /// Posts a form to `url` signed as Twilio signs webhooks; returns the HTTP status and body.
    @discardableResult
    public static func postSigned(
        url: String, parameters: [(String, String)], authToken: String, signature: String? = nil, session: URLSession = .shared
    ) async throws -> Int {
        try await postSignedWithBody(url: url, parameters: parameters, authToken: authToken, signature: signature, session: session).status
    }

    public static func postSignedWithBody(
        url: String, parameters: [(String, String)], authToken: String, signature: String? = nil, session: URLSession = .shared
    ) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let signed = signature ?? TwilioSignature.compute(url: url, parameters: parameters.map { ($0.0, $0.1) }, authToken: authToken)
        if !signed.isEmpty { request.setValue(signed, forHTTPHeaderField: "X-Twilio-Signature") }
        request.httpBody = TwilioSender.form(parameters)
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

private func json(_ status: Int, _ object: Any) -> Response {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

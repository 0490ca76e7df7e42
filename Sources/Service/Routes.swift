import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Periodize
import ServiceLifecycle
import Twilio

extension PeriodizeService {
    enum Routes { case all(metrics: Bool), metricsOnly }

    /// The HTTP server on `port`: webhooks and health, `/metrics` where configured.
    func makeApplication(port: Int, routes: Routes, onListening: (@Sendable (Int) -> Void)?) throws -> some Service {
        let router = Router()
        switch routes {
        case .all(let withMetrics):
            if var api = configuration.api {
                api.texts = configuration.texts
                api.queued = { [weak self] in self?.woken.withLock { $0 = true } }
                try api.register(on: router, engine: engine, logger: logger)
            }
            router.post("twilio/status") { request, _ in try await self.statusCallback(request) }
            router.post("twilio/inbound") { request, _ in try await self.inbound(request) }
            router.get("healthz") { _, _ in Response.text("ok\n") }
            router.get("readyz") { _, _ in try await self.readiness() }
            if withMetrics { router.get("metrics") { request, _ in try await self.scrape(request) } }
        case .metricsOnly:
            router.get("metrics") { request, _ in try await self.scrape(request) }
        }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: "periodize"),
            onServerRunning: { channel in onListening?(channel.localAddress?.port ?? port) },
            logger: quiet)
    }

    // MARK: Twilio

    /// The form fields of a webhook whose signature holds: `X-Twilio-Signature` over
    /// `PERIODIZE_PUBLIC_URL` + the path and query as called and every parameter received.
    /// A missing or wrong signature is a 403 (nothing appended), a missing field a 400 naming
    /// it, each counted and logged for `route`.
    func signedFields(_ request: Request, route: String, required: [String]) async throws -> [String: String] {
        guard let webhooks = configuration.webhooks else {
            throw HTTPError(.notFound, message: "Twilio's webhooks are not configured (TWILIO_AUTH_TOKEN, PERIODIZE_PUBLIC_URL)")
        }
        var body = try await request.body.collect(upTo: 64 << 10)
        let parameters = TwilioSignature.formParameters(body.readData(length: body.readableBytes) ?? Data())
        let signature = request.headers[HTTPField.Name("X-Twilio-Signature")!]
        guard TwilioSignature.isValid(signature, url: webhooks.publicURL + request.uri.description, parameters: parameters, authToken: webhooks.authToken) else {
            metrics.webhook(route, outcome: "forbidden")
            logger.warning("webhook refused: bad or missing signature", metadata: ["route": "\(route)"])
            throw HTTPError(.forbidden)
        }
        let fields = Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        // Twilio sends the older names too (`SmsSid`, `SmsStatus`).
        let aliases = ["MessageSid": "SmsSid", "MessageStatus": "SmsStatus"]
        if let missing = required.first(where: { fields[$0] == nil && aliases[$0].flatMap { fields[$0] } == nil }) {
            metrics.webhook(route, outcome: "bad-request")
            throw HTTPError(.badRequest, message: "\(missing) is required")
        }
        return fields.merging(aliases.compactMap { name, alias in fields[name] == nil ? fields[alias].map { (name, $0) } : nil }) { current, _ in current }
    }

    func statusCallback(_ request: Request) async throws -> Response {
        let field = try await signedFields(request, route: "status", required: ["MessageSid", "MessageStatus"])
        let sid = field["MessageSid"]!
        let messageID = request.uri.queryParameters.get("message")
        let errorCode = field["ErrorCode"].flatMap { $0.isEmpty ? nil : $0 }
        let outcome = try await engine.reportStatus(messageID: messageID, providerMessageID: sid, status: field["MessageStatus"]!, errorCode: errorCode)
        switch outcome {
        case .recorded(let clientID, let optedOut):
            metrics.webhook("status", outcome: "recorded")
            if optedOut { logger.notice("client opted out at the provider (21610)", metadata: ["client": "\(clientID)", "message": "\(messageID ?? sid)"]) }
        case .duplicate: metrics.webhook("status", outcome: "duplicate")
        case .unknownMessage: metrics.webhook("status", outcome: "unknown-message")
        }
        return Response(status: .noContent)
    }

    func inbound(_ request: Request) async throws -> Response {
        let field = try await signedFields(request, route: "inbound", required: ["MessageSid", "From"])
        let sms = InboundSMS(
            providerMessageID: field["MessageSid"]!, from: field["From"]!, to: field["To"] ?? "", body: field["Body"] ?? "",
            segments: field["NumSegments"].flatMap { Int($0) }, mediaCount: field["NumMedia"].flatMap { Int($0) },
            providerOptOutType: field["OptOutType"].flatMap { $0.isEmpty ? nil : $0 })
        let outcome = try await engine.receive(sms, texts: configuration.texts)
        metrics.webhook("inbound", outcome: outcome.duplicate ? "duplicate" : outcome.inboundClass.rawValue)
        // A client's text is read after this answer, by the worker: wake it.
        if outcome.inboundClass == .text, outcome.clientID != nil, !outcome.duplicate { woken.withLock { $0 = true } }
        if outcome.optedOut || outcome.optedIn {
            logger.notice(outcome.optedOut ? "client opted out" : "client opted back in", metadata: ["client": "\(outcome.clientID ?? "")"])
        }
        return Response.twiml(outcome.reply)
    }

    // MARK: Health and metrics

    /// 200 when the log is open, the read-models caught up, the sender not stopped and no part
    /// held; 503 with what is wrong otherwise.
    func readiness() async throws -> Response {
        var problems: [String] = []
        var lags: [String: Int64] = [:]
        do {
            let head = try await engine.store.headPosition()
            for (name, position) in try await engine.readModels.readModelPositions() where position < head { lags[name] = head - position }
            if !lags.isEmpty { problems.append("read-models behind the log: " + lags.sorted { $0.key < $1.key }.map { "\($0.key) by \($0.value)" }.joined(separator: ", ")) }
        } catch {
            problems.append("the log cannot be read: \(error)")
        }
        if let stopped = health.state.withLock({ $0.senderStopped }) { problems.append("the sender stopped: \(stopped)") }
        if let held = try? await engine.readModels.heldParts(), held > 0 {
            problems.append("\(held) message part(s) held: the provider could not be asked whether it has them (not sent again)")
        }
        let body = problems.isEmpty ? "ready\n" : problems.map { $0 + "\n" }.joined()
        return Response.text(body, status: problems.isEmpty ? .ok : .serviceUnavailable)
    }

    func scrape(_ request: Request) async throws -> Response {
        if let token = configuration.metricsToken {
            guard TwilioSignature.constantTimeEqual(request.headers[.authorization], "Bearer \(token)") else { return Response(status: .unauthorized) }
        }
        if let head = try? await engine.store.headPosition(), let positions = try? await engine.readModels.readModelPositions() {
            metrics.readModelLag(positions.mapValues { max(0, head - $0) })
        }
        return Response.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}

extension Response {
    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A TwiML answer: one `<Message>`, or an empty `<Response/>`.
    static func twiml(_ message: String?) -> Response {
        let body = message.map { "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>\(xmlEscaped($0))</Message></Response>" }
            ?? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
        return text(body, contentType: "text/xml; charset=utf-8")
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

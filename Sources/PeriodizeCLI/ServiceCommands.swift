import ArgumentParser
import Foundation
import Logging
import Periodize
import PeriodizeApp
import Service

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: the HTTP server (Twilio's webhooks, /metrics, /healthz, /readyz), the hourly tick and the delivery worker.",
        discussion: """
            Configuration comes from the environment; flags win. Twilio: PERIODIZE_SENDER=twilio, TWILIO_ACCOUNT_SID, \
            TWILIO_AUTH_TOKEN (it signs the webhooks), TWILIO_API_KEY_SID + TWILIO_API_KEY_SECRET (optional, for sending), \
            TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, TWILIO_BASE_URL, PERIODIZE_PUBLIC_URL (the base URL Twilio calls), \
            PERIODIZE_SEND_RATE (segments per second, per process). PERIODIZE_METRICS_TOKEN puts /metrics behind a bearer \
            token. SIGTERM or SIGINT: in-flight work finishes, exit 0.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var coach: CoachOptions
    @Option(help: "The address to listen on (env PERIODIZE_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "The port to listen on, 0 for any free one (env PERIODIZE_PORT; default 8080).") var port: Int?
    @Option(name: .customLong("tick-interval"), help: "Seconds between ticks, aligned to multiples of it (env PERIODIZE_TICK_INTERVAL_S; default 3600).")
    var tickInterval: String?
    @Option(name: .customLong("delivery-poll"), help: "Seconds between looks at the queue when nothing woke the worker (env PERIODIZE_DELIVERY_POLL_S; default 5).")
    var deliveryPoll: String?
    @Option(name: .customLong("shutdown-timeout"), help: "Seconds SIGTERM waits for in-flight work (env PERIODIZE_SHUTDOWN_TIMEOUT_S; default 30).")
    var shutdownTimeout: String?
    @Option(name: .customLong("metrics-port"), help: "Serve /metrics on this port instead (env PERIODIZE_METRICS_PORT).") var metricsPort: Int?
    @Option(name: .customLong("service-name"), help: "Who the texts say they are from (env PERIODIZE_SERVICE_NAME).") var serviceName: String?
    @Option(name: .customLong("help-contact"), help: "How HELP tells people to reach a person (env PERIODIZE_HELP_CONTACT).") var helpContact: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // Everything checked before the log is opened.
        var service = ServiceConfiguration()
        service.host = host ?? environment["PERIODIZE_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? service.host
        service.port = try port ?? Self.number("PERIODIZE_PORT", environment, range: 0...65_535).map(Int.init) ?? service.port
        guard (0...65_535).contains(service.port) else { throw CommandFailure(message: "error: --port must be 0 to 65535", exitCode: CommandFailure.usage) }
        if let seconds = try Self.number("PERIODIZE_TICK_INTERVAL_S", environment, flag: tickInterval, range: 1...86_400) { service.tickInterval = .seconds(seconds) }
        if let seconds = try Self.number("PERIODIZE_DELIVERY_POLL_S", environment, flag: deliveryPoll, range: 0.05...3_600) { service.deliveryPoll = .seconds(seconds) }
        if let seconds = try Self.number("PERIODIZE_SHUTDOWN_TIMEOUT_S", environment, flag: shutdownTimeout, range: 0.1...3_600) { service.shutdownTimeout = .seconds(seconds) }
        service.metricsPort = try metricsPort ?? Self.number("PERIODIZE_METRICS_PORT", environment, range: 1...65_535).map(Int.init)
        if let token = environment["PERIODIZE_METRICS_TOKEN"], !token.isEmpty { service.metricsToken = token }
        service.texts = conversationTexts(serviceName: serviceName, helpContact: helpContact)
        var (configuration, twilio) = try store.configuration(coach: coach, receiving: true)
        if let twilio, let token = twilio.authToken, let url = twilio.publicURL {
            service.webhooks = .init(authToken: token, publicURL: url.absoluteString)
        }
        let metrics = ServiceMetrics(provider: configuration.sender.provider)
        configuration.observer = metrics

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: environment["PERIODIZE_LOG_LEVEL"] ?? "") ?? .info
            return handler
        }
        let logger = Logger(label: "periodize")
        let engine = try await store.openEngine(configuration, logger: logger)
        defer { try? engine.close() }
        service.api?.answers = try makeAnswerStore(path: store.db, engine: engine)
        let server = PeriodizeService(engine: engine, configuration: service, metrics: metrics, logger: logger)
        let host = service.host
        let note = service.webhooks == nil ? " (no Twilio webhooks: TWILIO_AUTH_TOKEN and PERIODIZE_PUBLIC_URL not set)" : ""
        try await server.run(onListening: { port in
            FileHandle.standardOutput.write(Data("periodize serve: listening on http://\(host):\(port)\(note)\n".utf8))
        })
        print("periodize serve: stopped")
    }

    /// `PERIODIZE_TICK_INTERVAL_S` -> `tick-interval`.
    static func flagName(_ variable: String) -> String {
        variable.replacingOccurrences(of: "PERIODIZE_", with: "").replacingOccurrences(of: "_S", with: "").lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// A number of seconds (or a port) from the flag or the variable, checked against `range`:
    /// a malformed one is one line naming it, exit 64.
    static func number(_ variable: String, _ environment: [String: String], flag: String? = nil, range: ClosedRange<Double>) throws -> Double? {
        guard let text = flag ?? environment[variable], !text.isEmpty else { return nil }
        guard let value = Double(text), range.contains(value) else {
            let name = flag == nil ? "\(variable)=\(text)" : "--\(flagName(variable)) \(text)"
            throw CommandFailure(message: "error: \(name) must be a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())", exitCode: CommandFailure.usage)
        }
        return value
    }
}

struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Take a text as if it came in through Twilio's inbound webhook (no signature): STOP, START, HELP, or a reply.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The sender's number, E.164 (+15551234567).") var from: String
    @Option(help: "Our number it was sent to.") var to: String = ""
    @Option(help: "The provider's message id (default: a new one); the same id twice is one text.") var sid: String?
    @Option(name: .customLong("service-name"), help: "(env PERIODIZE_SERVICE_NAME)") var serviceName: String?
    @Option(name: .customLong("help-contact"), help: "(env PERIODIZE_HELP_CONTACT)") var helpContact: String?
    @Argument(help: "The text.") var text: String

    func run() async throws {
        guard Enrollment.isE164(from) else {
            throw CommandFailure(message: "error: --from \(from) is not an E.164 number (+ and 8 to 15 digits)", exitCode: CommandFailure.usage)
        }
        let texts = conversationTexts(serviceName: serviceName, helpContact: helpContact)
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let id = sid ?? "SMcli" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(27)
        let outcome = try await engine.receive(InboundSMS(providerMessageID: id, from: from, to: to, body: text, provider: "cli"), texts: texts)
        var line = "receive: \(outcome.inboundClass.rawValue)"
        line += outcome.clientID.map { " from client \($0)" } ?? " from a number that is no client's"
        if outcome.duplicate { line += " (received before: nothing recorded)" }
        if outcome.optedOut { line += "; opted out" }
        if outcome.optedIn { line += "; opted back in" }
        print(line)
        if let reply = outcome.reply { print("reply: \(reply)") }
        // A client's text is read at once here (the service reads it after the webhook answers).
        if outcome.inboundClass == .text, let client = outcome.clientID, !outcome.duplicate {
            let read = try await engine.readReply(clientID: client, providerMessageID: id, body: text)
            print("read: " + read.intents.map(\.description).joined(separator: "; "))
            for action in read.actions { print("  \(action)") }
            for part in read.replies { print("queued reply: \(part)") }
        }
    }
}

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Texts a person should read (the reader could not, or they ask what is not acted on yet), newest first.")

    @OptionGroup var store: StoreOptions
    @Option(help: "At most this many.") var limit: Int = 50

    func run() async throws {
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let texts = try await engine.readModels.inbox(limit: max(1, limit))
        if texts.isEmpty { print("inbox: empty") }
        for text in texts { print("\(text.receivedAt)  \(text.clientID)  \(text.body)") }
    }
}

/// The HELP and unknown-number texts: the flags, else `PERIODIZE_SERVICE_NAME` and
/// `PERIODIZE_HELP_CONTACT`, else the defaults.
func conversationTexts(serviceName: String?, helpContact: String?) -> ConversationTexts {
    let environment = ProcessInfo.processInfo.environment
    let defaults = ConversationTexts()
    return ConversationTexts(
        serviceName: serviceName ?? environment["PERIODIZE_SERVICE_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? defaults.serviceName,
        contact: helpContact ?? environment["PERIODIZE_HELP_CONTACT"].flatMap { $0.isEmpty ? nil : $0 } ?? defaults.contact)
}

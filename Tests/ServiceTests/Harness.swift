import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import IdempotencySQLite
import LoopbackProviders
import Periodize
import PeriodizeApp
import Service
import Testing
import TestSupport
import Twilio
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

func enrollment(_ id: String, phone: String, zone: String = "UTC", hour: Int = 6) -> Enrollment {
    Enrollment(
        clientId: id, name: "Client \(id)", phoneNumber: phone, timezone: zone, preferredSendHour: hour,
        profile: FitnessProfile(fitnessGoals: "Get strong", primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: 7,
                                trainingDays: [1, 2, 3, 4, 5, 6, 7], sessionMinutes: 45, location: .commercialGym, equipment: [], injuries: []))
}

/// One client's number: `+1555010` and four digits.
func phone(_ n: Int) -> String { "+1555010" + String(format: "%04d", n) }

/// A service in this process over a log in a temporary folder, sending through an in-test
/// Twilio and serving the webhooks on 127.0.0.1 (real HTTP both ways).
final class Harness: @unchecked Sendable {
    let folder = TemporaryDirectory("service")
    let twilio: LoopbackTwilio
    let engine: Engine
    let service: PeriodizeService
    let metrics = ServiceMetrics()
    let clock: ManualClock
    let port: Int
    private var task: Task<Void, any Error>?
    var url: String { "http://127.0.0.1:\(port)" }
    var path: String { folder.path("log.sqlite") }

    /// - Parameter worker: run the service's own delivery worker (every 0.1 s); otherwise
    ///   tests deliver by calling the engine.
    init(
        clients: Int = 0, at now: Date = date("2026-03-10T07:00:00Z"), statuses: [String] = ["sent", "delivered"],
        undeliverable: [String: Int] = [:], faults: @escaping LoopbackTwilio.FaultScript = { _, _ in nil }, worker: Bool = false,
        metricsToken: String? = nil, metricsPort: Int? = nil, timeout: TimeInterval = 1, credentials: String? = nil
    ) async throws {
        clock = ManualClock(now)
        twilio = try await LoopbackTwilio.start(statuses: statuses, undeliverable: undeliverable, clock: { [clock] in clock.date() }, faults: faults)
        port = freeLoopbackPort()
        let sender = TwilioSender(
            baseURL: URL(string: twilio.baseURL)!,
            credentials: .init(accountSID: twilio.accountSID, user: twilio.accountSID, password: credentials ?? twilio.authToken),
            origin: .from("+15550009999"), statusCallback: URL(string: "http://127.0.0.1:\(port)/twilio/status"), timeout: timeout)
        var delivery = DeliveryPolicy()
        delivery.firstRetry = 0.01
        delivery.maxRetry = 0.01
        delivery.lease = 2
        var configuration = EngineConfiguration(path: folder.path("log.sqlite"), durability: .normal, clock: { [clock] in clock.date() }, sender: sender, delivery: delivery)
        configuration.observer = metrics
        engine = try await makeEngine(configuration)
        for n in 0..<clients {
            try await engine.enroll(enrollment("c\(n)", phone: phone(n)))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        var settings = ServiceConfiguration()
        settings.port = port
        settings.scheduler = false
        settings.deliveryPoll = worker ? .milliseconds(100) : .seconds(3_600)
        settings.webhooks = .init(authToken: twilio.authToken, publicURL: "http://127.0.0.1:\(port)")
        settings.metricsToken = metricsToken
        settings.metricsPort = metricsPort
        settings.texts = ConversationTexts(serviceName: "Peak Coaching", contact: "help@peak.example")
        settings.api?.answers = try SQLiteIdempotencyStore(path: folder.path("log.sqlite"), vault: engine.vault)
        settings.api?.feed.heartbeat = .seconds(1)
        service = PeriodizeService(engine: engine, configuration: settings, metrics: metrics, logger: .init(label: "test"))
        let (listening, continuation) = AsyncStream<Int>.makeStream()
        task = Task { [service] in
            do {
                try await service.run(signals: [], onListening: { port in continuation.yield(port); continuation.finish() })
            } catch {
                // Not listening (the port taken, say): the wait below ends instead of hanging.
                continuation.finish()
                throw error
            }
            continuation.finish()
        }
        var iterator = listening.makeAsyncIterator()
        guard await iterator.next() == port else { throw LoopbackError("the service did not start on \(port)") }
    }

    func stop() async {
        // Gracefully: cancelling a server with requests in flight trips NIO's writer checks.
        await service.shutdown()
        _ = await task?.result
        await twilio.stop()
        try? engine.close()
    }

    /// Posts a Twilio webhook to `path`, signed for `signedURL` (the same URL by default).
    func post(_ path: String, _ parameters: [(String, String)], signedFor signedURL: String? = nil, signature: String? = nil) async throws -> (status: Int, body: String) {
        let target = url + path
        let signed = signature ?? TwilioSignature.compute(url: signedURL ?? target, parameters: parameters.map { ($0.0, $0.1) }, authToken: twilio.authToken)
        return try await LoopbackTwilio.postSignedWithBody(url: target, parameters: parameters, authToken: twilio.authToken, signature: signed)
    }

    /// An inbound text from `from`, as Twilio posts it.
    func text(_ body: String, from: String, sid: String, extra: [(String, String)] = []) async throws -> (status: Int, body: String) {
        try await post("/twilio/inbound", [
            ("MessageSid", sid), ("SmsSid", sid), ("AccountSid", twilio.accountSID), ("From", from), ("To", "+15550009999"), ("Body", body),
            ("NumSegments", "1"), ("NumMedia", "0"), ("ApiVersion", "2010-04-01"),
        ] + extra)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url + path)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    func head() async throws -> Int64 { try await engine.store.headPosition() }

    /// A text from client `n` through the engine's receive path, then read as the worker reads.
    func text(_ body: String, from n: Int = 0, sid: String) async throws -> ReplyOutcome? {
        _ = try await engine.receive(InboundSMS(providerMessageID: sid, from: phone(n), to: "+15550009999", body: body))
        return try await engine.readPendingReplies().first
    }

    /// Events of `type` in the log.
    func count(_ type: String) async throws -> Int {
        try await rows("SELECT count(*) FROM events WHERE type = '\(type)'").first?[0] ?? 0
    }

    func rows(_ sql: String) async throws -> [Row] {
        try await engine.database.read { try Row.fetchAll($0, sql: sql) }
    }

    /// Waits (up to 10 s) until `condition` holds.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<200 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting until \(what)")
    }
}

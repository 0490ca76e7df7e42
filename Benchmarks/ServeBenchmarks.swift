import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LoopbackProviders
import Periodize
import PeriodizeApp
import Senders
import Service
import Synchronization
import TestSupport
import Twilio
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The service under load, beside a Hummingbird route that only answers 200, in the same run.
enum ServeBenchmarks {
    /// Signed inbound webhooks, each with its own MessageSid, at `rate` a second for `seconds`
    /// from an in-process client on loopback (open loop: each request starts at its own instant
    /// whatever the others do). The same load first against the bare route, then against
    /// `/twilio/inbound`; p50 / p99 latency and the ratios; events == requests answered 200.
    static func load(_ options: Options) async throws {
        let clients = 1_000
        let path = options.folder + "/serve-load.sqlite"
        removeDatabase(path)
        try await CoachingBenchmarks.enroll(clients, path: path) { CoachingBenchmarks.client($0) }
        let token = "bench-auth-token"
        let port = freeLoopbackPort()
        let metrics = ServiceMetrics()
        var configuration = EngineConfiguration(path: path, durability: .full)
        configuration.observer = metrics
        let engine = try await makeEngine(configuration)
        var settings = ServiceConfiguration()
        settings.port = port
        settings.scheduler = false
        settings.webhooks = .init(authToken: token, publicURL: "http://127.0.0.1:\(port)")
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let service = PeriodizeService(engine: engine, configuration: settings, metrics: metrics, logger: logger)
        let running = Task { try await service.run(signals: []) }
        let baseline = try await bareRoute()
        let session = URLSession(configuration: {
            let c = URLSessionConfiguration.ephemeral
            c.httpMaximumConnectionsPerHost = 256
            c.timeoutIntervalForRequest = 30
            return c
        }())
        try await waitFor("http://127.0.0.1:\(port)/healthz", session: session)
        let total = Int(options.rate * options.seconds)
        /// Request n: a signed inbound text with its own MessageSid, from one of the clients.
        @Sendable func request(_ n: Int, port: Int, path: String) -> [UInt8] {
            let url = "http://127.0.0.1:\(port)\(path)"
            let number = CoachingBenchmarks.client(n % clients).phoneNumber
            let parameters = [
                ("MessageSid", "SM" + String(format: "%032x", n)), ("AccountSid", "AC" + String(repeating: "0", count: 32)), ("From", number),
                ("To", "+15550009999"), ("Body", "done, felt strong today \(n)"), ("NumSegments", "1"), ("NumMedia", "0"),
            ]
            let form = String(decoding: TwilioSender.form(parameters), as: UTF8.self)
            let signature = TwilioSignature.compute(url: url, parameters: parameters, authToken: token)
            return LoadGenerator.post(path: path, host: "127.0.0.1:\(port)", headers: [("X-Twilio-Signature", signature)], form: form)
        }
        // The engine alone, no HTTP: the same texts handed to `receive`, 64 at a time.
        let direct = min(total, 5_000)
        let engineTime = await ContinuousClock().measure {
            await withTaskGroup(of: Void.self) { group in
                for n in 0..<direct {
                    if n >= 64 { await group.next() }
                    group.addTask {
                        let sms = InboundSMS(
                            providerMessageID: "SM" + String(format: "%032x", 2_000_000 + n), from: CoachingBenchmarks.client(n % clients).phoneNumber,
                            to: "+15550009999", body: "done, felt strong today \(n)")
                        _ = try? await engine.receive(sms)
                    }
                }
            }
        }
        let bare = await drive(total: total, rate: options.rate, port: baseline.port) { request($0, port: baseline.port, path: "/ok") }
        let head = try await engine.store.headPosition()
        let before = try await engine.readModels.stats().byType.first { $0.type == MessageReceived.eventType }?.count ?? 0
        let ours = await drive(total: total, rate: options.rate, port: port) { request($0 + 1_000_000, port: port, path: "/twilio/inbound") }
        let appended = try await engine.store.headPosition() - head
        let received = (try await engine.readModels.stats().byType.first { $0.type == MessageReceived.eventType }?.count ?? 0) - before
        running.cancel()
        _ = await running.result
        await baseline.stop()
        try engine.close()
        say(String(format: "serve load, %d signed inbound webhooks at %.0f/s for %.0f s (in-process client: 32 keep-alive connections on plain sockets, loopback): bare 200 route p50 %.1f ms p99 %.1f ms (%d ok, %.0f/s achieved); /twilio/inbound p50 %.1f ms p99 %.1f ms (%d ok, %.0f/s achieved); ratio p50 %.2f, p99 %.2f (route/ours)",
                   total, options.rate, options.seconds, bare.p50, bare.p99, bare.ok, bare.achieved, ours.p50, ours.p99, ours.ok, ours.achieved,
                   bare.p50 / ours.p50, bare.p99 / ours.p99))
        say(String(format: "serve load: engine.receive alone (no HTTP, 64 at a time): %d texts in %.2f s, %.0f/s", direct, engineTime.inSeconds, Double(direct) / engineTime.inSeconds))
        // Besides each text, the worker appends what reading it did (ReplyRead, WorkoutCompleted, the confirmation).
        say("serve load: \(ours.ok) answered 200, \(received) MessageReceived in the log (\(appended) events appended with the readings): \(Int64(ours.ok) == received ? "nothing lost" : "MISMATCH")")
        guard Int64(ours.ok) == received, ours.ok == total else { throw BenchError("serve load lost requests: \(ours.ok) of \(total) ok, \(received) recorded") }
        removeDatabase(path)
    }

    struct Latencies {
        var p50: Double
        var p99: Double
        var ok: Int
        var achieved: Double
    }

    /// Sends `total` requests, the n-th at n / rate seconds (open loop, 32 keep-alive connections).
    static func drive(total: Int, rate: Double, port: Int, _ make: @escaping @Sendable (Int) -> [UInt8]) async -> Latencies {
        let result = await LoadGenerator(port: port).run(total: total, rate: rate, make)
        let sorted = result.latenciesMs
        func quantile(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        return Latencies(p50: quantile(0.5), p99: quantile(0.99), ok: result.ok, achieved: Double(sorted.count) / result.wallSeconds)
    }

    /// A Hummingbird route that reads the body and answers 200: the baseline.
    static func bareRoute() async throws -> (url: String, port: Int, stop: @Sendable () async -> Void) {
        let router = Router()
        router.post("ok") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 << 10)
            return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: "<Response/>")))
        }
        let port = freeLoopbackPort()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              logger: { var l = Logger(label: "bare"); l.logLevel = .error; return l }())
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let url = "http://127.0.0.1:\(port)"
        try await waitFor(url + "/ok", session: .shared, method: "POST")
        return (url, port, { task.cancel(); _ = await task.result })
    }

    static func waitFor(_ url: String, session: URLSession, method: String = "GET") async throws {
        for _ in 0..<200 {
            var request = URLRequest(url: URL(string: url)!)
            request.httpMethod = method
            if (try? await session.data(for: request)) != nil { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw BenchError("\(url) did not answer")
    }

    /// A tick over `clients` (10,000 at most) delivered through the in-test Twilio under a cap of
    /// `rate` segments a second, as `serve` runs it (the scheduler's tick at start, the worker
    /// sending what is queued while the tick goes on): from the start to the last part taken,
    /// against the ideal (segments / rate).
    static func cappedTick(_ options: Options) async throws {
        let count = min(options.clients, 10_000)
        let rate = 100.0
        let path = options.folder + "/serve-tick.sqlite"
        removeDatabase(path)
        try await CoachingBenchmarks.enroll(count, path: path, CoachingBenchmarks.everyDay)
        let twilio = try await LoopbackTwilio.start(statuses: [])
        let sender = TwilioSender(
            baseURL: URL(string: twilio.baseURL)!, credentials: .init(accountSID: twilio.accountSID, user: twilio.accountSID, password: twilio.authToken),
            origin: .from("+15550009999"), statusCallback: nil, timeout: 10)
        let now = Timestamp(iso8601: "2026-03-10T12:00:00Z")!.date
        let engine = try await makeEngine(EngineConfiguration(
            path: path, durability: .full, clock: { now }, smsSegments: 1, sender: RateCappedSender(sender, segmentsPerSecond: rate)))
        var settings = ServiceConfiguration()
        settings.port = freeLoopbackPort()
        settings.tickInterval = .seconds(86_400)
        settings.deliveryPoll = .milliseconds(200)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let service = PeriodizeService(engine: engine, configuration: settings, metrics: ServiceMetrics(), logger: logger)
        let started = ContinuousClock.now
        let running = Task { try await service.run(signals: []) }
        var recipients = 0
        while true {
            try await Task.sleep(for: .milliseconds(200))
            let counts = try await engine.readModels.deliveryCounts().byStatus
            recipients = Set(twilio.messages.map(\.to)).count
            let waiting = ["queued", "sending", "failed", "held"].reduce(0) { $0 + counts[$1, default: 0] }
            if recipients == count, waiting == 0 { break }
            if ContinuousClock.now - started > .seconds(Double(count) * 3 / rate + 120) { throw BenchError("capped tick did not finish: \(counts)") }
        }
        let elapsed = ContinuousClock.now - started
        running.cancel()
        _ = await running.result
        let counts = try await engine.readModels.deliveryCounts().byStatus
        try engine.close()
        let sent = twilio.messages.count
        await twilio.stop()
        guard counts["sent"] == sent else { throw BenchError("capped tick: \(counts), \(sent) at Twilio") }
        let ideal = Double(sent) / rate
        let seconds = Report.seconds(elapsed)
        say(String(format: "capped tick as serve runs it, %d clients through the in-test Twilio at %.0f segments/s: %d parts of 1 segment, all taken in %.1f s vs ideal %.1f s, ratio %.3f (ideal/ours)",
                   count, rate, sent, seconds, ideal, ideal / seconds))
        removeDatabase(path)
    }
}

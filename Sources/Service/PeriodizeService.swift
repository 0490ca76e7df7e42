import API
import EventLog
import Foundation
import Hummingbird
import Logging
import Periodize
import ServiceLifecycle
import Synchronization
import UnixSignals

/// How `periodize serve` runs.
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The tick runs at every multiple of this interval (the top of every hour by default),
    /// and once at start so missed hours catch up.
    public var tickInterval: Duration = .seconds(3600)
    /// Whether this process ticks at all (a process may only serve webhooks and deliver).
    public var scheduler = true
    /// How often the delivery worker looks for due parts when nothing woke it.
    public var deliveryPoll: Duration = .seconds(5)
    /// How long SIGTERM / SIGINT waits for in-flight work before cancelling it.
    public var shutdownTimeout: Duration = .seconds(30)
    /// Twilio's webhooks: the auth token that signs them and the public base URL they were
    /// signed for; nil serves no webhook (`/twilio/*` answer 404, naming what is missing).
    public var webhooks: Webhooks?
    /// `/metrics` only with `Authorization: Bearer <token>`, when set.
    public var metricsToken: String?
    /// `/metrics` on a port of its own (on the same host), when set; not on the main port then.
    public var metricsPort: Int?
    public var texts = ConversationTexts()
    /// The operators' API under `/api/v1` (its texts and the worker's wake-up are the
    /// service's); nil serves none.
    public var api: OperatorsAPIRoutes? = OperatorsAPIRoutes()

    public struct Webhooks: Sendable {
        public var authToken: String
        /// `PERIODIZE_PUBLIC_URL`: what Twilio calls, without a trailing slash.
        public var publicURL: String

        public init(authToken: String, publicURL: String) {
            self.authToken = authToken
            self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
    }

    public init() {}
}

/// What `/readyz` reports, kept by the services as they run.
final class Health: Sendable {
    struct State {
        /// Why the delivery worker stopped sending (bad credentials), until restarted.
        var senderStopped: String?
        var lastTick: Date?
        var lastTickError: String?
    }
    let state = Mutex(State())
}

/// `periodize serve`: one process running the HTTP server (Twilio's webhooks, `/metrics`,
/// `/healthz`, `/readyz`), the scheduler (the hourly tick) and the delivery worker, as services
/// of one lifecycle. SIGTERM or SIGINT stops accepting requests, lets in-flight appends and
/// deliveries finish (claimed parts not yet sent go back to the queue), and returns.
public final class PeriodizeService: Sendable {
    public let engine: Engine
    public let configuration: ServiceConfiguration
    public let metrics: ServiceMetrics
    let health = Health()
    let logger: Logger
    /// Set to wake the delivery worker (a tick queued messages).
    let woken = Mutex(false)
    /// Set once shutdown begins: the worker's `shouldStop`.
    let stopping = Mutex(false)
    /// The running group, for ``shutdown()``.
    private let group = Mutex<ServiceGroup?>(nil)

    public init(engine: Engine, configuration: ServiceConfiguration, metrics: ServiceMetrics, logger: Logger) {
        self.engine = engine
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT (or, with `signals` empty, until cancelled).
    ///
    /// - Parameter onListening: called with the HTTP port once the server listens.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], onListening: (@Sendable (Int) -> Void)? = nil) async throws {
        // A group shuts its services down last first: the HTTP server stops accepting before
        // the worker releases what it claimed, and the scheduler's tick finishes last.
        var services: [any Service] = []
        if configuration.scheduler { services.append(Scheduler(service: self)) }
        services.append(DeliveryWorker(service: self))
        if let metricsPort = configuration.metricsPort {
            services.append(try makeApplication(port: metricsPort, routes: .metricsOnly, onListening: nil))
        }
        services.append(try makeApplication(port: configuration.port, routes: .all(metrics: configuration.metricsPort == nil), onListening: onListening))
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        group.maximumCancellationDuration = .seconds(5)
        let running = ServiceGroup(configuration: group)
        self.group.withLock { $0 = running }
        try await running.run()
    }

    /// Shuts the service down as SIGTERM would (in-flight work finishes), for a host that runs it
    /// without signals (tests, another program).
    public func shutdown() async {
        await group.withLock({ $0 })?.triggerGracefulShutdown()
    }

    func isStopping() -> Bool { stopping.withLock { $0 } }

    /// The hourly tick: once at start, then at every multiple of the interval.
    struct Scheduler: Service {
        let service: PeriodizeService

        func run() async throws {
            try await withGracefulShutdownHandler {
                try await loop()
            } onGracefulShutdown: {
                service.stopping.withLock { $0 = true }
            }
        }

        func loop() async throws {
            let interval = service.configuration.tickInterval
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                await service.tickOnce()
                let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
                let now = service.engine.clock().timeIntervalSince1970
                let next = (now / seconds).rounded(.down) * seconds + seconds
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(0.01, next - now))) }
                } catch {
                    return
                }
            }
        }
    }

    /// Queues every due client's daily message, then wakes the worker.
    func tickOnce() async {
        let started = ContinuousClock.now
        do {
            let report = try await engine.tick(deliver: false, shouldStop: { [weak self] in self?.isStopping() ?? true })
            let due = report.queued + report.alreadyQueued + report.outsidePlan + report.undeliverable + report.failed.count
            metrics.tick(duration: ContinuousClock.now - started, due: due, queued: report.queued)
            health.state.withLock { $0.lastTick = engine.clock(); $0.lastTickError = nil }
            if !report.failed.isEmpty {
                logger.error("tick: clients failed", metadata: ["failed": "\(report.failed.count)", "first": "\(report.failed[0].prefix(200))"])
            }
            logger.info(report.stoppedEarly ? "tick stopped early: shutting down (the next tick catches up)" : "tick", metadata: ["queued": "\(report.queued)", "due": "\(due)"])
        } catch {
            health.state.withLock { $0.lastTickError = "\(error)" }
            logger.error("tick failed", metadata: ["error": "\(error)"])
        }
        woken.withLock { $0 = true }
    }

    /// Drains the outbox whenever woken or every poll interval; stops sending for good (until
    /// restarted) when the provider refuses our credentials.
    struct DeliveryWorker: Service {
        let service: PeriodizeService

        func run() async throws {
            await withGracefulShutdownHandler {
                while !Task.isShuttingDownGracefully, !Task.isCancelled {
                    await service.deliverOnce()
                    // Woken by a tick or a webhook, or the poll interval, or shutdown, whichever first.
                    let until = ContinuousClock.now + service.configuration.deliveryPoll
                    while ContinuousClock.now < until, !service.woken.withLock({ $0 }), !Task.isShuttingDownGracefully, !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    service.woken.withLock { $0 = false }
                }
            } onGracefulShutdown: {
                service.stopping.withLock { $0 = true }
            }
        }
    }

    func deliverOnce() async {
        // Texts received since: read after their webhooks answered, before delivering (the
        // confirmations go out in the same run).
        do {
            let read = try await engine.readPendingReplies()
            for outcome in read where outcome.actions.contains(where: { $0.contains("listed for a person") || $0.contains("left for a coach") }) {
                logger.notice("a reply is in the inbox", metadata: ["client": "\(outcome.clientID)"])
            }
        } catch {
            logger.error("reading replies failed", metadata: ["error": "\(error)"])
        }
        guard health.state.withLock({ $0.senderStopped == nil }) else { return }
        do {
            let report = try await engine.deliver(shouldStop: { [weak self] in self?.isStopping() ?? true })
            if let stopped = report.stopped {
                health.state.withLock { $0.senderStopped = stopped }
                metrics.senderStopped(true)
            }
            for error in report.errors.prefix(5) { logger.error("delivery", metadata: ["error": "\(error)"]) }
            metrics.held(try await engine.readModels.heldParts())
        } catch {
            logger.error("delivery run failed", metadata: ["error": "\(error)"])
        }
    }
}

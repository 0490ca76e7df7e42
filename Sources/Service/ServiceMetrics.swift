import CoreMetrics
import EventLog
import Events
import Foundation
import Prometheus
import Synchronization

/// The service's metrics, through swift-metrics into a Prometheus registry of its own (no
/// global bootstrap: two services in one process keep their own).
///
/// Most are read off the events appended through the engine (an ``AppendObserver``), so what
/// they count is what the log holds: messages queued, sent, failed by kind and provider;
/// delivery latency; provider status reports; texts received by class; generation latency by
/// artefact and coach; model calls, failures, fallbacks and tokens by provider and model; append
/// latency and batch size. The scheduler reports ticks; the read-models' lag is read when
/// scraped. Labels are kinds, statuses, providers and models: never a client id, a number or a
/// body.
public final class ServiceMetrics: AppendObserver, Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// When each attempt in flight was claimed, by message part: the delivery latency's start.
    private let attempts = Mutex<[String: ContinuousClock.Instant]>([:])

    /// The sender's name, for the messages queued (the queue does not know who will send them).
    let provider: String

    public init(provider: String = "log-only") {
        self.provider = provider
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        self.factory = factory
        appendTimer = CoreMetrics.Timer(label: "periodize_append_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        batchRecorder = CoreMetrics.Recorder(label: "periodize_append_batch_events", factory: factory)
    }

    /// Made once: every append records into them (the others are made when first used).
    private let appendTimer: CoreMetrics.Timer
    private let batchRecorder: CoreMetrics.Recorder

    func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    }

    func timer(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: label, dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
    }

    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    /// The registry in Prometheus's text format.
    public func exposition() -> String {
        registry.emitToString()
    }

    // MARK: What the scheduler, the worker and the webhooks report

    func tick(duration: Duration, due: Int, queued: Int) {
        timer("periodize_tick_duration_seconds").recordNanoseconds(duration.nanoseconds)
        gauge("periodize_tick_clients_due").record(due)
        counter("periodize_tick_queued_total").increment(by: queued)
    }

    func readModelLag(_ lags: [String: Int64]) {
        for (name, lag) in lags { gauge("periodize_read_model_lag_events", [("read_model", name)]).record(lag) }
    }

    func senderStopped(_ stopped: Bool) {
        gauge("periodize_sender_stopped").record(stopped ? 1 : 0)
    }

    func held(_ count: Int) {
        gauge("periodize_messages_held").record(count)
    }

    func webhook(_ route: String, outcome: String) {
        counter("periodize_webhook_requests_total", [("route", route), ("outcome", outcome)]).increment()
    }

    // MARK: What the log records

    public func appended(_ batches: [(stream: String, events: [NewEvent])], results: [AppendResult], duration: Duration) {
        let count = batches.reduce(0) { $0 + $1.events.count }
        appendTimer.recordNanoseconds(duration.nanoseconds)
        batchRecorder.record(count)
        for ((_, events), result) in zip(batches, results) where !result.alreadyStored {
            for event in events { observe(event) }
        }
    }

    private func observe(_ event: NewEvent) {
        guard Self.observed.contains(event.type),
              let decoded = try? EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.currentPayload ?? event.payload)
        else { return }
        switch decoded {
        case .messageQueued(let m):
            counter("periodize_messages_queued_total", [("kind", m.kind.rawValue), ("provider", provider)]).increment()
        case .deliveryAttempted(let a):
            attempts.withLock { attempts in
                // An attempt whose outcome another process recorded never ends here: bounded.
                if attempts.count >= 100_000 { attempts.removeAll() }
                attempts[a.messageId] = .now
            }
        case .messageSent(let m):
            counter("periodize_messages_sent_total", [("kind", m.kind.rawValue), ("provider", m.provider)]).increment()
            if let started = attempts.withLock({ $0.removeValue(forKey: m.messageId) }) {
                timer("periodize_delivery_latency_seconds", [("provider", m.provider)]).recordNanoseconds((ContinuousClock.now - started).nanoseconds)
            }
            if let decision = m.decision { generated("message", decision) }
        case .messageReleased(let r): attempts.withLock { _ = $0.removeValue(forKey: r.messageId) }
        case .deliveryHeld(let h): attempts.withLock { _ = $0.removeValue(forKey: h.messageId) }
        case .messageFailed(let m):
            attempts.withLock { _ = $0.removeValue(forKey: m.messageId) }
            counter("periodize_messages_failed_total", [
                ("kind", m.kind.rawValue), ("provider", m.provider), ("final", m.undeliverable == true || !m.retryable ? "true" : "false"),
            ]).increment()
        case .messageStatusReported(let s):
            counter("periodize_status_callbacks_total", [("status", s.status)]).increment()
            if s.status == "delivered" || s.status == "undelivered" {
                counter("periodize_messages_\(s.status)_total", [("kind", s.kind?.rawValue ?? "unknown"), ("provider", s.provider)]).increment()
            }
        case .messageReceived(let r):
            let kind = r.clientId == nil ? "unknown-number" : (r.inboundClass == .text ? "text" : "keyword")
            counter("periodize_inbound_total", [("class", kind)]).increment()
        case .clientOptedOut(let o):
            counter("periodize_opt_outs_total", [("source", o.source.rawValue)]).increment()
        case .planCreated(let p): if let decision = p.decision { generated("plan", decision) }
        case .mesocycleBroken(let b): if let decision = b.decision { generated("breakdown", decision) }
        case .workoutGenerated(let w): if let decision = w.decision { generated("workout", decision) }
        case .replyRead(let r): if let decision = r.decision { generated("reply", decision) }
        default: break
        }
    }

    private func generated(_ artefact: String, _ decision: DecisionRecord) {
        timer("periodize_generation_duration_seconds", [("artefact", artefact), ("coach", decision.coach)])
            .recordNanoseconds(Int64(decision.durationMs * 1_000_000))
        guard !decision.attempts.isEmpty else { return }
        let labels = [("provider", decision.coach), ("model", decision.model ?? "unknown")]
        counter("periodize_model_calls_total", labels).increment(by: decision.attempts.count)
        counter("periodize_model_call_failures_total", labels).increment(by: decision.attempts.filter { $0.error != nil || !$0.validationErrors.isEmpty }.count)
        if decision.fallbackReason != nil { counter("periodize_model_fallbacks_total", labels).increment() }
        counter("periodize_model_tokens_total", labels + [("direction", "prompt")]).increment(by: decision.attempts.compactMap(\.promptTokens).reduce(0, +))
        counter("periodize_model_tokens_total", labels + [("direction", "completion")]).increment(by: decision.attempts.compactMap(\.completionTokens).reduce(0, +))
    }

    static let observed: Set<String> = [
        MessageQueued.eventType, DeliveryAttempted.eventType, MessageSent.eventType, MessageFailed.eventType, MessageStatusReported.eventType,
        MessageReleased.eventType, DeliveryHeld.eventType,
        MessageReceived.eventType, ClientOptedOut.eventType, PlanCreated.eventType, MesocycleBroken.eventType, WorkoutGenerated.eventType,
    ]
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// An HTTP server on 127.0.0.1 that answers every POST from a script: the tests and
/// benchmarks talk to it exactly as they would to a provider, over real HTTP.
///
/// It records each request and measures, from its own side, how many requests were in flight
/// at once and when each arrived, so rate and concurrency limits can be checked where they
/// matter.
public final class LoopbackServer: Sendable {
    /// A request as it arrived.
    public struct Received: Sendable {
        /// 0-based order of arrival.
        public var index: Int
        public var path: String
        public var headers: [String: String]
        public var body: Data
        /// Seconds since the server started.
        public var arrivedAt: Double

        /// The body as JSON.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    /// What to answer, after how long.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public var delay: Duration

        public init(status: Int = 200, headers: [String: String] = ["content-type": "application/json"], body: Data, delay: Duration = .zero) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        public init(status: Int = 200, json: Any, headers: [String: String] = [:], delay: Duration = .zero) {
            var all = ["content-type": "application/json"]
            all.merge(headers) { $1 }
            self.init(status: status, headers: all, body: try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), delay: delay)
        }
    }

    public typealias Script = @Sendable (Received) async -> Reply

    struct State {
        var received: [Received] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    private let state = Mutex(State())
    private let task: Task<Void, any Error>
    private let started: ContinuousClock.Instant
    /// The port the server listens on.
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a server answering with `script`; returns once it listens.
    public static func start(_ script: @escaping Script) async throws -> LoopbackServer {
        let box = Mutex<LoopbackServer?>(nil)
        let started = ContinuousClock.now
        let router = Router()
        router.post("**") { request, _ -> Response in
            var body = try await request.body.collect(upTo: 64 << 20)
            let data = body.readData(length: body.readableBytes) ?? Data()
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            guard let server = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            let received = server.arrive(path: request.uri.path, headers: headers, body: data, at: started)
            let reply = await script(received)
            if reply.delay > .zero { try? await Task.sleep(for: reply.delay) }
            server.leave()
            var fields = HTTPFields()
            for (name, value) in reply.headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        let (port, task) = try await serve(router, name: "loopback")
        let server = LoopbackServer(port: port, task: task, started: started)
        box.withLock { $0 = server }
        return server
    }

    private init(port: Int, task: Task<Void, any Error>, started: ContinuousClock.Instant) {
        self.port = port
        self.task = task
        self.started = started
    }

    private func arrive(path: String, headers: [String: String], body: Data, at started: ContinuousClock.Instant) -> Received {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return state.withLock { state in
            let received = Received(index: state.received.count, path: path, headers: headers, body: body, arrivedAt: seconds)
            state.received.append(received)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return received
        }
    }

    private func leave() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// Every request so far, in order of arrival.
    public var received: [Received] { state.withLock { $0.received } }
    /// The most requests that were being answered at one time.
    public var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// The most requests that arrived within any window of `seconds`.
    public func maxArrivals(within seconds: Double) -> Int {
        let times = received.map(\.arrivedAt).sorted()
        var best = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= seconds { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Runs `router` on a free port of 127.0.0.1, quietly; returns once it listens. Stopping the
/// task shuts the server down gracefully (cancelling it with requests in flight trips NIO).
func serve(_ router: Router<BasicRequestContext>, name: String) async throws -> (port: Int, task: Task<Void, any Error>) {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: { var logger = Logger(label: name); logger.logLevel = .critical; return logger }())
    let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: name)))
    let task = Task {
        // Cancelled: shut down gracefully instead of cancelling the server under its requests
        // (the group runs apart, so the cancellation does not reach it).
        let running = Task.detached { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        task.cancel()
        throw LoopbackError("the \(name) server did not start")
    }
    return (port, task)
}

public struct LoopbackError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

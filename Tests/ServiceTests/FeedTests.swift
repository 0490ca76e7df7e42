import Coaching
import Events
import Foundation
import Periodize
import Synchronization
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A consumer of `/api/v1/events/feed`: the server-sent events as they arrive, over a real
/// connection it can drop at any point.
final class FeedConsumer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Event: Equatable {
        var id: Int64
        var type: String
        var data: String
    }

    private struct State {
        var buffer = Data()
        var events: [Event] = []
        var status: Int?
        var dropped = false
        var finished = false
    }

    private let state = Mutex(State())
    private var session: URLSession!
    private var task: URLSessionDataTask!

    init(url: String, token: String, lastEventID: Int64?, from: Int64? = nil) {
        super.init()
        var request = URLRequest(url: URL(string: url + "/api/v1/events/feed" + (from.map { "?from=\($0)" } ?? ""))!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let lastEventID { request.setValue("\(lastEventID)", forHTTPHeaderField: "Last-Event-ID") }
        request.timeoutInterval = 60
        session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        task = session.dataTask(with: request)
        task.resume()
    }

    var events: [Event] { state.withLock { $0.events } }
    /// Whether the server ended the response.
    var finished: Bool { state.withLock { $0.finished } }
    var status: Int? { state.withLock { $0.status } }

    /// Drops the connection: what arrived before counts, nothing after.
    func drop() -> [Event] {
        let received = state.withLock { state -> [Event] in
            state.dropped = true
            return state.events
        }
        task.cancel()
        session.invalidateAndCancel()
        return received
    }

    /// Waits until `count` events arrived, or `atMost`.
    func wait(for count: Int, atMost: Duration = .seconds(30)) async throws {
        let until = ContinuousClock.now + atMost
        while ContinuousClock.now < until, state.withLock({ $0.events.count < count && !$0.finished && $0.status ?? 200 == 200 }) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse, completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        state.withLock { $0.status = (response as? HTTPURLResponse)?.statusCode }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        state.withLock { state in
            guard !state.dropped else { return }
            state.buffer.append(data)
            // Each event ends with a blank line.
            while let end = state.buffer.range(of: Data("\n\n".utf8)) {
                let block = String(decoding: state.buffer[state.buffer.startIndex..<end.lowerBound], as: UTF8.self)
                state.buffer.removeSubrange(state.buffer.startIndex..<end.upperBound)
                var event = Event(id: 0, type: "", data: "")
                var isEvent = false
                for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix("id: ") { event.id = Int64(line.dropFirst(4)) ?? -1; isEvent = true }
                    if line.hasPrefix("event: ") { event.type = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
                }
                if isEvent { state.events.append(event) }
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        state.withLock { $0.finished = true }
    }
}

@Suite("The live event feed", .serialized)
struct FeedTests {
    @Test("a consumer dropping and reconnecting at random points while appends go on gets every event once, in order")
    func reconnecting() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await harness.engine.createToken(name: "follower", role: .operator_)
        let auditor = try await harness.engine.createToken(name: "audit", role: .auditor)

        // Appends go on meanwhile: 40 clients enrolled and given plans, one at a time.
        let writing = Mutex(true)
        let writer = Task {
            defer { writing.withLock { $0 = false } }
            for n in 0..<40 {
                try await harness.engine.enroll(enrollment("f\(n)", phone: phone(n)))
                try await harness.engine.createPlan(clientID: "f\(n)", start: LocalDate("2026-03-09"))
            }
        }
        var received: [FeedConsumer.Event] = []
        var generator = SeededGenerator(seed: 7)
        var reconnects = 0
        while reconnects < 500 {
            let stillWriting = writing.withLock { $0 }
            let consumer = FeedConsumer(url: harness.url, token: token, lastEventID: received.last?.id)
            // Take a few events (a random number), then drop the connection mid-stream.
            try await consumer.wait(for: Int.random(in: 1...25, using: &generator), atMost: .seconds(2))
            #expect(consumer.status == 200)
            received += consumer.drop()
            reconnects += 1
            if !stillWriting, received.last?.id == (try await harness.head()) { break }
        }
        try await writer.value
        let head = try await harness.head()
        #expect(reconnects > 3)
        #expect(received.map(\.id) == Array(1...head), "gaps or duplicates across \(reconnects) reconnections")
        // Each event is the one at its position.
        let stored = try await harness.rows("SELECT position, type FROM events ORDER BY position")
        #expect(received.map(\.type) == stored.map { $0[1] as String })

        // Redacted for an auditor; in the clear for an operator.
        let audit = FeedConsumer(url: harness.url, token: auditor, lastEventID: nil, from: 1)
        try await audit.wait(for: Int(head))
        let auditorsCopy = audit.drop()
        #expect(auditorsCopy.map(\.id) == Array(1...head))
        let enrolled = try #require(auditorsCopy.first { $0.type == "ClientEnrolled" })
        #expect(enrolled.data.contains("\"name\":\"[redacted]\""))
        #expect(!enrolled.data.contains("Client f0"))
        #expect(try #require(received.first { $0.type == "ClientEnrolled" }).data.contains("\"name\":\"Client f0\""))
    }

    @Test("a consumer that stops reading holds up no append; one that never had a token is refused")
    func slowConsumer() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await harness.engine.createToken(name: "slow", role: .operator_)
        // A connection that asks for the feed and never reads what comes back.
        let socket = try StalledConnection(port: harness.port, request: "GET /api/v1/events/feed?from=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n")
        defer { socket.close() }
        // Enough appends to fill every buffer between the server and the stalled socket many times.
        for n in 0..<150 {
            try await harness.engine.enroll(enrollment("s\(n)", phone: phone(n)))
            try await harness.engine.createPlan(clientID: "s\(n)", start: LocalDate("2026-03-09"))
        }
        let head = try await harness.head()
        #expect(head > 450)
        // A live consumer beside it still gets everything.
        let live = FeedConsumer(url: harness.url, token: token, lastEventID: nil)
        try await live.wait(for: Int(head))
        #expect(live.drop().map(\.id) == Array(1...head))
        let refused = FeedConsumer(url: harness.url, token: "pz_nope", lastEventID: nil)
        try await refused.wait(for: 1)
        #expect(refused.status == 401)
        _ = refused.drop()
    }
}

/// A TCP connection to 127.0.0.1 that sends one request and never reads (its receive buffer
/// kept small).
final class StalledConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int, request: String) throws {
        fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = request.withCString { Glibc.send(fd, $0, strlen($0), 0) }
    }

    func close() { _ = Glibc.close(fd) }
}

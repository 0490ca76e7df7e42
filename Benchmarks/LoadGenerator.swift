import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An open-loop HTTP/1.1 load generator over plain sockets: `connections` keep-alive
/// connections, each on a thread of its own, take requests in order; request n is due at
/// n / rate seconds and its latency counts from then (time waiting for a free connection
/// included), so a server that falls behind shows it. Far lighter than URLSession (libcurl),
/// which on two cores took as much CPU as the server it measured.
final class LoadGenerator: @unchecked Sendable {
    struct Result {
        var latenciesMs: [Double]
        var ok: Int
        var wallSeconds: Double
    }

    let port: UInt16
    let connections: Int

    init(port: Int, connections: Int = 32) {
        self.port = UInt16(port)
        self.connections = connections
    }

    /// Sends `total` requests at `rate` a second; `make(n)` is request n's bytes.
    func run(total: Int, rate: Double, _ make: @escaping @Sendable (Int) -> [UInt8]) async -> Result {
        final class Shared: @unchecked Sendable {
            let next = Mutex(0)
            let results = Mutex<[(Double, Bool)]>([])
        }
        let shared = Shared()
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for _ in 0..<connections {
            group.enter()
            let thread = Thread { [port] in
                defer { group.leave() }
                var socket = Self.connect(port)
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let n = shared.next.withLock { value -> Int in defer { value += 1 }; return value }
                    guard n < total else { return }
                    // Closed loop (an infinite rate): each connection sends when its last answer came.
                    let due = rate.isInfinite ? DispatchTime.now().uptimeNanoseconds : start + UInt64(Double(n) / rate * 1e9)
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { usleep(UInt32((due - now) / 1_000)) }
                    let request = make(n)
                    var ok = false
                    for _ in 0..<2 {
                        if socket < 0 { socket = Self.connect(port) }
                        if let status = Self.exchange(socket, request, &buffer) {
                            ok = status == 200
                            break
                        }
                        close(socket)
                        socket = -1
                    }
                    let latency = Double(DispatchTime.now().uptimeNanoseconds - due) / 1e6
                    shared.results.withLock { $0.append((latency, ok)) }
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        await withCheckedContinuation { continuation in group.notify(queue: .global()) { continuation.resume() } }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let all = shared.results.withLock { $0 }
        return Result(latenciesMs: all.map(\.0).sorted(), ok: all.filter(\.1).count, wallSeconds: wall)
    }

    static func connect(_ port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if connected != 0 { close(fd); return -1 }
        return fd
    }

    /// Writes `request`, reads one response (headers, then Content-Length bytes); its status,
    /// or nil when the connection failed.
    static func exchange(_ fd: Int32, _ request: [UInt8], _ buffer: inout [UInt8]) -> Int? {
        guard fd >= 0 else { return nil }
        var sent = 0
        while sent < request.count {
            let wrote = request.withUnsafeBytes { write(fd, $0.baseAddress! + sent, request.count - sent) }
            guard wrote > 0 else { return nil }
            sent += wrote
        }
        var received: [UInt8] = []
        var headerEnd: Int?
        var needed = Int.max
        while received.count < needed {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard got > 0 else { return nil }
            received.append(contentsOf: buffer[0..<got])
            if headerEnd == nil, let end = find(received, [13, 10, 13, 10]) {
                headerEnd = end + 4
                let head = String(decoding: received[0..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                needed = end + 4 + length
            }
        }
        let statusLine = String(decoding: received.prefix(16), as: UTF8.self).split(separator: " ")
        return statusLine.count > 1 ? Int(statusLine[1]) : nil
    }

    static func find(_ bytes: [UInt8], _ pattern: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for index in 0...(bytes.count - pattern.count) where bytes[index] == pattern[0] && Array(bytes[index..<index + pattern.count]) == pattern {
            return index
        }
        return nil
    }

    /// A GET, as bytes.
    static func get(path: String, host: String, headers: [(String, String)]) -> [UInt8] {
        var text = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// A POST of a form, as bytes.
    static func post(path: String, host: String, headers: [(String, String)], form: String) -> [UInt8] {
        var text = "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n" + form
        return Array(text.utf8)
    }
}

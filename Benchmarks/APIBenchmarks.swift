import Coaching
import EventLog
import Events
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Periodize
import PeriodizeApp
import Service
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The operators' API under load, beside a Hummingbird route answering a constant JSON body in
/// the same run; and the live feed against `events --json` over the same range.
enum APIBenchmarks {
    /// `clients` clients, each with a plan, its weeks and the workout of 2026-03-10 (appended
    /// directly, untimed).
    static func log(_ count: Int, path: String) async throws {
        let setup = try await makeEngine(EngineConfiguration(path: path, durability: .normal))
        let rules = WorkoutRules()
        let date = LocalDate("2026-03-10")!
        var batch: [(stream: String, events: [NewEvent], expected: ExpectedVersion)] = []
        for n in 0..<count {
            let c = CoachingBenchmarks.everyDay(n)
            let plan = try PlanRules.plan(planId: "p\(n)", client: c, start: LocalDate("2026-03-02")!, weeks: 12, inputs: [1])
            let weeks = try BreakdownRules.breakdown(plan: plan, index: 0, trainingDays: c.profile.trainingDays, inputs: [1, 2])
            let day = weeks.microcycles[1].days[1]
            var events = [try setup.newEvent(c), try setup.newEvent(plan), try setup.newEvent(weeks)]
            if let workout = rules.workout(client: c, planId: plan.planId, programType: plan.programType, day: day, date: date, weekIndex: 1, deload: false, recent: [], inputs: [1, 2, 3]) {
                events.append(try setup.newEvent(workout))
            }
            batch.append((Engine.clientStream(c.clientId), events, .noStream))
            if batch.count == 500 || n == count - 1 {
                _ = try await setup.store.appendAll(batch)
                batch.removeAll()
            }
        }
        try setup.close()
    }

    static func run(_ options: Options) async throws {
        let clients = options.clients
        let path = options.folder + "/api.sqlite"
        removeDatabase(path)
        let built = try await ContinuousClock().measure { try await log(clients, path: path) }
        say(String(format: "api: a log of %d clients (plan, weeks, a workout each) made in %.1f s", clients, built.inSeconds))

        let port = freeLoopbackPort()
        let engine = try await makeEngine(EngineConfiguration(path: path, durability: .full, clock: { Timestamp(iso8601: "2026-03-10T12:00:00Z")!.date }))
        let token = try await engine.createToken(name: "bench", role: .operator_)
        var settings = ServiceConfiguration()
        settings.port = port
        settings.scheduler = false
        settings.deliveryPoll = .seconds(3_600)
        settings.api?.answers = try makeAnswerStore(path: path, engine: engine)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let service = PeriodizeService(engine: engine, configuration: settings, metrics: ServiceMetrics(), logger: logger)
        let running = Task { try await service.run(signals: []) }
        try await ServeBenchmarks.waitFor("http://127.0.0.1:\(port)/healthz", session: .shared)

        // What the read would cost by folding the client's stream instead of asking the
        // read-model, and the token's check: each alone, one at a time, no HTTP.
        let parts = 2_000
        let folding = try await ContinuousClock().measure {
            for n in 0..<parts { _ = try await engine.history(of: "c\((n &* 2_654_435_761) % clients)").workout(on: LocalDate("2026-03-10")!) }
        }
        let authenticating = try await ContinuousClock().measure {
            for _ in 0..<parts { _ = try await engine.authenticate(token: token) }
        }
        let reading = try await ContinuousClock().measure {
            for n in 0..<parts { _ = try await engine.store.readStream(Engine.clientStream("c\((n &* 2_654_435_761) % clients)"), from: 1) }
        }
        let migration = try await ContinuousClock().measure {
            for _ in 0..<parts { _ = try await engine.readModels.latestMigration(named: "clean-slate") }
        }
        let stream = try await engine.store.readStream(Engine.clientStream("c1"), from: 1)
        let decoding = try ContinuousClock().measure {
            for _ in 0..<parts { for event in stream { _ = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload) } }
        }
        say(String(format: "api: no HTTP, one at a time: the workout found by folding the client's stream (what the route does not do) %.0f µs (the stream read and opened %.0f µs, its %d events decoded %.0f µs, the migration looked up %.0f µs); the token checked %.0f µs",
                   folding.inSeconds / Double(parts) * 1e6, reading.inSeconds / Double(parts) * 1e6, stream.count, decoding.inSeconds / Double(parts) * 1e6,
                   migration.inSeconds / Double(parts) * 1e6, authenticating.inSeconds / Double(parts) * 1e6))

        // The baseline answers the JSON of a workout, as bytes made once.
        let sample = try await engine.history(of: "c0").workout(on: LocalDate("2026-03-10")!)!.event
        let constant = try JSONEncoder().encode(sample)
        let baseline = try await constantRoute(constant)
        let total = Int(options.rate * options.seconds)
        let host = "127.0.0.1"
        let bare = await ServeBenchmarks.drive(total: total, rate: .infinity, port: baseline.port) { _ in
            LoadGenerator.get(path: "/workout", host: host, headers: [])
        }
        let ours = await ServeBenchmarks.drive(total: total, rate: .infinity, port: port) { n in
            // A client drawn over the whole log, so reads are not all of cached pages.
            let client = (n &* 2_654_435_761) % clients
            return LoadGenerator.get(path: "/api/v1/clients/c\(client)/workout?date=2026-03-10", host: host, headers: [("Authorization", "Bearer \(token)")])
        }
        say(String(format: "api: GET a client's workout at a log of %d clients, %d requests, 32 keep-alive connections, closed loop (in-process client on loopback): constant-JSON route %.0f req/s p50 %.2f ms p99 %.2f ms (%d ok); /api/v1/clients/{id}/workout %.0f req/s p50 %.2f ms p99 %.2f ms (%d ok); ratio req/s %.2f, p99 %.2f (route/ours)",
                   clients, total, bare.achieved, bare.p50, bare.p99, bare.ok, ours.achieved, ours.p50, ours.p99, ours.ok, ours.achieved / bare.achieved, bare.p99 / ours.p99))
        guard ours.ok == total, bare.ok == total else { throw BenchError("api: requests failed: \(ours.ok) and \(bare.ok) of \(total) ok") }

        // The feed: every event from position 1 to the head, to one consumer.
        let head = try await engine.store.headPosition()
        let feedTime = try await ContinuousClock().measure { try feed(port: port, token: token, through: head) }
        running.cancel()
        _ = await running.result
        await baseline.stop()
        try engine.close()
        // `events --json` over the same range, as a process writing to a pipe we drain.
        let binary = Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("periodize").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw BenchError("build the periodize product too (\(binary))") }
        let listing = try ContinuousClock().measure { try drain([binary, "events", "--json", "--db", path, "--through", "\(head)"]) }
        say(String(format: "api: the live feed from position 1 to %lld, one consumer: %.2f s, %.0f events/s; `periodize events --json` over the same range: %.2f s, %.0f events/s; ratio %.2f (feed/listing)",
                   head, feedTime.inSeconds, Double(head) / feedTime.inSeconds, listing.inSeconds, Double(head) / listing.inSeconds, listing.inSeconds / feedTime.inSeconds))
        removeDatabase(path)
    }

    /// A Hummingbird route answering `body` as JSON.
    static func constantRoute(_ body: Data) async throws -> (port: Int, stop: @Sendable () async -> Void) {
        let router = Router()
        let buffer = ByteBuffer(bytes: body)
        router.get("workout") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
        }
        let port = freeLoopbackPort()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              logger: { var l = Logger(label: "bare"); l.logLevel = .error; return l }())
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        try await ServeBenchmarks.waitFor("http://127.0.0.1:\(port)/workout", session: .shared)
        return (port, { task.cancel(); _ = await task.result })
    }

    /// Reads the feed over a plain socket until the event at `through` arrived (the chunked
    /// framing undone, events counted by their blank lines).
    static func feed(port: Int, token: String, through: Int64) throws {
        let fd = LoadGenerator.connect(UInt16(port))
        guard fd >= 0 else { throw BenchError("feed: cannot connect") }
        defer { close(fd) }
        let request = LoadGenerator.get(path: "/api/v1/events/feed?from=1", host: "127.0.0.1", headers: [("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream")])
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress!, request.count) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        var headerDone = false
        var chunkLeft = 0
        var blocks: Int64 = 0
        var lastWasNewline = false
        // The first block is `retry:`; then one block per event.
        while blocks < through + 1 {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard got > 0 else { throw BenchError("feed: the connection ended after \(blocks) blocks") }
            pending.append(contentsOf: buffer[0..<got])
            var index = 0
            if !headerDone {
                guard let end = LoadGenerator.find(pending, [13, 10, 13, 10]) else { continue }
                headerDone = true
                index = end + 4
            }
            while index < pending.count {
                if chunkLeft == 0 {
                    // A chunk's size line, and the CRLF ending the chunk before it.
                    guard let lineEnd = pending[index...].firstIndex(of: 10) else { break }
                    let line = String(decoding: pending[index..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    index = lineEnd + 1
                    if line.isEmpty { continue }
                    chunkLeft = Int(line, radix: 16) ?? 0
                    if chunkLeft == 0 { throw BenchError("feed: the stream ended after \(blocks) blocks") }
                    continue
                }
                let take = min(chunkLeft, pending.count - index)
                for byte in pending[index..<index + take] {
                    if byte == 10 {
                        if lastWasNewline { blocks += 1 }
                        lastWasNewline = true
                    } else {
                        lastWasNewline = false
                    }
                }
                chunkLeft -= take
                index += take
            }
            pending.removeFirst(index)
        }
    }

    /// Runs `arguments` with stdout drained and thrown away.
    static func drain(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = pipe.fileHandleForReading
        while !handle.readData(ofLength: 1 << 16).isEmpty {}
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(arguments.joined(separator: " ")) failed") }
    }
}

import Coaching
import Crypto
import EventLog
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import PeriodizeApp
import Synchronization
import Testing
import TestSupport
import Twilio
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `periodize serve` as a real process, sending through the in-test Twilio and hearing its
/// callbacks and texts over real HTTP: the day's messages, STOP and START across days, SIGTERM
/// in the middle of a delivery run and a restart, and two services on one file.
@Suite("periodize serve as a process", .serialized)
struct ServeProcessTests {
    /// A log with `count` clients due at 06:00 UTC every day from 2026-03-09.
    func log(_ folder: TemporaryDirectory, clients count: Int) async throws -> String {
        let path = folder.path("log.sqlite")
        let engine = try await makeEngine(EngineConfiguration(path: path, durability: .normal, clock: { date("2026-03-10T05:00:00Z") }))
        defer { try? engine.close() }
        for n in 0..<count {
            try await engine.enroll(enrollment("c\(n)", phone: phone(n)))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        return path
    }

    /// A running `serve`.
    final class Serve: @unchecked Sendable {
        let process: Process
        let port: Int
        let stderr: String
        var url: String { "http://127.0.0.1:\(port)" }

        init(db: String, twilio: LoopbackTwilio, day: String, folder: TemporaryDirectory, extra: [String: String] = [:]) throws {
            port = freeLoopbackPort()
            process = Process()
            process.executableURL = PeriodizeBinary.url
            process.arguments = ["serve", "--db", db, "--durability", "normal", "--port", "\(port)", "--tick-interval", "1", "--delivery-poll", "0.1"]
            var environment = ProcessInfo.processInfo.environment
            environment.merge([
                "PERIODIZE_SENDER": "twilio", "TWILIO_ACCOUNT_SID": twilio.accountSID, "TWILIO_AUTH_TOKEN": twilio.authToken,
                "TWILIO_FROM": "+15550009999", "TWILIO_BASE_URL": twilio.baseURL, "PERIODIZE_PUBLIC_URL": "http://127.0.0.1:\(port)",
                "PERIODIZE_TEST_CLOCK": day, "PERIODIZE_DELIVERY_LEASE_S": "10", "PERIODIZE_SENDER_TIMEOUT_S": "2", "PERIODIZE_LOG_LEVEL": "warning",
            ].merging(extra) { $1 }) { $1 }
            process.environment = environment
            stderr = folder.path("serve-\(port).err")
            FileManager.default.createFile(atPath: stderr, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: stderr)
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits until `/healthz` answers.
        func ready() async throws {
            for _ in 0..<200 {
                if let (_, response) = try? await URLSession.shared.data(from: URL(string: url + "/healthz")!), (response as? HTTPURLResponse)?.statusCode == 200 { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw LoopbackError("serve did not start: \((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")
        }

        /// SIGTERM, then its exit status.
        func terminate() async -> Int32 {
            process.terminate()
            await PeriodizeBinary.exit(of: process)
            return process.terminationStatus
        }

        /// An inbound text, signed as Twilio signs it.
        func text(_ body: String, from: String, sid: String, token: String) async throws -> (status: Int, body: String) {
            try await LoopbackTwilio.postSignedWithBody(
                url: url + "/twilio/inbound", parameters: [("MessageSid", sid), ("From", from), ("To", "+15550009999"), ("Body", body)], authToken: token)
        }
    }

    func eventually(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting until \(what)")
    }

    func rows(_ path: String, _ sql: String) throws -> [Row] {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try queue.read { try Row.fetchAll($0, sql: sql) }
    }

    @Test func itSendsEveryDueMessageHearsDeliveredAndStopHoldsUntilStart() async throws {
        let folder = TemporaryDirectory("serve")
        let db = try await log(folder, clients: 3)
        let twilio = try await LoopbackTwilio.start()
        defer { Task { await twilio.stop() } }
        // Day 1: every client's message, and Twilio's callbacks reach the log.
        let day1 = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:00Z", folder: folder)
        try await day1.ready()
        try await eventually("three messages are delivered") {
            try rows(db, "SELECT count(*) FROM messages WHERE delivery_status = 'delivered'").first?[0] == 3
        }
        #expect(twilio.messages.count == 3 && twilio.callbacks.allSatisfy { $0.answer == 204 })
        // c0 texts STOP.
        let stop = try await day1.text("STOP", from: phone(0), sid: "SM" + String(repeating: "1", count: 32), token: twilio.authToken)
        #expect(stop.status == 200 && stop.body.contains("<Response/>"))
        #expect(await day1.terminate() == 0)
        // Day 2: c1 and c2 only; c0 opted out, for as long as the service ticks.
        let day2 = try Serve(db: db, twilio: twilio, day: "2026-03-11T07:00:00Z", folder: folder)
        try await day2.ready()
        try await eventually("c1 and c2 get the day's message") { twilio.messages(to: phone(1)).count == 2 && twilio.messages(to: phone(2)).count == 2 }
        try await Task.sleep(for: .seconds(2.5))
        #expect(twilio.messages(to: phone(0)).count == 1, "no message after STOP")
        // START: the day's message comes at the next tick.
        let start = try await day2.text("start", from: phone(0), sid: "SM" + String(repeating: "2", count: 32), token: twilio.authToken)
        #expect(start.body.contains("back in"))
        try await eventually("c0's message resumes") { twilio.messages(to: phone(0)).count == 2 }
        #expect(await day2.terminate() == 0)
        #expect(twilio.messages.count == 6)
    }

    @Test func sigtermInTheMiddleOfDeliveryExitsZeroAndARestartNeitherLosesNorDuplicates() async throws {
        let folder = TemporaryDirectory("serve-term")
        let count = 120
        let db = try await log(folder, clients: count)
        let twilio = try await LoopbackTwilio.start(statuses: [])
        defer { Task { await twilio.stop() } }
        // 40 segments a second: the run takes 3 s; SIGTERM lands in its middle.
        let first = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:00Z", folder: folder, extra: ["PERIODIZE_SEND_RATE": "40"])
        try await first.ready()
        try await eventually("delivery is under way") { twilio.messages.count >= 20 }
        #expect(await first.terminate() == 0)
        let sentBefore = twilio.messages.count
        #expect(sentBefore < count, "stopped in the middle (\(sentBefore) of \(count) sent)")
        let states = try rows(db, "SELECT status, count(*) FROM messages WHERE direction = 'outbound' GROUP BY status")
        #expect(!states.contains { ($0[0] as String) == "sending" }, "nothing left half-way: \(states)")
        // The restart sends the rest, once each.
        let second = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:10Z", folder: folder)
        try await second.ready()
        try await eventually("every client has the day's message") { twilio.messages.count >= count }
        try await Task.sleep(for: .seconds(1.5))
        #expect(await second.terminate() == 0)
        #expect(twilio.messages.count == count)
        #expect(Set(twilio.messages.map(\.to)).count == count, "one message per client")
        #expect(try rows(db, "SELECT count(*) FROM events WHERE type = 'MessageSent'").first?[0] == count)
    }

    @Test func sigtermInTheMiddleOfTheTickExitsZeroAndTheNextStartCatchesUp() async throws {
        let folder = TemporaryDirectory("serve-tick-term")
        let count = 250
        let db = try await log(folder, clients: count)
        let twilio = try await LoopbackTwilio.start(statuses: [])
        defer { Task { await twilio.stop() } }
        let first = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:00Z", folder: folder)
        // The tick starts with the process; SIGTERM as soon as the first clients are queued.
        try await eventually("the tick is under way") { (try? rows(db, "SELECT count(*) FROM events WHERE type = 'MessageQueued'").first?[0] as Int?) ?? 0 > 0 }
        #expect(await first.terminate() == 0)
        let queued = try rows(db, "SELECT count(DISTINCT client_id) FROM messages WHERE direction = 'outbound'").first?[0] as Int? ?? 0
        #expect(queued < count, "the tick stopped early (\(queued) of \(count) clients queued)")
        #expect(try rows(db, "SELECT count(*) FROM messages WHERE status = 'sending'").first?[0] == 0, "no claim left open")
        #expect(try await PeriodizeBinary.runInBackground(["verify", "--db", db]).status == 0, "nothing half-written")
        // The next start's tick catches up: every client's message, once.
        let second = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:05Z", folder: folder)
        try await second.ready()
        try await eventually("every client has the day's message", seconds: 150) { Set(twilio.messages.map(\.to)).count >= count }
        try await Task.sleep(for: .seconds(1.5))
        #expect(await second.terminate() == 0)
        #expect(twilio.messages.count == count && Set(twilio.messages.map(\.to)).count == count)
    }

    @Test func twoServicesOnOneFileSendOneMessagePerClientAndDay() async throws {
        let folder = TemporaryDirectory("serve-two")
        let count = 80
        let db = try await log(folder, clients: count)
        let twilio = try await LoopbackTwilio.start(statuses: ["delivered"])
        defer { Task { await twilio.stop() } }
        // Each under its own cap: parts wait for their turn before either claims them.
        let a = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:00Z", folder: folder, extra: ["PERIODIZE_SEND_RATE": "40"])
        let b = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:00Z", folder: folder, extra: ["PERIODIZE_SEND_RATE": "40"])
        try await a.ready()
        try await b.ready()
        try await eventually("every client has the day's message") { twilio.messages.count >= count }
        try await Task.sleep(for: .seconds(2.5))
        #expect(await a.terminate() == 0)
        #expect(await b.terminate() == 0)
        #expect(twilio.messages.count == count)
        #expect(Set(twilio.messages.map(\.to)).count == count)
        #expect(try rows(db, "SELECT count(*) FROM events WHERE type = 'MessageSent'").first?[0] == count)
        #expect(try rows(db, "SELECT sum(possibly_duplicated) FROM messages").first?[0] == 0)
    }

    @Test func receiveTakesATextAsTheWebhookDoesAndANumbersTextsCanBeErased() async throws {
        let folder = TemporaryDirectory("receive")
        let db = try await log(folder, clients: 1)
        // A client's text, read at once; `audit --artefact reply` shows how.
        let clock = ["PERIODIZE_TEST_CLOCK": "2026-03-10T18:00:00Z"]
        let skip = try await PeriodizeBinary.runInBackground(["receive", "--db", db, "--from", phone(0), "--sid", "SM0", "skip tmrw pls, work trip"], environment: clock)
        #expect(skip.status == 0 && skip.stdout.contains("read: skip date=2026-03-11 reason=work trip") && skip.stdout.contains("queued reply: OK: Wed Mar 11 is skipped"), "\(skip)")
        let audit = try await PeriodizeBinary.runInBackground(["audit", "--db", db, "c0", "--artefact", "reply"], environment: clock)
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("text: skip tmrw pls, work trip") && audit.stdout.contains("read as: skip date=2026-03-11 reason=work trip"))
        #expect(audit.stdout.contains("  coach: rules rule-reader 1") && audit.stdout.contains("    - skip 2026-03-11") && audit.stdout.contains("did: skipped 2026-03-11") && audit.stdout.contains("answered: OK: Wed Mar 11 is skipped"))
        let none = try await PeriodizeBinary.runInBackground(["audit", "--db", db, "c0", "--artefact", "reply", "--date", "2026-03-12"], environment: clock)
        #expect(none.status == 1 && none.stderr == "periodize: error: no reply of c0 was read on 2026-03-12\n")
        let stop = try await PeriodizeBinary.runInBackground(["receive", "--db", db, "--from", phone(0), "--sid", "SM1", "Stop"])
        #expect(stop.status == 0 && stop.stdout == "receive: opt-out from client c0; opted out\n", "\(stop)")
        let again = try await PeriodizeBinary.runInBackground(["receive", "--db", db, "--from", phone(0), "--sid", "SM1", "Stop"])
        #expect(again.stdout.contains("received before: nothing recorded"))
        let refused = try await PeriodizeBinary.runInBackground(["update", "--db", db, "c0", "--opted-in"])
        #expect(refused.status == 1 && refused.stderr == "periodize: error: client c0 texted a stop keyword: only their own START lifts it\n")
        let stranger = try await PeriodizeBinary.runInBackground(
            ["receive", "--db", db, "--from", "+15557770000", "--service-name", "Peak", "--help-contact", "desk@peak.example", "hi, this is Sam Rivera"])
        #expect(stranger.stdout == "receive: text from a number that is no client's\nreply: Peak: this number is not signed up for workouts. To join, contact desk@peak.example.\n")
        let bad = try await PeriodizeBinary.runInBackground(["receive", "--db", db, "--from", "555", "hi"])
        #expect(bad.status == 64 && bad.stderr == "periodize: error: --from 555 is not an E.164 number (+ and 8 to 15 digits)\n")
        // The stranger's texts, erased: they read as erased, and the key is gone.
        let opened = try await makeEngine(EngineConfiguration(path: db, durability: .normal))
        let stream = try opened.numberStream("+15557770000")
        try opened.close()
        // Keyed: not the number's plain SHA-256, which anyone could compute for every number.
        let plain = "number-" + SHA256.hash(data: Data("+15557770000".utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        #expect(stream != plain && stream.count == plain.count)
        let before = try await PeriodizeBinary.runInBackground(["events", "--db", db, "--stream", stream, "--json"])
        #expect(before.stdout.contains("Sam Rivera"))
        let erase = try await PeriodizeBinary.runInBackground(["erase", "--db", db, "--number", "+15557770000", "--reason", "ticket 7"])
        #expect(erase.status == 0 && erase.stdout.hasPrefix("erased \(stream)"), "\(erase)")
        let after = try await PeriodizeBinary.runInBackground(["events", "--db", db, "--stream", stream, "--json"])
        #expect(!after.stdout.contains("Sam Rivera") && !after.stdout.contains("5557770000") && after.stdout.contains("[erased]"), "\(after.stdout)")
        let unknown = try await PeriodizeBinary.runInBackground(["erase", "--db", db, "--number", "+15550000000", "--reason", "ticket 8"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no text from that number is recorded"))
        #expect(try await PeriodizeBinary.runInBackground(["verify", "--db", db]).status == 0)
    }

    @Test func aMissingOrMalformedSettingStopsServeBeforeAnythingIsOpened() async throws {
        let folder = TemporaryDirectory("serve-config")
        let db = folder.path("never.sqlite")
        let missing = try await PeriodizeBinary.runInBackground(["serve", "--db", db], environment: ["PERIODIZE_SENDER": "twilio", "TWILIO_ACCOUNT_SID": ""])
        #expect(missing.status == 64)
        #expect(missing.stderr == "periodize: error: PERIODIZE_SENDER=twilio needs TWILIO_ACCOUNT_SID (AC and 32 hex digits)\n")
        let malformed = try await PeriodizeBinary.runInBackground(["serve", "--db", db], environment: [
            "PERIODIZE_SENDER": "twilio", "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "f", count: 32), "TWILIO_AUTH_TOKEN": "tok-very-secret",
            "TWILIO_FROM": "+1555", "PERIODIZE_PUBLIC_URL": "http://127.0.0.1:9",
        ])
        #expect(malformed.status == 64 && malformed.stderr.contains("TWILIO_FROM") && !malformed.stderr.contains("tok-very-secret"))
        let interval = try await PeriodizeBinary.runInBackground(["serve", "--db", db, "--tick-interval", "soon"])
        #expect(interval.status == 64 && interval.stderr == "periodize: error: --tick-interval soon must be a number from 1 to 86,400\n", "\(interval.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db), "nothing opened")
    }

    @Test func theAPIOfARunningServeTakesTokensFromTheCommandLineAndTheLogSaysWhoAsked() async throws {
        let folder = TemporaryDirectory("serve-api")
        let db = try await log(folder, clients: 1)
        let twilio = try await LoopbackTwilio.start()
        defer { Task { await twilio.stop() } }
        let made = try await PeriodizeBinary.runInBackground(["token", "create", "intake-form", "--role", "operator", "--db", db])
        #expect(made.status == 0, "\(made.stderr)")
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let serve = try Serve(db: db, twilio: twilio, day: "2026-03-10T07:00:00Z", folder: folder)
        try await serve.ready()
        func call(_ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:]) async throws -> APIAnswer {
            try await apiRequest(serve.url, method, path, token: token, json: json, headers: headers)
        }
        // A coaching team's form enrolls a client, retried once with the same key.
        let form = enrollmentJSON("web-1", phone: phone(7))
        let enrolled = try await call("POST", "/clients", json: form, headers: ["Idempotency-Key": "signup-1"])
        #expect(enrolled.status == 201, "\(enrolled.text)")
        let retried = try await call("POST", "/clients", json: form, headers: ["Idempotency-Key": "signup-1"])
        #expect(retried.status == 201 && retried.body == enrolled.body)
        #expect(try await call("POST", "/clients/web-1/plan", json: #"{"start":"2026-03-09"}"#, headers: ["If-Match": "\"1\""]).status == 201)
        #expect(try await call("GET", "/clients/c0/workout?date=2026-03-10").status == 200)
        // The log says who asked, as `events --json` lists it.
        let listed = try await PeriodizeBinary.runInBackground(["events", "--db", db, "--stream", "client-web-1", "--json"])
        #expect(listed.status == 0)
        let actors = listed.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["actor"] as? String
        }
        #expect(actors.prefix(3) == ["enroll by api:intake-form", "plan by api:intake-form", "breakdown by api:intake-form"], "\(actors)")
        #expect(try rows(db, "SELECT count(*) FROM events WHERE type = 'ClientEnrolled'").first?[0] == 2)
        // Revoked from the command line while serve runs: refused within a second or so, and a
        // feed it had open ends.
        let follower = FeedConsumer(url: serve.url, token: token, lastEventID: nil)
        try await follower.wait(for: 5)
        #expect(follower.events.count >= 5)
        #expect(try await PeriodizeBinary.runInBackground(["token", "revoke", "intake-form", "--db", db]).status == 0)
        try await eventually("the revoked token is refused", seconds: 10) { try await call("GET", "/clients/web-1").status == 401 }
        try await eventually("the revoked token's feed ends", seconds: 10) { follower.finished }
        // SIGTERM with a feed open: the feed ends, the process exits 0 without waiting for its
        // shutdown timeout (30 s).
        let other = try await PeriodizeBinary.runInBackground(["token", "create", "dashboard", "--role", "auditor", "--db", db])
        let open = FeedConsumer(url: serve.url, token: other.stdout.trimmingCharacters(in: .whitespacesAndNewlines), lastEventID: nil)
        try await open.wait(for: 5)
        #expect(open.status == 200)
        let stopping = ContinuousClock.now
        #expect(await serve.terminate() == 0)
        #expect(ContinuousClock.now - stopping < .seconds(15), "shutdown waited for the open feed")
        _ = open.drop()
        #expect(try await PeriodizeBinary.runInBackground(["verify", "--db", db]).status == 0)
    }
}

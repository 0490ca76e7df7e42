import Coaching
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import PeriodizeApp
import Senders
import Testing
import TestSupport

/// The generic HTTP sender against a gateway on 127.0.0.1 that records what it receives.
@Suite("HTTP sender")
struct HTTPSenderTests {
    func engine(_ folder: TemporaryDirectory, gateway: LoopbackServer, timeout: TimeInterval = 5) async throws -> Engine {
        let ids = SeededIDs(seed: 11)
        let sender = HTTPSender(url: URL(string: gateway.baseURL + "/sms")!, timeout: timeout)
        return try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), ids: { ids.next() }, sender: sender))
    }

    /// Runs `body` against a gateway answering with `script`, stopped after it (also when it throws).
    func withGateway(_ script: @escaping LoopbackServer.Script, _ body: (LoopbackServer) async throws -> Void) async throws {
        let gateway = try await LoopbackServer.start(script)
        do {
            try await body(gateway)
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    func enrolled(_ engine: Engine, _ count: Int) async throws {
        for n in 0..<count {
            try await engine.enroll(enrollment("c\(n)", zone: "UTC", hour: 6))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
    }

    @Test func eachMessageIsPostedOnceWithItsIdempotencyKeyAndTheGatewaysID() async throws {
        try await withGateway({ received in .init(json: ["id": "gw-\(received.index)"]) }) { gateway in
            let folder = TemporaryDirectory()
            let engine = try await engine(folder, gateway: gateway)
            defer { try? engine.close() }
            try await enrolled(engine, 3)
            let report = try await engine.tick(now: date("2026-03-09T07:00:00Z"))
            #expect(report.queued == 3)
            #expect(try await engine.tick(now: date("2026-03-09T08:00:00Z")).queued == 0)
            let received = gateway.received
            #expect(received.count == 3)
            for request in received {
                #expect(request.path == "/sms")
                let json = request.json
                #expect(json["to"] as? String == "+15551234567")
                #expect((json["body"] as? String)?.isEmpty == false)
                #expect(json["part"] as? Int == 1)
                #expect(json["parts"] as? Int == 1)
                let id = try #require(json["messageId"] as? String)
                #expect(request.headers["idempotency-key"] == id)
                #expect(request.headers["content-type"] == "application/json")
            }
            let ids = Set(received.compactMap { $0.json["messageId"] as? String })
            #expect(ids == Set((0..<3).map { Engine.dailyMessageID(clientID: "c\($0)", date: LocalDate("2026-03-09")!).uuidString.lowercased() }))
            let rows = try await engine.database.read { db in
                try Row.fetchAll(db, sql: "SELECT provider, provider_message_id, status FROM messages WHERE kind = 'daily' ORDER BY client_id")
            }
            #expect(rows.map { $0["provider"] as String } == ["http", "http", "http"])
            #expect(Set(rows.map { $0["provider_message_id"] as String }) == ["gw-0", "gw-1", "gw-2"])
            #expect(rows.allSatisfy { $0["status"] == "sent" })
        }
    }

    @Test func aServerErrorIsRetriedAndARefusalIsNotAndNeitherShowsTheNumber() async throws {
        // The first try gets a 503; a second gateway refuses every message with a 400. Both
        // echo the number in their error bodies.
        let busyOnce: LoopbackServer.Script = { received in
            if received.index == 0 { return .init(status: 503, json: ["error": "busy sending to \(received.json["to"] as? String ?? "")"]) }
            return .init(json: ["id": "ok-\(received.index)"])
        }
        try await withGateway(busyOnce) { gateway in
            let folder = TemporaryDirectory()
            let engine = try await engine(folder, gateway: gateway)
            defer { try? engine.close() }
            try await enrolled(engine, 1)
            let first = try await engine.tick(now: date("2026-03-09T07:00:00Z"))
            #expect(first.delivery.retrying == 1)
            let failed = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, last_error FROM messages WHERE kind = 'daily'") }
            #expect(failed?["status"] == "failed")
            #expect((failed?["last_error"] as String?)?.contains("HTTP 503") == true)
            #expect((failed?["last_error"] as String?)?.contains("+15551234567") == false, "\(String(describing: failed))")
            #expect(try await engine.tick(now: date("2026-03-09T08:00:00Z")).delivery.sent == 1)
            #expect(gateway.received.count == 2)
        }
        let refusingAll: LoopbackServer.Script = { received in
            .init(status: 400, json: ["error": "\(received.json["to"] as? String ?? "") is not a mobile number"])
        }
        try await withGateway(refusingAll) { refusing in
            let folder = TemporaryDirectory()
            let engine = try await engine(folder, gateway: refusing)
            defer { try? engine.close() }
            try await enrolled(engine, 1)
            #expect(try await engine.tick(now: date("2026-03-09T07:00:00Z")).delivery.undeliverable == 1)
            let again = try await engine.tick(now: date("2026-03-09T08:00:00Z"))
            #expect(again.alreadyQueued == 1)
            #expect(again.delivery == Engine.DeliveryReport())
            #expect(refusing.received.count == 1)
            let row = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT status, last_error FROM messages WHERE kind = 'daily'") }
            #expect(row?["status"] == "undeliverable")
            #expect((row?["last_error"] as String?)?.contains("HTTP 400") == true)
            #expect((row?["last_error"] as String?)?.contains("+15551234567") == false)
        }
    }

    @Test func aGatewayThatDoesNotAnswerInTimeIsARetryableFailure() async throws {
        try await withGateway({ _ in .init(json: ["id": "late"], delay: .seconds(3)) }) { gateway in
            let folder = TemporaryDirectory()
            let engine = try await engine(folder, gateway: gateway, timeout: 1)
            defer { try? engine.close() }
            try await enrolled(engine, 1)
            let report = try await engine.tick(now: date("2026-03-09T07:00:00Z"))
            #expect(report.delivery.retrying == 1)
            let retryable = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT attempts, last_error FROM messages WHERE kind = 'daily' AND status = 'failed'") }
            #expect(retryable?["attempts"] == 1)
            #expect((retryable?["last_error"] as String?)?.contains("did not answer") == true, "\(String(describing: retryable))")
        }
    }

    @Test func theSenderIsConfiguredFromTheEnvironmentAndABadSettingNamesItsVariable() throws {
        #expect(try SenderConfiguration.resolve(environment: [:]).kind == .logOnly)
        let http = try SenderConfiguration.resolve(environment: ["PERIODIZE_SENDER": "http", "PERIODIZE_SENDER_URL": "http://127.0.0.1:9/sms"])
        #expect(http.kind == .http)
        #expect(http.makeSender().provider == "http")
        let bad: [([String: String], String)] = [
            (["PERIODIZE_SENDER": "pigeon"], "PERIODIZE_SENDER=pigeon"),
            (["PERIODIZE_SENDER": "http"], "PERIODIZE_SENDER_URL"),
            (["PERIODIZE_SENDER": "http", "PERIODIZE_SENDER_URL": "ftp://x"], "PERIODIZE_SENDER_URL=ftp://x"),
            (["PERIODIZE_SENDER_TIMEOUT_S": "0"], "PERIODIZE_SENDER_TIMEOUT_S"),
            (["PERIODIZE_DELIVERY_MAX_ATTEMPTS": "0"], "PERIODIZE_DELIVERY_MAX_ATTEMPTS=0"),
            (["PERIODIZE_DELIVERY_RETRY_S": "soon"], "PERIODIZE_DELIVERY_RETRY_S=soon"),
            (["PERIODIZE_DELIVERY_LEASE_S": "-1"], "PERIODIZE_DELIVERY_LEASE_S=-1"),
            // A lease no longer than the sender's timeout could let a slow send be taken twice.
            (["PERIODIZE_SENDER": "http", "PERIODIZE_SENDER_URL": "http://127.0.0.1:9/sms", "PERIODIZE_SENDER_TIMEOUT_S": "10",
              "PERIODIZE_DELIVERY_LEASE_S": "10"], "PERIODIZE_DELIVERY_LEASE_S=10 s must be longer than the sender's timeout"),
        ]
        for (environment, named) in bad {
            #expect { try SenderConfiguration.resolve(environment: environment) } throws: { error in
                (error as? SenderConfigurationError)?.description.contains(named) == true
            }
        }
        let tuned = try SenderConfiguration.resolve(environment: [
            "PERIODIZE_DELIVERY_MAX_ATTEMPTS": "3", "PERIODIZE_DELIVERY_RETRY_S": "0.5", "PERIODIZE_DELIVERY_LEASE_S": "20",
        ])
        #expect(tuned.delivery.maxAttempts == 3 && tuned.delivery.firstRetry == 0.5 && tuned.delivery.lease == 20)
        // Flags win over the environment.
        let flagged = try SenderConfiguration.resolve(environment: ["PERIODIZE_SENDER": "pigeon"], overrides: ["PERIODIZE_SENDER": "outbox"])
        #expect(flagged.kind == .logOnly)
    }

    @Test func theCommandLineRefusesAMissingGatewayWithExit64AndOpensNothing() throws {
        let folder = TemporaryDirectory()
        let db = folder.path("never.sqlite")
        let result = try PeriodizeBinary.run(["tick", "--db", db], environment: ["PERIODIZE_SENDER": "http", "PERIODIZE_SENDER_URL": ""])
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("PERIODIZE_SENDER_URL"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}

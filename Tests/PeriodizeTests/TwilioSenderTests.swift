import Events
import Foundation
import LoopbackProviders
import Periodize
import PeriodizeApp
import Twilio
import Synchronization
import Testing
import TestSupport

/// The Twilio sender against an in-test Twilio on 127.0.0.1 speaking the Messages API: the
/// request as Twilio documents it, and each class of error answer.
@Suite("Twilio sender")
struct TwilioSenderTests {
    static let credentials = TwilioSender.Credentials(accountSID: "AC0123456789abcdef", user: "AC0123456789abcdef", password: "s3cret-token")

    func sender(_ twilio: LoopbackServer, origin: TwilioSender.Origin = .from("+15005550006"), timeout: TimeInterval = 2) -> TwilioSender {
        TwilioSender(
            baseURL: URL(string: twilio.baseURL)!, credentials: Self.credentials, origin: origin,
            statusCallback: URL(string: "https://coach.example.com/twilio/status"), timeout: timeout)
    }

    static let message = OutgoingMessage(body: "Today: Squat 3x5 @ RPE 8 & rows. Reply DONE when finished.", phoneNumber: "+15551234567", messageID: UUID())

    /// The form fields of a received request, decoded.
    static func form(_ received: LoopbackServer.Received) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: received.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test func aMessageIsPostedAsTwilioDocumentsItAndItsSidKept() async throws {
        let twilio = try await LoopbackServer.start { _ in
            LoopbackServer.Reply(status: 201, json: ["sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "num_segments": "1"])
        }
        defer { Task { await twilio.stop() } }
        let receipt = try await sender(twilio).deliver(Self.message)
        #expect(receipt == SendReceipt(providerMessageID: "SM0123456789abcdef0123456789abcdef", status: "queued", segments: 1))
        let request = try #require(twilio.received.first)
        #expect(request.path == "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json")
        #expect(request.headers["authorization"] == "Basic " + Data("AC0123456789abcdef:s3cret-token".utf8).base64EncodedString())
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        let form = Self.form(request)
        #expect(form == [
            "To": "+15551234567", "From": "+15005550006", "Body": Self.message.body,
            "StatusCallback": "https://coach.example.com/twilio/status?message=\(Self.message.messageID.uuidString.lowercased())",
        ])
        // A messaging service instead of a number.
        _ = try await sender(twilio, origin: .messagingService("MG0123")).send(Self.message)
        let second = Self.form(twilio.received[1])
        #expect(second["MessagingServiceSid"] == "MG0123" && second["From"] == nil)
    }

    @Test func theDeliveryWorkerRecordsTwiliosSidStatusAndSegments() async throws {
        let twilio = try await LoopbackServer.start { received in
            LoopbackServer.Reply(status: 201, json: ["sid": "SM\(received.index)", "status": "accepted", "num_segments": "2"])
        }
        defer { Task { await twilio.stop() } }
        let folder = TemporaryDirectory()
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), sender: sender(twilio)))
        defer { try? engine.close() }
        try await engine.enroll(enrollment("c1", zone: "UTC", hour: 6))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let report = try await engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(report.delivery.sent >= 1 && report.delivery.errors.isEmpty, "\(report)")
        let sent = try await engine.store.readStream(Engine.clientStream("c1")).filter { $0.type == MessageSent.eventType }
        let first = try EventCoding.decode(MessageSent.self, from: try #require(sent.first).payload)
        #expect(first.provider == "twilio" && first.providerMessageId == "SM0" && first.providerStatus == "accepted" && first.providerSegments == 2)
        #expect(Self.form(twilio.received[0])["To"] == "+15551234567")
    }

    @Test func badCredentialsStopTheWorkerAndMarkNothingFailed() async throws {
        let fixed = Mutex(false)
        let twilio = try await LoopbackServer.start { received in
            if fixed.withLock({ $0 }) { return LoopbackServer.Reply(status: 201, json: ["sid": "SM\(received.index)", "status": "queued"]) }
            return LoopbackServer.Reply(status: 401, json: ["code": 20003, "message": "Authenticate", "status": 401])
        }
        defer { Task { await twilio.stop() } }
        let folder = TemporaryDirectory()
        var oneAtATime = DeliveryPolicy()
        oneAtATime.concurrency = 1
        let engine = try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), sender: sender(twilio), delivery: oneAtATime))
        defer { try? engine.close() }
        for n in 0..<3 {
            try await engine.enroll(enrollment("c\(n)", zone: "UTC", hour: 6))
            try await engine.createPlan(clientID: "c\(n)", start: LocalDate("2026-03-09"))
        }
        let first = try await engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(first.queued == 3 && first.delivery.sent == 0 && first.delivery.retrying == 0 && first.delivery.undeliverable == 0, "\(first)")
        #expect(first.delivery.stopped?.contains("20003") == true)
        #expect(twilio.received.count == 1, "it stopped sending after the first refusal")
        var failed = 0
        for n in 0..<3 {
            failed += try await engine.store.readStream(Engine.clientStream("c\(n)")).filter { $0.type == MessageFailed.eventType }.count
        }
        #expect(failed == 0, "nothing is marked failed for our own credentials")
        // Fixed: the same parts go out, none counted as an attempt lost.
        fixed.withLock { $0 = true }
        let second = try await engine.deliver(at: date("2026-03-10T07:05:00Z"))
        #expect(second.sent == 3 && second.stopped == nil, "\(second)")
    }

    @Test(arguments: [
        (400, 21610, SendFailure.Reason.recipientOptedOut, false, false),
        (400, 21211, .invalidRecipient, false, false),
        (400, 21614, .invalidRecipient, false, false),
        (401, 20003, .badCredentials, false, false),
        (429, 20429, .other, true, false),
        (500, 20500, .other, true, true),
        (503, 0, .other, true, true),
        (400, 21408, .other, false, false),
    ])
    func eachErrorClassIsToldApart(status: Int, code: Int, reason: SendFailure.Reason, retryable: Bool, mayHaveArrived: Bool) async throws {
        let twilio = try await LoopbackServer.start { _ in
            var body: [String: Any] = ["message": "The 'To' number +15551234567 is not reachable", "status": status, "more_info": "https://www.twilio.com/docs/errors/\(code)"]
            if code != 0 { body["code"] = code }
            return LoopbackServer.Reply(status: status, json: body)
        }
        defer { Task { await twilio.stop() } }
        let failure = await #expect(throws: SendFailure.self) { _ = try await sender(twilio).send(Self.message) }
        #expect(failure?.reason == reason && failure?.retryable == retryable && failure?.mayHaveArrived == mayHaveArrived, "\(String(describing: failure))")
        #expect(failure?.message.contains("+15551234567") == false, "no phone number in errors")
        #expect(failure?.message.contains("s3cret") == false, "no secret in errors")
    }

    @Test func aTimeoutMayHaveArrivedAndAnUnreachableTwilioHasNot() async throws {
        let slow = try await LoopbackServer.start { _ in LoopbackServer.Reply(json: ["sid": "SMlate"], delay: .seconds(3)) }
        let started = ContinuousClock.now
        let late = await #expect(throws: SendFailure.self) { _ = try await sender(slow, timeout: 1).send(Self.message) }
        #expect(ContinuousClock.now - started >= .milliseconds(900), "it waited for the timeout")
        #expect(late?.retryable == true && late?.mayHaveArrived == true && late?.code == "timeout", "\(String(describing: late))")
        await slow.stop()
        let gone = TwilioSender(baseURL: URL(string: "http://127.0.0.1:1")!, credentials: Self.credentials, origin: .from("+15005550006"), statusCallback: nil, timeout: 1)
        let unreachable = await #expect(throws: SendFailure.self) { _ = try await gone.send(Self.message) }
        #expect(unreachable?.retryable == true && unreachable?.mayHaveArrived == false)
    }
}

/// Twilio's documented signature vectors, and what must not pass.
@Suite("Twilio webhook signature")
struct TwilioSignatureTests {
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let parameters: [(name: String, value: String)] = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212"),
    ]

    @Test func theDocumentedVectorsHold() {
        #expect(TwilioSignature.compute(url: Self.url, parameters: Self.parameters, authToken: "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        let second = Self.parameters.map { $0.name == "Caller" || $0.name == "From" ? ($0.name, "+14158675310") : $0 }
        #expect(TwilioSignature.compute(url: Self.url, parameters: second, authToken: "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc=")
        #expect(TwilioSignature.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: Self.url, parameters: Self.parameters.reversed(), authToken: "12345"),
                "the order parameters arrive in does not matter")
    }

    @Test func aMissingWrongOrReplayedSignatureFails() {
        let good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        #expect(!TwilioSignature.isValid(nil, url: Self.url, parameters: Self.parameters, authToken: "12345"))
        #expect(!TwilioSignature.isValid("0/KCTR6DLpKmkAf8muzZqo1nDgQ", url: Self.url, parameters: Self.parameters, authToken: "12345"))
        #expect(!TwilioSignature.isValid(good, url: Self.url, parameters: Self.parameters, authToken: "54321"), "another token")
        #expect(!TwilioSignature.isValid(good, url: "https://mycompany.com/other.php?foo=1&bar=2", parameters: Self.parameters, authToken: "12345"),
                "replayed to another URL")
        #expect(!TwilioSignature.isValid(good, url: Self.url, parameters: Self.parameters + [("NewField", "x")], authToken: "12345"),
                "a parameter added")
    }

    @Test func formBodiesAreReadAsTwilioSendsThem() {
        let fields = TwilioSignature.formParameters(Data("Body=Done%2C+RPE+9+%F0%9F%92%AA&From=%2B15551234567&Empty=".utf8))
        #expect(fields.map(\.name) == ["Body", "From", "Empty"])
        #expect(fields.map(\.value) == ["Done, RPE 9 💪", "+15551234567", ""])
    }
}

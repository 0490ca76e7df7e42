import Coaching
import EventLog
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import Senders
import Service
import Testing
import TestSupport
import Synchronization
import Twilio
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The service in this process against the in-test Twilio, over real HTTP both ways: the
/// webhooks' signatures, keywords, status callbacks, the error classes that change a client,
/// the lookup before a resend, the worker stopping on bad credentials, and `/metrics`.
@Suite("Twilio in and out", .serialized)
struct TwilioServiceTests {
    @Test func aWebhookWithAMissingWrongOrReplayedSignatureGets403AndAppendsNothing() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        let head = try await harness.head()
        let form = [("MessageSid", "SM" + String(repeating: "a", count: 32)), ("From", phone(0)), ("To", "+15550009999"), ("Body", "STOP")]
        // No signature, a wrong one, one made with another token, one for another URL (the
        // status callback's), and a valid one with a parameter added after signing.
        #expect(try await harness.post("/twilio/inbound", form, signature: "").status == 403)
        #expect(try await harness.post("/twilio/inbound", form, signature: "bm90IGEgc2lnbmF0dXJl").status == 403)
        let otherToken = TwilioSignature.compute(url: harness.url + "/twilio/inbound", parameters: form.map { ($0.0, $0.1) }, authToken: "another-token")
        #expect(try await harness.post("/twilio/inbound", form, signature: otherToken).status == 403)
        #expect(try await harness.post("/twilio/inbound", form, signedFor: harness.url + "/twilio/status").status == 403)
        let signed = TwilioSignature.compute(url: harness.url + "/twilio/inbound", parameters: form.map { ($0.0, $0.1) }, authToken: harness.twilio.authToken)
        #expect(try await harness.post("/twilio/inbound", form + [("Extra", "1")], signature: signed).status == 403)
        let status = [("MessageSid", "SM1"), ("MessageStatus", "delivered")]
        #expect(try await harness.post("/twilio/status", status, signature: "").status == 403)
        #expect(try await harness.post("/twilio/status?message=x", status, signedFor: harness.url + "/twilio/status").status == 403)
        #expect(try await harness.head() == head)
        #expect(try await harness.rows("SELECT opted_in FROM clients").first?[0] == 1)
        // The same request signed right is taken.
        #expect(try await harness.post("/twilio/inbound", form).status == 200)
        #expect(try await harness.head() > head)
    }

    @Test func stopStartAndHelpKeywordsAndAnUnknownNumber() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        // STOP, in any case with spaces: opted out by an event, the TwiML empty (Twilio confirms).
        let stop = try await harness.text("  stop ", from: phone(0), sid: "SM01")
        #expect(stop.status == 200 && stop.body.contains("<Response/>"))
        #expect(try await harness.rows("SELECT opted_in, opted_out_by FROM clients").map { [$0[0] as Int, $0[1] as String?] as [AnyHashable?] } == [[0, "client"]])
        // The same webhook again (Twilio retries): nothing more appended.
        let head = try await harness.head()
        #expect(try await harness.text("  stop ", from: phone(0), sid: "SM01").status == 200)
        #expect(try await harness.head() == head)
        // No daily message while opted out.
        #expect(try await harness.engine.tick(now: date("2026-03-10T07:00:00Z")).queued == 0)
        // An operator cannot lift a client's own STOP, not even by opting them out first.
        await #expect(throws: CoachingError.self) { try await harness.engine.updateClient(ClientUpdated(clientId: "c0", optedIn: true)) }
        try await harness.engine.updateClient(ClientUpdated(clientId: "c0", optedIn: false))
        await #expect(throws: CoachingError.self) { try await harness.engine.updateClient(ClientUpdated(clientId: "c0", optedIn: true)) }
        #expect(try await harness.rows("SELECT opted_out_by FROM clients").first?[0] == "client")
        // HELP: the help text in the TwiML.
        let help = try await harness.text("Help", from: phone(0), sid: "SM02")
        #expect(help.body.contains("<Message>Peak Coaching: daily workouts by SMS.") && help.body.contains("help@peak.example"))
        // HELP answered by Twilio's own opt-out handling: empty.
        #expect(try await harness.text("HELP", from: phone(0), sid: "SM03", extra: [("OptOutType", "HELP")]).body.contains("<Response/>"))
        // START: back in, and the day's message goes out.
        let start = try await harness.text("START", from: phone(0), sid: "SM04")
        #expect(start.body.contains("you're back in"))
        #expect(try await harness.rows("SELECT opted_in, opted_out_by FROM clients").map { [$0[0] as Int, $0[1] as String?] as [AnyHashable?] } == [[1, nil]])
        let tick = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(tick.queued == 1 && tick.delivery.sent == 1)
        #expect(harness.twilio.messages(to: phone(0)).count == 1)
        try await harness.eventually("Twilio's callbacks are in") { harness.twilio.callbacks.count == 2 }
        // Any other text: stored (sealed), acknowledged with empty TwiML.
        #expect(try await harness.text("done, felt great 💪", from: phone(0), sid: "SM05").body.contains("<Response/>"))
        let inbound = try await harness.rows("SELECT kind, direction, body FROM messages WHERE direction = 'inbound' ORDER BY position")
        #expect(inbound.map { $0[0] as String } == ["opt-out", "help", "help", "opt-in", "text"])
        #expect(inbound.last?[2] == "done, felt great 💪")
        let raw = try await harness.rows("SELECT payload FROM events WHERE type = 'MessageReceived'")
        #expect(!raw.contains { String(decoding: $0[0] as Data, as: UTF8.self).contains("felt great") }, "the text is stored sealed")
        // A number that is no client's: a short reply, an event on a stream of its own.
        // (The client's own text above is read and answered by the worker meanwhile: count texts.)
        let before = try await harness.rows("SELECT count(*) FROM events WHERE stream_id LIKE 'client-%' AND type = 'MessageReceived'").first?[0] as Int?
        let stranger = try await harness.text("hi who is this", from: "+15559998888", sid: "SM06")
        #expect(stranger.body.contains("this number is not signed up"))
        #expect(try await harness.rows("SELECT count(*) FROM events WHERE stream_id LIKE 'client-%' AND type = 'MessageReceived'").first?[0] as Int? == before)
        let stream = try #require(try await harness.rows("SELECT stream_id, payload FROM events WHERE type = 'MessageReceived' ORDER BY position DESC LIMIT 1").first)
        #expect(try (stream[0] as String) == harness.engine.numberStream("+15559998888"))
        #expect(!String(decoding: stream[1] as Data, as: UTF8.self).contains("5559998888"), "the number is sealed")
        // A keyword Twilio's own opt-out handling knows (one set in its console) is what Twilio says.
        #expect(try await harness.text("START", from: phone(0), sid: "SM08").status == 200)
        #expect(try await harness.text("Arrêt", from: phone(0), sid: "SM09", extra: [("OptOutType", "STOP")]).body.contains("<Response/>"))
        #expect(try await harness.rows("SELECT opted_out_by FROM clients").first?[0] == "client")
        // An unknown number's STOP: empty TwiML, nothing to opt out.
        #expect(try await harness.text("STOP", from: "+15559998888", sid: "SM07").body.contains("<Response/>"))
    }

    @Test func statusCallbacksBecomeEventsAndTheFurthestStatusIsKept() async throws {
        let harness = try await Harness(clients: 2, undeliverable: [phone(1): 30003])
        defer { Task { await harness.stop() } }
        let tick = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(tick.delivery.sent == 2)
        try await harness.eventually("every callback is answered") { harness.twilio.callbacks.count == 4 }
        #expect(harness.twilio.callbacks.allSatisfy { $0.answer == 204 })
        let rows = try await harness.rows("SELECT client_id, delivery_status, delivery_error, provider_message_id FROM messages WHERE direction = 'outbound' ORDER BY client_id")
        #expect(rows.map { [$0[0], $0[1], $0[2]] as [String?] } == [["c0", "delivered", nil], ["c1", "undelivered", "30003"]])
        // Out of order and twice: a late `sent` after `delivered`, `delivered` again.
        let sid = try #require(rows[0][3] as String?)
        let head = try await harness.head()
        #expect(try await harness.post("/twilio/status", [("MessageSid", sid), ("MessageStatus", "sent")]).status == 204)
        #expect(try await harness.post("/twilio/status", [("MessageSid", sid), ("MessageStatus", "delivered")]).status == 204)
        #expect(try await harness.head() == head, "both reported before")
        #expect(try await harness.rows("SELECT delivery_status FROM messages WHERE client_id = 'c0' AND direction = 'outbound'").first?[0] == "delivered")
        // `read` goes further.
        #expect(try await harness.post("/twilio/status", [("MessageSid", sid), ("MessageStatus", "read")]).status == 204)
        #expect(try await harness.rows("SELECT delivery_status FROM messages WHERE client_id = 'c0' AND direction = 'outbound'").first?[0] == "read")
        // 21610 in a callback opts the client out.
        let other = try #require(rows[1][3] as String?)
        #expect(try await harness.post("/twilio/status", [("MessageSid", other), ("MessageStatus", "failed"), ("ErrorCode", "21610")]).status == 204)
        #expect(try await harness.rows("SELECT opted_out_by FROM clients WHERE client_id = 'c1'").first?[0] == "provider")
        let counts = try await harness.engine.readModels.deliveryCounts()
        // `failed` ranks with `undelivered`: the first kept.
        #expect(counts.byDeliveryStatus == ["read": 1, "undelivered": 1])
    }

    @Test func twilioErrorClassesChangeWhatTheWorkerDoes() async throws {
        // c0: opted out at Twilio (21610); c1: an invalid number (21211); c2: 429 (20429) three times, then taken; c3: taken.
        let harness = try await Harness(clients: 4, faults: { index, to in
            switch to {
            case phone(0): .error(status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient")
            case phone(1): .error(status: 400, code: 21211, message: "The 'To' number \(to) is not a valid phone number.")
            case phone(2) where index < 3: .error(status: 429, code: 20429, message: "Too Many Requests")
            default: nil
            }
        })
        defer { Task { await harness.stop() } }
        let tick = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(tick.delivery.undeliverable == 2)
        let report = try await harness.engine.deliver(at: date("2026-03-10T07:05:00Z"))
        #expect(tick.delivery.sent + report.sent == 2)
        let clients = try await harness.rows("SELECT client_id, opted_in, opted_out_by FROM clients ORDER BY client_id")
        #expect(clients.map { [$0[0], $0[2]] as [String?] } == [["c0", "provider"], ["c1", nil], ["c2", nil], ["c3", nil]])
        // The opted-out client gets no message the next day; the others do.
        harness.clock.set(date("2026-03-11T07:00:00Z"))
        let next = try await harness.engine.tick(now: date("2026-03-11T07:00:00Z"))
        #expect(next.queued == 3)
        #expect(harness.twilio.messages(to: phone(0)).isEmpty)
        let errors = try await harness.rows("SELECT last_error FROM messages WHERE client_id = 'c1'").compactMap { $0[0] as String? }
        #expect(errors.allSatisfy { !$0.contains(phone(1)) }, "the number is not in the error text")
    }

    @Test func aPartThatMayHaveArrivedIsLookedUpNotSentTwiceAndHeldWhenTwilioCannotBeAsked() async throws {
        // Each number's first request: c0's is taken and answered 500; c1's taken and answered
        // after the sender's 1 s timeout; c2's answered 503 without being taken. All three may
        // have arrived, as far as the worker can tell.
        let first = Mutex<Set<String>>([])
        let harness = try await Harness(clients: 3, faults: { _, to in
            guard first.withLock({ $0.insert(to).inserted }) else { return nil }
            switch to {
            case phone(0): return .takeThenFail(status: 500)
            case phone(1): return .takeSlowly(.seconds(1.5))
            default: return .error(status: 503, code: nil, message: "Service Unavailable")
            }
        })
        defer { Task { await harness.stop() } }
        let tick = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(tick.delivery.retrying == 3 && harness.twilio.messages.count == 2)
        let marked = try await harness.rows("SELECT count(*) FROM messages WHERE may_have_arrived = 1").first?[0] as Int?
        #expect(marked == 3)
        // Twilio cannot be asked: every part is held, nothing sent again.
        harness.twilio.failLists(true)
        let held = try await harness.engine.deliver(at: date("2026-03-10T07:01:00Z"))
        #expect(held.held == 3 && held.sent == 0)
        #expect(harness.twilio.messages.count == 2, "nothing sent again while Twilio cannot be asked")
        #expect(try await harness.engine.readModels.deliveryCounts().byStatus["held"] == 3)
        // /readyz says so.
        let ready = try await harness.get("/readyz")
        #expect(ready.status == 503 && ready.body.contains("3 message part(s) held"))
        // And `stats`, from another process on the same file.
        let stats = try await PeriodizeBinary.runInBackground(["stats", "--db", harness.path])
        #expect(stats.status == 0 && stats.stdout.contains("held: 3 part(s) may have reached the provider"), "\(stats.stdout)")
        // Twilio answers again: c0's and c1's parts are found (by the day's DateSent too) and
        // recorded with Twilio's sids; c2's is not there, and is sent now.
        harness.twilio.failLists(false)
        let lists = harness.twilio.listRequests
        let found = try await harness.engine.deliver(at: date("2026-03-10T07:10:00Z"))
        #expect(found.foundAtProvider == 2 && found.sent == 3)
        #expect(harness.twilio.listRequests - lists >= 5, "c2 was looked for on the newest page and on both days")
        #expect(harness.twilio.messages.count == 3 && Set(harness.twilio.messages.map(\.to)).count == 3, "each part reached Twilio once")
        let sids = try await harness.rows("SELECT provider_message_id, status FROM messages WHERE direction = 'outbound' ORDER BY client_id")
        #expect(Set(sids.compactMap { $0[0] as String? }) == Set(harness.twilio.messages.map(\.sid)))
        #expect(sids.allSatisfy { $0[1] == "sent" })
        #expect(try await harness.get("/readyz").status == 200)
    }

    @Test func aMessageOfAnEarlierDayWithTheSameWordsIsNotTakenForThePart() async throws {
        // Twilio's dates, as it writes them.
        #expect(TwilioSender.rfc2822("Tue, 10 Mar 2026 07:00:00 +0000") == date("2026-03-10T07:00:00Z"))
        let harness = try await Harness(clients: 0)
        defer { Task { await harness.stop() } }
        let twilioSender = TwilioSender(
            baseURL: URL(string: harness.twilio.baseURL)!,
            credentials: .init(accountSID: harness.twilio.accountSID, user: harness.twilio.accountSID, password: harness.twilio.authToken),
            origin: .from("+15550009999"), statusCallback: nil)
        let part = OutgoingMessage(body: "Reply DONE when finished.", phoneNumber: phone(7), messageID: UUID())
        _ = try await twilioSender.deliver(part)  // taken on 2026-03-10 at 07:00 by the fake's clock
        harness.clock.set(date("2026-03-11T07:00:00Z"))
        #expect(try await twilioSender.findSent(part, notBefore: date("2026-03-11T06:59:00Z"), attemptedAt: harness.clock.date()) == nil)
        #expect(try await twilioSender.findSent(part, notBefore: date("2026-03-10T06:59:00Z"), attemptedAt: harness.clock.date())?.providerMessageID
                == harness.twilio.messages.first?.sid)
    }

    @Test func badCredentialsStopTheWorkerAndReadyzSaysSo() async throws {
        let harness = try await Harness(clients: 2, worker: true, credentials: "wrong-token")
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"), deliver: false)
        try await harness.eventually("the worker stops") { try await harness.get("/readyz").status == 503 }
        let ready = try await harness.get("/readyz")
        #expect(ready.body.contains("the sender stopped") && !ready.body.contains("wrong-token"))
        #expect(try await harness.engine.readModels.deliveryCounts().byStatus["queued"] == 2, "nothing marked failed")
        let metrics = try PrometheusText(try await harness.get("/metrics").body)
        #expect(metrics.value("periodize_sender_stopped") == 1)
        #expect(harness.twilio.messages.isEmpty)
    }

    @Test func metricsParseAsPrometheusTextMatchTheLogAndCanBeBehindAToken() async throws {
        let harness = try await Harness(clients: 3, metricsToken: "scrape-me")
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        try await harness.eventually("callbacks are in") { harness.twilio.callbacks.count == 6 }
        _ = try await harness.text("STOP", from: phone(2), sid: "SM10")
        _ = try await harness.text("thanks!", from: phone(1), sid: "SM11")
        _ = try await harness.text("who?", from: "+15557770000", sid: "SM12")
        // The worker reads the client's text (and queues its answer) after the webhook answered.
        try await harness.eventually("the text is read") { try await harness.engine.readModels.pendingReplies(limit: 10).isEmpty }
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await harness.get("/metrics").status == 401)
        #expect(try await harness.get("/metrics", headers: ["Authorization": "Bearer nope"]).status == 401)
        let scraped = try await harness.get("/metrics", headers: ["Authorization": "Bearer scrape-me"])
        #expect(scraped.status == 200)
        let text = try PrometheusText(scraped.body)
        func count(_ type: String) async throws -> Double {
            Double(try await harness.rows("SELECT count(*) FROM events WHERE type = '\(type)'").first?[0] as Int? ?? 0)
        }
        #expect(text.value("periodize_messages_queued_total") == (try await count("MessageQueued")))
        #expect(text.value("periodize_messages_queued_total", ["kind": "reply"]) == 1, "the answer to the client's text")
        #expect(text.value("periodize_messages_sent_total", ["provider": "twilio"]) == (try await count("MessageSent")))
        #expect(text.value("periodize_status_callbacks_total") == (try await count("MessageStatusReported")))
        let delivered = try await harness.engine.readModels.deliveryCounts().byDeliveryStatus["delivered"] ?? -1
        #expect(text.value("periodize_messages_delivered_total") == Double(delivered))
        #expect(text.value("periodize_inbound_total") == (try await count("MessageReceived")))
        #expect(text.value("periodize_inbound_total", ["class": "keyword"]) == 1 && text.value("periodize_inbound_total", ["class": "unknown-number"]) == 1)
        #expect(text.value("periodize_generation_duration_seconds_count", ["artefact": "workout", "coach": "rules"]) == (try await count("WorkoutGenerated")))
        #expect(text.types["periodize_append_duration_seconds"] == "histogram")
        #expect(text.samples.contains { $0.name == "periodize_read_model_lag_events" && $0.labels["read_model"] == "messages" })
        // No client id, number or body in any label.
        for sample in text.samples {
            for (label, value) in sample.labels where label != "le" {
                #expect(!value.contains("+1555") && !["c0", "c1", "c2"].contains(value) && !value.contains("thanks"), "label \(label)=\(value) of \(sample.name)")
            }
        }
        #expect(!scraped.body.contains("+1555") && !scraped.body.contains("thanks") && !scraped.body.contains(harness.twilio.authToken))
        #expect(try await harness.get("/healthz").status == 200)
    }
}

extension TwilioServiceTests {
    @Test func metricsCanBeServedOnAPortOfTheirOwn() async throws {
        let metricsPort = freeLoopbackPort()
        let harness = try await Harness(clients: 1, metricsPort: metricsPort)
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        #expect(try await harness.get("/metrics").status == 404, "not on the main port")
        var text = ""
        for _ in 0..<100 {
            if let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!) {
                text = String(decoding: data, as: UTF8.self)
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try PrometheusText(text).value("periodize_messages_sent_total") == 1)
    }
}

@Suite("Segment cap")
struct SegmentCapTests {
    @Test func partsAreSpreadAtTheCapBySegments() {
        var schedule = SegmentSchedule(segmentsPerSecond: 4)
        // Three 2-segment parts asked for at once: 0, 0.5, 1.0 s; a 1-segment part after a pause.
        #expect(schedule.reserve(2, at: 10) == 10)
        #expect(schedule.reserve(2, at: 10) == 10.5)
        #expect(schedule.reserve(2, at: 10.1) == 11)
        #expect(schedule.reserve(1, at: 20) == 20)
        #expect(schedule.reserve(1, at: 20) == 20.25)
    }

    @Test func twilioSettingsAreCheckedAndNeverEchoed() throws {
        let sid = "AC" + String(repeating: "a", count: 32)
        func resolve(_ environment: [String: String], receiving: Bool = false) -> String? {
            do { _ = try TwilioConfiguration.resolve(environment: environment, receiving: receiving); return nil } catch { return "\(error)" }
        }
        #expect(resolve([:])?.contains("TWILIO_ACCOUNT_SID") == true)
        #expect(resolve(["TWILIO_ACCOUNT_SID": "ACnope"])?.contains("TWILIO_ACCOUNT_SID is not a Twilio sid") == true)
        #expect(resolve(["TWILIO_ACCOUNT_SID": sid])?.contains("TWILIO_AUTH_TOKEN") == true)
        #expect(resolve(["TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "tok-secret"])?.contains("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID") == true)
        #expect(resolve(["TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "tok-secret", "TWILIO_FROM": "5551234"])?.contains("E.164") == true)
        #expect(resolve(["TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "tok-secret", "TWILIO_FROM": "+15551234567"], receiving: true)?.contains("PERIODIZE_PUBLIC_URL") == true)
        #expect(resolve(["TWILIO_ACCOUNT_SID": sid, "TWILIO_API_KEY_SID": "SK" + String(repeating: "b", count: 32), "TWILIO_API_KEY_SECRET": "key-secret",
                         "TWILIO_FROM": "+15551234567"]) == nil, "an API key sends without the auth token")
        let error = resolve(["TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "tok-secret", "TWILIO_FROM": "+15551234567", "TWILIO_MESSAGING_SERVICE_SID": "MG" + String(repeating: "c", count: 32)])
        #expect(error?.contains("both set") == true && error?.contains("tok-secret") == false)
        #expect(throws: SenderConfigurationError.self) { try SenderConfiguration.resolve(environment: ["PERIODIZE_SEND_RATE": "0"]) }
        #expect(try SenderConfiguration.resolve(environment: ["PERIODIZE_SENDER": "twilio", "PERIODIZE_SEND_RATE": "10"]).segmentsPerSecond == 10)
    }
}

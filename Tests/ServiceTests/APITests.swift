import Coaching
import Events
import Foundation
import GRDB
import Periodize
import Synchronization
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An answer of the operators' API.
struct APIAnswer {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
    func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

extension Harness {
    /// A request to `/api/v1` + `path` with `token` as the bearer.
    func api(_ method: String, _ path: String, token: String?, json: String? = nil, headers: [String: String] = [:]) async throws -> APIAnswer {
        try await apiRequest(url, method, path, token: token, json: json, headers: headers)
    }
}

/// A request to the API of the service at `base`: `/api/v1` + `path` with `token` as the bearer.
func apiRequest(_ base: String, _ method: String, _ path: String, token: String?, json: String? = nil, headers: [String: String] = [:]) async throws -> APIAnswer {
    var request = URLRequest(url: URL(string: base + "/api/v1" + path)!)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let json {
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var fields: [String: String] = [:]
    for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
    return APIAnswer(status: http.statusCode, headers: fields, body: data)
}

extension Harness {
    /// How many events of each type the log holds.
    func counts(_ types: [String]) async throws -> [Int] {
        var counts: [Int] = []
        for type in types { counts.append(try await count(type)) }
        return counts
    }

    /// Every event's actor, by type, in the log.
    func actors(_ type: String) async throws -> [String] {
        try await rows("SELECT actor FROM events WHERE type = '\(type)' ORDER BY position").map { $0[0] as String? ?? "" }
    }
}

/// The JSON of an enrollment, as a coaching team's form would post it.
func enrollmentJSON(_ id: String, phone: String, hour: Int = 6, extra: String = "") -> String {
    """
    {"clientId":"\(id)","name":"Dana Reyes","phoneNumber":"\(phone)","email":"dana@example.com","timezone":"UTC","preferredSendHour":\(hour),\(extra)
     "profile":{"fitnessGoals":"get strong","primaryGoal":"strength","skillLevel":"intermediate","daysPerWeek":3,"trainingDays":[1,2,4],
     "sessionMinutes":45,"location":"commercialGym","equipment":[],"injuries":[{"area":"knee","status":"active"}],"age":41,"gender":"female"}}
    """
}

@Suite("The operators' API over real HTTP", .serialized)
struct APITests {
    struct Tokens {
        var ops: String
        var support: String
        var auditor: String
    }

    func tokens(_ harness: Harness) async throws -> Tokens {
        Tokens(
            ops: try await harness.engine.createToken(name: "ops", role: .operator_),
            support: try await harness.engine.createToken(name: "desk", role: .support),
            auditor: try await harness.engine.createToken(name: "audit", role: .auditor))
    }

    @Test("every route answers as the document says, each role sees what it may, and each event says who asked")
    func everyRoute() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)

        let document = try await harness.api("GET", "/openapi.json", token: nil)
        #expect(document.status == 200)
        #expect((document.json["openapi"] as? String) == "3.1.0")
        #expect(((document.json["paths"] as? [String: Any])?.keys.count ?? 0) >= 17)

        // Enroll: 201, the client, its version as the ETag, where it lives.
        let enrolled = try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c1", phone: phone(1)))
        #expect(enrolled.status == 201, "\(enrolled.text)")
        #expect(enrolled.header("ETag") == "\"1\"")
        #expect(enrolled.header("Location") == "/api/v1/clients/c1")
        #expect(enrolled.json["name"] as? String == "Dana Reyes")
        #expect(enrolled.json["version"] as? Int == 1)

        // Reading the client: support sees the personal fields, the auditor does not.
        let bySupport = try await harness.api("GET", "/clients/c1", token: token.support)
        #expect(bySupport.status == 200)
        #expect(bySupport.json["phoneNumber"] as? String == phone(1))
        #expect(((bySupport.json["profile"] as? [String: Any])?["age"] as? Int) == 41)
        let byAuditor = try await harness.api("GET", "/clients/c1", token: token.auditor)
        #expect(byAuditor.status == 200)
        for field in ["name", "phoneNumber", "email"] { #expect(byAuditor.json[field] as? String == "[redacted]", "\(field)") }
        let profile = byAuditor.json["profile"] as? [String: Any] ?? [:]
        #expect(profile["age"] == nil)
        #expect(profile["gender"] as? String == "[redacted]")
        #expect((profile["injuries"] as? [Any])?.isEmpty == true)
        #expect(profile["primaryGoal"] as? String == "strength")
        #expect(!byAuditor.text.contains("Dana") && !byAuditor.text.contains("knee"))

        // Training: the plan (its first mesocycle broken down), the week, the day's workout.
        let plan = try await harness.api("POST", "/clients/c1/plan", token: token.ops, json: #"{"start":"2026-03-09","weeks":12}"#)
        #expect(plan.status == 201, "\(plan.text)")
        #expect(plan.json["startDate"] as? String == "2026-03-09")
        #expect((plan.json["mesocycles"] as? [Any])?.isEmpty == false)
        #expect(try await harness.api("GET", "/clients/c1/plan", token: token.auditor).json["planId"] as? String == plan.json["planId"] as? String)
        let breakdown = try await harness.api("POST", "/clients/c1/breakdown", token: token.ops, json: #"{"date":"2026-03-10"}"#)
        #expect(breakdown.status == 200, "\(breakdown.text)")
        #expect((breakdown.json["microcycles"] as? [Any])?.isEmpty == false)
        let week = try await harness.api("GET", "/clients/c1/week?date=2026-03-10", token: token.auditor)
        #expect(week.status == 200)
        #expect((week.json["days"] as? [Any])?.count == 7)
        #expect(week.json["startDate"] as? String == "2026-03-09")

        let missing = try await harness.api("GET", "/clients/c1/workout?date=2026-03-10", token: token.ops)
        #expect(missing.status == 404)
        let dry = try await harness.api("POST", "/clients/c1/daily", token: token.ops, json: #"{"date":"2026-03-10","dryRun":true}"#)
        #expect(dry.status == 200, "\(dry.text)")
        #expect(dry.json["queued"] as? Bool == false)
        #expect((dry.json["text"] as? String)?.hasPrefix("Dana") == true)
        #expect(try await harness.count("MessageQueued") == 0)
        let daily = try await harness.api("POST", "/clients/c1/daily", token: token.ops, json: #"{"date":"2026-03-10"}"#)
        #expect(daily.status == 200)
        #expect(daily.json["queued"] as? Bool == true)
        #expect(try await harness.count("MessageQueued") >= 1)
        let workout = try await harness.api("GET", "/clients/c1/workout?date=2026-03-10", token: token.auditor)
        #expect(workout.status == 200, "\(workout.text)")
        #expect(workout.json["date"] as? String == "2026-03-10")
        #expect((workout.json["blocks"] as? [Any])?.isEmpty == false)
        #expect((workout.json["position"] as? Int ?? 0) > 0)
        // The workout's decision: modifications name the injury, so the auditor reads them redacted.
        #expect(!workout.text.contains("knee"))
        #expect(try await harness.api("GET", "/clients/c1/workout?date=2026-03-10", token: token.ops).text.contains("knee"))

        // Decisions, every artefact kind.
        for artefact in ["workout", "week", "plan", "message"] {
            let audit = try await harness.api("GET", "/clients/c1/audit?artefact=\(artefact)&date=2026-03-10", token: token.auditor)
            #expect(audit.status == 200, "\(artefact): \(audit.text)")
            #expect(audit.list.first?["artefact"] as? String == artefact)
            #expect((audit.list.first?["position"] as? Int ?? 0) > 0)
            // The daily SMS the formatter wrote has no decision of its own; the others do.
            if artefact != "message" {
                #expect(((audit.list.first?["decision"] as? [String: Any])?["coach"] as? String)?.isEmpty == false, "\(artefact)")
            }
        }

        // A support person relays a reply: read at once, the confirmation queued.
        let relayed = try await harness.api("POST", "/replies", token: token.support, json: #"{"from":"\#(phone(1))","body":"done, rpe 8","providerMessageId":"SMrelay1"}"#)
        #expect(relayed.status == 200, "\(relayed.text)")
        #expect(relayed.json["clientId"] as? String == "c1")
        #expect((relayed.json["intents"] as? [String])?.first?.hasPrefix("done") == true)
        #expect((relayed.json["replies"] as? [String])?.isEmpty == false)
        let replyAudit = try await harness.api("GET", "/clients/c1/audit?artefact=reply&date=2026-03-10", token: token.ops)
        #expect(replyAudit.status == 200)
        #expect(replyAudit.list.first?["text"] as? String == "done, rpe 8")
        #expect(try await harness.api("GET", "/clients/c1/audit?artefact=reply&date=2026-03-10", token: token.auditor).list.first?["text"] as? String == "[redacted]")

        // Messages and the inbox: operators and support, not auditors.
        let messages = try await harness.api("GET", "/clients/c1/messages", token: token.support)
        #expect(messages.status == 200)
        #expect(messages.list.contains { $0["kind"] as? String == "daily" })
        #expect(try await harness.api("GET", "/clients/c1/messages", token: token.auditor).status == 403)
        let unread = try await harness.api("POST", "/replies", token: token.ops, json: #"{"from":"\#(phone(1))","body":"can my sister join the program too?","providerMessageId":"SMrelay2"}"#)
        #expect(unread.status == 200)
        let inbox = try await harness.api("GET", "/inbox?limit=10", token: token.support)
        #expect(inbox.status == 200)
        #expect(inbox.list.contains { $0["providerMessageId"] as? String == "SMrelay2" })
        #expect(try await harness.api("GET", "/inbox", token: token.auditor).status == 403)

        #expect(try await harness.api("GET", "/clients/c1/archive", token: token.auditor).list.isEmpty)
        let stats = try await harness.api("GET", "/stats", token: token.auditor)
        #expect(stats.status == 200)
        let counted = stats.json["events"] as? Int ?? 0
        let headNow = Int(try await harness.head())
        #expect(counted >= 15 && counted <= headNow, "\(stats.text)")
        #expect((stats.json["byType"] as? [[String: Any]])?.contains { $0["type"] as? String == "WorkoutGenerated" } == true)

        // The log a page at a time; the auditor's copy has no personal field.
        let first = try await harness.api("GET", "/events?limit=3", token: token.auditor)
        #expect(first.status == 200)
        let events = first.json["events"] as? [[String: Any]] ?? []
        #expect(events.map { $0["position"] as? Int } == [1, 2, 3])
        #expect(first.json["next"] as? Int == 4)
        let enrolledEvents = try await harness.api("GET", "/events?type=ClientEnrolled", token: token.auditor)
        let payload = (enrolledEvents.json["events"] as? [[String: Any]])?.first?["payload"] as? [String: Any] ?? [:]
        #expect(payload["name"] as? String == "[redacted]")
        #expect(payload["clientId"] as? String == "c1")
        #expect(enrolledEvents.json["next"] == nil)
        let opsEvents = try await harness.api("GET", "/events?stream=client-c1&limit=1", token: token.ops)
        #expect(((opsEvents.json["events"] as? [[String: Any]])?.first?["payload"] as? [String: Any])?["name"] as? String == "Dana Reyes")

        // Who asked, beside what made it, on every event the API appended.
        #expect(try await harness.actors("ClientEnrolled") == ["enroll by api:ops"])
        #expect(try await harness.actors("PlanCreated") == ["plan by api:ops"])
        #expect(try await harness.actors("MessageReceived").allSatisfy { $0.hasSuffix(" by api:desk") || $0.hasSuffix(" by api:ops") })
        #expect(try await harness.actors("ReplyRead").first?.hasSuffix("by api:desk") == true)
        #expect(try await harness.actors("WorkoutCompleted") == ["reply by api:desk"])
        #expect(try await harness.actors("WorkoutGenerated").allSatisfy { $0.hasSuffix("by api:ops") })
        // ... and none on events no API request made (the tokens, made by the engine here).
        #expect(try await harness.actors("TokenCreated").allSatisfy { !$0.contains(" by ") })

        // Erasure: operators only; the client's personal fields read as erased after.
        #expect(try await harness.api("POST", "/clients/c1/erasure", token: token.support, json: #"{"reason":"ticket 7"}"#).status == 403)
        let erased = try await harness.api("POST", "/clients/c1/erasure", token: token.ops, json: #"{"reason":"ticket 7"}"#)
        #expect(erased.status == 200, "\(erased.text)")
        #expect(erased.json["alreadyErased"] as? Bool == false)
        let after = try await harness.api("GET", "/clients/c1", token: token.support)
        #expect(after.json["name"] as? String == "[erased]")
        #expect(after.json["erasedAt"] as? String != nil)
        #expect(try await harness.actors("ClientErased") == ["erase by api:ops"])
        let report = try await harness.engine.verify()
        #expect(report.isValid, "\(report)")
    }

    @Test("the workout read is the one in force: a workout made again supersedes the first in the read-model as in the client's state")
    func workoutInForce() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)
        _ = try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c1", phone: phone(1)))
        _ = try await harness.api("POST", "/clients/c1/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#)
        let daily = try await harness.api("POST", "/clients/c1/daily", token: token.ops, json: "{}")
        #expect(daily.status == 200, "\(daily.text)")
        let first = try await harness.api("GET", "/clients/c1/workout", token: token.ops)
        #expect(first.status == 200, "\(first.text)")
        // A reply that has today's workout made again without a barbell.
        let relayed = try await harness.api("POST", "/replies", token: token.support, json: #"{"from":"\#(phone(1))","body":"no barbell today, gym is packed"}"#)
        #expect(relayed.status == 200, "\(relayed.text)")
        let again = try await harness.api("GET", "/clients/c1/workout", token: token.ops)
        let state = try await harness.engine.history(of: "c1")
        let inForce = try #require(try state.workout(on: LocalDate("2026-03-10")!))
        #expect(again.json["position"] as? Int == Int(inForce.position))
        #expect(again.json["position"] as? Int != first.json["position"] as? Int)
        #expect(!again.text.contains("Barbell"))
        #expect(try await harness.api("GET", "/clients/c1/audit", token: token.auditor).list.count == 2)
    }

    @Test("each error is a problem detail with the right status, and nothing is appended")
    func errors() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)
        let enrolled = try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c1", phone: phone(1)))
        #expect(enrolled.status == 201)
        let revoked = try await harness.engine.createToken(name: "gone", role: .operator_)
        try await harness.engine.revokeToken(name: "gone")

        func expectProblem(_ answer: APIAnswer, _ status: Int, code: String? = nil, field: String? = nil, _ comment: String) {
            #expect(answer.status == status, "\(comment): \(answer.text)")
            #expect(answer.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(comment)")
            #expect(answer.json["status"] as? Int == status, "\(comment)")
            #expect((answer.json["title"] as? String)?.isEmpty == false, "\(comment)")
            #expect((answer.json["type"] as? String)?.isEmpty == false, "\(comment)")
            if let code { #expect(answer.json["code"] as? String == code, "\(comment)") }
            if let field { #expect(answer.json["field"] as? String == field, "\(comment)") }
        }
        let head = try await harness.head()
        expectProblem(try await harness.api("GET", "/clients/c1", token: nil), 401, code: "unauthorized", "no token")
        #expect(try await harness.api("GET", "/clients/c1", token: nil).header("WWW-Authenticate") == "Bearer")
        expectProblem(try await harness.api("GET", "/clients/c1", token: "pz_not-a-token"), 401, "a wrong token")
        expectProblem(try await harness.api("GET", "/clients/c1", token: revoked), 401, "a revoked token")
        expectProblem(try await harness.api("POST", "/clients", token: token.auditor, json: enrollmentJSON("c2", phone: phone(2))), 403, code: "forbidden", "an auditor enrolling")
        expectProblem(try await harness.api("POST", "/clients/c1/plan", token: token.support, json: "{}"), 403, "support making a plan")
        expectProblem(try await harness.api("GET", "/clients/nobody", token: token.ops), 404, code: "unknownClient", "an unknown client")
        expectProblem(try await harness.api("GET", "/clients/nobody/workout", token: token.ops), 404, code: "unknownClient", "an unknown client's workout")
        expectProblem(try await harness.api("GET", "/clients/c1/plan", token: token.ops), 404, code: "notFound", "no plan yet")
        expectProblem(try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c1", phone: phone(1))), 409, code: "alreadyEnrolled", "enrolled twice")
        expectProblem(try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c2", phone: phone(2), hour: 31)), 422, code: "invalidInput", field: "preferredSendHour", "a send hour of 31")
        expectProblem(try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c2", phone: "555-0101")), 422, field: "phoneNumber", "a phone number that is not E.164")
        expectProblem(try await harness.api("POST", "/clients", token: token.ops, json: #"{"name":"x"}"#), 422, field: "phoneNumber", "a field missing")
        expectProblem(try await harness.api("POST", "/clients", token: token.ops, json: "{\"name\":"), 422, code: "invalidInput", "JSON cut short")
        expectProblem(try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c2", phone: phone(2)).replacingOccurrences(of: "\"strength\"", with: "\"speed\"")), 422, field: "profile.primaryGoal", "a goal not in the list")
        expectProblem(try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"preferredSendHour":"seven"}"#), 422, field: "preferredSendHour", "a send hour that is a word")
        expectProblem(try await harness.api("PATCH", "/clients/c1", token: token.ops, json: "{}"), 422, field: "body", "a change of nothing")
        expectProblem(try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"timezone":"Mars/Olympus"}"#), 422, field: "timezone", "a zone that is not IANA")
        expectProblem(try await harness.api("GET", "/clients/c1/week?date=March", token: token.ops), 422, field: "date", "a date that is not one")
        expectProblem(try await harness.api("POST", "/clients/c1/daily", token: token.ops, json: "{}"), 409, code: "noPlan", "a daily message with no plan")
        expectProblem(try await harness.api("GET", "/events?limit=5000", token: token.ops), 422, field: "limit", "too big a page")
        expectProblem(try await harness.api("POST", "/replies", token: token.ops, json: #"{"from":"me","body":"hi"}"#), 422, field: "from", "a relayed reply from no number")
        expectProblem(try await harness.api("POST", "/clients/c1/erasure", token: token.ops, json: #"{"reason":"  "}"#), 422, field: "reason", "an erasure without a reason")
        expectProblem(try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"preferredSendHour":8}"#, headers: ["If-Match": "\"9\""]), 412, code: "preconditionFailed", field: "If-Match", "a stale If-Match")
        expectProblem(try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"preferredSendHour":8}"#, headers: ["If-Match": "yesterday"]), 422, field: "If-Match", "an If-Match that is no version")
        let wrongMethod = try await harness.api("DELETE", "/clients/c1/plan", token: token.ops)
        expectProblem(wrongMethod, 405, code: "methodNotAllowed", "a method the path does not have")
        #expect(wrongMethod.header("Allow") == "GET, POST")
        #expect(try await harness.api("GET", "/no-such-route", token: token.ops).status == 404)
        #expect(try await harness.head() == head, "an error appended something")
    }

    @Test("If-Match takes the ETag; a stream that moved since is refused with 412 and nothing appended")
    func ifMatch() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)
        _ = try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c1", phone: phone(1)))
        let read = try await harness.api("GET", "/clients/c1", token: token.ops)
        let etag = try #require(read.header("ETag"))
        #expect(etag == "\"1\"")
        let changed = try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"preferredSendHour":8}"#, headers: ["If-Match": etag])
        #expect(changed.status == 200, "\(changed.text)")
        #expect(changed.json["preferredSendHour"] as? Int == 8)
        #expect(changed.header("ETag") == "\"2\"")
        // A second writer with the old ETag: refused, the first writer's change stands.
        let head = try await harness.head()
        let late = try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"preferredSendHour":9}"#, headers: ["If-Match": etag])
        #expect(late.status == 412)
        #expect(try await harness.head() == head)
        #expect(try await harness.engine.history(of: "c1").client?.preferredSendHour == 8)
        // Without If-Match the write goes ahead, and the plan honours it too.
        #expect(try await harness.api("PATCH", "/clients/c1", token: token.ops, json: #"{"isActive":false}"#).status == 200)
        #expect(try await harness.api("POST", "/clients/c1/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#, headers: ["If-Match": "\"2\""]).status == 412)
        let plan = try await harness.api("POST", "/clients/c1/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#, headers: ["If-Match": "\"3\""])
        #expect(plan.status == 201, "\(plan.text)")
        #expect(try await harness.count("PlanCreated") == 1)
    }

    @Test("Idempotency-Key: a retry answers the first answer and appends nothing; another request under the key is refused")
    func idempotency() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)
        let body = enrollmentJSON("c1", phone: phone(1))
        let first = try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "form-81"])
        #expect(first.status == 201)
        let head = try await harness.head()
        let again = try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "form-81"])
        #expect(again.status == 201)
        #expect(again.body == first.body)
        #expect(again.header("ETag") == "\"1\"")
        #expect(again.header("Location") == "/api/v1/clients/c1")
        #expect(again.header("Idempotent-Replayed") == "true")
        #expect(try await harness.head() == head)
        // Without the key the same request is a second enrollment, refused.
        #expect(try await harness.api("POST", "/clients", token: token.ops, json: body).status == 409)
        // The key with another body: refused, nothing done.
        let other = try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("c2", phone: phone(2)), headers: ["Idempotency-Key": "form-81"])
        #expect(other.status == 422, "\(other.text)")
        #expect(other.json["field"] as? String == "Idempotency-Key")
        // Keys are the token's own: another token's same key is another request.
        let support = try await harness.api("POST", "/replies", token: token.support, json: #"{"from":"\#(phone(1))","body":"done","providerMessageId":"SMa"}"#, headers: ["Idempotency-Key": "form-81"])
        #expect(support.status == 200)
        // A relayed reply retried (a new id each time it is sent, as a form would): one text, one reading.
        let relay = #"{"from":"\#(phone(1))","body":"skip friday"}"#
        let r1 = try await harness.api("POST", "/replies", token: token.ops, json: relay, headers: ["Idempotency-Key": "relay-1"])
        let r2 = try await harness.api("POST", "/replies", token: token.ops, json: relay, headers: ["Idempotency-Key": "relay-1"])
        #expect(r1.status == 200 && r2.body == r1.body)
        #expect(try await harness.count("MessageReceived") == 2)
        #expect(try await harness.count("ReplyRead") == 2)
        // A relayed text the worker read first (it reads every text not read yet): relayed again,
        // it is a duplicate answered with what was read then, and nothing is done again.
        _ = try await harness.engine.receive(InboundSMS(providerMessageID: "SMworker1", from: phone(1), to: "+15550009999", body: "I'm travelling next week", provider: "api"))
        // (Read as the worker reads it; the service's own worker may come first: one reading either way.)
        _ = try await harness.engine.readReply(clientID: "c1", providerMessageID: "SMworker1", body: "I'm travelling next week")
        let byWorker = try #require(try await harness.engine.replyAudits(of: "c1").first { $0.reading.providerMessageId == "SMworker1" }).reading
        let readings = try await harness.count("ReplyRead")
        let relayed = try await harness.api("POST", "/replies", token: token.ops, json: #"{"from":"\#(phone(1))","body":"I'm travelling next week","providerMessageId":"SMworker1"}"#)
        #expect(relayed.status == 200)
        #expect(relayed.json["duplicate"] as? Bool == true)
        #expect(relayed.json["intents"] as? [String] == byWorker.intents.map(\.description) && !byWorker.intents.isEmpty, "\(relayed.text)")
        #expect(relayed.json["actions"] as? [String] == byWorker.actions)
        #expect(try await harness.count("ReplyRead") == readings)
        // A relayed text recorded and not read (its first run stopped in between): relayed
        // again, it is read now.
        _ = try await harness.engine.receive(InboundSMS(providerMessageID: "SMunread1", from: phone(1), to: "+15550009999", body: "done today, felt great", provider: "api"))
        let unread = try await harness.count("ReplyRead")
        let late = try await harness.api("POST", "/replies", token: token.ops, json: #"{"from":"\#(phone(1))","body":"done today, felt great","providerMessageId":"SMunread1"}"#)
        #expect(late.status == 200 && late.json["duplicate"] as? Bool == true)
        #expect((late.json["intents"] as? [String])?.isEmpty == false, "\(late.text)")
        #expect(try await harness.count("ReplyRead") == unread + 1)
        // An error is an answer too: the same 409 again.
        let conflict = try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "form-82"])
        #expect(conflict.status == 409)
        #expect(try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "form-82"]).body == conflict.body)
        // The answers about a client are sealed under their key: erased with them.
        let stored = try await harness.rows("SELECT answer FROM api_answers WHERE key = 'form-81'")
        let sealed: Data = try #require(stored.first)[0]
        #expect(!String(decoding: sealed, as: UTF8.self).contains("Dana"))
        _ = try await harness.api("POST", "/clients/c1/erasure", token: token.ops, json: #"{"reason":"ticket 9"}"#)
        let gone = try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "form-81"])
        #expect(gone.status == 410, "\(gone.text)")
    }

    @Test("a request run again under its Idempotency-Key after its answer was lost finds what its first run made, and makes nothing twice")
    func idempotentRerun() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)
        // A form that leaves the id to the service.
        let body = enrollmentJSON("c1", phone: phone(1)).replacingOccurrences(of: #""clientId":"c1","#, with: "")
        let first = try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "signup-5"])
        #expect(first.status == 201, "\(first.text)")
        let id = try #require(first.json["clientId"] as? String)
        let planRequest = ["Idempotency-Key": "plan-5", "If-Match": "\"1\""]
        let plan = try await harness.api("POST", "/clients/\(id)/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#, headers: planRequest)
        #expect(plan.status == 201, "\(plan.text)")
        let relay = #"{"from":"\#(phone(1))","body":"done, felt easy"}"#
        let reply = try await harness.api("POST", "/replies", token: token.ops, json: relay, headers: ["Idempotency-Key": "relay-5"])
        #expect(reply.status == 200, "\(reply.text)")
        // The answers are lost, as when the process stops after the append and before keeping
        // them: each key is free again.
        try await harness.engine.database.write { db in try db.execute(sql: "DELETE FROM api_answers") }
        // (The delivery worker may record the reply's answer sent meanwhile: counted by type.)
        let counts = try await harness.counts(["MesocycleBroken", "ReplyRead", "MessageQueued"])
        let again = try await harness.api("POST", "/clients", token: token.ops, json: body, headers: ["Idempotency-Key": "signup-5"])
        #expect(again.status == 201, "\(again.text)")
        #expect(again.json["clientId"] as? String == id, "the same client, not a second one")
        // (Based on the version before the plan: the first run passed that check.)
        let planAgain = try await harness.api("POST", "/clients/\(id)/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#, headers: planRequest)
        #expect(planAgain.status == 201, "\(planAgain.text)")
        #expect(planAgain.json["planId"] as? String == plan.json["planId"] as? String, "the same plan, not a second one")
        let replyAgain = try await harness.api("POST", "/replies", token: token.ops, json: relay, headers: ["Idempotency-Key": "relay-5"])
        #expect(replyAgain.status == 200)
        #expect(replyAgain.json["providerMessageId"] as? String == reply.json["providerMessageId"] as? String)
        #expect(replyAgain.json["duplicate"] as? Bool == true)
        #expect(try await harness.counts(["MesocycleBroken", "ReplyRead", "MessageQueued"]) == counts, "a run again appended something")
        #expect(try await harness.count("ClientEnrolled") == 1)
        #expect(try await harness.count("PlanCreated") == 1)
        #expect(try await harness.count("MessageReceived") == 1)
        // An enrollment that names its id, run again after its answer was lost: the same client.
        let named = enrollmentJSON("c9", phone: phone(9))
        #expect(try await harness.api("POST", "/clients", token: token.ops, json: named, headers: ["Idempotency-Key": "signup-9"]).status == 201)
        try await harness.engine.database.write { db in try db.execute(sql: "DELETE FROM api_answers") }
        let namedAgain = try await harness.api("POST", "/clients", token: token.ops, json: named, headers: ["Idempotency-Key": "signup-9"])
        #expect(namedAgain.status == 201 && namedAgain.json["clientId"] as? String == "c9", "\(namedAgain.text)")
        // The same enrollment under another key is another request: the client is enrolled already.
        #expect(try await harness.api("POST", "/clients", token: token.ops, json: named, headers: ["Idempotency-Key": "signup-10"]).status == 409)
        // Under another key a form is another signup: another derived id, another client.
        let other = try await harness.api("POST", "/clients", token: token.ops, json: body.replacingOccurrences(of: phone(1), with: phone(2)), headers: ["Idempotency-Key": "signup-6"])
        #expect(other.status == 201)
        #expect(other.json["clientId"] as? String != id)
        // A key used for one enrollment and run again with another body, once its answer was
        // lost: the client under the derived id is not this one, so it is refused.
        try await harness.engine.database.write { db in try db.execute(sql: "DELETE FROM api_answers") }
        let changed = try await harness.api("POST", "/clients", token: token.ops, json: body.replacingOccurrences(of: "Dana Reyes", with: "Dana R."), headers: ["Idempotency-Key": "signup-5"])
        #expect(changed.status == 409, "\(changed.text)")
    }

    @Test("the edges: If-Match where no write takes it, a body too large, a path not in the document, a made-up client under a key, seeds as stored")
    func edges() async throws {
        let harness = try await Harness()
        defer { Task { await harness.stop() } }
        let token = try await tokens(harness)
        // A client whose plan's seed is above Int64.max (half of all seeds are).
        let id = try #require((1...64).map { "seed\($0)" }.first { SeededGenerator.seed(of: "\($0)|2026-03-09") > UInt64(Int64.max) })
        #expect(try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON(id, phone: phone(1))).status == 201)
        #expect(try await harness.api("POST", "/clients/\(id)/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#).status == 201)
        let seed = try #require(try await harness.engine.history(of: id).plan?.decision?.seed)
        #expect(seed > UInt64(Int64.max))
        for path in ["/clients/\(id)/plan", "/clients/\(id)/audit?artefact=plan&date=2026-03-09", "/events?stream=client-\(id)"] {
            let answer = try await harness.api("GET", path, token: token.auditor)
            #expect(answer.status == 200, "\(path): \(answer.text)")
            #expect(answer.text.contains("\"seed\":\(seed)"), "\(path) gives the seed as stored: \(answer.text.prefix(300))")
        }
        let made = try await harness.api("POST", "/clients/\(id)/plan", token: token.ops, json: #"{"start":"2026-03-09"}"#)
        #expect(made.text.contains("\"seed\":\(seed)"))

        let head = try await harness.head()
        // If-Match on a write that does not take it: refused before anything is done.
        for (path, json) in [("/replies", #"{"from":"\#(phone(1))","body":"done"}"#), ("/clients/\(id)/daily", #"{"date":"2026-03-10"}"#)] {
            let answer = try await harness.api("POST", path, token: token.ops, json: json, headers: ["If-Match": "\"1\""])
            #expect(answer.status == 422, "\(path): \(answer.text)")
            #expect(answer.json["field"] as? String == "If-Match")
        }
        // A body over a MiB, with a key and without: 413, the key left free.
        let big = #"{"from":"\#(phone(1))","body":"\#(String(repeating: "x", count: 1 << 20))"}"#
        let tooLarge = try await harness.api("POST", "/replies", token: token.ops, json: big, headers: ["Idempotency-Key": "big-1"])
        #expect(tooLarge.status == 413, "\(tooLarge.text.prefix(300))")
        #expect(tooLarge.header("Content-Type")?.hasPrefix("application/problem+json") == true)
        let plain = try await harness.api("POST", "/replies", token: token.ops, json: big)
        #expect(plain.status == 413, "\(plain.status) \(plain.text.prefix(300))")
        let long = try await harness.api("POST", "/replies", token: token.ops, json: #"{"from":"\#(phone(1))","body":"\#(String(repeating: "x", count: 1601))"}"#)
        #expect(long.status == 422 && long.json["field"] as? String == "body", "\(long.text)")
        // Counted in code points, as the document's maxLength is: 900 accented letters are 1,800.
        let accented = String(repeating: "e\u{301}", count: 900)
        #expect(accented.count == 900 && accented.unicodeScalars.count == 1800)
        let combining = try await harness.api("POST", "/replies", token: token.ops, json: #"{"from":"\#(phone(1))","body":"\#(accented)"}"#)
        #expect(combining.status == 422 && combining.json["field"] as? String == "body", "\(combining.text.prefix(200))")
        #expect(try await harness.rows("SELECT key FROM api_answers WHERE key = 'big-1'").isEmpty)
        // A path under the API that the document does not have: a problem detail.
        let missing = try await harness.api("GET", "/no-such-route", token: token.ops)
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type")?.hasPrefix("application/problem+json") == true)
        #expect(missing.json["status"] as? Int == 404)
        // A made-up client under a key: 404, kept, and no data key made for the made-up id.
        let nobody = try await harness.api("POST", "/clients/nobody/plan", token: token.ops, json: "{}", headers: ["Idempotency-Key": "plan-x"])
        #expect(nobody.status == 404)
        #expect(try await harness.rows("SELECT owner FROM vault_keys WHERE owner = 'nobody'").isEmpty)
        #expect(try await harness.head() == head, "an edge appended something")
        // A null where the document has no null (the generated decoders would read it as left
        // out): refused naming the field, before the If-Match is looked at; where it admits one, taken.
        let nulled = try await harness.api("POST", "/clients/\(id)/plan", token: token.ops, json: #"{"start":null,"weeks":null}"#, headers: ["If-Match": "\"28\""])
        #expect(nulled.status == 422 && nulled.json["field"] as? String == "start", "\(nulled.text)")
        let nestedNull = try await harness.api("POST", "/clients", token: token.ops, json: enrollmentJSON("n1", phone: phone(7)).replacingOccurrences(of: #""sessionMinutes":45"#, with: #""sessionMinutes":null"#))
        #expect(nestedNull.status == 422 && nestedNull.json["field"] as? String == "profile.sessionMinutes", "\(nestedNull.text)")
        #expect(try await harness.head() == head, "a refused null appended something")
        let admitted = enrollmentJSON("n2", phone: phone(8)).replacingOccurrences(of: #""status":"active"}"#, with: #""status":"active","notes":null}"#)
        #expect(admitted.contains(#""notes":null"#))
        #expect(try await harness.api("POST", "/clients", token: token.ops, json: admitted).status == 201, "an injury's notes may be null")
    }
}

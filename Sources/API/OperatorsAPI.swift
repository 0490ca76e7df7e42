import Coaching
import EventLog
import Events
import APIGenerated
import Foundation
import OpenAPIRuntime
import Periodize
import Projections
import Synchronization
import Vault

/// The operators' API: each operation of `openapi.yaml` over the engine's use cases, the same
/// ones the command line drives. Who calls and what they may see come from ``AccessMiddleware``
/// (``Caller/current``); errors are thrown as the domain's and answered as problem details.
struct OperatorsAPI: APIProtocol {
    let engine: Engine
    let texts: ConversationTexts
    /// The OpenAPI document, as served.
    let document: OpenAPIObjectContainer
    let feed: FeedSettings
    /// Called when a request queued messages (wakes the delivery worker).
    let queued: @Sendable () -> Void

    private var caller: Caller { Caller.current ?? Caller(name: "-", role: .auditor) }

    // MARK: Clients

    func getDocument(_ input: Operations.GetDocument.Input) async throws -> Operations.GetDocument.Output {
        .ok(.init(body: .json(document)))
    }

    func enrollClient(_ input: Operations.EnrollClient.Input) async throws -> Operations.EnrollClient.Output {
        guard case .json(let body) = input.body else { throw CoachingError("the body must be JSON", field: "body") }
        if let id = body.clientId, !(1...200).contains(id.count) { throw CoachingError("a client id is 1-200 characters", field: "clientId") }
        // Under an Idempotency-Key the id left out is derived from the key: a retry after a
        // first run that failed on our side finds the client it enrolled.
        let derived = body.clientId == nil ? AnswerScope.current?.derivedID("enroll")?.uuidString.lowercased() : nil
        let enrollment = Enrollment(
            clientId: body.clientId ?? derived, name: body.name, phoneNumber: body.phoneNumber, email: body.email, timezone: body.timezone,
            preferredSendHour: body.preferredSendHour, units: body.units.flatMap { Units(rawValue: $0.rawValue) } ?? .metric,
            optedIn: body.optedIn ?? true, profile: try profile(body.profile))
        let enrolled = try await engine.enroll(enrollment)
        AnswerScope.current?.about(enrolled.clientId)
        let version = try await writtenVersion(enrolled.clientId)
        return .created(.init(
            headers: .init(eTag: Self.etag(version), location: "/api/v1/clients/\(enrolled.clientId)"),
            body: .json(try view(enrolled, personal: ClientEnrolled.personalFields, adding: [("version", "\(version)")]))))
    }

    func getClient(_ input: Operations.GetClient.Input) async throws -> Operations.GetClient.Output {
        let (state, client) = try await client(input.path.clientId)
        return .ok(.init(headers: .init(eTag: Self.etag(state.version)), body: .json(try clientView(state, client))))
    }

    func updateClient(_ input: Operations.UpdateClient.Input) async throws -> Operations.UpdateClient.Output {
        guard case .json(let changes) = input.body else { throw CoachingError("the body must be JSON", field: "body") }
        let id = input.path.clientId
        AnswerScope.current?.about(id)
        let set = ClientChanges(
            timezone: changes.timezone, preferredSendHour: changes.preferredSendHour, optedIn: changes.optedIn, isActive: changes.isActive,
            trainingDays: changes.trainingDays, injuries: changes.injuries.map { $0.map(injury) })
        guard !set.isEmpty else {
            throw CoachingError("the body changes nothing (timezone, preferredSendHour, trainingDays, injuries, isActive, optedIn)", field: "body")
        }
        // Set on the client as the update's decision reads them, not as read before.
        _ = try await engine.updateClient(id, changes: set)
        let (state, client) = try await client(id)
        return .ok(.init(headers: .init(eTag: Self.etag(state.version)), body: .json(try clientView(state, client))))
    }

    func eraseClient(_ input: Operations.EraseClient.Input) async throws -> Operations.EraseClient.Output {
        guard case .json(let body) = input.body else { throw CoachingError("the body must be JSON", field: "body") }
        let report = try await engine.erase(clientID: input.path.clientId, reason: body.reason)
        return .ok(.init(body: .json(.init(
            clientId: report.clientID, position: report.position, alreadyErased: report.alreadyErased, plaintextEvents: report.plaintextEvents))))
    }

    // MARK: Training

    func getPlan(_ input: Operations.GetPlan.Input) async throws -> Operations.GetPlan.Output {
        let (state, _) = try await client(input.path.clientId)
        guard let plan = state.plan else { throw CoachingError(.notFound, "client \(input.path.clientId) has no plan") }
        return .ok(.init(body: .json(try exactly(json(plan, personal: PlanCreated.personalFields)))))
    }

    func createPlan(_ input: Operations.CreatePlan.Input) async throws -> Operations.CreatePlan.Output {
        var request: Components.Schemas.PlanRequest?
        if case .json(let body) = input.body { request = body }
        let id = input.path.clientId
        AnswerScope.current?.about(id)
        let weeks = request?.weeks ?? 12
        let plan = try await engine.createPlan(
            clientID: id, start: try Self.date(request?.start, field: "start"), weeks: weeks,
            planID: AnswerScope.current?.derivedID("plan|\(id)")?.uuidString.lowercased())
        let version = try await writtenVersion(id)
        return .created(.init(headers: .init(eTag: Self.etag(version)), body: .json(try exactly(json(plan, personal: PlanCreated.personalFields)))))
    }

    func breakDown(_ input: Operations.BreakDown.Input) async throws -> Operations.BreakDown.Output {
        var date: String?
        if case .json(let body) = input.body { date = body.date }
        let id = input.path.clientId
        AnswerScope.current?.about(id)
        let broken = try await engine.breakdown(clientID: id, date: try Self.date(date, field: "date"))
        let version = try await writtenVersion(id)
        return .ok(.init(headers: .init(eTag: Self.etag(version)), body: .json(try exactly(json(broken, personal: MesocycleBroken.personalFields)))))
    }

    func getWeek(_ input: Operations.GetWeek.Input) async throws -> Operations.GetWeek.Output {
        let (state, _) = try await client(input.path.clientId)
        let date = try await day(input.query.date, state)
        guard let (index, _) = state.mesocycle(containing: date), let broken = try state.breakdown(index)?.event,
              let week = broken.microcycles.first(where: { $0.startDate <= date && date < $0.startDate.adding(days: 7) })
        else { throw CoachingError(.notFound, "no week broken down for \(date)") }
        let moves = state.moves.filter { week.startDate <= $0.from && $0.from < week.startDate.adding(days: 7) }
            .map { "{\"from\":\"\($0.from)\",\"to\":\"\($0.to)\"}" }.joined(separator: ",")
        return .ok(.init(body: .json(try view(week, personal: [], adding: [("moves", "[\(moves)]")]))))
    }

    /// Read from the `workouts` read-model (one query), not by folding the client's stream:
    /// what a read-model is for. Its decision is under `/audit`.
    func getWorkout(_ input: Operations.GetWorkout.Input) async throws -> Operations.GetWorkout.Output {
        let id = input.path.clientId
        let date: LocalDate
        if let given = try Self.date(input.query.date, field: "date") {
            date = given
        } else {
            guard let client = try await engine.readModels.calendar(clientID: id) else { throw CoachingError(.unknownClient, "unknown client \(id)") }
            let now = engine.clock()
            date = try ClientCalendar.inForce(home: client.timezone, stays: client.stays, at: now).localDate(at: now)
        }
        return .ok(.init(body: .json(try await workout(id, on: date))))
    }

    /// The workout in force for the client's `date`, as the read-model has it.
    private func workout(_ id: String, on date: LocalDate) async throws -> Components.Schemas.Workout {
        switch try await engine.readModels.currentWorkout(clientID: id, date: date) {
        case .unknownClient: throw CoachingError(.unknownClient, "unknown client \(id)")
        case .none: throw CoachingError(.notFound, "no workout made for \(id) on \(date) (POST .../daily makes it)")
        case .found(let row):
            var out: [UInt8] = []
            out.reserveCapacity(row.blocks.utf8.count + row.modifications.utf8.count + 200)
            func string(_ key: String, _ value: String?) {
                guard let value else { return }
                out.append(contentsOf: "\"\(key)\":".utf8)
                EnvelopeJSON.quote(value, into: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(UInt8(ascii: "{"))
            string("clientId", id)
            string("date", date.description)
            string("planId", row.planID)
            string("theme", row.theme)
            string("load", row.load)
            // The swaps name the injuries they work around: not for a caller without personal fields.
            out.append(contentsOf: "\"blocks\":\(row.blocks),\"modifications\":\(caller.seesPersonalFields ? row.modifications : "[]"),\"position\":\(row.position)}".utf8)
            return try Self.typed(Data(out))
        }
    }

    func runDaily(_ input: Operations.RunDaily.Input) async throws -> Operations.RunDaily.Output {
        var request: Components.Schemas.DailyRequest?
        if case .json(let body) = input.body { request = body }
        let id = input.path.clientId
        AnswerScope.current?.about(id)
        let (before, _) = try await client(id)
        let date = try await day(request?.date, before)
        let dryRun = request?.dryRun ?? false
        let (text, queued) = try await engine.sendDaily(clientID: id, date: date, dryRun: dryRun)
        if queued { self.queued() }
        // None on a rest day; a dry run made it too (only the message is not queued).
        let workout = try? await self.workout(id, on: date)
        return .ok(.init(body: .json(.init(date: date.description, text: text, queued: queued, workout: workout))))
    }

    func getArchive(_ input: Operations.GetArchive.Input) async throws -> Operations.GetArchive.Output {
        _ = try await client(input.path.clientId)
        let archive = try await engine.archive(of: input.path.clientId)
        return .ok(.init(body: .json(archive.map { .init(kind: $0.kind, description: $0.description, position: $0.position, archivedBy: $0.archivedBy) })))
    }

    // MARK: Decisions

    /// One decision as the API answers it.
    private struct AuditEntry: Encodable {
        var artefact: String
        var position: Int64
        var supersededBy: Int64?
        var causedBy: String?
        var decision: DecisionRecord?
        var prompt: PromptRecorded?
        var reading: ReplyRead?
        var text: String?
    }

    func getAudit(_ input: Operations.GetAudit.Input) async throws -> Operations.GetAudit.Output {
        let id = input.path.clientId
        let (state, _) = try await client(id)
        let date = try await day(input.query.date, state)
        let artefact = input.query.artefact ?? .workout
        var entries: [AuditEntry] = []
        func entry(_ position: Int64, _ decision: DecisionRecord?, supersededBy: Int64? = nil) async throws -> AuditEntry {
            var prompt: PromptRecorded?
            if let hash = decision?.promptHash { prompt = try await engine.prompt(hash: hash, clientID: id) }
            return AuditEntry(
                artefact: artefact.rawValue, position: position, supersededBy: supersededBy, causedBy: try await engine.migrationCause(ofEventAt: position),
                decision: decision, prompt: prompt)
        }
        switch artefact {
        case .workout:
            // The workout in force first, then the ones it superseded, newest first.
            let all = try await engine.workouts(of: id, on: date).sorted { $0.position > $1.position }
            guard !all.isEmpty else { throw CoachingError(.notFound, "no workout made for \(id) on \(date)") }
            for (offset, (workout, position)) in all.enumerated() {
                entries.append(try await entry(position, workout.decision, supersededBy: offset == 0 ? nil : all[offset - 1].position))
            }
        case .week:
            guard let (index, _) = state.mesocycle(containing: date), let (broken, position) = try state.breakdown(index) else {
                throw CoachingError(.notFound, "no weeks broken down for \(id) around \(date)")
            }
            entries.append(try await entry(position, broken.decision))
        case .plan:
            guard let plan = state.plan, let position = state.planPosition else { throw CoachingError(.notFound, "client \(id) has no plan") }
            entries.append(try await entry(position, plan.decision))
        case .message:
            let queued = try await engine.queuedMessages(of: id).filter { $0.message.kind == .daily && $0.message.localDate == date }
            if let (first, position) = queued.first {
                entries.append(try await entry(position, first.decision))
            } else if let (message, position) = try await engine.messages(of: id).last(where: { $0.message.kind == .daily && $0.message.localDate == date }) {
                entries.append(try await entry(position, message.decision))
            } else {
                throw CoachingError(.notFound, "no daily message for \(id) on \(date)")
            }
        case .reply:
            for audit in try await engine.replyAudits(of: id) where audit.reading.localDate == date {
                var found = try await entry(audit.position, audit.reading.decision)
                found.reading = audit.reading
                found.text = audit.text
                entries.append(found)
            }
            guard !entries.isEmpty else { throw CoachingError(.notFound, "no reply of \(id) was read on \(date)") }
        }
        let personal = decisionPersonalFields + ["prompt.system", "prompt.user", "text"] + ReplyRead.personalFields.map { "reading." + $0 }
        let list = try entries.map { try json($0, personal: personal) }
        return .ok(.init(body: .json(try exactly(Data("[".utf8) + Data(list.joined(separator: Data(",".utf8))) + Data("]".utf8)))))
    }

    // MARK: Messages

    func listMessages(_ input: Operations.ListMessages.Input) async throws -> Operations.ListMessages.Output {
        _ = try await client(input.path.clientId)
        let messages = try await engine.readModels.messageStatuses(clientID: input.path.clientId)
        return .ok(.init(body: .json(try messages.map { try view($0, personal: ["body"]) })))
    }

    func relayReply(_ input: Operations.RelayReply.Input) async throws -> Operations.RelayReply.Output {
        guard case .json(let body) = input.body else { throw CoachingError("the body must be JSON", field: "body") }
        guard Enrollment.isE164(body.from) else { throw CoachingError("from \(body.from) is not an E.164 number (+ and 8 to 15 digits)", field: "from") }
        // Counted as the document's maxLength counts: Unicode code points.
        guard body.body.unicodeScalars.count <= 1600 else {
            throw CoachingError("body is \(body.body.unicodeScalars.count) characters: a text is at most 1,600", field: "body")
        }
        if let id = body.providerMessageId, !(1...64).contains(id.count) { throw CoachingError("providerMessageId must be 1-64 characters", field: "providerMessageId") }
        // Under an Idempotency-Key the id left out is derived from the key: a retry after a
        // first run that failed on our side is the same text, recorded once.
        let made = AnswerScope.current?.derivedID("reply") ?? UUID()
        let id = body.providerMessageId ?? "SMapi" + made.uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(27)
        let outcome = try await engine.receive(
            InboundSMS(providerMessageID: id, from: body.from, to: body.to ?? "", body: body.body, provider: "api"), texts: texts)
        if let client = outcome.clientID { AnswerScope.current?.about(client) }
        var result = Components.Schemas.ReplyResult(
            providerMessageId: id, _class: outcome.inboundClass.rawValue, clientId: outcome.clientID, duplicate: outcome.duplicate,
            intents: [], actions: [], replies: outcome.reply.map { [$0] } ?? [])
        // A client's text is read at once, as the command line does (the webhook leaves it to the worker).
        if outcome.inboundClass == .text, let client = outcome.clientID {
            // Read even when the text was recorded before: a first run that stopped between
            // recording and reading left it unread (reading answers `duplicate` when it was read).
            var read = try await engine.readReply(clientID: client, providerMessageID: id, body: body.body)
            if !read.duplicate {
                if !read.replies.isEmpty { queued() }
            } else if let stored = try await engine.replyAudits(of: client).first(where: { $0.reading.providerMessageId == id }) {
                // Read before: by the first relay, or by the delivery worker, which reads every
                // text not read yet (and may have come first): what was done then.
                (read.intents, read.actions, read.replies) = (stored.reading.intents, stored.reading.actions, stored.confirmation)
            }
            result.intents = read.intents.map(\.description)
            result.actions = read.actions
            result.replies += read.replies
        }
        return .ok(.init(body: .json(result)))
    }

    func getInbox(_ input: Operations.GetInbox.Input) async throws -> Operations.GetInbox.Output {
        let limit = input.query.limit ?? 50
        guard (1...1000).contains(limit) else { throw CoachingError("limit \(limit) is outside 1-1000", field: "limit") }
        let texts = try await engine.readModels.inbox(limit: limit)
        return .ok(.init(body: .json(texts.map { .init(clientId: $0.clientID, providerMessageId: $0.providerMessageID, body: $0.body, receivedAt: $0.receivedAt) })))
    }

    // MARK: The log

    /// Model usage of a day, as `stats` prints it.
    private struct Usage: Encodable {
        var day, coach: String
        var model: String?
        var artefacts, calls, failedCalls, fallbacks, promptTokens, completionTokens: Int64
        var latencyMs: Double
    }

    func getStats(_ input: Operations.GetStats.Input) async throws -> Operations.GetStats.Output {
        let stats = try await engine.stats()
        let delivery = try await engine.readModels.deliveryCounts()
        let generation: [Components.Schemas.Stats.GenerationPayloadPayload] = try stats.generation.map { usage in
            try view(Usage(
                day: usage.day, coach: usage.coach, model: usage.model, artefacts: usage.artefacts, calls: usage.calls, failedCalls: usage.failedCalls,
                fallbacks: usage.fallbacks, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, latencyMs: usage.latencyMs), personal: [])
        }
        return .ok(.init(body: .json(.init(
            events: stats.events, streams: stats.streams, fileBytes: stats.fileBytes, firstRecordedAt: stats.firstRecordedAt?.iso8601,
            lastRecordedAt: stats.lastRecordedAt?.iso8601,
            byType: stats.byType.map { .init(_type: $0.type, schemaVersion: $0.schemaVersion, count: $0.count) },
            readModels: stats.readModels.map { .init(name: $0.name, version: $0.version, position: $0.position, rows: $0.rows) },
            delivery: .init(additionalProperties: delivery.byStatus),
            generation: generation))))
    }

    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let query = input.query
        let limit = query.limit ?? 100
        guard (1...1000).contains(limit) else { throw CoachingError("limit \(limit) is outside 1-1000", field: "limit") }
        let from = query.from ?? 1
        guard from >= 1 else { throw CoachingError("from \(from) is not a position (1 or more)", field: "from") }
        if let through = query.through, through < 1 { throw CoachingError("through \(through) is not a position (1 or more)", field: "through") }
        let caller = caller
        let page = Mutex<(out: [UInt8], count: Int, next: Int64?)>(([UInt8]("{\"events\":[".utf8), 0, nil))
        try await engine.store.forEachEvent(matching: EventFilter(stream: query.stream, type: query._type, fromPosition: from, throughPosition: query.through, limit: limit + 1)) { event in
            page.withLock { page in
                guard page.count < limit else {
                    page.next = event.position
                    return
                }
                if page.count > 0 { page.out.append(UInt8(ascii: ",")) }
                EventJSON.envelope(event, for: caller, into: &page.out)
                page.count += 1
            }
        }
        let bytes = page.withLock { page -> [UInt8] in
            var out = page.out
            out.append(UInt8(ascii: "]"))
            if let next = page.next { out.append(contentsOf: Array(",\"next\":\(next)".utf8)) }
            out.append(UInt8(ascii: "}"))
            return out
        }
        return .ok(.init(body: .json(try exactly(Data(bytes)))))
    }

    func followEvents(_ input: Operations.FollowEvents.Input) async throws -> Operations.FollowEvents.Output {
        var start = input.query.from ?? 1
        if let last = input.headers.lastEventID {
            guard let position = Int64(last.trimmingCharacters(in: .whitespaces)), position >= 0 else {
                throw CoachingError("Last-Event-ID \(last) is not a position", field: "Last-Event-ID")
            }
            start = position + 1
        }
        guard start >= 1 else { throw CoachingError("from \(start) is not a position (1 or more)", field: "from") }
        let (engine, caller, token) = (engine, caller, Caller.currentToken)
        let events = EventFeed(
            store: engine.store, caller: caller, from: start, poll: feed.poll, heartbeat: feed.heartbeat, batch: feed.batch,
            stillAuthorized: {
                guard let token else { return false }
                return try await engine.authenticate(token: token) != nil
            })
        return .ok(.init(body: .textEventStream(HTTPBody(events, length: .unknown, iterationBehavior: .single))))
    }

    // MARK: Helpers

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
    static let decoder = JSONDecoder()

    /// `value` as the document's `T`: its JSON, with `personal` redacted for a caller who may
    /// not read them and `adding` (name, JSON) joined to the object.
    private func view<T: Decodable>(_ value: some Encodable, personal: [String], adding: [(String, String)] = []) throws -> T {
        try Self.typed(json(value, personal: personal, adding: adding))
    }

    /// The answer `T` of exactly `bytes`: the document's types carry its shape, the bytes go out
    /// as they are (a number is not read as a double and written again).
    private func exactly<T: Decodable>(_ bytes: Data) throws -> T {
        AnswerScope.current?.answer(exactly: bytes)
        return try Self.typed(bytes)
    }

    /// The document's `T` read from JSON the server made: not reading is the server's fault
    /// (a 500), not the caller's.
    static func typed<T: Decodable>(_ bytes: Data) throws -> T {
        do {
            return try decoder.decode(T.self, from: bytes)
        } catch {
            throw AnswerMismatch(type: String(describing: T.self), error: error)
        }
    }

    /// The JSON of `value`, with `personal` redacted for a caller who may not read them and
    /// `adding` (name, JSON) joined to the object.
    private func json(_ value: some Encodable, personal: [String], adding: [(String, String)] = []) throws -> Data {
        var data = try Self.encoder.encode(value)
        if !caller.seesPersonalFields, !personal.isEmpty { data = Vault.redact(data, fields: personal, text: "[redacted]").payload }
        if !adding.isEmpty, data.last == UInt8(ascii: "}") {
            data.removeLast()
            let empty = data.last == UInt8(ascii: "{")
            data.append(contentsOf: Array(((empty ? "" : ",") + adding.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8))
        }
        return data
    }

    private func client(_ id: String) async throws -> (ClientState, ClientEnrolled) {
        let state = try await engine.history(of: id)
        guard let client = state.client else { throw CoachingError(.unknownClient, "unknown client \(id)") }
        return (state, client)
    }

    private func clientView(_ state: ClientState, _ client: ClientEnrolled) throws -> Components.Schemas.Client {
        var extra = [("version", "\(state.version)")]
        if let erasure = state.erasure { extra.append(("erasedAt", "\"\(erasure.erasedAt)\"")) }
        return try view(client, personal: ClientEnrolled.personalFields, adding: extra)
    }

    /// The date asked for, or the client's local today.
    private func day(_ text: String?, _ state: ClientState) async throws -> LocalDate {
        try Self.date(text, field: "date") ?? engine.localToday(of: state)
    }

    static func date(_ text: String?, field: String) throws -> LocalDate? {
        guard let text else { return nil }
        guard let date = LocalDate(text) else { throw CoachingError("\(field) \(text) is not a date (YYYY-MM-DD)", field: field) }
        return date
    }

    static func etag(_ version: Int64) -> String { "\"\(version)\"" }

    /// The version of client `id`'s stream the request's use case wrote (or decided on): the
    /// `ETag` of a write's answer.
    private func writtenVersion(_ id: String) async throws -> Int64 {
        if let version = Engine.request?.versions.version(of: id) { return version }
        return try await engine.store.streamVersion(Engine.clientStream(id))
    }

    private func injury(_ injury: Components.Schemas.Injury) -> Injury {
        Injury(area: injury.area, status: injury.status == .resolved ? .resolved : .active, notes: injury.notes)
    }

    private func profile(_ profile: Components.Schemas.Profile) throws -> FitnessProfile {
        FitnessProfile(
            fitnessGoals: profile.fitnessGoals, primaryGoal: PrimaryGoal(rawValue: profile.primaryGoal.rawValue) ?? .general,
            skillLevel: SkillLevel(rawValue: profile.skillLevel.rawValue) ?? .beginner, daysPerWeek: profile.daysPerWeek,
            trainingDays: profile.trainingDays, sessionMinutes: profile.sessionMinutes,
            location: TrainingLocation(rawValue: profile.location.rawValue) ?? .commercialGym, equipment: profile.equipment,
            injuries: profile.injuries.map(injury), age: profile.age, gender: profile.gender, travel: profile.travel)
    }
}

/// How the live feed reads the log.
public struct FeedSettings: Sendable {
    public var poll: Duration = .milliseconds(100)
    public var heartbeat: Duration = .seconds(15)
    public var batch = 500
    public init() {}
}

/// JSON the server made that does not read as the document's type: the server's own defect.
struct AnswerMismatch: Error, CustomStringConvertible {
    var type: String
    var error: any Error
    var description: String { "the answer does not read as the document's \(type): \(error)" }
}

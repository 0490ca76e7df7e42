import Coaching
import EventLog
import Events
import Foundation
import Replies

/// What reading one reply did.
public struct ReplyOutcome: Sendable, Equatable {
    public var clientID: String
    public var intents: [ReplyIntent]
    /// What was done about each intent, in order.
    public var actions: [String]
    /// The confirming SMS's parts, queued (kind `reply`).
    public var replies: [String]
    /// The text was read before: nothing was done again.
    public var duplicate = false
}

extension Engine {
    /// Reads a text a client sent (already recorded as `MessageReceived`) and acts on it, in one
    /// append: `ReplyRead` (the intents and the reader's decision record), what it changes
    /// (`WorkoutCompleted`, `DaySkipped`, `ClientPaused`, `ClientUpdated` for the send hour,
    /// training days and injuries), and the confirming SMS (`MessageQueued`, kind `reply`).
    /// Keyed on the provider's message id: the same text read twice changes nothing twice.
    /// `TravelPlanned` holds a stay's time zone or a trip's equipment for its dates; a zone for
    /// good is a `ClientUpdated`. What the reader could not read is asked about.
    public func readReply(clientID: String, providerMessageID: String, body: String) async throws -> ReplyOutcome {
        var trainingChanged: LocalDate?
        // Days whose workout a change was asked of, and days moved: worked on after the append.
        var changedDays: [LocalDate] = []
        var movedDays: [(from: LocalDate, to: LocalDate)] = []
        let result = try await execute(client: clientID, attempts: 8, "reading a reply") { state -> Decision<ReplyOutcome> in
            let client = try requireClient(state, clientID)
            if state.readReplies.contains(providerMessageID) {
                return .done(ReplyOutcome(clientID: clientID, intents: [], actions: [], replies: [], duplicate: true))
            }
            let today = try localToday(of: state)
            let reading = await reader.read(body, context: ReaderContext(today: today, units: client.units), inputs: state.clientPosition.map { [$0] } ?? [])
            let at = Timestamp(clock()).iso8601
            let readID = Self.nameBasedID("reply-read|\(clientID)|\(providerMessageID)")
            var effects: [(event: NewEvent, decoded: DomainEvent?)] = []
            var actions: [String] = []
            var replies: [String] = []
            var update = ClientUpdated(clientId: clientID)
            var profile = client.profile
            func effect<P: EventPayload>(_ payload: P, _ wrap: (P) -> DomainEvent) throws {
                effects.append((try newEvent(payload, id: Self.nameBasedID("reply-effect|\(readID)|\(effects.count)"), causation: readID, actor: .reply), wrap(payload)))
            }
            /// A stay or a trip from today on (`TravelPlanned`); nil, and said, when it is over.
            func trip(_ intent: ReplyIntent, until: LocalDate, timezone: String?, equipment: String?) throws -> LocalDate? {
                let from = max(intent.from ?? today, today)
                guard from <= until else {
                    actions.append("nothing to change: the trip is over")
                    return nil
                }
                try effect(TravelPlanned(clientId: clientID, from: from, until: until, timezone: timezone, equipment: equipment, providerMessageId: providerMessageID, plannedAt: at),
                           DomainEvent.travelPlanned)
                return from
            }
            for intent in reading.intents {
                switch intent.intent {
                case .done:
                    // Today's workout, or (after midnight, say) the latest one not yet marked.
                    let date = (try state.workout(on: today)) != nil && !state.completedDays.contains(today) ? today : state.unmarkedWorkouts(onOrBefore: today).first
                    if let date {
                        try effect(WorkoutCompleted(clientId: clientID, date: date, rpe: intent.rpe, feel: intent.feel, providerMessageId: providerMessageID, completedAt: at),
                                   DomainEvent.workoutCompleted)
                        actions.append("marked \(date) done\(intent.rpe.map { " (RPE \($0))" } ?? intent.feel.map { " (\($0))" } ?? "")")
                        replies.append(ReplyTexts.done(date, rpe: intent.rpe, feel: intent.feel))
                    } else {
                        actions.append("no workout to mark done")
                        replies.append(ReplyTexts.nothingToMark)
                    }
                case .skip:
                    guard let date = intent.date, date >= today else {
                        actions.append("nothing to skip")
                        continue
                    }
                    try effect(DaySkipped(clientId: clientID, date: date, reason: intent.reason, providerMessageId: providerMessageID, skippedAt: at), DomainEvent.daySkipped)
                    actions.append("skipped \(date)")
                    replies.append(ReplyTexts.skipped(date))
                case .pause:
                    guard let from = intent.from, let until = intent.until, from <= until, until >= today else {
                        actions.append("nothing to pause")
                        continue
                    }
                    let start = max(from, today)
                    try effect(ClientPaused(clientId: clientID, from: start, until: until, providerMessageId: providerMessageID, pausedAt: at), DomainEvent.clientPaused)
                    actions.append("paused \(start)..\(until)")
                    replies.append(ReplyTexts.paused(from: start, until: until))
                case .sendTime:
                    guard let hour = intent.hour else { continue }
                    update.preferredSendHour = hour
                    actions.append("send hour \(hour)\(intent.minute.map { $0 == 0 ? "" : " (asked for :\(String(format: "%02d", $0)))" } ?? "")")
                    replies.append(ReplyTexts.sendHour(hour, asked: intent.minute ?? 0))
                case .trainingDays:
                    guard let days = intent.days, !days.isEmpty else { continue }
                    profile.trainingDays = days
                    profile.daysPerWeek = days.count
                    update.profile = profile
                    trainingChanged = today
                    actions.append("training days \(days.map(String.init).joined(separator: ","))")
                    replies.append(ReplyTexts.trainingDays(days))
                case .injury:
                    guard let said = intent.area, let active = intent.active else { continue }
                    let area = said == "back" ? "lower-back" : said
                    profile.injuries.removeAll { $0.area == area }
                    profile.injuries.append(Injury(area: area, status: active ? .active : .resolved))
                    update.profile = profile
                    actions.append("injury \(area) \(active ? "active" : "resolved")")
                    replies.append(ReplyTexts.injury(said, active: active))
                case .askWorkout:
                    let parts = try await queuedMessages(of: clientID).filter { $0.message.kind == .daily && $0.message.localDate == today }.map(\.message.body)
                    actions.append(parts.isEmpty ? "no workout today" : "sent today's workout again")
                    replies += parts.isEmpty ? [ReplyTexts.noWorkoutToday] : parts
                case .askQuestion:
                    let answer = intent.topic.flatMap { ReplyTexts.answers[$0] } ?? ReplyTexts.rephrase
                    actions.append("answered \(intent.topic ?? "a question")")
                    replies.append(answer)
                case .timezone:
                    guard let zone = intent.zone else { continue }
                    let sendHour = update.preferredSendHour ?? client.preferredSendHour
                    guard let until = intent.until else {
                        // For good: the same hour on the new zone's clock.
                        update.timezone = zone
                        actions.append("time zone \(zone)")
                        replies.append(ReplyTexts.movedZone(zone, sendHour: sendHour))
                        continue
                    }
                    guard let from = try trip(intent, until: until, timezone: zone, equipment: nil) else { continue }
                    actions.append("time zone \(zone) \(from)..\(until)")
                    replies.append(ReplyTexts.stay(zone, from: from, until: until, home: update.timezone ?? client.timezone, sendHour: sendHour))
                case .travel:
                    guard let equipment = intent.equipment, let until = intent.until else {
                        actions.append("asked when the trip ends")
                        replies.append(ReplyTexts.clarify)
                        continue
                    }
                    guard let from = try trip(intent, until: until, timezone: nil, equipment: equipment) else { continue }
                    actions.append("travel \(equipment) \(from)..\(until)")
                    replies.append(ReplyTexts.travel(equipment, from: from, until: until))
                case .swap, .lighter, .shorter, .harder:
                    let date = intent.date ?? today
                    guard date >= today, let change = WorkoutChangeAsked.Change(rawValue: intent.intent.rawValue) else {
                        actions.append("nothing to change: the day is over")
                        continue
                    }
                    try effect(WorkoutChangeAsked(
                        clientId: clientID, date: date, change: change, exercise: intent.exercise, missing: intent.missing, minutes: intent.minutes,
                        reason: intent.reason, providerMessageId: providerMessageID, askedAt: at), DomainEvent.workoutChangeAsked)
                    actions.append("asked \(intent.description) for \(date)")
                    if !changedDays.contains(date) { changedDays.append(date) }
                case .moveDay:
                    guard let from = intent.date, let to = intent.to, from >= today, to >= today, from != to else {
                        actions.append("nothing to move")
                        continue
                    }
                    try effect(DayMoved(clientId: clientID, from: from, to: to, providerMessageId: providerMessageID, movedAt: at), DomainEvent.dayMoved)
                    actions.append("moved \(from) to \(to)")
                    movedDays.append((from, to))
                case .clarify:
                    actions.append("asked to say it another way")
                    replies.append(ReplyTexts.clarify)
                case .unknown:
                    actions.append("asked to rephrase; listed for a person")
                    replies.append(ReplyTexts.rephrase)
                }
            }
            if update.preferredSendHour != nil || update.profile != nil || update.timezone != nil {
                try Enrollment(update.applied(to: client)).validate()
                update.profile?.trainingDays.sort()
                try effect(update, DomainEvent.clientUpdated)
            }
            // One answer, the same text once however often it is said.
            var seen = Set<String>()
            replies = replies.filter { seen.insert($0).inserted }
            let read = ReplyRead(
                clientId: clientID, providerMessageId: providerMessageID, localDate: today, intents: reading.intents, actions: actions,
                decision: reading.decision, readAt: at)
            var events: [(event: NewEvent, decoded: DomainEvent?)] = [(try newEvent(read, id: readID, actor: .reply), .replyRead(read))]
            events += effects
            if !replies.isEmpty, client.optedIn {
                events += try queuedEvents(
                    replies, kind: .reply, id: Self.clusteredID(on: today, "reply|\(clientID)|\(providerMessageID)"), clientID: clientID, localDate: today,
                    expiresAt: nil, at: nil, causation: readID, actor: .reply)
            }
            let outcome = ReplyOutcome(clientID: clientID, intents: reading.intents, actions: actions, replies: replies)
            return .appendThenFinish(PendingEvents(events: events, prompts: reading.prompts), { _ in outcome })
        }.output
        // New training days: the current mesocycle's weeks again, as `update` does.
        if let today = trainingChanged {
            _ = try? await execute(client: clientID, attempts: 3, "breaking the weeks down again") { state -> Decision<Int> in
                guard state.mesocycle(containing: today) != nil else { return .done(0) }
                return try await ensureBreakdown(state, date: today, again: true)
            }
        }
        guard !result.duplicate, !changedDays.isEmpty || !movedDays.isEmpty else { return result }
        var outcome = result
        outcome.replies += try await applyChanges(clientID: clientID, providerMessageID: providerMessageID, days: changedDays, moves: movedDays)
        return outcome
    }
}

extension Engine {
    /// Reads every text not yet read, oldest first (the queued work after the webhook has
    /// answered); returns what each did. A text that fails to be read stays pending.
    @discardableResult
    public func readPendingReplies(limit: Int = 100) async throws -> [ReplyOutcome] {
        var outcomes: [ReplyOutcome] = []
        for text in try await readModels.pendingReplies(limit: limit) {
            do {
                outcomes.append(try await readReply(clientID: text.clientID, providerMessageID: text.providerMessageID, body: text.body))
            } catch {
                logger.error("a reply could not be read", metadata: ["client": "\(text.clientID)", "message": "\(text.providerMessageID)", "error": "\(error)"])
            }
        }
        return outcomes
    }
}

extension EventActor {
    public static let reply: EventActor = "reply"
}

/// One reply as the log holds it: the text, how it was read, what was done, the answer.
public struct ReplyAudit: Sendable {
    public var reading: ReplyRead
    public var position: Int64
    /// The text as received (`[erased]` once the client is erased).
    public var text: String?
    /// The confirming SMS's parts, as queued.
    public var confirmation: [String]
}

extension Engine {
    /// Every reply of a client that was read, oldest first, with its text and its answer.
    public func replyAudits(of clientID: String) async throws -> [ReplyAudit] {
        let events = try await store.readStream(Self.clientStream(clientID), from: 1)
        var texts: [String: String] = [:]
        var answers: [UUID: [String]] = [:]
        var audits: [(ReplyAudit, UUID)] = []
        for event in events {
            switch event.type {
            case MessageReceived.eventType:
                if case .messageReceived(let received) = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload) {
                    texts[received.providerMessageId] = received.body
                }
            case MessageQueued.eventType:
                if case .messageQueued(let queued) = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload),
                   queued.kind == .reply, let cause = event.metadata.causationID {
                    answers[cause, default: []].append(queued.body)
                }
            case ReplyRead.eventType:
                if case .replyRead(let read) = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload) {
                    audits.append((ReplyAudit(reading: read, position: event.position, text: texts[read.providerMessageId], confirmation: []), event.eventID))
                }
            default:
                break
            }
        }
        return audits.map { audit, id in
            var audit = audit
            audit.confirmation = answers[id] ?? []
            return audit
        }
    }
}

extension Engine {
    /// After a reply asked for a day's workout to change or a day to move: the week broken down
    /// again with the day moved, each workout concerned that exists made again (superseding it),
    /// and the answer queued: today's new workout itself when today's was already sent, a
    /// confirmation otherwise. Returns the answer's parts.
    func applyChanges(clientID: String, providerMessageID: String, days: [LocalDate], moves: [(from: LocalDate, to: LocalDate)]) async throws -> [String] {
        var state = try await history(of: clientID)
        let client = try requireClient(state, clientID)
        let today = try localToday(of: state)
        var notes: [String] = []
        var concerned = days
        if let first = moves.first {
            // The moves are in the state: the weeks broken down again apply them.
            let before = moves.map { move in (move, try? state.scheduledDay(move.to, mesocycle: state.mesocycle(containing: move.to)?.index ?? 0)) }
            (_, state) = try await execute(client: clientID, state: state, attempts: 8, "breaking the week down again") { state -> Decision<Int> in
                guard state.mesocycle(containing: first.from) != nil else { return .done(0) }
                return try await ensureBreakdown(state, date: first.from, again: true)
            }
            for (move, collided) in before {
                let swapped = collided?.day.load != nil
                notes.append(ReplyTexts.moved(move.from, to: move.to, swapped: swapped))
                concerned += [move.from, move.to].filter { !concerned.contains($0) }
            }
        }
        var replies: [String] = []
        for day in concerned.sorted() {
            let existed = try state.workout(on: day) != nil
            let asked = state.changes(on: day).asked
            if existed {
                let because = asked.isEmpty ? ["the day moved"] : asked
                (_, state) = try await execute(client: clientID, state: state, attempts: 5, "generating \(day)'s workout again") { state in
                    try await workoutStep(state, client: client, day: day, again: true, because: because)
                }
            }
            guard days.contains(day) else { continue }
            if day == today, state.dailyMessages.contains(day), let workout = try state.workout(on: day)?.event {
                // Today's was sent: the new one goes out now, as the answer.
                let parts = DailyMessage.fit(workout, firstName: DailyMessage.firstName(of: client.name), segments: smsSegments)
                replies += [ReplyTexts.changedToday(asked)] + parts
            } else {
                replies.append(ReplyTexts.changeNoted(day, asked: asked, today: today))
            }
        }
        replies = notes + replies
        guard !replies.isEmpty, client.optedIn else { return replies }
        let readID = Self.nameBasedID("reply-read|\(clientID)|\(providerMessageID)")
        _ = try await execute(client: clientID, state: state, attempts: 8, "answering the change") { state -> Decision<Void> in
            let events = try queuedEvents(
                replies, kind: .reply, id: Self.clusteredID(on: today, "reply-change|\(clientID)|\(providerMessageID)"), clientID: clientID, localDate: today,
                expiresAt: nil, at: nil, causation: readID, actor: .reply)
            return .appendThenFinish(PendingEvents(events: events, expected: .any)) { _ in () }
        }
        return replies
    }
}

extension Engine {
    /// Every workout generated for a client's `date`, oldest first, with its position: the
    /// current one last, those it superseded before it.
    public func workouts(of clientID: String, on date: LocalDate) async throws -> [(workout: WorkoutGenerated, position: Int64)] {
        try await store.readStream(Self.clientStream(clientID), from: 1).compactMap { event in
            guard event.type == WorkoutGenerated.eventType,
                  case .workoutGenerated(let workout) = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload),
                  workout.date == date else { return nil }
            return (workout, event.position)
        }
    }
}

import Coaching
import Crypto
import EventLog
import Events
import Foundation

extension Engine {
    /// Enrolls a client: `ClientEnrolled` as the first event of their stream.
    ///
    /// - Throws: ``CoachingError`` `invalidInput` naming the field, or `alreadyEnrolled`.
    ///
    /// A request run again (the same ``RequestContext/correlation``, derived from its
    /// `Idempotency-Key`) that finds the client it enrolled, exactly so, has that client as the
    /// answer rather than an `alreadyEnrolled` error.
    @discardableResult
    public func enroll(_ enrollment: Enrollment) async throws -> ClientEnrolled {
        try enrollment.validate()
        let clientID = enrollment.clientId ?? ids().uuidString.lowercased()
        let client = ClientEnrolled(
            clientId: clientID, name: enrollment.name, phoneNumber: enrollment.phoneNumber, email: enrollment.email,
            timezone: enrollment.timezone, preferredSendHour: enrollment.preferredSendHour, units: enrollment.units,
            optedIn: enrollment.optedIn, isActive: true,
            profile: { var p = enrollment.profile; p.trainingDays = p.trainingDays.sorted(); return p }())
        let event = try newEvent(client, actor: .enroll)
        // The append expects no stream, so nothing need be read first: a conflict reads the
        // stream and finds the client there.
        return try await execute(client: clientID, state: ClientState(), attempts: 2, "enrolling") { state in
            guard state.client == nil else {
                if let correlation = Self.request?.correlation, let first = try await store.readStream(Self.clientStream(clientID), from: 1).first,
                   first.metadata.correlationID == correlation,
                   case .clientEnrolled(let stored) = try EventCatalog.decode(type: first.type, schemaVersion: first.schemaVersion, payload: first.payload),
                   stored == client {
                    return .done(client)
                }
                throw CoachingError(.alreadyEnrolled, "client \(clientID) is already enrolled")
            }
            return .appendThenFinish(PendingEvents(event, .clientEnrolled(client), expected: .noStream)) { _ in client }
        }.output
    }

    /// The client's local date now, by the engine's clock, where they are (a stay's time zone
    /// while it lasts, their own otherwise).
    public func localToday(of state: ClientState) throws -> LocalDate {
        guard let client = state.client else { throw CoachingError(.unknownClient, "no client enrolled on this stream") }
        let now = clock()
        return try ClientCalendar.inForce(home: client.timezone, stays: state.zoneStays, at: now).localDate(at: now)
    }

    /// Creates a plan with the coach, starting on `start` (default: the client's local today),
    /// and breaks its first mesocycle down (the enrollment flow: PlanCreated, then
    /// MesocycleBroken; later mesocycles are broken down when the daily job needs them).
    ///
    /// - Parameter planID: the new plan's id (default: a fresh one). When the client's plan
    ///   already has it (a request retried), that plan is the answer and only its breakdown is
    ///   made if it is missing.
    @discardableResult
    public func createPlan(clientID: String, start: LocalDate? = nil, weeks: Int = 12, planID given: String? = nil) async throws -> PlanCreated {
        // The plan made already (the same request again): its version check was passed then.
        var made: (plan: PlanCreated, state: ClientState)?
        if let given {
            let state = try await history(of: clientID)
            if let plan = state.plan, plan.planId == given { made = (plan, state) }
        }
        // Another writer meanwhile: decided again on what is there (refused when based on a version).
        let (plan, planned) = if let made { made } else { try await execute(client: clientID, attempts: 3, "making a plan") { state -> Decision<PlanCreated> in
            let client = try requireClient(state, clientID)
            let planID = given ?? ids().uuidString.lowercased()
            let request = PlanRequest(client: client, planId: planID, start: try start ?? localToday(of: state), weeks: weeks, inputs: [state.clientPosition].compactMap { $0 })
            let coached = try await coach.plan(request)
            let event = try newEvent(coached.value, actor: .plan)
            return .appendThenFinish(PendingEvents(event, .planCreated(coached.value), prompts: coached.prompts)) { _ in coached.value }
        } }
        // The plan is stored: its breakdown follows whatever else was appended meanwhile.
        _ = try await execute(client: clientID, state: planned, attempts: 5, "breaking the new plan down") { state in
            try await ensureBreakdown(state, date: plan.startDate)
        }
        return plan
    }

    /// Breaks down the mesocycle that contains `date` (default: today), unless it already is.
    @discardableResult
    public func breakdown(clientID: String, date: LocalDate? = nil) async throws -> MesocycleBroken {
        var day = date
        let (index, state) = try await execute(client: clientID) { state in
            let client = try requireClient(state, clientID)
            if day == nil { day = try localToday(of: state) }
            return try await ensureBreakdown(state, date: day!)
        }
        guard let broken = try state.breakdown(index)?.event else { throw CoachingError(.outsidePlan, "mesocycle \(index + 1) was not broken down") }
        return broken
    }

    /// The plan and the index of its mesocycle that contains `date`.
    ///
    /// - Throws: ``CoachingError`` `noPlan` or `outsidePlan`.
    func planned(_ state: ClientState, _ client: ClientEnrolled, date: LocalDate) throws -> (plan: PlanCreated, planPosition: Int64, index: Int) {
        guard let plan = state.plan, let planPosition = state.planPosition else {
            throw CoachingError(.noPlan, "client \(client.clientId) has no plan (run `periodize plan \(client.clientId)`)")
        }
        guard let (index, _) = state.mesocycle(containing: date) else {
            throw CoachingError(.outsidePlan, "\(date) is outside plan \(plan.planId) (\(plan.startDate), \(plan.macrocycleWeeks) weeks)")
        }
        return (plan, planPosition, index)
    }

    /// The mesocycle that contains `date`, broken down: done with its index when it is, the
    /// coach's breakdown to append otherwise. `again` breaks it down afresh (and finishes after).
    func ensureBreakdown(_ state: ClientState, date: LocalDate, again: Bool = false, causation: UUID? = nil) async throws -> Decision<Int> {
        let client = try requireClient(state, "of this stream")
        let (plan, planPosition, index) = try planned(state, client, date: date)
        if !again, state.brokenDownMesocycles.contains(index) { return .done(index) }
        let pending = try await breakdownEvents(state, client: client, plan: plan, planPosition: planPosition, index: index, causation: causation)
        return again ? .appendThenFinish(pending) { _ in index } : .append(pending)
    }

    /// The coach's breakdown of mesocycle `index`, as events to append.
    func breakdownEvents(
        _ state: ClientState, client: ClientEnrolled, plan: PlanCreated, planPosition: Int64, index: Int, causation: UUID?
    ) async throws -> PendingEvents {
        let request = BreakdownRequest(plan: plan, index: index, client: client, inputs: [state.clientPosition, planPosition].compactMap { $0 })
        let coached = try await coach.breakdown(request)
        // Days the client moved stay moved, whoever broke the weeks down.
        let broken = BreakdownRules.applying(state.moves, to: coached.value)
        let event = try newEvent(broken, causation: causation, actor: causation == nil ? .breakdown : .migration)
        return PendingEvents(event, .mesocycleBroken(broken), prompts: coached.prompts)
    }

    /// The client's workout for `date`: reused when it exists, generated once otherwise (the
    /// next mesocycle is broken down when the date needs it). Nil for a rest day.
    public func dailyWorkout(clientID: String, date: LocalDate? = nil) async throws -> (workout: WorkoutGenerated?, day: DayPlan) {
        let state = try await history(of: clientID)
        let client = try requireClient(state, clientID)
        let day = try date ?? localToday(of: state)
        return try await dailyWorkout(state, client: client, day: day).output
    }

    func dailyWorkout(_ state: ClientState, client: ClientEnrolled, day: LocalDate) async throws -> (output: (workout: WorkoutGenerated?, day: DayPlan), state: ClientState) {
        try await execute(client: client.clientId, state: state, attempts: 5, "generating \(day)'s workout") { state in
            try await workoutStep(state, client: client, day: day)
        }
    }

    /// The day's workout: done when it exists (or the day is a rest day), the breakdown or the
    /// workout to append otherwise.
    ///
    /// - Parameter again: generate it again even when it exists, superseding it (`because` says
    ///   why, in the new workout's revision and decision record).
    func workoutStep(
        _ state: ClientState, client: ClientEnrolled, day: LocalDate, again: Bool = false, because: [String] = []
    ) async throws -> Decision<(workout: WorkoutGenerated?, day: DayPlan)> {
        // Away with other equipment that day: the workout is made for what is at hand.
        let client = state.client(on: day) ?? client
        let existing = try state.workout(on: day)
        if let existing, !again {
            return .done((existing.event, DayPlan(day: Weekday(isoNumber: day.isoWeekday), theme: existing.event.theme, load: existing.event.load)))
        }
        let index: Int
        switch try await ensureBreakdown(state, date: day) {
        case .done(let done): index = done
        case .append(let pending), .appendThenFinish(let pending, _): return .append(pending)
        }
        guard let scheduled = try state.scheduledDay(day, mesocycle: index) else {
            throw CoachingError(.outsidePlan, "no day plan for \(day) in mesocycle \(index + 1)")
        }
        let recent = try state.recentWorkouts(before: day)
        let request = WorkoutRequest(
            client: client, plan: state.plan, mesocycle: index, scheduled: scheduled, date: day, recent: recent.map(\.event),
            inputs: [state.clientPosition, state.planPosition, scheduled.breakdownPosition].compactMap { $0 } + recent.map(\.position),
            changes: state.changes(on: day), feedback: try state.feedback(before: day))
        let coached = try await coach.workout(request)
        guard var workout = coached.value else {
            // A rest day; prompts are recorded all the same (a coach may have asked).
            return coached.prompts.isEmpty ? .done((nil, scheduled.day))
                : .appendThenFinish(PendingEvents(events: [], prompts: coached.prompts)) { _ in (nil, scheduled.day) }
        }
        if let existing {
            // The same workout again: nothing to supersede.
            if workout.blocks == existing.event.blocks, workout.modifications == existing.event.modifications {
                return .done((existing.event, scheduled.day))
            }
            // Generated again: the earlier one stays in the history; this one says what it replaced and why.
            workout.revision = WorkoutGenerated.Revision(supersedes: existing.position, because: because, providerMessageIds: state.changeTexts(on: day))
            let texts = state.changeTexts(on: day)
            workout.decision?.rules.insert(
                "supersedes the workout at position \(existing.position): \(because.joined(separator: "; "))\(texts.isEmpty ? "" : " (asked by \(texts.joined(separator: ", ")))")",
                at: 0)
        }
        return .append(PendingEvents(try newEvent(workout, actor: existing == nil ? .daily : .reply), .workoutGenerated(workout), prompts: coached.prompts))
    }

    /// The event id of a client's daily message for a local date: the same in every process,
    /// so the log stores at most one however many ticks race for it.
    public static func dailyMessageID(clientID: String, date: LocalDate) -> UUID {
        messageID(.daily, clientID: clientID, date: date)
    }

    /// A message id derived from its kind, client and local date, clustered by the date
    /// (``clusteredID(on:_:)``). Logs written before kept these as name-based ids
    /// (``nameBasedID(_:)`` of the same name); deduplication reads the day, not the id, so a
    /// day sent under the old id is not sent again.
    static func messageID(_ kind: MessageKind, clientID: String, date: LocalDate) -> UUID {
        clusteredID(on: date, "\(kind.rawValue)|\(clientID)|\(date)")
    }

    /// A derived id that sorts by `date` (UUIDv8, RFC 9562): the date's midnight UTC in Unix
    /// milliseconds as its first 48 bits, then SHA-256 of `name`. The same date and name give the
    /// same id in every process, and a day's ids sit together in the event-id index.
    static func clusteredID(on date: LocalDate, _ name: String) -> UUID {
        let milliseconds = UInt64(max(0, LocalDate(year: 1970, month: 1, day: 1)!.days(until: date))) * 86_400_000
        let digest = Array(SHA256.hash(data: Data(name.utf8)))
        return UUID(
            millisecond: milliseconds, version: 8, high: UInt16(digest[0]) << 8 | UInt16(digest[1]),
            low: digest[2..<10].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// A name-based UUID (version 5 layout over SHA-256's first 16 bytes): the same name gives
    /// the same id in every process.
    public static func nameBasedID(_ name: String) -> UUID {
        let digest = Array(SHA256.hash(data: Data(name.utf8)))
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], (digest[6] & 0x0F) | 0x50, digest[7],
                           (digest[8] & 0x3F) | 0x80, digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }

    /// Generates (or reuses) the day's workout and queues the daily message (`MessageQueued`,
    /// one per part), once per client and local date; the delivery worker sends it. With
    /// `dryRun`, returns the text and appends nothing for the message.
    public func sendDaily(clientID: String, date: LocalDate? = nil, dryRun: Bool = false, segments: Int? = nil, at instant: Date? = nil) async throws -> (text: String, queued: Bool) {
        let state = try await history(of: clientID)
        let client = try requireClient(state, clientID)
        let day = try date ?? localToday(of: state)
        return try await sendDaily(state, client: client, day: day, dryRun: dryRun, segments: segments, at: instant).output
    }

    func sendDaily(
        _ state: ClientState, client: ClientEnrolled, day: LocalDate, dryRun: Bool = false, segments: Int? = nil, at instant: Date? = nil
    ) async throws -> (output: (text: String, queued: Bool), state: ClientState) {
        let segments = max(1, segments ?? smsSegments)
        var text = ""
        do {
            return try await execute(client: client.clientId, state: state, attempts: 5, "generating \(day)'s workout") { state in
                // Made before a change asked of it or feedback that may change it: made again first.
                let stale = state.dailyMessages.contains(day) ? nil : state.staleWorkout(on: day)
                switch try await workoutStep(state, client: client, day: day, again: stale != nil, because: stale ?? []) {
                case .append(let pending), .appendThenFinish(let pending, _): return .append(pending)
                case .done(let planned):
                    return try await dailyMessageStep(
                        state, client: client, day: day, workout: planned.workout, dayPlan: planned.day, dryRun: dryRun, segments: segments,
                        at: instant, text: &text)
                }
            }
        } catch let error as EventStoreError where error.code == .eventIDReused {
            // Another process queued it first, at another instant (or in other words).
            return ((text, false), try await history(of: client.clientId))
        }
    }

    /// The formatter's daily SMS for `day`: the workout (in parts when it does not fit the
    /// segment budget), or a rest-day note.
    private func dailyParts(client: ClientEnrolled, day: LocalDate, workout: WorkoutGenerated?, dayPlan: DayPlan, segments: Int) -> [String] {
        let firstName = DailyMessage.firstName(of: client.name)
        return workout.map { DailyMessage.fit($0, firstName: firstName, segments: segments) }
            ?? [DailyMessage.restDay(firstName: firstName, date: day, notes: dayPlan.notes)]
    }

    /// The daily message once the day's workout exists: queued (`MessageQueued` for each part,
    /// expiring at the end of the client's local day). `text` is set to the message's text, its
    /// parts joined.
    private func dailyMessageStep(
        _ state: ClientState, client: ClientEnrolled, day: LocalDate, workout: WorkoutGenerated?, dayPlan: DayPlan, dryRun: Bool, segments: Int,
        at instant: Date?, text: inout String
    ) async throws -> Decision<(text: String, queued: Bool)> {
        var parts = dailyParts(client: client, day: day, workout: workout, dayPlan: dayPlan, segments: segments)
        text = parts.joined(separator: "\n\n")
        if !dryRun, state.dailyMessages.contains(day) || state.undeliverable.contains(day) { return .done((text, false)) }
        var decision: DecisionRecord?
        var prompts: [PromptRecorded] = []
        if let workout, let coached = try await coach.message(MessageRequest(
            workout: workout, position: try state.workout(on: day)?.position, client: client, formatted: text, segments: segments)) {
            (text, decision, prompts) = (coached.value.body, coached.value.decision, coached.prompts)
            parts = [text]
        }
        let finalText = text
        if dryRun { return .appendThenFinish(PendingEvents(events: [], prompts: prompts)) { _ in (finalText, false) } }
        // The day ends at midnight where the client is that day.
        let calendar = try ClientCalendar(timeZone: ClientCalendar.zone(on: day, home: client.timezone, stays: state.zoneStays))
        let queued = try queuedEvents(
            parts, kind: .daily, id: Self.dailyMessageID(clientID: client.clientId, date: day), clientID: client.clientId, localDate: day,
            expiresAt: calendar.instant(of: day.adding(days: 1), hour: 0), at: instant, decision: decision, actor: .daily)
        return .appendThenFinish(PendingEvents(events: queued, expected: .any, prompts: prompts)) { result in (finalText, !result.alreadyStored) }
    }

    /// On the client's local Sunday: the overview of next week's days, queued (`MessageQueued`,
    /// kind weekly) once per client and Sunday. Next week's mesocycle is broken down if needed.
    func sendWeekly(_ state: ClientState, client: ClientEnrolled, sunday: LocalDate, at instant: Date?) async throws -> (output: Bool, state: ClientState) {
        do {
            return try await execute(client: client.clientId, state: state, attempts: 5, "writing the week from \(sunday)") { state in
                try await weeklyStep(state, client: client, sunday: sunday, at: instant)
            }
        } catch let error as EventStoreError where error.code == .eventIDReused {
            return (false, state)
        }
    }

    private func weeklyStep(_ state: ClientState, client: ClientEnrolled, sunday: LocalDate, at instant: Date?) async throws -> Decision<Bool> {
        let id = Self.messageID(.weekly, clientID: client.clientId, date: sunday)
        guard sunday.isoWeekday == 7, !state.weeklyMessages.contains(sunday), !state.undeliverableMessages.contains(id.uuidString.lowercased()) else {
            return .done(false)
        }
        let monday = sunday.adding(days: 1)
        var parts: [String] = []
        var rest: [String] = []
        for offset in 0..<7 {
            let date = monday.adding(days: offset)
            guard state.mesocycle(containing: date) != nil else { continue }
            let index: Int
            switch try await ensureBreakdown(state, date: date) {
            case .done(let done): index = done
            case .append(let pending), .appendThenFinish(let pending, _): return .append(pending)
            }
            guard let scheduled = try state.scheduledDay(date, mesocycle: index) else { continue }
            if scheduled.day.load == nil {
                rest.append(scheduled.day.day.shortName)
            } else {
                parts.append("\(scheduled.day.day.shortName) \(scheduled.day.theme)\(scheduled.day.load.map { " (\($0.rawValue))" } ?? "")")
            }
        }
        guard !parts.isEmpty || !rest.isEmpty else { return .done(false) }
        let firstName = DailyMessage.firstName(of: client.name)
        var text = "\(firstName), your week from \(DailyMessageDates.monthDay(monday)): " + parts.joined(separator: ", ")
        if !rest.isEmpty { text += ". Rest: " + rest.joined(separator: ", ") }
        text += "."
        let queued = try queuedEvents([text], kind: .weekly, id: id, clientID: client.clientId, localDate: sunday, expiresAt: nil, at: instant, actor: .weekly)
        return .appendThenFinish(PendingEvents(events: queued, expected: .any)) { result in !result.alreadyStored }
    }
}

extension Engine {
    /// Changes a client's schedule or profile (`ClientUpdated`). The changed client must still
    /// pass the enrollment checks; nothing is appended otherwise. New training days take effect
    /// now: the current mesocycle is broken down again for them (the latest breakdown wins;
    /// workouts already generated stay as they were).
    @discardableResult
    public func updateClient(_ update: ClientUpdated) async throws -> ClientEnrolled {
        try await updateClient(update.clientId) { _ in update }
    }

    /// Changes a client as ``updateClient(_:)`` does: what `changes` sets, on the client as the
    /// decision reads them (the profile's other fields as stored then, a reply's injury too).
    @discardableResult
    public func updateClient(_ clientID: String, changes: ClientChanges) async throws -> ClientEnrolled {
        try await updateClient(clientID) { changes.update(of: $0) }
    }

    /// Changes a client as ``updateClient(_:)`` does, with the change made by `change` from the
    /// client as the decision reads them (a change to a list, such as one more injury, is made
    /// on the list as stored, not on one read before).
    @discardableResult
    public func updateClient(_ clientID: String, _ change: @Sendable (ClientEnrolled) async throws -> ClientUpdated) async throws -> ClientEnrolled {
        // Without `If-Match` a conflict reads the stream again and makes the change on what is
        // there (checked again); with it, the conflict refuses the change and nothing is stored.
        let ((changed, update), updated) = try await execute(client: clientID, attempts: 5, "updating the client") { state -> Decision<(ClientEnrolled, ClientUpdated)> in
            let client = try requireClient(state, clientID)
            var update = try await change(client)
            update.clientId = clientID
            update.profile?.trainingDays.sort()
            if update.optedIn == true, let source = state.optedOutBy, !source.operatorMayLift {
                let how = source == .client ? "texted a stop keyword" : "opted out at the SMS provider"
                throw CoachingError(.invalidInput, "client \(update.clientId) \(how): only their own START lifts it", field: "optedIn")
            }
            let changed = update.applied(to: client)
            try Enrollment(changed).validate()
            return .appendThenFinish(PendingEvents(try newEvent(update, actor: .update), .clientUpdated(update))) { [update] _ in (changed, update) }
        }
        guard update.profile != nil else { return changed }
        // The update is stored: the current weeks are broken down again for the days, after
        // whatever else was appended meanwhile. Weeks of older days (new days, or the same
        // update again after a first that stopped before this) are broken down again.
        _ = try await execute(client: clientID, state: updated, attempts: 5, "breaking the weeks down again for the new days") { state -> Decision<Int?> in
            let today = try localToday(of: state)
            guard let (index, _) = state.mesocycle(containing: today), !state.isBrokenDownForTheDays(index) else { return .done(nil) }
            return try await ensureBreakdown(state, date: today, again: true).map { Optional($0) }
        }
        return changed
    }
}

/// What an operator sets on a client: the fields given, the rest as they are. Training days
/// (days per week follows) and injuries replace the profile's own lists.
public struct ClientChanges: Sendable {
    public var timezone: String?
    public var preferredSendHour: Int?
    public var optedIn: Bool?
    public var isActive: Bool?
    public var trainingDays: [Int]?
    public var injuries: [Injury]?

    public init(
        timezone: String? = nil, preferredSendHour: Int? = nil, optedIn: Bool? = nil, isActive: Bool? = nil, trainingDays: [Int]? = nil,
        injuries: [Injury]? = nil
    ) {
        self.timezone = timezone
        self.preferredSendHour = preferredSendHour
        self.optedIn = optedIn
        self.isActive = isActive
        self.trainingDays = trainingDays
        self.injuries = injuries
    }

    /// Nothing is set.
    public var isEmpty: Bool {
        timezone == nil && preferredSendHour == nil && optedIn == nil && isActive == nil && trainingDays == nil && injuries == nil
    }

    /// The update that makes these changes to `client`.
    public func update(of client: ClientEnrolled) -> ClientUpdated {
        var profile: FitnessProfile?
        if trainingDays != nil || injuries != nil {
            var changed = client.profile
            if let trainingDays {
                changed.trainingDays = trainingDays
                changed.daysPerWeek = trainingDays.count
            }
            if let injuries { changed.injuries = injuries }
            profile = changed
        }
        return ClientUpdated(
            clientId: client.clientId, timezone: timezone, preferredSendHour: preferredSendHour, optedIn: optedIn, isActive: isActive, profile: profile)
    }
}

extension Decision {
    /// The same decision, finishing with `transform` of its output.
    func map<Other: Sendable>(_ transform: @escaping @Sendable (Output) -> Other) -> Decision<Other> {
        switch self {
        case .done(let output): .done(transform(output))
        case .append(let pending): .append(pending)
        case .appendThenFinish(let pending, let finish): .appendThenFinish(pending) { transform(try finish($0)) }
        }
    }
}

extension Engine {
    /// The messages recorded sent on a client's stream (delivered through the queue, or recorded
    /// before it), in order, with their positions.
    public func messages(of clientID: String) async throws -> [(message: MessageSent, position: Int64)] {
        try await events(of: clientID) { if case .messageSent(let message) = $0 { message } else { nil } }
    }

    /// The message parts queued on a client's stream, in order, with their positions: what was
    /// decided to send, and how (the decision record rides on the first part).
    public func queuedMessages(of clientID: String) async throws -> [(message: MessageQueued, position: Int64)] {
        try await events(of: clientID) { if case .messageQueued(let message) = $0 { message } else { nil } }
    }

    private func events<T>(of clientID: String, _ pick: (DomainEvent) -> T?) async throws -> [(message: T, position: Int64)] {
        var found: [(T, Int64)] = []
        for event in try await store.readStream(Self.clientStream(clientID), from: 1) where event.type == MessageSent.eventType || event.type == MessageQueued.eventType {
            if let value = pick(try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)) {
                found.append((value, event.position))
            }
        }
        return found
    }
}

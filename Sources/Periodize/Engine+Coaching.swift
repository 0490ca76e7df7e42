import Coaching
import Crypto
import EventLog
import Events
import Foundation
import GRDB

/// A coaching request the engine refuses: bad input, an unknown client, a missing plan.
/// One line, naming what was wrong; nothing is appended.
public struct CoachingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What a coaching service sends to enroll a client.
public struct Enrollment: Codable, Sendable, Equatable {
    public var clientId: String?
    public var name: String
    public var phoneNumber: String
    public var email: String?
    public var timezone: String
    public var preferredSendHour: Int
    public var units: Units
    public var optedIn: Bool
    public var profile: FitnessProfile

    public init(clientId: String? = nil, name: String, phoneNumber: String, email: String? = nil, timezone: String,
                preferredSendHour: Int, units: Units = .metric, optedIn: Bool = true, profile: FitnessProfile) {
        self.clientId = clientId
        self.name = name
        self.phoneNumber = phoneNumber
        self.email = email
        self.timezone = timezone
        self.preferredSendHour = preferredSendHour
        self.units = units
        self.optedIn = optedIn
        self.profile = profile
    }

    /// Checks every field a coach relies on.
    ///
    /// - Throws: ``CoachingError`` naming the first bad field.
    public func validate() throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw CoachingError("name is empty") }
        let digits = phoneNumber.dropFirst()
        guard phoneNumber.hasPrefix("+"), (8...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.first != "0" else {
            throw CoachingError("phone number \(phoneNumber) is not E.164 (e.g. +15551234567)")
        }
        _ = try ClientCalendar(timeZone: timezone)
        guard (0...23).contains(preferredSendHour) else { throw CoachingError("send hour \(preferredSendHour) is outside 0-23") }
        guard (1...7).contains(profile.daysPerWeek) else { throw CoachingError("days per week \(profile.daysPerWeek) is outside 1-7") }
        if let bad = profile.trainingDays.first(where: { !(1...7).contains($0) }) {
            throw CoachingError("training day \(bad) is outside 1-7 (1 = Monday)")
        }
        guard Set(profile.trainingDays).count == profile.daysPerWeek else {
            throw CoachingError("training days \(profile.trainingDays) do not match \(profile.daysPerWeek) days per week")
        }
        guard (10...240).contains(profile.sessionMinutes) else {
            throw CoachingError("session minutes \(profile.sessionMinutes) is outside 10-240")
        }
    }
}

extension Engine {
    /// The client's history, folded from their stream.
    public func history(of clientID: String) async throws -> ClientHistory {
        let (events, cleanSlate) = try await store.database.read { db in
            (try SQLiteEventStore.readStream(Self.clientStream(clientID), from: 1, db), try Self.cleanSlate(db))
        }
        return try ClientHistory(events, cleanSlate: cleanSlate)
    }

    func requireClient(_ clientID: String) async throws -> (ClientHistory, ClientEnrolled) {
        let history = try await history(of: clientID)
        guard let client = history.client else { throw CoachingError("unknown client \(clientID)") }
        return (history, client)
    }

    /// Enrolls a client: `ClientEnrolled` as the first event of their stream.
    ///
    /// - Throws: ``CoachingError`` for bad input or a client id already enrolled.
    @discardableResult
    public func enroll(_ enrollment: Enrollment) async throws -> ClientEnrolled {
        try enrollment.validate()
        let clientID = enrollment.clientId ?? options.ids().uuidString.lowercased()
        let client = ClientEnrolled(
            clientId: clientID, name: enrollment.name, phoneNumber: enrollment.phoneNumber, email: enrollment.email,
            timezone: enrollment.timezone, preferredSendHour: enrollment.preferredSendHour, units: enrollment.units,
            optedIn: enrollment.optedIn, isActive: true,
            profile: { var p = enrollment.profile; p.trainingDays = p.trainingDays.sorted(); return p }())
        do {
            try await append(client, to: Self.clientStream(clientID), expected: .noStream, actor: "enroll")
        } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
            throw CoachingError("client \(clientID) is already enrolled")
        }
        return client
    }

    /// The client's local date now, by the engine's clock.
    public func localToday(for client: ClientEnrolled) throws -> LocalDate {
        try ClientCalendar(timeZone: client.timezone).localDate(at: options.clock())
    }

    /// Creates a plan with the rule-based coach, starting on `start` (default: the client's
    /// local today), and breaks its first mesocycle down (the enrollment flow: PlanCreated,
    /// then MesocycleBroken; later mesocycles are broken down when the daily job needs them).
    @discardableResult
    public func createPlan(clientID: String, start: LocalDate? = nil, weeks: Int = 12) async throws -> PlanCreated {
        let plan = try await createPlanOnly(clientID: clientID, start: start, weeks: weeks)
        let (history, client) = try await requireClient(clientID)
        _ = try await ensureBreakdown(history, client: client, date: plan.startDate)
        return plan
    }

    func createPlanOnly(clientID: String, start: LocalDate?, weeks: Int) async throws -> PlanCreated {
        let (history, client) = try await requireClient(clientID)
        let plan = try await decidePlan(
            client: client, planId: options.ids().uuidString.lowercased(), start: start ?? localToday(for: client), weeks: weeks,
            inputs: [history.clientPosition].compactMap { $0 })
        try await append(plan, to: Self.clientStream(clientID), expected: .exact(history.version), actor: "plan")
        return plan
    }

    /// Breaks down the mesocycle that contains `date` (default: today), unless it already is.
    @discardableResult
    public func breakdown(clientID: String, date: LocalDate? = nil) async throws -> MesocycleBroken {
        let (history, client) = try await requireClient(clientID)
        let day = try date ?? localToday(for: client)
        let (index, updated) = try await ensureBreakdown(history, client: client, date: day)
        guard let broken = try updated.breakdown(index)?.event else { throw CoachingError("mesocycle \(index + 1) was not broken down") }
        return broken
    }

    /// Breaks down the mesocycle that contains `date` unless it already is; returns its index
    /// and the history with it.
    func ensureBreakdown(
        _ history: ClientHistory, client: ClientEnrolled, date: LocalDate, again: Bool = false, causation: UUID? = nil
    ) async throws -> (index: Int, history: ClientHistory) {
        guard let plan = history.plan, let planPosition = history.planPosition else {
            throw CoachingError("client \(client.clientId) has no plan (run `periodize plan \(client.clientId)`)")
        }
        guard let (index, _) = history.mesocycle(containing: date) else {
            throw CoachingError("\(date) is outside plan \(plan.planId) (\(plan.startDate), \(plan.macrocycleWeeks) weeks)")
        }
        if !again, history.brokenDownMesocycles.contains(index) { return (index, history) }
        let broken = try await decideBreakdown(plan: plan, index: index, client: client, inputs: [history.clientPosition, planPosition].compactMap { $0 })
        let result = try await append(broken, to: Self.clientStream(client.clientId), expected: .exact(history.version), causation: causation, actor: causation == nil ? "breakdown" : "migration")
        var updated = history
        updated.record(broken, at: result.positions[0], version: result.streamVersion)
        return (index, updated)
    }

    /// The client's workout for `date`: reused when it exists, generated once otherwise (the
    /// next mesocycle is broken down when the date needs it). Nil for a rest day.
    public func dailyWorkout(clientID: String, date: LocalDate? = nil) async throws -> (workout: WorkoutGenerated?, day: DayPlan) {
        var (history, client) = try await requireClient(clientID)
        let day = try date ?? localToday(for: client)
        return try await dailyWorkout(&history, client: client, day: day)
    }

    /// The day's workout from a history already read; `history` follows what is appended.
    func dailyWorkout(_ history: inout ClientHistory, client: ClientEnrolled, day: LocalDate) async throws -> (workout: WorkoutGenerated?, day: DayPlan) {
        let clientID = client.clientId
        for _ in 0..<5 {
            if let existing = try history.workout(on: day) {
                return (existing.event, DayPlan(day: Weekday(isoNumber: day.isoWeekday), theme: existing.event.theme, load: existing.event.load))
            }
            let index: Int
            do {
                (index, history) = try await ensureBreakdown(history, client: client, date: day)
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
                // Another process broke it down (or appended) meanwhile: look again.
                history = try await self.history(of: clientID)
                continue
            }
            // The history may have been read again: another process's workout for the day
            // may be in it now.
            if let existing = try history.workout(on: day) {
                return (existing.event, DayPlan(day: Weekday(isoNumber: day.isoWeekday), theme: existing.event.theme, load: existing.event.load))
            }
            guard let scheduled = try history.scheduledDay(day, mesocycle: index) else {
                throw CoachingError("no day plan for \(day) in mesocycle \(index + 1)")
            }
            let dayPlan = scheduled.day
            let recent = try history.recentWorkouts(before: day)
            guard let workout = try await decideWorkout(
                client: client, plan: history.plan, mesocycle: index, scheduled: scheduled, date: day, recent: recent.map(\.event),
                inputs: [history.clientPosition, history.planPosition, scheduled.breakdownPosition].compactMap { $0 } + recent.map(\.position))
            else {
                return (nil, dayPlan)
            }
            do {
                let result = try await append(workout, to: Self.clientStream(clientID), expected: .exact(history.version), actor: "daily")
                history.record(workout, at: result.positions[0], version: result.streamVersion)
                return (workout, dayPlan)
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
                // Someone else appended meanwhile (another tick): look again, reuse theirs.
                history = try await self.history(of: clientID)
            }
        }
        throw CoachingError("client \(clientID)'s stream kept changing while generating \(day)'s workout")
    }

    /// The event id of a client's daily message for a local date: the same in every process,
    /// so the log stores at most one however many ticks race for it.
    public static func dailyMessageID(clientID: String, date: LocalDate) -> UUID {
        messageID("daily", clientID: clientID, date: date)
    }

    /// A message id derived from its kind, client and local date.
    static func messageID(_ kind: String, clientID: String, date: LocalDate) -> UUID {
        nameBasedID("\(kind)|\(clientID)|\(date)")
    }

    /// A name-based UUID (version 5 layout over SHA-256's first 16 bytes): the same name gives
    /// the same id in every process.
    static func nameBasedID(_ name: String) -> UUID {
        let digest = Array(SHA256.hash(data: Data(name.utf8)))
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], (digest[6] & 0x0F) | 0x50, digest[7],
                           (digest[8] & 0x3F) | 0x80, digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }

    /// Generates (or reuses) the day's workout and sends the daily message through the outbox:
    /// `MessageSent`, once per client and local date. With `dryRun`, returns the text and
    /// appends nothing for the message.
    public func sendDaily(clientID: String, date: LocalDate? = nil, dryRun: Bool = false, segments: Int? = nil, at instant: Date? = nil) async throws -> (text: String, sent: Bool) {
        var (history, client) = try await requireClient(clientID)
        let day = try date ?? localToday(for: client)
        return try await sendDaily(&history, client: client, day: day, dryRun: dryRun, segments: segments, at: instant)
    }

    func sendDaily(_ history: inout ClientHistory, client: ClientEnrolled, day: LocalDate, dryRun: Bool = false, segments: Int? = nil, at instant: Date? = nil) async throws -> (text: String, sent: Bool) {
        let clientID = client.clientId
        let segments = max(1, segments ?? options.smsSegments)
        let (workout, dayPlan) = try await dailyWorkout(&history, client: client, day: day)
        let firstName = Self.smsFirstName(client.name)
        let parts = workout.map { DailyMessage.fit($0, firstName: firstName, segments: segments) }
            ?? [DailyMessage.restDay(firstName: firstName, date: day, notes: dayPlan.notes)]
        var text = parts.joined(separator: "\n\n")
        if !dryRun, history.dailyMessages.contains(day) || history.undeliverable.contains(day) { return (text, false) }
        var decision: DecisionRecord?
        if let workout, let coach = options.coach, coach.settings.writesMessages {
            (text, decision) = try await decideMessage(
                workout: workout, position: try history.workout(on: day)?.position, client: client, formatted: text, segments: segments, coach: coach)
        }
        if dryRun { return (text, false) }
        let id = Self.dailyMessageID(clientID: clientID, date: day)
        let sender = options.sender
        let providerID: String?
        do {
            providerID = try await sender.send(text, to: client.phoneNumber, messageID: id)
        } catch {
            let failure = error as? SendFailure ?? SendFailure("\(error)", retryable: true)
            let failed = MessageFailed(
                messageId: id.uuidString.lowercased(), clientId: clientID, kind: .daily, localDate: day, provider: sender.provider,
                attempt: history.dailyFailures[day, default: 0] + 1, error: failure.message, errorCode: failure.code,
                retryable: failure.retryable, failedAt: Timestamp(instant ?? options.clock()).iso8601)
            let result = try await store.append([try newEvent(failed, actor: "daily")], to: Self.clientStream(clientID), expected: .any)
            history.dailyFailures[day, default: 0] += 1
            if !failure.retryable { history.undeliverable.insert(day) }
            history.version = result.streamVersion
            throw failure
        }
        do {
            let result = try await recordSent(
                text, kind: .daily, id: id, client: client, localDate: day, providerID: providerID, at: instant, decision: decision, actor: "daily")
            return (text, !result.alreadyStored)
        } catch let error as EventStoreError where error.code == .eventIDReused {
            return (text, false)  // another process sent it first, at another instant
        }
    }

    /// On the client's local Sunday: the overview of next week's days (`MessageSent`, kind
    /// weekly), once per client and Sunday. Next week's mesocycle is broken down if needed.
    func sendWeekly(_ history: inout ClientHistory, client: ClientEnrolled, sunday: LocalDate, at instant: Date?) async throws -> Bool {
        guard sunday.isoWeekday == 7, !history.weeklyMessages.contains(sunday) else { return false }
        let monday = sunday.adding(days: 1)
        var parts: [String] = []
        var rest: [String] = []
        for offset in 0..<7 {
            let date = monday.adding(days: offset)
            guard history.mesocycle(containing: date) != nil else { continue }
            let index: Int
            (index, history) = try await ensureBreakdown(history, client: client, date: date)
            guard let scheduled = try history.scheduledDay(date, mesocycle: index) else { continue }
            if scheduled.day.load == nil {
                rest.append(scheduled.day.day.shortName)
            } else {
                parts.append("\(scheduled.day.day.shortName) \(scheduled.day.theme)\(scheduled.day.load.map { " (\($0.rawValue))" } ?? "")")
            }
        }
        guard !parts.isEmpty || !rest.isEmpty else { return false }
        let firstName = Self.smsFirstName(client.name)
        var text = "\(firstName), your week from \(DailyMessageDates.monthDay(monday)): " + parts.joined(separator: ", ")
        if !rest.isEmpty { text += ". Rest: " + rest.joined(separator: ", ") }
        text += "."
        let id = Self.messageID("weekly", clientID: client.clientId, date: sunday)
        let providerID = try await options.sender.send(text, to: client.phoneNumber, messageID: id)
        do {
            let result = try await recordSent(text, kind: .weekly, id: id, client: client, localDate: sunday, providerID: providerID, at: instant, actor: "weekly")
            history.weeklyMessages.insert(sunday)
            history.version = result.streamVersion
            return !result.alreadyStored
        } catch let error as EventStoreError where error.code == .eventIDReused {
            return false
        }
    }

    /// The first name as messages address the client. One accented letter would make a whole
    /// message UCS-2 (70 characters a segment instead of 160): a name that folds to GSM-7 is
    /// written without its accents.
    /// Records a message the sender took (`MessageSent` under `id`, with its encoding and
    /// segments): once, as the log stores an id once.
    func recordSent(
        _ text: String, kind: MessageKind, id: UUID, client: ClientEnrolled, localDate: LocalDate, providerID: String?, at instant: Date?,
        decision: DecisionRecord? = nil, causation: UUID? = nil, actor: String
    ) async throws -> AppendResult {
        let measure = SMSText.measure(text)
        let message = MessageSent(
            messageId: id.uuidString.lowercased(), clientId: client.clientId, kind: kind, localDate: localDate, body: text,
            encoding: measure.encoding, segments: measure.segments, provider: options.sender.provider, providerMessageId: providerID,
            sentAt: Timestamp(instant ?? options.clock()).iso8601, decision: decision)
        return try await store.append([try newEvent(message, id: id, causation: causation, actor: actor)], to: Self.clientStream(client.clientId), expected: .any)
    }

    static func smsFirstName(_ name: String) -> String {
        let first = String(name.split(separator: " ").first ?? Substring(name))
        guard SMSText.encoding(of: first) == .ucs2 else { return first }
        let folded = first.folding(options: .diacriticInsensitive, locale: nil)
        return SMSText.encoding(of: folded) == .gsm7 ? folded : first
    }

    /// What an hourly tick did.
    public struct TickReport: Sendable, Equatable {
        public var clients: Int
        public var sent: Int
        public var alreadySent: Int
        public var notDue: Int
        /// Due clients whose local date has no plan to coach from (before its start, after
        /// its end, or no plan yet).
        public var outsidePlan: Int
        /// Weekly overviews sent (on clients' local Sundays).
        public var weekly: Int
        /// Due clients whose message failed for good earlier (not tried again).
        public var undeliverable: Int
        public var failed: [String]
    }

    /// Every active client whose local time has reached their send hour and who has no daily
    /// message for their local date gets one; missed hours catch up. Clients are handled
    /// `concurrency` at a time, so their appends share commits (group commit).
    public func tick(now: Date? = nil, concurrency: Int? = nil) async throws -> TickReport {
        let concurrency = concurrency ?? defaultConcurrency
        let instant = now ?? options.clock()
        let clients: [(String, String, Int)] = try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, timezone, preferred_send_hour FROM clients WHERE is_active = 1 AND opted_in = 1 ORDER BY client_id")
                .map { ($0[0], $0[1], $0[2]) }
        }
        enum Outcome: Sendable { case sent(weekly: Bool), alreadySent(weekly: Bool), notDue, outsidePlan, undeliverable, failed(String) }
        @Sendable func handle(_ clientID: String, _ zone: String, _ hour: Int) async -> Outcome {
            do {
                let calendar = try ClientCalendar(timeZone: zone)
                guard calendar.isDue(sendHour: hour, at: instant) else { return .notDue }
                let date = calendar.localDate(at: instant)
                let exists: Bool = try await store.database.read { db in
                    try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE client_id = ? AND kind = 'daily' AND local_date = ? AND status = 'sent')", arguments: [clientID, date.description]) ?? false
                }
                let sunday = date.isoWeekday == 7
                if exists, !sunday { return .alreadySent(weekly: false) }
                var history = try await history(of: clientID)
                guard let client = history.client, history.mesocycle(containing: date) != nil else { return .outsidePlan }
                if history.undeliverable.contains(date) { return .undeliverable }
                let sent = exists ? false : try await sendDaily(&history, client: client, day: date, at: instant).sent
                let weekly = sunday ? try await sendWeekly(&history, client: client, sunday: date, at: instant) : false
                return sent ? .sent(weekly: weekly) : .alreadySent(weekly: weekly)
            } catch {
                return .failed("\(clientID): \(error)")
            }
        }
        var report = TickReport(clients: clients.count, sent: 0, alreadySent: 0, notDue: 0, outsidePlan: 0, weekly: 0, undeliverable: 0, failed: [])
        await Self.concurrently(clients, limit: concurrency, { await handle($0.0, $0.1, $0.2) }) { outcome in
            switch outcome {
            case .sent(let weekly):
                report.sent += 1
                if weekly { report.weekly += 1 }
            case .alreadySent(let weekly):
                report.alreadySent += 1
                if weekly { report.weekly += 1 }
            case .notDue: report.notDue += 1
            case .outsidePlan: report.outsidePlan += 1
            case .undeliverable: report.undeliverable += 1
            case .failed(let reason): report.failed.append(reason)
            }
        }
        report.failed.sort()
        return report
    }

    /// Runs `body` over `inputs` with at most `limit` at a time, handing each result to
    /// `collect` as it comes (in completion order).
    static func concurrently<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], limit: Int, _ body: @escaping @Sendable (Input) async -> Output, collect: (Output) -> Void
    ) async {
        await withTaskGroup(of: Output.self) { group in
            var next = inputs.makeIterator()
            func add() -> Bool {
                guard let input = next.next() else { return false }
                group.addTask { await body(input) }
                return true
            }
            for _ in 0..<max(1, limit) where !add() { break }
            while let output = await group.next() {
                collect(output)
                _ = add()
            }
        }
    }

    func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}

extension Engine {
    /// Ids of active, opted-in clients, from the clients read-model.
    public func activeClientIDs() async throws -> [String] {
        try await store.database.read { db in
            try String.fetchAll(db, sql: "SELECT client_id FROM clients WHERE is_active = 1 AND opted_in = 1 ORDER BY client_id")
        }
    }
}

extension Engine {
    /// Changes a client's schedule or profile (`ClientUpdated`). The changed client must still
    /// pass the enrollment checks; nothing is appended otherwise.
    @discardableResult
    public func updateClient(_ update: ClientUpdated) async throws -> ClientEnrolled {
        let (history, client) = try await requireClient(update.clientId)
        let changed = update.applied(to: client)
        try Enrollment(
            clientId: changed.clientId, name: changed.name, phoneNumber: changed.phoneNumber, email: changed.email,
            timezone: changed.timezone, preferredSendHour: changed.preferredSendHour, units: changed.units,
            optedIn: changed.optedIn, profile: changed.profile
        ).validate()
        var sorted = update
        sorted.profile?.trainingDays.sort()
        let result = try await append(sorted, to: Self.clientStream(update.clientId), expected: .exact(history.version), actor: "update")
        // New training days take effect now: the current mesocycle is broken down again for
        // them (the latest breakdown wins; workouts already generated stay as they were).
        if let days = sorted.profile?.trainingDays, days != client.profile.trainingDays {
            var updated = history
            updated.client = changed
            updated.version = result.streamVersion
            let today = try localToday(for: changed)
            if updated.mesocycle(containing: today) != nil {
                _ = try await ensureBreakdown(updated, client: changed, date: today, again: true)
            }
        }
        return changed
    }
}

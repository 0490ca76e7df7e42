import Coaching
import EventLog
import Events
import Foundation
import Projections

/// Everything the log holds about one client, folded from stream `client-<id>` by one
/// ``evolve(_:)``: the state a coaching decision starts from, whether its events were just read
/// or just appended. Each value keeps the position of the event it came from, so decisions can
/// name their inputs.
///
/// Breakdowns and workouts are kept as their stored bytes and decoded when asked for: a
/// client's stream grows by a workout a day, and decoding every one of them on every read
/// would make each tick slower than the last.
public struct ClientState: Sendable {
    public private(set) var client: ClientEnrolled?
    public private(set) var clientPosition: Int64?
    public private(set) var plan: PlanCreated?
    public private(set) var planPosition: Int64?
    /// Local dates that have their daily message: queued (whatever became of it since), or
    /// recorded sent before the outbox.
    public private(set) var dailyMessages: Set<LocalDate> = []
    /// Local dates (Sundays) that have their weekly overview, queued or sent.
    public private(set) var weeklyMessages: Set<LocalDate> = []
    /// Local dates whose daily message failed for good (not to be tried again).
    public private(set) var undeliverable: Set<LocalDate> = []
    /// Messages of every kind that failed for good, by message id.
    public private(set) var undeliverableMessages: Set<String> = []
    /// Who opted the client out, while they are (nil when they may be sent to, as far as an
    /// opt-out goes).
    public private(set) var optedOutBy: OptSource?
    /// Provider ids of the texts received from the client (a webhook delivered twice is one text).
    public private(set) var receivedTexts: Set<String> = []
    /// Provider ids of the texts already read (`ReplyRead`): a text is acted on once.
    public private(set) var readReplies: Set<String> = []
    /// Days the client skipped.
    public private(set) var skippedDays: Set<LocalDate> = []
    /// Pauses, first and last day each.
    public private(set) var pauses: [ClosedRange<LocalDate>] = []
    /// Trips in the order planned (a later one wins where they overlap): a time zone, other
    /// equipment, or both, for their dates.
    public private(set) var travel: [TravelPlanned] = []
    /// Workouts the client said were done, by local date.
    public private(set) var completedDays: Set<LocalDate> = []
    /// How each of those went, when said (the latest saying wins).
    public private(set) var completions: [LocalDate: (rpe: Int?, feel: String?)] = [:]
    /// Changes asked of a day's workout, in the order asked.
    public private(set) var changesAsked: [LocalDate: [WorkoutChangeAsked]] = [:]
    /// Days moved, in the order asked.
    public private(set) var moves: [DayMoved] = []
    /// The position of the latest change asked of each day's workout.
    private var changeAskedAt: [LocalDate: Int64] = [:]
    /// The position of the latest feedback (done, skipped, paused, moved).
    private var feedbackAt: Int64 = 0
    /// The client's erasure, once erased.
    public private(set) var erasure: ClientErased?
    public private(set) var erasurePosition: Int64?
    /// The stream's version: the expected version of the next append.
    public private(set) var version: Int64 = 0
    /// The clean-slate migration in force: training outside its current view is left out.
    public let cleanSlate: MigrationState?

    /// The position of the latest update that changed the training days.
    private var trainingDaysChangedAt: Int64 = 0
    /// Breakdowns of the current plan by mesocycle index (the latest wins).
    private var storedBreakdowns: [Int: StreamEvent] = [:]
    /// Workouts by local date (the latest wins).
    private var storedWorkouts: [LocalDate: StreamEvent] = [:]

    /// The state before any event.
    public init(cleanSlate: MigrationState? = nil) {
        self.cleanSlate = cleanSlate
    }

    /// Folds the stream's events, in order.
    public init(_ events: [RecordedEvent], cleanSlate: MigrationState? = nil) throws {
        self.init(cleanSlate: cleanSlate)
        for envelope in events { try evolve(StreamEvent(envelope)) }
    }

    /// Applies one event of the client's stream, read or just appended.
    ///
    /// - Throws: ``EventDecodingError`` for a payload that does not decode as its type.
    public mutating func evolve(_ event: StreamEvent) throws {
        version = event.streamVersion
        if let cleanSlate, event.type == MesocycleBroken.eventType || event.type == WorkoutGenerated.eventType,
           !cleanSlate.admits(position: event.position, causationID: event.causationID) {
            return
        }
        switch event.type {
        case ClientEnrolled.eventType, ClientUpdated.eventType, PlanCreated.eventType:
            switch try event.decoded() {
            case .clientEnrolled(let c):
                client = c
                clientPosition = event.position
            case .clientUpdated(let update):
                if let days = update.profile?.trainingDays, days.sorted() != client?.profile.trainingDays.sorted() { trainingDaysChangedAt = event.position }
                client = client.map(update.applied)
                clientPosition = event.position
                // An operator's opt-out does not replace the client's own (which only their START lifts).
                if let optedIn = update.optedIn { optedOutBy = optedIn ? nil : (optedOutBy ?? .operator) }
            case .planCreated(let p):
                plan = p
                planPosition = event.position
                storedBreakdowns = [:]
            default:
                break
            }
        case MesocycleBroken.eventType:
            let fields = try event.fields()
            guard fields.string("planId") == plan?.planId, let index = fields.object("mesocycle")?.int("index") else { return }
            storedBreakdowns[Int(index)] = event
        case WorkoutGenerated.eventType:
            guard let date = try event.fields().string("date").flatMap({ LocalDate($0) }) else { return }
            storedWorkouts[date] = event
        case MessageFailed.eventType:
            let fields = try event.fields()
            let permanent = fields.bool("retryable") == false
            // Attempts are counted by the delivery worker (the messages read-model); the state
            // keeps only what must never be queued again: a failure recorded before the outbox
            // as permanent.
            guard permanent else { return }
            if let id = fields.string("messageId") { undeliverableMessages.insert(id) }
            guard fields.string("kind") == MessageKind.daily.rawValue, let date = fields.string("localDate").flatMap({ LocalDate($0) }) else { return }
            undeliverable.insert(date)
        case ClientOptedOut.eventType:
            optedOutBy = try event.fields().string("source").flatMap(OptSource.init(rawValue:)) ?? .client
            client?.optedIn = false
        case ClientOptedIn.eventType:
            optedOutBy = nil
            client?.optedIn = true
        case MessageReceived.eventType:
            if let id = try event.fields().string("providerMessageId") { receivedTexts.insert(id) }
        case ReplyRead.eventType:
            if let id = try event.fields().string("providerMessageId") { readReplies.insert(id) }
        case DaySkipped.eventType:
            if let date = try event.fields().string("date").flatMap({ LocalDate($0) }) { skippedDays.insert(date) }
            feedbackAt = event.position
        case WorkoutCompleted.eventType:
            let fields = try event.fields()
            if let date = fields.string("date").flatMap({ LocalDate($0) }) {
                completedDays.insert(date)
                completions[date] = (fields.int("rpe").map(Int.init), fields.string("feel"))
            }
            feedbackAt = event.position
        case WorkoutChangeAsked.eventType:
            if case .workoutChangeAsked(let change) = try event.decoded() {
                changesAsked[change.date, default: []].append(change)
                changeAskedAt[change.date] = event.position
            }
        case DayMoved.eventType:
            if case .dayMoved(let move) = try event.decoded() { moves.append(move) }
            feedbackAt = event.position
        case ClientPaused.eventType:
            let fields = try event.fields()
            if let from = fields.string("from").flatMap({ LocalDate($0) }), let until = fields.string("until").flatMap({ LocalDate($0) }), from <= until {
                pauses.append(from...until)
            }
        case TravelPlanned.eventType:
            if case .travelPlanned(let trip) = try event.decoded(), trip.from <= trip.until { travel.append(trip) }
        case ClientErased.eventType:
            if case .clientErased(let erased) = try event.decoded() {
                erasure = erased
                erasurePosition = event.position
            }
        case MessageSent.eventType, MessageQueued.eventType:
            let fields = try event.fields()
            guard fields.string("direction") != MessageDirection.inbound.rawValue,
                  let date = fields.string("localDate").flatMap({ LocalDate($0) }) else { return }
            switch fields.string("kind") {
            case MessageKind.daily.rawValue: dailyMessages.insert(date)
            case MessageKind.weekly.rawValue: weeklyMessages.insert(date)
            default: break
            }
        default:
            break
        }
    }

    /// Mesocycle indexes of the current plan that are broken down.
    public var brokenDownMesocycles: [Int] { storedBreakdowns.keys.sorted() }

    /// Mesocycle `index` is broken down, after the training days last changed (a breakdown from
    /// before is of the old days).
    public func isBrokenDownForTheDays(_ index: Int) -> Bool {
        guard let stored = storedBreakdowns[index] else { return false }
        return stored.position > trainingDaysChangedAt
    }

    /// What the client asked of `date`'s workout, folded: the swaps and what is missing add up,
    /// the last of lighter or harder wins, the shortest session wins.
    public func changes(on date: LocalDate) -> WorkoutChanges {
        var changes = WorkoutChanges()
        for asked in changesAsked[date] ?? [] {
            switch asked.change {
            case .swap:
                if let exercise = asked.exercise { changes.avoid.append(exercise) }
                if let missing = asked.missing { changes.missing.insert(missing) }
                changes.asked.append("swap \([asked.exercise, asked.missing.map { "no \($0)" }].compactMap { $0 }.joined(separator: ", "))")
            case .lighter:
                changes.intensity = -1
                changes.asked.append("lighter")
            case .harder:
                changes.intensity = 1
                changes.asked.append("harder")
            case .shorter:
                changes.minutes = min(changes.minutes ?? Int.max, asked.minutes ?? 20)
                changes.asked.append("shorter (\(asked.minutes ?? 20) min)")
            }
        }
        return changes
    }

    /// Why `date`'s workout, made earlier, should be made again before it is sent: changes asked
    /// of it, or feedback, that arrived after it was made. Nil when it stands (or does not exist).
    public func staleWorkout(on date: LocalDate) -> [String]? {
        guard let stored = storedWorkouts[date] else { return nil }
        var why: [String] = []
        if let asked = changeAskedAt[date], asked > stored.position { why.append(contentsOf: changes(on: date).asked) }
        if feedbackAt > stored.position { why.append("feedback since it was made") }
        return why.isEmpty ? nil : why
    }

    /// The texts that asked for `date`'s changes.
    public func changeTexts(on date: LocalDate) -> [String] {
        (changesAsked[date] ?? []).compactMap(\.providerMessageId)
    }

    /// What the client said of the training days before `date` (four weeks back): done and how,
    /// or skipped; and how many whole weeks in a row just before `date`'s were skipped.
    public func feedback(before date: LocalDate) throws -> Feedback {
        // A client who said nothing: nothing to read (and no workout decoded for it).
        let start = date.adding(days: -28)
        let said = completedDays.contains { start <= $0 && $0 < date } || skippedDays.contains { start <= $0 && $0 < date }
            || pauses.contains { $0.upperBound >= start && $0.lowerBound < date }
        guard said else { return Feedback() }
        var days: [Feedback.Day] = []
        for offset in (1...28).reversed() {
            let day = date.adding(days: -offset)
            let skipped = isResting(on: day)
            let completed = completedDays.contains(day)
            // Only the days something was said of: done, or a training day skipped (its workout
            // decoded for its theme and load).
            guard try completed || (skipped && (storedWorkouts[day] != nil || isTrainingDay(day))) else { continue }
            let workout = try self.workout(on: day)?.event
            let how = completions[day]
            days.append(Feedback.Day(date: day, theme: workout?.theme, load: workout?.load, completed: completed, skipped: skipped, rpe: how?.rpe ?? nil, feel: how?.feel ?? nil))
        }
        // Weeks before this one in which every training day was skipped.
        var skippedWeeks = 0
        let monday = ClientCalendar.monday(of: date)
        for week in 1...4 {
            let start = monday.adding(days: -7 * week)
            var training = 0, rested = 0
            for offset in 0..<7 {
                let day = start.adding(days: offset)
                guard try isTrainingDay(day) else { continue }
                training += 1
                if isResting(on: day) { rested += 1 }
            }
            guard training > 0, rested == training else { break }
            skippedWeeks += 1
        }
        return Feedback(days: days, skippedWeeks: skippedWeeks)
    }

    /// Whether the broken-down weeks have a session on `date`.
    func isTrainingDay(_ date: LocalDate) throws -> Bool {
        guard let (index, _) = mesocycle(containing: date) else { return false }
        return try scheduledDay(date, mesocycle: index)?.day.load != nil
    }

    /// The stays in another time zone, in the order planned.
    public var zoneStays: [ZoneStay] {
        travel.compactMap { trip in trip.timezone.map { ZoneStay(from: trip.from, until: trip.until, zone: $0) } }
    }

    /// What is at hand on `date` away from home (`hotel-gym`, ...), nil at home.
    public func travelEquipment(on date: LocalDate) -> String? {
        travel.last { $0.equipment != nil && $0.from <= date && date <= $0.until }?.equipment
    }

    /// The client as they train on `date`: a trip's equipment in place of their own while it
    /// lasts (and said in the profile's travel note, for a model coach).
    public func client(on date: LocalDate) -> ClientEnrolled? {
        guard var client, let kind = travelEquipment(on: date), let trip = travel.last(where: { $0.equipment == kind && $0.from <= date && date <= $0.until }) else {
            return client
        }
        (client.profile.location, client.profile.equipment) = WorkoutRules.travelEquipment(kind)
        client.profile.travel = "\(kind) from \(trip.from) through \(trip.until)"
        return client
    }

    /// Whether `date` has no daily message: skipped, or inside a pause.
    public func isResting(on date: LocalDate) -> Bool {
        skippedDays.contains(date) || pauses.contains { $0.contains(date) }
    }

    /// The workouts generated on or before `date`, newest first, that were not said done.
    public func unmarkedWorkouts(onOrBefore date: LocalDate) -> [LocalDate] {
        storedWorkouts.keys.filter { $0 <= date && !completedDays.contains($0) }.sorted(by: >)
    }

    /// Whether an opt-out by `source` changes anything: a client's own STOP is recorded even
    /// over another opt-out (it is the one only their START lifts); any other only when they
    /// are opted in. Never for an erased client.
    public func mayBeOptedOut(by source: OptSource) -> Bool {
        guard erasure == nil else { return false }
        return source == .client ? optedOutBy != .client : optedOutBy == nil
    }

    /// The breakdown of mesocycle `index` of the current plan, decoded.
    public func breakdown(_ index: Int) throws -> (event: MesocycleBroken, position: Int64)? {
        guard let stored = storedBreakdowns[index], case .mesocycleBroken(let event) = try stored.decoded() else { return nil }
        return (event, stored.position)
    }

    /// The workout for `date`, decoded.
    public func workout(on date: LocalDate) throws -> (event: WorkoutGenerated, position: Int64)? {
        guard let stored = storedWorkouts[date], case .workoutGenerated(let event) = try stored.decoded() else { return nil }
        return (event, stored.position)
    }

    /// The day plan for `date` in breakdown `index`, read from the stored payload's fields
    /// (a breakdown is the largest event a client has; decoding it whole for one day cost more
    /// than the rest of the daily job).
    public func scheduledDay(_ date: LocalDate, mesocycle index: Int) throws -> ScheduledDay? {
        guard let stored = storedBreakdowns[index] else { return nil }
        if case .mesocycleBroken(let broken)? = stored.decodedPayload {
            guard let week = broken.microcycles.first(where: { $0.startDate <= date && date < $0.startDate.adding(days: 7) }),
                  let day = week.days.first(where: { $0.day.isoNumber == date.isoWeekday }) else { return nil }
            return ScheduledDay(day: day, weekIndex: week.weekIndex, isDeloadWeek: broken.mesocycle.deload && week.index == broken.microcycles.count - 1,
                                planId: broken.planId, breakdownPosition: stored.position)
        }
        let fields = try stored.fields()
        let weeks = fields.objects("microcycles") ?? []
        let wanted = Weekday(isoNumber: date.isoWeekday)
        for (position, week) in weeks.enumerated() {
            guard let start = week.string("startDate").flatMap({ LocalDate($0) }), start <= date, date < start.adding(days: 7) else { continue }
            guard let day = (week.objects("days") ?? []).first(where: { $0.string("day").flatMap { Weekday(name: $0) } == wanted }) else { return nil }
            return ScheduledDay(
                day: DayPlan(day: wanted, theme: day.string("theme") ?? "", load: day.string("load").flatMap { Load(rawValue: $0) }, notes: day.string("notes")),
                weekIndex: Int(week.int("weekIndex") ?? 0),
                isDeloadWeek: fields.object("mesocycle")?.bool("deload") == true && position == weeks.count - 1,
                planId: fields.string("planId") ?? "", breakdownPosition: stored.position)
        }
        return nil
    }

    /// The mesocycle of the current plan that contains `date`, and the week of the plan.
    public func mesocycle(containing date: LocalDate) -> (index: Int, weekIndex: Int)? {
        guard let plan else { return nil }
        let week = ClientCalendar.weekIndex(of: date, planStart: plan.startDate)
        guard week >= 0, date >= plan.startDate else { return nil }
        var first = 0
        for (index, mesocycle) in plan.mesocycles.enumerated() {
            if week < first + mesocycle.weeks { return (index, week) }
            first += mesocycle.weeks
        }
        return nil
    }

    /// Workouts of the seven days before `date`, oldest first.
    public func recentWorkouts(before date: LocalDate) throws -> [(event: WorkoutGenerated, position: Int64)] {
        try (1...7).reversed().compactMap { try workout(on: date.adding(days: -$0)) }
    }
}

/// One event of a client's stream as ``ClientState`` folds it: read back from the log, or just
/// appended (then with its payload already decoded, so nothing is decoded twice).
public struct StreamEvent: Sendable {
    public let position: Int64
    public let streamVersion: Int64
    public let type: String
    public let schemaVersion: Int
    public let payload: Data
    public let causationID: UUID?
    /// The payload as appended, when the appender had it.
    let decodedPayload: DomainEvent?

    /// An event read back from the log.
    public init(_ envelope: RecordedEvent) {
        position = envelope.position
        streamVersion = envelope.streamVersion
        type = envelope.type
        schemaVersion = envelope.schemaVersion
        payload = envelope.payload
        causationID = envelope.causationID
        decodedPayload = nil
    }

    /// An event just appended at `position`, leaving the stream at `streamVersion`.
    init(_ event: NewEvent, decoded: DomainEvent?, position: Int64, streamVersion: Int64) {
        self.position = position
        self.streamVersion = streamVersion
        type = event.type
        schemaVersion = event.schemaVersion
        payload = event.payload
        causationID = event.causationID
        decodedPayload = decoded
    }

    func decoded() throws -> DomainEvent {
        if let decodedPayload { return decodedPayload }
        return try EventCatalog.decode(type: type, schemaVersion: schemaVersion, payload: payload)
    }

    /// The current-version fields of the payload.
    func fields() throws -> JSONFields {
        let current = try EventCatalog.currentPayload(type: type, schemaVersion: schemaVersion, payload: payload) ?? payload
        guard let fields = JSONFields([UInt8](current)) else {
            throw EventDecodingError(type: type, schemaVersion: schemaVersion, reason: "payload is not a JSON object")
        }
        return fields
    }
}

extension RecordedEvent {
    var causationID: UUID? { metadata.causationID }
}

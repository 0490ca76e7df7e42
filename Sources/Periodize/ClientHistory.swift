import Coaching
import EventLog
import Events
import Foundation
import Projections

/// Everything the log holds about one client, folded from stream `client-<id>`: the state a
/// coaching decision starts from. Each value keeps the position of the event it came from,
/// so decisions can name their inputs.
///
/// Breakdowns and workouts are kept as their stored bytes and decoded when asked for: a
/// client's stream grows by a workout a day, and decoding every one of them on every read
/// would make each tick slower than the last.
public struct ClientHistory: Sendable {
    public var client: ClientEnrolled?
    public var clientPosition: Int64?
    public var plan: PlanCreated?
    public var planPosition: Int64?
    /// Local dates that have their daily message.
    public var dailyMessages: Set<LocalDate> = []
    /// Local dates (Sundays) that have their weekly overview.
    public var weeklyMessages: Set<LocalDate> = []
    /// Failed attempts at each local date's daily message.
    public var dailyFailures: [LocalDate: Int] = [:]
    /// Local dates whose daily message failed for good (not to be tried again).
    public var undeliverable: Set<LocalDate> = []
    /// The stream's version: the expected version of the next append.
    public var version: Int64 = 0

    /// An event kept undecoded until it is needed.
    struct Stored: Sendable {
        let envelope: RecordedEvent?
        let decoded: DomainEvent?
        let position: Int64
    }

    /// Breakdowns of the current plan by mesocycle index (the latest wins).
    private var storedBreakdowns: [Int: Stored] = [:]
    /// Workouts by local date (the latest wins).
    private var storedWorkouts: [LocalDate: Stored] = [:]

    public init() {}

    /// The latest clean-slate migration, as the read side applies it.
    public struct CleanSlate: Sendable, Equatable {
        /// The `MigrationApplied` event's id, which is the migration's id.
        public var migrationID: UUID
        public var appliedPosition: Int64
        public var reverted: Bool

        public init(migrationID: UUID, appliedPosition: Int64, reverted: Bool) {
            self.migrationID = migrationID
            self.appliedPosition = appliedPosition
            self.reverted = reverted
        }

        /// Whether a breakdown or workout at `envelope` is in the current view: training from
        /// before an applied migration is not; what a reverted migration appended is not.
        func admits(_ envelope: RecordedEvent) -> Bool {
            reverted ? envelope.metadata.causationID != migrationID : envelope.position > appliedPosition
        }
    }

    /// Folds the stream's events, in order. With `cleanSlate`, training outside the current
    /// view (see ``CleanSlate``) is left out.
    public init(_ events: [RecordedEvent], cleanSlate: CleanSlate? = nil) throws {
        for envelope in events {
            version = envelope.streamVersion
            if let cleanSlate, envelope.type == MesocycleBroken.eventType || envelope.type == WorkoutGenerated.eventType,
               !cleanSlate.admits(envelope) {
                continue
            }
            switch envelope.type {
            case ClientEnrolled.eventType, ClientUpdated.eventType, PlanCreated.eventType:
                switch try EventCatalog.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload) {
                case .clientEnrolled(let c):
                    client = c
                    clientPosition = envelope.position
                case .clientUpdated(let update):
                    client = client.map(update.applied)
                    clientPosition = envelope.position
                case .planCreated(let p):
                    plan = p
                    planPosition = envelope.position
                    storedBreakdowns = [:]
                default:
                    break
                }
            case MesocycleBroken.eventType:
                let fields = try Self.fields(envelope)
                guard fields.string("planId") == plan?.planId, let index = fields.object("mesocycle")?.int("index") else { continue }
                storedBreakdowns[Int(index)] = Stored(envelope: envelope, decoded: nil, position: envelope.position)
            case WorkoutGenerated.eventType:
                guard let date = try Self.fields(envelope).string("date").flatMap({ LocalDate($0) }) else { continue }
                storedWorkouts[date] = Stored(envelope: envelope, decoded: nil, position: envelope.position)
            case MessageFailed.eventType:
                let fields = try Self.fields(envelope)
                guard fields.string("kind") == MessageKind.daily.rawValue, let date = fields.string("localDate").flatMap({ LocalDate($0) }) else { continue }
                dailyFailures[date, default: 0] += 1
                if fields.bool("retryable") == false { undeliverable.insert(date) }
            case MessageSent.eventType:
                let fields = try Self.fields(envelope)
                guard fields.string("direction") != MessageDirection.inbound.rawValue,
                      let date = fields.string("localDate").flatMap({ LocalDate($0) }) else { continue }
                switch fields.string("kind") {
                case MessageKind.daily.rawValue: dailyMessages.insert(date)
                case MessageKind.weekly.rawValue: weeklyMessages.insert(date)
                default: break
                }
            default:
                break
            }
        }
    }

    /// The current-version fields of a stored payload.
    static func fields(_ envelope: RecordedEvent) throws -> JSONFields {
        let payload = try EventCatalog.currentPayload(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload) ?? envelope.payload
        guard let fields = JSONFields([UInt8](payload)) else {
            throw EventDecodingError(type: envelope.type, schemaVersion: envelope.schemaVersion, reason: "payload is not a JSON object")
        }
        return fields
    }

    static func decode(_ stored: Stored) throws -> DomainEvent {
        if let decoded = stored.decoded { return decoded }
        let envelope = stored.envelope!
        return try EventCatalog.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
    }

    /// Mesocycle indexes of the current plan that are broken down.
    public var brokenDownMesocycles: [Int] { storedBreakdowns.keys.sorted() }

    /// The breakdown of mesocycle `index` of the current plan, decoded.
    public func breakdown(_ index: Int) throws -> (event: MesocycleBroken, position: Int64)? {
        guard let stored = storedBreakdowns[index], case .mesocycleBroken(let event) = try Self.decode(stored) else { return nil }
        return (event, stored.position)
    }

    /// The workout for `date`, decoded.
    public func workout(on date: LocalDate) throws -> (event: WorkoutGenerated, position: Int64)? {
        guard let stored = storedWorkouts[date], case .workoutGenerated(let event) = try Self.decode(stored) else { return nil }
        return (event, stored.position)
    }

    /// Records what was just appended.
    mutating func record(_ breakdown: MesocycleBroken, at position: Int64, version: Int64) {
        storedBreakdowns[breakdown.mesocycle.index] = Stored(envelope: nil, decoded: .mesocycleBroken(breakdown), position: position)
        self.version = version
    }

    mutating func record(_ workout: WorkoutGenerated, at position: Int64, version: Int64) {
        storedWorkouts[workout.date] = Stored(envelope: nil, decoded: .workoutGenerated(workout), position: position)
        self.version = version
    }

    /// One day of a broken-down week, with what the workout rules need to know about it.
    public struct ScheduledDay: Sendable, Equatable {
        public let day: DayPlan
        public let weekIndex: Int
        public let isDeloadWeek: Bool
        public let planId: String
        public let breakdownPosition: Int64
    }

    /// The day plan for `date` in breakdown `index`, read from the stored payload's fields
    /// (a breakdown is the largest event a client has; decoding it whole for one day cost more
    /// than the rest of the daily job).
    public func scheduledDay(_ date: LocalDate, mesocycle index: Int) throws -> ScheduledDay? {
        guard let stored = storedBreakdowns[index] else { return nil }
        if let decoded = stored.decoded, case .mesocycleBroken(let broken) = decoded {
            guard let week = broken.microcycles.first(where: { $0.startDate <= date && date < $0.startDate.adding(days: 7) }),
                  let day = week.days.first(where: { $0.day.isoNumber == date.isoWeekday }) else { return nil }
            return ScheduledDay(day: day, weekIndex: week.weekIndex, isDeloadWeek: broken.mesocycle.deload && week.index == broken.microcycles.count - 1,
                                planId: broken.planId, breakdownPosition: stored.position)
        }
        let fields = try Self.fields(stored.envelope!)
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

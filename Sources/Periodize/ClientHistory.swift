import Coaching
import EventLog
import Events
import Foundation

/// Everything the log holds about one client, folded from stream `client-<id>`: the state a
/// coaching decision starts from. Each value keeps the position of the event it came from,
/// so decisions can name their inputs.
public struct ClientHistory: Sendable {
    public var client: ClientEnrolled?
    public var clientPosition: Int64?
    public var plan: PlanCreated?
    public var planPosition: Int64?
    /// Breakdowns of the current plan, by mesocycle index (the latest wins).
    public var breakdowns: [Int: (event: MesocycleBroken, position: Int64)] = [:]
    /// Workouts by local date (the latest wins).
    public var workouts: [LocalDate: (event: WorkoutGenerated, position: Int64)] = [:]
    /// Local dates that have their daily message.
    public var dailyMessages: Set<LocalDate> = []
    /// The stream's version: the expected version of the next append.
    public var version: Int64 = 0

    public init() {}

    /// Folds the stream's events, in order.
    public init(_ events: [RecordedEvent]) throws {
        for envelope in events {
            version = envelope.streamVersion
            switch try EventCatalog.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload) {
            case .clientEnrolled(let c):
                client = c
                clientPosition = envelope.position
            case .planCreated(let p):
                plan = p
                planPosition = envelope.position
                breakdowns = [:]
            case .mesocycleBroken(let m) where m.planId == plan?.planId:
                breakdowns[m.mesocycle.index] = (m, envelope.position)
            case .workoutGenerated(let w):
                workouts[w.date] = (w, envelope.position)
            case .messageSent(let m) where m.kind == .daily && m.direction == .outbound:
                if let date = m.localDate { dailyMessages.insert(date) }
            default:
                break
            }
        }
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

    /// Workouts of the seven days before `date`.
    public func recentWorkouts(before date: LocalDate) -> [(event: WorkoutGenerated, position: Int64)] {
        (1...7).compactMap { workouts[date.adding(days: -$0)] }.reversed()
    }
}

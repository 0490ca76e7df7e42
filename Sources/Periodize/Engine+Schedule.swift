import Coaching
import EventLog
import Events
import Foundation
import Projections

extension Engine {
    /// Clients handled at once by a tick or a pregeneration without a model coach: their
    /// appends share commits.
    public static let tickConcurrency = 64

    /// Clients handled at once by a tick or a pregeneration: 64, or twice the model coach's
    /// concurrency, so its slots stay busy while other clients read and append.
    public var defaultConcurrency: Int { max(Self.tickConcurrency, 2 * coach.concurrency) }

    /// What an hourly tick did.
    public struct TickReport: Sendable, Equatable {
        public var clients: Int
        /// Daily messages queued now.
        public var queued: Int
        /// Due clients whose day's message was queued (or sent) before.
        public var alreadyQueued: Int
        public var notDue: Int
        /// Due clients whose local date has no plan to coach from (before its start, after
        /// its end, or no plan yet).
        public var outsidePlan: Int
        /// Weekly overviews queued (on clients' local Sundays).
        public var weekly: Int
        /// Due clients whose message failed for good earlier (not tried again).
        public var undeliverable: Int
        /// Due clients whose day is skipped or paused.
        public var resting = 0
        public var failed: [String]
        /// What the delivery worker did after queueing.
        public var delivery = DeliveryReport()
        /// Asked to stop before every client was taken up: the rest wait for the next tick.
        public var stoppedEarly = false
    }

    /// Every active client whose local time has reached their send hour and who has no daily
    /// message for their local date gets one queued; missed hours catch up. Clients are handled
    /// `concurrency` at a time, so their appends share commits (group commit). Then the queue
    /// is drained (``deliver(at:limit:shouldStop:)``) unless `deliver` is false.
    ///
    /// - Parameter shouldStop: asked before each client is taken up; once it says yes, the
    ///   clients in hand are finished and the rest left to the next tick (which catches up).
    public func tick(
        now: Date? = nil, concurrency: Int? = nil, deliver drain: Bool = true, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> TickReport {
        let concurrency = concurrency ?? defaultConcurrency
        let instant = now ?? clock()
        let clients = try await readModels.scheduledClients()
        // Read once for the whole tick: a migration is not applied while clients are coached.
        let cleanSlate = try await readModels.latestMigration(named: Self.cleanSlate)
        enum Outcome: Sendable { case queued(weekly: Bool), alreadyQueued(weekly: Bool), notDue, outsidePlan, undeliverable, resting, failed(String) }
        @Sendable func handle(_ scheduled: ScheduledClient) async -> Outcome {
            let clientID = scheduled.clientID
            do {
                let calendar = try ClientCalendar.inForce(home: scheduled.timezone, stays: scheduled.stays, at: instant)
                guard calendar.isDue(sendHour: scheduled.sendHour, at: instant) else { return .notDue }
                let date = calendar.localDate(at: instant)
                let exists = try await readModels.hasDailyMessage(clientID: clientID, on: date)
                let sunday = date.isoWeekday == 7
                if exists, !sunday { return .alreadyQueued(weekly: false) }
                var state = try await loadState(clientID, cleanSlate: .some(cleanSlate))
                guard let client = state.client, state.mesocycle(containing: date) != nil else { return .outsidePlan }
                if state.undeliverable.contains(date) { return .undeliverable }
                // A skipped day or a pause: no message (the pause ends by itself).
                if state.isResting(on: date) { return .resting }
                var queued = false
                if !exists { ((_, queued), state) = try await sendDaily(state, client: client, day: date, at: instant) }
                let weekly = sunday ? try await sendWeekly(state, client: client, sunday: date, at: instant).output : false
                return queued ? .queued(weekly: weekly) : .alreadyQueued(weekly: weekly)
            } catch {
                return .failed("\(clientID): \(error)")
            }
        }
        var report = TickReport(clients: clients.count, queued: 0, alreadyQueued: 0, notDue: 0, outsidePlan: 0, weekly: 0, undeliverable: 0, failed: [])
        await Self.concurrently(clients, limit: concurrency, until: shouldStop, handle) { outcome in
            switch outcome {
            case .queued(let weekly):
                report.queued += 1
                if weekly { report.weekly += 1 }
            case .alreadyQueued(let weekly):
                report.alreadyQueued += 1
                if weekly { report.weekly += 1 }
            case .notDue: report.notDue += 1
            case .outsidePlan: report.outsidePlan += 1
            case .undeliverable: report.undeliverable += 1
            case .resting: report.resting += 1
            case .failed(let reason): report.failed.append(reason)
            }
        }
        report.failed.sort()
        report.stoppedEarly = shouldStop()
        if drain, !report.stoppedEarly { report.delivery = try await deliver(at: now, shouldStop: shouldStop) }
        return report
    }

    /// What `pregenerate` did.
    public struct PregenerateReport: Sendable, Equatable {
        public var clients = 0
        /// Workouts generated now.
        public var generated = 0
        /// Workouts that already existed.
        public var existing = 0
        public var restDays = 0
        /// Clients whose plan does not cover the date.
        public var outsidePlan = 0
        /// Generated workouts whose model attempts were spent (the rules made them).
        public var fellBack = 0
        public var failed: [String] = []
    }

    /// Generates every active client's workout for their local `date` ahead of time (in quiet
    /// hours, say), so the morning's tick only formats and sends. A workout that exists is
    /// kept.
    public func pregenerate(date: LocalDate, concurrency: Int? = nil) async throws -> PregenerateReport {
        let clients = try await activeClientIDs()
        let cleanSlate = try await readModels.latestMigration(named: Self.cleanSlate)
        enum Outcome: Sendable { case generated(fellBack: Bool), existing, rest, outsidePlan, failed(String) }
        var report = PregenerateReport(clients: clients.count)
        await Self.concurrently(clients, limit: concurrency ?? defaultConcurrency, { clientID -> Outcome in
            do {
                let state = try await self.loadState(clientID, cleanSlate: .some(cleanSlate))
                guard let client = state.client, state.mesocycle(containing: date) != nil else { return .outsidePlan }
                if try state.workout(on: date) != nil { return .existing }
                guard let workout = try await self.dailyWorkout(state, client: client, day: date).output.workout else { return .rest }
                return .generated(fellBack: workout.decision?.fallbackReason != nil)
            } catch {
                return .failed("\(clientID): \(error)")
            }
        }) { (outcome: Outcome) in
            switch outcome {
            case .generated(let fellBack):
                report.generated += 1
                if fellBack { report.fellBack += 1 }
            case .existing: report.existing += 1
            case .rest: report.restDays += 1
            case .outsidePlan: report.outsidePlan += 1
            case .failed(let reason): report.failed.append(reason)
            }
        }
        report.failed.sort()
        return report
    }

    /// Ids of active, opted-in clients, from the read-models.
    public func activeClientIDs() async throws -> [String] {
        try await readModels.scheduledClients().map(\.clientID)
    }

    /// Runs `body` over `inputs` with at most `limit` at a time, handing each result to
    /// `collect` as it comes (in completion order).
    static func concurrently<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], limit: Int, until stop: @Sendable () -> Bool = { false }, _ body: @escaping @Sendable (Input) async -> Output,
        collect: (Output) -> Void
    ) async {
        await withTaskGroup(of: Output.self) { group in
            var next = inputs.makeIterator()
            func add() -> Bool {
                guard !stop(), let input = next.next() else { return false }
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
}

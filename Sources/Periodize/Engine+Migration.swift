import Coaching
import EventLog
import Events
import Foundation
import Projections

/// What `migrate clean-slate` did, or would do.
public struct CleanSlateReport: Sendable, Equatable {
    public var migrationID: String
    /// The `MigrationApplied` position; nil on a dry run.
    public var position: Int64?
    public var dryRun: Bool
    /// Already applied before this run: nothing was appended (but what a crash left undone).
    public var alreadyApplied: Bool
    public var effects: [String: Int]
    /// Clients whose current mesocycle was broken down afresh (and told).
    public var regenerated: [String]
    /// Clients regenerated or told by this run (on a second run: what an interrupted first
    /// run left undone, normally 0).
    public var completedNow: Int
}

extension Engine {
    /// The migration's name in `MigrationApplied` and on the command line.
    public static let cleanSlate = "clean-slate"
    /// The version of the migration's code, recorded in `MigrationApplied`.
    public static let cleanSlateCodeVersion = "clean-slate 1 (periodize)"

    /// The clean-slate migration as a replay: appends `MigrationApplied`, after which the
    /// read-models show plans converted (every macrocycle's mesocycles), training from before
    /// it archived, and, for every active client whose plan covers their local today, the
    /// current mesocycle broken down afresh (caused by the migration) and a reset notice sent.
    /// Nothing is deleted; `revertCleanSlate` undoes it. A second run appends nothing (it
    /// finishes what an interrupted run left, if anything). `dryRun` reports without appending.
    public func migrateCleanSlate(dryRun: Bool = false) async throws -> CleanSlateReport {
        let current = try await readModels.latestMigration(named: Self.cleanSlate)
        let survey = try await readModels.cleanSlateSurvey()
        let counts = survey.counts
        let (targets, outside) = try cleanSlateTargets(survey.candidates)
        if let current, !current.reverted {
            return try await finish(current, dryRun: dryRun, targets: targets, resuming: true)
        }
        var effects = counts
        effects["clientsRegenerated"] = targets.count
        effects["clientsOutsideTheirPlan"] = outside
        effects["noticesSent"] = targets.count
        let id = ids()
        let migrationID = id.uuidString.lowercased()
        guard !dryRun else {
            return CleanSlateReport(migrationID: migrationID, position: nil, dryRun: true, alreadyApplied: false, effects: effects, regenerated: targets, completedNow: 0)
        }
        let applied = MigrationApplied(migrationId: migrationID, name: Self.cleanSlate, codeVersion: Self.cleanSlateCodeVersion, effects: effects)
        let version = try await store.streamVersion(Self.migrationsStream)
        let result = try await append(applied, to: Self.migrationsStream, expected: version == 0 ? .noStream : .exact(version), id: id, actor: .migration)
        let state = MigrationState(migrationID: id, appliedPosition: result.positions[0], reverted: false)
        var report = try await finish(state, dryRun: false, targets: targets, resuming: false)
        report.effects = effects
        return report
    }

    /// Active, opted-in clients whose plan covers their local today (regenerated and told),
    /// and how many others have a plan that does not.
    private func cleanSlateTargets(_ candidates: [CleanSlateSurvey.Candidate]) throws -> (targets: [String], outside: Int) {
        var targets: [String] = []
        for candidate in candidates {
            guard candidate.optedIn, let start = candidate.start else { continue }
            let today = try ClientCalendar(timeZone: candidate.timezone).localDate(at: clock())
            let week = ClientCalendar.weekIndex(of: today, planStart: start)
            if today >= start, week < candidate.weeks { targets.append(candidate.clientID) }
        }
        return (targets, candidates.count - targets.count)
    }

    /// Regenerates and notifies the migration's targets that are not done yet; `resuming` when
    /// the migration was applied by an earlier run.
    private func finish(_ state: MigrationState, dryRun: Bool, targets given: [String], resuming: Bool) async throws -> CleanSlateReport {
        let migrationID = state.migrationID.uuidString.lowercased()
        let migration = state.migrationID
        let inForce = state
        let effects = try await readModels.migration(id: migrationID)?.effects ?? [:]
        // Who the migration regenerates: recorded with its weeks, or still to do.
        let recorded = try await readModels.clientsRegenerated(byMigration: migrationID)
        let targets = resuming ? Array(Set(given).union(recorded)).sorted() : given
        var regenerated: [String] = []
        var completed = 0
        var failures: [String] = []
        // Clients at a time, so their appends share commits.
        await Self.concurrently(targets, limit: 32, { clientID -> (String, Bool, String?) in
            do {
                var state = try await self.loadState(clientID, cleanSlate: .some(inForce))
                guard let client = state.client else { return (clientID, false, nil) }
                let today = try self.localToday(of: state)
                let done = try await self.readModels.hasBreakdown(clientID: clientID, causedByMigration: migrationID)
                var changed = false
                if !done, !dryRun, state.mesocycle(containing: today) != nil {
                    state = try await self.execute(client: clientID, state: state) { state in
                        try await self.ensureBreakdown(state, date: today, again: true, causation: migration)
                    }.state
                    changed = true
                }
                if !dryRun, try await self.sendNotice(state, client: client, migrationID: migration, date: today) { changed = true }
                return (clientID, changed, nil)
            } catch {
                return (clientID, false, "\(clientID): \(error)")
            }
        }) { (outcome: (String, Bool, String?)) in
            if let failure = outcome.2 { failures.append(failure); return }
            regenerated.append(outcome.0)
            if outcome.1 { completed += 1 }
        }
        guard failures.isEmpty else {
            // The migration stays applied; running it again finishes these clients.
            throw CoachingError(.incomplete, "clean-slate could not finish \(failures.count) client(s) (run it again to finish them): \(failures.sorted().prefix(3).joined(separator: "; "))")
        }
        regenerated.sort()
        return CleanSlateReport(
            migrationID: migrationID, position: state.appliedPosition, dryRun: dryRun, alreadyApplied: resuming,
            effects: effects, regenerated: regenerated, completedNow: completed)
    }

    /// The reset notice, in the spirit of the original: plan updated, history reset, this week
    /// regenerated, nothing to do. Queued once per client and migration (its id is derived from
    /// both); the delivery worker sends it.
    @discardableResult
    func sendNotice(_ state: ClientState, client: ClientEnrolled, migrationID: UUID, date: LocalDate) async throws -> Bool {
        let id = Self.nameBasedID("notice|\(migrationID.uuidString.lowercased())|\(client.clientId)")
        let text = "\(DailyMessage.firstName(of: client.name)), we've updated your training plan to our new format and reset your "
            + "workout history. This week has been regenerated for you. Nothing to do: your next workout arrives as usual."
        // Queued or sent already, or failed for good before the queue: nothing to do.
        guard try await !readModels.messageRecorded(id: id.uuidString.lowercased()), !state.undeliverableMessages.contains(id.uuidString.lowercased()) else {
            return false
        }
        do {
            return try await execute(client: client.clientId, state: state) { state in
                let queued = try queuedEvents(
                    [text], kind: .notice, id: id, clientID: client.clientId, localDate: date, expiresAt: nil, at: nil, causation: migrationID, actor: .migration)
                return .appendThenFinish(PendingEvents(events: queued, expected: .any)) { result in !result.alreadyStored }
            }.output
        } catch let error as EventStoreError where error.code == .eventIDReused {
            return false
        }
    }

    /// Rolls the clean-slate migration back: appends `MigrationReverted`, after which the
    /// read-models show the pre-migration training again and withdraw the weeks the migration
    /// appended. The history keeps both.
    public func revertCleanSlate(reason: String?) async throws -> (migrationID: String, position: Int64) {
        guard let current = try await readModels.latestMigration(named: Self.cleanSlate), !current.reverted else {
            throw CoachingError(.nothingToDo, "no clean-slate migration is applied; nothing to revert")
        }
        let migrationID = current.migrationID.uuidString.lowercased()
        let version = try await store.streamVersion(Self.migrationsStream)
        let result = try await append(
            MigrationReverted(migrationId: migrationID, name: Self.cleanSlate, reason: reason), to: Self.migrationsStream,
            expected: .exact(version), causation: current.migrationID, actor: .migration)
        return (migrationID, result.positions[0])
    }
}

extension Engine {
    /// A client's archived mesocycles, weeks and workouts, oldest first.
    public func archive(of clientID: String) async throws -> [ArchivedTraining] {
        try await readModels.archive(of: clientID)
    }

    /// The prompt stored under `hash`, from the read-models.
    public func prompt(hash: String, clientID: String) async throws -> PromptRecorded? {
        try await readModels.prompt(hash: hash, clientID: clientID)
    }
}

extension Engine {
    /// What caused the event at `position`, when a migration did: e.g.
    /// `migration clean-slate 3e6a... (MigrationApplied at position 66)`.
    public func migrationCause(ofEventAt position: Int64) async throws -> String? {
        var events: [RecordedEvent] = []
        for try await event in store.readAll(from: position, batchSize: 1) {
            events.append(event)
            break
        }
        guard let event = events.first, event.position == position, let causation = event.metadata.causationID else { return nil }
        let id = causation.uuidString.lowercased()
        return try await readModels.migration(id: id).map { migration in
            let reverted = migration.revertedPosition.map { ", reverted at position \($0)" } ?? ""
            return "migration \(migration.name) \(id) (MigrationApplied at position \(migration.appliedPosition)\(reverted))"
        }
    }
}

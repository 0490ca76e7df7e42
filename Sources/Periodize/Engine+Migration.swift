import Coaching
import EventLog
import Events
import Foundation
import GRDB

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

    /// The latest clean-slate migration, from the migrations read-model.
    static func cleanSlate(_ db: Database) throws -> ClientHistory.CleanSlate? {
        // Read with every client history: a cached statement, not one prepared each time.
        let statement = try db.cachedStatement(sql: """
            SELECT migration_id, applied_position, reverted_position FROM migrations WHERE name = ?
            ORDER BY applied_position DESC LIMIT 1
            """)
        guard let row = try Row.fetchOne(statement, arguments: [cleanSlate]), let id = UUID(uuidString: row[0]) else { return nil }
        return ClientHistory.CleanSlate(migrationID: id, appliedPosition: row[1], reverted: (row[2] as Int64?) != nil)
    }

    /// The clean-slate migration as a replay: appends `MigrationApplied`, after which the
    /// read-models show plans converted (every macrocycle's mesocycles), training from before
    /// it archived, and, for every active client whose plan covers their local today, the
    /// current mesocycle broken down afresh (caused by the migration) and a reset notice sent.
    /// Nothing is deleted; `revertCleanSlate` undoes it. A second run appends nothing (it
    /// finishes what an interrupted run left, if anything). `dryRun` reports without appending.
    public func migrateCleanSlate(dryRun: Bool = false) async throws -> CleanSlateReport {
        let (current, counts, candidates) = try await store.database.read { db -> (ClientHistory.CleanSlate?, [String: Int], [Candidate]) in
            let current = try Self.cleanSlate(db)
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let counts = [
                "plansConverted": try count("SELECT count(*) FROM fitness_plans WHERE is_current = 1 AND schema_version = 1"),
                "plansWithSeveralMacrocycles": try count("SELECT count(*) FROM fitness_plans WHERE is_current = 1 AND schema_version = 1 AND json_array_length(legacy_macrocycles) > 1"),
                "plansWithoutMacrocycles": try count("SELECT count(*) FROM fitness_plans WHERE is_current = 1 AND schema_version = 1 AND json_array_length(legacy_macrocycles) = 0"),
                "mesocyclesArchived": try count("SELECT count(*) FROM mesocycles WHERE archived_by IS NULL"),
                "microcyclesArchived": try count("SELECT count(*) FROM microcycles WHERE archived_by IS NULL"),
                "workoutsArchived": try count("SELECT count(*) FROM workouts WHERE archived_by IS NULL"),
            ]
            // Active clients with a plan; inactive ones get neither weeks nor a notice.
            let candidates = try Row.fetchAll(db, sql: """
                SELECT c.client_id, c.timezone, c.opted_in, p.start_date, p.macrocycle_weeks FROM clients c
                JOIN fitness_plans p ON p.client_id = c.client_id AND p.is_current = 1
                WHERE c.is_active = 1 ORDER BY c.client_id
                """).map { Candidate(clientID: $0[0], zone: $0[1], optedIn: $0[2], start: LocalDate($0[3] as String), weeks: $0[4]) }
            return (current, counts, candidates)
        }
        let (targets, outside) = try cleanSlateTargets(candidates)
        if let current, !current.reverted {
            return try await finish(current, dryRun: dryRun, targets: targets, resuming: true)
        }
        var effects = counts
        effects["clientsRegenerated"] = targets.count
        effects["clientsOutsideTheirPlan"] = outside
        effects["noticesSent"] = targets.count
        let id = options.ids()
        let migrationID = id.uuidString.lowercased()
        guard !dryRun else {
            return CleanSlateReport(migrationID: migrationID, position: nil, dryRun: true, alreadyApplied: false, effects: effects, regenerated: targets, completedNow: 0)
        }
        let applied = MigrationApplied(migrationId: migrationID, name: Self.cleanSlate, codeVersion: Self.cleanSlateCodeVersion, effects: effects)
        let version = try await store.streamVersion(Self.migrationsStream)
        let result = try await append(applied, to: Self.migrationsStream, expected: version == 0 ? .noStream : .exact(version), id: id, actor: "migration")
        let state = ClientHistory.CleanSlate(migrationID: id, appliedPosition: result.positions[0], reverted: false)
        var report = try await finish(state, dryRun: false, targets: targets, resuming: false)
        report.effects = effects
        return report
    }

    /// An active client with a plan, as the read-models have them.
    struct Candidate: Sendable {
        let clientID: String
        let zone: String
        let optedIn: Bool
        let start: LocalDate?
        let weeks: Int
    }

    /// Active, opted-in clients whose plan covers their local today (regenerated and told),
    /// and how many others have a plan that does not.
    private func cleanSlateTargets(_ candidates: [Candidate]) throws -> (targets: [String], outside: Int) {
        var targets: [String] = []
        for candidate in candidates {
            guard candidate.optedIn, let start = candidate.start else { continue }
            let today = try ClientCalendar(timeZone: candidate.zone).localDate(at: options.clock())
            let week = ClientCalendar.weekIndex(of: today, planStart: start)
            if today >= start, week < candidate.weeks { targets.append(candidate.clientID) }
        }
        return (targets, candidates.count - targets.count)
    }

    /// Regenerates and notifies the migration's targets that are not done yet; `resuming` when
    /// the migration was applied by an earlier run.
    private func finish(_ state: ClientHistory.CleanSlate, dryRun: Bool, targets given: [String], resuming: Bool) async throws -> CleanSlateReport {
        let migrationID = state.migrationID.uuidString.lowercased()
        let (effects, recorded): ([String: Int], [String]) = try await store.database.read { db in
            let effects = try String.fetchOne(db, sql: "SELECT effects FROM migrations WHERE migration_id = ?", arguments: [migrationID])
                .flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.utf8)) } ?? [:]
            // Who the migration regenerates: recorded with its weeks, or still to do.
            return (effects, try String.fetchAll(db, sql: "SELECT DISTINCT client_id FROM mesocycles WHERE caused_by = ?", arguments: [migrationID]))
        }
        let targets = resuming ? Array(Set(given).union(recorded)).sorted() : given
        var regenerated: [String] = []
        var completed = 0
        var failures: [String] = []
        // Clients at a time, so their appends share commits.
        await Self.concurrently(targets, limit: 32, { clientID -> (String, Bool, String?) in
            do {
                var history = try await self.history(of: clientID)
                guard let client = history.client else { return (clientID, false, nil) }
                let today = try self.localToday(for: client)
                let done = try await self.store.database.read { db in
                    try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mesocycles WHERE client_id = ? AND caused_by = ?)", arguments: [clientID, migrationID]) ?? false
                }
                var changed = false
                if !done, !dryRun, history.mesocycle(containing: today) != nil {
                    (_, history) = try await self.ensureBreakdown(history, client: client, date: today, again: true, causation: state.migrationID)
                    changed = true
                }
                if !dryRun, try await self.sendNotice(client: client, migrationID: migrationID, date: today) { changed = true }
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
            throw CoachingError("clean-slate could not finish \(failures.count) client(s) (run it again to finish them): \(failures.sorted().prefix(3).joined(separator: "; "))")
        }
        regenerated.sort()
        return CleanSlateReport(
            migrationID: migrationID, position: state.appliedPosition, dryRun: dryRun, alreadyApplied: resuming,
            effects: effects, regenerated: regenerated, completedNow: completed)
    }

    /// The reset notice, in the spirit of the original: plan updated, history reset, this week
    /// regenerated, nothing to do. Once per client and migration (its id is derived from both).
    @discardableResult
    func sendNotice(client: ClientEnrolled, migrationID: String, date: LocalDate) async throws -> Bool {
        let id = Self.nameBasedID("notice|\(migrationID)|\(client.clientId)")
        let text = "\(Self.smsFirstName(client.name)), we've updated your training plan to our new format and reset your "
            + "workout history. This week has been regenerated for you. Nothing to do: your next workout arrives as usual."
        let exists = try await store.database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE message_id = ?)", arguments: [id.uuidString.lowercased()]) ?? false
        }
        guard !exists else { return false }
        let providerID = try await options.sender.send(text, to: client.phoneNumber, messageID: id)
        let result = try await recordSent(
            text, kind: .notice, id: id, client: client, localDate: date, providerID: providerID, at: nil,
            causation: UUID(uuidString: migrationID), actor: "migration")
        return !result.alreadyStored
    }

    /// Rolls the clean-slate migration back: appends `MigrationReverted`, after which the
    /// read-models show the pre-migration training again and withdraw the weeks the migration
    /// appended. The history keeps both.
    public func revertCleanSlate(reason: String?) async throws -> (migrationID: String, position: Int64) {
        guard let current = try await store.database.read({ db in try Self.cleanSlate(db) }), !current.reverted else {
            throw CoachingError("no clean-slate migration is applied; nothing to revert")
        }
        let migrationID = current.migrationID.uuidString.lowercased()
        let version = try await store.streamVersion(Self.migrationsStream)
        let result = try await append(
            MigrationReverted(migrationId: migrationID, name: Self.cleanSlate, reason: reason), to: Self.migrationsStream,
            expected: .exact(version), causation: current.migrationID, actor: "migration")
        return (migrationID, result.positions[0])
    }
}

/// A row of training a migration took out of the current view (or a reverted migration
/// withdrew).
public struct ArchivedTraining: Sendable, Codable, Equatable {
    /// `mesocycle`, `week` or `workout`.
    public var kind: String
    public var description: String
    public var position: Int64
    /// `<migration id>`, or `reverted:<migration id>`.
    public var archivedBy: String
}

extension Engine {
    /// A client's archived mesocycles, weeks and workouts, oldest first.
    public func archive(of clientID: String) async throws -> [ArchivedTraining] {
        try await store.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT 'mesocycle', 'mesocycle ' || (mesocycle_index + 1) || ' ' || name || ', ' || weeks || ' weeks from ' || start_date, position, archived_by, 0
                FROM mesocycles WHERE client_id = ? AND archived_by IS NOT NULL
                UNION ALL
                SELECT 'week', 'week ' || (microcycle_index + 1) || ' of mesocycle ' || (mesocycle_index + 1) || ', ' || start_date || ' to ' || end_date
                    || coalesce(', targets ' || legacy_targets, ''), position, archived_by, 1
                FROM microcycles WHERE client_id = ? AND archived_by IS NOT NULL
                UNION ALL
                SELECT 'workout', workout_date || ' ' || theme, position, archived_by, 2
                FROM workouts WHERE client_id = ? AND archived_by IS NOT NULL
                ORDER BY 3, 5, 2
                """, arguments: [clientID, clientID, clientID]).map {
                ArchivedTraining(kind: $0[0], description: $0[1], position: $0[2], archivedBy: $0[3])
            }
        }
    }
}

extension Engine {
    /// What caused the event at `position`, when a migration did: e.g.
    /// `migration clean-slate 3e6a... (MigrationApplied at position 66)`.
    public func migrationCause(ofEventAt position: Int64) async throws -> String? {
        try await store.database.read { db in
            guard let event = try SQLiteEventStore.events(from: position, limit: 1, db).first, event.position == position,
                  let causation = event.metadata.causationID else { return nil }
            let id = causation.uuidString.lowercased()
            return try Row.fetchOne(db, sql: "SELECT name, applied_position, reverted_position FROM migrations WHERE migration_id = ?", arguments: [id]).map { row in
                let reverted = (row[2] as Int64?).map { ", reverted at position \($0)" } ?? ""
                return "migration \(row[0] as String) \(id) (MigrationApplied at position \(row[1] as Int64)\(reverted))"
            }
        }
    }
}

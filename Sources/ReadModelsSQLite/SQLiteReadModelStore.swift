import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Projections

/// The read-models in the log's own SQLite file: kept inline by every append (this is the
/// store's append hook), answering the core's questions in SQL, rebuilt and checked here.
public final class SQLiteReadModelStore: ReadModelQueries, ReadModelMaintenance {
    public let store: SQLiteEventStore
    public let readModels: ReadModels

    init(store: SQLiteEventStore, readModels: ReadModels) {
        self.store = store
        self.readModels = readModels
    }

    /// Opens the log at `path` with `readModels` kept inline, and brings them up to date: those
    /// of another version are rebuilt blue/green, lagging ones catch up.
    ///
    /// - Throws: ``EventStoreError`` for a file that is not a Periodize log, is newer than this
    ///   build, or stays locked; ``ProjectionError`` when a stored event cannot be projected.
    public static func open(
        path: String, configuration: SQLiteEventStore.Configuration, readModels: ReadModels = ReadModels(),
        onStale: (@Sendable ([String]) -> Void)? = nil, progress: (@Sendable (String, Int64, Int64) -> Void)? = nil
    ) async throws -> SQLiteReadModelStore {
        var configuration = configuration
        configuration.hook = readModels
        let store = try SQLiteEventStore(path: path, configuration: configuration)
        do {
            let stale = try await store.database.write { db in try readModels.prepare(db) }
            if !stale.isEmpty {
                onStale?(stale)
                _ = try await readModels.rebuild(store, only: stale, progress: progress.map { p in { @Sendable in p("rebuild", $0, $1) } })
            }
            try await readModels.catchUp(store)
        } catch {
            try? store.close()
            throw error
        }
        return SQLiteReadModelStore(store: store, readModels: readModels)
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await store.database.read(body)
    }

    // MARK: Queries

    public func latestMigration(named name: String) async throws -> MigrationState? {
        try await read { db in
            // Read with every client's state: a cached statement, not one prepared each time.
            let statement = try db.cachedStatement(sql: """
                SELECT migration_id, applied_position, reverted_position FROM migrations WHERE name = ?
                ORDER BY applied_position DESC LIMIT 1
                """)
            guard let row = try Row.fetchOne(statement, arguments: [name]), let id = UUID(uuidString: row[0]) else { return nil }
            return MigrationState(migrationID: id, appliedPosition: row[1], reverted: (row[2] as Int64?) != nil)
        }
    }

    public func migration(id: String) async throws -> MigrationRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT name, applied_position, reverted_position, effects FROM migrations WHERE migration_id = ?", arguments: [id]).map { row in
                let effects = (row[3] as String?).flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.utf8)) } ?? [:]
                return MigrationRecord(name: row[0], appliedPosition: row[1], revertedPosition: row[2], effects: effects)
            }
        }
    }

    public func scheduledClients() async throws -> [ScheduledClient] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, timezone, preferred_send_hour, stays FROM clients WHERE is_active = 1 AND opted_in = 1 ORDER BY client_id")
                .map(Self.scheduled)
        }
    }

    /// A client's id, zone, send hour and stays, from those columns of `clients`.
    private static func scheduled(_ row: Row) throws -> ScheduledClient {
        let stays: String = row[3]
        return ScheduledClient(
            clientID: row[0], timezone: row[1], sendHour: row[2],
            stays: stays == "[]" ? [] : try JSONDecoder().decode([ZoneStay].self, from: Data(stays.utf8)))
    }

    public func currentWorkout(clientID: String, date: LocalDate) async throws -> CurrentWorkout {
        try await read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT position, plan_id, theme, load, blocks, modifications FROM workouts
                WHERE client_id = ? AND workout_date = ? AND archived_by IS NULL ORDER BY position DESC LIMIT 1
                """)
            if let row = try Row.fetchOne(statement, arguments: [clientID, date.description]) {
                return .found(.init(position: row[0], planID: row[1], theme: row[2], load: row[3], blocks: row[4], modifications: row[5]))
            }
            let known = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM clients WHERE client_id = ?)"), arguments: [clientID]) ?? false
            return known ? .none : .unknownClient
        }
    }

    public func calendar(clientID: String) async throws -> ScheduledClient? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT client_id, timezone, preferred_send_hour, stays FROM clients WHERE client_id = ?"), arguments: [clientID])
                .map(Self.scheduled)
        }
    }

    public func hasDailyMessage(clientID: String, on date: LocalDate) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: """
                    SELECT EXISTS (SELECT 1 FROM messages WHERE client_id = ? AND kind = 'daily' AND local_date = ?
                        AND (status = 'sent' OR queued_position IS NOT NULL))
                    """),
                arguments: [clientID, date.description]) ?? false
        }
    }

    public func messageRecorded(id: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE message_id = ? AND (status = 'sent' OR queued_position IS NOT NULL))",
                arguments: [id]) ?? false
        }
    }

    public func dueDeliveries(at now: Timestamp, limit: Int) async throws -> [DueDelivery] {
        try await read { db in
            // Only what is due, and only `limit` of it: the queue can hold a whole tick.
            let statement = try db.cachedStatement(sql: """
                SELECT message_id, client_id, kind, local_date, body, part, parts, status, attempts, expires_at, previous, queued_position, grp,
                    may_have_arrived, released_attempts, queued_at
                FROM (
                    SELECT m.*, coalesce(m.group_id, m.message_id) AS grp,
                        CASE WHEN m.part > 1 THEN (SELECT p.status FROM messages p WHERE p.group_id = m.group_id AND p.part = m.part - 1) END AS previous
                    FROM messages m
                    WHERE m.status IN ('queued', 'failed', 'sending', 'held') AND m.queued_position IS NOT NULL AND (
                        m.status = 'queued'
                        OR (m.status IN ('failed', 'held') AND m.next_attempt_at <= ?1)
                        OR (m.status = 'sending' AND m.lease_until <= ?1))
                )
                -- A later part waits while the part before it is still on its way.
                WHERE previous IS NULL OR previous NOT IN ('queued', 'sending', 'failed', 'held')
                ORDER BY queued_position
                LIMIT ?2
                """)
            return try Row.fetchAll(statement, arguments: [now.iso8601, limit]).compactMap { row -> DueDelivery? in
                guard let kind = MessageKind(rawValue: row[2]) else { return nil }
                var due = DueDelivery(
                    messageID: row[0], groupID: row[12], clientID: row[1], kind: kind, localDate: (row[3] as String?).flatMap(LocalDate.init),
                    body: row[4] ?? "", part: row[5], parts: row[6], status: row[7], attempts: row[8],
                    expiresAt: (row[9] as String?).flatMap(Timestamp.init(iso8601:)), previousPartStatus: row[10], queuedPosition: row[11])
                due.mayHaveArrived = row[13]
                due.releasedAttempts = row[14]
                due.queuedAt = (row[15] as String?).flatMap(Timestamp.init(iso8601:))
                return due
            }
        }
    }

    public func contact(clientID: String) async throws -> ClientContact? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT is_active, opted_in, phone_number FROM clients WHERE client_id = ?"), arguments: [clientID]
            ).map { ClientContact(active: $0[0], optedIn: $0[1], phoneNumber: $0[2]) }
        }
    }

    public func clientID(phoneNumber: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db.cachedStatement(sql: """
                SELECT client_id FROM clients WHERE phone_number = ? AND erased_position IS NULL
                ORDER BY is_active DESC, enrolled_position DESC LIMIT 1
                """), arguments: [phoneNumber])
        }
    }

    public func messageOwner(messageID: String?, providerMessageID: String?) async throws -> MessageOwner? {
        try await read { db in
            let columns = "SELECT message_id, client_id, kind, provider_message_id FROM messages"
            let row: Row?
            if let messageID, let found = try Row.fetchOne(db.cachedStatement(sql: "\(columns) WHERE message_id = ? AND direction = 'outbound'"), arguments: [messageID]) {
                row = found
            } else if let providerMessageID {
                row = try Row.fetchOne(db.cachedStatement(sql: "\(columns) WHERE provider_message_id = ? AND direction = 'outbound'"), arguments: [providerMessageID])
            } else {
                row = nil
            }
            return row.map { MessageOwner(messageID: $0[0], clientID: $0[1], kind: $0[2], providerMessageID: $0[3]) }
        }
    }

    public func pendingReplies(limit: Int) async throws -> [InboundText] {
        try await inboundTexts("status = 'received' AND kind = 'text' ORDER BY position LIMIT ?", limit)
    }

    public func inbox(limit: Int) async throws -> [InboundText] {
        try await inboundTexts("status = 'inbox' ORDER BY position DESC LIMIT ?", limit)
    }

    private func inboundTexts(_ condition: String, _ limit: Int) async throws -> [InboundText] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, message_id, coalesce(body, ''), at FROM messages WHERE direction = 'inbound' AND \(condition)", arguments: [limit])
                .map { InboundText(clientID: $0[0], providerMessageID: $0[1], body: $0[2], receivedAt: $0[3]) }
        }
    }

    public func heldParts() async throws -> Int {
        try await read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM messages WHERE status = 'held'")) ?? 0 }
    }

    public func readModelPositions() async throws -> [String: Int64] {
        try await read { db in
            var positions: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, position FROM projection_checkpoints") { positions[row[0]] = row[1] }
            return positions
        }
    }

    public func messageStatuses(clientID: String) async throws -> [MessageStatus] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT message_id, kind, direction, local_date, part, parts, status, attempts, possibly_duplicated, last_error, next_attempt_at,
                    provider, provider_message_id, segments, body, at, position
                FROM messages WHERE client_id = ? ORDER BY coalesce(queued_position, position), part
                """, arguments: [clientID]).map { row in
                MessageStatus(
                    messageID: row[0], kind: row[1], direction: row[2], localDate: row[3], part: row[4], parts: row[5], status: row[6],
                    attempts: row[7], possiblyDuplicated: row[8], lastError: row[9], nextAttemptAt: row[10], provider: row[11],
                    providerMessageID: row[12], segments: row[13], body: row[14], at: row[15], position: row[16])
            }
        }
    }

    public func deliveryCounts() async throws -> DeliveryCounts {
        try await read { db in
            var byStatus: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM messages WHERE direction = 'outbound' GROUP BY status") {
                byStatus[row[0]] = row[1]
            }
            let duplicated = try Int.fetchOne(db, sql: "SELECT coalesce(sum(possibly_duplicated), 0) FROM messages") ?? 0
            var counts = DeliveryCounts(byStatus: byStatus, possiblyDuplicated: duplicated)
            for row in try Row.fetchAll(db, sql: "SELECT delivery_status, count(*) FROM messages WHERE delivery_status IS NOT NULL GROUP BY delivery_status") {
                counts.byDeliveryStatus[row[0]] = row[1]
            }
            return counts
        }
    }

    public func cleanSlateSurvey() async throws -> CleanSlateSurvey {
        try await read { db in
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
                """).map {
                CleanSlateSurvey.Candidate(clientID: $0[0], timezone: $0[1], optedIn: $0[2], start: LocalDate($0[3] as String), weeks: $0[4])
            }
            return CleanSlateSurvey(counts: counts, candidates: candidates)
        }
    }

    public func erasedClients() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT client_id FROM clients WHERE erased_position IS NOT NULL ORDER BY client_id") }
    }

    public func clientsRegenerated(byMigration id: String) async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT client_id FROM mesocycles WHERE caused_by = ?", arguments: [id])
        }
    }

    public func hasBreakdown(clientID: String, causedByMigration id: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mesocycles WHERE client_id = ? AND caused_by = ?)", arguments: [clientID, id]) ?? false
        }
    }

    public func archive(of clientID: String) async throws -> [ArchivedTraining] {
        try await read { db in
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

    public func prompt(hash: String, clientID: String) async throws -> PromptRecorded? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT hash, client_id, template, system, user FROM prompts
                WHERE hash = ? AND (client_id = ? OR (client_id = ''
                    AND NOT EXISTS (SELECT 1 FROM clients WHERE client_id = ? AND erased_position IS NOT NULL)))
                ORDER BY client_id DESC LIMIT 1
                """, arguments: [hash, clientID, clientID]).map {
                PromptRecorded(hash: $0[0], clientId: ($0[1] as String).isEmpty ? nil : $0[1], template: $0[2], system: $0[3], user: $0[4])
            }
        }
    }

    public func trainingSummary(clientPrefix: String) async throws -> TrainingSummary {
        let pattern = clientPrefix.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await read { db in
            let like = "client_id LIKE ? ESCAPE '\\'"
            let workouts = try Int.fetchOne(db, sql: "SELECT count(*) FROM workouts WHERE \(like)", arguments: [pattern]) ?? 0
            let daily = try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE kind = 'daily' AND part = 1 AND \(like)", arguments: [pattern]) ?? 0
            var segments: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT segments, count(*) FROM messages WHERE kind = 'daily' AND \(like) GROUP BY segments", arguments: [pattern]) {
                segments[row[0] ?? 0] = row[1]
            }
            let swaps = try Int.fetchOne(db, sql: "SELECT count(*) FROM workouts WHERE modifications != '[]' AND \(like)", arguments: [pattern]) ?? 0
            return TrainingSummary(workouts: workouts, dailyMessages: daily, segments: segments, swaps: swaps)
        }
    }

    public func dailyMessages(of clients: [String], on date: LocalDate) async throws -> [(clientID: String, body: String)] {
        guard !clients.isEmpty else { return [] }
        let rows: [[String]] = try await read { db in
            let marks = Array(repeating: "?", count: clients.count).joined(separator: ", ")
            return try Row.fetchAll(
                db, sql: """
                    SELECT client_id, group_concat(body, char(10) || char(10)) FROM (
                        SELECT client_id, body FROM messages WHERE kind = 'daily' AND client_id IN (\(marks)) AND local_date = ? ORDER BY client_id, part)
                    GROUP BY client_id ORDER BY client_id
                    """,
                arguments: StatementArguments(clients + [date.description])
            ).map { [$0[0], $0[1]] }
        }
        return rows.map { (clientID: $0[0], body: $0[1]) }
    }

    // MARK: Maintenance

    public func check(progress: (@Sendable (Int64, Int64) -> Void)?) async throws -> ReadModelCheck {
        try await readModels.check(store, progress: progress)
    }

    public func rebuild(only names: [String]?, diff: Bool, progress: (@Sendable (Int64, Int64) -> Void)?) async throws -> RebuildReport {
        try await readModels.rebuild(store, only: names, diff: diff, progress: progress)
    }

    public func copy(through last: Int64, into path: String, progress: (@Sendable (Int64, Int64) -> Void)?) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw EventStoreError(.invalidArgument, "\(path) already exists; replay writes a new file")
        }
        do {
            let target = try SQLiteEventStore(path: path, configuration: .init(durability: store.configuration.durability, clock: store.configuration.clock))
            defer { try? target.close() }
            let source = store.path
            try await target.database.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
                defer { try? db.execute(sql: "DETACH DATABASE source") }
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "INSERT INTO main.events SELECT * FROM source.events WHERE position <= ?", arguments: [last])
                    // The data keys travel with the log: the copy opens what the log sealed.
                    for table in Self.companionTables where try Bool.fetchOne(
                        db, sql: "SELECT count(*) > 0 FROM source.sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) == true {
                        let definition = try String.fetchOne(db, sql: "SELECT sql FROM source.sqlite_master WHERE name = ?", arguments: [table])!
                        try db.execute(sql: definition.replacingOccurrences(of: "CREATE TABLE ", with: "CREATE TABLE IF NOT EXISTS main."))
                        try db.execute(sql: "INSERT OR REPLACE INTO main.\(table) SELECT * FROM source.\(table)")
                    }
                    try db.execute(sql: """
                        UPDATE main.log_head SET position = ?, hash = coalesce((SELECT hash FROM main.events WHERE position = ?), zeroblob(32))
                        WHERE id = 1
                        """, arguments: [last, last])
                    return .commit
                }
            }
            try await readModels.build(from: target, into: target, through: last, progress: progress)
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw error
        }
    }

    /// Tables kept beside the log that a copy of it takes along (the vault's data keys).
    static let companionTables = ["vault_keys", "vault_meta"]

    public func stats() async throws -> LogStats {
        let path = store.path
        let readModels = readModels
        return try await read { db in
            let events = try Int64.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
            let streams = try Int64.fetchOne(db, sql: "SELECT count(DISTINCT stream_id) FROM events") ?? 0
            let byType = try Row.fetchAll(db, sql: "SELECT type, schema_version, count(*) FROM events GROUP BY type, schema_version ORDER BY type, schema_version")
                .map { (type: $0[0] as String, schemaVersion: $0[1] as Int, count: $0[2] as Int64) }
            let range = try Row.fetchOne(db, sql: "SELECT min(recorded_at), max(recorded_at) FROM events")
            var models: [(String, Int, Int64, Int64)] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, version, position FROM projection_checkpoints ORDER BY name") {
                let name: String = row[0]
                let table = readModels.projection(named: name)?.tables.first?.name ?? name
                let rows = (try? Int64.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\"")) ?? 0
                models.append((name, row[1], row[2], rows))
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
            let generation = try Row.fetchAll(db, sql: """
                SELECT day, coach, model, count(*), sum(attempts), sum(failed_attempts), count(fallback_reason),
                    sum(prompt_tokens), sum(completion_tokens), sum(latency_ms)
                FROM generation_audit GROUP BY day, coach, model ORDER BY day, coach, model
                """).map { row in
                GenerationUsage(
                    day: row[0], coach: row[1], model: row[2], artefacts: row[3], calls: row[4], failedCalls: row[5], fallbacks: row[6],
                    promptTokens: row[7], completionTokens: row[8], latencyMs: row[9])
            }
            return LogStats(
                events: events, streams: streams, byType: byType,
                firstRecordedAt: (range?[0] as Int64?).map(Timestamp.init(milliseconds:)),
                lastRecordedAt: (range?[1] as Int64?).map(Timestamp.init(milliseconds:)),
                readModels: models, fileBytes: size, generation: generation)
        }
    }
}

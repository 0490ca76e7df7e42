import Events


/// `microcycles`: the weeks of each breakdown, with their seven day plans (or, for legacy
/// weeks, their targets).
public struct MicrocyclesProjection: Projection {
    public init() {}
    public let name = "microcycles"
    public let version = 2
    public let eventTypes: Set<String> = TrainingArchive.eventTypes.union([MesocycleBroken.eventType])
    public let tables = [
        ProjectionTable(
            name: "microcycles",
            definition: """
                client_id TEXT NOT NULL,
                plan_id TEXT NOT NULL,
                mesocycle_index INTEGER NOT NULL,
                microcycle_index INTEGER NOT NULL,
                position INTEGER NOT NULL,
                week_index INTEGER NOT NULL,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                days TEXT NOT NULL,
                legacy_id TEXT,
                legacy_targets TEXT,
                archived_by TEXT,
                caused_by TEXT,
                PRIMARY KEY (client_id, plan_id, mesocycle_index, microcycle_index, position)
                """,
            primaryKey: "client_id, plan_id, mesocycle_index, microcycle_index, position",
            indexes: ["client_id, start_date"]),
    ]

    static let archive = TrainingArchive.Statements(
        archive: "UPDATE {microcycles} SET archived_by = ? WHERE archived_by IS NULL AND position < ?",
        restore: "UPDATE {microcycles} SET archived_by = NULL WHERE archived_by = ?",
        withdraw: "UPDATE {microcycles} SET archived_by = ? WHERE caused_by = ?")

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        guard event.type == MesocycleBroken.eventType else {
            return try TrainingArchive.apply(event, Self.archive, w)
        }
        let j = event.json
        let mesocycle = j.object("mesocycle")?.int("index")
        for week in j.objects("microcycles") ?? [] {
            let legacy = week.object("legacy")
            let start = week.string("startDate")
            let end = legacy?.string("endDate") ?? start.flatMap { LocalDate($0) }?.adding(days: 6).description
            try w.run("""
                INSERT INTO {microcycles} (client_id, plan_id, mesocycle_index, microcycle_index, position, week_index,
                    start_date, end_date, days, legacy_id, legacy_targets, archived_by, caused_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                """) { b in
                b.text(j, "clientId"); b.text(j, "planId"); b.value(mesocycle); b.int(week, "index"); b.value(event.position)
                b.int(week, "weekIndex"); b.value(start); b.value(end); b.json(week, "days"); b.text(legacy, "id")
                b.json(legacy, "targets"); b.value(event.causationID?.uuidString.lowercased())
            }
        }
    }
}

import Events


/// `mesocycles`: every breakdown of a mesocycle; the current one per client is the latest
/// row that is not archived.
public struct MesocyclesProjection: Projection {
    public init() {}
    public let name = "mesocycles"
    public let version = 2
    public let eventTypes: Set<String> = TrainingArchive.eventTypes.union([MesocycleBroken.eventType])
    public let tables = [
        ProjectionTable(
            name: "mesocycles",
            definition: """
                client_id TEXT NOT NULL,
                plan_id TEXT NOT NULL,
                mesocycle_index INTEGER NOT NULL,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                phase TEXT,
                weeks INTEGER NOT NULL,
                focus TEXT NOT NULL,
                deload INTEGER NOT NULL,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                legacy_id TEXT,
                coach TEXT,
                schema_version INTEGER NOT NULL,
                archived_by TEXT,
                caused_by TEXT,
                PRIMARY KEY (client_id, plan_id, mesocycle_index, position)
                """,
            primaryKey: "client_id, plan_id, mesocycle_index, position",
            indexes: ["client_id, start_date"]),
    ]

    static let archive = TrainingArchive.Statements(
        archive: "UPDATE {mesocycles} SET archived_by = ? WHERE archived_by IS NULL AND position < ?",
        restore: "UPDATE {mesocycles} SET archived_by = NULL WHERE archived_by = ?",
        withdraw: "UPDATE {mesocycles} SET archived_by = ? WHERE caused_by = ?")

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        guard event.type == MesocycleBroken.eventType else {
            return try TrainingArchive.apply(event, Self.archive, w)
        }
        let j = event.json
        let m = j.object("mesocycle")
        let start = m?.string("startDate").flatMap { LocalDate($0) }
        let weeks = m?.int("weeks") ?? 0
        try w.execute("""
            INSERT INTO {mesocycles} (client_id, plan_id, mesocycle_index, position, name, phase, weeks, focus, deload,
                start_date, end_date, legacy_id, coach, schema_version, archived_by, caused_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
            """, [
                j.string("clientId"), j.string("planId"), m?.int("index"), event.position, m?.string("name"), m?.string("phase"),
                m?.int("weeks"), m?.json("focus"), m?.bool("deload"), start?.description,
                start?.adding(days: Int(weeks) * 7 - 1).description, m?.string("legacyId"),
                j.object("decision")?.string("coach"), event.schemaVersion, event.causationID?.uuidString.lowercased(),
            ])
    }
}

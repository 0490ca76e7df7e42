import Events
import GRDB

/// `mesocycles`: every breakdown of a mesocycle; the current one per client is the latest
/// row that is not archived.
public struct MesocyclesProjection: Projection {
    public init() {}
    public let name = "mesocycles"
    public let version = 1
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
                PRIMARY KEY (client_id, plan_id, mesocycle_index, position)
                """,
            primaryKey: "client_id, plan_id, mesocycle_index, position",
            indexes: ["client_id, start_date"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        guard case .mesocycleBroken(let broken) = event.event else {
            return try TrainingArchive.apply(event, table: "mesocycles", w)
        }
        let m = broken.mesocycle
        try w.execute("""
            INSERT INTO {mesocycles} (client_id, plan_id, mesocycle_index, position, name, phase, weeks, focus, deload,
                start_date, end_date, legacy_id, coach, schema_version, archived_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """, [
                broken.clientId, broken.planId, m.index, event.position, m.name, m.phase, m.weeks, try w.json(m.focus),
                m.deload, m.startDate.description, m.startDate.adding(days: m.weeks * 7 - 1).description, m.legacyId,
                broken.decision?.coach, event.envelope.schemaVersion,
            ])
    }
}

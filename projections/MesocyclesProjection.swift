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
        guard event.type == MesocycleBroken.eventType else {
            return try TrainingArchive.apply(event, table: "mesocycles", w)
        }
        try w.execute("""
            INSERT INTO {mesocycles} (client_id, plan_id, mesocycle_index, position, name, phase, weeks, focus, deload,
                start_date, end_date, legacy_id, coach, schema_version, archived_by)
            SELECT j ->> '$.clientId', j ->> '$.planId', j ->> '$.mesocycle.index', ?, j ->> '$.mesocycle.name',
                j ->> '$.mesocycle.phase', j ->> '$.mesocycle.weeks', j -> '$.mesocycle.focus', j ->> '$.mesocycle.deload',
                j ->> '$.mesocycle.startDate',
                date(j ->> '$.mesocycle.startDate', '+' || (7 * (j ->> '$.mesocycle.weeks') - 1) || ' days'),
                j ->> '$.mesocycle.legacyId', j ->> '$.decision.coach', ?, NULL
            FROM (SELECT ? AS j)
            """, [event.position, event.envelope.schemaVersion, event.payload])
    }
}

import Events
import GRDB

/// `workouts`: every generated workout; the current one for a client and date is the row that
/// is not archived.
public struct WorkoutsProjection: Projection {
    public init() {}
    public let name = "workouts"
    public let version = 1
    public let eventTypes: Set<String> = TrainingArchive.eventTypes.union([WorkoutGenerated.eventType])
    public let tables = [
        ProjectionTable(
            name: "workouts",
            definition: """
                client_id TEXT NOT NULL,
                workout_date TEXT NOT NULL,
                position INTEGER NOT NULL,
                plan_id TEXT,
                theme TEXT NOT NULL,
                load TEXT,
                blocks TEXT NOT NULL,
                modifications TEXT NOT NULL,
                coach TEXT,
                schema_version INTEGER NOT NULL,
                legacy_id TEXT,
                legacy_session_type TEXT,
                legacy_goal TEXT,
                legacy_details TEXT,
                archived_by TEXT,
                PRIMARY KEY (client_id, workout_date, position)
                """,
            primaryKey: "client_id, workout_date, position"),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        guard event.type == WorkoutGenerated.eventType else {
            return try TrainingArchive.apply(event, table: "workouts", w)
        }
        try w.execute("""
            INSERT INTO {workouts} (client_id, workout_date, position, plan_id, theme, load, blocks, modifications, coach,
                schema_version, legacy_id, legacy_session_type, legacy_goal, legacy_details, archived_by)
            SELECT j ->> '$.clientId', j ->> '$.date', ?, j ->> '$.planId', j ->> '$.theme', j ->> '$.load',
                j -> '$.blocks', j -> '$.modifications', j ->> '$.decision.coach', ?, j ->> '$.legacy.id',
                j ->> '$.legacy.sessionType', j ->> '$.legacy.goal', j -> '$.legacy.details', NULL
            FROM (SELECT ? AS j)
            """, [event.position, event.envelope.schemaVersion, event.payload])
    }
}

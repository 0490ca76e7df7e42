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
        guard case .workoutGenerated(let workout) = event.event else {
            return try TrainingArchive.apply(event, table: "workouts", w)
        }
        let legacy = workout.legacy
        try w.execute("""
            INSERT INTO {workouts} (client_id, workout_date, position, plan_id, theme, load, blocks, modifications, coach,
                schema_version, legacy_id, legacy_session_type, legacy_goal, legacy_details, archived_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """, [
                workout.clientId, workout.date.description, event.position, workout.planId, workout.theme, workout.load?.rawValue,
                try w.json(workout.blocks), try w.json(workout.modifications), workout.decision?.coach,
                event.envelope.schemaVersion, legacy?.id, legacy?.sessionType, legacy?.goal,
                try legacy?.details.map { try w.json($0) },
            ])
    }
}

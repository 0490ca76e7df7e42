import Events


/// `workouts`: every generated workout; the current one for a client and date is the row that
/// is not archived.
public struct WorkoutsProjection: Projection {
    public init() {}
    public let name = "workouts"
    public let version = 2
    public let eventTypes: Set<String> = TrainingArchive.eventTypes.union([WorkoutGenerated.eventType, ClientErased.eventType])
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

    static let archive = TrainingArchive.Statements(
        archive: "UPDATE {workouts} SET archived_by = ? WHERE archived_by IS NULL AND position < ?",
        restore: "UPDATE {workouts} SET archived_by = NULL WHERE archived_by = ?")

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        if event.type == ClientErased.eventType {
            // The swaps name the injuries worked around: what a replay reads once the key is gone.
            try w.run("UPDATE {workouts} SET modifications = '[]' WHERE client_id = ?") { b in b.text(event.json, "clientId") }
            return
        }
        guard event.type == WorkoutGenerated.eventType else {
            return try TrainingArchive.apply(event, Self.archive, w)
        }
        let j = event.json
        let legacy = j.object("legacy")
        try w.run("""
            INSERT INTO {workouts} (client_id, workout_date, position, plan_id, theme, load, blocks, modifications, coach,
                schema_version, legacy_id, legacy_session_type, legacy_goal, legacy_details, archived_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """) { b in
            b.text(j, "clientId"); b.text(j, "date"); b.value(event.position); b.text(j, "planId"); b.text(j, "theme")
            b.text(j, "load"); b.json(j, "blocks"); b.json(j, "modifications"); b.text(j.object("decision"), "coach")
            b.value(event.schemaVersion); b.text(legacy, "id"); b.text(legacy, "sessionType"); b.text(legacy, "goal")
            b.json(legacy, "details")
        }
    }
}

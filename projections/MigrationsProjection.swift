import Events


/// `migrations`: each migration applied, with its effects, and whether it was reverted.
public struct MigrationsProjection: Projection {
    public init() {}
    public let name = "migrations"
    public let version = 1
    public let eventTypes: Set<String> = TrainingArchive.eventTypes
    public let tables = [
        ProjectionTable(
            name: "migrations",
            definition: """
                migration_id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                code_version TEXT NOT NULL,
                effects TEXT NOT NULL,
                applied_position INTEGER NOT NULL,
                reverted_position INTEGER,
                revert_reason TEXT
                """,
            primaryKey: "migration_id",
            indexes: ["name"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let m = event.json
        switch event.type {
        case MigrationApplied.eventType:
            try w.execute("""
                INSERT OR REPLACE INTO {migrations} (migration_id, name, code_version, effects, applied_position, reverted_position, revert_reason)
                VALUES (?, ?, ?, ?, ?, NULL, NULL)
                """, [m.string("migrationId"), m.string("name"), m.string("codeVersion"), m.json("effects"), event.position])
        case MigrationReverted.eventType:
            try w.execute(
                "UPDATE {migrations} SET reverted_position = ?, revert_reason = ? WHERE migration_id = ?",
                [event.position, m.string("reason"), m.string("migrationId")])
        default:
            break
        }
    }
}

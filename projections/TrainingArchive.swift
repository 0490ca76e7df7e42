import Events
import GRDB

/// How the clean-slate migration changes the training read-models: rows from before the
/// marker leave the current view (`archived_by` names the migration); a revert brings them back.
/// The log keeps everything either way.
enum TrainingArchive {
    static let migrationName = "clean-slate"

    static func apply(_ event: ProjectedEvent, table: String, _ w: ProjectionWriter) throws {
        switch event.type {
        case MigrationApplied.eventType:
            try w.execute("""
                UPDATE {\(table)} SET archived_by = (SELECT ? ->> '$.migrationId')
                WHERE archived_by IS NULL AND position < ? AND (SELECT ? ->> '$.name') = ?
                """, [event.payload, event.position, event.payload, migrationName])
        case MigrationReverted.eventType:
            try w.execute("""
                UPDATE {\(table)} SET archived_by = NULL WHERE archived_by = (SELECT ? ->> '$.migrationId')
                """, [event.payload])
        default:
            break
        }
    }

    static let eventTypes: Set<String> = [MigrationApplied.eventType, MigrationReverted.eventType]
}

import Events
import GRDB

/// How the clean-slate migration changes the training read-models: rows from before the
/// marker leave the current view (`archived_by` names the migration); a revert brings them back.
/// The log keeps everything either way.
enum TrainingArchive {
    static let migrationName = "clean-slate"

    /// The two statements of one table: `archive` binds (migration id, marker position),
    /// `restore` binds (migration id).
    struct Statements {
        let archive: StaticString
        let restore: StaticString
    }

    static func apply(_ event: ProjectedEvent, _ statements: Statements, _ w: ProjectionWriter) throws {
        let m = event.json
        switch event.type {
        case MigrationApplied.eventType where m.string("name") == migrationName:
            try w.execute(statements.archive, [m.string("migrationId"), event.position])
        case MigrationReverted.eventType where m.string("name") == migrationName:
            try w.execute(statements.restore, [m.string("migrationId")])
        default:
            break
        }
    }

    static let eventTypes: Set<String> = [MigrationApplied.eventType, MigrationReverted.eventType]
}

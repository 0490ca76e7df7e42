import Events


/// How the clean-slate migration changes the training read-models: rows from before the
/// marker leave the current view (`archived_by` names the migration); a revert brings them back
/// and withdraws what the migration itself appended (`caused_by` names it; `archived_by`
/// becomes `reverted:<id>`). The log keeps everything either way.
enum TrainingArchive {
    static let migrationName = "clean-slate"

    /// The statements of one table: `archive` binds (migration id, marker position),
    /// `restore` binds (migration id), `withdraw` binds (`reverted:<id>`, migration id).
    struct Statements {
        let archive: StaticString
        let restore: StaticString
        var withdraw: StaticString?
    }

    static func apply(_ event: ProjectedEvent, _ statements: Statements, _ w: ProjectionWriter) throws {
        let m = event.json
        switch event.type {
        case MigrationApplied.eventType where m.string("name") == migrationName:
            try w.execute(statements.archive, [m.string("migrationId"), event.position])
        case MigrationReverted.eventType where m.string("name") == migrationName:
            let id = m.string("migrationId")
            try w.execute(statements.restore, [id])
            if let withdraw = statements.withdraw { try w.execute(withdraw, [id.map { "reverted:\($0)" }, id]) }
        default:
            break
        }
    }

    static let eventTypes: Set<String> = [MigrationApplied.eventType, MigrationReverted.eventType]
}

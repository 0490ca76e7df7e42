import Events
import GRDB

/// `microcycles`: the weeks of each breakdown, with their seven day plans (or, for legacy
/// weeks, their targets).
public struct MicrocyclesProjection: Projection {
    public init() {}
    public let name = "microcycles"
    public let version = 1
    public let eventTypes: Set<String> = TrainingArchive.eventTypes.union([MesocycleBroken.eventType])
    public let tables = [
        ProjectionTable(
            name: "microcycles",
            definition: """
                client_id TEXT NOT NULL,
                plan_id TEXT NOT NULL,
                mesocycle_index INTEGER NOT NULL,
                microcycle_index INTEGER NOT NULL,
                position INTEGER NOT NULL,
                week_index INTEGER NOT NULL,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                days TEXT NOT NULL,
                legacy_id TEXT,
                legacy_targets TEXT,
                archived_by TEXT,
                PRIMARY KEY (client_id, plan_id, mesocycle_index, microcycle_index, position)
                """,
            primaryKey: "client_id, plan_id, mesocycle_index, microcycle_index, position",
            indexes: ["client_id, start_date"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        guard case .mesocycleBroken(let broken) = event.event else {
            return try TrainingArchive.apply(event, table: "microcycles", w)
        }
        for week in broken.microcycles {
            try w.execute("""
                INSERT INTO {microcycles} (client_id, plan_id, mesocycle_index, microcycle_index, position, week_index,
                    start_date, end_date, days, legacy_id, legacy_targets, archived_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                """, [
                    broken.clientId, broken.planId, broken.mesocycle.index, week.index, event.position, week.weekIndex,
                    week.startDate.description, (week.legacy?.endDate ?? week.startDate.adding(days: 6)).description,
                    try w.json(week.days), week.legacy?.id, try week.legacy.map { try w.json($0.targets) },
                ])
        }
    }
}

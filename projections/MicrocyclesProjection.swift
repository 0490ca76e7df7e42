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
        guard event.type == MesocycleBroken.eventType else {
            return try TrainingArchive.apply(event, table: "microcycles", w)
        }
        try w.execute("""
            INSERT INTO {microcycles} (client_id, plan_id, mesocycle_index, microcycle_index, position, week_index,
                start_date, end_date, days, legacy_id, legacy_targets, archived_by)
            SELECT e.client_id, e.plan_id, e.mesocycle_index, w.value ->> '$.index', ?,
                w.value ->> '$.weekIndex', w.value ->> '$.startDate',
                coalesce(w.value ->> '$.legacy.endDate', date(w.value ->> '$.startDate', '+6 days')),
                w.value -> '$.days', w.value ->> '$.legacy.id', w.value -> '$.legacy.targets', NULL
            FROM (SELECT ? ->> '$.clientId' AS client_id, ? ->> '$.planId' AS plan_id,
                         ? ->> '$.mesocycle.index' AS mesocycle_index, ? -> '$.microcycles' AS weeks) AS e,
                 json_each(e.weeks) AS w
            """, [event.position, event.payload, event.payload, event.payload, event.payload])
    }
}

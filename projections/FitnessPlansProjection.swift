import Events
import GRDB

/// `fitness_plans`: every plan, the latest per client marked current.
public struct FitnessPlansProjection: Projection {
    public init() {}
    public let name = "fitness_plans"
    public let version = 1
    public let eventTypes: Set<String> = [PlanCreated.eventType]
    public let tables = [
        ProjectionTable(
            name: "fitness_plans",
            definition: """
                plan_id TEXT NOT NULL PRIMARY KEY,
                client_id TEXT NOT NULL,
                program_type TEXT NOT NULL,
                goal_statement TEXT,
                macrocycle_weeks INTEGER NOT NULL,
                mesocycles TEXT NOT NULL,
                overview TEXT NOT NULL,
                notes TEXT,
                start_date TEXT NOT NULL,
                coach TEXT,
                schema_version INTEGER NOT NULL,
                legacy_macrocycles TEXT,
                is_current INTEGER NOT NULL,
                created_position INTEGER NOT NULL
                """,
            primaryKey: "plan_id",
            indexes: ["client_id, is_current"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        try w.execute("""
            UPDATE {fitness_plans} SET is_current = 0 WHERE is_current = 1 AND client_id = (SELECT ? ->> '$.clientId')
            """, [event.payload])
        try w.execute("""
            INSERT OR REPLACE INTO {fitness_plans} (plan_id, client_id, program_type, goal_statement, macrocycle_weeks,
                mesocycles, overview, notes, start_date, coach, schema_version, legacy_macrocycles, is_current, created_position)
            SELECT j ->> '$.planId', j ->> '$.clientId', j ->> '$.programType', j ->> '$.goalStatement',
                j ->> '$.macrocycleWeeks', j -> '$.mesocycles', j ->> '$.overview', j ->> '$.notes', j ->> '$.startDate',
                j ->> '$.decision.coach', ?, j -> '$.legacy.macrocycles', 1, ?
            FROM (SELECT ? AS j)
            """, [event.envelope.schemaVersion, event.position, event.payload])
    }
}

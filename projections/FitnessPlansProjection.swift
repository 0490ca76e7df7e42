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
        guard case .planCreated(let plan) = event.event else { return }
        try w.execute("UPDATE {fitness_plans} SET is_current = 0 WHERE client_id = ? AND is_current = 1", [plan.clientId])
        try w.execute("""
            INSERT OR REPLACE INTO {fitness_plans} (plan_id, client_id, program_type, goal_statement, macrocycle_weeks,
                mesocycles, overview, notes, start_date, coach, schema_version, legacy_macrocycles, is_current, created_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
            """, [
                plan.planId, plan.clientId, plan.programType.rawValue, plan.goalStatement, plan.macrocycleWeeks,
                try w.json(plan.mesocycles), plan.overview, plan.notes, plan.startDate.description, plan.decision?.coach,
                event.envelope.schemaVersion, try plan.legacy.map { try w.json($0.macrocycles) }, event.position,
            ])
    }
}

import Events


/// `fitness_plans`: every plan, the latest per client marked current.
public struct FitnessPlansProjection: Projection {
    public init() {}
    public let name = "fitness_plans"
    public let version = 3
    public let eventTypes: Set<String> = [PlanCreated.eventType, ClientErased.eventType]
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
            lookupIndexes: ["client_id, is_current"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let p = event.json
        if event.type == ClientErased.eventType {
            // What a replay reads once the key is gone.
            try w.execute("""
                UPDATE {fitness_plans} SET notes = CASE WHEN notes IS NULL THEN NULL ELSE '[erased]' END,
                    goal_statement = CASE WHEN goal_statement IS NULL THEN NULL ELSE '[erased]' END
                WHERE client_id = ?
                """, [p.string("clientId")])
            return
        }
        try w.execute("UPDATE {fitness_plans} SET is_current = 0 WHERE client_id = ? AND is_current = 1", [p.string("clientId")])
        try w.execute("""
            INSERT OR REPLACE INTO {fitness_plans} (plan_id, client_id, program_type, goal_statement, macrocycle_weeks,
                mesocycles, overview, notes, start_date, coach, schema_version, legacy_macrocycles, is_current, created_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
            """, [
                p.string("planId"), p.string("clientId"), p.string("programType"), p.string("goalStatement"),
                p.int("macrocycleWeeks"), p.json("mesocycles"), p.string("overview"), p.string("notes"), p.string("startDate"),
                p.object("decision")?.string("coach"), event.schemaVersion, p.object("legacy")?.json("macrocycles"), event.position,
            ])
    }
}

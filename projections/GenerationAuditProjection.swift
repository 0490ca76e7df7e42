import Events
import GRDB

/// `generation_audit`: one row per generated artefact with its decision record: which coach,
/// which inputs, which rules or prompt, each attempt, any fallback.
public struct GenerationAuditProjection: Projection {
    public init() {}
    public let name = "generation_audit"
    public let version = 1
    public let eventTypes: Set<String> = [PlanCreated.eventType, MesocycleBroken.eventType, WorkoutGenerated.eventType]
    public let tables = [
        ProjectionTable(
            name: "generation_audit",
            definition: """
                position INTEGER NOT NULL PRIMARY KEY,
                client_id TEXT NOT NULL,
                artefact TEXT NOT NULL,
                subject TEXT NOT NULL,
                coach TEXT NOT NULL,
                coach_version TEXT NOT NULL,
                model TEXT,
                model_version TEXT,
                prompt_template TEXT,
                prompt_hash TEXT,
                rules TEXT NOT NULL,
                inputs TEXT NOT NULL,
                seed TEXT,
                attempts INTEGER NOT NULL,
                fallback_reason TEXT,
                duration_ms REAL NOT NULL,
                causation_id TEXT,
                decision TEXT NOT NULL
                """,
            primaryKey: "position",
            indexes: ["client_id, artefact, subject"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let row: (client: String, artefact: String, subject: String, decision: DecisionRecord?)
        switch event.event {
        case .planCreated(let p): row = (p.clientId, "plan", p.planId, p.decision)
        case .mesocycleBroken(let m): row = (m.clientId, "mesocycle", "\(m.planId)#\(m.mesocycle.index)", m.decision)
        case .workoutGenerated(let g): row = (g.clientId, "workout", g.date.description, g.decision)
        default: return
        }
        guard let d = row.decision else { return }
        try w.execute("""
            INSERT OR REPLACE INTO {generation_audit} (position, client_id, artefact, subject, coach, coach_version, model,
                model_version, prompt_template, prompt_hash, rules, inputs, seed, attempts, fallback_reason, duration_ms,
                causation_id, decision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                event.position, row.client, row.artefact, row.subject, d.coach, d.coachVersion, d.model, d.modelVersion,
                d.promptTemplate, d.promptHash, try w.json(d.rules), try w.json(d.inputs), d.seed.map { String($0) },
                d.attempts.count, d.fallbackReason, d.durationMs, event.envelope.metadata.causationID?.uuidString,
                try w.json(d),
            ])
    }
}

import Events
import GRDB

/// `generation_audit`: one row per generated artefact with the searchable parts of its
/// decision record: which coach, which inputs, which rules or prompt, how many attempts, any
/// fallback. The whole record (raw outputs, each attempt) stays in the event at `position`.
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
                causation_id TEXT
                """,
            primaryKey: "position",
            indexes: ["client_id, artefact, subject"],
            withoutRowID: false),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let j = event.json
        guard let d = j.object("decision") else { return }
        let artefact: String, subject: String?
        switch event.type {
        case PlanCreated.eventType: (artefact, subject) = ("plan", j.string("planId"))
        case MesocycleBroken.eventType: (artefact, subject) = ("mesocycle", "\(j.string("planId") ?? "")#\(j.object("mesocycle")?.int("index") ?? -1)")
        case WorkoutGenerated.eventType: (artefact, subject) = ("workout", j.string("date"))
        default: return
        }
        try w.execute("""
            INSERT OR REPLACE INTO {generation_audit} (position, client_id, artefact, subject, coach, coach_version, model,
                model_version, prompt_template, prompt_hash, rules, inputs, seed, attempts, fallback_reason, duration_ms,
                causation_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                event.position, j.string("clientId"), artefact, subject, d.string("coach"), d.string("coachVersion"),
                d.string("model"), d.string("modelVersion"), d.string("promptTemplate"), d.string("promptHash"),
                d.json("rules"), d.json("inputs"), d.json("seed"), d.objects("attempts")?.count ?? 0,
                d.string("fallbackReason"), d.double("durationMs"), event.envelope.metadata.causationID?.uuidString,
            ])
    }
}

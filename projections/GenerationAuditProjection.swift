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
        let artefact: String
        switch event.type {
        case PlanCreated.eventType: artefact = "plan"
        case MesocycleBroken.eventType: artefact = "mesocycle"
        case WorkoutGenerated.eventType: artefact = "workout"
        default: return
        }
        try w.run("""
            INSERT OR REPLACE INTO {generation_audit} (position, client_id, artefact, subject, coach, coach_version, model,
                model_version, prompt_template, prompt_hash, rules, inputs, seed, attempts, fallback_reason, duration_ms,
                causation_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { b in
            b.value(event.position); b.text(j, "clientId"); b.value(artefact)
            switch artefact {
            case "plan": b.text(j, "planId")
            case "mesocycle": b.value("\(j.string("planId") ?? "")#\(j.object("mesocycle")?.int("index") ?? -1)")
            default: b.text(j, "date")
            }
            b.text(d, "coach"); b.text(d, "coachVersion"); b.text(d, "model"); b.text(d, "modelVersion")
            b.text(d, "promptTemplate"); b.text(d, "promptHash"); b.json(d, "rules"); b.json(d, "inputs"); b.json(d, "seed")
            b.value(d.objects("attempts")?.count ?? 0); b.text(d, "fallbackReason"); b.double(d, "durationMs")
            b.value(event.envelope.metadata.causationID?.uuidString)
        }
    }
}

import Events


/// `generation_audit`: one row per generated artefact with the searchable parts of its
/// decision record: which coach, which inputs, which rules or prompt, how many attempts, any
/// fallback, the model calls' tokens and failures (what `stats` sums by day and model). The
/// whole record (raw outputs, each attempt) stays in the event at `position`.
public struct GenerationAuditProjection: Projection {
    public init() {}
    public let name = "generation_audit"
    public let version = 6
    /// A model-written SMS carries its decision on its `MessageQueued` (on `MessageSent` in logs
    /// from before the outbox).
    public let eventTypes: Set<String> = [
        PlanCreated.eventType, MesocycleBroken.eventType, WorkoutGenerated.eventType, MessageSent.eventType, MessageQueued.eventType,
        ReplyRead.eventType, ClientErased.eventType,
    ]
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
                day TEXT NOT NULL,
                failed_attempts INTEGER NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                latency_ms REAL NOT NULL
                """,
            primaryKey: "position",
            indexes: ["client_id, artefact, subject", "day, coach, model"],
            withoutRowID: false),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let j = event.json
        if event.type == ClientErased.eventType {
            // The rules that fired name injuries and travel: what a replay reads once the key is gone.
            try w.run("UPDATE {generation_audit} SET rules = '[]' WHERE client_id = ?") { b in b.text(j, "clientId") }
            return
        }
        guard let d = j.object("decision") else { return }
        let artefact: String
        switch event.type {
        case PlanCreated.eventType: artefact = "plan"
        case MesocycleBroken.eventType: artefact = "mesocycle"
        case WorkoutGenerated.eventType: artefact = "workout"
        case MessageSent.eventType, MessageQueued.eventType: artefact = "message"
        case ReplyRead.eventType: artefact = "reply"
        default: return
        }
        try w.run("""
            INSERT OR REPLACE INTO {generation_audit} (position, client_id, artefact, subject, coach, coach_version, model,
                model_version, prompt_template, prompt_hash, rules, inputs, seed, attempts, fallback_reason, duration_ms,
                causation_id, day, failed_attempts, prompt_tokens, completion_tokens, latency_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { b in
            b.value(event.position); b.text(j, "clientId"); b.value(artefact)
            switch artefact {
            case "plan": b.text(j, "planId")
            case "mesocycle": b.value("\(j.string("planId") ?? "")#\(j.object("mesocycle")?.int("index") ?? -1)")
            case "message", "reply": b.text(j, "localDate")
            default: b.text(j, "date")
            }
            b.text(d, "coach"); b.text(d, "coachVersion"); b.text(d, "model"); b.text(d, "modelVersion")
            b.text(d, "promptTemplate"); b.text(d, "promptHash"); b.json(d, "rules"); b.json(d, "inputs"); b.json(d, "seed")
            let attempts = d.objects("attempts") ?? []
            b.value(attempts.count); b.text(d, "fallbackReason"); b.double(d, "durationMs")
            b.value(event.causationID?.uuidString)
            // The UTC day the decision was recorded.
            b.value(event.recordedAt.utcDay)
            b.value(attempts.filter { $0.string("error") != nil || ($0.json("validationErrors").map { $0 != "[]" } ?? false) }.count)
            b.value(attempts.reduce(Int64(0)) { $0 + ($1.int("promptTokens") ?? 0) })
            b.value(attempts.reduce(Int64(0)) { $0 + ($1.int("completionTokens") ?? 0) })
            b.value(attempts.reduce(0.0) { $0 + ($1.double("latencyMs") ?? 0) })
        }
    }
}

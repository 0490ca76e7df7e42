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

    /// The artefact kind and the SQL expression naming its subject, by event type.
    static let subjects: [String: (artefact: String, subject: String)] = [
        PlanCreated.eventType: ("plan", "j ->> '$.planId'"),
        MesocycleBroken.eventType: ("mesocycle", "(j ->> '$.planId') || '#' || (j ->> '$.mesocycle.index')"),
        WorkoutGenerated.eventType: ("workout", "j ->> '$.date'"),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        guard let (artefact, subject) = Self.subjects[event.type] else { return }
        try w.execute("""
            INSERT OR REPLACE INTO {generation_audit} (position, client_id, artefact, subject, coach, coach_version, model,
                model_version, prompt_template, prompt_hash, rules, inputs, seed, attempts, fallback_reason, duration_ms,
                causation_id)
            SELECT ?, j ->> '$.clientId', '\(artefact)', \(subject), j ->> '$.decision.coach', j ->> '$.decision.coachVersion',
                j ->> '$.decision.model', j ->> '$.decision.modelVersion', j ->> '$.decision.promptTemplate',
                j ->> '$.decision.promptHash', j -> '$.decision.rules', j -> '$.decision.inputs',
                CAST(j ->> '$.decision.seed' AS TEXT), json_array_length(j, '$.decision.attempts'),
                j ->> '$.decision.fallbackReason', j ->> '$.decision.durationMs', ?
            FROM (SELECT ? AS j)
            WHERE j -> '$.decision' IS NOT NULL
            """, [event.position, event.envelope.metadata.causationID?.uuidString, event.payload])
    }
}

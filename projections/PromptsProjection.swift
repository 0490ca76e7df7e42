import Events


/// `prompts`: the full text of every prompt sent to a model, by SHA-256 and the client it is
/// about (`''` for prompts of logs from before, kept once for every client in `$prompts`).
/// Decision records carry only the hash; `audit` reads the text here. An erased client's
/// prompts read `[erased]`.
public struct PromptsProjection: Projection {
    public init() {}
    public let name = "prompts"
    public let version = 2
    public let eventTypes: Set<String> = [PromptRecorded.eventType, ClientErased.eventType]
    public let tables = [
        ProjectionTable(
            name: "prompts",
            definition: """
                hash TEXT NOT NULL,
                client_id TEXT NOT NULL,
                template TEXT NOT NULL,
                system TEXT NOT NULL,
                user TEXT NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (hash, client_id)
                """,
            primaryKey: "hash, client_id",
            indexes: ["client_id"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let j = event.json
        if event.type == ClientErased.eventType {
            try w.run("UPDATE {prompts} SET system = '[erased]', user = '[erased]' WHERE client_id = ?") { b in b.text(j, "clientId") }
            return
        }
        try w.run("""
            INSERT INTO {prompts} (hash, client_id, template, system, user, position) VALUES (?, coalesce(?, ''), ?, ?, ?, ?)
            ON CONFLICT (hash, client_id) DO NOTHING
            """) { b in
            b.text(j, "hash"); b.text(j, "clientId"); b.text(j, "template"); b.text(j, "system"); b.text(j, "user"); b.value(event.position)
        }
    }
}

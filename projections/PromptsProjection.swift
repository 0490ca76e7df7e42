import Events


/// `prompts`: the full text of every prompt sent to a model, by SHA-256. Decision records
/// carry only the hash; `audit` reads the text here.
public struct PromptsProjection: Projection {
    public init() {}
    public let name = "prompts"
    public let version = 1
    public let eventTypes: Set<String> = [PromptRecorded.eventType]
    public let tables = [
        ProjectionTable(
            name: "prompts",
            definition: """
                hash TEXT NOT NULL PRIMARY KEY,
                template TEXT NOT NULL,
                system TEXT NOT NULL,
                user TEXT NOT NULL,
                position INTEGER NOT NULL
                """,
            primaryKey: "hash",
            indexes: []),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let j = event.json
        try w.run("""
            INSERT INTO {prompts} (hash, template, system, user, position) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (hash) DO NOTHING
            """) { b in
            b.text(j, "hash"); b.text(j, "template"); b.text(j, "system"); b.text(j, "user"); b.value(event.position)
        }
    }
}

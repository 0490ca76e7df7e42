import Events


/// `messages`: every message with its latest status (sent, or failed with the attempt count).
public struct MessagesProjection: Projection {
    public init() {}
    public let name = "messages"
    public let version = 1
    public let eventTypes: Set<String> = [MessageSent.eventType, MessageFailed.eventType]
    public let tables = [
        ProjectionTable(
            name: "messages",
            definition: """
                message_id TEXT NOT NULL PRIMARY KEY,
                client_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                direction TEXT NOT NULL,
                local_date TEXT,
                body TEXT,
                encoding TEXT,
                segments INTEGER,
                provider TEXT NOT NULL,
                provider_message_id TEXT,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                at TEXT NOT NULL,
                position INTEGER NOT NULL
                """,
            primaryKey: "message_id",
            indexes: ["client_id, kind, local_date"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let m = event.json
        switch event.type {
        case MessageSent.eventType:
            let inbound = m.string("direction") == MessageDirection.inbound.rawValue
            try w.run("""
                INSERT INTO {messages} (message_id, client_id, kind, direction, local_date, body, encoding, segments, provider,
                    provider_message_id, status, attempts, last_error, at, position)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET
                    body = excluded.body, encoding = excluded.encoding, segments = excluded.segments,
                    provider = excluded.provider, provider_message_id = excluded.provider_message_id,
                    status = excluded.status, attempts = attempts + 1, at = excluded.at, position = excluded.position
                """) { b in
                b.text(m, "messageId"); b.text(m, "clientId"); b.text(m, "kind"); b.text(m, "direction")
                b.text(m, "localDate"); b.text(m, "body"); b.text(m, "encoding"); b.int(m, "segments"); b.text(m, "provider")
                b.text(m, "providerMessageId"); b.value(inbound ? "received" : "sent"); b.text(m, "sentAt"); b.value(event.position)
            }
        case MessageFailed.eventType:
            try w.run("""
                INSERT INTO {messages} (message_id, client_id, kind, direction, local_date, body, encoding, segments, provider,
                    provider_message_id, status, attempts, last_error, at, position)
                VALUES (?, ?, ?, 'outbound', ?, NULL, NULL, NULL, ?, NULL, 'failed', 1, ?, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET
                    status = CASE WHEN status = 'sent' THEN status ELSE 'failed' END,
                    attempts = attempts + 1, last_error = excluded.last_error, position = excluded.position
                """) { b in
                b.text(m, "messageId"); b.text(m, "clientId"); b.text(m, "kind"); b.text(m, "localDate"); b.text(m, "provider")
                b.text(m, "error"); b.text(m, "failedAt"); b.value(event.position)
            }
        default:
            break
        }
    }
}

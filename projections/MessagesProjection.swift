import Events

/// `messages`: every message part with where it stands: queued, sending (an attempt holds its
/// lease), sent, failed (to be tried again at `next_attempt_at`), undeliverable, expired or
/// released (never handed to the provider), with its attempts and the last error.
///
/// Messages recorded before the outbox (`MessageSent` with no `MessageQueued`, legacy v1
/// messages) project as they always did: a row first seen as sent.
public struct MessagesProjection: Projection {
    public init() {}
    public let name = "messages"
    public let version = 8
    public let eventTypes: Set<String> = [
        MessageQueued.eventType, DeliveryAttempted.eventType, MessageSent.eventType, MessageFailed.eventType,
        MessageReleased.eventType, MessageExpired.eventType, ClientErased.eventType, DeliveryHeld.eventType,
        MessageStatusReported.eventType, MessageReceived.eventType, ReplyRead.eventType,
    ]
    public let tables = [
        ProjectionTable(
            name: "messages",
            definition: """
                message_id TEXT NOT NULL PRIMARY KEY,
                group_id TEXT,
                client_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                direction TEXT NOT NULL,
                local_date TEXT,
                body TEXT,
                encoding TEXT,
                segments INTEGER,
                part INTEGER NOT NULL DEFAULT 1,
                parts INTEGER NOT NULL DEFAULT 1,
                provider TEXT,
                provider_message_id TEXT,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                possibly_duplicated INTEGER NOT NULL DEFAULT 0,
                may_have_arrived INTEGER NOT NULL DEFAULT 0,
                released_attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                next_attempt_at TEXT,
                lease_until TEXT,
                worker_id TEXT,
                expires_at TEXT,
                queued_position INTEGER,
                queued_at TEXT,
                delivery_status TEXT,
                delivery_rank INTEGER,
                delivery_error TEXT,
                at TEXT NOT NULL,
                position INTEGER NOT NULL
                """,
            primaryKey: "message_id",
            indexes: ["client_id, kind, local_date", "status, queued_position", "group_id, part", "provider_message_id"]),
    ]

    public func apply(_ event: ProjectedEvent, _ w: ProjectionWriter) throws {
        let m = event.json
        switch event.type {
        case ClientErased.eventType:
            // What a replay reads once the key is gone: every body and provider error `[erased]`.
            try w.run("""
                UPDATE {messages} SET body = CASE WHEN body IS NULL THEN NULL ELSE '[erased]' END,
                    last_error = CASE WHEN last_error IS NULL THEN NULL ELSE '[erased]' END
                WHERE client_id = ?
                """) { b in b.text(m, "clientId") }
        case MessageQueued.eventType:
            try w.run("""
                INSERT INTO {messages} (message_id, group_id, client_id, kind, direction, local_date, body, encoding, segments, part, parts,
                    status, attempts, expires_at, queued_position, queued_at, at, position)
                VALUES (?, ?, ?, ?, 'outbound', ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET
                    group_id = excluded.group_id, body = excluded.body, encoding = excluded.encoding, segments = excluded.segments,
                    part = excluded.part, parts = excluded.parts, expires_at = excluded.expires_at,
                    queued_position = excluded.queued_position, queued_at = excluded.queued_at,
                    status = CASE WHEN status = 'sent' THEN status ELSE 'queued' END,
                    attempts = 0, position = excluded.position
                """) { b in
                b.text(m, "messageId"); b.text(m, "groupId"); b.text(m, "clientId"); b.text(m, "kind"); b.text(m, "localDate")
                b.text(m, "body"); b.text(m, "encoding"); b.int(m, "segments"); b.int(m, "part"); b.int(m, "parts")
                b.text(m, "expiresAt"); b.value(event.position); b.text(m, "queuedAt"); b.text(m, "queuedAt"); b.value(event.position)
            }
        case DeliveryAttempted.eventType:
            try w.run("""
                UPDATE {messages} SET status = 'sending', attempts = ?, lease_until = ?, worker_id = ?,
                    possibly_duplicated = possibly_duplicated + ?, may_have_arrived = 0, next_attempt_at = NULL, at = ?, position = ?
                WHERE message_id = ? AND status IN ('queued', 'failed', 'sending', 'held')
                """) { b in
                b.int(m, "attempt"); b.text(m, "leaseUntil"); b.text(m, "workerId"); b.bool(m, "possiblyDuplicated")
                b.text(m, "startedAt"); b.value(event.position); b.text(m, "messageId")
            }
        case MessageSent.eventType:
            let inbound = m.string("direction") == MessageDirection.inbound.rawValue
            try w.run("""
                INSERT INTO {messages} (message_id, client_id, kind, direction, local_date, body, encoding, segments, provider,
                    provider_message_id, status, attempts, last_error, at, position)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET
                    body = excluded.body, encoding = excluded.encoding, segments = excluded.segments,
                    provider = excluded.provider, provider_message_id = excluded.provider_message_id, status = excluded.status,
                    attempts = CASE WHEN queued_position IS NULL THEN attempts + 1 ELSE attempts END,
                    lease_until = NULL, next_attempt_at = NULL, at = excluded.at, position = excluded.position
                """) { b in
                b.text(m, "messageId"); b.text(m, "clientId"); b.text(m, "kind"); b.text(m, "direction")
                b.text(m, "localDate"); b.text(m, "body"); b.text(m, "encoding"); b.int(m, "segments"); b.text(m, "provider")
                b.text(m, "providerMessageId"); b.value(inbound ? "received" : "sent"); b.text(m, "sentAt"); b.value(event.position)
            }
        case MessageFailed.eventType:
            let final = m.bool("undeliverable") == true || m.bool("retryable") == false
            try w.run("""
                INSERT INTO {messages} (message_id, client_id, kind, direction, local_date, provider, status, attempts, last_error,
                    next_attempt_at, may_have_arrived, at, position)
                VALUES (?, ?, ?, 'outbound', ?, ?, ?, 1, ?, ?, ?, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET
                    provider = excluded.provider,
                    status = CASE WHEN status = 'sent' THEN status ELSE excluded.status END,
                    attempts = CASE WHEN queued_position IS NULL THEN attempts + 1 ELSE attempts END,
                    last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at, lease_until = NULL,
                    may_have_arrived = excluded.may_have_arrived,
                    at = excluded.at, position = excluded.position
                -- A late outcome of an earlier attempt leaves a later attempt's row alone.
                WHERE queued_position IS NULL OR attempts <= ?
                """) { b in
                b.text(m, "messageId"); b.text(m, "clientId"); b.text(m, "kind"); b.text(m, "localDate"); b.text(m, "provider")
                b.value(final ? "undeliverable" : "failed"); b.text(m, "error"); b.text(m, "nextAttemptAt")
                b.value(m.bool("mayHaveArrived") == true ? 1 : 0); b.text(m, "failedAt"); b.value(event.position); b.int(m, "attempt")
            }
        case MessageReleased.eventType:
            let final = m.bool("final") == true
            try w.run("""
                UPDATE {messages} SET status = ?, lease_until = NULL, last_error = ?, released_attempts = released_attempts + ?, at = ?, position = ?
                WHERE message_id = ? AND status <> 'sent' AND attempts <= ?
                """) { b in
                b.value(final ? "released" : "queued"); b.text(m, "reason"); b.value(final ? 0 : 1); b.text(m, "releasedAt"); b.value(event.position)
                b.text(m, "messageId"); b.int(m, "attempt")
            }
        case DeliveryHeld.eventType:
            // Not sent again until the provider can be asked; the attempt does not count.
            try w.run("""
                UPDATE {messages} SET status = 'held', lease_until = NULL, last_error = ?, next_attempt_at = ?, may_have_arrived = 1,
                    released_attempts = released_attempts + 1, at = ?, position = ?
                WHERE message_id = ? AND status = 'sending' AND attempts = ?
                """) { b in
                b.text(m, "reason"); b.text(m, "retryAt"); b.text(m, "heldAt"); b.value(event.position); b.text(m, "messageId"); b.int(m, "attempt")
            }
        case MessageStatusReported.eventType:
            // The furthest status the provider reported (callbacks come out of order and twice),
            // by the rank `MessageStatusReported.rank` gives it.
            let status = m.string("status") ?? ""
            try w.run("""
                UPDATE {messages} SET delivery_status = ?, delivery_rank = ?, delivery_error = ?,
                    provider_message_id = coalesce(provider_message_id, ?)
                WHERE message_id = ? AND (delivery_rank IS NULL OR delivery_rank < ?)
                """) { b in
                let rank = MessageStatusReported.rank(status)
                b.value(status); b.value(rank); b.text(m, "errorCode"); b.text(m, "providerMessageId"); b.text(m, "messageId"); b.value(rank)
            }
        case MessageReceived.eventType:
            // Texts from clients, under the provider's id; a number that is no client's has no row.
            guard m.string("clientId") != nil else { return }
            try w.run("""
                INSERT INTO {messages} (message_id, client_id, kind, direction, body, segments, provider, provider_message_id, status, attempts, at, position)
                VALUES (?, ?, ?, 'inbound', ?, ?, ?, ?, 'received', 0, ?, ?)
                ON CONFLICT (message_id) DO NOTHING
                """) { b in
                b.text(m, "providerMessageId"); b.text(m, "clientId"); b.text(m, "inboundClass"); b.text(m, "body"); b.int(m, "segments")
                b.text(m, "provider"); b.text(m, "providerMessageId"); b.text(m, "receivedAt"); b.value(event.position)
            }
        case ReplyRead.eventType:
            // A text read: `read`, or `inbox` when a person should look at it (not read, or
            // asking what this part does not act on).
            let forAPerson = (m.objects("intents") ?? []).contains { ["unknown", "clarify", "timezone", "travel"].contains($0.string("intent") ?? "") }
            try w.run("UPDATE {messages} SET status = ? WHERE message_id = ? AND direction = 'inbound'") { b in
                b.value(forAPerson ? "inbox" : "read"); b.text(m, "providerMessageId")
            }
        case MessageExpired.eventType:
            try w.run("""
                UPDATE {messages} SET status = 'expired', lease_until = NULL, next_attempt_at = NULL, at = ?, position = ?
                WHERE message_id = ? AND status <> 'sent'
                """) { b in
                b.text(m, "expiredAt"); b.value(event.position); b.text(m, "messageId")
            }
        default:
            break
        }
    }
}

import API
import Foundation
import GRDB
import Vault

/// The API's remembered answers in table `api_answers` of the log's own SQLite file, beside the
/// events: one row per token and key, for a day. An answer about a client is stored sealed under
/// the client's data key (the vault's), so erasing the client leaves nothing of it readable.
public final class SQLiteIdempotencyStore: IdempotencyStore {
    let queue: DatabaseQueue
    let vault: Vault?
    /// How long an answer is kept.
    public let keep: TimeInterval
    /// How long a claim with no answer (its process stopped) holds the key.
    public let claimTimeout: TimeInterval

    public init(path: String, vault: Vault?, keep: TimeInterval = 86_400, claimTimeout: TimeInterval = 300, busyTimeout: TimeInterval = 10) throws {
        self.vault = vault
        self.keep = keep
        self.claimTimeout = claimTimeout
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "periodize-answers"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS api_answers (
                    caller TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    claimed_at REAL NOT NULL,
                    status INTEGER,
                    answer BLOB,
                    owner TEXT,
                    PRIMARY KEY (caller, key)
                ) WITHOUT ROWID
                """)
        }
    }

    private struct Stored: Codable {
        var status: Int
        var headers: [String: String]
        /// The body as text (JSON or a problem): the sealed field.
        var body: String
    }

    public func claim(caller: String, key: String, fingerprint: String, now: Date) async throws -> IdempotencyClaim {
        let keep = keep, timeout = claimTimeout
        let found: (String, Double, Int?, Data?, String?)? = try await queue.write { db in
            try db.execute(sql: "DELETE FROM api_answers WHERE claimed_at < ?", arguments: [now.timeIntervalSince1970 - keep])
            if let row = try Row.fetchOne(db, sql: "SELECT fingerprint, claimed_at, status, answer, owner FROM api_answers WHERE caller = ? AND key = ?", arguments: [caller, key]) {
                let status: Int? = row[2]
                let claimedAt: Double = row[1]
                // A claim whose process stopped before answering is taken over.
                guard status != nil || claimedAt >= now.timeIntervalSince1970 - timeout else {
                    try db.execute(sql: "UPDATE api_answers SET fingerprint = ?, claimed_at = ? WHERE caller = ? AND key = ?", arguments: [fingerprint, now.timeIntervalSince1970, caller, key])
                    return nil
                }
                return (row[0], claimedAt, status, row[3], row[4])
            }
            try db.execute(sql: "INSERT INTO api_answers (caller, key, fingerprint, claimed_at) VALUES (?, ?, ?, ?)", arguments: [caller, key, fingerprint, now.timeIntervalSince1970])
            return nil
        }
        guard let (storedFingerprint, _, status, answer, owner) = found else { return .claimed }
        guard storedFingerprint == fingerprint else { return .otherRequest }
        guard status != nil, let answer else { return .inProgress }
        var bytes = answer
        if owner != nil, let vault {
            if let owner, try vault.isErased(owner: owner) { return .erased }
            bytes = try vault.open(answer) ?? answer
        }
        let stored = try JSONDecoder().decode(Stored.self, from: bytes)
        return .answered(RememberedAnswer(status: stored.status, headers: stored.headers, body: Data(stored.body.utf8)))
    }

    public func remember(caller: String, key: String, answer: RememberedAnswer, owner: String?, now: Date) async throws {
        var bytes = try JSONEncoder().encode(Stored(status: answer.status, headers: answer.headers, body: String(decoding: answer.body, as: UTF8.self)))
        var sealedFor: String?
        if let owner, let vault {
            bytes = try vault.seal(bytes, fields: ["body"], owner: owner, eventID: UUID()).payload
            sealedFor = owner
        }
        let (stored, storedOwner) = (bytes, sealedFor)
        try await queue.write { db in
            try db.execute(
                sql: "UPDATE api_answers SET status = ?, answer = ?, owner = ? WHERE caller = ? AND key = ?",
                arguments: [answer.status, stored, storedOwner, caller, key])
        }
    }

    public func release(caller: String, key: String) async throws {
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM api_answers WHERE caller = ? AND key = ? AND status IS NULL", arguments: [caller, key])
        }
    }
}

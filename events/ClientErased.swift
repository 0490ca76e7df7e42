import Foundation

/// A client was erased on request: their data key is destroyed right after this event, so
/// every personal field of their stream reads as erased from then on, while the chain still
/// verifies and the training history (themes, sets, loads, dates) stays for statistics.
/// The client is inactive and opted out; nothing more is generated or sent for them.
///
/// `reason` is not personal (it outlives the key): say why, not who ("deletion request
/// #1234", not the person's words).
public struct ClientErased: EventPayload {
    public static let eventType = "ClientErased"
    public static let schemaVersion = 1

    public var clientId: String
    public var reason: String
    /// ISO 8601.
    public var erasedAt: String

    public init(clientId: String, reason: String, erasedAt: String) {
        self.clientId = clientId
        self.reason = reason
        self.erasedAt = erasedAt
    }
}

/// What a personal field reads as once its key is destroyed: a string field reads
/// `"[erased]"`, a number or flag `null`, a list `[]`, an object `{}`.
public enum Erased {
    public static let text = "[erased]"
}

/// A signed statement that the log's chain passed through `position` with hash `hash` at
/// `signedAt`: Ed25519 over ``signedMessage`` with a key kept outside the log. Appended to
/// stream `$checkpoints` every N events and on demand (`periodize checkpoint`).
public struct CheckpointSigned: EventPayload {
    public static let eventType = "CheckpointSigned"
    public static let schemaVersion = 1

    public var position: Int64
    /// The chain's hash at `position`, lower-case hex.
    public var hash: String
    /// ISO 8601 with milliseconds.
    public var signedAt: String
    /// The Ed25519 public key that signed, hex (32 bytes).
    public var publicKey: String
    /// The signature, hex (64 bytes).
    public var signature: String

    public init(position: Int64, hash: String, signedAt: String, publicKey: String, signature: String) {
        self.position = position
        self.hash = hash
        self.signedAt = signedAt
        self.publicKey = publicKey
        self.signature = signature
    }

    /// The bytes signed: `periodize-checkpoint-v1`, a newline, then `POSITION HASH SIGNED_AT`.
    public static func signedMessage(position: Int64, hash: String, signedAt: String) -> Data {
        Data("periodize-checkpoint-v1\n\(position) \(hash) \(signedAt)".utf8)
    }
}

/// The first event a compacted log records after its copy of an older log (`periodize compact
/// --into`): the older log's head and this log's head at the end of the copy, signed, so the
/// new chain can be traced back to the old one.
public struct LogCompacted: EventPayload {
    public static let eventType = "LogCompacted"
    public static let schemaVersion = 1

    public var sourcePosition: Int64
    public var sourceHash: String
    public var position: Int64
    public var hash: String
    /// Personal fields found in the clear in the old log and encrypted in this one.
    public var fieldsEncrypted: Int
    public var compactedAt: String
    public var publicKey: String
    public var signature: String

    public init(
        sourcePosition: Int64, sourceHash: String, position: Int64, hash: String, fieldsEncrypted: Int, compactedAt: String,
        publicKey: String, signature: String
    ) {
        self.sourcePosition = sourcePosition
        self.sourceHash = sourceHash
        self.position = position
        self.hash = hash
        self.fieldsEncrypted = fieldsEncrypted
        self.compactedAt = compactedAt
        self.publicKey = publicKey
        self.signature = signature
    }

    /// The bytes signed: `periodize-compaction-v1`, a newline, then `SOURCE_POSITION
    /// SOURCE_HASH POSITION HASH COMPACTED_AT`.
    public static func signedMessage(sourcePosition: Int64, sourceHash: String, position: Int64, hash: String, compactedAt: String) -> Data {
        Data("periodize-compaction-v1\n\(sourcePosition) \(sourceHash) \(position) \(hash) \(compactedAt)".utf8)
    }
}

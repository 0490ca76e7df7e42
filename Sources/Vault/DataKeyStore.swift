import Crypto
import Foundation

/// One owner's data key: 32 random bytes that seal that owner's personal fields.
public struct DataKey: Sendable {
    /// The key's number in its store, written into every field it seals.
    public let id: Int64
    public let owner: String
    public let material: SymmetricKey

    public init(id: Int64, owner: String, material: SymmetricKey) {
        self.id = id
        self.owner = owner
        self.material = material
    }
}

/// What a store holds under one key id.
public enum KeyState: Sendable {
    case live(DataKey)
    /// The key was destroyed: what it sealed reads as erased.
    case erased(owner: String)
}

/// An erasure begun and not finished: the process stopped between recording the erasure and
/// destroying the key.
public struct PendingErasure: Sendable, Equatable {
    public let owner: String
    public let reason: String

    public init(owner: String, reason: String) {
        self.owner = owner
        self.reason = reason
    }
}

/// Where data keys live: a table of their own beside the log, never in the events themselves,
/// so that destroying one erases what it sealed while every stored byte of the chain stays.
public protocol DataKeyStore: Sendable {
    /// The owner's live key, made (and stored) when the owner has none yet.
    ///
    /// - Throws: ``VaultError`` `.erased` once the owner's key was destroyed.
    func key(for owner: String) throws -> DataKey
    /// What the store holds under `id`; nil when it never held that id.
    func key(id: Int64) throws -> KeyState?
    /// Every key the store holds (a rebuild reads them all before it starts).
    func allKeys() throws -> [Int64: KeyState]
    /// Records that `owner` is being erased, and why, before the erasure event is appended.
    func beginErasure(owner: String, reason: String) throws
    /// Destroys the owner's key: its bytes are overwritten, its row stays as erased so its id
    /// is never given again and the owner cannot get a new key.
    func destroy(owner: String) throws
    /// Erasures begun and not finished.
    func pendingErasures() throws -> [PendingErasure]
    func isErased(owner: String) throws -> Bool
    /// How many keys were destroyed so far (cheap: asked every second to notice erasures by
    /// other processes).
    func erasedCount() throws -> Int
    /// Every destroyed key's owner and id.
    func erasedKeys() throws -> [(owner: String, id: Int64)]
}

/// A vault failure: a code to match on and one line for people.
public struct VaultError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// The owner's key was destroyed: nothing personal can be stored for them.
        case erased
        /// A sealed field names a key this log's key table does not hold.
        case unknownKey
        /// A sealed field failed authentication: its bytes were changed.
        case tampered
        /// The key table is wrapped by a master key and none was given, or the wrong one.
        case masterKey
        case storage
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The master key that wraps data keys at rest, from the environment
/// (`PERIODIZE_MASTER_KEY`: 32 bytes as 64 hex digits or base64).
public enum MasterKey {
    public static let variable = "PERIODIZE_MASTER_KEY"

    /// The key in `text`, or nil when it is not 32 bytes in hex or base64.
    public static func parse(_ text: String) -> SymmetricKey? {
        Data(keyText: text).map { SymmetricKey(data: $0) }
    }

    /// Wraps a data key's bytes for `owner` (AES-256-GCM, a random nonce, the owner bound in).
    public static func wrap(_ material: SymmetricKey, owner: String, with master: SymmetricKey) throws -> Data {
        let sealed = try material.withUnsafeBytes { bytes in
            try AES.GCM.seal(Data(bytes), using: master, authenticating: Data("periodize-data-key:\(owner)".utf8))
        }
        return sealed.combined!
    }

    /// The data key `wrapped` holds, or nil when `master` does not open it.
    public static func unwrap(_ wrapped: Data, owner: String, with master: SymmetricKey) -> SymmetricKey? {
        guard let box = try? AES.GCM.SealedBox(combined: wrapped),
              let bytes = try? AES.GCM.open(box, using: master, authenticating: Data("periodize-data-key:\(owner)".utf8)) else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// A value stored beside wrapped keys so that a wrong master key is told apart at open.
    public static func checkValue(_ master: SymmetricKey) throws -> Data {
        try AES.GCM.seal(Data("periodize-vault-check".utf8), using: master).combined!
    }

    public static func opens(_ check: Data, _ master: SymmetricKey) -> Bool {
        guard let box = try? AES.GCM.SealedBox(combined: check), let text = try? AES.GCM.open(box, using: master) else { return false }
        return text == Data("periodize-vault-check".utf8)
    }
}

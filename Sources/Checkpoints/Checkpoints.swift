import Crypto
import EventLog
import Events
import Foundation
import Synchronization

/// Signs checkpoints of the chain: Ed25519 over (position, the chain's hash there, time),
/// with a key kept outside the log's database (a file or the environment). Anyone who can
/// write the file can rewrite the chain and recompute every hash, but cannot sign for it: a
/// checkpoint whose hash no longer matches, or whose signature does not hold, gives it away.
public struct CheckpointSigner: Sendable {
    public static let keyVariable = "PERIODIZE_SIGNING_KEY"
    public static let keyFileVariable = "PERIODIZE_SIGNING_KEY_FILE"

    let key: Curve25519.Signing.PrivateKey
    /// The public key, 64 hex digits: what `verify --key` is given.
    public var publicKeyHex: String { key.publicKey.rawRepresentation.hexString }

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        key = privateKey
    }

    /// A private key from its text: 32 bytes as 64 hex digits or base64.
    public init?(text: String) {
        guard let raw = Data(keyText: text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else { return nil }
        self.key = key
    }

    /// A new private key, as the text `init(text:)` reads.
    public static func generate() -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (key.rawRepresentation.hexString, key.publicKey.rawRepresentation.hexString)
    }

    /// The signing key the environment names: `PERIODIZE_SIGNING_KEY` (the key itself) or
    /// `PERIODIZE_SIGNING_KEY_FILE` (a file holding it); nil when neither is set.
    ///
    /// - Throws: ``CheckpointError`` naming the variable when its value is not a key.
    public static func fromEnvironment(_ environment: [String: String]) throws -> CheckpointSigner? {
        if let text = environment[keyVariable], !text.isEmpty {
            guard let signer = CheckpointSigner(text: text) else {
                throw CheckpointError("\(keyVariable) is not an Ed25519 private key (32 bytes as 64 hex digits or base64)")
            }
            return signer
        }
        if let path = environment[keyFileVariable], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CheckpointError("\(keyFileVariable)=\(path) cannot be read")
            }
            guard let signer = CheckpointSigner(text: text) else {
                throw CheckpointError("\(keyFileVariable)=\(path) does not hold an Ed25519 private key (64 hex digits or base64)")
            }
            return signer
        }
        return nil
    }

    public func sign(position: Int64, hash: Data, at time: Timestamp) throws -> CheckpointSigned {
        let hex = hash.hexString
        let message = CheckpointSigned.signedMessage(position: position, hash: hex, signedAt: time.iso8601)
        return CheckpointSigned(
            position: position, hash: hex, signedAt: time.iso8601, publicKey: publicKeyHex,
            signature: try key.signature(for: message).hexString)
    }

    public func sign(_ message: Data) throws -> String {
        try key.signature(for: message).hexString
    }
}

/// A checkpoint key or file that is not one: one line naming it.
public struct CheckpointError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }

    /// `what` needs a signing key and none was configured.
    public static func noSigningKey(_ what: String) -> CheckpointError {
        CheckpointError("\(what) needs a signing key: set \(CheckpointSigner.keyVariable) or \(CheckpointSigner.keyFileVariable) (make one with `periodize checkpoint keygen`)")
    }
    public var description: String { message }
}

/// Checks checkpoints against a public key.
public struct CheckpointVerifier: Sendable {
    let key: Curve25519.Signing.PublicKey
    public var publicKeyHex: String { key.rawRepresentation.hexString }

    /// A public key from 64 hex digits or base64; nil for anything else.
    public init?(publicKey text: String) {
        guard let raw = Data(keyText: text), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return nil }
        self.key = key
    }

    public func holds(_ checkpoint: CheckpointSigned) -> Bool {
        guard let signature = Data(hexString: checkpoint.signature) else { return false }
        return key.isValidSignature(signature, for: CheckpointSigned.signedMessage(position: checkpoint.position, hash: checkpoint.hash, signedAt: checkpoint.signedAt))
    }

    public func holds(_ compaction: LogCompacted) -> Bool {
        guard let signature = Data(hexString: compaction.signature) else { return false }
        return key.isValidSignature(signature, for: LogCompacted.signedMessage(
            sourcePosition: compaction.sourcePosition, sourceHash: compaction.sourceHash,
            position: compaction.position, hash: compaction.hash, compactedAt: compaction.compactedAt))
    }
}

/// The stream that holds checkpoints.
public let checkpointsStream = "$checkpoints"
/// The stream that holds a compacted log's `LogCompacted` statement.
public let compactionStream = "$log"

/// The log, writing a signed checkpoint of its head after every `every` events appended
/// through it (and on demand, ``checkpoint(at:)``).
public final class CheckpointingEventStore: WrappingEventStore {
    public let stored: any EventStore
    public let signer: CheckpointSigner
    public let every: Int64
    let clock: @Sendable () -> Date
    /// The position the last checkpoint signed, and whether one is being written.
    private let state: Mutex<(last: Int64?, writing: Bool)> = Mutex((nil, false))

    public init(_ stored: any EventStore, signer: CheckpointSigner, every: Int64, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.stored = stored
        self.signer = signer
        self.every = max(1, every)
        self.clock = clock
    }

    /// Signs the chain at its head (the event before the checkpoint's own) and appends it.
    @discardableResult
    public func checkpoint(at time: Date? = nil) async throws -> CheckpointSigned? {
        let head = try await stored.headPosition()
        guard head > 0 else { return nil }
        var hashAtHead: Data?
        for try await event in stored.storedBytes.readAll(from: head, batchSize: 1) {
            hashAtHead = event.hash
            break
        }
        guard let hash = hashAtHead else { return nil }
        let checkpoint = try signer.sign(position: head, hash: hash, at: Timestamp(time ?? clock()))
        let encoded = try EventCatalog.encode(checkpoint)
        let id = UUID(uuid: Self.id("checkpoint|\(head)|\(checkpoint.signedAt)|\(checkpoint.publicKey)"))
        do {
            try await stored.append(
                [NewEvent(eventID: id, type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: "checkpoint")],
                to: checkpointsStream, expected: .any)
        } catch let error as EventStoreError where error.code == .eventIDReused {
            // Another writer signed the same position at the same instant.
        }
        state.withLock { $0.last = max($0.last ?? 0, head) }
        return checkpoint
    }

    private static func id(_ name: String) -> uuid_t {
        let d = Array(SHA256.hash(data: Data(name.utf8)))
        return (d[0], d[1], d[2], d[3], d[4], d[5], (d[6] & 0x0F) | 0x50, d[7], (d[8] & 0x3F) | 0x80, d[9], d[10], d[11], d[12], d[13], d[14], d[15])
    }

    /// Writes a checkpoint when `head` is `every` events past the last one.
    private func afterAppend(_ head: Int64?) async {
        guard let head else { return }
        var last = state.withLock { $0.last }
        if last == nil {
            guard let version = try? await stored.streamVersion(checkpointsStream),
                  let newest = try? await stored.readStream(checkpointsStream, from: max(1, version)) else { return }
            let position = newest.last.flatMap { try? EventCoding.decode(CheckpointSigned.self, from: $0.payload).position } ?? 0
            last = state.withLock { $0.last = max($0.last ?? 0, position); return $0.last }
        }
        guard head - (last ?? 0) >= every else { return }
        let take = state.withLock { s -> Bool in
            guard !s.writing else { return false }
            s.writing = true
            return true
        }
        guard take else { return }
        defer { state.withLock { $0.writing = false } }
        // The append itself is stored: a checkpoint that fails here is tried again after the
        // next append rather than failing this one.
        _ = try? await checkpoint()
    }

    // MARK: EventStore

    @discardableResult
    public func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion) async throws -> AppendResult {
        let result = try await stored.append(events, to: stream, expected: expected)
        if !result.alreadyStored { await afterAppend(result.positions.max()) }
        return result
    }

    @discardableResult
    public func appendAll(_ batches: [(stream: String, events: [NewEvent], expected: ExpectedVersion)]) async throws -> [AppendResult] {
        let results = try await stored.appendAll(batches)
        await afterAppend(results.flatMap(\.positions).max())
        return results
    }

    public func readStream(_ stream: String, from version: Int64) async throws -> [RecordedEvent] {
        try await stored.readStream(stream, from: version)
    }

    public func readAll(from position: Int64, batchSize: Int) -> EventLogSequence { stored.readAll(from: position, batchSize: batchSize) }

    public func forEachEvent(matching filter: EventFilter, _ body: @escaping @Sendable (RecordedEvent) throws -> Void) async throws {
        try await stored.forEachEvent(matching: filter, body)
    }




}

/// What checking the checkpoints against a public key found.
public struct CheckpointReport: Sendable {
    public var checked: Int = 0
    /// Checkpoints signed by another key (left aside).
    public var otherKeys: Int = 0
    public var newest: CheckpointSigned?
    /// The first failure: a bad signature, or a chain that does not pass through a checkpoint.
    public var failure: String?
    /// Events after the newest checkpoint (not covered by any signature).
    public var unsigned: Int64 = 0
    /// Checkpoints copied from the log this one was compacted from: they vouch for that
    /// log's chain, which the signed `LogCompacted` binds to this one.
    public var ofSourceLog: Int = 0
    /// `LogCompacted` statements whose signature and hash hold.
    public var compactions: Int = 0

    public init() {}
}

extension EventStore {
    /// Checks every checkpoint in the log signed by `verifier`'s key: the signature, and that
    /// the chain's stored hash at its position is the hash signed. The chain itself is walked
    /// by `verifyChain`; together they show the chain passes through each checkpoint.
    public func checkCheckpoints(_ verifier: CheckpointVerifier) async throws -> CheckpointReport {
        var report = CheckpointReport()
        let raw = storedBytes
        func storedHash(at position: Int64) async throws -> Data? {
            for try await at in raw.readAll(from: position, batchSize: 1) { return at.position == position ? at.hash : nil }
            return nil
        }
        // A compacted log starts with a copy of the old one: the statement that binds the two
        // is checked, and the old log's checkpoints are left to it.
        var copiedThrough: Int64 = 0
        for event in try await raw.readStream(compactionStream, from: 1) {
            guard let compaction = try? EventCoding.decode(LogCompacted.self, from: event.payload) else {
                report.failure = "position \(event.position): a compaction statement that does not decode"
                return report
            }
            guard compaction.publicKey == verifier.publicKeyHex else { report.otherKeys += 1; continue }
            guard verifier.holds(compaction) else {
                report.failure = "position \(event.position): the compaction statement has a signature that does not hold"
                return report
            }
            guard try await storedHash(at: compaction.position)?.hexString == compaction.hash else {
                report.failure = "position \(compaction.position): the chain does not pass through the head the compaction statement signed"
                return report
            }
            report.compactions += 1
            copiedThrough = max(copiedThrough, compaction.position)
        }
        for event in try await raw.readStream(checkpointsStream, from: 1) {
            guard report.failure == nil else { break }
            if event.position <= copiedThrough { report.ofSourceLog += 1; continue }
            guard let checkpoint = try? EventCoding.decode(CheckpointSigned.self, from: event.payload) else {
                report.failure = "position \(event.position): a checkpoint that does not decode"
                continue
            }
            guard checkpoint.publicKey == verifier.publicKeyHex else { report.otherKeys += 1; continue }
            guard verifier.holds(checkpoint) else {
                report.failure = "position \(event.position): the checkpoint of position \(checkpoint.position) has a signature that does not hold"
                continue
            }
            let stored = try await storedHash(at: checkpoint.position)
            guard let stored, stored.hexString == checkpoint.hash else {
                report.failure = "position \(checkpoint.position): the chain does not pass through the checkpoint signed at \(checkpoint.signedAt) (hash \(stored?.hexString ?? "missing"), signed \(checkpoint.hash))"
                continue
            }
            report.checked += 1
            if checkpoint.position >= (report.newest?.position ?? 0) { report.newest = checkpoint }
        }
        report.unsigned = try await raw.headPosition() - (report.newest?.position ?? 0)
        return report
    }
}

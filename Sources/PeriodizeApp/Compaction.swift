import Checkpoints
import EventLog
import EventLogSQLite
import Events
import Foundation
import Periodize
import Vault
import VaultSQLite

/// What `compactLog` did.
public struct CompactionReport: Sendable {
    public var events: Int
    /// Personal fields found in the clear and encrypted in the copy.
    public var fieldsEncrypted: Int
    /// Personal fields of erased clients found in the clear and written as erased.
    public var fieldsErased: Int
    public var sourcePosition: Int64
    public var sourceHash: String
    /// The copy's head before its `LogCompacted`, and that event's position.
    public var position: Int64
    public var hash: String
    public var statementPosition: Int64
}

/// Copies the log of `source` into a new file at `path` with every personal field encrypted
/// (those of erased clients written as erased) and a chain of its own: positions, ids, streams
/// and metadata as they were, payloads re-sealed, every hash recomputed. The data keys go
/// with it. It ends with a `LogCompacted` event in stream `$log` that binds the old head to the
/// new one, signed by `signer`. Nothing is written at `path` unless all of it is.
public func compactLog(
    _ source: Engine, configuration: EngineConfiguration, signer: CheckpointSigner, into path: String,
    progress: (@Sendable (Int) -> Void)? = nil
) async throws -> CompactionReport {
    guard let vault = source.vault, let keys = vault.keys as? SQLiteDataKeyStore else {
        throw VaultError(.storage, "compact needs a log opened with its data keys")
    }
    guard !FileManager.default.fileExists(atPath: path) else { throw EventStoreError(.invalidArgument, "\(path) already exists; compact writes a new file") }
    guard try keys.pendingErasures().isEmpty else {
        throw VaultError(.storage, "an erasure is under way in this log: run compact once it is finished")
    }
    let raw = source.store.storedBytes
    let lines = path + ".lines"
    FileManager.default.createFile(atPath: lines, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: lines) }
    func removeTarget() { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: lines))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var previous = HashChain.genesis
    var count = 0, encrypted = 0, erased = 0
    var sourceHead: (Int64, Data) = (0, HashChain.genesis)
    do {
        for try await event in raw.readAll(from: 1, batchSize: 5000) {
            var payload = event.payload
            if let owner = SealingEventStore.owner(of: event.streamID) {
                let fields = EventCatalog.personalFields(type: event.type, schemaVersion: event.schemaVersion)
                if !fields.isEmpty {
                    if try keys.isErased(owner: owner) {
                        let result = Vault.redact(payload, fields: fields)
                        payload = result.payload
                        erased += result.redacted
                    } else {
                        let result = try vault.seal(payload, fields: fields, owner: owner, eventID: event.eventID)
                        payload = result.payload
                        encrypted += result.sealed
                    }
                }
            }
            let hash = HashChain.hash(
                previous: previous, position: event.position, streamID: event.streamID, streamVersion: event.streamVersion,
                eventID: event.eventID, type: event.type, schemaVersion: event.schemaVersion, payload: payload, metadata: event.metadata)
            let copy = RecordedEvent(
                position: event.position, streamID: event.streamID, streamVersion: event.streamVersion, eventID: event.eventID,
                type: event.type, schemaVersion: event.schemaVersion, payload: payload, metadata: event.metadata,
                previousHash: previous, hash: hash)
            var line = try encoder.encode(EnvelopeLine(copy))
            line.append(0x0A)
            try output.write(contentsOf: line)
            previous = hash
            sourceHead = (event.position, event.hash)
            count += 1
            if count % 10_000 == 0 { progress?(count) }
        }
        try output.close()
        // Compacting is for a log nothing writes to meanwhile (stop the service and cron first).
        guard try await raw.headPosition() == sourceHead.0 else {
            throw EventStoreError(.invalidArgument, "the log grew while it was being copied: stop every process that writes to it, then compact again")
        }
        // The new file, its key table filled from this one's, then the copy imported.
        var target = configuration
        target.path = path
        target.signer = nil
        try SQLiteEventStore(path: path, configuration: .init(durability: configuration.durability)).close()
        _ = try SQLiteDataKeyStore(path: path, master: configuration.masterKey)
        try keys.copyKeys(into: path)
        let engine = try await makeEngine(target)
        defer { try? engine.close() }
        let imported = try await engine.store.importEvents(from: lines, progress: nil)
        let newHash = previous.hexString
        let at = Timestamp(configuration.clock()).iso8601
        let message = LogCompacted.signedMessage(
            sourcePosition: sourceHead.0, sourceHash: sourceHead.1.hexString, position: imported.headPosition, hash: newHash, compactedAt: at)
        let statement = LogCompacted(
            sourcePosition: sourceHead.0, sourceHash: sourceHead.1.hexString, position: imported.headPosition, hash: newHash,
            fieldsEncrypted: encrypted, compactedAt: at, publicKey: signer.publicKeyHex, signature: try signer.sign(message))
        let appended = try await engine.append(statement, to: compactionStream, expected: .any, actor: "compact")
        // The new chain's first checkpoint, over everything copied and the statement.
        try await CheckpointingEventStore(engine.store, signer: signer, every: .max, clock: configuration.clock).checkpoint()
        return CompactionReport(
            events: count, fieldsEncrypted: encrypted, fieldsErased: erased, sourcePosition: sourceHead.0, sourceHash: sourceHead.1.hexString,
            position: imported.headPosition, hash: newHash, statementPosition: appended.positions[0])
    } catch {
        try? output.close()
        removeTarget()
        throw error
    }
}

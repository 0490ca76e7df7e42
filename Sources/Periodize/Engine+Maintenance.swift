import EventLog
import Events
import Foundation
import Projections
import Vault

/// What `verify` found.
public struct VerifyReport: Sendable {
    public var chain: ChainReport
    /// Nil when the chain is broken (the read-models are not compared then).
    public var readModels: ReadModelCheck?
    /// Stored events whose payload does not decode as its declared type and version.
    public var undecodable: [(position: Int64, reason: String)]

    public var isValid: Bool { chain.isValid && (readModels?.matches ?? false) && undecodable.isEmpty }
}

/// A moment in the log: a global position, or everything recorded up to a time.
public enum PointInTime: Sendable, Equatable, CustomStringConvertible {
    case position(Int64)
    case timestamp(Timestamp)

    /// Parses a position (digits) or an ISO 8601 timestamp; nil for anything else.
    public init?(_ text: String) {
        if let position = Int64(text), position >= 0 {
            self = .position(position)
        } else if let timestamp = Timestamp(iso8601: text) {
            self = .timestamp(timestamp)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .position(let p): "position \(p)"
        case .timestamp(let t): t.iso8601
        }
    }
}

extension Engine {
    /// Walks the hash chain, decodes every payload, and checks that read-models built afresh
    /// from the log match the live ones.
    public func verify(progress: (@Sendable (String, Int64, Int64) -> Void)? = nil) async throws -> VerifyReport {
        let chain = try await store.verifyChain(progress: progress.map { p in { @Sendable in p("chain", $0, 0) } })
        var undecodable: [(Int64, String)] = []
        for try await event in store.storedBytes.readAll(from: 1, batchSize: 5000) {
            do {
                let payload = try vault?.open(event.payload) ?? event.payload
                _ = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: payload)
            } catch {
                undecodable.append((event.position, "\(error)"))
                if undecodable.count >= 20 { break }
            }
        }
        guard chain.isValid, undecodable.isEmpty else { return VerifyReport(chain: chain, readModels: nil, undecodable: undecodable) }
        let check = try await readModels.check(progress: progress.map { p in { @Sendable in p("read-models", $0, $1) } })
        return VerifyReport(chain: chain, readModels: check, undecodable: [])
    }

    /// Rebuilds read-models blue/green (all, or those named).
    public func rebuild(only names: [String]? = nil, diff: Bool = false, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> RebuildReport {
        try await readModels.rebuild(only: names, diff: diff, progress: progress)
    }

    /// Writes a new Periodize file at `path` holding the log up to `point` and read-models
    /// built from it: the world as it was then. The file must not exist.
    ///
    /// - Returns: the last position copied.
    @discardableResult
    public func replay(until point: PointInTime, into path: String, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> Int64 {
        let last: Int64
        switch point {
        case .position(let p): last = min(p, try await store.headPosition())
        case .timestamp(let t): last = try await store.lastPosition(recordedAtOrBefore: t)
        }
        try await readModels.copy(through: last, into: path, progress: progress)
        return last
    }

    /// Counts by type, streams, read-model checkpoints and sizes.
    public func stats() async throws -> LogStats {
        try await readModels.stats()
    }
}

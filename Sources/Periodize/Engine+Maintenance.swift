import EventLog
import Events
import Foundation
import GRDB
import Projections

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

/// A summary of the log and its read-models.
public struct LogStats: Sendable {
    public var events: Int64
    public var streams: Int64
    public var byType: [(type: String, schemaVersion: Int, count: Int64)]
    public var firstRecordedAt: Timestamp?
    public var lastRecordedAt: Timestamp?
    public var readModels: [(name: String, version: Int, position: Int64, rows: Int64)]
    public var fileBytes: Int64
    /// Generated artefacts by UTC day, coach and model.
    public var generation: [GenerationUsage] = []
}

/// What one coach and model generated on one day, and what it cost.
public struct GenerationUsage: Sendable, Equatable {
    public var day: String
    public var coach: String
    public var model: String?
    /// Plans, weeks and workouts generated.
    public var artefacts: Int64
    /// Calls made to the model (retries and repairs included).
    public var calls: Int64
    /// Calls that failed or gave an invalid answer.
    public var failedCalls: Int64
    /// Artefacts the rules made after the model's attempts were spent.
    public var fallbacks: Int64
    public var promptTokens: Int64
    public var completionTokens: Int64
    public var latencyMs: Double

    public var failureRate: Double { calls == 0 ? 0 : Double(failedCalls) / Double(calls) }
    public var fallbackRate: Double { artefacts == 0 ? 0 : Double(fallbacks) / Double(artefacts) }
}

extension Engine {
    /// Walks the hash chain, decodes every payload, and checks that read-models built afresh
    /// from the log match the live ones.
    public func verify(progress: (@Sendable (String, Int64, Int64) -> Void)? = nil) async throws -> VerifyReport {
        let chain = try await store.verifyChain(progress: progress.map { p in { @Sendable in p("chain", $0, 0) } })
        var undecodable: [(Int64, String)] = []
        for try await event in store.readAll(from: 1, batchSize: 5000) {
            do {
                _ = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
            } catch {
                undecodable.append((event.position, "\(error)"))
                if undecodable.count >= 20 { break }
            }
        }
        guard chain.isValid, undecodable.isEmpty else { return VerifyReport(chain: chain, readModels: nil, undecodable: undecodable) }
        let check = try await readModels.check(store, progress: progress.map { p in { @Sendable in p("read-models", $0, $1) } })
        return VerifyReport(chain: chain, readModels: check, undecodable: [])
    }

    /// Rebuilds read-models blue/green (all, or those named).
    public func rebuild(only names: [String]? = nil, diff: Bool = false, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> RebuildReport {
        try await readModels.rebuild(store, only: names, diff: diff, progress: progress)
    }

    /// Writes a new Periodize file at `path` holding the log up to `point` and read-models
    /// built from it: the world as it was then. The file must not exist.
    ///
    /// - Returns: the last position copied.
    @discardableResult
    public func replay(until point: PointInTime, into path: String, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> Int64 {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw EventStoreError(.invalidArgument, "\(path) already exists; replay writes a new file")
        }
        let last: Int64 = try await store.database.read { db in
            switch point {
            case .position(let p): min(p, try SQLiteEventStore.headPosition(db))
            case .timestamp(let t): try SQLiteEventStore.lastPosition(recordedAtOrBefore: t, db)
            }
        }
        do {
            let target = try SQLiteEventStore(path: path, configuration: .init(durability: options.durability, clock: options.clock))
            defer { try? target.close() }
            try await target.database.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [self.options.path])
                defer { try? db.execute(sql: "DETACH DATABASE source") }
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "INSERT INTO main.events SELECT * FROM source.events WHERE position <= ?", arguments: [last])
                    try db.execute(sql: """
                        UPDATE main.log_head SET position = ?, hash = coalesce((SELECT hash FROM main.events WHERE position = ?), zeroblob(32))
                        WHERE id = 1
                        """, arguments: [last, last])
                    return .commit
                }
            }
            try await readModels.build(from: target, into: target, through: last, progress: progress)
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw error
        }
        return last
    }

    /// Counts by type, streams, read-model checkpoints and sizes.
    public func stats() async throws -> LogStats {
        let path = options.path
        return try await store.database.read { db in
            let events = try Int64.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
            let streams = try Int64.fetchOne(db, sql: "SELECT count(DISTINCT stream_id) FROM events") ?? 0
            let byType = try Row.fetchAll(db, sql: "SELECT type, schema_version, count(*) FROM events GROUP BY type, schema_version ORDER BY type, schema_version")
                .map { (type: $0[0] as String, schemaVersion: $0[1] as Int, count: $0[2] as Int64) }
            let range = try Row.fetchOne(db, sql: "SELECT min(recorded_at), max(recorded_at) FROM events")
            var models: [(String, Int, Int64, Int64)] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, version, position FROM projection_checkpoints ORDER BY name") {
                let name: String = row[0]
                let table = self.readModels.projection(named: name)?.tables.first?.name ?? name
                let rows = (try? Int64.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\"")) ?? 0
                models.append((name, row[1], row[2], rows))
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
            let generation = try Row.fetchAll(db, sql: """
                SELECT day, coach, model, count(*), sum(attempts), sum(failed_attempts), count(fallback_reason),
                    sum(prompt_tokens), sum(completion_tokens), sum(latency_ms)
                FROM generation_audit GROUP BY day, coach, model ORDER BY day, coach, model
                """).map { row in
                GenerationUsage(
                    day: row[0], coach: row[1], model: row[2], artefacts: row[3], calls: row[4], failedCalls: row[5], fallbacks: row[6],
                    promptTokens: row[7], completionTokens: row[8], latencyMs: row[9])
            }
            return LogStats(
                events: events, streams: streams, byType: byType,
                firstRecordedAt: (range?[0] as Int64?).map(Timestamp.init(milliseconds:)),
                lastRecordedAt: (range?[1] as Int64?).map(Timestamp.init(milliseconds:)),
                readModels: models, fileBytes: size, generation: generation)
        }
    }
}

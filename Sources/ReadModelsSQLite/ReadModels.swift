import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Projections

/// The set of read-models kept beside the log, their checkpoints, and the ways to bring them
/// up to date: inline in each append's transaction, catch-up from a checkpoint, and a full
/// build into any namespace or file (rebuild, verify, point in time).
public final class ReadModels: AppendHook {
    public let projections: [any Projection]
    /// Opens sealed personal fields before projections read them (the vault); nil for a log
    /// without one.
    public let opener: (any PayloadOpener)?

    /// Every read-model Periodize keeps.
    public static var all: [any Projection] { ReadModelCatalog.all }

    public init(_ projections: [any Projection] = ReadModels.all, opener: (any PayloadOpener)? = nil) {
        self.projections = projections
        self.opener = opener
    }

    public func projection(named name: String) -> (any Projection)? {
        projections.first { $0.name == name }
    }

    // MARK: Checkpoints

    static let checkpointsTable = "projection_checkpoints"

    struct Checkpoint {
        var version: Int
        var position: Int64
        var generation: Int
    }

    static func createCheckpointsTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS projection_checkpoints (
                name TEXT NOT NULL PRIMARY KEY,
                version INTEGER NOT NULL,
                position INTEGER NOT NULL,
                generation INTEGER NOT NULL
            )
            """)
    }

    static func checkpoints(_ db: Database) throws -> [String: Checkpoint] {
        guard try db.tableExists(checkpointsTable) else { return [:] }
        var result: [String: Checkpoint] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT name, version, position, generation FROM projection_checkpoints")) {
            result[row[0]] = Checkpoint(version: row[1], position: row[2], generation: row[3])
        }
        return result
    }

    static func setCheckpoint(_ db: Database, _ name: String, version: Int, position: Int64, generation: Int) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO projection_checkpoints (name, version, position, generation) VALUES (?, ?, ?, ?)",
            arguments: [name, version, position, generation])
    }

    // MARK: Schema

    /// Creates a projection's tables with their lookup indexes, and its reader indexes too
    /// unless `readerIndexes` is false (a rebuild adds those once the rows are in).
    func createTables(_ projection: any Projection, prefix: String, generation: Int, readerIndexes: Bool, _ db: Database) throws {
        for table in projection.tables {
            try db.execute(sql: "CREATE TABLE \"\(prefix)\(table.name)\" (\(table.definition))\(table.withoutRowID ? " WITHOUT ROWID" : "")")
            try createIndexes(table, \.lookupIndexes, kind: "l", prefix: prefix, generation: generation, db)
            if readerIndexes { try createIndexes(table, \.indexes, kind: "i", prefix: prefix, generation: generation, db) }
        }
    }

    func createIndexes(_ table: ProjectionTable, _ list: KeyPath<ProjectionTable, [String]>, kind: String, prefix: String, generation: Int, _ db: Database) throws {
        for (number, columns) in table[keyPath: list].enumerated() {
            // Index names carry the generation so that a rebuild's indexes never collide with
            // the live ones; they follow their table through the switch.
            try db.execute(sql: "CREATE INDEX \"\(table.name)_\(kind)\(number)_g\(generation)\" ON \"\(prefix)\(table.name)\" (\(columns))")
        }
    }

    /// Creates the live tables of read-models that have none, at checkpoint 0. Returns the
    /// names of those whose stored version differs from the code's (they need a rebuild).
    @discardableResult
    public func prepare(_ db: Database) throws -> [String] {
        try Self.createCheckpointsTable(db)
        let checkpoints = try Self.checkpoints(db)
        var stale: [String] = []
        for projection in projections {
            if let checkpoint = checkpoints[projection.name] {
                if checkpoint.version != projection.version { stale.append(projection.name) }
            } else {
                try createTables(projection, prefix: "", generation: 1, readerIndexes: true, db)
                try Self.setCheckpoint(db, projection.name, version: projection.version, position: 0, generation: 1)
            }
        }
        return stale
    }

    // MARK: Applying events

    /// Inline projection, inside the append's transaction: reads right after an append see it.
    /// A read-model whose checkpoint lags (events appended by a process without it) catches up
    /// from the log first; one at another version is left for its rebuild.
    public func apply(_ events: [RecordedEvent], after previousHead: Int64, in db: Database) throws {
        guard let last = events.last?.position else { return }
        try refuseSealedFieldsOfErasedClients(events, db)
        let checkpoints = try Self.checkpoints(db)
        let writer = ProjectionWriter(player: SQLiteStatementPlayer(db: db, prefix: ""))
        var current: [any Projection] = []
        for projection in projections {
            guard let checkpoint = checkpoints[projection.name], checkpoint.version == projection.version else { continue }
            if checkpoint.position < previousHead {
                try catchUp([(projection, checkpoint.position)], through: previousHead, db, writer)
            } else if checkpoint.position > previousHead {
                continue
            }
            current.append(projection)
        }
        guard !current.isEmpty else { return }
        try writer.apply(events, routes: Routes(current), opener: opener)
        let statement = try db.cachedStatement(sql: "UPDATE projection_checkpoints SET position = ? WHERE name = ?")
        for projection in current {
            try statement.execute(arguments: [last, projection.name])
        }
    }

    /// An erased client's personal fields are written as erased, never sealed under a key that
    /// is gone: an append that sealed them before it could know (another process erased the
    /// client meanwhile) is refused here, inside the transaction that serializes it after the
    /// erasure, so the live read-models never hold what a rebuild could not open.
    private func refuseSealedFieldsOfErasedClients(_ events: [RecordedEvent], _ db: Database) throws {
        guard let opener else { return }
        let sealed = events.filter { $0.streamID.hasPrefix("client-") && opener.holdsSealedFields($0.payload) }
        guard !sealed.isEmpty, try db.tableExists("clients") else { return }
        for event in sealed {
            let client = String(event.streamID.dropFirst("client-".count))
            let erased = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT erased_position FROM clients WHERE client_id = ?"), arguments: [client])
            if erased != nil { throw ErasedClientAppend(clientID: client) }
        }
    }

    /// Applies events after each projection's own checkpoint through `through`, decoding each
    /// event once for all of them.
    private func catchUp(_ targets: [(projection: any Projection, checkpoint: Int64)], through: Int64, _ db: Database, _ writer: ProjectionWriter) throws {
        guard var next = targets.map(\.checkpoint).min().map({ $0 + 1 }) else { return }
        while next <= through {
            let batch = try SQLiteEventStore.events(from: next, limit: 5000, db).filter { $0.position <= through }
            guard let last = batch.last else { break }
            for envelope in batch {
                let interested = targets.filter { $0.checkpoint < envelope.position && $0.projection.eventTypes.contains(envelope.type) }
                guard !interested.isEmpty else { continue }
                let event = try ProjectedEvent(envelope, opener: opener)
                try writer.apply(event, to: interested.map { $0.projection })
            }
            next = last.position + 1
        }
    }

    /// Brings every current read-model up to the log's head, in batches of committed
    /// transactions (after a crash, or after events were appended without projections).
    public func catchUp(_ store: SQLiteEventStore, progress: (@Sendable (Int64) -> Void)? = nil) async throws {
        while true {
            let done: Bool = try await store.database.writeWithoutTransaction { db in
                var done = true
                try db.inTransaction(.immediate) {
                    let head = try SQLiteEventStore.headPosition(db)
                    let checkpoints = try Self.checkpoints(db)
                    let lagging = self.projections.filter {
                        guard let c = checkpoints[$0.name] else { return false }
                        return c.version == $0.version && c.position < head
                    }
                    guard let from = lagging.compactMap({ checkpoints[$0.name]?.position }).min() else { return .commit }
                    let through = min(head, from + 20_000)
                    let writer = ProjectionWriter(player: SQLiteStatementPlayer(db: db, prefix: ""))
                    let targets = lagging.map { ($0, checkpoints[$0.name]!.position) }.filter { $0.1 < through }
                    try self.catchUp(targets, through: through, db, writer)
                    for (projection, _) in targets {
                        try db.execute(sql: "UPDATE projection_checkpoints SET position = ? WHERE name = ?", arguments: [through, projection.name])
                    }
                    done = through == head
                    progress?(through)
                    return .commit
                }
                return done
            }
            if done { return }
        }
    }
}


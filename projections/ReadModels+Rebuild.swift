import Crypto
import EventLog
import Events
import Foundation
import GRDB
import GRDBSQLite

/// What a blue/green rebuild did.
public struct RebuildReport: Sendable {
    public var projections: [String]
    /// The log position the new read-models reflect.
    public var position: Int64
    /// SHA-256 of each rebuilt read-model's rows, and of all of them together.
    public var checksums: [String: String]
    public var checksum: String
    /// Differences from the read-models they replaced, when asked for.
    public var differences: [TableDifference]?
}

/// How a rebuilt table differs from the live one it replaces.
public struct TableDifference: Sendable, Equatable {
    public var table: String
    /// Rows only in the rebuild (new or changed).
    public var onlyInRebuild: Int
    /// Rows only in the live table (gone or changed).
    public var onlyInLive: Int
    /// A few of those rows, as text, prefixed `+` (rebuild) or `-` (live).
    public var samples: [String]
    /// The columns differ, so rows were not compared.
    public var schemaChanged: Bool
}

/// Whether read-models built afresh from the log match the live ones.
public struct ReadModelCheck: Sendable {
    public var position: Int64
    public var live: [String: String]
    public var fresh: [String: String]
    /// Read-models whose live checkpoint is behind the log (not compared).
    public var lagging: [String]

    public var mismatched: [String] { fresh.keys.filter { live[$0] != fresh[$0] && !lagging.contains($0) }.sorted() }
    public var matches: Bool { mismatched.isEmpty && lagging.isEmpty }
}

extension ReadModels {
    static let shadowPrefix = "rebuild_"

    /// The read-models named, or all; an unknown name is an error listing the known ones.
    public func select(_ names: [String]?) throws -> [any Projection] {
        guard let names, !names.isEmpty else { return projections }
        return try names.map { name in
            guard let projection = projection(named: name) else {
                throw ProjectionError("unknown read-model \(name); known: \(projections.map(\.name).joined(separator: ", "))")
            }
            return projection
        }
    }

    /// Rebuilds read-models blue/green: builds them beside the live ones (tables prefixed
    /// `rebuild_`) in committed batches while appends go on, then, in one transaction, catches
    /// up to the head, checksums, optionally diffs, and swaps them in. Killed at any point
    /// before that transaction commits, it leaves the live read-models as they were.
    public func rebuild(_ store: SQLiteEventStore, only names: [String]? = nil, diff: Bool = false, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> RebuildReport {
        let targets = try select(names)
        let prefix = Self.shadowPrefix
        let generation: Int = try await store.database.write { db in
            try Self.createCheckpointsTable(db)
            try Self.dropShadowTables(db)
            let generation = (try Int.fetchOne(db, sql: "SELECT max(generation) FROM projection_checkpoints") ?? 0) + 1
            for projection in targets {
                try self.createTables(projection, prefix: prefix, generation: generation, readerIndexes: false, db)
            }
            return generation
        }
        // The shadow tables fill through a connection of their own: a larger page cache (the
        // default 2 MB thrashes on indexes) and synchronous=NORMAL, so no fsync per batch. A
        // rebuild that dies is thrown away; the store's own connection keeps its durability
        // for appends meanwhile, and the switch below commits through it, syncing the WAL
        // with every shadow frame before it.
        var configuration = Configuration()
        configuration.busyMode = .timeout(store.configuration.busyTimeout)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384") }
        let shadow = try DatabaseQueue(path: store.path, configuration: configuration)
        let head = try await store.headPosition()
        let built: Int64
        do {
            built = try await populate(targets, from: store, into: shadow, prefix: prefix, through: head, progress: progress)
            try await shadow.write { db in
                for projection in targets {
                    for table in projection.tables {
                        try self.createIndexes(table, \.indexes, kind: "i", prefix: prefix, generation: generation, db)
                    }
                }
            }
            try shadow.close()
        } catch {
            try? shadow.close()
            throw error
        }
        return try await store.database.writeWithoutTransaction { db in
            var report: RebuildReport?
            // The shadow tables and indexes were made through another connection.
            db.clearSchemaCache()
            try db.inTransaction(.immediate) {
                let head = try SQLiteEventStore.headPosition(db)
                let writer = ProjectionWriter(db: db, prefix: prefix)
                var next = built + 1
                while next <= head {
                    let batch = try SQLiteEventStore.events(from: next, limit: 5000, db)
                    guard let last = batch.last else { break }
                    try self.apply(batch, to: targets, writer)
                    next = last.position + 1
                }
                let checksums = try self.checksums(targets, prefix: prefix, db)
                let differences = diff ? try self.differences(targets, db) : nil
                for projection in targets {
                    // Drop whatever the live read-model had, including tables of an older version.
                    for table in projection.tables {
                        try db.execute(sql: "DROP TABLE IF EXISTS \"\(table.name)\"")
                        try db.execute(sql: "ALTER TABLE \"\(prefix)\(table.name)\" RENAME TO \"\(table.name)\"")
                    }
                    try Self.setCheckpoint(db, projection.name, version: projection.version, position: head, generation: generation)
                }
                report = RebuildReport(
                    projections: targets.map(\.name), position: head, checksums: checksums,
                    checksum: Self.combine(checksums), differences: differences)
                return .commit
            }
            return report!
        }
    }

    /// Applies the log's events from position 1 through `through` to `targets` in `target`
    /// (tables named with `prefix`), in committed batches. Reading and decoding the next batch
    /// overlaps writing the current one. Returns the last position applied.
    public func populate(
        _ targets: [any Projection], from store: SQLiteEventStore, into target: any DatabaseWriter, prefix: String,
        through: Int64, batchSize: Int = 5000, progress: (@Sendable (Int64, Int64) -> Void)? = nil
    ) async throws -> Int64 {
        let dispatch = Self.dispatch(targets)
        let types = Set(dispatch.keys)
        @Sendable func load(_ from: Int64) async throws -> (events: [ProjectedEvent], last: Int64?) {
            guard from <= through else { return ([], nil) }
            let batch = try await store.database.read { db in
                try SQLiteEventStore.events(from: from, limit: batchSize, db)
            }
            let wanted = batch.filter { $0.position <= through && types.contains($0.type) }
            return (try wanted.map(ProjectedEvent.init), batch.last.map { min($0.position, through) })
        }
        var applied: Int64 = 0
        var current = try await load(1)
        while let last = current.last {
            async let next = load(last + 1)
            let events = current.events
            try await target.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let writer = ProjectionWriter(db: db, prefix: prefix)
                    for event in events {
                        for projection in dispatch[event.type] ?? [] {
                            try projection.apply(event, writer)
                        }
                    }
                    return .commit
                }
            }
            applied = last
            progress?(last, through)
            current = try await next
        }
        return applied
    }

    /// Builds read-models afresh from the log into a temporary file and compares their
    /// checksums with the live ones, read from one snapshot at the same position.
    public func check(_ store: SQLiteEventStore, only names: [String]? = nil, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> ReadModelCheck {
        let targets = try select(names)
        let (head, live, lagging): (Int64, [String: String], [String]) = try await store.database.read { db in
            let head = try SQLiteEventStore.headPosition(db)
            let checkpoints = try Self.checkpoints(db)
            let lagging = targets.filter { checkpoints[$0.name]?.position != head || checkpoints[$0.name]?.version != $0.version }.map(\.name)
            let current = targets.filter { !lagging.contains($0.name) }
            return (head, try self.checksums(current, prefix: "", db), lagging)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("periodize-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF") }
        let scratch = try DatabaseQueue(path: folder.appendingPathComponent("fresh.sqlite").path, configuration: configuration)
        try await scratch.write { db in
            for projection in targets { try self.createTables(projection, prefix: "", generation: 1, readerIndexes: true, db) }
        }
        _ = try await populate(targets, from: store, into: scratch, prefix: "", through: head, progress: progress)
        let fresh = try await scratch.read { db in try self.checksums(targets, prefix: "", db) }
        try scratch.close()
        return ReadModelCheck(position: head, live: live, fresh: fresh, lagging: lagging)
    }

    /// Creates the live tables of every read-model in `db` and fills them from `store`'s log
    /// through `through` (a point-in-time copy).
    public func build(from store: SQLiteEventStore, into target: SQLiteEventStore, through: Int64, progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws {
        try await target.database.write { db in
            try Self.createCheckpointsTable(db)
            for projection in self.projections {
                try db.execute(sql: "DELETE FROM projection_checkpoints WHERE name = ?", arguments: [projection.name])
                for table in projection.tables { try db.execute(sql: "DROP TABLE IF EXISTS \"\(table.name)\"") }
                try self.createTables(projection, prefix: "", generation: 1, readerIndexes: true, db)
                try Self.setCheckpoint(db, projection.name, version: projection.version, position: 0, generation: 1)
            }
        }
        let applied = try await populate(projections, from: store, into: target.database, prefix: "", through: through, progress: progress)
        try await target.database.write { db in
            try db.execute(sql: "UPDATE projection_checkpoints SET position = ?", arguments: [max(applied, through)])
        }
    }

    // MARK: Checksums and differences

    /// SHA-256 over every row of each projection's tables in primary-key order, with typed,
    /// length-prefixed values: equal read-models give equal checksums.
    public func checksums(_ targets: [any Projection], prefix: String, _ db: Database) throws -> [String: String] {
        var result: [String: String] = [:]
        for projection in targets {
            var hasher = SHA256()
            for table in projection.tables {
                hasher.update(data: Data(table.name.utf8))
                let statement = try db.makeStatement(sql: "SELECT * FROM \"\(prefix)\(table.name)\" ORDER BY \(table.primaryKey)")
                let s = statement.sqliteStatement
                defer { sqlite3_reset(s) }
                var buffer = [UInt8]()
                while true {
                    let rc = sqlite3_step(s)
                    if rc == SQLITE_DONE { break }
                    guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc)) }
                    // Counted per row: a statement prepared against a stale schema is
                    // re-prepared by its first step, and `SELECT *` may then have more columns.
                    let columns = sqlite3_data_count(s)
                    buffer.removeAll(keepingCapacity: true)
                    for column in 0..<columns {
                        let type = sqlite3_column_type(s, column)
                        buffer.append(UInt8(type))
                        switch type {
                        case SQLITE_INTEGER:
                            withUnsafeBytes(of: sqlite3_column_int64(s, column).bigEndian) { buffer.append(contentsOf: $0) }
                        case SQLITE_FLOAT:
                            withUnsafeBytes(of: sqlite3_column_double(s, column).bitPattern.bigEndian) { buffer.append(contentsOf: $0) }
                        case SQLITE_TEXT, SQLITE_BLOB:
                            let count = Int(sqlite3_column_bytes(s, column))
                            withUnsafeBytes(of: UInt32(count).bigEndian) { buffer.append(contentsOf: $0) }
                            if count > 0, let bytes = sqlite3_column_blob(s, column) {
                                buffer.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: count))
                            }
                        default:
                            break
                        }
                    }
                    hasher.update(data: buffer)
                }
            }
            result[projection.name] = Data(hasher.finalize()).hexString
        }
        return result
    }

    /// One checksum over several, in name order.
    public static func combine(_ checksums: [String: String]) -> String {
        var hasher = SHA256()
        for name in checksums.keys.sorted() {
            hasher.update(data: Data("\(name)=\(checksums[name]!)\n".utf8))
        }
        return Data(hasher.finalize()).hexString
    }

    func differences(_ targets: [any Projection], _ db: Database) throws -> [TableDifference] {
        var result: [TableDifference] = []
        for projection in targets {
            for table in projection.tables {
                let shadow = "\"\(Self.shadowPrefix)\(table.name)\"", live = "\"\(table.name)\""
                guard try db.tableExists(table.name) else {
                    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(shadow)") ?? 0
                    result.append(TableDifference(table: table.name, onlyInRebuild: count, onlyInLive: 0, samples: [], schemaChanged: true))
                    continue
                }
                let shadowColumns = try db.columns(in: Self.shadowPrefix + table.name).map(\.name)
                let liveColumns = try db.columns(in: table.name).map(\.name)
                guard shadowColumns == liveColumns else {
                    result.append(TableDifference(table: table.name, onlyInRebuild: 0, onlyInLive: 0, samples: [], schemaChanged: true))
                    continue
                }
                let added = try Row.fetchAll(db, sql: "SELECT * FROM \(shadow) EXCEPT SELECT * FROM \(live)")
                let removed = try Row.fetchAll(db, sql: "SELECT * FROM \(live) EXCEPT SELECT * FROM \(shadow)")
                let samples = added.prefix(3).map { "+ \($0)" } + removed.prefix(3).map { "- \($0)" }
                result.append(TableDifference(table: table.name, onlyInRebuild: added.count, onlyInLive: removed.count, samples: samples, schemaChanged: false))
            }
        }
        return result
    }

    static func dropShadowTables(_ db: Database) throws {
        let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(?)) = ?", arguments: [shadowPrefix, shadowPrefix])
        for name in names { try db.execute(sql: "DROP TABLE \"\(name)\"") }
    }
}

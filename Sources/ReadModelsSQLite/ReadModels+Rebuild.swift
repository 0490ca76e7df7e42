import Crypto
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Projections
import GRDBSQLite
import Synchronization

/// A batch of events read for a replay: the statements their projections recorded.
final class ReplayBatch: @unchecked Sendable {
    let tape: StatementTape
    init(tape: StatementTape) { self.tape = tape }
    /// The last position read (whether or not any read-model wanted it); nil past the end.
    var last: Int64?
}

/// Slices of tables to checksum, taken one at a time by however many readers help.
final class ChecksumSlices: Sendable {
    struct Slice: Sendable {
        let table: String
        let rowids: ClosedRange<Int64>?
    }

    let prefix: String
    private let slices: [Slice]
    private let next = Mutex(0)

    init(_ slices: [Slice], prefix: String) {
        self.slices = slices
        self.prefix = prefix
    }

    func take() -> Slice? {
        let index = next.withLock { value in
            defer { value += 1 }
            return value
        }
        return index < slices.count ? slices[index] : nil
    }
}

extension ReadModels {
    static let shadowPrefix = "rebuild_"
    /// The page cache of the connection a replay writes through, in KiB: the default 2 MB
    /// thrashes on the read-models' text-keyed indexes; 32 MB keeps a 1M-event rebuild's peak
    /// memory near 120 MB.
    static let replayCacheKiB = 32768

    /// The read-models named, or all; an unknown name is an error listing the known ones.
    public func select(_ names: [String]?) throws -> [any Projection] {
        guard let names, !names.isEmpty else { return projections }
        return try names.map { name in
            guard let projection = projection(named: name) else {
                throw ProjectionError(.unknownReadModel, "unknown read-model \(name); known: \(projections.map(\.name).joined(separator: ", "))")
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
        let clock = ContinuousClock()
        let started = clock.now
        let shadow = try await buildShadow(targets, from: store, generation: generation, progress: progress)
        let indexed = clock.now
        var report = try await switchIn(targets, store: store, shadow: shadow, generation: generation, diff: diff)
        report.durations = (shadow.filled - started, indexed - shadow.filled, clock.now - indexed)
        return report
    }

    /// What the shadow tables hold once built: the last position applied and their checksums.
    struct Shadow {
        let built: Int64
        let checksums: [String: String]
        let filled: ContinuousClock.Instant
    }

    /// Fills the shadow tables from the log up to its head, then builds their reader indexes
    /// while checksumming their rows.
    private func buildShadow(
        _ targets: [any Projection], from store: SQLiteEventStore, generation: Int, progress: (@Sendable (Int64, Int64) -> Void)?
    ) async throws -> Shadow {
        let prefix = Self.shadowPrefix
        // The shadow tables fill through a connection of their own: a larger page cache (the
        // default 2 MB thrashes on indexes) and synchronous=NORMAL, so no fsync per batch. A
        // rebuild that dies is thrown away; the store's own connection keeps its durability
        // for appends meanwhile, and the switch commits through it, syncing the WAL with
        // every shadow frame before it.
        var configuration = Configuration()
        configuration.busyMode = .timeout(store.configuration.busyTimeout)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -\(Self.replayCacheKiB)") }
        let shadow = try DatabaseQueue(path: store.path, configuration: configuration)
        do {
            let head = try await store.headPosition()
            let built = try await populate(targets, from: store, into: shadow, prefix: prefix, through: head, progress: progress)
            let filled = ContinuousClock.now
            // One connection makes the readers' indexes while another checksums the rows, a
            // slice at a time; the first joins the second once its indexes are made.
            let slices = try await checksumSlices(targets, prefix: prefix, store: store)
            async let indexedThenHelped: [String: RowDigest] = {
                try await shadow.write { db in
                    for projection in targets {
                        for table in projection.tables {
                            try self.createIndexes(table, \.indexes, kind: "i", prefix: prefix, generation: generation, db)
                        }
                    }
                }
                return try await self.digests(from: slices, store: store)
            }()
            var digests = try await digests(from: slices, store: store)
            for (table, digest) in try await indexedThenHelped { digests[table, default: RowDigest()].add(digest) }
            try shadow.close()
            return Shadow(built: built, checksums: Self.checksums(targets, digests), filled: filled)
        } catch {
            try? shadow.close()
            throw error
        }
    }

    /// In one transaction on the store's connection: catches the shadow tables up to the head,
    /// checksums them again if events came meanwhile, optionally diffs, and swaps them in.
    private func switchIn(_ targets: [any Projection], store: SQLiteEventStore, shadow: Shadow, generation: Int, diff: Bool) async throws -> RebuildReport {
        let prefix = Self.shadowPrefix
        return try await store.database.writeWithoutTransaction { db in
            var report: RebuildReport?
            // The shadow tables and indexes were made through another connection.
            db.clearSchemaCache()
            try db.inTransaction(.immediate) {
                let head = try SQLiteEventStore.headPosition(db)
                let writer = ProjectionWriter(player: SQLiteStatementPlayer(db: db, prefix: prefix))
                var next = shadow.built + 1
                while next <= head {
                    let batch = try SQLiteEventStore.events(from: next, limit: 5000, db)
                    guard let last = batch.last else { break }
                    try writer.apply(batch, routes: Routes(targets))
                    next = last.position + 1
                }
                // Events appended since the fill change the rows: checksum them again.
                let checksums = head > shadow.built ? try self.checksums(targets, prefix: prefix, db) : shadow.checksums
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
    /// (tables named with `prefix`), in committed batches of at most `batchSize` events and
    /// about `batchBytes` of recorded values. Reading the next batch and running the
    /// projections on it overlaps writing the current one. Returns the last position applied.
    public func populate(
        _ targets: [any Projection], from store: SQLiteEventStore, into target: any DatabaseWriter, prefix: String,
        through: Int64, batchSize: Int = 40_000, batchBytes: Int = 16 << 20, progress: (@Sendable (Int64, Int64) -> Void)? = nil
    ) async throws -> Int64 {
        let routes = Routes(targets)
        let opener = opener
        try opener?.prepareForReplay()
        // The reading side reads each batch, scans the payloads and runs the projections
        // against a recording writer; the writing side only binds and steps.
        @Sendable func load(_ from: Int64, into tape: StatementTape) async throws -> ReplayBatch {
            guard from <= through else { return ReplayBatch(tape: tape) }
            return try await store.database.read { db in
                let batch = ReplayBatch(tape: tape)
                let writer = ProjectionWriter(recordingInto: batch.tape)
                try SQLiteEventStore.forEachReplayRow(from: from, through: through, limit: batchSize, db) { row in
                    batch.last = row.position
                    guard let index = routes.index(of: row.type) else { return true }
                    let route = routes.all[index]
                    let event = try ProjectedEvent(row, type: route.type, isCurrent: row.schemaVersion == route.currentVersion, opener: opener)
                    try writer.apply(event, to: route.projections)
                    return batch.tape.byteCount < batchBytes
                }
                return batch
            }
        }
        var applied: Int64 = 0
        // Two tapes take turns (one recorded while the other plays), keeping their memory.
        var current = try await load(1, into: StatementTape())
        var spare = StatementTape()
        while let last = current.last {
            let nextTape = spare
            async let next = load(last + 1, into: nextTape)
            let tape = current.tape
            try await target.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try SQLiteStatementPlayer(db: db, prefix: prefix).play(tape)
                    return .commit
                }
            }
            tape.removeAll()
            spare = tape
            applied = last
            progress?(last, through)
            current = try await next
        }
        return applied
    }

    /// Builds read-models afresh from the log into a temporary file and compares their
    /// checksums with the live ones, read from one snapshot at the same position. The build
    /// commits batches of about `batchBytes` of recorded statements, as a rebuild does.
    public func check(
        _ store: SQLiteEventStore, only names: [String]? = nil, batchBytes: Int = 16 << 20, progress: (@Sendable (Int64, Int64) -> Void)? = nil
    ) async throws -> ReadModelCheck {
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
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF; PRAGMA cache_size = -\(Self.replayCacheKiB)") }
        let scratch = try DatabaseQueue(path: folder.appendingPathComponent("fresh.sqlite").path, configuration: configuration)
        try await scratch.write { db in
            for projection in targets { try self.createTables(projection, prefix: "", generation: 1, readerIndexes: true, db) }
        }
        _ = try await populate(targets, from: store, into: scratch, prefix: "", through: head, batchBytes: batchBytes, progress: progress)
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

    /// A checksum of each projection's rows that does not depend on the order they are stored
    /// in: every row's typed, length-prefixed values are hashed with SHA-256, the row digests
    /// are summed (four 64-bit lanes, wrapping), and each table's name, row count and sum are
    /// hashed together. Equal read-models give equal checksums; the tables are read in storage
    /// order, one sequential scan each.
    public func checksums(_ targets: [any Projection], prefix: String, _ db: Database) throws -> [String: String] {
        var digests: [String: RowDigest] = [:]
        for projection in targets {
            for table in projection.tables {
                digests[table.name] = try Self.rowDigest(of: prefix + table.name, rowids: nil, db)
            }
        }
        return Self.checksums(targets, digests)
    }

    /// Each projection's checksum from its tables' row digests.
    static func checksums(_ targets: [any Projection], _ digests: [String: RowDigest]) -> [String: String] {
        var result: [String: String] = [:]
        for projection in targets {
            var hasher = SHA256()
            for table in projection.tables {
                let digest = digests[table.name] ?? RowDigest()
                hasher.update(data: Data(table.name.utf8))
                withUnsafeBytes(of: UInt64(digest.rows).bigEndian) { hasher.update(bufferPointer: $0) }
                for lane in digest.lanes { withUnsafeBytes(of: lane.bigEndian) { hasher.update(bufferPointer: $0) } }
            }
            result[projection.name] = Data(hasher.finalize()).hexString
        }
        return result
    }

    /// The rows of `targets`' tables (named with `prefix`) in slices of about 50,000 rowids, to
    /// be checksummed by several connections at once (a table without rowids is one slice).
    func checksumSlices(_ targets: [any Projection], prefix: String, store: SQLiteEventStore) async throws -> ChecksumSlices {
        let slices: [ChecksumSlices.Slice] = try await store.database.read { db in
            var slices: [ChecksumSlices.Slice] = []
            for projection in targets {
                for table in projection.tables {
                    let name = prefix + table.name
                    guard !table.withoutRowID,
                          let row = try Row.fetchOne(db, sql: "SELECT min(rowid), max(rowid) FROM \"\(name)\""),
                          let low = row[0] as Int64?, let high = row[1] as Int64?
                    else {
                        slices.append(.init(table: table.name, rowids: nil))
                        continue
                    }
                    for start in stride(from: low, through: high, by: 50_000) {
                        slices.append(.init(table: table.name, rowids: start...min(high, start + 49_999)))
                    }
                }
            }
            return slices
        }
        return ChecksumSlices(slices, prefix: prefix)
    }

    /// Takes slices from `slices` until none is left, reading each through `store`'s pool.
    func digests(from slices: ChecksumSlices, store: SQLiteEventStore) async throws -> [String: RowDigest] {
        var digests: [String: RowDigest] = [:]
        while let slice = slices.take() {
            let digest = try await store.database.read { db in try Self.rowDigest(of: slices.prefix + slice.table, rowids: slice.rowids, db) }
            digests[slice.table, default: RowDigest()].add(digest)
        }
        return digests
    }

    /// How many rows, and the wrapping sum of their SHA-256 digests: two of them add up.
    struct RowDigest: Sendable {
        var rows = 0
        var lanes: [UInt64] = [0, 0, 0, 0]

        mutating func add(_ other: RowDigest) {
            rows += other.rows
            for lane in 0..<4 { lanes[lane] &+= other.lanes[lane] }
        }
    }

    /// The row digest of `table`, or of its rows whose rowid is in `rowids`.
    static func rowDigest(of table: String, rowids: ClosedRange<Int64>?, _ db: Database) throws -> RowDigest {
        let statement = try db.makeStatement(sql: "SELECT * FROM \"\(table)\"" + (rowids == nil ? "" : " WHERE rowid BETWEEN ? AND ?"))
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        if let rowids {
            sqlite3_bind_int64(s, 1, rowids.lowerBound)
            sqlite3_bind_int64(s, 2, rowids.upperBound)
        }
        var sum: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var rows = 0
        // One row's encoding, written in place: a type byte per value, then 8 bytes for a
        // number or a 4-byte length and the bytes for text and blobs.
        var capacity = 4096
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc)) }
            // Counted per row: a statement prepared against a stale schema is re-prepared by
            // its first step, and `SELECT *` may then have more columns.
            let columns = sqlite3_data_count(s)
            var length = 0
            for column in 0..<columns {
                // The column's value, then its type and bytes from it: cheaper than asking
                // the statement three times.
                let value = sqlite3_column_value(s, column)
                let type = sqlite3_value_type(value)
                let count = type == SQLITE_TEXT || type == SQLITE_BLOB ? Int(sqlite3_value_bytes(value)) : 0
                if length + 13 + count > capacity {
                    capacity = max(capacity * 2, length + 13 + count)
                    let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
                    larger.copyMemory(from: buffer, byteCount: length)
                    buffer.deallocate()
                    buffer = larger
                }
                buffer.storeBytes(of: UInt8(type), toByteOffset: length, as: UInt8.self)
                length += 1
                switch type {
                case SQLITE_INTEGER:
                    buffer.storeBytes(of: UInt64(bitPattern: sqlite3_value_int64(value)).bigEndian, toByteOffset: length, as: UInt64.self)
                    length += 8
                case SQLITE_FLOAT:
                    buffer.storeBytes(of: sqlite3_value_double(value).bitPattern.bigEndian, toByteOffset: length, as: UInt64.self)
                    length += 8
                case SQLITE_TEXT, SQLITE_BLOB:
                    buffer.storeBytes(of: UInt32(count).bigEndian, toByteOffset: length, as: UInt32.self)
                    length += 4
                    if count > 0, let bytes = sqlite3_value_blob(value) {
                        (buffer + length).copyMemory(from: bytes, byteCount: count)
                        length += count
                    }
                default:
                    break
                }
            }
            let digest = SHA256.hash(data: UnsafeRawBufferPointer(start: buffer, count: length))
            digest.withUnsafeBytes { bytes in
                sum.0 &+= UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
                sum.1 &+= UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                sum.2 &+= UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
                sum.3 &+= UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
            rows += 1
        }
        return RowDigest(rows: rows, lanes: [sum.0, sum.1, sum.2, sum.3])
    }

    /// One checksum over several, in name order.
    public static func combine(_ checksums: [String: String]) -> String {
        ReadModelCheck.combine(checksums)
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

import EventLog
import EventLogSQLite
import Foundation
import TestSupport
import GRDBSQLite
import Periodize
import Projections
import ReadModelsSQLite
import Vault
import VaultSQLite

enum RebuildBenchmark {
    /// Writes a log of about `events` sample coaching events (no read-models kept while
    /// writing, so that building it is quick), in another process so that its memory does not
    /// count in the rebuild's peak.
    static func makeLog(path: String, shape: String, events: Int) async throws {
        removeDatabase(path)
        let raw = try SQLiteEventStore(path: path, configuration: .init(durability: .normal))
        // `sealed-...` shapes: the same log with personal fields sealed under per-client keys.
        let store: any EventStore = shape.hasPrefix("sealed-") ? SealingEventStore(raw, vault: Vault(keys: try SQLiteDataKeyStore(path: path, master: nil))) : raw
        let shape = shape.hasPrefix("sealed-") ? String(shape.dropFirst("sealed-".count)) : shape
        if shape == "messages" {
            let all = AppendBenchmarks.events(events, seed: 5)
            for start in stride(from: 0, to: all.count, by: 1000) {
                try await store.append(Array(all[start..<min(all.count, start + 1000)]), to: "client-\(start / 1000)", expected: .noStream)
            }
            try store.close()
            return
        }
        let history = SampleHistory(seed: 3, workoutsPerClient: 6)
        var written = 0
        var client = 0
        while written < events {
            var (id, batch) = try history.client(client)
            if written + batch.count > events { batch = Array(batch.prefix(events - written)) }
            try await store.append(batch, to: "client-\(id)", expected: .noStream)
            written += batch.count
            client += 1
        }
        try store.close()
    }

    /// Times a full rebuild of the log at `path` alone (no baseline), for profiling.
    static func rebuildOnly(path: String) async throws {
        let sealed = try await SQLiteEventStore(path: path).database.read { db in try db.tableExists("vault_keys") }
        let readModels = ReadModels(opener: sealed ? Vault(keys: try SQLiteDataKeyStore(path: path, master: nil)) : nil)
        let store = try SQLiteEventStore(path: path, configuration: .init(hook: readModels))
        try await store.database.write { db in _ = try readModels.prepare(db) }
        let head = try await store.headPosition()
        var report: RebuildReport?
        let time = try await ContinuousClock().measure { report = try await readModels.rebuild(store) }
        try store.close()
        let d = report!.durations
        say(String(format: "rebuilt %d events in %.2f s (fill %.2f, index and checksum %.2f, switch %.2f), peak RSS %.0f MB",
                    head, Report.seconds(time), Report.seconds(d.fill), Report.seconds(d.index), Report.seconds(d.switch), Report.peakRSSMegabytes()))
    }

    /// The raw ceiling for a rebuild of the log at `path`: every row read with the C API and
    /// one row inserted per event, committed every 30,000 rows (the rebuild commits batches of
    /// about 16 MB: some 28,000 small events). By default on the rebuild's own settings
    /// (synchronous NORMAL, a 32 MB page cache).
    static func rawCeiling(path: String, synchronous: String = "NORMAL") throws -> (rows: Int, time: Duration) {
        let raw = try RawSQLite(path: path, synchronous: synchronous)
        try raw.exec("PRAGMA cache_size = -32768; DROP TABLE IF EXISTS raw_ceiling; CREATE TABLE raw_ceiling (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, type TEXT NOT NULL, payload BLOB NOT NULL)")
        let select = try raw.prepare("SELECT position, stream_id, type, payload FROM events ORDER BY position")
        let insert = try raw.prepare("INSERT INTO raw_ceiling (position, stream_id, type, payload) VALUES (?, ?, ?, ?)")
        defer {
            sqlite3_finalize(select)
            sqlite3_finalize(insert)
        }
        var rows = 0
        let time = try ContinuousClock().measure {
            try raw.exec("BEGIN IMMEDIATE")
            while sqlite3_step(select) == SQLITE_ROW {
                sqlite3_bind_int64(insert, 1, sqlite3_column_int64(select, 0))
                sqlite3_bind_text(insert, 2, sqlite3_column_text(select, 1).map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, sqlite3_column_bytes(select, 1), RawSQLite.transient)
                sqlite3_bind_text(insert, 3, sqlite3_column_text(select, 2).map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, sqlite3_column_bytes(select, 2), RawSQLite.transient)
                sqlite3_bind_blob(insert, 4, sqlite3_column_blob(select, 3), sqlite3_column_bytes(select, 3), RawSQLite.transient)
                guard sqlite3_step(insert) == SQLITE_DONE else { throw BenchError("raw insert: \(String(cString: sqlite3_errmsg(raw.handle)))") }
                sqlite3_reset(insert)
                rows += 1
                if rows % 30_000 == 0 { try raw.exec("COMMIT; BEGIN IMMEDIATE") }
            }
            try raw.exec("COMMIT")
        }
        try raw.exec("DROP TABLE raw_ceiling")
        return (rows, time)
    }

    /// A full blue/green rebuild of every read-model from a 1M-event log, against the raw
    /// ceiling: read every row with the C API and insert one row per event.
    /// Each log in its own process, so that each peak RSS is its own rebuild's.
    static func run(_ options: Options) async throws {
        for shape in ["messages", "mix", "sealed-messages", "sealed-mix"] {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["rebuild-shape", shape, "--events", String(options.events)]
            try child.run()
            child.waitUntilExit()
            guard child.terminationStatus == 0 else { throw BenchError("rebuild of the \(shape) log failed") }
        }
    }

    static func run(_ options: Options, shape: String) async throws {
        let sealed = shape.hasPrefix("sealed-")
        let label = (shape.hasSuffix("messages") ? "daily messages (~200 B each)" : "coaching mix (enrollments, plans, weeks, workouts, messages)")
            + (sealed ? ", personal fields sealed" : "")
        let path = options.folder + "/rebuild.sqlite"
        let maker = Process()
        maker.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        maker.arguments = ["make-log", path, shape, "--events", String(options.events)]
        maker.standardOutput = FileHandle.nullDevice
        try maker.run()
        maker.waitUntilExit()
        guard maker.terminationStatus == 0 else { throw BenchError("make-log failed") }

        let clock = ContinuousClock()
        // The log was written without read-models: create their (empty) live tables, then
        // time a full blue/green rebuild of all of them.
        let readModels = ReadModels(opener: sealed ? Vault(keys: try SQLiteDataKeyStore(path: path, master: nil)) : nil)
        let store = try SQLiteEventStore(path: path, configuration: .init(hook: readModels))
        try await store.database.write { db in _ = try readModels.prepare(db) }
        let head = try await store.headPosition()
        var report: RebuildReport?
        let ourTime = try await clock.measure { report = try await readModels.rebuild(store) }
        let rss = Report.peakRSSMegabytes()
        try store.close()

        // The raw loop's rate moves by a fifth from run to run here: take the median of three.
        let rawRuns = try (0..<3).map { _ in try rawCeiling(path: path) }
        let rows = rawRuns[0].rows
        let rawTime = rawRuns.map(\.time).sorted()[1]
        let (_, durableTime) = try rawCeiling(path: path, synchronous: "FULL")
        Report.line("full rebuild, \(label) (\(head) events, every read-model)", ours: Report.rate(Int(head), ourTime), raw: Report.rate(rows, rawTime), target: ">= 0.50 and >= 150,000/s")
        let d = report!.durations
        say(String(format: "full rebuild, %@: %.2f s (fill %.2f, index and checksum %.2f, switch %.2f), peak RSS %.0f MB (target <= 150 MB), checksum %@",
                   shape, Report.seconds(ourTime), Report.seconds(d.fill), Report.seconds(d.index), Report.seconds(d.switch), rss, String(report!.checksum.prefix(16))))
        say(String(format: "  (the raw loop at synchronous FULL instead: %.0f/s, ratio %.2f)", Report.rate(rows, durableTime), Report.rate(Int(head), ourTime) / Report.rate(rows, durableTime)))
        removeDatabase(path)
    }
}

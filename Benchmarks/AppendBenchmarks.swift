import Coaching
import EventLog
import EventLogSQLite
import Vault
import VaultSQLite
import Events
import Foundation
import GRDBSQLite
import Periodize

enum AppendBenchmarks {
    /// A ~200-byte payload: a daily message, as `MessageSent` v2 encodes it.
    static func payload(_ n: Int) -> Data {
        let date = LocalDate(year: 2026, month: 3, day: 1)!.adding(days: n % 28)
        let message = MessageSent(
            messageId: "m\(n)", clientId: "c\(n % 1000)", kind: .daily, localDate: date,
            body: "Lower body: Back Squat 4x6 @RPE8, RDL 3x8.", encoding: .gsm7, segments: 1,
            provider: "outbox", sentAt: "\(date)T12:00:00.000Z")
        return try! EventCoding.encode(message)
    }

    static func events(_ count: Int, seed: UInt64) -> [NewEvent] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { n in
            NewEvent(eventID: random.uuid(), type: MessageSent.eventType, schemaVersion: MessageSent.schemaVersion, payload: payload(n), actor: "bench")
        }
    }

    /// The same rows the store would write, hashes included, computed before the clock starts.
    static func rows(_ events: [NewEvent], perStream: Int) -> [RecordedEvent] {
        var previous = HashChain.genesis
        let now = Timestamp(Date())
        return events.enumerated().map { n, event in
            let position = Int64(n + 1)
            let stream = "client-\(n / perStream)"
            let version = Int64(n % perStream + 1)
            let metadata = EventMetadata(recordedAt: now, actor: event.actor)
            let hash = HashChain.hash(previous: previous, position: position, streamID: stream, streamVersion: version, eventID: event.eventID, type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, metadata: metadata)
            defer { previous = hash }
            return RecordedEvent(position: position, streamID: stream, streamVersion: version, eventID: event.eventID, type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, metadata: metadata, previousHash: previous, hash: hash)
        }
    }

    /// 1M pre-encoded events in appends of 1,000 to one stream each, against the raw C API
    /// inserting the same rows in transactions of 1,000.
    static func batched(_ options: Options) async throws {
        let batch = 1000
        let count = options.events / batch * batch
        let events = events(count, seed: 7)
        let clock = ContinuousClock()

        let rawPath = options.folder + "/raw-batch.sqlite"
        let rows = rows(events, perStream: batch)
        let (raw, insert) = try RawSQLite.eventLog(path: rawPath)
        let rawTime = try clock.measure {
            for start in stride(from: 0, to: count, by: batch) {
                try raw.exec("BEGIN IMMEDIATE")
                for row in rows[start..<(start + batch)] { try raw.insert(insert, row) }
                try raw.exec("COMMIT")
            }
        }
        sqlite3_finalize(insert)

        let ourTime = try await timeBatches(events, batch: batch, path: options.folder + "/store-batch.sqlite")
        Report.line("batched append (\(count) events, 1,000 a batch, synchronous=FULL)", ours: Report.rate(count, ourTime), raw: Report.rate(count, rawTime), target: ">= 0.70")
        removeDatabase(rawPath)

        // The same appends with the ids the engine makes (time-ordered, UUIDv7) instead of
        // random ones: the unique event-id index then grows at its end.
        let ids = TimeOrderedIDs()
        let ordered = events.map { event in
            var event = event
            event.eventID = ids.next()
            return event
        }
        let orderedTime = try await timeBatches(ordered, batch: batch, path: options.folder + "/store-batch-v7.sqlite")
        say(String(
            format: "batched append with the engine's time-ordered ids (UUIDv7): periodize %.0f/s, against random ids %.0f/s, ratio %.2f; against raw SQLite (random ids) %.2f",
            Report.rate(count, orderedTime), Report.rate(count, ourTime), Report.rate(count, orderedTime) / Report.rate(count, ourTime),
            Report.rate(count, orderedTime) / Report.rate(count, rawTime)))

        // The same time-ordered appends with every message body sealed under its client's
        // key (one key made per stream), against the same appends in the clear.
        let sealedTime = try await timeBatches(ordered, batch: batch, path: options.folder + "/store-batch-sealed.sqlite", sealed: true)
        say(String(
            format: "batched append with personal fields sealed (AES-256-GCM, a key per client): periodize %.0f/s, in the clear %.0f/s, ratio %.2f; against raw SQLite (random ids) %.2f",
            Report.rate(count, sealedTime), Report.rate(count, orderedTime), Report.rate(count, sealedTime) / Report.rate(count, orderedTime),
            Report.rate(count, sealedTime) / Report.rate(count, rawTime)))
    }

    /// How long the store takes to append `events` in appends of `batch`, one stream each, to
    /// a new log at `path` (removed after).
    static func timeBatches(_ events: [NewEvent], batch: Int, path: String, sealed: Bool = false) async throws -> Duration {
        removeDatabase(path)
        defer { removeDatabase(path) }
        let raw = try SQLiteEventStore(path: path)
        let store: any EventStore = sealed ? SealingEventStore(raw, vault: Vault(keys: try SQLiteDataKeyStore(path: path, master: nil))) : raw
        defer { try? store.close() }
        return try await ContinuousClock().measure {
            for start in stride(from: 0, to: events.count, by: batch) {
                try await store.append(Array(events[start..<(start + batch)]), to: "client-\(start / batch)", expected: .noStream)
            }
        }
    }

    /// Single-event appends, each its own transaction and fsync, against raw single-row commits;
    /// then 8 concurrent appenders whose appends the store coalesces (group commit).
    static func single(_ options: Options) async throws {
        let count = options.single
        let events = events(count, seed: 11)
        let clock = ContinuousClock()

        let rawPath = options.folder + "/raw-single.sqlite"
        let rows = rows(events, perStream: count)
        let (raw, insert) = try RawSQLite.eventLog(path: rawPath)
        let rawTime = try clock.measure {
            for row in rows {
                try raw.exec("BEGIN IMMEDIATE")
                try raw.insert(insert, row)
                try raw.exec("COMMIT")
            }
        }
        sqlite3_finalize(insert)
        let rawRate = Report.rate(count, rawTime)

        let path = options.folder + "/store-single.sqlite"
        removeDatabase(path)
        let store = try SQLiteEventStore(path: path)
        let ourTime = try await clock.measure {
            for (n, event) in events.enumerated() {
                try await store.append(event, to: "client-0", expected: .exact(Int64(n)))
            }
        }
        try store.close()
        Report.line("single-event append (\(count) commits, synchronous=FULL)", ours: Report.rate(count, ourTime), raw: rawRate, target: ">= 0.90")

        let concurrentPath = options.folder + "/store-concurrent.sqlite"
        removeDatabase(concurrentPath)
        let concurrent = try SQLiteEventStore(path: concurrentPath)
        let tasks = 8
        let perTask = count / tasks
        let groupTime = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        for n in 0..<perTask {
                            try await concurrent.append(events[task * perTask + n], to: "client-\(task)", expected: .exact(Int64(n)))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let head = try await concurrent.headPosition()
        try concurrent.close()
        guard head == Int64(perTask * tasks) else { throw BenchError("group commit lost events: head \(head)") }
        Report.line("8 concurrent appenders, group commit (\(perTask * tasks) single-event appends)", ours: Report.rate(perTask * tasks, groupTime), raw: rawRate, target: "> 1.00")
        removeDatabase(rawPath)
        removeDatabase(path)
        removeDatabase(concurrentPath)
    }
}

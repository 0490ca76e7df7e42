import EventLog
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteEventStore {
    /// Imports an export: positions, ids and hashes are kept, so the file must continue this
    /// log's chain (an export of a whole log goes into an empty one). Lines already stored
    /// identically are skipped. All or nothing: any bad line stops the import with its line
    /// number and nothing is appended.
    public func importEvents(from path: String, progress: (@Sendable (Int) -> Void)? = nil) async throws -> ImportReport {
        let lines = try LineReader(path: path)
        let hook = configuration.hook
        do {
            return try await database.writeWithoutTransaction { db in
                var report = ImportReport(appended: 0, alreadyStored: 0, headPosition: 0)
                try db.inTransaction(.immediate) {
                    var head = try Self.readHead(db)
                    let startHead = head
                    var streamVersions: [String: Int64] = [:]
                    var chunk: [RecordedEvent] = []
                    var chunkBase = head.position
                    let insert = try db.cachedStatement(sql: "INSERT INTO events (\(SQLiteRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    let decoder = JSONDecoder()
                    func flush() throws {
                        guard !chunk.isEmpty else { return }
                        try hook?.apply(chunk, after: chunkBase, in: db)
                        chunkBase = head.position
                        chunk.removeAll(keepingCapacity: true)
                    }
                    for (number, bytes) in lines {
                        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                        let event: RecordedEvent
                        do {
                            event = try Self.envelope(bytes, decoder)
                            guard try Self.continues(event, head: head, streamVersions: &streamVersions, db) else {
                                report.alreadyStored += 1
                                continue
                            }
                            do {
                                try Self.insert(event, statement: insert.sqliteStatement, db)
                            } catch {
                                throw ImportProblem("event id \(event.eventID) is already stored at another position")
                            }
                        } catch let problem as ImportProblem {
                            var error = EventStoreError(.invalidImport, "\(path):\(number): \(problem.reason); nothing was imported")
                            error.line = number
                            throw error
                        }
                        head = ChainHead(position: event.position, hash: event.hash)
                        chunk.append(event)
                        report.appended += 1
                        if chunk.count == 1000 {
                            try flush()
                            progress?(report.appended)
                        }
                    }
                    try flush()
                    if head != startHead {
                        try db.execute(sql: "UPDATE log_head SET position = ?, hash = ? WHERE id = 1", arguments: [head.position, head.hash])
                    }
                    report.headPosition = head.position
                    return .commit
                }
                return report
            }
        } catch {
            throw Self.map(error, path: self.path)
        }
    }

    /// Why an import line is refused.
    struct ImportProblem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The envelope on an export line.
    static func envelope(_ bytes: Data, _ decoder: JSONDecoder) throws -> RecordedEvent {
        do {
            return try decoder.decode(EnvelopeLine.self, from: bytes).recordedEvent()
        } catch let invalid as EnvelopeLine.Invalid {
            throw ImportProblem(invalid.reason)
        } catch {
            throw ImportProblem("not an event envelope (\(describe(error)))")
        }
    }

    /// Whether `event` continues the log after `head` (true) or is the very event already
    /// stored at its position (false); anything else is an ``ImportProblem``. Counts the
    /// event's stream version in `streamVersions`.
    static func continues(_ event: RecordedEvent, head: ChainHead, streamVersions: inout [String: Int64], _ db: Database) throws -> Bool {
        if event.position <= head.position {
            // Already in this log: it must be the very same event.
            let stored = try events(from: event.position, limit: 1, db).first
            guard stored == event else { throw ImportProblem("position \(event.position) is already stored with a different event") }
            return false
        }
        guard event.position == head.position + 1 else {
            throw ImportProblem("position \(event.position) does not follow the log's head \(head.position)")
        }
        guard event.previousHash == head.hash else {
            throw ImportProblem("previousHash does not continue this log's chain at position \(head.position)")
        }
        guard HashChain.expectedHash(of: event, previous: head.hash) == event.hash else {
            throw ImportProblem("hash does not match the event's content")
        }
        let current = try streamVersions[event.streamID] ?? streamVersion(event.streamID, db)
        guard event.streamVersion == current + 1 else {
            throw ImportProblem("stream \(event.streamID) is at version \(current); this line has version \(event.streamVersion)")
        }
        streamVersions[event.streamID] = event.streamVersion
        return true
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "invalid JSON" : "\(path): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}


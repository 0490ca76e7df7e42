import EventLog
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteEventStore {
    /// Walks the whole chain from one snapshot: positions gap-free from 1, each previous hash
    /// equal to the hash before it, each hash recomputed from the stored fields, stream versions
    /// gap-free, and the head record equal to the last event. Stops at the first bad position.
    ///
    /// - Parameter progress: called now and then with the position reached.
    public func verifyChain(progress: (@Sendable (Int64) -> Void)? = nil) async throws -> ChainReport {
        do {
            return try await database.read { db in try Self.verifyChain(db, progress: progress) }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    static func verifyChain(_ db: Database, progress: (@Sendable (Int64) -> Void)?) throws -> ChainReport {
        var report = ChainReport(eventCount: 0, headPosition: 0, headHash: HashChain.genesis, firstBad: nil)
        var streams: [String: Int64] = [:]
        struct Stop: Error {}
        let statement = try db.cachedStatement(sql: "SELECT \(SQLiteRows.columns) FROM events ORDER BY position")
        do {
            try SQLiteRows.forEachRow(db, statement) { row in
                let event = SQLiteRows.event(row)
                let expectedPosition = report.headPosition + 1
                func fail(_ position: Int64, _ reason: String) throws -> Never {
                    report.firstBad = (position, reason)
                    throw Stop()
                }
                if event.position != expectedPosition {
                    try fail(expectedPosition, "position \(expectedPosition) is missing (the next stored position is \(event.position))")
                }
                if event.previousHash != report.headHash {
                    try fail(event.position, "its previous hash does not match the hash of position \(report.headPosition)")
                }
                if HashChain.expectedHash(of: event, previous: report.headHash) != event.hash {
                    try fail(event.position, "its content does not match its hash (the row was edited)")
                }
                let streamVersion = streams[event.streamID, default: 0] + 1
                if event.streamVersion != streamVersion {
                    try fail(event.position, "stream \(event.streamID) jumps to version \(event.streamVersion) (expected \(streamVersion))")
                }
                streams[event.streamID] = streamVersion
                report.eventCount += 1
                report.headPosition = event.position
                report.headHash = event.hash
                if event.position % 100_000 == 0 { progress?(event.position) }
            }
        } catch is Stop {
            return report
        }
        let head = try readHead(db)
        if head.position != report.headPosition {
            report.firstBad = (
                report.headPosition + 1,
                head.position > report.headPosition
                    ? "the log's head is position \(head.position) but the last stored event is \(report.headPosition) (events were removed)"
                    : "events after the recorded head \(head.position) were added outside the log")
        } else if head.hash != report.headHash {
            report.firstBad = (report.headPosition, "the last event's hash does not match the log's head record")
        }
        return report
    }
}

import EventLog
import EventLogSQLite
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Hash chain and verify")
struct HashChainTests {
    /// A log of 30 events over three streams, with metadata set.
    func makeLog(_ folder: TemporaryDirectory) async throws -> SQLiteEventStore {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_767_225_600))
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"), configuration: .init(clock: { clock.date() }))
        for n in 0..<10 {
            clock.advance(by: 60)
            var events = [event(n * 3), event(n * 3 + 1), event(n * 3 + 2)]
            events[0].causationID = UUID()
            events[1].correlationID = UUID()
            events[2].actor = "tester"
            events[2].occurredAt = Timestamp(milliseconds: 1_700_000_000_123)
            try await store.append(events, to: "s-\(n % 3)", expected: .any)
        }
        return store
    }

    /// Runs SQL on the file behind the store's back, as someone editing it would.
    func tamper(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS events_are_append_only_update; DROP TRIGGER IF EXISTS events_are_append_only_delete")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    @Test func anIntactLogVerifiesAndHashesChain() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        let report = try await store.verifyChain()
        #expect(report.isValid)
        #expect(report.eventCount == 30)
        #expect(report.headPosition == 30)
        let events = try await store.readStream("s-0", from: 1)
        #expect(events.first?.previousHash == HashChain.genesis)
        var previous = HashChain.genesis
        for try await recorded in store.readAll() {
            #expect(recorded.previousHash == previous)
            #expect(HashChain.expectedHash(of: recorded, previous: previous) == recorded.hash)
            previous = recorded.hash
        }
        #expect(report.headHash == previous)
    }

    @Test func theHashCoversEveryField() {
        let base = RecordedEvent(
            position: 1, streamID: "s", streamVersion: 1, eventID: UUID(), type: "T", schemaVersion: 1,
            payload: Data("{}".utf8), metadata: EventMetadata(recordedAt: Timestamp(milliseconds: 5)),
            previousHash: HashChain.genesis, hash: Data())
        let h = HashChain.expectedHash(of: base, previous: HashChain.genesis)
        func changed(_ make: (RecordedEvent) -> RecordedEvent) -> Bool {
            HashChain.expectedHash(of: make(base), previous: HashChain.genesis) != h
        }
        func copy(position: Int64? = nil, stream: String? = nil, version: Int64? = nil, id: UUID? = nil, type: String? = nil, schema: Int? = nil, payload: Data? = nil, metadata: EventMetadata? = nil) -> (RecordedEvent) -> RecordedEvent {
            { e in
                RecordedEvent(
                    position: position ?? e.position, streamID: stream ?? e.streamID, streamVersion: version ?? e.streamVersion,
                    eventID: id ?? e.eventID, type: type ?? e.type, schemaVersion: schema ?? e.schemaVersion, payload: payload ?? e.payload,
                    metadata: metadata ?? e.metadata, previousHash: e.previousHash, hash: e.hash)
            }
        }
        #expect(changed(copy(position: 2)))
        #expect(changed(copy(stream: "t")))
        #expect(changed(copy(version: 2)))
        #expect(changed(copy(id: UUID())))
        #expect(changed(copy(type: "U")))
        #expect(changed(copy(schema: 2)))
        #expect(changed(copy(payload: Data("{ }".utf8))))
        #expect(changed(copy(metadata: EventMetadata(recordedAt: Timestamp(milliseconds: 6)))))
        #expect(changed(copy(metadata: EventMetadata(recordedAt: Timestamp(milliseconds: 5), actor: "x"))))
        #expect(changed(copy(metadata: EventMetadata(recordedAt: Timestamp(milliseconds: 5), causationID: UUID()))))
        #expect(changed(copy(metadata: EventMetadata(recordedAt: Timestamp(milliseconds: 5), occurredAt: Timestamp(milliseconds: 1)))))
        // Moving bytes between the stream id and the type must not give the same hash.
        #expect(changed(copy(stream: "sT", type: "")))
        #expect(HashChain.expectedHash(of: base, previous: Data(repeating: 1, count: 32)) != h)
    }

    @Test func oneChangedPayloadByteIsFoundAtItsPosition() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        try store.close()
        try tamper(folder.path("log.sqlite"), #"UPDATE events SET payload = CAST(replace(CAST(payload AS TEXT), '17', '71') AS BLOB) WHERE position = 18"#)
        let reopened = try SQLiteEventStore(path: folder.path("log.sqlite"))
        let report = try await reopened.verifyChain()
        #expect(report.firstBad?.position == 18)
        #expect(report.firstBad?.reason.contains("edited") == true)
        #expect(report.headPosition == 17)
    }

    @Test func aDeletedRowIsFound() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        try store.close()
        try tamper(folder.path("log.sqlite"), "DELETE FROM events WHERE position = 12")
        let report = try await SQLiteEventStore(path: folder.path("log.sqlite")).verifyChain()
        #expect(report.firstBad?.position == 12)
        #expect(report.firstBad?.reason.contains("missing") == true)
    }

    @Test func aDeletedLastRowIsFoundThroughTheHeadRecord() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        try store.close()
        try tamper(folder.path("log.sqlite"), "DELETE FROM events WHERE position = 30")
        let report = try await SQLiteEventStore(path: folder.path("log.sqlite")).verifyChain()
        #expect(report.firstBad?.position == 30)
    }

    @Test func anEditedMetadataFieldIsFound() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        try store.close()
        try tamper(folder.path("log.sqlite"), "UPDATE events SET actor = 'someone else' WHERE position = 3")
        let report = try await SQLiteEventStore(path: folder.path("log.sqlite")).verifyChain()
        #expect(report.firstBad?.position == 3)
    }

    @Test func storedEventsCannotBeUpdatedOrDeletedThroughSQL() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        #expect(throws: DatabaseError.self) {
            try store.database.write { db in try db.execute(sql: "UPDATE events SET type = 'X' WHERE position = 1") }
        }
        #expect(throws: DatabaseError.self) {
            try store.database.write { db in try db.execute(sql: "DELETE FROM events WHERE position = 1") }
        }
        #expect(try await store.verifyChain().isValid)
    }

    @Test func metadataAndTimestampsRoundTrip() async throws {
        let folder = TemporaryDirectory()
        let store = try await makeLog(folder)
        let events = try await store.readStream("s-0", from: 1)
        #expect(events[0].metadata.causationID != nil)
        #expect(events[1].metadata.correlationID != nil)
        #expect(events[2].metadata.actor == "tester")
        #expect(events[2].metadata.occurredAt == Timestamp(milliseconds: 1_700_000_000_123))
        #expect(events[0].metadata.recordedAt == Timestamp(Date(timeIntervalSince1970: 1_767_225_660)))
    }

    @Test func timestampsFormatAndParseExactly() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (1_767_225_600_001, "2026-01-01T00:00:00.001Z"),
            (-1, "1969-12-31T23:59:59.999Z"), (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        ]
        for (ms, text) in cases {
            #expect(Timestamp(milliseconds: ms).iso8601 == text)
            #expect(Timestamp(iso8601: text)?.milliseconds == ms)
            #expect(Timestamp(milliseconds: ms).utcDay == String(text.prefix(10)))
        }
        #expect(Timestamp(iso8601: "2026-03-08T02:30:00-05:00")?.iso8601 == "2026-03-08T07:30:00.000Z")
        #expect(Timestamp(iso8601: "2026-03-08T12:00:00Z")?.milliseconds == 1_772_971_200_000)
        #expect(Timestamp(iso8601: "2026-03-08T12:00:00.123456Z")?.milliseconds == 1_772_971_200_123)
        for bad in ["2026-02-30T00:00:00Z", "2026-03-08", "2026-03-08T25:00:00Z", "yesterday", "2026-03-08T12:00:00", "2026-03-08T12:00:00.Z"] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }
}

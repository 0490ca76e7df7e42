import EventLog
import EventLogSQLite
import Foundation
import Testing
import TestSupport

/// Every `EventStore` implementation must pass this suite. Add a case to `StoreKind` for each
/// new implementation (PostgreSQL joins here).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqliteFull
    case sqliteNormal

    var testDescription: String { rawValue }

    func make(_ folder: TemporaryDirectory) throws -> any EventStore {
        switch self {
        case .sqliteFull: try SQLiteEventStore(path: folder.path("log.sqlite"))
        case .sqliteNormal: try SQLiteEventStore(path: folder.path("log.sqlite"), configuration: .init(durability: .normal))
        }
    }
}

func event(_ n: Int, type: String = "Tick", payload: String? = nil, id: UUID = UUID()) -> NewEvent {
    NewEvent(eventID: id, type: type, schemaVersion: 1, payload: Data((payload ?? #"{"n":\#(n)}"#).utf8))
}

@Suite("EventStore contract")
struct EventStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func appendsAndReadsOneStream(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        let first = try await store.append([event(1), event(2)], to: "s-1", expected: .noStream)
        #expect(first.positions == [1, 2])
        #expect(first.streamVersion == 2)
        #expect(!first.alreadyStored)
        try await store.append([event(3)], to: "s-2", expected: .noStream)
        try await store.append([event(4)], to: "s-1", expected: .exact(2))
        let stream = try await store.readStream("s-1", from: 1)
        #expect(stream.map(\.position) == [1, 2, 4])
        #expect(stream.map(\.streamVersion) == [1, 2, 3])
        #expect(stream.map { String(decoding: $0.payload, as: UTF8.self) } == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":4}"#])
        #expect(try await store.readStream("s-1", from: 3).map(\.position) == [4])
        #expect(try await store.headPosition() == 4)
        #expect(try await store.streamVersion("s-1") == 3)
        #expect(try await store.streamVersion("nope") == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func expectedVersionMismatchIsATypedConflictAndWritesNothing(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        try await store.append([event(1), event(2)], to: "s", expected: .noStream)
        let cases: [ExpectedVersion] = [.noStream, .exact(1), .exact(3)]
        for expected in cases {
            do {
                try await store.append([event(9), event(10)], to: "s", expected: expected)
                Issue.record("append with \(expected) should conflict")
            } catch let error as EventStoreError {
                #expect(error.code == .wrongExpectedVersion)
                #expect(error.actualVersion == 2)
                #expect(error.expected == expected)
                #expect(error.stream == "s")
            }
        }
        do {
            try await store.append([event(9)], to: "empty", expected: .streamExists)
            Issue.record("streamExists on an empty stream should conflict")
        } catch let error as EventStoreError {
            #expect(error.code == .wrongExpectedVersion)
            #expect(error.actualVersion == 0)
        }
        #expect(try await store.headPosition() == 2)
        try await store.append([event(3)], to: "s", expected: .streamExists)
        try await store.append([event(4)], to: "s", expected: .any)
        #expect(try await store.streamVersion("s") == 4)
    }

    @Test(arguments: StoreKind.allCases)
    func reappendingAnEventIDIsANoOpReturningTheOriginalPosition(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        let a = event(1), b = event(2)
        try await store.append([event(0)], to: "other", expected: .noStream)
        let first = try await store.append([a, b], to: "s", expected: .noStream)
        // A retry with the same expected version is not a conflict: nothing is written.
        let retry = try await store.append([a, b], to: "s", expected: .noStream)
        #expect(retry.positions == first.positions)
        #expect(retry.alreadyStored)
        #expect(try await store.headPosition() == 3)
        // Partly stored: the stored one keeps its position, the new one is appended.
        let c = event(3)
        let mixed = try await store.append([b, c], to: "s", expected: .any)
        #expect(mixed.positions == [3, 4])
        #expect(!mixed.alreadyStored)
        #expect(try await store.readStream("s", from: 1).count == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func theSameIDWithOtherContentIsAnError(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        let id = UUID()
        try await store.append([event(1, id: id)], to: "s", expected: .any)
        await #expect(throws: EventStoreError.self) {
            try await store.append([event(2, id: id)], to: "s", expected: .any)
        }
        await #expect(throws: EventStoreError.self) {
            try await store.append([event(1, id: id)], to: "another-stream", expected: .any)
        }
        do {
            try await store.append([event(5), event(2, id: id)], to: "s", expected: .any)
            Issue.record("should fail")
        } catch let error as EventStoreError {
            #expect(error.code == .eventIDReused)
        }
        #expect(try await store.headPosition() == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func readAllStreamsInBatchesInPositionOrder(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        for n in 0..<25 {
            try await store.append([event(n * 2), event(n * 2 + 1)], to: "s-\(n % 4)", expected: .any)
        }
        var positions: [Int64] = []
        for try await recorded in store.readAll(from: 1, batchSize: 7) { positions.append(recorded.position) }
        #expect(positions == Array(1...50))
        var tail: [Int64] = []
        for try await recorded in store.readAll(from: 45, batchSize: 3) { tail.append(recorded.position) }
        #expect(tail == Array(45...50))
        var batches: [Int] = []
        for try await batch in store.readAll(from: 1, batchSize: 20).batches { batches.append(batch.count) }
        #expect(batches == [20, 20, 10])
        var none = 0
        for try await _ in store.readAll(from: 51, batchSize: 10) { none += 1 }
        #expect(none == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentAppendsStayGapFreeAndEachVersionHasOneWinner(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        // 16 tasks race for the same 20 versions of one stream, and 16 more append to their own.
        let winners = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var won = 0
                    for _ in 0..<20 {
                        let version = try await store.streamVersion("contended")
                        do {
                            try await store.append([event(task)], to: "contended", expected: .exact(version))
                            won += 1
                        } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
                            continue
                        }
                    }
                    return won
                }
                group.addTask {
                    for n in 0..<20 { try await store.append([event(n)], to: "own-\(task)", expected: .exact(Int64(n))) }
                    return 0
                }
            }
            return try await group.reduce(0, +)
        }
        let contended = try await store.readStream("contended", from: 1)
        #expect(contended.count == winners)
        #expect(contended.map(\.streamVersion) == (0..<Int64(winners)).map { $0 + 1 })
        var positions: [Int64] = []
        for try await recorded in store.readAll(from: 1, batchSize: 100) { positions.append(recorded.position) }
        #expect(positions == Array(1...Int64(winners + 16 * 20)))
    }

    @Test(arguments: StoreKind.allCases)
    func anEmptyStreamIDIsRefused(_ kind: StoreKind) async throws {
        let folder = TemporaryDirectory()
        let store = try kind.make(folder)
        await #expect(throws: EventStoreError.self) { try await store.append([event(1)], to: "", expected: .any) }
    }
}

import EventLog
import EventLogSQLite
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Export and import")
struct TransferTests {
    func export(_ store: SQLiteEventStore, to path: String) async throws -> Int {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = FileHandle(forWritingAtPath: path)!
        defer { try? handle.close() }
        return try await store.export(to: handle)
    }

    func makeLog(_ path: String) async throws -> SQLiteEventStore {
        let store = try SQLiteEventStore(path: path)
        for n in 0..<40 {
            var e = event(n, payload: #"{"name":"Zoë \"Z\" Ñúñez 🏋️","n":\#(n),"path":"a/b\\c"}"#)
            if n % 3 == 0 { e.causationID = UUID(); e.actor = "cli"; e.occurredAt = Timestamp(milliseconds: 1_600_000_000_000 + Int64(n)) }
            try await store.append([e], to: "client-\(n % 5)", expected: .any)
        }
        return store
    }

    @Test func anExportImportedIntoAnEmptyLogReproducesPositionsIDsAndHashes() async throws {
        let folder = TemporaryDirectory()
        let original = try await makeLog(folder.path("a.sqlite"))
        #expect(try await export(original, to: folder.path("log.jsonl")) == 40)
        let copy = try SQLiteEventStore(path: folder.path("b.sqlite"))
        let report = try await copy.importEvents(from: folder.path("log.jsonl"))
        #expect(report.appended == 40)
        #expect(report.headPosition == 40)
        var a: [RecordedEvent] = [], b: [RecordedEvent] = []
        for try await e in original.readAll() { a.append(e) }
        for try await e in copy.readAll() { b.append(e) }
        #expect(a == b)
        #expect(try await copy.verifyChain().isValid)
        #expect(try await copy.verifyChain().headHash == original.verifyChain().headHash)
        // Importing the same export again appends nothing.
        let again = try await copy.importEvents(from: folder.path("log.jsonl"))
        #expect(again.appended == 0)
        #expect(again.alreadyStored == 40)
        #expect(try await copy.headPosition() == 40)
        // New events continue the imported chain.
        try await copy.append([event(99)], to: "client-0", expected: .any)
        #expect(try await copy.verifyChain().isValid)
    }

    @Test(arguments: [
        (2, "{not json", "not an event envelope"),
        (3, #"{"position": 3}"#, "missing field"),
    ])
    func aMalformedLineStopsTheImportWithItsLineNumberAndAppendsNothing(line: Int, replacement: String, reason: String) async throws {
        let folder = TemporaryDirectory()
        let original = try await makeLog(folder.path("a.sqlite"))
        _ = try await export(original, to: folder.path("log.jsonl"))
        var lines = try String(contentsOfFile: folder.path("log.jsonl"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = replacement
        try lines.joined(separator: "\n").write(toFile: folder.path("bad.jsonl"), atomically: true, encoding: .utf8)
        let copy = try SQLiteEventStore(path: folder.path("b.sqlite"))
        do {
            _ = try await copy.importEvents(from: folder.path("bad.jsonl"))
            Issue.record("import should fail")
        } catch let error as EventStoreError {
            #expect(error.code == .invalidImport)
            #expect(error.line == line)
            #expect(error.message.hasPrefix("\(folder.path("bad.jsonl")):\(line): "))
            #expect(error.message.contains(reason))
            #expect(!error.message.contains("\n"))
        }
        #expect(try await copy.headPosition() == 0)
    }

    @Test func anEditedLineIsRejectedByItsHash() async throws {
        let folder = TemporaryDirectory()
        let original = try await makeLog(folder.path("a.sqlite"))
        _ = try await export(original, to: folder.path("log.jsonl"))
        let text = try String(contentsOfFile: folder.path("log.jsonl"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        lines[6] = lines[6].replacingOccurrences(of: #"\"n\":6"#, with: #"\"n\":7"#)
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.path("edited.jsonl"), atomically: true, encoding: .utf8)
        let copy = try SQLiteEventStore(path: folder.path("b.sqlite"))
        await #expect(throws: EventStoreError.self) { _ = try await copy.importEvents(from: folder.path("edited.jsonl")) }
        do { _ = try await copy.importEvents(from: folder.path("edited.jsonl")) } catch let error as EventStoreError {
            #expect(error.line == 7)
            #expect(error.message.contains("hash"))
        }
        #expect(try await copy.headPosition() == 0)
    }

    @Test func anExportDoesNotImportIntoAnotherLog() async throws {
        let folder = TemporaryDirectory()
        let original = try await makeLog(folder.path("a.sqlite"))
        _ = try await export(original, to: folder.path("log.jsonl"))
        let other = try SQLiteEventStore(path: folder.path("b.sqlite"))
        try await other.append([event(1)], to: "x", expected: .any)
        do {
            _ = try await other.importEvents(from: folder.path("log.jsonl"))
            Issue.record("should fail")
        } catch let error as EventStoreError {
            #expect(error.line == 1)
            #expect(error.message.contains("already stored with a different event"))
        }
        #expect(try await other.headPosition() == 1)
    }

    @Test func aMissingFileIsAClearError() async throws {
        let folder = TemporaryDirectory()
        let store = try SQLiteEventStore(path: folder.path("a.sqlite"))
        do {
            _ = try await store.importEvents(from: folder.path("nope.jsonl"))
            Issue.record("should fail")
        } catch let error as EventStoreError {
            #expect(error.message.contains("nope.jsonl"))
        }
    }
}

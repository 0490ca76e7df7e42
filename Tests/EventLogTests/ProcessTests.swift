import EventLog
import EventLogSQLite
import Foundation
import Testing
import TestSupport

/// Real processes of the real `periodize` binary on one file.
@Suite("Processes", .serialized)
struct ProcessTests {
    @Test func twoProcessesAppendingAtOnceKeepPositionsGapFreeAndTheChainValid() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        _ = try SQLiteEventStore(path: path)
        let a = try PeriodizeBinary.start(["debug", "append-loop", "--db", path, "--stream", "a", "--count", "150", "--batch", "2"])
        let b = try PeriodizeBinary.start(["debug", "append-loop", "--db", path, "--stream", "b", "--count", "150", "--batch", "3"])
        let outA = PipeReader.readToEnd(a.stdout), outB = PipeReader.readToEnd(b.stdout)
        a.process.waitUntilExit()
        b.process.waitUntilExit()
        #expect(a.process.terminationStatus == 0)
        #expect(b.process.terminationStatus == 0)
        let committed = (String(decoding: outA, as: UTF8.self) + String(decoding: outB, as: UTF8.self)).split(separator: "\n")
        #expect(committed.count == 300)
        let store = try SQLiteEventStore(path: path)
        #expect(try await store.headPosition() == 750)
        let report = try await store.verifyChain()
        #expect(report.isValid)
        #expect(report.eventCount == 750)
        #expect(try await store.readStream("a", from: 1).map(\.streamVersion) == Array(1...300))
        #expect(try await store.readStream("b", from: 1).map(\.streamVersion) == Array(1...450))
    }

    @Test func afterKillNineEveryReportedCommitIsThereAndTheChainVerifies() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let writer = try PeriodizeBinary.start(["debug", "append-loop", "--db", path, "--stream", "crash", "--count", "1000000", "--batch", "4"])
        var reported: [Int64] = []
        var buffer = Data()
        while reported.count < 150 {
            let chunk = PipeReader.readSome(writer.stdout)
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if let position = Int64(line.replacingOccurrences(of: "committed ", with: "")) { reported.append(position) }
            }
        }
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        #expect(writer.process.terminationReason == .uncaughtSignal)
        #expect(reported.count >= 150)
        let store = try SQLiteEventStore(path: path)
        let head = try await store.headPosition()
        #expect(head >= reported.last!)
        #expect(head % 4 == 0, "a batch is all or nothing")
        let report = try await store.verifyChain()
        #expect(report.isValid)
        #expect(report.headPosition == head)
        // The log takes appends again after the crash.
        try await store.append([event(1)], to: "crash", expected: .exact(head))
        #expect(try await store.verifyChain().isValid)
    }
}

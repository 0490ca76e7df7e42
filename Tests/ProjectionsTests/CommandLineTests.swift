import EventLog
import EventLogSQLite
import Foundation
import GRDB
import Periodize
import Testing
import TestSupport

/// The `periodize` executable as a person runs it: exit codes and one-line errors.
@Suite("Command line", .serialized)
struct CommandLineTests {
    @Test func demoVerifyAndListWork() throws {
        let folder = TemporaryDirectory()
        let db = folder.path("demo.sqlite")
        let demo = try PeriodizeBinary.run(["demo", "--db", db, "--clients", "3", "--weeks", "1"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("21 daily messages queued and "), "\(demo.stdout)")
        #expect(demo.stdout.contains("message parts sent now, 0 failures"))
        #expect(demo.stdout.contains("chain intact; read-models match a fresh rebuild"))
        let again = try PeriodizeBinary.run(["demo", "--db", db, "--clients", "3", "--weeks", "1"])
        #expect(again.stdout.contains("0 daily messages queued and 0 message parts sent now"), "a second run sends nothing twice")
        let verify = try PeriodizeBinary.run(["verify", "--db", db])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("intact"))
        let list = try PeriodizeBinary.run(["events", "--db", db, "--type", "PlanCreated", "--json"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 3)
        let env = try PeriodizeBinary.run(["stats"], environment: ["PERIODIZE_DB": db])
        #expect(env.stdout.contains(" in 3 streams"))
        let rebuild = try PeriodizeBinary.run(["rebuild", "--db", db, "--diff"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("rebuilt 9 read-models at position"))
        #expect(rebuild.stdout.contains("indexed and checksummed in"))
        #expect(rebuild.stdout.contains("no differences from the live read-models"))
        #expect(try PeriodizeBinary.run(["verify", "--db", db]).status == 0)
    }

    @Test func verifyExitsThreeAndNamesTheFirstBadPosition() throws {
        let folder = TemporaryDirectory()
        let db = folder.path("log.sqlite")
        #expect(try PeriodizeBinary.run(["demo", "--db", db, "--clients", "2", "--weeks", "1"]).status == 0)
        let queue = try DatabaseQueue(path: db)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER events_are_append_only_update")
            try db.execute(sql: "UPDATE events SET stream_id = 'client-c9' WHERE position = 7")
        }
        try queue.close()
        let verify = try PeriodizeBinary.run(["verify", "--db", db])
        #expect(verify.status == 3)
        #expect(verify.stderr.hasPrefix("periodize: verify failed: position 7:"))
        #expect(verify.stderr.split(separator: "\n").count == 1)
    }

    @Test func badInputIsOneLineAndANonZeroExit() throws {
        let folder = TemporaryDirectory()
        let notADatabase = folder.path("notes.txt")
        try String(repeating: "not sqlite\n", count: 500).write(toFile: notADatabase, atomically: true, encoding: .utf8)
        let opened = try PeriodizeBinary.run(["stats", "--db", notADatabase])
        #expect(opened.status == 1)
        #expect(opened.stderr == "periodize: error: \(notADatabase) is not a SQLite database\n")

        let db = folder.path("log.sqlite")
        let lines = folder.path("bad.jsonl")
        try "{\"position\": 1}\n".write(toFile: lines, atomically: true, encoding: .utf8)
        let imported = try PeriodizeBinary.run(["events", "import", lines, "--db", db])
        #expect(imported.status == 1)
        #expect(imported.stderr.hasPrefix("periodize: error: \(lines):1: "))
        #expect(imported.stderr.split(separator: "\n").count == 1)

        let replay = try PeriodizeBinary.run(["replay", "--db", db, "--until", "last tuesday", "--into", folder.path("x.sqlite")])
        #expect(replay.status == 1)
        #expect(replay.stderr.contains("--until last tuesday is neither a position nor an ISO 8601 time"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.sqlite")))

        let unknown = try PeriodizeBinary.run(["rebuild", "--db", db, "--projection", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown read-model nope"))
    }
}

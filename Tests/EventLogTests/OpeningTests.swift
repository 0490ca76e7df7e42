import EventLog
import EventLogSQLite
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Opening a log file")
struct OpeningTests {
    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let folder = TemporaryDirectory()
        let path = folder.path("notes.sqlite")
        try String(repeating: "these are not the pages you are looking for\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SQLiteEventStore(path: path)
            Issue.record("should refuse")
        } catch let error as EventStoreError {
            #expect(error.code == .notADatabase)
            #expect(error.message.contains(path))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("these are not"))
    }

    @Test func anotherApplicationsDatabaseIsRefusedAndLeftAlone() throws {
        let folder = TemporaryDirectory()
        let path = folder.path("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE recipes (name TEXT)") }
        try queue.close()
        do {
            _ = try SQLiteEventStore(path: path)
            Issue.record("should refuse")
        } catch let error as EventStoreError {
            #expect(error.code == .notADatabase)
            #expect(error.message.contains("not a Periodize"))
        }
        let check = try DatabaseQueue(path: path)
        #expect(try check.read { db in try db.tableExists("events") } == false)
    }

    @Test func aFileFromANewerPeriodizeIsRefused() throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let store = try SQLiteEventStore(path: path)
        try store.close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('log-v99')") }
        try queue.close()
        do {
            _ = try SQLiteEventStore(path: path)
            Issue.record("should refuse")
        } catch let error as EventStoreError {
            #expect(error.code == .schemaTooNew)
        }
    }

    @Test func aWriteLockHeldTooLongIsAClearError() async throws {
        let folder = TemporaryDirectory()
        let path = folder.path("log.sqlite")
        let store = try SQLiteEventStore(path: path, configuration: .init(busyTimeout: 0.2))
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: path, configuration: unsafe)
        // Another connection takes the write lock and keeps it.
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        do {
            try await store.append([event(1)], to: "s", expected: .any)
            Issue.record("append should time out")
        } catch let error as EventStoreError {
            #expect(error.code == .locked)
            #expect(error.message.contains("locked"))
        }
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        try await store.append([event(1)], to: "s", expected: .any)
        #expect(try await store.headPosition() == 1)
    }

    @Test func durabilityIsApplied() throws {
        let folder = TemporaryDirectory()
        let full = try SQLiteEventStore(path: folder.path("a.sqlite"))
        let normal = try SQLiteEventStore(path: folder.path("b.sqlite"), configuration: .init(durability: .normal))
        #expect(try full.database.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        #expect(try normal.database.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
        #expect(try full.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }
}

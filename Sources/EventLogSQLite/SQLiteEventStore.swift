import EventLog
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The event log in one SQLite file.
///
/// WAL journal, one writer at a time across processes (`BEGIN IMMEDIATE` with a busy
/// timeout), `synchronous=FULL` by default. Appends from many tasks are coalesced into one
/// transaction (group commit), each keeping its own expected-version check.
public final class SQLiteEventStore: EventStore {
    /// How hard a commit is pushed to disk: `full` is `synchronous=FULL`, `normal` is
    /// `synchronous=NORMAL`.
    public typealias Durability = EventLog.Durability

    public struct Configuration: Sendable {
        public var durability: Durability
        /// How long to wait for another connection's write lock before failing with `.locked`.
        public var busyTimeout: TimeInterval
        /// The clock that stamps `recordedAt`.
        public var clock: @Sendable () -> Date
        /// Runs inside every append's transaction after its events are inserted (inline
        /// projections). An error aborts that append.
        public var hook: (any AppendHook)?
        /// `PRAGMA secure_delete`: deleted and overwritten content is zeroed in the file rather
        /// than left in free space (for logs whose read-models hold personal data that an
        /// erasure overwrites).
        public var secureDelete: Bool

        public init(
            durability: Durability = .full, busyTimeout: TimeInterval = 10, clock: @escaping @Sendable () -> Date = { Date() },
            hook: (any AppendHook)? = nil, secureDelete: Bool = false
        ) {
            self.secureDelete = secureDelete
            self.durability = durability
            self.busyTimeout = busyTimeout
            self.clock = clock
            self.hook = hook
        }
    }

    /// `PRAGMA application_id` of a Periodize file ("PRDZ").
    public static let applicationID: Int32 = 0x5052_445A

    public let path: String
    /// The connection pool, for read-models kept in the same file.
    public let database: DatabasePool
    public let configuration: Configuration
    let pending = Mutex<[PendingAppend]>([])

    /// Opens (creating if needed) the log at `path`.
    ///
    /// - Throws: ``EventStoreError`` `.notADatabase` for a file that is not a SQLite database
    ///   or belongs to something else, `.schemaTooNew` for a file from a newer Periodize,
    ///   `.locked` when another process holds the write lock past the busy timeout.
    public init(path: String, configuration: Configuration = .init()) throws {
        self.path = path
        self.configuration = configuration
        var config = GRDB.Configuration()
        config.busyMode = .timeout(configuration.busyTimeout)
        config.label = "periodize"
        let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
        let secureDelete = configuration.secureDelete
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            if secureDelete { try db.execute(sql: "PRAGMA secure_delete = ON") }
        }
        do {
            database = try DatabasePool(path: path, configuration: config)
            try Self.prepareSchema(database, path: path)
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// Closes every connection. Further use throws.
    public func close() throws {
        try database.close()
    }

    // MARK: Schema

    static func prepareSchema(_ database: DatabasePool, path: String) throws {
        try database.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if applicationID != applicationID_ {
                    let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                    guard applicationID == 0, objects == 0 else {
                        throw EventStoreError(.notADatabase, "\(path) is a SQLite database, but not a Periodize one")
                    }
                    try db.execute(sql: "PRAGMA application_id = \(applicationID_)")
                }
                return .commit
            }
        }
        let migrator = Self.migrator
        let superseded = try database.read { db in try migrator.hasBeenSuperseded(db) }
        guard !superseded else {
            throw EventStoreError(.schemaTooNew, "\(path) was written by a newer Periodize (unknown log schema); upgrade periodize")
        }
        try migrator.migrate(database)
    }

    private static let applicationID_ = applicationID

    /// The log's tables as first created (migration `log-v1`). Benchmarks create the same
    /// table for their raw SQLite baseline.
    public static let schemaV1 = """
        CREATE TABLE events (
            position INTEGER PRIMARY KEY,
            stream_id TEXT NOT NULL,
            stream_version INTEGER NOT NULL,
            event_id BLOB NOT NULL UNIQUE,
            type TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            payload BLOB NOT NULL,
            recorded_at INTEGER NOT NULL,
            occurred_at INTEGER,
            causation_id BLOB,
            correlation_id BLOB,
            actor TEXT,
            previous_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            UNIQUE (stream_id, stream_version)
        );
        CREATE TABLE log_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            position INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        INSERT INTO log_head (id, position, hash) VALUES (1, 0, zeroblob(32));
        CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events are never updated'); END;
        CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events are never deleted'); END;
        """

    /// Named, versioned schema changes of the log itself.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("log-v1") { db in
            try db.execute(sql: schemaV1)
        }
        // No table changes: the mark that messages' ids are now derived by date (UUIDv8). A
        // build from before would derive other ids for the same messages and could send a
        // day's message twice beside this one, so it refuses the file (a newer log schema).
        migrator.registerMigration("log-v2-date-clustered-ids") { _ in }
        // No table changes: the mark that messages go through the outbox (queued, claimed,
        // then sent). A build from before sends before it records, beside this one's workers,
        // so it refuses the file.
        migrator.registerMigration("log-v3-outbox") { _ in }
        return migrator
    }

    // MARK: Errors

    /// Turns SQLite and GRDB errors into ``EventStoreError`` with a message naming the file.
    static func map(_ error: any Error, path: String) -> any Error {
        if error is EventStoreError { return error }
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return EventStoreError(.notADatabase, "\(path) is not a SQLite database", underlying: error)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return EventStoreError(.locked, "\(path) is locked by another process (waited past the busy timeout)", underlying: error)
        case .SQLITE_CANTOPEN:
            return EventStoreError(.storage, "cannot open \(path): \(error.message ?? "no such file or directory")", underlying: error)
        case .SQLITE_CORRUPT:
            return EventStoreError(.notADatabase, "\(path) is corrupt: \(error.message ?? "malformed database")", underlying: error)
        default:
            return EventStoreError(.storage, "\(path): \(error.message ?? "\(error.resultCode)")", underlying: error)
        }
    }
}

/// Work done inside an append's transaction, after its events are inserted.
public protocol AppendHook: Sendable {
    /// - Parameters:
    ///   - events: the events just inserted, in position order.
    ///   - previousHead: the log's head position before them.
    /// - Throws: any error aborts the append; nothing of it is stored.
    func apply(_ events: [RecordedEvent], after previousHead: Int64, in db: Database) throws
}

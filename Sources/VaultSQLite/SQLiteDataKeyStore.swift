import Crypto
import EventLog
import Foundation
import GRDB
import Vault

/// Data keys in table `vault_keys` of the log's own SQLite file, beside (never inside) the
/// events: one row per owner, its 32 bytes in the clear or wrapped by the master key. A
/// destroyed key's row stays with its bytes overwritten (`secure_delete`) and the WAL emptied
/// after it, so its id is never given again and nothing of it remains in the file.
///
/// Its own connection, so key lookups never nest inside the log's transactions.
public final class SQLiteDataKeyStore: DataKeyStore {
    public let path: String
    let queue: DatabaseQueue
    let master: SymmetricKey?
    let clock: @Sendable () -> Date

    /// Opens the key table of the log at `path` (the log must exist), creating it when missing.
    ///
    /// - Throws: ``VaultError`` `.masterKey` when the table's keys are wrapped and `master` is
    ///   nil or does not open them, or when `master` is given for a table of unwrapped keys.
    public init(path: String, master: SymmetricKey?, busyTimeout: TimeInterval = 10, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.path = path
        self.master = master
        self.clock = clock
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "periodize-vault"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.inTransaction(.immediate) { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS vault_keys (
                        key_id INTEGER PRIMARY KEY,
                        owner TEXT NOT NULL UNIQUE,
                        material BLOB,
                        created_at INTEGER NOT NULL,
                        erasing_reason TEXT,
                        erased_at INTEGER
                    );
                    CREATE TABLE IF NOT EXISTS vault_meta (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        wrapping TEXT NOT NULL,
                        check_value BLOB
                    );
                    """)
                let meta = try Row.fetchOne(db, sql: "SELECT wrapping, check_value FROM vault_meta WHERE id = 1")
                let keyCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM vault_keys WHERE material IS NOT NULL") ?? 0
                let wrapping: String? = meta?[0]
                if wrapping == nil || (wrapping == "none" && keyCount == 0) {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO vault_meta (id, wrapping, check_value) VALUES (1, ?, ?)",
                        arguments: [master == nil ? "none" : "master", try master.map(MasterKey.checkValue)])
                } else if wrapping == "master" {
                    guard let master else {
                        throw VaultError(.masterKey, "\(path): its data keys are wrapped by a master key; set \(MasterKey.variable)")
                    }
                    guard let check: Data = meta?[1], MasterKey.opens(check, master) else {
                        throw VaultError(.masterKey, "\(path): \(MasterKey.variable) does not open its data keys (a different master key wrapped them)")
                    }
                } else if master != nil {
                    throw VaultError(.masterKey, "\(path): its data keys were stored without a master key; unset \(MasterKey.variable) to open it")
                }
                return .commit
            }
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError(.storage, "\(path): cannot open the key table: \(error)")
        }
    }

    private func material(_ stored: Data, owner: String) throws -> SymmetricKey {
        guard let master else { return SymmetricKey(data: stored) }
        guard let key = MasterKey.unwrap(stored, owner: owner, with: master) else {
            throw VaultError(.masterKey, "\(path): \(MasterKey.variable) does not open the data key of \(owner)")
        }
        return key
    }

    private func run<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.inDatabase(body)
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError(.storage, "\(path): key table: \(error)")
        }
    }

    public func key(for owner: String) throws -> DataKey {
        try run { db in try existing(owner, db) ?? create(owner, db) }
    }

    private func existing(_ owner: String, _ db: Database) throws -> DataKey? {
        guard let row = try Row.fetchOne(db, sql: "SELECT key_id, material, erased_at FROM vault_keys WHERE owner = ?", arguments: [owner]) else { return nil }
        let erasedAt: Int64? = row[2]
        guard erasedAt == nil, let stored: Data = row[1] else {
            throw VaultError(.erased, "client \(owner) was erased: nothing personal can be stored for them")
        }
        return DataKey(id: row[0], owner: owner, material: try material(stored, owner: owner))
    }

    private func create(_ owner: String, _ db: Database) throws -> DataKey {
        var made: DataKey?
        try db.inTransaction(.immediate) {
            if let found = try existing(owner, db) { made = found; return .commit }
            let key = SymmetricKey(size: .bits256)
            let stored = try master.map { try MasterKey.wrap(key, owner: owner, with: $0) } ?? key.withUnsafeBytes { Data($0) }
            try db.execute(
                sql: "INSERT INTO vault_keys (owner, material, created_at) VALUES (?, ?, ?)",
                arguments: [owner, stored, Int64(clock().timeIntervalSince1970 * 1000)])
            made = DataKey(id: db.lastInsertedRowID, owner: owner, material: key)
            return .commit
        }
        return made!
    }

    public func key(id: Int64) throws -> KeyState? {
        try run { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT owner, material, erased_at FROM vault_keys WHERE key_id = ?", arguments: [id]) else { return nil }
            return try state(row, id: id)
        }
    }

    private func state(_ row: Row, id: Int64) throws -> KeyState {
        let owner: String = row[0]
        let erasedAt: Int64? = row[2]
        guard erasedAt == nil, let stored: Data = row[1] else { return .erased(owner: owner) }
        return .live(DataKey(id: id, owner: owner, material: try material(stored, owner: owner)))
    }

    public func allKeys() throws -> [Int64: KeyState] {
        try run { db in
            var all: [Int64: KeyState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT owner, material, erased_at, key_id FROM vault_keys") {
                all[row[3]] = try state(row, id: row[3])
            }
            return all
        }
    }

    public func beginErasure(owner: String, reason: String) throws {
        try run { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    INSERT INTO vault_keys (owner, material, created_at, erasing_reason) VALUES (?, NULL, ?, ?)
                    ON CONFLICT (owner) DO UPDATE SET erasing_reason = excluded.erasing_reason WHERE erased_at IS NULL
                    """, arguments: [owner, Int64(clock().timeIntervalSince1970 * 1000), reason])
                return .commit
            }
        }
    }

    public func destroy(owner: String) throws {
        try run { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    UPDATE vault_keys SET material = NULL, erasing_reason = NULL, erased_at = coalesce(erased_at, ?) WHERE owner = ?
                    """, arguments: [Int64(clock().timeIntervalSince1970 * 1000), owner])
                return .commit
            }
        }
        try emptyWAL()
    }

    /// Copies the WAL back into the file and truncates it, so that the pages written before an
    /// erasure (the key, the read-models' rows before they were overwritten) are gone from
    /// it. Readers holding an old snapshot keep the WAL; it is tried for a few seconds.
    ///
    /// - Throws: ``VaultError`` `.storage` when readers kept it past that.
    public func emptyWAL(attempts: Int = 20) throws {
        for attempt in 1...max(1, attempts) {
            let busy = try run { db in try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 1 }
            if busy == 0 { return }
            if attempt < attempts { Thread.sleep(forTimeInterval: 0.25) }
        }
        throw VaultError(.storage, "\(path): the WAL could not be emptied (readers hold it): the erased client's old pages stay in \(path)-wal until `periodize erase` is run again with no reader open")
    }

    public func pendingErasures() throws -> [PendingErasure] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT owner, erasing_reason FROM vault_keys WHERE erasing_reason IS NOT NULL AND erased_at IS NULL ORDER BY key_id")
                .map { PendingErasure(owner: $0[0], reason: $0[1]) }
        }
    }

    public func isErased(owner: String) throws -> Bool {
        try run { db in
            try Int64.fetchOne(db, sql: "SELECT erased_at FROM vault_keys WHERE owner = ?", arguments: [owner]) != nil
        }
    }

    public func erasedCount() throws -> Int {
        try run { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM vault_keys WHERE erased_at IS NOT NULL") ?? 0 }
    }

    public func erasedKeys() throws -> [(owner: String, id: Int64)] {
        try run { db in
            try Row.fetchAll(db, sql: "SELECT owner, key_id FROM vault_keys WHERE erased_at IS NOT NULL").map { ($0[0], $0[1]) }
        }
    }

    /// Copies every key row into the file at `path` (a replay or compaction target).
    public func copyKeys(into path: String) throws {
        try run { db in
            try db.execute(sql: "ATTACH DATABASE ? AS target", arguments: [path])
            defer { try? db.execute(sql: "DETACH DATABASE target") }
            try db.inTransaction(.immediate) {
                try db.execute(sql: "INSERT OR IGNORE INTO target.vault_keys SELECT * FROM main.vault_keys")
                try db.execute(sql: "INSERT OR REPLACE INTO target.vault_meta SELECT * FROM main.vault_meta")
                return .commit
            }
        }
    }

    public func close() throws {
        try queue.close()
    }
}

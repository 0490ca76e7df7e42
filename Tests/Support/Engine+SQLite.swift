import EventLogSQLite
import GRDB
import Periodize
import ReadModelsSQLite

extension Engine {
    /// The SQLite log behind this engine (tests look at its tables directly).
    public var sqliteStore: SQLiteEventStore {
        guard let store = store.storedBytes as? SQLiteEventStore else { preconditionFailure("the engine's log is not SQLite") }
        return store
    }

    /// The connection pool of the engine's SQLite file.
    public var database: DatabasePool { sqliteStore.database }

    /// The SQLite read-models behind this engine.
    public var sqliteReadModels: SQLiteReadModelStore {
        guard let readModels = readModels as? SQLiteReadModelStore else { preconditionFailure("the engine's read-models are not SQLite") }
        return readModels
    }
}

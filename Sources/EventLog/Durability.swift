/// How hard a store pushes a commit to disk.
public enum Durability: String, Sendable, CaseIterable {
    /// A commit that returned survives a power loss or an OS crash.
    case full
    /// A commit survives a crash of the process, but the last transactions since the log was
    /// last synced (for SQLite: up to the next checkpoint, ~1,000 pages of WAL by default) can
    /// be lost on a power loss or OS crash. The log stays consistent either way.
    case normal
}

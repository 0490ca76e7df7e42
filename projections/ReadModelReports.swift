import Crypto
import EventLog
import Foundation

/// What a blue/green rebuild did.
public struct RebuildReport: Sendable {
    public var projections: [String]
    /// The log position the new read-models reflect.
    public var position: Int64
    /// SHA-256 of each rebuilt read-model's rows, and of all of them together.
    public var checksums: [String: String]
    public var checksum: String
    /// Differences from the read-models they replaced, when asked for.
    public var differences: [TableDifference]?
    /// How long each step took: filling the new tables from the log, indexing and
    /// checksumming them, and the switch (catch-up, diff, swap).
    public var durations: (fill: Duration, index: Duration, switch: Duration) = (.zero, .zero, .zero)

    public init(projections: [String], position: Int64, checksums: [String: String], checksum: String, differences: [TableDifference]?) {
        self.projections = projections
        self.position = position
        self.checksums = checksums
        self.checksum = checksum
        self.differences = differences
    }
}

/// How a rebuilt table differs from the live one it replaces.
public struct TableDifference: Sendable, Equatable {
    public var table: String
    /// Rows only in the rebuild (new or changed).
    public var onlyInRebuild: Int
    /// Rows only in the live table (gone or changed).
    public var onlyInLive: Int
    /// A few of those rows, as text, prefixed `+` (rebuild) or `-` (live).
    public var samples: [String]
    /// The columns differ, so rows were not compared.
    public var schemaChanged: Bool

    public init(table: String, onlyInRebuild: Int, onlyInLive: Int, samples: [String], schemaChanged: Bool) {
        self.table = table
        self.onlyInRebuild = onlyInRebuild
        self.onlyInLive = onlyInLive
        self.samples = samples
        self.schemaChanged = schemaChanged
    }
}

/// Whether read-models built afresh from the log match the live ones.
public struct ReadModelCheck: Sendable {
    public var position: Int64
    public var live: [String: String]
    public var fresh: [String: String]
    /// Read-models whose live checkpoint is behind the log (not compared).
    public var lagging: [String]

    public init(position: Int64, live: [String: String], fresh: [String: String], lagging: [String]) {
        self.position = position
        self.live = live
        self.fresh = fresh
        self.lagging = lagging
    }

    public var mismatched: [String] { fresh.keys.filter { live[$0] != fresh[$0] && !lagging.contains($0) }.sorted() }
    public var matches: Bool { mismatched.isEmpty && lagging.isEmpty }
}


extension ReadModelCheck {
    /// One checksum over the fresh read-models' checksums.
    public var freshChecksum: String { Self.combine(fresh) }

    /// One checksum over several, in name order.
    public static func combine(_ checksums: [String: String]) -> String {
        var hasher = SHA256()
        for name in checksums.keys.sorted() {
            hasher.update(data: Data("\(name)=\(checksums[name]!)\n".utf8))
        }
        return Data(hasher.finalize()).hexString
    }
}

import Foundation

/// A filter over the log for listings.
public struct EventFilter: Sendable, Equatable {
    public var stream: String?
    public var type: String?
    public var fromPosition: Int64
    public var throughPosition: Int64?
    public var limit: Int?

    public init(stream: String? = nil, type: String? = nil, fromPosition: Int64 = 1, throughPosition: Int64? = nil, limit: Int? = nil) {
        self.stream = stream
        self.type = type
        self.fromPosition = fromPosition
        self.throughPosition = throughPosition
        self.limit = limit
    }
}


/// What walking the hash chain found.
public struct ChainReport: Sendable, Equatable {
    /// Events checked.
    public var eventCount: Int64
    /// The last good position and its hash.
    public var headPosition: Int64
    public var headHash: Data
    /// The first position that is wrong, and why; nil when the chain is intact.
    public var firstBad: (position: Int64, reason: String)?

    public var isValid: Bool { firstBad == nil }

    public init(eventCount: Int64, headPosition: Int64, headHash: Data, firstBad: (position: Int64, reason: String)?) {
        self.eventCount = eventCount
        self.headPosition = headPosition
        self.headHash = headHash
        self.firstBad = firstBad
    }

    public static func == (lhs: ChainReport, rhs: ChainReport) -> Bool {
        lhs.eventCount == rhs.eventCount && lhs.headPosition == rhs.headPosition && lhs.headHash == rhs.headHash
            && lhs.firstBad?.position == rhs.firstBad?.position && lhs.firstBad?.reason == rhs.firstBad?.reason
    }
}


import Foundation

/// A failure of the event log, with a code to match on and a one-line message for people.
///
/// ```swift
/// catch let error as EventStoreError where error.code == .wrongExpectedVersion {
///     print(error.actualVersion!)
/// }
/// ```
public struct EventStoreError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case wrongExpectedVersion, eventIDReused, notADatabase, schemaTooNew, locked
            case chainMismatch, invalidImport, invalidArgument, storage
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The stream was not at the expected version; `actualVersion` says where it was.
        public static let wrongExpectedVersion = Code(.wrongExpectedVersion)
        /// An event id already stored with different content.
        public static let eventIDReused = Code(.eventIDReused)
        /// The file is not a SQLite database, or not a Periodize one.
        public static let notADatabase = Code(.notADatabase)
        /// The file was written by a newer Periodize.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// Another process held the write lock longer than the busy timeout.
        public static let locked = Code(.locked)
        /// Imported events do not continue this log's hash chain.
        public static let chainMismatch = Code(.chainMismatch)
        /// An import line that is not an envelope.
        public static let invalidImport = Code(.invalidImport)
        public static let invalidArgument = Code(.invalidArgument)
        /// SQLite failed (disk full, I/O error, ...).
        public static let storage = Code(.storage)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    public var stream: String?
    public var expected: ExpectedVersion?
    /// The stream's version when an append was refused (0: no stream).
    public var actualVersion: Int64?
    /// The 1-based line of an import file.
    public var line: Int?
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }

    public static func wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64) -> EventStoreError {
        var error = EventStoreError(
            .wrongExpectedVersion,
            "stream \(stream) is at version \(actual), expected \(expected)")
        error.stream = stream
        error.expected = expected
        error.actualVersion = actual
        return error
    }
}

/// A coaching request refused: an unknown client, one already enrolled, no plan, a date
/// outside the plan, an invalid input (naming its field), a stream that kept changing. One
/// line for people, a code for programs: the command line maps codes to exit codes and an
/// HTTP layer to statuses, each in one place, never by reading the message.
public struct CoachingError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unknownClient, alreadyEnrolled, erased, noPlan, outsidePlan, invalidInput, conflict, preconditionFailed, notFound, nothingToDo, incomplete
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No client with that id is enrolled.
        public static let unknownClient = Code(.unknownClient)
        /// The client id is enrolled already.
        public static let alreadyEnrolled = Code(.alreadyEnrolled)
        /// The client was erased: nothing more is generated, sent or changed for them.
        public static let erased = Code(.erased)
        /// The client has no plan to coach from.
        public static let noPlan = Code(.noPlan)
        /// The date is outside the client's plan, or has no day plan.
        public static let outsidePlan = Code(.outsidePlan)
        /// An input the domain cannot take; ``CoachingError/field`` names it.
        public static let invalidInput = Code(.invalidInput)
        /// The client's stream kept changing under the command past its retries.
        public static let conflict = Code(.conflict)
        /// The stream is not at the version the request was based on (`If-Match`).
        public static let preconditionFailed = Code(.preconditionFailed)
        /// What was asked for does not exist (no workout made for that day, say).
        public static let notFound = Code(.notFound)
        /// Nothing to act on (no migration applied to revert, say).
        public static let nothingToDo = Code(.nothingToDo)
        /// Part of a batch could not be finished; running it again finishes it.
        public static let incomplete = Code(.incomplete)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The input field that was wrong, for ``Code/invalidInput`` (`timezone`, `preferredSendHour`, ...).
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// An invalid input, described in `message`.
    public init(_ message: String, field: String? = nil) {
        self.init(.invalidInput, message, field: field)
    }

    public var description: String { message }
}

/// A rule-based coach refusing an input it cannot work with (a plan length out of range, a
/// mesocycle the plan does not have): ``CoachingError`` with code `invalidInput`.
public typealias RuleError = CoachingError

/// A time zone that is not an IANA name: ``CoachingError`` with code `invalidInput`, field
/// `timezone`.
public typealias CalendarError = CoachingError

import Foundation

/// How a reply was read: its intents, and the decision record of the reader (the rules that
/// fired, or the model's calls). Caused by the `MessageReceived`, one per provider message id.
public struct ReplyRead: EventPayload {
    public static let eventType = "ReplyRead"
    public static let schemaVersion = 1
    public static let personalFields = ["intents[].reason"] + decisionPersonalFields

    public var clientId: String
    public var providerMessageId: String
    /// The client's local date when it was read: what `today` and `tomorrow` meant.
    public var localDate: LocalDate
    public var intents: [ReplyIntent]
    /// What was done about each intent, in order (`skipped 2026-03-13`, `asked to rephrase`).
    public var actions: [String]
    public var decision: DecisionRecord?
    public var readAt: String

    public init(
        clientId: String, providerMessageId: String, localDate: LocalDate, intents: [ReplyIntent], actions: [String], decision: DecisionRecord?,
        readAt: String
    ) {
        self.clientId = clientId
        self.providerMessageId = providerMessageId
        self.localDate = localDate
        self.intents = intents
        self.actions = actions
        self.decision = decision
        self.readAt = readAt
    }
}

/// The client said a workout was done, with how it felt when they said.
public struct WorkoutCompleted: EventPayload {
    public static let eventType = "WorkoutCompleted"
    public static let schemaVersion = 1

    public var clientId: String
    /// The workout's local date.
    public var date: LocalDate
    public var rpe: Int?
    /// `easy`, `hard`, `good`.
    public var feel: String?
    public var providerMessageId: String?
    public var completedAt: String

    public init(clientId: String, date: LocalDate, rpe: Int?, feel: String?, providerMessageId: String?, completedAt: String) {
        self.clientId = clientId
        self.date = date
        self.rpe = rpe
        self.feel = feel
        self.providerMessageId = providerMessageId
        self.completedAt = completedAt
    }
}

/// A day the client skips: no daily message for it while it is still ahead.
public struct DaySkipped: EventPayload {
    public static let eventType = "DaySkipped"
    public static let schemaVersion = 1
    public static let personalFields = ["reason"]

    public var clientId: String
    public var date: LocalDate
    public var reason: String?
    public var providerMessageId: String?
    public var skippedAt: String

    public init(clientId: String, date: LocalDate, reason: String?, providerMessageId: String?, skippedAt: String) {
        self.clientId = clientId
        self.date = date
        self.reason = reason
        self.providerMessageId = providerMessageId
        self.skippedAt = skippedAt
    }
}

/// No daily messages from `from` through `until`; they resume by themselves the day after.
public struct ClientPaused: EventPayload {
    public static let eventType = "ClientPaused"
    public static let schemaVersion = 1

    public var clientId: String
    public var from: LocalDate
    public var until: LocalDate
    public var providerMessageId: String?
    public var pausedAt: String

    public init(clientId: String, from: LocalDate, until: LocalDate, providerMessageId: String?, pausedAt: String) {
        self.clientId = clientId
        self.from = from
        self.until = until
        self.providerMessageId = providerMessageId
        self.pausedAt = pausedAt
    }
}

/// Away from `from` through `until`: another time zone (the daily text comes at the send hour
/// there), other equipment (the workouts of those days use it), or both. It ends by itself.
public struct TravelPlanned: EventPayload {
    public static let eventType = "TravelPlanned"
    public static let schemaVersion = 1

    public var clientId: String
    public var from: LocalDate
    public var until: LocalDate
    /// The IANA time zone of the stay; nil to keep the client's.
    public var timezone: String?
    /// What is at hand (`hotel-gym`, `bodyweight`, `dumbbells`, `bands`); nil to keep the profile's.
    public var equipment: String?
    public var providerMessageId: String?
    public var plannedAt: String

    public init(clientId: String, from: LocalDate, until: LocalDate, timezone: String?, equipment: String?, providerMessageId: String?, plannedAt: String) {
        self.clientId = clientId
        self.from = from
        self.until = until
        self.timezone = timezone
        self.equipment = equipment
        self.providerMessageId = providerMessageId
        self.plannedAt = plannedAt
    }
}

/// A stay in another time zone: the local dates it holds and the zone.
public struct ZoneStay: Codable, Sendable, Equatable {
    public var from: LocalDate
    public var until: LocalDate
    public var zone: String

    public init(from: LocalDate, until: LocalDate, zone: String) {
        self.from = from
        self.until = until
        self.zone = zone
    }
}

/// The client asked for a day's workout to change: another exercise, or for what is missing,
/// lighter, shorter or harder. It applies to that day's workout: generated again now when it
/// exists, when it is made otherwise.
public struct WorkoutChangeAsked: EventPayload {
    public static let eventType = "WorkoutChangeAsked"
    public static let schemaVersion = 1
    /// The reason names an injury or a circumstance.
    public static let personalFields = ["reason"]

    public enum Change: String, Codable, Sendable, CaseIterable {
        case swap, lighter, shorter, harder
    }

    public var clientId: String
    public var date: LocalDate
    public var change: Change
    /// `swap`: what to swap out, as the client named it.
    public var exercise: String?
    /// `swap`: equipment not at hand that day.
    public var missing: String?
    /// `shorter`: the session's minutes.
    public var minutes: Int?
    public var reason: String?
    public var providerMessageId: String?
    public var askedAt: String

    public init(
        clientId: String, date: LocalDate, change: Change, exercise: String? = nil, missing: String? = nil, minutes: Int? = nil, reason: String? = nil,
        providerMessageId: String?, askedAt: String
    ) {
        self.clientId = clientId
        self.date = date
        self.change = change
        self.exercise = exercise
        self.missing = missing
        self.minutes = minutes
        self.reason = reason
        self.providerMessageId = providerMessageId
        self.askedAt = askedAt
    }
}

/// The session of `from` moved to `to` (in the same week): the week is broken down again with
/// it moved. When `to` was a training day the two swap.
public struct DayMoved: EventPayload {
    public static let eventType = "DayMoved"
    public static let schemaVersion = 1

    public var clientId: String
    public var from: LocalDate
    public var to: LocalDate
    public var providerMessageId: String?
    public var movedAt: String

    public init(clientId: String, from: LocalDate, to: LocalDate, providerMessageId: String?, movedAt: String) {
        self.clientId = clientId
        self.from = from
        self.to = to
        self.providerMessageId = providerMessageId
        self.movedAt = movedAt
    }
}

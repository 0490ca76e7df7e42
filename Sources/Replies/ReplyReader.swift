import Events
import Foundation

/// Reads what a client texted into intents. The rules (``RuleReader``) read by default; a
/// model coach reads with the rules as its fallback. Either way the reading carries its
/// decision record and the prompts it sent, for the engine to store.
public protocol ReplyReader: Sendable {
    /// - Parameter inputs: the log positions the reading depends on (the client's state).
    func read(_ text: String, context: ReaderContext, inputs: [Int64]) async -> ReplyReading
}

/// A reply read by a ``ReplyReader``: the intents, who decided them and how, and the prompts
/// sent to a model (none for the rules).
public struct ReplyReading: Sendable {
    public var intents: [ReplyIntent]
    public var decision: DecisionRecord
    public var prompts: [PromptRecorded]

    public init(intents: [ReplyIntent], decision: DecisionRecord, prompts: [PromptRecorded] = []) {
        self.intents = intents
        self.decision = decision
        self.prompts = prompts
    }
}

extension RuleReader: ReplyReader {
    public func read(_ text: String, context: ReaderContext, inputs: [Int64]) async -> ReplyReading {
        let started = ContinuousClock.now
        let reading = read(text, context: context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return ReplyReading(
            intents: reading.intents,
            decision: DecisionRecord(coach: "rules", coachVersion: Self.version, inputs: inputs, rules: reading.rules, durationMs: milliseconds))
    }
}

/// What any reading must hold to before it is acted on: the slots each intent needs, in their
/// ranges, the days ahead of the client's today and not too far off. A model's reading that
/// breaks one is repaired once, then read by the rules instead.
public enum ReadingCheck {
    /// The most intents one text is read into.
    public static let maxIntents = 6
    /// How far ahead a skipped day, a pause's or a stay's end may be.
    public static let horizonDays = 366

    /// What is wrong with `intents` read on `context.today` (empty when they are sound).
    public static func problems(_ intents: [ReplyIntent], context: ReaderContext) -> [String] {
        var problems: [String] = []
        if intents.count > maxIntents { problems.append("intents: at most \(maxIntents), not \(intents.count)") }
        let today = context.today, horizon = context.today.adding(days: horizonDays)
        for (index, intent) in intents.enumerated() {
            let at = "intents[\(index)] (\(intent.intent.rawValue))"
            func need(_ present: Bool, _ slot: String) {
                if !present { problems.append("\(at): needs \(slot)") }
            }
            func only(_ allowed: Set<String>) {
                let given: [(String, Bool)] = [
                    ("rpe", intent.rpe != nil), ("feel", intent.feel != nil), ("date", intent.date != nil), ("reason", intent.reason != nil),
                    ("hour", intent.hour != nil), ("minute", intent.minute != nil), ("zone", intent.zone != nil), ("from", intent.from != nil),
                    ("until", intent.until != nil), ("days", intent.days != nil), ("area", intent.area != nil), ("active", intent.active != nil),
                    ("equipment", intent.equipment != nil), ("topic", intent.topic != nil), ("exercise", intent.exercise != nil),
                    ("missing", intent.missing != nil), ("minutes", intent.minutes != nil), ("to", intent.to != nil),
                ]
                let extra = given.filter { $0.1 && !allowed.contains($0.0) }.map(\.0)
                if !extra.isEmpty { problems.append("\(at): \(extra.joined(separator: ", ")) does not belong to \(intent.intent.rawValue)") }
            }
            func oneOf(_ value: String?, _ values: [String], _ slot: String) {
                if let value, !values.contains(value) { problems.append("\(at): \(slot) \"\(value)\" is not one of \(values.joined(separator: ", "))") }
            }
            func ahead(_ date: LocalDate?, _ slot: String) {
                guard let date else { return }
                if date < today { problems.append("\(at): \(slot) \(date) is before today (\(today))") }
                if date > horizon { problems.append("\(at): \(slot) \(date) is more than \(horizonDays) days ahead") }
            }
            func range() {
                if let from = intent.from, let until = intent.until, from > until { problems.append("\(at): from \(from) is after until \(until)") }
                ahead(intent.from.map { max($0, today) }, "from")
                ahead(intent.until, "until")
            }
            switch intent.intent {
            case .done:
                only(["rpe", "feel"])
                if let rpe = intent.rpe, !(1...10).contains(rpe) { problems.append("\(at): rpe \(rpe) is not 1-10") }
                oneOf(intent.feel, ReplyIntent.feels, "feel")
            case .skip:
                only(["date", "reason"])
                need(intent.date != nil, "date")
                ahead(intent.date, "date")
            case .sendTime:
                only(["hour", "minute"])
                need(intent.hour != nil, "hour")
                if let hour = intent.hour, !(0...23).contains(hour) { problems.append("\(at): hour \(hour) is not 0-23") }
                if let minute = intent.minute, !(0...59).contains(minute) { problems.append("\(at): minute \(minute) is not 0-59") }
            case .timezone:
                only(["zone", "from", "until"])
                need(intent.zone != nil, "zone")
                if let zone = intent.zone, TimeZone(identifier: zone) == nil || !zone.contains("/") {
                    problems.append("\(at): zone \"\(zone)\" is not an IANA time zone such as America/Denver")
                }
                if intent.from != nil { need(intent.until != nil, "until (a stay that starts on a day ends on one)") }
                range()
            case .trainingDays:
                only(["days"])
                need(!(intent.days ?? []).isEmpty, "days")
                if let days = intent.days {
                    if days.contains(where: { !(1...7).contains($0) }) { problems.append("\(at): days are ISO weekday numbers 1 (Monday) to 7 (Sunday)") }
                    if Set(days).count != days.count { problems.append("\(at): a day is named twice") }
                }
            case .injury:
                only(["area", "active"])
                need(intent.area != nil, "area")
                need(intent.active != nil, "active")
                oneOf(intent.area, ReplyIntent.areas, "area")
            case .travel:
                only(["equipment", "from", "until"])
                need(intent.equipment != nil, "equipment")
                need(intent.until != nil, "until (a trip without an end is asked about)")
                oneOf(intent.equipment, ReplyIntent.equipmentKinds, "equipment")
                range()
            case .pause:
                only(["from", "until"])
                need(intent.from != nil, "from")
                need(intent.until != nil, "until")
                range()
            case .askQuestion:
                only(["topic"])
                need(intent.topic != nil, "topic")
                oneOf(intent.topic, ReplyIntent.topics, "topic")
            case .swap:
                only(["exercise", "missing", "date", "reason"])
                need(intent.exercise != nil || intent.missing != nil, "exercise or missing")
                oneOf(intent.missing, ReplyIntent.missingKinds, "missing")
                ahead(intent.date, "date")
            case .lighter, .harder:
                only(["date", "reason"])
                ahead(intent.date, "date")
            case .shorter:
                only(["date", "minutes", "reason"])
                if let minutes = intent.minutes, !(5...120).contains(minutes) { problems.append("\(at): minutes \(minutes) is not 5-120") }
                ahead(intent.date, "date")
            case .moveDay:
                only(["date", "to"])
                need(intent.date != nil, "date (the day moved)")
                need(intent.to != nil, "to (where it goes)")
                ahead(intent.date, "date")
                ahead(intent.to, "to")
                if let from = intent.date, let to = intent.to {
                    if from == to { problems.append("\(at): the day is moved to itself") }
                    if abs(from.days(until: to)) > 6 { problems.append("\(at): a day moves within a week, not \(from) to \(to)") }
                }
            case .askWorkout, .clarify, .unknown:
                only([])
            }
        }
        return problems
    }
}

import Coaching
import Events
import Foundation
import Replies

/// What a model is asked when it reads a reply: the intents, in the event's own type.
public struct ReplyAnswer: Codable, Sendable, Equatable, SchemaBounded {
    public var intents: [ReplyIntent]

    public static let schemaBounds: [String: SchemaBound] = [
        "intents": .list(0...ReadingCheck.maxIntents, "in the order the client said them; empty for a text that says nothing"),
    ]
}

extension ReplyIntent: SchemaBounded {
    public static let schemaBounds: [String: SchemaBound] = [
        "rpe": .number(1...10, "done: how hard it was, when the client gives a number"),
        "feel": .oneOf(ReplyIntent.feels, "done: how it felt, when said"),
        "date": .note("skip: the day skipped"),
        "reason": .text(80, "skip: why, in the client's words, when given"),
        "hour": .number(0...23, "sendTime"),
        "minute": .number(0...59, "sendTime"),
        "zone": .text(40, "timezone: an IANA name such as America/Denver"),
        "from": .note("timezone, travel, pause: the first day, when not today"),
        "until": .note("timezone, travel, pause: the last day"),
        "days": .list(1...7, "trainingDays: ISO weekday numbers, 1 Monday to 7 Sunday"),
        "area": .oneOf(ReplyIntent.areas, "injury: the body area"),
        "active": .note("injury: true when it hurts now, false when it is fine again"),
        "equipment": .oneOf(ReplyIntent.equipmentKinds, "travel: what is at hand"),
        "topic": .oneOf(ReplyIntent.topics, "askQuestion: what is asked about"),
        "exercise": .text(40, "swap: the exercise to swap out, as the client named it"),
        "missing": .oneOf(ReplyIntent.missingKinds, "swap: equipment not at hand that day"),
        "minutes": .number(5...120, "shorter: the session's minutes"),
        "to": .note("moveDay: the day the session moves to (date is the day moved)"),
    ]
}

extension ReplyIntent.Kind: SchemaEnumerable {}

extension LocalDate: SchemaLeaf {
    public static var leafSchema: JSONSchema {
        var schema = JSONSchema(kind: .string)
        schema.maxLength = 10
        schema.description = "a local date, YYYY-MM-DD"
        return schema
    }
    public static var leafSample: LocalDate { LocalDate(year: 2026, month: 1, day: 1)! }
}

/// A reply read by a model, with the rules as its fallback: the model's intents when they
/// decode and pass ``ReadingCheck`` (repaired once), the rule-based reader's otherwise. The
/// decision record says which, with every call, and the prompt goes back to be stored.
public struct ModelReplyReader: ReplyReader {
    public let llm: LLMCoach
    let rules: RuleReader
    let clock: any Clock<Duration>

    public init(_ llm: LLMCoach, clock: any Clock<Duration> = ContinuousClock()) {
        self.llm = llm
        self.rules = RuleReader()
        self.clock = clock
    }

    public func read(_ text: String, context: ReaderContext, inputs: [Int64]) async -> ReplyReading {
        let stopwatch = Stopwatch(clock)
        let fallback = await rules.read(text, context: context, inputs: inputs)
        let prompt: RenderedPrompt
        do {
            prompt = try llm.prompts.reply.render([
                "today": context.today.description, "weekday": Weekday(isoNumber: context.today.isoWeekday).rawValue.capitalized,
                "dateOrder": context.units == .imperial ? "month first (12/10 is December 10)" : "day first (10/12 is December 10)",
                "text": text,
            ])
        } catch {
            return fallback
        }
        let outcome = await llm.generate(ReplyAnswer.self, prompt: prompt) { answer in
            ReadingCheck.problems(answer.intents, context: context)
        }
        let decision = llm.decision(outcome, prompt: prompt, inputs: inputs, fallback: fallback.decision, durationMs: stopwatch.milliseconds)
        return ReplyReading(
            intents: outcome.answer?.intents ?? fallback.intents, decision: decision,
            prompts: [PromptRecorded(hash: prompt.hash, template: prompt.template, system: prompt.system, user: prompt.user)])
    }
}

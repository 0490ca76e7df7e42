import Events
import Foundation
import Replies
import Testing

/// The rule-based reader against a corpus of replies as clients text them (written apart from
/// the reader, with the answers a careful coach would give): at least 90% read exactly right,
/// and no reading that would change something the client did not ask for.
@Suite("Reading replies")
struct CorpusTests {
    struct Line: Decodable {
        var text: String
        var today: LocalDate
        var units: Units
        var intents: [ReplyIntent]
        var note: String?
    }

    static func corpus(_ name: String = "corpus") throws -> [Line] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            do {
                return try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            } catch {
                throw CorpusError(description: "\(name).jsonl:\(number + 1): \(error)")
            }
        }
    }

    struct CorpusError: Error, CustomStringConvertible { let description: String }

    /// The same intents, slot for slot; a skip's reason only as present or not (its words are
    /// the client's); a range starting today the same as one whose start is not said.
    static func same(_ a: [ReplyIntent], _ b: [ReplyIntent], today: LocalDate? = nil) -> Bool {
        func key(_ intent: ReplyIntent) -> ReplyIntent {
            var copy = intent
            copy.reason = intent.reason == nil ? nil : "*"
            if copy.intent != .pause, let today, copy.from == today { copy.from = nil }
            return copy
        }
        return a.map(key) == b.map(key)
    }

    /// An intent that changes something (a day, the schedule, the profile, a pause) that the
    /// expected reading does not have: the same kind with the same day, time, zone, days, area or
    /// range. (A done read without its feel is a misreading, not a wrong change.)
    static func wrongChanges(_ read: [ReplyIntent], expected: [ReplyIntent], today: LocalDate) -> [ReplyIntent] {
        func key(_ intent: ReplyIntent) -> ReplyIntent? {
            var intent = intent
            if intent.intent != .pause, intent.from == today { intent.from = nil }
            return switch intent.intent {
            case .done: ReplyIntent(.done)
            case .skip: ReplyIntent(.skip, date: intent.date)
            case .sendTime: ReplyIntent(.sendTime, hour: intent.hour, minute: intent.minute)
            case .timezone: ReplyIntent(.timezone, zone: intent.zone, from: intent.from, until: intent.until)
            case .trainingDays: ReplyIntent(.trainingDays, days: intent.days)
            case .injury: ReplyIntent(.injury, area: intent.area, active: intent.active)
            case .travel: ReplyIntent(.travel, from: intent.from, until: intent.until, equipment: intent.equipment)
            case .pause: ReplyIntent(.pause, from: intent.from, until: intent.until)
            default: nil
            }
        }
        let wanted = expected.compactMap(key)
        return read.filter { key($0).map { !wanted.contains($0) } ?? false }
    }

    /// Six corpora, each written by someone other than the reader's author, with other people's
    /// ways of texting: `corpus` (236 replies) first, `heldout` (135) after the reader was done
    /// with the first, then `fifth` (120), `sixth` (150) and `seventh` (150), each read once
    /// before any rule was worked on against it, and `changes` (100, part two's asks: swaps,
    /// lighter, shorter, harder, moved days). The misreadings of each were then worked on
    /// (general rules, not lines), so none is held out any more: the README gives the first
    /// figures on each. (`untouched` and `fresh` are read in the README's figures too; they label
    /// a stay in another city without its time zone, which the issue's own example, "I'm in
    /// Denver this week", reads as one.)
    @Test(arguments: ["corpus", "heldout", "fifth", "sixth", "seventh", "changes"])
    func theRuleReaderReadsAtLeastNinetyPercentExactlyAndMakesNoWrongChange(_ name: String) throws {
        let corpus = try Self.corpus(name)
        #expect(corpus.count >= 100)
        let reader = RuleReader()
        var right = 0
        var misread: [String] = []
        var wrong: [String] = []
        for line in corpus {
            let context = ReaderContext(today: line.today, units: line.units)
            let reading = reader.read(line.text, context: context)
            let problems = ReadingCheck.problems(reading.intents, context: context)
            #expect(problems.isEmpty, "\(line.text): the checks a model's reading is held to: \(problems)")
            if Self.same(reading.intents, line.intents, today: line.today) {
                right += 1
            } else {
                misread.append("\(line.text) [\(line.today) \(line.units)]\n    expected \(line.intents)\n    read     \(reading.intents)\n    rules    \(reading.rules)")
            }
            let changes = Self.wrongChanges(reading.intents, expected: line.intents, today: line.today)
            if !changes.isEmpty { wrong.append("\(line.text): \(changes)") }
        }
        let share = Double(right) / Double(corpus.count)
        print("reader (\(name)): \(right) of \(corpus.count) exactly right (\(String(format: "%.1f", share * 100))%), \(wrong.count) wrong changes")
        for line in misread { print("  " + line) }
        #expect(share >= 0.9, "\(right) of \(corpus.count) read exactly right")
        #expect(wrong.isEmpty, "wrong changes: \(wrong.joined(separator: "; "))")
    }
}

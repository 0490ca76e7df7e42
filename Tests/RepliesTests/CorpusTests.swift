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

    static func corpus() throws -> [Line] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/corpus.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            do {
                return try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            } catch {
                throw CorpusError(description: "corpus.jsonl:\(number + 1): \(error)")
            }
        }
    }

    struct CorpusError: Error, CustomStringConvertible { let description: String }

    /// The same intents, slot for slot; a skip's reason only as present or not (its words are
    /// the client's).
    static func same(_ a: [ReplyIntent], _ b: [ReplyIntent]) -> Bool {
        func key(_ intent: ReplyIntent) -> ReplyIntent {
            var copy = intent
            copy.reason = intent.reason == nil ? nil : "*"
            return copy
        }
        return a.map(key) == b.map(key)
    }

    /// An intent that changes something (a day, the schedule, the profile, a pause) that the
    /// expected reading does not have: the same kind with the same day, time, zone, days, area or
    /// range. (A done read without its feel is a misreading, not a wrong change.)
    static func wrongChanges(_ read: [ReplyIntent], expected: [ReplyIntent]) -> [ReplyIntent] {
        func key(_ intent: ReplyIntent) -> ReplyIntent? {
            switch intent.intent {
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

    @Test func theRuleReaderReadsAtLeastNinetyPercentExactlyAndMakesNoWrongChange() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count >= 150)
        let reader = RuleReader()
        var right = 0
        var misread: [String] = []
        var wrong: [String] = []
        for line in corpus {
            let reading = reader.read(line.text, context: ReaderContext(today: line.today, units: line.units))
            if Self.same(reading.intents, line.intents) {
                right += 1
            } else {
                misread.append("\(line.text) [\(line.today) \(line.units)]\n    expected \(line.intents)\n    read     \(reading.intents)")
            }
            let changes = Self.wrongChanges(reading.intents, expected: line.intents)
            if !changes.isEmpty { wrong.append("\(line.text): \(changes)") }
        }
        let share = Double(right) / Double(corpus.count)
        print("reader: \(right) of \(corpus.count) exactly right (\(String(format: "%.1f", share * 100))%), \(wrong.count) wrong changes")
        for line in misread { print("  " + line) }
        #expect(share >= 0.9, "\(right) of \(corpus.count) read exactly right")
        #expect(wrong.isEmpty, "wrong changes: \(wrong.joined(separator: "; "))")
    }
}

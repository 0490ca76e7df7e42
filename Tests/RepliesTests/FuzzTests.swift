import Coaching
import Events
import Foundation
import Replies
import Testing

/// The reader runs inside the service's worker: no text may crash it, and every reading it
/// makes passes the checks a model's reading is held to. Texts made of the pieces people text
/// (days, dates, times, numbers, emoji, punctuation, the corpora's words), in random orders,
/// from a fixed seed.
@Suite("Reading any text")
struct FuzzTests {
    static let pieces: [String] = {
        var pieces = [
            "skip", "done", "move", "to", "instead", "of", "friday", "fri", "monday's", "tmrw", "today", "tonight", "next", "week", "this", "the",
            "10th", "3rd", "31st", "12/5", "5/12", "31/2", "2/31", "12.5.", "3.8.2026", "7am", "6:30", "18:00", "half", "quarter", "noon", "at",
            "until", "till", "from", "back", "on", "in", "Denver", "Tokyo", "Perth", "london", "hotel", "gym", "no", "barbell", "rack", "swap",
            "squats", "pull-ups", "can't", "do", "lighter", "harder", "only", "20", "min", "push", "me", "rpe", "9", "10", "11", "0", "-", "–",
            ",", ".", "?", "!", "💪", "🙌", "🥵", "🙃", "my", "knee", "back", "hurts", "better", "pause", "vacation", "two", "weeks", "off",
            "every", "day", "except", "wed", "mon-fri", "m/w/f", "text", "me", "earlier", "and", "also", "but", "dec", "31", "june", "feb", "29",
            "day", "after", "tomorrow", "in", "3", "days", "christmas", "eve", "nye", "&", "/", "'", "\"", "(", ")", "...", "\n", "🇦🇺", "😂",
        ]
        pieces += ["", " ", "  "]
        return pieces
    }()

    @Test func noTextCrashesTheReaderAndEveryReadingIsSound() {
        var random = SeededGenerator(seed: 2026)
        let reader = RuleReader()
        let days = ["2026-01-01", "2026-02-28", "2026-12-31", "2026-03-08", "2026-11-01"].map { LocalDate($0)! }
        var unsound: [String] = []
        for n in 0..<5_000 {
            let length = Int(random.next() % 14) + 1
            let text = (0..<length).map { _ in Self.pieces[Int(random.next() % UInt64(Self.pieces.count))] }.joined(separator: random.next() % 4 == 0 ? "" : " ")
            let context = ReaderContext(today: days[n % days.count], units: n % 2 == 0 ? .imperial : .metric)
            let reading = reader.read(text, context: context)
            let problems = ReadingCheck.problems(reading.intents, context: context)
            if !problems.isEmpty, unsound.count < 10 { unsound.append("\(text) [\(context.today)]: \(problems)") }
        }
        #expect(unsound.isEmpty, "\(unsound.joined(separator: "\n"))")
    }
}

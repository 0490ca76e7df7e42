import Events
import Foundation

/// A reply cut into what the reader looks at: words (lower case, apostrophes dropped), numbers,
/// times, slashed dates, ordinals, emoji classes and sentence ends.
enum Token: Equatable, Sendable {
    case word(String)
    case number(Int)
    /// `7am`, `6:30`, `18:00`, `6.30pm`: hour and minute as written, and am/pm when said.
    case time(hour: Int, minute: Int, meridiem: String?)
    /// `12/10`, `3/4/26`: the two (or three) numbers as written.
    case slashed(Int, Int, Int?)
    /// `12.5.`, `3.8.2026`: day and month written the European way, with the dot after the month.
    case dotted(day: Int, month: Int, year: Int?)
    /// `10th`, `3rd`.
    case ordinal(Int)
    /// An emoji's class: `good` (💪 🔥 ✅ ...), `hard` (😩 🥵 💀 ...), `thanks` (🙏).
    case emoji(String)
    /// `.`, `!`, `?`, `;`, a line break.
    case end(Character)
    case comma
    /// `-`, `–`, `—`: between two days, a range.
    case dash

    var word: String? { if case .word(let w) = self { w } else { nil } }
}

enum Tokenizer {
    static let goodEmoji: Set<Character> = ["💪", "🏋", "😎", "💯", "🤘", "😤", "⚡"]
    /// Done, without saying how it felt.
    static let doneEmoji: Set<Character> = ["✅", "✔", "🔥", "☑"]
    /// Cheers for something (a workout, a knee that is better): a done only when sent alone, and
    /// never a feel.
    static let cheerEmoji: Set<Character> = ["🙌", "🎉", "🥳", "👏"]
    static let hardEmoji: Set<Character> = ["😩", "😵", "🥵", "💀", "😓", "😫", "🫠", "🤮", "😰", "🥴", "😮"]
    static let thanksEmoji: Set<Character> = ["🙏", "❤", "😊", "🙂", "😀", "👋", "😂", "🤣", "👍", "👌"]

    static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let lowered = text.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
            .replacingOccurrences(of: "a.m.", with: "am").replacingOccurrences(of: "p.m.", with: "pm")
        let characters = Array(lowered)
        var index = 0
        func peek(_ offset: Int = 0) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while index < characters.count {
            let c = characters[index]
            if c.isNumber, c.isASCII {
                // A number, then what follows it decides: a time, a slashed date, an ordinal.
                var digits = ""
                while let d = peek(), d.isNumber, d.isASCII { digits.append(d); index += 1 }
                let value = Int(digits) ?? 0
                // `12.5.`, `03.08.2026`: a European date (the dot after the month tells it from `6.30`).
                if digits.count <= 2, peek() == ".", let m1 = peek(1), m1.isNumber {
                    var probe = index + 1
                    var month = ""
                    while probe < characters.count, characters[probe].isNumber, month.count < 3 { month.append(characters[probe]); probe += 1 }
                    if month.count <= 2, probe < characters.count, characters[probe] == ".", let m = Int(month), (1...12).contains(m), (1...31).contains(value) {
                        probe += 1
                        var year = ""
                        while probe < characters.count, characters[probe].isNumber, year.count < 4 { year.append(characters[probe]); probe += 1 }
                        if year.isEmpty || year.count == 2 || year.count == 4 {
                            index = probe
                            tokens.append(.dotted(day: value, month: m, year: Int(year).map { $0 < 100 ? 2000 + $0 : $0 }))
                            // The dot after the month ends no sentence.
                            continue
                        }
                    }
                }
                if let sep = peek(), sep == ":" || sep == ".", let next = peek(1), next.isNumber, let after = peek(2), after.isNumber,
                   peek(3).map({ !$0.isNumber }) ?? true, value <= 24 {
                    let minute = Int(String([next, after]))!
                    index += 3
                    let meridiem = readMeridiem(characters, &index)
                    // `6.30` without am/pm could be a number: a time with a colon, a meridiem, or after
                    // `at` / `to` / `for` / `by` / `around`.
                    let after: Set<String> = ["at", "to", "for", "by", "around", "until", "till", "before"]
                    if sep == ":" || meridiem != nil || (tokens.last?.word.map(after.contains) ?? false) {
                        tokens.append(.time(hour: value, minute: minute, meridiem: meridiem))
                        continue
                    }
                    tokens.append(.number(value))
                    tokens.append(.number(minute))
                    continue
                }
                if peek() == "/", let next = peek(1), next.isNumber {
                    index += 1
                    var second = ""
                    while let d = peek(), d.isNumber, d.isASCII { second.append(d); index += 1 }
                    var third: Int?
                    if peek() == "/", let n = peek(1), n.isNumber {
                        index += 1
                        var year = ""
                        while let d = peek(), d.isNumber, d.isASCII { year.append(d); index += 1 }
                        third = Int(year)
                    }
                    tokens.append(.slashed(value, Int(second) ?? 0, third))
                    continue
                }
                let suffix = String(characters[index..<min(characters.count, index + 2)])
                if ["st", "nd", "rd", "th"].contains(suffix), peek(2).map({ !$0.isLetter }) ?? true {
                    index += 2
                    tokens.append(.ordinal(value))
                    continue
                }
                if let meridiem = readMeridiem(characters, &index) {
                    tokens.append(.time(hour: value, minute: 0, meridiem: meridiem))
                    continue
                }
                // `0700`, `1830`: a 24-hour time written without a colon.
                if digits.count == 4, let h = Int(digits.prefix(2)), let m = Int(digits.suffix(2)), h < 24, m < 60, digits.hasPrefix("0") || h >= 13 {
                    tokens.append(.time(hour: h, minute: m, meridiem: nil))
                    continue
                }
                // `rpe9` arrives as word then number; `x2`-like glue is rare enough.
                tokens.append(.number(value))
                continue
            }
            if c.isLetter, c.isASCII {
                var word = ""
                while let l = peek(), (l.isLetter && l.isASCII) || l == "'" || ((l.isNumber && l.isASCII) && word.hasPrefix("rpe")) {
                    if l != "'" { word.append(l) }
                    index += 1
                }
                // `rpe9` -> rpe, 9
                if word.hasPrefix("rpe"), word.count > 3, let n = Int(word.dropFirst(3)) {
                    tokens.append(.word("rpe"))
                    tokens.append(.number(n))
                } else if word == "1rm" {
                    tokens.append(.word("1rm"))
                } else if word == "cannot" {
                    tokens.append(.word("cant"))
                } else {
                    tokens.append(.word(word))
                }
                continue
            }
            index += 1
            switch c {
            case ".", "!", "?", ";", "\n": tokens.append(.end(c))
            case ",": tokens.append(.comma)
            case "-", "\u{2013}", "\u{2014}": tokens.append(.dash)
            default:
                // 🙃: said the other way round.
                if c == "\u{1F643}" { tokens.append(.emoji("upsideDown")) }
                else if doneEmoji.contains(c) { tokens.append(.emoji("done")) }
                else if cheerEmoji.contains(c) { tokens.append(.emoji("cheer")) }
                else if goodEmoji.contains(c) || c.unicodeScalars.first.map({ $0.value == 0x1F4AA }) == true { tokens.append(.emoji("good")) }
                else if hardEmoji.contains(c) { tokens.append(.emoji("hard")) }
                else if thanksEmoji.contains(c) || c.unicodeScalars.first.map({ (0x1F600...0x1F64F).contains($0.value) }) == true { tokens.append(.emoji("thanks")) }
            }
        }
        // `1 rm`, `1rm` as one word.
        var merged: [Token] = []
        for token in tokens {
            if case .word("rm") = token, case .number(1)? = merged.last { merged[merged.count - 1] = .word("1rm"); continue }
            merged.append(token)
        }
        return merged
    }

    /// `am` / `pm` right after a number, with or without a space.
    private static func readMeridiem(_ characters: [Character], _ index: inout Int) -> String? {
        var probe = index
        while probe < characters.count, characters[probe] == " " { probe += 1 }
        guard probe + 1 < characters.count else { return nil }
        let pair = String(characters[probe...probe + 1])
        guard pair == "am" || pair == "pm", probe + 2 >= characters.count || !characters[probe + 2].isLetter else { return nil }
        index = probe + 2
        return pair
    }
}

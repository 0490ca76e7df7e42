import Events
import Foundation

/// Days and ranges of days in a reply, worked out from the client's local today.
struct Dates {
    let today: LocalDate
    let units: Units

    /// A day named in `tokens`, and where: `today`, `tomorrow`, a weekday (`next fri`), `Dec
    /// 10`, `10th december`, `the 10th`, a numeric date in the client's convention.
    struct Day {
        var date: LocalDate
        var range: Range<Int>
        /// A numeric date whose other reading is the likelier one: ask.
        var ambiguous = false
        var rule: String
        /// Named as a holiday (`xmas`): a date, unless other days are said beside it.
        var holiday = false
    }

    func days(in tokens: [Token]) -> [Day] {
        let all = allDays(in: tokens)
        // `skip 24/12 and 26/12, xmas with the in-laws`: the holiday is the reason, not a third day.
        return all.contains { !$0.holiday } ? all.filter { !$0.holiday } : all
    }

    private func allDays(in tokens: [Token]) -> [Day] {
        var found: [Day] = []
        var i = 0
        // `skip mon and tues next week`: the weekdays are next week's.
        let words = tokens.map { $0.word ?? "" }
        let nextWeekSaid = words.indices.contains { words[$0] == "next" && $0 + 1 < words.count && ["week", "wk"].contains(words[$0 + 1]) }
        while i < tokens.count {
            if var day = day(at: i, tokens) {
                if nextWeekSaid, day.range.count == 1, let word = tokens[i].word, let weekday = Words.weekday(word) {
                    day.date = nextWeek(weekday)
                    day.rule = "\(word) next week = \(day.date)"
                }
                // `thursday 3/13`, `wed the 12th`: one day said twice; if they disagree, ask.
                if let last = found.last, last.range.upperBound == day.range.lowerBound || last.range.upperBound + 1 == day.range.lowerBound && tokens[last.range.upperBound] == .comma,
                   isWeekdayOnly(last, tokens) != isWeekdayOnly(day, tokens) {
                    found.removeLast()
                    let weekdayDay = isWeekdayOnly(last, tokens) ? last : day
                    let dated = isWeekdayOnly(last, tokens) ? day : last
                    let agree = dated.date.isoWeekday == weekdayDay.date.isoWeekday
                    found.append(Day(date: dated.date, range: last.range.lowerBound..<day.range.upperBound, ambiguous: !agree || dated.ambiguous,
                                     rule: agree ? dated.rule : "\(weekdayDay.rule) but \(dated.rule), another weekday"))
                    i = day.range.upperBound
                    continue
                }
                found.append(day)
                i = day.range.upperBound
                // `dec 24 & 25`, `dec 24, 25`: more days of the same month.
                if let month = monthOf(day, tokens) {
                    while i < tokens.count {
                        var j = i
                        if tokens[j] == .comma || tokens[j].word == "and" || tokens[j].word == "n" { j += 1 }
                        guard j < tokens.count, let n = dayNumber(tokens[j]), j + 1 >= tokens.count || tokens[j + 1].word.flatMap(Words.month) == nil,
                              let date = date(month: month, day: n, year: nil) else { break }
                        found.append(Day(date: date, range: j..<j + 1, rule: "\(n) of the same month = \(date)"))
                        i = j + 1
                    }
                }
            } else {
                i += 1
            }
        }
        return found
    }

    /// Whether `day` was said as a weekday alone (`fri`, `next monday`).
    func isWeekdayOnly(_ day: Day, _ tokens: [Token]) -> Bool {
        tokens[day.range].contains { $0.word.flatMap(Words.weekday) != nil } && !tokens[day.range].contains { if case .slashed = $0 { true } else if case .ordinal = $0 { true } else if case .number = $0 { true } else { false } }
    }

    /// The month a day was said with (`dec 24`), for the days said after it.
    func monthOf(_ day: Day, _ tokens: [Token]) -> Int? {
        for token in tokens[day.range] { if let word = token.word, let month = Words.month(word) { return month } }
        return nil
    }

    /// Two days offered as a choice (`fri or sat`): which one is not decided.
    func choice(in tokens: [Token], days known: [Day]? = nil) -> Bool {
        let days = known ?? self.days(in: tokens)
        guard days.count >= 2 else { return false }
        return zip(days, days.dropFirst()).contains { first, second in
            tokens[first.range.upperBound..<second.range.lowerBound].contains(.word("or"))
        }
    }

    func day(at i: Int, _ tokens: [Token]) -> Day? {
        let word = tokens[i].word
        func next(_ offset: Int) -> Token? { i + offset < tokens.count ? tokens[i + offset] : nil }
        if let word {
            if word == "day", next(1)?.word == "after", next(2)?.word.map(Words.isTomorrow) == true {
                return Day(date: today.adding(days: 2), range: i..<i + 3, rule: "the day after tomorrow")
            }
            if word == "overmorrow" { return Day(date: today.adding(days: 2), range: i..<i + 1, rule: "overmorrow = the day after tomorrow") }
            // `in 2 days`, `in three days`
            if word == "in", let count = next(1).flatMap({ token -> Int? in
                if case .number(let n) = token { return n }
                return token.word.flatMap { Words.numbers[$0] }
            }), (1...14).contains(count), let unit = next(2)?.word, ["days", "day"].contains(unit) {
                return Day(date: today.adding(days: count), range: i..<i + 3, rule: "in \(count) days = \(today.adding(days: count))")
            }
            if Words.isToday(word) { return Day(date: today, range: i..<i + 1, rule: "\(word) = today") }
            // Holidays by name.
            if word == "christmas" || word == "xmas" {
                let eve = next(1)?.word == "eve"
                if let date = date(month: 12, day: eve ? 24 : 25, year: nil) { return Day(date: date, range: i..<i + (eve ? 2 : 1), rule: "\(word) = \(date)", holiday: true) }
            }
            if word == "new", let second = next(1)?.word, ["years", "year", "yrs"].contains(second) {
                let eve = next(2)?.word == "eve"
                let length = next(2)?.word == "eve" || next(2)?.word == "day" ? 3 : 2
                if let date = eve ? date(month: 12, day: 31, year: nil) : date(month: 1, day: 1, year: nil) {
                    return Day(date: date, range: i..<i + length, rule: "new year's \(eve ? "eve" : "day") = \(date)", holiday: true)
                }
            }
            if word == "nye", let date = date(month: 12, day: 31, year: nil) { return Day(date: date, range: i..<i + 1, rule: "nye = \(date)") }
            if word == "nyd", let date = date(month: 1, day: 1, year: nil) { return Day(date: date, range: i..<i + 1, rule: "nyd = \(date)") }
            if Words.isTomorrow(word) { return Day(date: today.adding(days: 1), range: i..<i + 1, rule: "\(word) = tomorrow") }
            if word == "next" || word == "this" || word == "coming", let dayWord = next(1)?.word, let weekday = Words.weekday(dayWord) {
                let date = word == "next" ? nextWeek(weekday) : onOrAfter(weekday)
                return Day(date: date, range: i..<i + 2, rule: "\(word) \(dayWord) = \(date)")
            }
            // `monday week`: a week after the coming monday (British).
            if let weekday = Words.weekday(word), next(1)?.word == "week", i == 0 || !["next", "this", "per", "a", "each", "every"].contains(tokens[i - 1].word ?? "") {
                let coming = onOrAfter(weekday) == today ? today.adding(days: 7) : onOrAfter(weekday)
                let date = coming.adding(days: 7)
                return Day(date: date, range: i..<i + 2, rule: "\(word) week = a week after \(coming) = \(date)")
            }
            if let weekday = Words.weekday(word) {
                let date = onOrAfter(weekday)
                return Day(date: date, range: i..<i + 1, rule: "\(word) = \(date)")
            }
            if let month = Words.month(word), word != "may" || next(1).map(isDayNumber) == true {
                // `Dec 10`, `december 10th`, `dec 10 2026`
                if let dayToken = next(1), let day = dayNumber(dayToken) {
                    var end = i + 2
                    var year: Int?
                    if case .number(let y)? = next(2), y >= 2000, y < 2100 { year = y; end += 1 }
                    if let date = date(month: month, day: day, year: year) { return Day(date: date, range: i..<end, rule: "\(word) \(day) = \(date)") }
                    // `june 31st`: no such day; ask rather than take another.
                    return Day(date: today, range: i..<end, ambiguous: true, rule: "\(word) \(day) is not a date")
                }
            }
            if word == "the", let dayToken = next(1), case .ordinal(let day) = dayToken {
                if let monthWord = next(2)?.word == "of" ? next(3)?.word : next(2)?.word, let month = Words.month(monthWord), let date = date(month: month, day: day, year: nil) {
                    let end = next(2)?.word == "of" ? i + 4 : i + 3
                    return Day(date: date, range: i..<end, rule: "the \(day) \(monthWord) = \(date)")
                }
                if let date = dayOfMonth(day) { return Day(date: date, range: i..<i + 2, rule: "the \(day)th = \(date)") }
            }
            return nil
        }
        switch tokens[i] {
        case .ordinal(let day), .number(let day) where (1...31).contains(day):
            // `10th dec`, `10 december`, `10th of december`, or a bare `10th`.
            let ofSkip = next(1)?.word == "of" ? 1 : 0
            if let monthWord = next(1 + ofSkip)?.word, let month = Words.month(monthWord), let date = date(month: month, day: day, year: nil) {
                return Day(date: date, range: i..<i + 2 + ofSkip, rule: "\(day) \(monthWord) = \(date)")
            }
            if case .ordinal = tokens[i], let date = dayOfMonth(day) { return Day(date: date, range: i..<i + 1, rule: "the \(day)th = \(date)") }
            return nil
        case .dotted(let day, let month, let year):
            guard let date = date(month: month, day: day, year: year) else { return nil }
            return Day(date: date, range: i..<i + 1, rule: "\(day).\(month). = \(date)")
        case .slashed(let a, let b, let year):
            let (first, second) = units == .imperial ? (a, b) : (b, a)
            let fullYear = year.map { $0 < 100 ? 2000 + $0 : $0 }
            guard let conventional = date(month: first, day: second, year: fullYear) else {
                // Not a date in the client's convention; read the other way it is the only date it can be.
                if let other = date(month: second, day: first, year: fullYear) {
                    return Day(date: other, range: i..<i + 1, rule: "\(a)/\(b) can only be \(other)")
                }
                return nil
            }
            var day = Day(date: conventional, range: i..<i + 1, rule: "\(a)/\(b) read \(units == .imperial ? "month first" : "day first") = \(conventional)")
            // The convention's reading far off while the other one is close: the client may
            // write dates the other way. Ask rather than change the wrong day.
            if a != b, let other = date(month: second, day: first, year: fullYear),
               today.days(until: conventional) > 60 && today.days(until: other) <= 60 || today.days(until: conventional) > 28 && today.days(until: other) <= 14 {
                day.ambiguous = true
                day.rule += ", but \(other) is the likelier reading"
            }
            return day
        default:
            return nil
        }
    }

    func isDayNumber(_ token: Token) -> Bool { dayNumber(token) != nil }

    func dayNumber(_ token: Token) -> Int? {
        switch token {
        case .number(let n) where (1...31).contains(n): n
        case .ordinal(let n) where (1...31).contains(n): n
        default: nil
        }
    }

    /// The next `month`/`day` on or after today (or in `year`).
    func date(month: Int, day: Int, year: Int?) -> LocalDate? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        if let year { return LocalDate(year: year, month: month, day: day) }
        guard let this = LocalDate(year: today.year, month: month, day: day) else { return nil }
        return this >= today ? this : LocalDate(year: today.year + 1, month: month, day: day)
    }

    /// The next day of the month `day` on or after today.
    func dayOfMonth(_ day: Int) -> LocalDate? {
        var year = today.year, month = today.month
        for _ in 0..<3 {
            if let date = LocalDate(year: year, month: month, day: day), date >= today { return date }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return nil
    }

    /// The next `weekday` on or after today.
    func onOrAfter(_ weekday: Int) -> LocalDate {
        today.adding(days: (weekday - today.isoWeekday + 7) % 7)
    }

    /// `weekday` of next week (weeks start on Monday).
    func nextWeek(_ weekday: Int) -> LocalDate {
        nextMonday.adding(days: weekday - 1)
    }

    var nextMonday: LocalDate { today.adding(days: 8 - today.isoWeekday) }
    var comingSunday: LocalDate { today.adding(days: 7 - today.isoWeekday) }

    /// A range of days said in `tokens`: `until X` / `till X` / `through X` (from today),
    /// `from X to Y`, `X - Y`, `this week`, `next week`, `this weekend`, `the rest of the week`,
    /// `for two weeks`, `3 days`.
    struct Span {
        var from: LocalDate?
        var until: LocalDate
        var ambiguous = false
        var rule: String
    }

    /// - Parameter known: the days of `tokens`, when the caller has them already.
    func span(in tokens: [Token], days known: [Day]? = nil) -> Span? {
        guard var span = rawSpan(in: tokens, days: known ?? days(in: tokens)) else { return nil }
        // `next fri to sun`, `next mon-fri`: a weekday end comes after the start.
        if let from = span.from, span.until < from, from.days(until: span.until) > -7 { span.until = span.until.adding(days: 7) }
        return span
    }

    func rawSpan(in tokens: [Token], days: [Day]) -> Span? {
        let words = tokens.map { $0.word ?? "" }
        func has(_ sequence: [String]) -> Int? {
            guard sequence.count <= words.count else { return nil }
            return (0...(words.count - sequence.count)).first { Array(words[$0..<$0 + sequence.count]) == sequence }
        }
        // `until / till / through / thru / to X`, possibly `from A until B`.
        for (index, word) in words.enumerated() where ["until", "till", "til", "untill", "thru", "through", "to", "tll", "untl", "including"].contains(word) {
            guard let end = days.first(where: { $0.range.lowerBound == index + 1 || ($0.range.lowerBound == index + 2 && words[index + 1] == "the") })
            else { continue }
            let start = days.last { $0.range.upperBound <= index }
            if word == "to" || word == "including", start == nil { continue }
            return Span(from: start?.date, until: end.date, ambiguous: end.ambiguous || (start?.ambiguous ?? false), rule: "\(word) \(end.rule)")
        }
        // `back on the 3rd`, `home on monday`, `returning jan 5`: away until the day before.
        for (index, word) in words.enumerated() where ["back", "return", "returning", "home", "resume", "resuming", "restart"].contains(word) {
            // `until I fly home thursday`: away through that day.
            let flying = word == "home" && index > 0 && ["fly", "flying", "drive", "driving", "head", "heading", "go", "going", "travel"].contains(words[index - 1])
            guard let end = days.first(where: { day in
                day.range.lowerBound > index && day.range.lowerBound <= index + 3
                    && words[(index + 1)..<day.range.lowerBound].allSatisfy { ["on", "the", "from", "by", "at", "of"].contains($0) }
            }), end.date > today else { continue }
            let start = days.last { $0.range.upperBound <= index }
            if flying { return Span(from: start?.date, until: end.date, ambiguous: end.ambiguous, rule: "home \(end.rule): away through that day") }
            return Span(from: start?.date, until: end.date.adding(days: -1), ambiguous: end.ambiguous, rule: "\(word) \(end.rule): until the day before")
        }
        if days.count >= 2, Array(tokens[days[0].range.upperBound..<days[1].range.lowerBound]) == [.dash], days[0].date.days(until: days[1].date) > -7 {
            return Span(from: days[0].date, until: days[1].date, ambiguous: days[0].ambiguous || days[1].ambiguous, rule: "\(days[0].rule) - \(days[1].rule)")
        }
        // `dec 12-19`: a range in one month.
        if let first = days.first, let month = monthOf(first, tokens), first.range.upperBound + 1 < tokens.count, tokens[first.range.upperBound] == .dash,
           let n = dayNumber(tokens[first.range.upperBound + 1]), let end = date(month: month, day: n, year: first.date.year), end >= first.date {
            return Span(from: first.date, until: end, rule: "\(first.rule) to the \(n)")
        }
        if has(["rest", "of", "the", "week"]) != nil || has(["rest", "of", "this", "week"]) != nil {
            // `the rest of this week and next week`
            if has(["next", "week"]) != nil { return Span(from: today, until: nextMonday.adding(days: 6), rule: "the rest of this week and next week") }
            return Span(from: today, until: comingSunday, rule: "the rest of the week")
        }
        if has(["end", "of", "next", "week"]) != nil { return Span(from: today, until: nextMonday.adding(days: 6), rule: "until the end of next week") }
        if has(["end", "of", "the", "week"]) != nil || has(["end", "of", "this", "week"]) != nil {
            return Span(from: today, until: comingSunday, rule: "until the end of the week")
        }
        if has(["rest", "of", "the", "month"]) != nil || has(["end", "of", "the", "month"]) != nil || has(["end", "of", "month"]) != nil
            || has(["rest", "of", "this", "month"]) != nil || has(["end", "of", "this", "month"]) != nil {
            let last = LocalDate(year: today.year, month: today.month, day: LocalDate.daysIn(month: today.month, year: today.year))!
            return Span(from: today, until: last, rule: "the rest of the month")
        }
        if has(["this", "weekend"]) != nil || has(["the", "weekend"]) != nil {
            let saturday = onOrAfter(6)
            return Span(from: today.isoWeekday == 7 ? today : saturday, until: today.isoWeekday == 7 ? today : saturday.adding(days: 1), rule: "this weekend")
        }
        if has(["next", "weekend"]) != nil {
            let saturday = nextWeek(6)
            return Span(from: saturday, until: saturday.adding(days: 1), rule: "next weekend")
        }
        if has(["this", "week"]) != nil { return Span(from: today, until: comingSunday, rule: "this week = until \(comingSunday)") }
        if has(["next", "week"]) != nil { return Span(from: nextMonday, until: nextMonday.adding(days: 6), rule: "next week = \(nextMonday)..\(nextMonday.adding(days: 6))") }
        // `a fortnight`
        if let index = words.firstIndex(of: "fortnight") ?? words.firstIndex(of: "fortnights") {
            let count = index > 0 ? (Words.numbers[words[index - 1]] ?? 1) : 1
            let start = days.first { $0.range.lowerBound > 0 && ["starting", "from", "beginning", "start"].contains(words[$0.range.lowerBound - 1]) }?.date ?? today
            return Span(from: start, until: start.adding(days: 14 * count - 1), rule: "\(count) fortnight from \(start)")
        }
        // `two weeks`, `a week`, `3 days`, `10 days`
        for (index, word) in words.enumerated() where ["week", "weeks", "wk", "wks", "day", "days"].contains(word) && index > 0 {
            let count: Int?
            switch tokens[index - 1] {
            case .number(let n) where n > 0 && n < 100: count = n
            case .word(let w): count = Words.numbers[w]
            default: count = nil
            }
            guard let count else { continue }
            if index >= 2, tokens[index - 2].word == "in" { continue }
            let length = word.hasPrefix("w") ? count * 7 : count
            // `a week off starting friday`, `two weeks from monday`
            let start = days.first { day in
                day.range.lowerBound > 0 && ["starting", "from", "beginning", "start"].contains(words[day.range.lowerBound - 1])
            }?.date ?? today
            return Span(from: start, until: start.adding(days: length - 1), rule: "\(count) \(word) from \(start)")
        }
        return nil
    }
}

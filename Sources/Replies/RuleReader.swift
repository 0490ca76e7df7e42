import Events
import Foundation

/// What the reader knows of the client when it reads: their local today and how they write
/// numeric dates (month first for imperial units, day first otherwise).
public struct ReaderContext: Sendable, Equatable {
    public var today: LocalDate
    public var units: Units

    public init(today: LocalDate, units: Units) {
        self.today = today
        self.units = units
    }
}

/// A reply read: its intents in the order said, and the rules that fired (the decision record).
public struct Reading: Sendable, Equatable {
    public var intents: [ReplyIntent]
    public var rules: [String]

    public init(intents: [ReplyIntent], rules: [String]) {
        self.intents = intents
        self.rules = rules
    }
}

/// The rule-based reader of replies: deterministic, English as people text it. It reads each
/// sentence for what it says (done, with how it felt) or asks (skip, pause, travel, a time
/// zone, a send time, training days, an injury, a question, today's workout), with their days
/// and times; what it cannot read safely it asks about (`clarify`), and anything else is
/// `unknown`, for a person.
public struct RuleReader: Sendable {
    public static let version = "rule-reader 1"

    public init() {}

    public func read(_ text: String, context: ReaderContext) -> Reading {
        var reading = Reading(intents: [], rules: [])
        // Weekdays heard, not typed: `choose day`, `tues day`.
        var text = text
        if text.contains(" day") || text.contains(" Day") || text.contains(" DAY") {
            for (heard, day) in Self.heardWeekdays where text.range(of: heard, options: .caseInsensitive) != nil {
                text = text.replacingOccurrences(of: heard, with: day, options: .caseInsensitive)
            }
        }
        let tokens = Tokenizer.tokens(text)
        // `(us style date)`: the client says how this one is written.
        let lowered = text.lowercased()
        let units: Units = ["us style", "us date", "american style", "month first", "mm/dd"].contains(where: lowered.contains) ? .imperial
            : ["uk style", "day first", "dd/mm", "european style"].contains(where: lowered.contains) ? .metric : context.units
        let dates = Dates(today: context.today, units: units)
        var clarifying: [Int: ReplyIntent.Kind] = [:]
        let all = sentences(tokens)
        var unread: String?
        for sentence in all {
            let before = reading.intents.count
            defer {
                // A question that read as nothing: what follows may be about it, not training.
                if reading.intents.count == before, sentence.question { reading.rules.append("unread question") }
            }
            readSentence(sentence.tokens, question: sentence.question, alone: all.count == 1, previousReason: unread, dates: dates, into: &reading, clarifying: &clarifying)
            // What this sentence says, when it asked for nothing (or only told of an injury): the
            // reason of an ask in the next.
            let told = reading.intents.count >= before ? reading.intents[before...] : []
            unread = told.allSatisfy({ $0.intent == .injury }) ? plainReason(sentence.tokens, limit: 12) : nil
            order(&reading, from: before, sentence.tokens, clarifying: &clarifying)
            let added = reading.intents[before...]
            let withReasons: Set<ReplyIntent.Kind> = [.skip, .swap, .lighter]
            if added.allSatisfy({ $0.intent == .injury }), let skip = reading.intents[..<before].lastIndex(where: { withReasons.contains($0.intent) }),
               reading.intents[skip].reason == nil,
               let reason = plainReason(sentence.tokens, limit: reading.intents[skip].intent == .skip ? 6 : 12) {
                // `can we skip today? feeling sick`: the next sentence says why.
                // (What is missing needs no reason: `no dumbbells here. can you adjust?`)
                for index in reading.intents.indices where withReasons.contains(reading.intents[index].intent) && reading.intents[index].reason == nil
                    && !(reading.intents[index].intent == .swap && reading.intents[index].exercise == nil) {
                    reading.intents[index].reason = reason
                }
                reading.rules.append("skip: because \(reason)")
            }
        }
        // A question raised about something the reply then says plainly: no need to ask.
        for (index, kind) in clarifying.sorted(by: { $0.key > $1.key }) where reading.intents.contains(where: { $0.intent == kind }) {
            reading.intents.remove(at: index)
        }
        // A stay during which texts were asked for is not a pause.
        for rule in reading.rules where rule.hasPrefix(Self.noPause) {
            reading.intents.removeAll { $0.intent == .pause && $0.until?.description == String(rule.dropFirst(Self.noPause.count)) }
        }
        // `that was SO easy. said no one ever`: said the other way round.
        if Self.sarcastic(" " + lowered + " ", tokens) {
            for index in reading.intents.indices where reading.intents[index].intent == .done && reading.intents[index].feel == "easy" {
                reading.intents[index].feel = "hard"
            }
        }
        // One workout was done, however many times it is said.
        var seenDone: Int?
        var merged: [ReplyIntent] = []
        for intent in reading.intents {
            if intent.intent == .done, let first = seenDone {
                merged[first].rpe = merged[first].rpe ?? intent.rpe
                merged[first].feel = merged[first].feel ?? intent.feel
                continue
            }
            if intent.intent == .done { seenDone = merged.count }
            merged.append(intent)
        }
        // `no kettlebell here. what do I do for the swings?`: one swap, for what is missing.
        for index in merged.indices.reversed() where index > 0 && merged[index].intent == .swap {
            guard let other = merged[..<index].lastIndex(where: { $0.intent == .swap && $0.date == merged[index].date }) else { continue }
            let (a, b) = (merged[other], merged[index])
            guard (a.exercise == nil) != (b.exercise == nil), (a.missing == nil) != (b.missing == nil) else { continue }
            merged[other].exercise = a.exercise ?? b.exercise
            merged[other].missing = a.missing ?? b.missing
            merged[other].reason = a.reason ?? b.reason
            merged.remove(at: index)
        }
        // A change asked for today beside a done read only from how something felt (`ran 15 miles,
        // legs are cooked. can tonight be lighter?`): the feel is why, not a workout done.
        if merged.contains(where: { [.swap, .lighter, .shorter, .harder].contains($0.intent) }), reading.rules.contains(Self.feelOnlyDone) {
            merged.removeAll { $0.intent == .done && $0.rpe == nil }
        }
        // `can friday be a hard one? ... id like to really push it`: one ask, said twice.
        for kind in [ReplyIntent.Kind.lighter, .harder] {
            if let first = merged.firstIndex(where: { $0.intent == kind }) {
                merged = merged.enumerated().filter { $0.offset == first || $0.element.intent != kind || $0.element.date != nil }.map(\.element)
            }
        }
        // The same thing asked twice (`cant today. gotta skip`) is one intent.
        var unique: [ReplyIntent] = []
        for intent in merged {
            if let index = unique.firstIndex(where: { var a = $0, b = intent; a.reason = nil; b.reason = nil; return a == b }) {
                unique[index].reason = unique[index].reason ?? intent.reason
                continue
            }
            unique.append(intent)
        }
        reading.intents = unique
        // A reading that does not hold together (a range ending before it starts, a day gone by):
        // ask rather than act.
        for index in reading.intents.indices {
            let problems = ReadingCheck.problems([reading.intents[index]], context: context)
            guard !problems.isEmpty else { continue }
            reading.rules.append("\(reading.intents[index].intent.rawValue) did not hold together (\(problems.joined(separator: "; "))); ask")
            reading.intents[index] = ReplyIntent(.clarify)
        }
        var asked = false
        reading.intents = reading.intents.filter { intent in
            guard intent.intent == .clarify else { return true }
            defer { asked = true }
            return !asked
        }
        if reading.intents.isEmpty {
            reading.intents = [ReplyIntent(.unknown)]
            reading.rules.append("nothing read: for a person")
        }
        return reading
    }

    /// Sentences: cut at `.`, `!`, `?`, `;`, a line break, and `but` / `also` / `plus` / `btw`;
    /// each with whether it asked (`?`).
    func sentences(_ tokens: [Token]) -> [(tokens: [Token], question: Bool)] {
        var result: [(tokens: [Token], question: Bool)] = [([], false)]
        for (index, token) in tokens.enumerated() {
            // `skip thursday and can you move me to ...`: `and` before a new request.
            if token == .word("and"), index + 1 < tokens.count, let next = tokens[index + 1].word,
               ["can", "could", "pls", "please", "would", "will", "also", "then", "send", "text", "after"].contains(next) {
                if !result[result.count - 1].tokens.isEmpty { result.append(([], false)) }
                continue
            }
            switch token {
            case .end(let mark):
                if mark == "?" { result[result.count - 1].question = true }
                if !result[result.count - 1].tokens.isEmpty { result.append(([], false)) }
            // `everything but thursday`: one list.
            case .word("but") where index > 0 && ["everything", "day", "days", "weekdays", "everyday", "week"].contains(tokens[index - 1].word ?? ""):
                result[result.count - 1].tokens.append(token)
            case .word("but"), .word("also"), .word("plus"), .word("btw"):
                if !result[result.count - 1].tokens.isEmpty { result.append(([], false)) }
            default:
                result[result.count - 1].tokens.append(token)
            }
        }
        return result.filter { !$0.tokens.isEmpty }
    }

    /// The intents one sentence added, in the order their words came (`in chicago ..., hotel gym`
    /// is a time zone, then travel); a question keeps its place after what it follows.
    func order(_ reading: inout Reading, from start: Int, _ tokens: [Token], clarifying: inout [Int: ReplyIntent.Kind]) {
        guard reading.intents.count - start > 1 else { return }
        let words = tokens.map { $0.word ?? "" }
        func first(_ match: (String) -> Bool) -> Int { words.firstIndex(where: match) ?? Int.max }
        func anchor(_ intent: ReplyIntent) -> Int {
            switch intent.intent {
            case .done: first { Words.matchesAny($0, ["done", "finished", "completed"]) || ["crushed", "nailed", "killed", "smashed", "did"].contains($0) }
            case .travel: first { ["hotel", "gym", "bodyweight", "body", "equipment", "dumbbells", "dumbbell", "dumbells", "bands", "band", "weights", "kettlebell"].contains($0) }
            case .timezone: intent.zone.map { zone in first { word in Words.zones[word] == zone || Words.zones.contains { $0.value == zone && $0.key.hasPrefix(word + " ") } } } ?? Int.max
            case .pause: first { ["vacation", "vacay", "holiday", "holidays", "honeymoon", "pause", "break", "off", "away", "cruise"].contains($0) }
            case .injury: intent.area.map { area in first { Words.areas[$0] == area || ($0 == "backs" && area == "back") } } ?? Int.max
            case .skip: first { Words.matchesAny($0, Words.skipWords) || ["miss", "cant", "off", "rest"].contains($0) }
            case .sendTime: first { ["text", "texts", "send", "message", "messages", "msg", "time", "earlier", "later"].contains($0) }
            case .trainingDays: first { Words.weekday($0) != nil || ["weekends", "weekdays", "mwf", "m"].contains($0) }
            case .swap: first { ["swap", "sub", "replace", "substitute", "switch", "no", "without"].contains($0) || Self.exerciseWords.contains($0) }
            case .lighter: first { ["easier", "lighter", "easy", "light", "gentle", "lite", "recovery", "tone", "dial"].contains($0) }
            case .harder: first { ["harder", "heavier", "push", "tough", "intense", "intensity", "beast", "more"].contains($0) }
            case .shorter: first { ["min", "mins", "minutes", "short", "shorter", "quick", "express"].contains($0) }
            case .moveDay: first { ["move", "push", "shift", "bump", "put", "swap", "do"].contains($0) }
            default: Int.max
            }
        }
        let added = Array(reading.intents[start...])
        // Keep skips together in their order, and questions after what came before them.
        var keyed: [(intent: ReplyIntent, key: Int, offset: Int, clarifyKind: ReplyIntent.Kind?)] = []
        for (offset, intent) in added.enumerated() {
            let key = intent.intent == .clarify ? (keyed.last?.key ?? -1) : anchor(intent)
            keyed.append((intent, key == Int.max ? (keyed.last?.key ?? -1) : key, offset, clarifying[start + offset]))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.offset < $1.offset }
        for offset in added.indices { clarifying[start + offset] = nil }
        for (offset, item) in keyed.enumerated() {
            reading.intents[start + offset] = item.intent
            if let kind = item.clarifyKind { clarifying[start + offset] = kind }
        }
    }

    /// A sentence that is only a reason (`feeling sick`, `work thing`), when it reads as one.
    func plainReason(_ tokens: [Token], limit: Int = 6) -> String? {
        let words = tokens.compactMap(\.word).filter { !["pls", "please", "sorry", "thanks", "thx", "ty", "lol", "haha", "sry", "ugh"].contains($0) }
        guard !words.isEmpty, words.count <= limit else { return nil }
        return words.joined(separator: " ")
    }

    // MARK: One sentence

    /// - Parameters:
    ///   - alone: the text is this one sentence.
    ///   - previousReason: the sentence before, when it read as nothing and reads as a reason.
    func readSentence(
        _ tokens: [Token], question: Bool, alone: Bool, previousReason: String? = nil, dates: Dates, into reading: inout Reading,
        clarifying: inout [Int: ReplyIntent.Kind]
    ) {
        let words = tokens.map { $0.word ?? "" }
        let text = " " + tokens.compactMap { token -> String? in
            switch token {
            case .word(let w): w
            case .number(let n): String(n)
            case .emoji(let kind): "emoji\(kind)"
            case .time: "clock"
            default: nil
            }
        }.joined(separator: " ") + " "
        func has(_ phrase: String) -> Bool { text.contains(" \(phrase) ") }
        func any(_ phrases: [String]) -> Bool { phrases.contains(where: has) }
        let negated = any(["not", "didnt", "havent", "hasnt", "havnt", "never", "cant", "couldnt", "wont", "isnt"])
        func clarify(_ about: ReplyIntent.Kind, _ why: String) {
            clarifying[reading.intents.count] = about
            reading.intents.append(ReplyIntent(.clarify))
            reading.rules.append("\(about.rawValue): \(why); ask")
        }

        // `... way too early. 7:30 pls`: a time alone answers the send-time question just raised.
        if let index = reading.intents.indices.last, reading.intents[index].intent == .clarify, clarifying[index] == .sendTime,
           words.filter({ !$0.isEmpty }).allSatisfy({ ["pls", "please", "instead", "then", "maybe", "at", "ok", "thx", "like", "around", "is", "better", "am", "pm"].contains($0) }),
           let time = sendTime(tokens, text: " text " + text), time.intent == .sendTime {
            reading.intents[index] = time
            clarifying[index] = nil
            reading.rules.append("send time \(time.hour!):\(String(format: "%02d", time.minute!)), answering the sentence before")
            return
        }

        // `can you pause it over the summer? like until the 1st of september`: the range, said next.
        if let index = reading.intents.indices.last, reading.intents[index].intent == .clarify, clarifying[index] == .pause,
           let span = dates.span(in: tokens), !span.ambiguous {
            reading.intents[index] = ReplyIntent(.pause, from: span.from ?? dates.today, until: span.until)
            clarifying[index] = nil
            reading.rules.append("pause \(span.rule), said after")
            return
        }
        // `pause me. back monday`: the day they are back ends the pause just asked for.
        if let index = reading.intents.indices.last, reading.intents[index].intent == .clarify, clarifying[index] == .pause,
           let back = words.firstIndex(of: "back"), let day = dates.days(in: tokens).first(where: { $0.range.lowerBound > back }), day.date > dates.today {
            reading.intents[index] = ReplyIntent(.pause, from: dates.today, until: day.date.adding(days: -1))
            clarifying[index] = nil
            reading.rules.append("pause until the day before \(day.rule)")
            return
        }

        // Questions from the small set, before anything else reads their words (a done said
        // with one still counts: `all done 🙌 what does rpe stand for`).
        if let topic = self.question(words, text: text, tokens: tokens, asked: question) {
            if let done = done(tokens, words: words, text: text, negated: false, skipping: false), done.rpe == nil {
                reading.intents.append(ReplyIntent(.done, feel: done.feel))
            }
            reading.intents.append(ReplyIntent(.askQuestion, topic: topic))
            reading.rules.append("question about \(topic)")
            return
        }
        if askWorkout(text, asked: question), !(has("instead") && dates.days(in: tokens).count >= 2) {
            reading.intents.append(ReplyIntent(.askWorkout))
            reading.rules.append("asks for today's workout")
            return
        }

        // Days found once per sentence; the range is read from them.
        let days = dates.days(in: tokens)
        let span = dates.span(in: tokens, days: days)
        // `dec 24 & 31 off please`: days off, one by one.
        let daysOff = words.contains("off") && !days.isEmpty && span == nil && !any(["off to", "off work", "kick off", "took off", "off the"])
        let skipTrigger = isSkip(words, text: text, tokens: tokens) || daysOff
        let injuries = self.injuries(tokens, text: text)

        // Done first: it comes first in what people text (`done! skip fri`). A feel alone right after
        // a question about something else (`did you see the game? brutal`) is about that.
        let afterOtherTopic = reading.rules.last == "unread question" || (!reading.intents.isEmpty && reading.intents.last?.intent != .done)
        let emojiOnly = words.allSatisfy(\.isEmpty)
        // A change asked for (`feeling wrecked, go easy on friday`): its feel words are the reason, not a done.
        let changes = workoutChanges(tokens, words: words, text: text, days: days, span: span, dates: dates)
        if var done = done(tokens, words: words, text: text, negated: negated, skipping: skipTrigger),
           done.feel == nil || !(afterOtherTopic || !injuries.isEmpty) || Self.saysDone(words), changes.isEmpty || Self.saysDone(words) {
            if emojiOnly, afterOtherTopic || (!alone && reading.intents.isEmpty && tokens.allSatisfy({ $0 == .emoji("cheer") })) {
                // `hamstring's healed!! 🎉`: the cheer is for what was just said.
                reading.rules.append("emoji after another topic: not a done")
            } else {
                // `done! my neck is all good`: the good is the neck's.
                if done.feel == "good", !injuries.isEmpty, injuries.allSatisfy({ $0.active == false }) { done.feel = nil }
                reading.intents.append(done)
                reading.rules.append("done\(done.rpe.map { ", RPE \($0)" } ?? "")\(done.feel.map { ", felt \($0)" } ?? "")")
                if !Self.saysDone(words), done.feel != nil { reading.rules.append(Self.feelOnlyDone) }
            }
        } else if reading.intents.last?.intent == .done, let last = reading.intents.indices.last {
            // `done. rpe 8`, `done. pretty light`: the next sentence tells how it went.
            if reading.intents[last].rpe == nil { reading.intents[last].rpe = rpe(tokens) }
            // `SO easy. said no one ever`: said the other way round.
            if reading.intents[last].feel == "easy", Self.sarcastic(" easy" + text, tokens) { reading.intents[last].feel = "hard" }
            if reading.intents[last].feel == nil, !skipTrigger, injuries.isEmpty,
               ![" good morning ", " hard to ", " easy to ", " good to know ", " sounds good ", " good luck "].contains(where: text.contains) {
                reading.intents[last].feel = feel(text)
            }
        }

        let pauseWords = ["vacation", "vacay", "holiday", "holidays", "honeymoon", "pause", "break", "hiatus", "leave", "cruise", "suspend", "suspended"]
        // `back from the honeymoon`: over, not ahead.
        let overAlready = any(["back from", "home from", "returned from", "just got back", "got back from"])
        // `on my break`, `lunch break`: a break from work, not from training.
        let workBreak = words.indices.contains { words[$0] == "break" && $0 > 0 && ["my", "lunch", "coffee", "tea", "smoke", "a"].contains(words[$0 - 1]) && !any(["need a break", "take a break", "taking a break"]) }
        // `on leave`, `maternity leave`; not `I leave for school at 7`.
        let onLeave = words.indices.contains { words[$0] == "leave" && $0 > 0 && ["on", "maternity", "paternity", "annual", "sick", "parental", "medical", "study"].contains(words[$0 - 1]) }
        let pauseSaid = (words.contains(where: { word in
            (pauseWords.contains(word) && !(word == "break" && workBreak) && !(word == "leave" && !onLeave))
                || ["vacation", "pause", "holiday", "honeymoon"].contains { Words.matches(word, $0) && word != "cause" && word != "paused" }
        })
                && !has("holiday party") && !text.contains(" between sets "))
            || words.indices.contains { words[$0] == "off" && $0 > 0 && ["week", "weeks", "wks", "days", "wk", "month", "time"].contains(words[$0 - 1]) }
            || (words.contains("off") && span != nil && !skipTrigger)
            || any(["away until", "away till", "away til", "away next week", "away this week", "away for", "no texts", "no messages", "hold off", "out of town",
                    "hold all", "hold my", "hold the messages", "hold the texts", "hold messages", "hold texts"])
            || (span != nil && any(["stop the workouts", "stop workouts", "stop my workouts", "stop sending", "no workouts", "stop the texts", "stop the messages"]))
        let pausing = pauseSaid && !overAlready
        let travelWords = ["travel", "traveling", "travelling", "trip", "hotel", "airbnb", "road", "parents", "conference", "visiting", "home"]
        let equipment = self.equipment(text)
        let zone = self.zone(text)

        // A change to a day's workout, or a day moved (part two): `swap deadlifts`, `only 20 min
        // today`, `go easy`, `push me more`, `move friday to saturday`.
        if !changes.isEmpty {
            // `not able to do the overhead press because of my shoulder`: the area named is hurt.
            var injuries = injuries
            if injuries.isEmpty, changes.contains(where: { $0.intent == .swap && $0.exercise != nil }) {
                for (index, word) in words.enumerated() where index > 0 && words[index - 1] == "my" {
                    if let area = Words.areas[word], area != "back" || !["at", "to", "home"].contains(index + 1 < words.count ? words[index + 1] : "") {
                        injuries.append(ReplyIntent(.injury, area: area, active: true))
                        break
                    }
                }
            }
            // Why, when said: `because ...`, or the injury in the same breath.
            let why = words.contains(where: ["because", "bc", "cause", "cuz", "since", "due"].contains) ? self.reason(tokens, injury: injuries.first)
                : injuries.first?.area
            for var change in changes {
                if change.intent == .clarify {
                    clarify(.moveDay, "which days to move is not clear")
                } else {
                    // A swap's or an easier session's why (a shorter or harder one's is the client's business).
                    if [.swap, .lighter].contains(change.intent), change.reason == nil { change.reason = why }
                    // `back is a bit tweaked. sub out the deadlifts`: the injury said just before is why.
                    if change.intent == .swap, change.reason == nil, let previousReason, reading.intents.last?.intent == .injury { change.reason = previousReason }
                    // `feeling wrecked, go easy`: what is said beside an easier session is why.
                    if change.intent == .lighter, change.reason == nil, let comma = tokens.firstIndex(of: .comma) {
                        // The side of the comma that is not the ask: `feeling wrecked this week, go easy on friday`.
                        let asks: Set<String> = ["easy", "easier", "lighter", "light", "gentle", "lite", "recovery", "tone", "dial", "notch"]
                        let sides = [Array(tokens[..<comma]), Array(tokens[(comma + 1)...])].filter { !$0.contains { $0.word.map(asks.contains) ?? false } }
                        change.reason = sides.first.flatMap { plainReason($0, limit: 12) }
                    }
                    if change.intent == .lighter, change.reason == nil { change.reason = previousReason }
                    reading.intents.append(change)
                    reading.rules.append("\(change.intent.rawValue): \(change)")
                }
            }
            reading.intents += injuries
            return
        }

        // Travel: somewhere with other equipment, for a while.
        var travelled = false
        var travelledNothing = false
        // `heading to galway sat and sun, bands in the bag`: the days said are the trip's.
        let tripSpan = span ?? (days.count >= 2 && days.allSatisfy { !$0.ambiguous } && !dates.choice(in: tokens, days: days)
            ? Dates.Span(from: days.map(\.date).min(), until: days.map(\.date).max()!, rule: "the days said") : nil)
        if let equipment, !negatedEquipment(text),
           words.contains(where: { travelWords.contains($0) }) || tripSpan != nil || zone != nil || any(["only have", "only got", "all i have", "just have", "just my", "only"]) {
            let span = tripSpan
            if span?.ambiguous == true {
                clarify(.travel, "the dates could be read two ways")
            } else {
                var intent = ReplyIntent(.travel, equipment: equipment)
                // `in NYC from tomorrow until friday. hotel gym is decent`: the stay just said.
                let stay = span == nil ? reading.intents.last(where: { $0.intent == .timezone && $0.until != nil }) : nil
                let ends = span != nil || stay != nil || days.contains { _ in any(["until", "till", "til", "thru", "through"]) }
                if !ends {
                    if words.contains(where: { ["trip", "travel", "traveling", "travelling", "going", "away", "headed", "heading", "visiting", "staying", "flying", "driving"].contains($0) })
                        || any(["off to", "over to", "down to", "up to"]) {
                        clarify(.travel, "for how long is not said")
                        return
                    }
                    // `hotel gym was tiny but made it work`: said of the past, nothing to change.
                    travelledNothing = true
                }
                if travelledNothing {
                    // no dates, no trip: not a change
                } else if let span {
                    intent.from = span.from.flatMap { $0 == dates.today ? nil : $0 }
                    intent.until = span.until
                } else if let stay {
                    intent.from = stay.from
                    intent.until = stay.until
                } else if let day = days.first(where: { _ in any(["until", "till", "til", "thru", "through"]) }) {
                    intent.until = day.date
                }
                if !travelledNothing {
                    reading.intents.append(intent)
                    reading.rules.append("travel with \(equipment)\(span.map { ", \($0.rule)" } ?? "")")
                    travelled = true
                }
            }
        }

        // A time zone: `I'm in Denver this week`, `moved to London`.
        let zoneStart = reading.intents.count
        if let zone {
            let permanent = any(["moved", "moving", "relocated", "relocating", "live", "living", "for good", "permanently", "based", "now live", "emigrated", "emigrating",
                                 "immigrated", "settled", "new home", "we live", "from now on", "going forward", "took a job", "new job", "mudamos", "mudei",
                                 "nos mudamos", "me mude"])
            if zone.ambiguous {
                clarify(.timezone, "\(zone.name) could be more than one place")
            } else if any(["moving", "relocating", "relocate", "emigrating", "transferring", "transfer"]) || (permanent && any(["next month", "soon", " then", "next year"])),
                      span != nil || any(["next month", "soon", "in a few weeks", "later this year", "next year", "this summer", "then"]),
                      !days.contains(where: { $0.range.lowerBound > 0 && ["from", "starting", "beginning", "on"].contains(words[$0.range.lowerBound - 1]) }) {
                // `moving to denver next month`: for good, but from when is not said.
                clarify(.timezone, "moving to \(zone.name): from which day is not said")
            } else if permanent || any(["transferring", "transfer", "relocate"]), span == nil {
                // `from monday I'm transferring to riyadh`: for good, from that day.
                let start = days.first { $0.range.lowerBound > 0 && ["from", "starting", "beginning"].contains(words[$0.range.lowerBound - 1]) }?.date
                reading.intents.append(ReplyIntent(.timezone, zone: zone.zone, from: start == dates.today ? nil : start))
                reading.rules.append("time zone \(zone.zone) for good (\(zone.name))")
            } else if let span {
                if span.ambiguous {
                    clarify(.timezone, "the dates could be read two ways")
                } else {
                    reading.intents.append(ReplyIntent(.timezone, zone: zone.zone, from: span.from.flatMap { $0 == dates.today ? nil : $0 }, until: span.until))
                    reading.rules.append("time zone \(zone.zone) (\(zone.name)), \(span.rule)")
                }
            } else if zone.explicit, let trip = reading.intents.last(where: { ($0.intent == .travel || $0.intent == .timezone) && $0.until != nil }) {
                // `... put me on vancouver time too`: for the stay just said.
                if !reading.intents.contains(where: { $0.intent == .timezone && $0.zone == zone.zone }) {
                    reading.intents.append(ReplyIntent(.timezone, zone: zone.zone, from: trip.from, until: trip.until))
                    reading.rules.append("time zone \(zone.zone) for the stay just said")
                }
                // Texts asked for on that clock: the stay is not a pause (dropped once all is read).
                if reading.intents.contains(where: { $0.intent == .pause && $0.until == trip.until }) {
                    reading.rules.append("\(Self.noPause)\(trip.until!)")
                }
            } else if zone.explicit {
                // `I'm on pacific time now`: a setting, for good.
                reading.intents.append(ReplyIntent(.timezone, zone: zone.zone))
                reading.rules.append("time zone \(zone.zone) set (\(zone.name))")
            } else if let trip = reading.intents.last(where: { $0.intent == .travel && $0.until != nil }) {
                // `hotel gym next week btw, in denver`: there for the trip just said.
                reading.intents.append(ReplyIntent(.timezone, zone: zone.zone, from: trip.from, until: trip.until))
                reading.rules.append("time zone \(zone.zone) (\(zone.name)) for the trip")
            } else if !travelled, !skipTrigger {
                clarify(.timezone, "in \(zone.name): for how long is not said")
            }
        }
        // `skp tmrw, flying to SF`: a place said as the reason for a skip, read as the skip.
        if travelled || (zone != nil && !(skipTrigger && reading.intents.count == zoneStart)) {
            if let time = sendTime(tokens, text: text), time.intent == .sendTime, reading.intents.count > zoneStart {
                reading.intents.append(time)
                reading.rules.append("send time \(time.hour!):\(String(format: "%02d", time.minute!)), said with the stay")
            }
            if pausing, let span, !span.ambiguous, !travelled {
                reading.intents.append(ReplyIntent(.pause, from: span.from ?? dates.today, until: span.until))
            }
            return
        }

        // A pause: `on vacation until Jan 3`, `two weeks off`.
        if pausing, !(skipTrigger && span == nil) {
            if days.isEmpty, any(["from then", "after that", "starting then", "from that day"]) {
                // `pause me for six weeks from then`: the day is in another sentence; ask.
                clarify(.pause, "from which day is said elsewhere")
                reading.intents += injuries
                return
            }
            if let span {
                if span.ambiguous {
                    clarify(.pause, "the dates could be read two ways")
                } else {
                    reading.intents.append(ReplyIntent(.pause, from: span.from ?? dates.today, until: span.until))
                    reading.rules.append("pause \(span.from ?? dates.today)..\(span.until) (\(span.rule))")
                }
            } else {
                clarify(.pause, "for how long is not said")
            }
            reading.intents += injuries
            return
        }

        // The send time: `text me at 6:30`, `send it at 7pm`.
        if let sendTime = sendTime(tokens, text: text) {
            if sendTime.intent == .clarify {
                clarify(.sendTime, "which time is not clear")
            } else {
                reading.intents.append(sendTime)
                reading.rules.append("send time \(sendTime.hour!):\(String(format: "%02d", sendTime.minute!))")
            }
            if let training = trainingDays(tokens.map { $0 == .dash ? "-" : ($0.word ?? "") }, text: text), training.intent == .trainingDays {
                if training.days?.count == 1, sendTime.intent == .sendTime {
                    // `send it at noon on saturdays only`: a time for one day is not kept; ask.
                    reading.intents.removeLast()
                    reading.rules.removeLast()
                    clarify(.sendTime, "a send time for one weekday only")
                } else {
                    reading.intents.insert(training, at: reading.intents.count - 1)
                }
            }
            return
        }

        // Training days: `only Mon/Wed/Fri from now on`.
        if !skipTrigger, let training = trainingDays(tokens.map { $0 == .dash ? "-" : ($0.word ?? "") }, text: text) {
            reading.intents += injuries
            if training.intent == .clarify {
                clarify(.trainingDays, "how many days, not which")
            } else {
                reading.intents.append(training)
                reading.rules.append("training days \(training.days!)")
            }
            return
        }

        // Injuries, and skips with their reasons.
        for injury in injuries {
            reading.intents.append(injury)
            reading.rules.append("injury: \(injury.area!) \(injury.active! ? "active" : "over")")
        }
        guard skipTrigger else { return }
        if dates.choice(in: tokens, days: days) || any(["not sure which", "or maybe", "not sure when"]) {
            clarify(.skip, "which day is not decided")
            return
        }
        // `skip friday and saturday`: the days in order.
        var targets = days.filter { $0.date >= dates.today }.sorted { $0.date < $1.date }
        // Only days gone by: nothing to skip.
        if targets.isEmpty, !days.isEmpty { return }
        if targets.isEmpty {
            // A number or date the reader could not place (`on 12.5 I cannot train`): ask rather than skip today.
            if tokens.contains(where: { token in
                switch token {
                case .number, .slashed, .dotted, .ordinal: true
                default: false
                }
            }) {
                clarify(.skip, "a day was said that could not be read")
                return
            }
            targets = [Dates.Day(date: dates.today, range: 0..<0, rule: "no day named = today")]
        }
        if let unsure = targets.first(where: \.ambiguous) {
            clarify(.skip, unsure.rule)
            return
        }
        let reason = self.reason(tokens, injury: injuries.first)
        for target in targets {
            reading.intents.append(ReplyIntent(.skip, date: target.date, reason: reason))
            reading.rules.append("skip \(target.date) (\(target.rule))\(reason.map { ", because \($0)" } ?? "")")
        }
        // `skip thurs? back is acting up`: an injury given as the reason comes after the skip.
        if !injuries.isEmpty, let firstInjury = reading.intents.firstIndex(where: { $0.intent == .injury }),
           let firstSkip = reading.intents.firstIndex(where: { $0.intent == .skip }), firstInjury < firstSkip,
           tokens.firstIndex(where: { $0.word.map { Words.matchesAny($0, Words.skipWords) } ?? false }).map({ index in
               tokens.firstIndex(where: { $0.word.map { Words.areas[$0] != nil } ?? false }).map { $0 > index } ?? false
           }) == true {
            let moved = reading.intents.filter { $0.intent == .injury }
            reading.intents.removeAll { $0.intent == .injury }
            reading.intents += moved
        }
    }

    static let heardWeekdays = [
        ("choose day", "tuesday"), ("chews day", "tuesday"), ("tues day", "tuesday"), ("wednes day", "wednesday"), ("thurs day", "thursday"),
        ("satur day", "saturday"), ("mon day", "monday"), ("fri day", "friday"),
    ]

    /// What `skip the ...` may name for the day to be skipped.
    static let dayObjects: Set<String> = [
        "workout", "workouts", "session", "sessions", "training", "day", "days", "gym", "lift", "class", "rest", "next", "weekend", "week", "whole",
        "wkout", "wod", "first", "second", "one", "morning", "evening",
    ]

    static let feelOnlyDone = "done read from how it felt"

    static let noPause = "no pause: texts asked for during the stay until "

    /// Exercises as clients name them, for swaps.
    static let exerciseWords: Set<String> = [
        "squats", "squat", "deadlifts", "deadlift", "lunges", "lunge", "pullups", "pullup", "chinups", "chinup", "pushups", "pushup", "bench", "rows", "row",
        "burpees", "running", "run", "runs", "jumps", "press", "presses", "planks", "plank", "curls", "dips", "stepups", "thrusters", "cleans", "snatches",
        "swings", "sprints", "rdls", "rdl", "carries", "situps", "crunches", "jumping", "box", "overhead", "kettlebell", "barbell", "hip",
        "thrusts", "bridges", "goblet", "split", "bulgarian", "leg", "calf", "raises", "flys", "flyes", "pulldowns", "lat", "cardio", "hiit", "rowing",
        "pull", "ups", "push", "pistol", "mountain", "climbers", "jacks", "step", "farmer", "farmers", "wall", "balls", "ball", "slams", "rope",
    ]

    /// Equipment as clients name it, and the catalog's name for it.
    static let equipmentWords: [(said: String, kind: String)] = [
        ("pull up bar", "pull-up-bar"), ("pullup bar", "pull-up-bar"), ("squat rack", "rack"), ("cable machine", "cable"), ("barbells", "barbell"),
        ("barbell", "barbell"), ("racks", "rack"), ("rack", "rack"), ("benches", "bench"), ("bench", "bench"), ("cables", "cable"), ("cable", "cable"),
        ("machines", "machine"), ("machine", "machine"), ("rower", "machine"), ("treadmill", "machine"), ("dumbbells", "dumbbell"), ("dumbbell", "dumbbell"),
        ("kettlebells", "kettlebell"), ("kettlebell", "kettlebell"),
    ]

    /// Minutes said in words.
    static let minuteWords: [String: Int] = [
        "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fortyfive": 45, "fifty": 50, "sixty": 60,
    ]

    /// What a sentence asks of a day's workout: swaps, lighter, shorter, harder, a day moved.
    /// - Parameters: days, span: the sentence's days and range, as `readSentence` found them.
    func workoutChanges(_ tokens: [Token], words: [String], text: String, days said: [Dates.Day], span: Dates.Span?, dates: Dates) -> [ReplyIntent] {
        func has(_ phrase: String) -> Bool { text.contains(" \(phrase) ") }
        func any(_ phrases: [String]) -> Bool { phrases.contains(where: has) }
        var found: [ReplyIntent] = []
        // Each day once (`can thursday be friday, kids thing on thurs`).
        var days: [Dates.Day] = []
        for day in said where !days.contains(where: { $0.date == day.date }) { days.append(day) }
        let day = days.first(where: { $0.date >= dates.today })
        // `still sore from monday's legs, can today be easier`: today, when said.
        var date = days.contains(where: { $0.date == dates.today }) ? nil : day.map(\.date).flatMap { $0 == dates.today ? nil : $0 }
        // Not the training days from now on (`switch to mon and thu from now on`, `mondays instead of fridays`).
        let forGood = any(["from now on", "going forward", "my days", "the days", "each week", "every week", "only", "permanently", "moving forward", "for good"])
            || words.indices.contains(where: { index in
                words[index].hasSuffix("days") && Words.weekday(String(words[index].dropLast())) != nil
                    && !(index + 1 < words.count && ["workout", "session", "training", "lift", "run", "one", "on"].contains(words[index + 1]))
            })
        // A day moved: `move friday to saturday`, `train sunday instead of monday`, `do wednesday's on thursday`,
        // `can thursday be friday`, `bump thursday up to wednesday`, `push today's to tomorrow`, `do it tmrw instead`.
        let moveWords: Set<String> = ["move", "push", "shift", "switch", "swap", "change", "do", "bump", "put", "be", "train", "moved"]
        let aboutTexts = any(["text", "texts", "message", "messages"])
        if any(["move one of my days", "move a day", "move some days", "switch a day"]), days.isEmpty { return [ReplyIntent(.clarify)] }
        let moving = words.contains(where: ["move", "push", "shift", "bump", "swap", "switch", "put", "moved", "change"].contains)
        if days.count == 2, !forGood, !aboutTexts, words.contains(where: moveWords.contains),
           !any(["until", "till", "through", "thru", "except", "but"]), moving || !has("from") {
            let between = tokens[days[0].range.upperBound..<days[1].range.lowerBound].compactMap(\.word)
            // `move / push / shift / bump / swap X to Y`; `do X on Y`, `do X Y instead`; `can X be Y`; `train X instead of Y`.
            let linked = (moving && ["to", "with", "for", "and", "on", "up", "into"].contains(where: between.contains))
                || (words.contains("do") && (between.contains("on") || has("instead")))
                || (words.contains("do") && between.allSatisfy(["workout", "session", "training"].contains) && has("instead"))
                || between == ["be"] || has("instead of")
            if linked {
                if days.contains(where: \.ambiguous) || dates.choice(in: tokens, days: days) { return [ReplyIntent(.clarify)] }
                let (from, to) = has("instead of") ? (days[1].date, days[0].date) : (days[0].date, days[1].date)
                if from >= dates.today, to >= dates.today, from != to {
                    guard abs(from.days(until: to)) <= 6 else { return [ReplyIntent(.clarify)] }
                    found.append(ReplyIntent(.moveDay, date: from, to: to))
                    date = to
                }
            }
        } else if days.count == 1, let target = days.first, target.date != dates.today, !forGood, !aboutTexts,
                  !words.contains(where: ["cant", "wont", "not", "cannot", "unable", "couldnt"].contains),
                  words.contains(where: ["push", "move", "do", "put", "shift", "bump"].contains),
                  any(["todays to", "today to", "it to", "todays workout to", "workout to", "todays workout on", "do it", "it tomorrow", "it tmrw", "put todays"])
                    || (any(["instead"]) && any(["it", "tonight", "todays"])) {
            if target.date > dates.today {
                found.append(ReplyIntent(.moveDay, date: dates.today, to: target.date))
                date = target.date
            }
        }
        // Swaps: `swap deadlifts`, `can't do pull-ups`, `no barbell today`, `the rack is taken`, `gym is closed, home workout`.
        let swapCue = words.contains(where: ["swap", "replace", "sub", "substitute", "instead", "switch", "swapped"].contains)
            || any(["something else", "anything else", "work around it", "change it for", "other exercise", "cant do", "not able to do", "unable to do",
                    "never been able to do", "cant get a single", "what do i do for", "what can i do"])
        if swapCue, !has("swapped") {
            // The exercise: the first run of exercise words (`kettlebell swings really bother my back, switch them out`).
            var name: [String] = []
            for (index, word) in words.enumerated() {
                // `squat rack`: the equipment, not the exercise.
                if index + 1 < words.count, ["rack", "bar", "machine", "bench"].contains(words[index + 1]), ["squat", "pull", "cable", "leg"].contains(word) { break }
                if Self.exerciseWords.contains(word) {
                    name.append(word)
                } else if word.isEmpty, !name.isEmpty, index + 1 < words.count, Self.exerciseWords.contains(words[index + 1]) {
                    continue  // `pull-ups`: the dash between the words
                } else if !name.isEmpty { break }
            }
            if name.count == 1, ["push", "pull", "step", "up", "ups", "ball"].contains(name[0]) { name = [] }
            if !name.isEmpty, !(name.count == 1 && ["kettlebell", "barbell", "bench"].contains(name[0]) && !has("\(name[0]) press")) {
                found.append(ReplyIntent(.swap, date: date, exercise: name.joined(separator: " ")))
            }
        }
        // Something not at hand today.
        let unavailable = ["no", "without", "taken", "full", "broken", "out of order", "roped off", "being used", "in use", "closed", "left my", "dont have",
                           "busy", "is used", "occupied", "missing", "gone"]
        for (said, kind) in Self.equipmentWords where has(said) && unavailable.contains(where: has) {
            if found.contains(where: { $0.missing == kind }) || found.contains(where: { $0.missing != nil }) { continue }
            if let index = found.firstIndex(where: { $0.intent == .swap && $0.missing == nil }) { found[index].missing = kind } else { found.append(ReplyIntent(.swap, date: date, missing: kind)) }
        }
        // (Closed for a while, `until the 20th`: equipment for a range, read as travel.)
        if any(["gym is closed", "gym closed", "gyms closed", "gym is close", "gym closes today", "home workout", "workout at home", "at home today",
                "do at home", "cant get to the gym", "cant make it to the gym"]),
           !any(["skip", "off today"]), span == nil, !has("closes at") {
            found.append(ReplyIntent(.swap, date: date, missing: "gym"))
        }
        // Lighter, harder, shorter.
        let lighterCue = any(["go easy", "take it easy", "easier today", "lighter today", "lighter one", "lighter session", "tone it down", "dial it back",
                              "easy one today", "something light", "recovery day", "go light", "lighter workout", "easier workout", "lighter day", "be easier",
                              "be lighter", "go lighter", "down a notch", "keep it gentle", "more easy", "lite one", "recovery type day", "something easy",
                              "easier session", "easy day", "light day", "light one", "easier one", "lighter please", "lighter pls", "lighter plz"])
            && !any(["was easy", "too easy", "so easy", "lighter than"])
        let harderCue = any(["push me", "make it harder", "make them harder", "more challenging", "step it up", "crank it up", "more intense", "give me more",
                             "harder please", "harder pls", "harder workouts", "harder workout", "need more", "kick it up", "go heavier", "heavier", "up the intensity",
                             "tough one", "bring it on", "add more sets", "more sets", "more difficult", "too soft", "next ones harder", "beast mode", "a hard one",
                             "really push", "harder one", "harder session", "more reps"])
        // Asked, not told of: `can today be lighter?`, `lighter one pls`; not `easy day, done`.
        let asking = words.contains(where: ["can", "could", "pls", "please", "plz", "would", "make", "lets", "want", "need", "give", "be", "go", "keep", "take",
                                            "tone", "dial", "push", "step", "crank", "bring", "up", "add", "kick", "really"].contains)
        if lighterCue, asking {
            found.append(ReplyIntent(.lighter, date: date))
        } else if harderCue, asking, !Self.saysDone(words) {
            found.append(ReplyIntent(.harder, date: date))
        }
        var minutes: Int?
        for (index, token) in tokens.enumerated() {
            let value: Int? = switch token {
            case .number(let n): n
            case .word(let w): Self.minuteWords[w]
            default: nil
            }
            guard let n = value, (5...120).contains(n), index + 1 < tokens.count, ["min", "mins", "minutes", "minute"].contains(tokens[index + 1].word ?? "") else { continue }
            minutes = n
        }
        if has("half an hour") || has("half hour") { minutes = 30 }
        if has("quarter of an hour") || has("quarter hour") { minutes = 15 }
        if has("under an hour") || has("less than an hour") { minutes = 60 }
        let shortCue = any(["only", "short on time", "quick one", "shorter", "max", "have", "got", "just", "tops", "express", "is all", "under", "short", "quick"])
            || tokens.filter({ $0.word != nil || { if case .number = $0 { true } else { false } }($0) }).count <= 3
        let past = any(["took", "took me", "ran for", "it was", "did", "i did", "done in", "finished in"])
        if let minutes, shortCue, !past {
            found.append(ReplyIntent(.shorter, date: date, minutes: minutes))
        } else if !past, any(["short on time today", "quick one today", "shorter one", "shorter workout", "shorter session", "short workout today", "make it short",
                              "short one", "express version", "workout shorter", "session shorter", "be shorter"]) {
            found.append(ReplyIntent(.shorter, date: date))
        }
        return found
    }

    /// Parts of a workout a client may skip or swap without skipping the day.
    static let workoutParts: Set<String> = [
        "cooldown", "cool", "warmup", "warm", "stretch", "stretches", "stretching", "cardio", "finisher", "core", "abs", "accessories", "accessory",
        "last", "run", "running", "lunges", "squats", "squat", "deadlifts", "deadlift", "burpees", "set", "sets", "circuit", "mobility", "plank", "planks",
        "exercise", "exercises", "bench", "rows", "pullups", "pushups", "conditioning", "intervals", "sprints", "jumps", "box", "rope",
    ]

    /// Said the other way round: `said no one ever`, an upside-down face.
    static func sarcastic(_ text: String, _ tokens: [Token]) -> Bool {
        [" said no one ever ", " said nobody ever ", " yeah right ", " jk ", " lol jk "].contains(where: text.contains) && text.contains("easy")
            || tokens.contains(.emoji("upsideDown"))
    }

    /// Words that name the work itself: `did the 4 rounds`, `the lunges were a grind`.
    static let workNames: Set<String> = [
        "rounds", "round", "circuit", "workout", "session", "sets", "reps", "whole", "everything", "wod", "squats", "lunges", "deadlifts", "burpees",
        "rows", "pullups", "pushups", "presses", "intervals", "sprints", "planks", "swings", "curls", "dips", "tempo", "run",
    ]

    /// `did the 4 rounds`, `did all 3 sets`, `did the circuit`: the work reported done.
    static func didTheWork(_ words: [String]) -> Bool {
        for (index, word) in words.enumerated() where word == "did" {
            // `did you see the game`, `did not`: a question, or the opposite.
            if index + 1 < words.count, ["you", "u", "not", "he", "she", "they", "it"].contains(words[index + 1]) { continue }
            if words[(index + 1)...].prefix(6).contains(where: workNames.contains) { return true }
        }
        return false
    }

    /// A done said in words (not only a feel): `done`, `finished`, `crushed it`, `did it`.
    static func saysDone(_ words: [String]) -> Bool {
        words.contains { Words.matchesAny($0, ["done", "finished", "completed"]) || ["crushed", "nailed", "smashed", "killed", "did", "finito"].contains($0) }
    }

    func negatedEquipment(_ text: String) -> Bool {
        text.contains(" none of the ") || text.contains(" go above ") || text.contains(" only go up ") || text.contains(" heavier ")
    }

    // MARK: Intents

    func question(_ words: [String], text: String, tokens: [Token], asked: Bool) -> String? {
        let asking = asked || ["what", "whats", "wats", "wat", "meaning", "mean", "means", "explain", "how", "hows", "define", "should", "need", "do", "does", "is"]
            .contains(where: { words.contains($0) })
        guard asking else { return nil }
        let topics: [(String, [String])] = [
            ("rpe", [" rpe "]), ("deload", [" deload ", " deloading ", " deloads "]), ("amrap", [" amrap "]),
            ("1rm", [" 1rm ", " one rep max ", " 1 rep max ", " orm "]), ("superset", [" superset ", " supersets ", " super set "]),
            ("warmup", [" warmup ", " warm up ", " warmups ", " warm ups ", " warming up "]), ("tempo", [" tempo "]),
        ]
        for (topic, phrases) in topics where phrases.contains(where: text.contains) {
            // `rpe 8` reported with a question after it is not a question about RPE.
            if topic == "rpe", tokens.contains(where: { if case .number = $0 { true } else { false } }),
               ![" difference ", " mean ", " means ", " meaning ", " explain ", " what is rpe ", " whats rpe ", " what does rpe "].contains(where: text.contains) { continue }
            return topic
        }
        // `what does 3-0-1-0 mean`: a tempo, written as its counts.
        if tokens.indices.contains(where: { i in
            i + 4 < tokens.count && [tokens[i + 1], tokens[i + 3]] == [.dash, .dash]
                && [tokens[i], tokens[i + 2], tokens[i + 4]].allSatisfy { if case .number(let n) = $0 { n < 10 } else { false } }
        }) {
            return "tempo"
        }
        if [" rest between ", " how long should i rest ", " breather ", " between rounds ", " between sets ", " how long do i rest ", " how much rest ", " how long to rest ", " rest time ", " rest periods ",
            " rest for ", " long should i rest "].contains(where: text.contains) {
            return "rest"
        }
        return nil
    }

    func askWorkout(_ text: String, asked: Bool) -> Bool {
        var text = text
        for (said, meant) in [(" wats ", " whats "), (" wat ", " what "), (" 2day ", " today "), (" 2 day ", " today "), (" tday ", " today ")] where text.contains(said) {
            text = text.replacingOccurrences(of: said, with: meant)
        }
        // `today's workout?`, `workout today?`: only when asked.
        if asked, [" todays workout ", " workout today ", " workout for today "].contains(where: text.contains) || [" workout ", " todays ", " today "].contains(text),
           !text.contains(" skip "), !text.contains(" done ") {
            return true
        }
        let phrases = [
            " whats today ", " what is today ", " whats todays ", " what is todays ", " whats the workout ", " whats my workout ", " what is my workout ",
            " whats on today ", " what am i doing today ", " what do i do today ", " didnt get ", " did not get ", " nothing came ", " didnt come ",
            " did not come ", " text go out ", " text didnt ", " never came ", " hasnt come ", " not received ", " no text ", " no message ",
            " havent seen ", " where is todays ", " didnt arrive ", " never got ", " havent got ", " havent gotten ", " havent received ", " didnt receive ",
            " never received ", " no workout text ", " did not receive ", " not had ", " come through ", " came through ", " didnt come thru ",
            " hasnt arrived ", " not arrived ", " nothing today ", " havent had ", " workout for today ", " send indoor ", " indoor workout ", " resend ", " send again ", " send it again ", " send me todays ", " send todays ", " where is my workout ",
            " wheres my workout ", " wheres todays ", " send me the workout ", " whats for today ", " what we doing today ", " whats the plan today ",
            " not receive ", " not receiving ", " no workout came ", " came thru ", " come thru ", " blank text ", " blank message ", " empty text ", " empty message ",
            " didnt load ", " did not load ", " wont load ", " not loading ", " none of the exercises loaded ", " got cut off ", " was cut off ", " not get the workout ",
            " not get my workout ", " not got the ", " not gotten ", " missing my workout ", " missing todays ", " nothing arrived ", " on the menu ",
            " what was the workout ", " the workout again ", " todays workout again ", " whats the plan today ", " what is the plan today ", " scrolled past ",
            " lost the text ", " deleted the text ", " cant find the workout ", " cant find todays ", " nothing from you ", " what are we doing today ",
            " what r we doing today ", " what r we doin today ", " what is the training for today ", " training for today ", " cant find the message ",
            " never showed ", " didnt show up ", " text never ", " workout never ",
        ]
        guard phrases.contains(where: text.contains) else { return false }
        // `no workout today` is a skip, not a question.
        return !text.contains(" skip ") && !text.contains(" no workout today ")
    }

    func sendTime(_ tokens: [Token], text: String) -> ReplyIntent? {
        let hasTime = tokens.contains { if case .time = $0 { true } else { false } } || text.contains(" quarter ") || text.contains(" half ")
        // `text my wife at 6`: someone else's texts.
        if [" text my ", " message my ", " texts to my ", " text him ", " text her ", " send my "].contains(where: text.contains),
           [" wife ", " husband ", " partner ", " mom ", " mum ", " dad ", " son ", " daughter ", " friend ", " sister ", " brother ", " him ", " her ", " boyfriend ", " girlfriend "]
            .contains(where: text.contains) {
            return nil
        }
        // `7am please`, `noon pls`, `quarter to six pls`: a time alone, said as a request.
        let content = tokens.prefix { $0 != .comma }.filter { token in
            if case .word(let w) = token { return !["pls", "please", "plz", "instead", "thanks", "thx", "ty", "from", "now", "on", "then", "ok", "maybe"].contains(w) }
            if case .comma = token { return false }
            return true
        }
        let timeAlone = !content.isEmpty && content.count <= 4 && {
            if case .time = content[0] { return true }
            return ["noon", "quarter", "half", "midday"].contains(content[0].word ?? "")
        }()
        let aboutTexts = [" text ", " texts ", " txt ", " message ", " messages ", " msg ", " send ", " sending ", " reminder ", " ping ", " sms ",
                          " get the workout at ", " get my workout at ", " get it at ", " get them at ", " receive it at ", " have it at ", " get the workouts at ",
                          " them at ", " my time ", " the time ", " send time ", " come at ", " arrive at ", " it come ", " make it later ", " make it earlier "]
            .contains(where: text.contains)
            || (hasTime && [" switch to ", " change to ", " move to ", " move it to ", " would be ideal ", " would be better ", " works better ", " is better ",
                            " would be perfect ", " would be great ", " is perfect ", " works best ",
                            " instead ", " prefer ", " earlier ", " later "].contains(where: text.contains))
        guard aboutTexts || timeAlone || text.contains(" texting me ") else { return nil }
        let evening = [" evening ", " tonight ", " night ", " after work ", " pm "].contains(where: text.contains)
        let morning = [" morning ", " am "].contains(where: text.contains)
        var times: [(Int, Int)] = []
        // `standup got moved to 9, send the workout at 7:45`: the time after the request's words.
        let request = tokens.firstIndex { ["send", "text", "texts", "message", "messages", "msg", "txt", "sms", "ping"].contains($0.word ?? "") } ?? 0
        for (index, token) in tokens.enumerated() where index >= request || request == 0 {
            var hour: Int, minute = 0, meridiem: String?
            let previous = index > 0 ? tokens[index - 1].word ?? "" : ""
            switch token {
            case .time(let h, let m, let mer):
                hour = h; minute = m; meridiem = mer
            case .number(let h) where (1...23).contains(h)
                && (["at", "around", "by", "for", "like", "to", "bout", "about", "before", "after", "or", "half", "past"].contains(previous)
                    || (previous == "it" && index >= 2 && tokens[index - 2].word == "make")):
                hour = h
                if index + 1 < tokens.count, let next = tokens[index + 1].word, next == "am" || next == "pm" { meridiem = next }
                // `half 6` (half past), `quarter to 7`, `quarter past 7`
                if previous == "half" { minute = 30 }
                if previous == "to", index >= 2, tokens[index - 2].word == "quarter" { hour -= 1; minute = 45 }
                if previous == "past", index >= 2, tokens[index - 2].word == "quarter" { minute = 15 }
                if previous == "past", index >= 2, tokens[index - 2].word == "half" { minute = 30 }
            case .word("noon"), .word("midday"): hour = 12
            // `quarter to six`, `half seven`: the hour in words.
            case .word(let w) where (Words.numbers[w] ?? 0) >= 1 && (Words.numbers[w] ?? 0) <= 12 && !["a", "an", "couple", "few"].contains(w)
                && ["to", "past", "half", "at", "around"].contains(previous):
                hour = Words.numbers[w]!
                if previous == "half" { minute = 30 }
                if previous == "to", index >= 2, tokens[index - 2].word == "quarter" { hour -= 1; minute = 45 }
                if previous == "past", index >= 2, tokens[index - 2].word == "quarter" { minute = 15 }
                if previous == "past", index >= 2, tokens[index - 2].word == "half" { minute = 30 }
            default: continue
            }
            if meridiem == "pm", hour < 12 { hour += 12 }
            if meridiem == "am", hour == 12 { hour = 0 }
            if meridiem == nil, hour < 12, evening, !morning { hour += 12 }
            guard (0...23).contains(hour), (0...59).contains(minute) else { return ReplyIntent(.clarify) }
            // `stop sending at 5am`, `instead of 7`: the time as it is, not the one wanted.
            let before = tokens[max(0, index - 4)..<index].compactMap(\.word)
            if before.contains("stop") || before.contains("instead") || before.contains("not") { continue }
            // `the 5am text wakes me`, `it has been coming at 5`: the time as it is now.
            let following = index + 1 < tokens.count ? tokens[index + 1].word ?? "" : ""
            if ["text", "texts", "message", "msg", "one"].contains(following) || before.contains("coming") || before.contains("comes")
                || before.contains("currently") || before.contains("been") || before.contains("usually") { continue }
            // `3:30` said without am or pm: nobody asks for a text between 1 and 4 at night.
            // `3:30 when i get out of school`: an afternoon hour said without pm.
            if meridiem == nil, (1...4).contains(hour),
               [" after school ", " get out of ", " after work ", " afternoon ", " after lunch ", " out of school ", " out of class "].contains(where: text.contains) {
                hour += 12
            }
            times.append((hour, minute))
        }
        // `can we do 7:15am texts`: the time said before the request's words, when none is after.
        if times.isEmpty, request > 0 {
            for (index, token) in tokens[..<request].enumerated() {
                guard case .time(var hour, let minute, let meridiem) = token else { continue }
                if index > 0, ["the", "my", "your", "this", "that"].contains(tokens[index - 1].word ?? ""),
                   index + 1 < tokens.count, ["text", "texts", "message", "msg", "one"].contains(tokens[index + 1].word ?? "") { continue }
                if meridiem == "pm", hour < 12 { hour += 12 }
                if meridiem == "am", hour == 12 { hour = 0 }
                if meridiem == nil, hour < 12, evening, !morning { hour += 12 }
                if (0...23).contains(hour), (0...59).contains(minute) { times.append((hour, minute)) }
            }
        }
        // `at 6 or 7`: ask which.
        if times.count >= 2, text.contains(" or ") { return ReplyIntent(.clarify) }
        // `send at 6 am, lift is at 7`: the time said with the request.
        if let (hour, minute) = times.first { return ReplyIntent(.sendTime, hour: hour, minute: minute) }
        // `earlier please`, `in the evening from now on`, `too early`: which time is not said.
        if [" too early ", " too late ", " earlier ", " later ", " change my time ", " different time ", " in the evening ", " in the morning ", " at night ",
            " so early ", " so late ", " push it back ", " move it back ", " an hour late ", " an hour early ", " a few hours ", " an hour ", " before ", " after ",
            " whatever time "]
            .contains(where: text.contains), [" text ", " send ", " message ", " texts ", " make it ", " messages ", " sending ", " it come ", " come later ",
                                              " come earlier ", " texting me "].contains(where: text.contains) {
            return ReplyIntent(.clarify)
        }
        return nil
    }

    func trainingDays(_ words: [String], text: String) -> ReplyIntent? {
        var days: [Int] = []
        let letters: [String: Int] = ["m": 1, "tu": 2, "w": 3, "th": 4, "f": 5, "sa": 6, "su": 7]
        let letterDays = words.compactMap { letters[$0] }
        for word in words {
            let day = Words.weekday(word) ?? (letterDays.count >= 2 ? letters[word] : nil) ?? (["tu", "th"].contains(word) ? letters[word] : nil)
            if let day, !days.contains(day) { days.append(day) }
            if word == "mwf" { days += [1, 3, 5] }
            if word == "tth" || word == "tuth" { days += [2, 4] }
        }
        // `monday through thursday`, `mon-thu` (the dash reads as an empty word)
        for (index, word) in words.enumerated() where ["through", "thru", "to", "till", "until", "-"].contains(word) && index > 0 && index + 1 < words.count {
            if let first = Words.weekday(words[index - 1]), let last = Words.weekday(words[index + 1]), first < last {
                days = Array(first...last)
            }
        }
        // `school starts tuesday so switch to mon wed fri`: the days after the change asked for.
        if let verb = words.firstIndex(where: { ["switch", "change", "move", "swap", "moving", "switching", "changing"].contains($0) }),
           let cue = words[verb...].firstIndex(where: { ["to", "onto"].contains($0) }) {
            let after = words[(cue + 1)...].compactMap { Words.weekday($0) ?? letters[$0] }
            if after.count >= 2 { days = Array(Set(after)) }
        }
        if [" weekends only ", " only weekends ", " only on weekends ", " just weekends ", " no workouts on weekdays ", " not on weekdays "].contains(where: text.contains) {
            days = [6, 7]
        } else if [" weekdays only ", " only weekdays ", " only on weekdays ", " just weekdays ", " no workouts on weekends ", " no workouts at weekends ",
                   " not on weekends ", " no weekend workouts ", " no weekends "].contains(where: text.contains) {
            days = [1, 2, 3, 4, 5]
        }
        // `every day except wed`, `weekdays but not fri`: a set of days less the ones named.
        var excepted = false
        for (base, all) in [(["every day", "everyday", "all week", "daily", "all days", "any day", "everything"], Array(1...7)), (["weekdays", "week days"], Array(1...5))] {
            for name in base {
                for cut in ["except", "but not", "but", "apart from", "minus", "other than", "besides", "excluding", "not"] {
                    guard let range = text.range(of: " \(name) \(cut) ") else { continue }
                    let excluded = text[range.upperBound...].split(separator: " ").prefix(6).compactMap { Words.weekday(String($0)) }
                    if !excluded.isEmpty {
                        days = all.filter { !excluded.contains($0) }
                        excepted = true
                    }
                }
            }
        }
        let cue = [
            " only ", " from now on ", " going forward ", " switch my days ", " change my days ", " switch to ", " change to ", " instead of ",
            " train on ", " training days ", " can do ", " work better ", " works better ", " works best ", " work best ", " better for me ", " prefer ",
            " available ", " each week ", " every week ", " my days ", " days to ", " new schedule ", " schedule is ", " moving forward ", " from next week ",
            " go back to ", " back to ", " every day except ", " everyday except ", " every day but ", " days ", " can we do ", " can you do ", " i lift ",
            " i train ", " i run ", " line up ", " lift on ", " schedule ", " swap to ", " swap my days ", " move me to ", " switch me to ", " change me to ",
            " put me on ", " except ", " make my days ", " can we just do ", " lets do ", " put me back on ", " back on ", " my days are ", " could we do ",
            " could you do ", " can we make it ", " make it just ", " go back to ",
        ].contains(where: text.contains)
        // `physio on thursdays, so can we make my days mon, tue and sat`: the days after the ask.
        for phrase in [" make my days ", " can we do ", " can we just do ", " put me back on ", " my days are ", " lets do ", " can you do "] {
            guard let range = text.range(of: phrase, options: .backwards) else { continue }
            let rest = text[range.upperBound...]
            let after = rest.split(separator: " ").compactMap { Words.weekday(String($0)) ?? letters[String($0)] }
            // A range after the ask (`lets do monday to friday`) was read above.
            if after.count >= 2, ![" to ", " through ", " thru ", " till ", " until "].contains(where: rest.contains) { days = Array(Set(after)) }
            break
        }
        // A sentence of days alone (`M W F pls`, `4 days: mon tue thu fri`).
        let filler: Set<String> = ["pls", "please", "and", "only", "just", "now", "days", "day", "from", "on", "ok", "so", "thx", "then", "instead", "i", "can", "do", "n"]
        let onlyDays = words.filter { !$0.isEmpty }.allSatisfy { filler.contains($0) || Words.weekday($0) != nil || letters[$0] != nil }
        if days.isEmpty, [" days a week ", " days per week ", " times a week ", " days a wk ", " twice a week ", " once a week ", " x a week ", " times per week ",
                          " twice weekly ", " days weekly ", " fewer days ", " less days ", " more days ", " fewer sessions ", " fewer workouts ", " less often ",
                          " more often ", " sessions a week ", " sessions per week ", " workouts a week "].contains(where: text.contains) {
            // `3 days a week instead`: how many, not which.
            return ReplyIntent(.clarify)
        }
        // `weekends plus wednesday`
        if words.contains("weekends") || words.contains("weekend"), !days.isEmpty, [" plus ", " and ", " + "].contains(where: text.contains) {
            days += [6, 7].filter { !days.contains($0) }
        }
        guard cue || onlyDays || excepted, days.count >= 2 || (days.count == 1 && text.contains(" only ")) else { return nil }
        // `skip friday only` is a skip; `off friday` too.
        if text.contains(" skip ") || text.contains(" off ") { return nil }
        // `my partner wants to join, she can only do tuesdays`: someone else's days.
        if [" she can ", " he can ", " they can ", " my partner ", " my wife ", " my husband ", " my son ", " my daughter ", " my friend ", " she ", " he "]
            .contains(where: text.contains) {
            return nil
        }
        // `tue and thu, maybe sat too idk`: not decided.
        if [" maybe ", " idk ", " not sure ", " might ", " possibly ", " or "].contains(where: text.contains) { return ReplyIntent(.clarify) }
        return ReplyIntent(.trainingDays, days: days.sorted())
    }

    func injuries(_ tokens: [Token], text: String) -> [ReplyIntent] {
        // Words, numbers as digits (`100%`), commas as `,`.
        let words = tokens.map { token -> String in
            switch token {
            case .word(let w): w
            case .number(let n): String(n)
            case .comma: ","
            default: ""
            }
        }
        var found: [ReplyIntent] = []
        for (index, word) in words.enumerated() {
            let name = word == "backs" ? "back" : word
            // A typed area may have a letter added, dropped or swapped (`kneee`), never changed
            // (`felt` is not `feet`).
            guard let area = Words.areas[name]
                ?? (name.count >= 4 ? Words.areas.first(where: { $0.key.count >= 4 && Words.matches(name, $0.key) && Words.edit(name, $0.key) != .substitution })?.value : nil)
            else { continue }
            let before = index > 0 ? words[index - 1] : ""
            let after = index + 1 < words.count ? words[index + 1] : ""
            if area == "back" {
                // `my back`, `lower back`, `back is sore`; not `I'm back`, `back to normal`, `go back to`.
                let isBody = ["my", "lower", "upper", "the", "low", "mid"].contains(before) || Words.hurtWords.contains(after)
                    || ["is", "feels", "feeling", "felt", "has", "been", "still", "getting", "seems", "pain"].contains(after)
                    || (word == "backs" && Words.healedWords.contains(after))
                if !isBody || (["to", "on", "in", "at", "from", "home", "again"].contains(after) && !["my", "lower", "upper"].contains(before)) { continue }
                if ["go", "get", "come", "im", "be", "was", "got"].contains(before) { continue }
            }
            if found.contains(where: { $0.area == area }) { continue }
            // The words about this area: up to a comma or an `and` that starts another.
            var low = index, high = index
            while low > 0, index - low < 6, ![",", "and"].contains(words[low - 1]) { low -= 1 }
            while high + 1 < words.count, high - index < 6, ![",", "and"].contains(words[high + 1]) { high += 1 }
            // `shoulder clicks and hurts`: an `and` that goes on about this area, not another.
            if high + 2 < words.count, words[high + 1] == "and", Words.hurtWords.contains(words[high + 2]) || Words.healedWords.contains(words[high + 2]) {
                high += 2
            }
            let window = Array(words[low...high])
            let still = window.contains("still") || window.contains("worse")
            let healedCue = window.contains(where: { Words.healedWords.contains($0) })
                || [" no longer ", " doesnt hurt ", " dont hurt ", " back to normal ", " all healed ", " no pain ", " pain free ", " painfree ", " good to go ",
                    " didnt bother ", " didnt hurt ", " wasnt bothering ", " felt fine ", " held up ", " no more pain ", " no more stiffness ",
                    " stopped hurting ", " quit hurting ", " not hurting ", " isnt hurting ", " no longer hurts ", " stopped aching ",
                    " no knee pain ", " no back pain ", " no shoulder pain "].contains(where: text.contains)
            let hurtCue = window.contains(where: { Words.hurtWords.contains($0) })
                || [" acting up ", " actin up ", " killing me ", " killin me ", " bugging me ", " bugging ", " giving me trouble ", " bothering me ", " playing up ",
                    " angry ", " grumpy ", " not happy ", " flared up ", " complaining ", " threw my ", " threw out my ", " put my ", " hurtin ", " achin ",
                    " is done for ", " is shot ", " is toast ", " gave out ", " giving out ", " done for ", " doesnt love ", " doesnt like ", " bother my ",
                    " bothers my ", " cant take it ", " hurt my ", " hurts my "]
                    .contains(where: text.contains)
            let notHealed = window.indices.contains { window[$0] == "not" && $0 + 1 < window.count && Words.healedWords.contains(window[$0 + 1]) }
            // `my buddy rolled her ankle`: someone else's.
            let others: Set<String> = ["buddy", "friend", "wife", "husband", "partner", "son", "daughter", "mom", "mum", "dad", "kid", "kids", "brother",
                                       "sister", "boss", "dog", "mate", "coworker", "colleague", "he", "she", "they", "hes", "shes", "girlfriend", "boyfriend"]
            if ["her", "his", "their", "your", "hes", "shes"].contains(before) || words[low..<index].contains(where: others.contains) { continue }
            if healedCue, !still, !notHealed {
                found.append(ReplyIntent(.injury, area: area, active: false))
            } else if hurtCue {
                found.append(ReplyIntent(.injury, area: area, active: true))
            }
        }
        return found
    }

    func isSkip(_ words: [String], text: String, tokens: [Token] = []) -> Bool {
        // `can't do 4/9`: a numeric date after can't-do.
        if words.contains("cant"), words.contains("do") || words.contains("make") || words.contains("on") || words.contains("run") || words.contains("train"),
           tokens.contains(where: { if case .slashed = $0 { true } else { false } }) { return true }
        for (index, word) in words.enumerated() where Words.matchesAny(word, Words.skipWords) {
            // `skipping rope`, `jump rope`: an exercise. `I didn't skip`: the opposite.
            if index + 1 < words.count, ["rope", "ropes"].contains(words[index + 1]) { continue }
            if index > 0, ["didnt", "not", "never", "wont", "dont"].contains(words[index - 1]) { continue }
            // `I don't want to skip`: the opposite.
            if words[max(0, index - 3)..<index].contains(where: { ["dont", "not", "never", "wont"].contains($0) }), words[max(0, index - 3)..<index].contains("want") { continue }
            // `skip the cooldown`, `skip the farmer carries`: a part of the workout, not the day.
            let object = words[(index + 1)...].drop { ["the", "my", "todays", "that", "those", "these", "this"].contains($0) }.first
            if let object, Self.workoutParts.contains(object) { continue }
            if index + 1 < words.count, ["the", "those", "these", "that"].contains(words[index + 1]), let object,
               !(object.isEmpty || Self.dayObjects.contains(object) || Words.weekday(object) != nil || Words.isToday(object) || Words.isTomorrow(object) || Words.month(object) != nil) {
                continue
            }
            return true
        }
        let phrases = [
            " cant make it ", " wont make it ", " not gonna make it ", " not going to make it ", " cant train ", " cant work out ", " cant workout ",
            " cant do it ", " cant do today ", " cant do tomorrow ", " not training ", " not working out ", " no workout ", " no training ", " rest day ",
            " day off ", " sit out ", " sitting out ", " pass on ", " bail on ", " bailing ", " miss ", " missing ", " wont be able to ", " not able to train ",
            " unable to train ", " cant get to the gym ", " cant make the gym ", " no gym today ", " taking today off ", " taking tomorrow off ",
            " take today off ", " take tomorrow off ", " off today ", " off tomorrow ", " not today ", " cant today ", " cant tomorrow ", " gotta skip ",
            " need to skip ", " have to skip ", " cancel today ", " cancel tomorrow ", " no workout for me ", " out today ", " wont be training ",
            " cant do my workout ", " not be exercising ", " not be training ", " wont be exercising ", " no exercise ", " not exercising ",
            " not be working out ", " not be able to ", " none for me ", " none today ", " none tomorrow ", " none of it today ", " none of it tomorrow ", " no puedo ", " shant manage ",
            " cant manage ", " wont manage ", " count me out ", " no lifting ", " no training for me ",
        ]
        if phrases.contains(where: text.contains) { return true }
        // `cant do tmrw`, `can't do 4/9`, `won't make friday`: a day that will not happen.
        for (index, word) in words.enumerated() where ["cant", "wont", "unable", "couldnt", "shant"].contains(word) {
            let next = words[(index + 1)..<min(words.count, index + 4)]
            if next.contains(where: { ["do", "make", "train", "workout", "manage", "go", "on", "run", "lift", "exercise", "come"].contains($0) })
                || (index + 1 < words.count && words[index + 1] == "on") {
                // The day may come before (`tomorrow I cannot do training`) or after.
                if words.contains(where: { Words.weekday($0) != nil || Words.isToday($0) || Words.isTomorrow($0) }) || text.contains(" / ")
                    || tokens.contains(where: { if case .dotted = $0 { true } else if case .slashed = $0 { true } else { false } }) {
                    return true
                }
            }
        }
        if [" didnt do it today ", " didnt train today ", " didnt work out today ", " missed today ", " didnt get to it today "].contains(where: text.contains) {
            return true
        }
        // `take friday off`
        for (index, word) in words.enumerated() where word == "take" || word == "taking" {
            if index + 2 < words.count, Words.weekday(words[index + 1]) != nil, words[index + 2] == "off" { return true }
        }
        return false
    }

    func reason(_ tokens: [Token], injury: ReplyIntent?) -> String? {
        let words = tokens.compactMap(\.word)
        let filler: Set<String> = ["pls", "please", "sorry", "thanks", "thx", "lol", "sry", "ok", "ty"]
        for (index, word) in words.enumerated() where ["because", "bc", "cause", "cuz", "coz", "cos", "since", "due"].contains(word) {
            var rest = Array(words[(index + 1)...])
            if word == "due", rest.first == "to" { rest.removeFirst() }
            let keepAll = rest.count <= 1
            rest.removeAll { (["of", "im", "i", "am", "have", "got", "a", "the", "my", "its", "it", "is", "to"].contains($0) && !keepAll) || filler.contains($0) }
            let cut = rest.prefix(5).joined(separator: " ")
            if !cut.isEmpty { return cut }
        }
        // `meet is next saturday so skip me`: what comes before `so`.
        if let so = words.firstIndex(of: "so"), so > 0, words[(so + 1)...].contains(where: { Words.matchesAny($0, Words.skipWords) }) {
            let before = words[..<so].filter { !filler.contains($0) && Words.weekday($0) == nil && !Words.isToday($0) && !Words.isTomorrow($0) && !["next", "is", "the", "this"].contains($0) }
            if !before.isEmpty, before.count <= 6 { return before.joined(separator: " ") }
        }
        // `baby was up all night, skipping today`: the clause before the comma, when the skip comes after.
        if let comma = tokens.firstIndex(of: .comma), !tokens[..<comma].contains(where: { $0.word.map { Words.matchesAny($0, Words.skipWords) } ?? false }),
           tokens[(comma + 1)...].contains(where: { $0.word.map { Words.matchesAny($0, Words.skipWords) } ?? false }) {
            let before = tokens[..<comma].compactMap(\.word).filter { !filler.contains($0) && Words.weekday($0) == nil && !Words.isToday($0) && !Words.isTomorrow($0) }
            if !before.isEmpty, before.count <= 7 { return before.joined(separator: " ") }
        }
        // `skip tmrw, flying out early`: what follows the comma, when it is not a day.
        if let comma = tokens.firstIndex(of: .comma) {
            let after = tokens[(comma + 1)...].compactMap(\.word).filter {
                !filler.contains($0) && Words.weekday($0) == nil && !Words.isToday($0) && !Words.isTomorrow($0) && !Words.matchesAny($0, Words.skipWords)
                    && !["and", "the", "too", "also", "next", "week", "this"].contains($0)
            }
            if !after.isEmpty, after.count <= 6 { return after.joined(separator: " ") }
        }
        let reasons: Set<String> = [
            "sick", "ill", "flu", "cold", "covid", "fever", "work", "meeting", "meetings", "deadline", "shift", "busy", "family", "kids", "kid",
            "wedding", "funeral", "doctor", "appointment", "dentist", "flight", "traveling", "travelling", "trip", "exam", "exams", "tired", "exhausted",
            "sore", "injured", "recital", "party", "birthday", "game", "moving", "plans", "hungover", "migraine", "headache", "surgery",
            "picnic", "church", "bbq", "reunion", "concert", "graduation", "school", "vet", "hospital", "physio", "therapy", "interview", "class",
            "practice", "tournament", "match", "race", "function", "ceremony", "alarm", "overslept", "settle", "heal", "recover", "appt",
            "play", "bday", "drinking", "lunch", "dinner", "retreat", "something",
        ]
        if let index = words.firstIndex(where: { reasons.contains($0) }) {
            let phrase = words[max(0, index - 1)...min(words.count - 1, index + 1)].filter {
                !["a", "the", "for", "to", "and", "so", "i", "im", "got", "have", "will", "be"].contains($0) && !filler.contains($0) && Words.weekday($0) == nil
                    && !Words.isToday($0) && !Words.isTomorrow($0) && !Words.matchesAny($0, Words.skipWords)
            }
            return phrase.isEmpty ? words[index] : phrase.joined(separator: " ")
        }
        return nil
    }

    func done(_ tokens: [Token], words: [String], text: String, negated: Bool, skipping: Bool) -> ReplyIntent? {
        let doneIndex = words.firstIndex {
            Words.matchesAny($0, ["done", "finished", "completed"]) || ["crushed", "nailed", "smashed", "killed", "finito", "complete", "dun", "finish", "survived"].contains($0)
        }
        var said = doneIndex != nil
        if let index = doneIndex {
            let word = words[index]
            // `crushed it`, `nailed it`, `killed it`: only with what was crushed.
            if ["crushed", "nailed", "smashed", "killed"].contains(word), !(index + 1 < words.count && ["it", "that", "this", "today", "the", "my"].contains(words[index + 1])) {
                said = false
            }
            if word == "complete", index > 0, !["workout", "session", "all"].contains(words[index - 1]) { said = false }
            // `not done yet`, `almost done`, `will be done`.
            let before = words[max(0, index - 3)..<index]
            if before.contains(where: {
                ["not", "didnt", "havent", "hasnt", "almost", "nearly", "never", "wasnt", "when", "once", "after", "will", "gonna", "until", "till", "if", "cant",
                 "couldnt", "wont", "before"].contains($0)
            }) { said = false }
            // `I'll be done by 7`, `should be done soon`: not yet.
            if index > 0, words[index - 1] == "be" { said = false }
            // `need to finish`, `going to finish it later`: not yet.
            if ["finish", "complete"].contains(word), index > 0, ["to", "must", "should", "gotta", "cant", "pls", "please", "lets"].contains(words[index - 1]) { said = false }
            // `my knee is done for`: ruined, not finished (`done for today` is done).
            if word == "done", index + 1 < words.count, words[index + 1] == "for",
               !(index + 2 < words.count && ["today", "the", "now", "tonight", "this", "todays"].contains(words[index + 2])) { said = false }
            if index + 1 < words.count, ["yet", "soon", "later", "tonight", "tomorrow"].contains(words[index + 1]) { said = false }
            if index + 1 < words.count, words[index + 1] == "with" {
                // `done with it` / `done with the workout`; not `done with work`, `done with this rain`.
                var object = Array(words[(index + 2)...].prefix(3))
                if let first = object.first, ["the", "my", "todays", "this", "that"].contains(first) { object.removeFirst() }
                if !(object.first.map { ["it", "workout", "session", "training", "lift", "run", "today", "todays", "that"].contains($0) } ?? true) { said = false }
            }
            if index > 0, ["so", "totally", "soo", "sooo"].contains(words[index - 1]) { said = false }
            // `my mate texted me 'done'`: someone else's word, quoted.
            if before.contains(where: { ["texted", "said", "says", "told", "wrote", "typed"].contains($0) }) || words[..<index].contains("mate") && words[..<index].contains("texted") { said = false }
        }
        if !said, !skipping,
           [" did it ", " got it done ", " just did ", " did the workout ", " did all ", " did every ", " got it in ", " all done ", " did my workout ",
            " got thru it ", " got through it ", " made it through ", " made it thru ", " got it finished ", " got thru all ", " got through all ", " training is made ", " workout is made ", " wrapped up ", " just wrapped ",
            " hit legs ", " hit chest ", " hit back ", " hit arms ", " hit shoulders ", " whole session "].contains(where: text.contains)
            || Self.didTheWork(words) {
            said = ![" didnt do it ", " didnt get it done ", " not done ", " havent done ", " didnt do the ", " didnt do my ", " did it yet "].contains(where: text.contains)
        }
        // `that was brutal`, `too easy`, `killer workout`, or 💪 alone.
        let feel = self.feel(text)
        if !said, !skipping, let feel {
            let wordCount = words.filter { !$0.isEmpty }.count
            let workoutNamed = [" workout ", " session ", " training ", " lift ", " lifts ", " circuit ", " sets ", " reps ", " exercises ", " that one ",
                                " this one ", " todays ", " legs "].contains(where: text.contains) || (words.contains("rpe") && rpe(tokens) != nil)
                || words.contains(where: Self.workNames.contains)
            // `this heat is no joke, 117 today 🥵`: an emoji's feel, about the weather.
            let emojiFeelOnly = self.feel(text.replacingOccurrences(of: " emojihard ", with: " ").replacingOccurrences(of: " emojigood ", with: " ")) == nil
            if emojiFeelOnly, wordCount > 3, !workoutNamed { return nil }
            // `she's tough`: how someone else is.
            if words.contains(where: { ["she", "shes", "he", "hes", "they", "theyre"].contains($0) }), !workoutNamed { return nil }
            let aboutTheWorkout = ([" that ", " it ", " was ", " too easy ", " workout ", " session ", " one ", " today ", " felt ", " loved it ", " me ", " legs ", " this "]
                .contains(where: text.contains) && (wordCount <= 8 || workoutNamed)) || tokens.allSatisfy({ if case .emoji = $0 { true } else { false } }) || wordCount <= 2
            if aboutTheWorkout, !negated || feel == "easy" { said = true }
        }
        if !said, !skipping, tokens.contains(.emoji("good")) || tokens.contains(.emoji("done")) || tokens.contains(.emoji("cheer")),
           tokens.allSatisfy({ if case .emoji = $0 { true } else { false } }) || tokens.contains(.emoji("done")) {
            said = true
        }
        // A feel word about something else: `hard to say`, `good morning`, `sounds good`; a feel
        // asked about (`is that good`) is not one reported.
        if said, doneIndex == nil,
           [" good morning ", " hard to ", " easy to ", " good to know ", " great thanks ", " good thanks ", " sounds good ", " good luck ", " no worries ",
            " is that good ", " is that bad ", " is that ok ", " is it good ", " is that normal ", " is that too ", " is this good ", " was that good ", " is that enough "]
            .contains(where: text.contains) {
            said = false
        }
        // `Dine! rpe 7`: a word one letter off done, with an RPE reported, is a done.
        if !said, !skipping, words.contains("rpe"), rpe(tokens) != nil, words.contains(where: { $0.count == 4 && Words.edit($0, "done") == .substitution }) {
            said = true
        }
        guard said else { return nil }
        var rated = ReplyIntent(.done, rpe: rpe(tokens), feel: feel)
        // Sarcasm, or an RPE that says otherwise: `SO easy. said no one ever`, `relaxing stroll 🙃 rpe 10`.
        if rated.feel == "easy", (rated.rpe ?? 0) >= 9 || Self.sarcastic(text, tokens) { rated.feel = "hard" }
        return rated
    }

    func rpe(_ tokens: [Token]) -> Int? {
        for (index, token) in tokens.enumerated() {
            // `felt like a 6`, `a solid 9`, `our PE 8` (RPE heard by voice typing)
            if case .number(let n) = token, (1...10).contains(n), index >= 2,
               [("like", "a"), ("a", "solid"), ("felt", "a"), ("about", "a"), ("maybe", "a"), ("our", "pe")].contains(where: { tokens[index - 2] == .word($0.0) && tokens[index - 1] == .word($0.1) }) {
                return n
            }
            if case .number(let n) = token, (1...10).contains(n), index >= 1, tokens[index - 1] == .word("pe") { return n }
            // `rpe eight`, `RP seven` (voice typing)
            if case .word(let w) = token, let n = Words.numbers[w], (1...10).contains(n), !["a", "an", "couple", "few"].contains(w), index >= 1,
               [.word("rpe"), .word("rp"), .word("pe")].contains(tokens[index - 1]) {
                return n
            }
            if case .word("rpe") = token {
                for next in tokens[(index + 1)..<min(tokens.count, index + 4)] {
                    if case .number(let n) = next, (1...10).contains(n) { return n }
                    if case .slashed(let n, 10, nil) = next, (1...10).contains(n) { return n }
                }
            }
            if case .slashed(let n, 10, nil) = token, (1...10).contains(n) { return n }
            if case .number(let n) = token, (1...10).contains(n), index + 3 < tokens.count, tokens[index + 1] == .word("out"), tokens[index + 2] == .word("of"),
               tokens[index + 3] == .number(10) {
                return n
            }
            // `7 outta 10`, `8 of 10`
            if case .number(let n) = token, (1...10).contains(n), index + 2 < tokens.count, [.word("outta"), .word("of"), .word("outa")].contains(tokens[index + 1]),
               tokens[index + 2] == .number(10) {
                return n
            }
        }
        return nil
    }

    /// How it felt: `easy`, `hard` or `good`, from the earliest phrase that says so.
    func feel(_ text: String) -> String? {
        // `for good`, `good morning`: not how a workout felt.
        // `a solid 9`: an RPE, not a feel.
        var text = text
        for phrase in [" for good ", " good morning "] where text.contains(phrase) { text = text.replacingOccurrences(of: phrase, with: " ") }
        if text.contains(" solid ") { text = text.replacing(/\ssolid\s(\d+)\s/, with: { " rpe \($0.output.1) " }) }
        let easy = [" too easy ", " easy ", " light ", " breeze ", " piece of cake ", " no sweat ", " too light ", " easier ", " cake ", " gentle ", " mild ",
                    " walk in the park ", " not challenging ", " not hard ", " not very hard ", " tranquil ", " relaxing ", " relaxed ", " chill ", " easiest ",
                    " not so heavy ", " not heavy ", " can do more ", " could do more ", " plenty left ", " plenty in the tank ", " had more in me ",
                    " couldve done way more ", " couldve done more ", " could have done more ", " way more in me "]
        let hard = [" brutal ", " tough ", " hard ", " killer ", " wrecked ", " destroyed ", " dead ", " dying ", " rough ", " intense ", " kicked my ", " exhausted ",
                    " emojihard ", " savage ", " grueling ", " gruelling ", " beast ", " toast ", " smoked ", " cooked ", " struggled ", " challenging ", " hardest ",
                    " legs are gone ", " knackered ", " shattered ", " wiped ", " gassed ", " spent ", " drained ", " very hard ", " so hard ", " beasting ",
                    " heavy for me ", " bit heavy ", " too heavy ", " so heavy ", " very heavy ", " wanna cry ", " want to cry ", " killed me ", " destroyed me ",
                    " beat me up ", " murdered ", " difficult ", " struggle ", " jelly ", " noodles ", " that one hurt ", " it hurt ", " shaking ", " wobbly ",
                    " grind ", " harder ", " not easy ", " no easy ", " wasnt easy ", " none of that was easy ", " nothing left "]
        let good = [" great ", " good ", " strong ", " awesome ", " amazing ", " nice ", " solid ", " fun ", " loved it ", " love it ", " emojigood ", " fantastic ",
                    " perfect ", " excellent ", " fire ", " went well ", " crushed it ", " nailed it ", " killed it ", " smashed it "]
        var best: (index: Int, feel: String)?
        for (feel, phrases) in [("easy", easy), ("hard", hard), ("good", good)] {
            for phrase in phrases {
                if let offset = text.offset(of: phrase), best.map({ offset < $0.index }) ?? true { best = (offset, feel) }
            }
        }
        return best?.feel
    }

    func equipment(_ text: String) -> String? {
        if text.contains(" hotel gym ") || text.contains(" hotel fitness ") || text.contains(" gym at the hotel ") || text.contains(" hotel has a gym ")
            || text.contains(" fitness center ") || text.contains(" fitness centre ") || text.contains(" hotel has gym ")
            || (text.contains(" hotel ") && text.contains(" gym ") && !text.contains(" no gym ")) {
            return "hotel-gym"
        }
        if [" no equipment ", " bodyweight ", " body weight ", " no gym ", " no weights ", " nothing but ", " just my body ", " no gear ", " zero equipment ",
            " without equipment ", " no access to a gym ", " hotel room ", " no dumbbells "].contains(where: text.contains) {
            return "bodyweight"
        }
        if [" dumbbells ", " dumbbell ", " dumbells ", " dumbell ", " dumbbels ", " dbs ", " db ", " kettlebell ", " kettlebells "].contains(where: text.contains) {
            return "dumbbells"
        }
        if [" bands ", " band ", " resistance bands ", " resistance band "].contains(where: text.contains) { return "bands" }
        return nil
    }

    /// Cities of one name in more than one zone.
    static let ambiguousCities: Set<String> = ["portland", "birmingham", "cambridge", "springfield", "richmond", "columbia", "perth", "kingston", "georgia"]

    /// A place or zone named in `text`: its zone, the name said, whether it was said as a zone
    /// (`pacific time`), whether the name is of more than one place.
    func zone(_ text: String) -> (zone: String, name: String, explicit: Bool, ambiguous: Bool)? {
        for name in Self.ambiguousCities where text.contains(" in \(name) ") || text.contains(" to \(name) ") || text.contains(" at \(name) ") {
            return ("", name, false, true)
        }
        for (name, zone) in Words.zonesByLength {
            guard text.contains(" \(name) ") else { continue }
            let explicit = ["eastern", "central", "mountain", "pacific", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "gmt", "bst", "ist", "aest", "jst", "cet", "sgt"].contains(name)
            if explicit {
                guard text.contains(" \(name) time") || text.contains(" time zone") || text.contains(" timezone") || (name.count <= 4 && [" on ", " to ", " back to ", " switch to ", " me 2 ", " 2 "].contains { text.contains("\($0)\(name) ") })
                else { continue }
                return (zone, name, true, false)
            }
            // A city only where someone is: `in`, `to`, `at`, `visiting`.
            // Not `from`: `my brother flew in from texas` is where someone came from.
            let places = ["in", "to", "at", "visiting", "heading", "flying", "arrived", "dey", "reached"]
            // `my husband is in tokyo`: someone else's stay.
            let others = ["my husband", "my wife", "my partner", "my son", "my daughter", "my boss", "my mom", "my mum", "my dad", "my brother", "my sister",
                          "my friend", "he is", "she is", "hes", "shes", "they are", "theyre", "he will", "she will", "he", "she"]
            if others.contains(where: { other in
                places.contains { text.contains(" \(other) is \($0) \(name) ") || (["he", "she", "hes", "shes", "he is", "she is", "they are", "theyre"].contains(other) && text.contains(" \(other) \($0) \(name) ")) }
            }) { continue }
            let nearPlace = places.contains { place in text.contains(" \(place) \(name) ") || text.contains(" \(place) our \(name) ") || text.contains(" \(place) the \(name) ") }
                || [" from our \(name) ", " out of our \(name) ", " working from \(name) ", " from the \(name) office "].contains(where: text.contains)
            let asZone = text.contains(" \(name) time ")
                && [" change to ", " switch to ", " send on ", " send as per ", " on ", " use "].contains { text.contains("\($0)\(name) time ") }
            guard nearPlace || asZone || (text.hasPrefix(" \(name) ") && name.count >= 4) else { continue }
            if asZone, !nearPlace { return (zone, name, true, false) }
            // `7am tokyo time`: a time said in a place's clock, not a stay.
            if text.contains(" \(name) time "), !nearPlace, !asZone { continue }
            // `la` and `sf` are words too: only with `in` / `to`.
            if ["la", "sf", "dc", "rio", "uk"].contains(name), !(text.contains(" in \(name) ") || text.contains(" to \(name) ")) { continue }
            return (zone, name, false, false)
        }
        return nil
    }
}

import Events

/// The daily SMS: a workout (or a rest day) as text that fits a budget of segments.
///
/// Over budget, the text is shortened deliberately, least useful first (the sign-off, rest
/// times, the warm-up detail, the cooldown); if it still does not fit it is split at line
/// boundaries into several messages. It never fails and never cuts a word.
public enum DailyMessage {
    /// Recorded when a model's text for the SMS falls back to this formatter's.
    public static let version = "formatter 1"

    /// How a workout reads, line by line, with the shortening steps that may drop parts.
    public static func lines(for workout: WorkoutGenerated, firstName: String, detail: Detail = .full) -> [String] {
        let weekday = Weekday(isoNumber: workout.date.isoWeekday).shortName
        var lines = ["\(firstName), \(weekday) \(monthDay(workout.date)): \(workout.theme)\(workout.load.map { " (\($0.rawValue))" } ?? "")"]
        var numbered = 0
        for block in workout.blocks {
            switch block.kind {
            case .warmUp?:
                lines.append(detail.rawValue >= Detail.noWarmUpDetail.rawValue
                    ? "Warm up 5 min"
                    : "Warm-up: " + block.items.map { item($0, rest: false) }.joined(separator: ", "))
            case .cooldown?:
                if detail.rawValue < Detail.noCooldown.rawValue {
                    lines.append("Cool down: " + block.items.map { item($0, rest: false) }.joined(separator: ", "))
                }
            case .accessories?:
                lines.append("Then: " + block.items.map { item($0, rest: false) }.joined(separator: "; "))
            default:
                for entry in block.items {
                    numbered += 1
                    lines.append("\(numbered). " + item(entry, rest: detail.rawValue < Detail.noRest.rawValue))
                }
            }
        }
        for modification in workout.modifications {
            if let replace = modification.replace {
                lines.append("Swap: \(replace.exercise) -> \(replace.with) (\(modification.condition))")
            }
        }
        if detail == .full { lines.append("Reply DONE when finished.") }
        return lines
    }

    /// How much a message keeps, from everything to the bare sets and reps.
    public enum Detail: Int, CaseIterable, Sendable {
        case full, noSignOff, noRest, noWarmUpDetail, noCooldown
    }

    /// The rest-day message.
    public static func restDay(firstName: String, date: LocalDate, notes: String?) -> String {
        "\(firstName), \(Weekday(isoNumber: date.isoWeekday).shortName) \(monthDay(date)): rest day. \(notes ?? "An easy walk and 10 minutes of mobility.")"
    }

    /// The messages to send for `lines`: the fullest detail that fits `segments`, else the
    /// barest split at line boundaries into messages that each fit.
    public static func fit(_ workout: WorkoutGenerated, firstName: String, segments: Int) -> [String] {
        for detail in Detail.allCases {
            let text = lines(for: workout, firstName: firstName, detail: detail).joined(separator: "\n")
            if SMSText.measure(text).segments <= segments { return [text] }
        }
        let bare = lines(for: workout, firstName: firstName, detail: .noCooldown).joined(separator: "\n")
        return SMSText.split(bare, segmentsPerMessage: segments)
    }

    static func item(_ item: WorkoutGenerated.Item, rest: Bool) -> String {
        var text = item.exercise
        if let sets = item.sets, let reps = item.reps {
            text += " \(sets)x\(reps)"
        } else if let sets = item.sets, let seconds = item.durationSec {
            text += sets > 1 ? " \(sets)x\(seconds)s" : " \(seconds)s"
        } else if let seconds = item.durationSec {
            text += " \(seconds)s"
        }
        if let km = item.distanceKm { text += " \(format(km)) km" }
        if let minutes = item.durationMin { text += " \(format(minutes)) min" }
        if let rpe = item.RPE, item.type != .prep, item.type != .cooldown { text += " @RPE\(format(rpe))" }
        if rest, let seconds = item.restSec, seconds > 0 { text += seconds >= 120 && seconds % 60 == 0 ? ", rest \(seconds / 60) min" : ", rest \(seconds)s" }
        return text
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func monthDay(_ date: LocalDate) -> String { "\(months[date.month - 1]) \(date.day)" }
}

/// Dates as messages write them.
public enum DailyMessageDates {
    /// `Mar 9`.
    public static func monthDay(_ date: LocalDate) -> String { DailyMessage.monthDay(date) }
}

extension DailyMessage {
    /// The first name as messages address the client. One accented letter would make a whole
    /// message UCS-2 (70 characters a segment instead of 160): a name that folds to GSM-7 is
    /// written without its accents.
    public static func firstName(of name: String) -> String {
        let first = String(name.split(separator: " ").first ?? Substring(name))
        guard SMSText.encoding(of: first) == .ucs2 else { return first }
        let folded = first.folding(options: .diacriticInsensitive, locale: nil)
        return SMSText.encoding(of: folded) == .gsm7 ? folded : first
    }
}

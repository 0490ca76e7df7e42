import Events
import Foundation

/// The short texts that answer a reply: confirmations of what changed, the answers to the
/// questions the reader knows, and the ask to rephrase. Kept with the other message templates.
public enum ReplyTexts {
    /// Answers to the questions from the small set (`ReplyIntent.topic`).
    public static let answers: [String: String] = [
        "rpe": "RPE is how hard a set felt, 1-10: 10 = nothing left, 8 = two reps left in the tank, 6 = four left.",
        "deload": "A deload is a lighter week (about half the sets) so your body absorbs the training. Stronger after.",
        "amrap": "AMRAP = as many reps (or rounds) as possible in the time or set, with good form.",
        "1rm": "1RM = the most you can lift once with good form. Percentages (like 75%) are of that.",
        "rest": "Rest 2-3 min between heavy sets, 60-90 s for moderate ones, 30-60 s for light or circuit work.",
        "superset": "A superset is two exercises back to back with no rest between, then rest after both.",
        "warmup": "Warm up 5-10 min: easy cardio, then lighter sets of your first lift. It is in each workout's first block.",
        "tempo": "Tempo like 3-1-1 = 3 s down, 1 s pause, 1 s up. Slower = harder.",
    ]

    public static func day(_ date: LocalDate) -> String {
        let weekday = Weekday(isoNumber: date.isoWeekday).shortName
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekday) \(months[date.month - 1]) \(date.day)"
    }

    public static func done(_ date: LocalDate, rpe: Int?, feel: String?) -> String {
        var text = "Logged: \(day(date)) workout done"
        if let rpe { text += " (RPE \(rpe))" } else if let feel { text += " (\(feel))" }
        return text + ". Nice work."
    }

    public static func skipped(_ date: LocalDate) -> String { "OK: \(day(date)) is skipped, no workout that day." }

    public static func paused(from: LocalDate, until: LocalDate) -> String {
        "Paused: no workouts \(day(from)) - \(day(until)). They resume \(day(until.adding(days: 1))) by themselves."
    }

    public static func sendHour(_ hour: Int, asked minute: Int) -> String {
        let time = String(format: "%d:00", hour)
        return minute == 0 ? "Done: your daily text now comes at \(time)." : "Done: texts go out on the hour, so yours now comes at \(time)."
    }

    public static func trainingDays(_ days: [Int]) -> String {
        "Done: you now train \(days.map { Weekday(isoNumber: $0).shortName }.joined(separator: ", ")). This week's plan is updated."
    }

    public static func injury(_ area: String, active: Bool) -> String {
        active ? "Noted: \(area). Workouts will work around it. Tell me when it's better." : "Great: \(area) marked as better. Back to full workouts."
    }

    /// A zone for good: the send hour is kept, on the new zone's clock.
    public static func movedZone(_ zone: String, sendHour: Int) -> String {
        "Done: your daily text now comes at \(sendHour):00 \(city(zone)) time."
    }

    /// A stay in another zone, ending by itself.
    public static func stay(_ zone: String, from: LocalDate, until: LocalDate, home: String, sendHour: Int) -> String {
        "OK: \(day(from)) - \(day(until)) your text comes at \(sendHour):00 \(city(zone)) time, then \(city(home)) time again."
    }

    /// A trip with other equipment, ending by itself.
    public static func travel(_ equipment: String, from: LocalDate, until: LocalDate) -> String {
        let what = ["hotel-gym": "a hotel gym", "dumbbells": "dumbbells only", "bands": "bands only"][equipment] ?? "bodyweight only"
        return "OK: \(day(from)) - \(day(until)) your workouts use \(what). Your usual setup is back \(day(until.adding(days: 1)))."
    }

    /// `America/Los_Angeles` as a person says it: `Los Angeles`.
    static func city(_ zone: String) -> String {
        String(zone.split(separator: "/").last ?? Substring(zone)).replacingOccurrences(of: "_", with: " ")
    }

    /// A day moved; when the day it went to had a session, the two swapped.
    public static func moved(_ from: LocalDate, to: LocalDate, swapped: Bool) -> String {
        swapped ? "Moved: \(day(from))'s session to \(day(to)); \(day(to))'s moves to \(day(from)) (both were training days)."
            : "Moved: \(day(from))'s session to \(day(to))."
    }

    /// Today's workout, changed after it was sent: the new one follows.
    public static func changedToday(_ asked: [String]) -> String {
        "Updated today's workout (\(asked.joined(separator: ", "))):"
    }

    /// A change to a day's workout noted: made now, or when the day comes.
    public static func changeNoted(_ date: LocalDate, asked: [String], today: LocalDate) -> String {
        let when = date == today ? "Today's" : "\(day(date))'s"
        return "OK: \(when) workout is changed (\(asked.joined(separator: ", "))). It comes at its usual time."
    }

    public static let noWorkoutToday = "No workout is planned for today. Your next one comes on its day."
    public static let nothingToMark = "I couldn't find a workout to mark done. Reply \"what's today?\" to get today's."
    public static let rephrase = "Sorry, I didn't catch that. Try \"done, RPE 8\" or \"skip Friday\"."
    public static let clarify = "I want to get this right: which day or time did you mean? For example \"skip Fri Mar 13\" or \"text me at 7am\"."
}

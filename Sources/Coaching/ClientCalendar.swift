import Events
import Foundation

/// Dates and hours in one client's time zone. The original system's week math broke on
/// mid-week starts, open-ended weeks and jobs that ran on UTC Sunday; everything here is
/// computed in the client's own zone, across daylight-saving changes.
public struct ClientCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    /// - Throws: ``CalendarError`` when `identifier` is not an IANA time zone.
    public init(timeZone identifier: String) throws {
        guard let zone = TimeZone(identifier: identifier), identifier.contains("/") || identifier == "UTC" else {
            throw CoachingError(.invalidInput, "unknown time zone \(identifier) (use an IANA name such as America/New_York)", field: "timezone")
        }
        timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// The client's local date at `instant`.
    public func localDate(at instant: Date) -> LocalDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// The client's local hour (0-23) at `instant`.
    public func localHour(at instant: Date) -> Int {
        calendar.component(.hour, from: instant)
    }

    /// The instant the client's local clock first shows `hour`:00 on `date`. On a day when
    /// that hour does not exist (a spring-forward gap), the first instant after the gap.
    public func instant(of date: LocalDate, hour: Int) -> Date {
        var parts = DateComponents()
        parts.year = date.year
        parts.month = date.month
        parts.day = date.day
        parts.hour = hour
        return calendar.date(from: parts) ?? calendar.nextDate(
            after: calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!,
            matching: DateComponents(hour: hour), matchingPolicy: .nextTime)!
    }

    /// Whether the client's daily message for their local date is due at `instant`: their
    /// local time has reached `sendHour`. Missed hours stay due until the day ends.
    public func isDue(sendHour: Int, at instant: Date) -> Bool {
        instant >= self.instant(of: localDate(at: instant), hour: sendHour)
    }

    /// The calendar in force at `instant` for a client at home in `home`: the zone of the
    /// latest-planned stay whose dates hold the local date there, the home zone otherwise. A
    /// stay ends by itself: the day after its last, the home zone is back.
    public static func inForce(home: String, stays: [ZoneStay], at instant: Date) throws -> ClientCalendar {
        for stay in stays.reversed() {
            let calendar = try ClientCalendar(timeZone: stay.zone)
            let date = calendar.localDate(at: instant)
            if stay.from <= date, date <= stay.until { return calendar }
        }
        return try ClientCalendar(timeZone: home)
    }

    /// The zone a client is in on their local `date`.
    public static func zone(on date: LocalDate, home: String, stays: [ZoneStay]) -> String {
        stays.last { $0.from <= date && date <= $0.until }?.zone ?? home
    }

    /// The Monday of the week that contains `date`.
    public static func monday(of date: LocalDate) -> LocalDate {
        date.adding(days: 1 - date.isoWeekday)
    }

    /// The week `date` falls in, counted from 0 at the week (Monday to Sunday) of `start`.
    /// A plan that starts mid-week has a short first week; dates before the start are week -1
    /// or earlier.
    public static func weekIndex(of date: LocalDate, planStart start: LocalDate) -> Int {
        let days = monday(of: start).days(until: monday(of: date))
        return days >= 0 ? days / 7 : -((-days + 6) / 7)
    }
}


import Coaching
import Events
import Foundation
import Testing

@Suite("Client calendar")
struct ClientCalendarTests {
    func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func springForwardInNewYork() throws {
        let ny = try ClientCalendar(timeZone: "America/New_York")
        // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT.
        #expect(ny.localDate(at: instant("2026-03-08T04:30:00Z")) == LocalDate("2026-03-07"))
        #expect(ny.localDate(at: instant("2026-03-08T05:00:00Z")) == LocalDate("2026-03-08"))
        #expect(ny.instant(of: LocalDate("2026-03-08")!, hour: 1) == instant("2026-03-08T06:00:00Z"))
        // 02:00 does not exist that day: the first instant after the gap.
        #expect(ny.instant(of: LocalDate("2026-03-08")!, hour: 2) == instant("2026-03-08T07:00:00Z"))
        #expect(ny.instant(of: LocalDate("2026-03-08")!, hour: 7) == instant("2026-03-08T11:00:00Z"))
        #expect(ny.instant(of: LocalDate("2026-03-07")!, hour: 7) == instant("2026-03-07T12:00:00Z"))
    }

    @Test func fallBackInNewYork() throws {
        let ny = try ClientCalendar(timeZone: "America/New_York")
        // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00 happens twice, the first counts.
        #expect(ny.instant(of: LocalDate("2026-11-01")!, hour: 1) == instant("2026-11-01T05:00:00Z"))
        #expect(ny.instant(of: LocalDate("2026-11-01")!, hour: 7) == instant("2026-11-01T12:00:00Z"))
        #expect(ny.localHour(at: instant("2026-11-01T06:30:00Z")) == 1)
        #expect(ny.isDue(sendHour: 1, at: instant("2026-11-01T06:30:00Z")))
    }

    @Test func theFarthestZonesOnEitherSideOfTheDateLine() throws {
        let kiritimati = try ClientCalendar(timeZone: "Pacific/Kiritimati")  // UTC+14
        let pagoPago = try ClientCalendar(timeZone: "Pacific/Pago_Pago")  // UTC-11
        let now = instant("2026-03-08T10:00:00Z")
        #expect(kiritimati.localDate(at: now) == LocalDate("2026-03-09"))
        #expect(kiritimati.localHour(at: now) == 0)
        #expect(pagoPago.localDate(at: now) == LocalDate("2026-03-07"))
        #expect(pagoPago.localHour(at: now) == 23)
        #expect(kiritimati.isDue(sendHour: 0, at: now))
        #expect(!kiritimati.isDue(sendHour: 1, at: now))
        #expect(pagoPago.isDue(sendHour: 23, at: now))
        #expect(!pagoPago.isDue(sendHour: 23, at: instant("2026-03-08T09:59:59Z")))
    }

    @Test func sendHoursZeroAndTwentyThreeStayDueUntilTheDayEnds() throws {
        let london = try ClientCalendar(timeZone: "Europe/London")
        #expect(london.isDue(sendHour: 0, at: instant("2026-05-31T23:00:00Z")))  // 00:00 BST, June 1
        #expect(london.isDue(sendHour: 0, at: instant("2026-06-01T22:59:00Z")))  // 23:59 BST, still June 1
        #expect(london.isDue(sendHour: 1, at: instant("2026-05-31T23:59:00Z")) == false)
        #expect(london.isDue(sendHour: 23, at: instant("2026-06-01T21:59:00Z")) == false)
        #expect(london.isDue(sendHour: 23, at: instant("2026-06-01T22:00:00Z")))
        #expect(london.isDue(sendHour: 23, at: instant("2026-06-01T22:59:00Z")))
    }

    @Test func weeksRunMondayToSundayFromThePlansFirstWeek() {
        let start = LocalDate("2026-03-11")!  // a Wednesday
        #expect(ClientCalendar.monday(of: start) == LocalDate("2026-03-09"))
        #expect(ClientCalendar.weekIndex(of: LocalDate("2026-03-10")!, planStart: start) == 0)
        #expect(ClientCalendar.weekIndex(of: LocalDate("2026-03-15")!, planStart: start) == 0)
        #expect(ClientCalendar.weekIndex(of: LocalDate("2026-03-16")!, planStart: start) == 1)
        #expect(ClientCalendar.weekIndex(of: LocalDate("2026-03-08")!, planStart: start) == -1)
        #expect(ClientCalendar.weekIndex(of: LocalDate("2026-03-01")!, planStart: start) == -2)
        #expect(ClientCalendar.weekIndex(of: LocalDate("2026-06-01")!, planStart: start) == 12)
    }

    @Test(arguments: ["Mars/Olympus_Mons", "EST5EDT6", "", "New York"])
    func anUnknownTimeZoneIsAnError(_ name: String) {
        #expect(throws: CalendarError.self) { try ClientCalendar(timeZone: name) }
    }
}

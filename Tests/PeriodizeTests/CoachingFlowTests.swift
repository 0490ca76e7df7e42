import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Testing
import TestSupport

func enrollment(_ id: String, zone: String = "America/New_York", hour: Int = 7, days: [Int] = [1, 3, 5], goal: PrimaryGoal = .strength,
                injuries: [Injury] = []) -> Enrollment {
    Enrollment(
        clientId: id, name: "Avery Chen", phoneNumber: "+15551234567", timezone: zone, preferredSendHour: hour,
        profile: FitnessProfile(fitnessGoals: "Get strong", primaryGoal: goal, skillLevel: .intermediate, daysPerWeek: days.count,
                                trainingDays: days, sessionMinutes: 45, location: .commercialGym, equipment: [], injuries: injuries))
}

func engine(_ folder: TemporaryDirectory, clock: ManualClock) async throws -> Engine {
    let ids = SeededIDs(seed: 42)
    return try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), clock: { clock.date() }, ids: { ids.next() }))
}

func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

@Suite("Coaching flow")
struct CoachingFlowTests {
    @Test func enrollPlanBreakdownDailyAndReuse() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-11T15:00:00Z"))  // Wednesday, 11:00 in New York
        let engine = try await engine(folder, clock: clock)
        try await engine.enroll(enrollment("c1"))
        let plan = try await engine.createPlan(clientID: "c1")
        #expect(plan.startDate == LocalDate("2026-03-11"))
        #expect(plan.mesocycles.map(\.weeks).reduce(0, +) == 12)
        let (workout, day) = try await engine.dailyWorkout(clientID: "c1")
        #expect(day.day == .wednesday)
        let first = try #require(workout)
        #expect(first.decision?.inputs.count ?? 0 >= 3)
        let again = try await engine.dailyWorkout(clientID: "c1")
        #expect(again.workout == first)
        let head = try await engine.store.headPosition()
        _ = try await engine.dailyWorkout(clientID: "c1")
        #expect(try await engine.store.headPosition() == head, "a workout is generated once per client and date")
        let (rest, restDay) = try await engine.dailyWorkout(clientID: "c1", date: LocalDate("2026-03-12"))
        #expect(rest == nil)
        #expect(restDay.theme == "Rest")
        // The next mesocycle is broken down when a date needs it.
        let later = try await engine.dailyWorkout(clientID: "c1", date: LocalDate("2026-04-13"))
        #expect(later.workout != nil)
        let history = try await engine.history(of: "c1")
        #expect(history.brokenDownMesocycles == [0, 1])
        #expect(try await engine.verify().isValid)
    }

    @Test func theDailyMessageGoesOutOncePerLocalDate() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-09T12:30:00Z"))
        let engine = try await engine(folder, clock: clock)
        try await engine.enroll(enrollment("c1"))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        let first = try await engine.sendDaily(clientID: "c1")
        #expect(first.queued)
        #expect(first.text.hasPrefix("Avery, Mon Mar 9: "))
        let second = try await engine.sendDaily(clientID: "c1")
        #expect(!second.queued)
        let dry = try await engine.sendDaily(clientID: "c1", date: LocalDate("2026-03-10"), dryRun: true)
        #expect(!dry.queued)
        let count = try await engine.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE kind = 'daily'") }
        #expect(count == 1)
    }

    @Test func theTickSendsWhenTheLocalHourArrivesAndCatchesUpMissedHours() async throws {
        let folder = TemporaryDirectory()
        let clock = ManualClock(date("2026-03-09T05:00:00Z"))
        let engine = try await engine(folder, clock: clock)
        try await engine.enroll(enrollment("ny", zone: "America/New_York", hour: 7))  // 11:00Z
        try await engine.enroll(enrollment("kiri", zone: "Pacific/Kiritimati", hour: 0))  // +14
        try await engine.enroll(enrollment("pago", zone: "Pacific/Pago_Pago", hour: 23))  // -11
        for id in ["ny", "kiri", "pago"] { try await engine.createPlan(clientID: id, start: LocalDate("2026-03-02")) }
        let early = try await engine.tick(now: date("2026-03-09T05:00:00Z"))
        // 05:00Z: New York 00:00 (not due), Kiritimati 19:00 Mar 9 (due), Pago Pago 18:00 Mar 8 (not due).
        #expect(early.queued == 1)
        #expect(early.notDue == 2)
        // 15:00Z: New York 11:00 (its missed 07:00 catches up), Kiritimati 05:00 on Mar 10 (a new
        // local date, due at 00:00), Pago Pago 04:00 Mar 9 (not due).
        let later = try await engine.tick(now: date("2026-03-09T15:00:00Z"))
        #expect(later.queued == 2)
        #expect(later.notDue == 1)
        let again = try await engine.tick(now: date("2026-03-09T15:30:00Z"))
        #expect(again.queued == 0)
        #expect(again.alreadyQueued == 2)
        let night = try await engine.tick(now: date("2026-03-09T10:30:00Z").addingTimeInterval(86_400))  // Pago Pago 23:30 Mar 9
        #expect(night.failed.isEmpty)
        let dates = try await engine.database.read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, local_date FROM messages WHERE kind = 'daily' ORDER BY client_id, local_date").map { "\($0[0] as String) \($0[1] as String)" }
        }
        #expect(dates.contains("pago 2026-03-09"))
        #expect(dates.contains("kiri 2026-03-09"))
        #expect(dates.contains("kiri 2026-03-10"))
        #expect(dates.contains("ny 2026-03-09"))
        #expect(Set(dates).count == dates.count)
    }

    @Test(arguments: [
        (Enrollment(clientId: "x", name: "A", phoneNumber: "+15551234567", timezone: "Mars/Base", preferredSendHour: 7, profile: enrollment("x").profile), "unknown time zone"),
        (Enrollment(clientId: "x", name: "A", phoneNumber: "+15551234567", timezone: "UTC", preferredSendHour: 24, profile: enrollment("x").profile), "send hour 24"),
        (Enrollment(clientId: "x", name: "A", phoneNumber: "555-1234", timezone: "UTC", preferredSendHour: 7, profile: enrollment("x").profile), "E.164"),
        (enrollment("x", days: [1, 8]), "training day 8"),
        (enrollment("x", days: []), "days per week 0"),
    ])
    func badEnrollmentsAreRefusedAndAppendNothing(_ bad: Enrollment, _ reason: String) async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(Date()))
        do {
            try await engine.enroll(bad)
            Issue.record("should refuse")
        } catch let error as CoachingError {
            #expect(error.description.contains(reason), "\(error)")
        } catch let error as CalendarError {
            #expect(error.description.contains(reason), "\(error)")
        }
        #expect(try await engine.store.headPosition() == 0)
    }

    @Test func anUnknownClientAndADoubleEnrollmentAreErrors() async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(Date()))
        await #expect(throws: CoachingError.self) { try await engine.createPlan(clientID: "nobody") }
        try await engine.enroll(enrollment("c1"))
        await #expect(throws: CoachingError.self) { try await engine.enroll(enrollment("c1")) }
        await #expect(throws: CoachingError.self) { try await engine.dailyWorkout(clientID: "c1") }  // no plan yet
        #expect(try await engine.store.headPosition() == 1)
    }

    @Test func aDayReadFromTheStoredBreakdownEqualsTheDecodedOne() async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(date("2026-03-11T15:00:00Z")))
        try await engine.enroll(enrollment("c1", days: [1, 2, 4, 5]))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-11"), weeks: 8)
        let history = try await engine.history(of: "c1")
        let broken = try #require(try history.breakdown(0)?.event)
        for offset in 0..<26 {  // through Sunday April 5, the end of the first mesocycle
            let day = LocalDate("2026-03-11")!.adding(days: offset)
            let scheduled = try #require(try history.scheduledDay(day, mesocycle: 0))
            let week = try #require(broken.microcycles.first { $0.startDate <= day && day < $0.startDate.adding(days: 7) })
            #expect(scheduled.day == week.days[day.isoWeekday - 1])
            #expect(scheduled.weekIndex == week.weekIndex)
            #expect(scheduled.isDeloadWeek == (week.index == 3))
            #expect(scheduled.planId == broken.planId)
        }
    }

    @Test func scheduleAndProfileChangesAreEventsTheTickFollows() async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(date("2026-03-09T05:00:00Z")))
        try await engine.enroll(enrollment("c1", zone: "America/New_York", hour: 7))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-02"))
        // 08:00Z is 03:00 in New York: not due; moved to Kolkata (13:30) it is.
        #expect(try await engine.tick(now: date("2026-03-09T08:00:00Z")).notDue == 1)
        try await engine.updateClient(ClientUpdated(clientId: "c1", timezone: "Asia/Kolkata"))
        #expect(try await engine.tick(now: date("2026-03-09T08:00:00Z")).queued == 1)
        let row = try await engine.database.read { db in try Row.fetchOne(db, sql: "SELECT timezone, preferred_send_hour, name FROM clients WHERE client_id = 'c1'") }
        #expect(row?["timezone"] == "Asia/Kolkata")
        #expect(row?["preferred_send_hour"] == 7)
        #expect(row?["name"] == "Avery Chen")
        // New training days apply from now on: the current mesocycle is broken down again.
        try await engine.updateClient(ClientUpdated(clientId: "c1", profile: {
            var profile = enrollment("c1").profile
            profile.trainingDays = [2, 4]
            profile.daysPerWeek = 2
            return profile
        }()))
        let tuesday = try await engine.dailyWorkout(clientID: "c1", date: LocalDate("2026-03-10"))
        #expect(tuesday.workout != nil)
        let wednesday = try await engine.dailyWorkout(clientID: "c1", date: LocalDate("2026-03-11"))
        #expect(wednesday.workout == nil)
        // Inactive clients get nothing.
        try await engine.updateClient(ClientUpdated(clientId: "c1", isActive: false))
        #expect(try await engine.tick(now: date("2026-03-10T08:00:00Z")).clients == 0)
        // A bad change is refused and appends nothing.
        let head = try await engine.store.headPosition()
        await #expect(throws: CoachingError.self) { try await engine.updateClient(ClientUpdated(clientId: "c1", preferredSendHour: 25)) }
        await #expect(throws: CalendarError.self) { try await engine.updateClient(ClientUpdated(clientId: "c1", timezone: "Nowhere/Land")) }
        await #expect(throws: CoachingError.self) { try await engine.updateClient(ClientUpdated(clientId: "ghost", isActive: true)) }
        #expect(try await engine.store.headPosition() == head)
        #expect(try await engine.history(of: "c1").client?.isActive == false)
        #expect(try await engine.verify().isValid)
    }

    @Test func aWeeklyOverviewGoesOutOnTheClientsLocalSunday() async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(date("2026-03-07T12:00:00Z")))
        try await engine.enroll(enrollment("c1", zone: "America/New_York", hour: 7, days: [1, 3, 5]))
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-02"))
        let saturday = try await engine.tick(now: date("2026-03-07T13:00:00Z"))
        #expect(saturday.queued == 1)
        #expect(saturday.weekly == 0)
        // Sunday March 8, 09:00 EDT (the clocks went forward that night).
        let sunday = try await engine.tick(now: date("2026-03-08T13:00:00Z"))
        #expect(sunday.queued == 1)
        #expect(sunday.weekly == 1)
        let again = try await engine.tick(now: date("2026-03-08T14:00:00Z"))
        #expect(again.weekly == 0)
        let body = try await engine.database.read { db in try String.fetchOne(db, sql: "SELECT body FROM messages WHERE kind = 'weekly'") }
        #expect(body == "Avery, your week from Mar 9: Mon Full body A (heavy), Wed Full body B (heavy), Fri Full body C (heavy). Rest: Tue, Thu, Sat, Sun.")
    }

    @Test func theDailyMessageIDIsTheSameEverywhere() {
        let a = Engine.dailyMessageID(clientID: "c1", date: LocalDate("2026-03-09")!)
        #expect(a == Engine.dailyMessageID(clientID: "c1", date: LocalDate("2026-03-09")!))
        #expect(a != Engine.dailyMessageID(clientID: "c1", date: LocalDate("2026-03-10")!))
        #expect(a != Engine.dailyMessageID(clientID: "c2", date: LocalDate("2026-03-09")!))
    }
}

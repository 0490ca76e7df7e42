import Coaching
import EventLog
import Events
import Foundation
import GRDB
import LoopbackProviders
import Periodize
import Testing
import TestSupport

/// Replies end to end: a text comes in (the webhook's path), is read after it was stored, its
/// intents change what the log holds, a confirming SMS is queued and sent, and the next tick
/// shows the change. Real SQLite, the in-test Twilio over real HTTP.
@Suite("Replies end to end", .serialized)
struct ReplyFlowTests {
    func text(_ harness: Harness, _ body: String, from n: Int = 0, sid: String) async throws -> ReplyOutcome? {
        try await harness.text(body, from: n, sid: sid)
    }

    func count(_ harness: Harness, _ type: String) async throws -> Int {
        try await harness.count(type)
    }

    @Test func doneIsRecordedOnceWithItsRPEAndConfirmedBySMS() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        let read = try #require(try await text(harness, "done, RPE 9 💪", sid: "SM100"))
        #expect(read.intents == [ReplyIntent(.done, rpe: 9, feel: "good")])
        #expect(read.replies == ["Logged: Tue Mar 10 workout done (RPE 9). Nice work."])
        let completed = try await harness.rows("SELECT payload FROM events WHERE type = 'WorkoutCompleted'")
        #expect(completed.count == 1)
        // The confirmation goes out with the next delivery run, as kind `reply`.
        let delivery = try await harness.engine.deliver(at: date("2026-03-10T07:05:00Z"))
        #expect(delivery.sent == 1)
        #expect(harness.twilio.messages.last?.body == "Logged: Tue Mar 10 workout done (RPE 9). Nice work.")
        // The same webhook delivered twice, read twice: nothing more (once Twilio's callbacks are in).
        try await harness.eventually("Twilio's callbacks are in") { harness.twilio.callbacks.count == 4 }
        let head = try await harness.head()
        _ = try await harness.engine.receive(InboundSMS(providerMessageID: "SM100", from: phone(0), to: "+15550009999", body: "done, RPE 9 💪"))
        let again = try await harness.engine.readReply(clientID: "c0", providerMessageID: "SM100", body: "done, RPE 9 💪")
        let after = try await harness.head()
        #expect(again.duplicate && after == head)
        // How it was read is on record, with the rules that fired.
        let reading = try #require(try await harness.rows("SELECT payload FROM events WHERE type = 'ReplyRead'").first)
        let json = try JSONSerialization.jsonObject(with: reading[0] as Data) as? [String: Any]
        #expect((json?["decision"] as? [String: Any])?["coach"] as? String == "rules")
    }

    @Test func aDoneAfterMidnightMarksTheLatestWorkoutNotYetMarked() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        // Nothing generated yet: nothing to mark.
        let early = try #require(try await text(harness, "done", sid: "SM150"))
        #expect(early.actions == ["no workout to mark done"] && early.replies == [ReplyTexts.nothingToMark])
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"), deliver: false)
        // 00:30 on Wednesday, before Wednesday's workout exists: the text is about Tuesday's.
        harness.clock.set(date("2026-03-11T00:30:00Z"))
        let late = try #require(try await text(harness, "finished, that was brutal", sid: "SM151"))
        #expect(late.actions == ["marked 2026-03-10 done (hard)"])
        #expect(late.replies == ["Logged: Tue Mar 10 workout done (hard). Nice work."])
        // Tuesday is marked: a second done has nothing left to mark.
        let again = try #require(try await text(harness, "done again lol", sid: "SM152"))
        #expect(again.actions == ["no workout to mark done"])
        let completed = try await harness.rows("SELECT payload FROM events WHERE type = 'WorkoutCompleted'")
        #expect(completed.count == 1)
    }

    @Test func aSkippedDaySendsNothingAndThePauseEndsByItself() async throws {
        let harness = try await Harness(clients: 2)
        defer { Task { await harness.stop() } }
        // Tuesday: c0 skips tomorrow; c1 takes the rest of the week off.
        let skip = try #require(try await text(harness, "can i skip tmrw? work thing", sid: "SM200"))
        #expect(skip.intents == [ReplyIntent(.skip, date: LocalDate("2026-03-11"), reason: "work thing")])
        let pause = try #require(try await text(harness, "off the rest of the week pls", from: 1, sid: "SM201"))
        #expect(pause.intents == [ReplyIntent(.pause, from: LocalDate("2026-03-10"), until: LocalDate("2026-03-15"))])
        harness.clock.set(date("2026-03-11T07:00:00Z"))
        let wednesday = try await harness.engine.tick(now: date("2026-03-11T07:00:00Z"), deliver: false)
        #expect(wednesday.queued == 0 && wednesday.resting == 2)
        harness.clock.set(date("2026-03-12T07:00:00Z"))
        let thursday = try await harness.engine.tick(now: date("2026-03-12T07:00:00Z"), deliver: false)
        #expect(thursday.queued == 1 && thursday.resting == 1, "c0 is back, c1 still paused")
        harness.clock.set(date("2026-03-16T07:00:00Z"))
        let monday = try await harness.engine.tick(now: date("2026-03-16T07:00:00Z"), deliver: false)
        #expect(monday.queued == 2 && monday.resting == 0, "the pause ended by itself")
        #expect(try await harness.engine.verify().isValid)
    }

    @Test func theSendHourTrainingDaysAndInjuriesChangeTheProfile() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        let time = try #require(try await text(harness, "can you text me at 9am instead", sid: "SM300"))
        #expect(time.replies == ["Done: your daily text now comes at 9:00."])
        let early = try await harness.engine.tick(now: date("2026-03-11T08:00:00Z"), deliver: false)
        #expect(early.notDue == 1 && early.queued == 0)
        let onTime = try await harness.engine.tick(now: date("2026-03-11T09:00:00Z"), deliver: false)
        #expect(onTime.queued == 1)
        let breakdowns = try await count(harness, "MesocycleBroken")
        let days = try #require(try await text(harness, "only mon/wed/fri from now on", sid: "SM301"))
        #expect(days.intents == [ReplyIntent(.trainingDays, days: [1, 3, 5])])
        #expect(try await count(harness, "MesocycleBroken") == breakdowns + 1, "the weeks broken down again")
        let knee = try #require(try await text(harness, "my knee hurts after yesterday", sid: "SM302"))
        #expect(knee.intents == [ReplyIntent(.injury, area: "knee", active: true)])
        let client = try #require(try await harness.engine.history(of: "c0").client)
        #expect(client.preferredSendHour == 9 && client.profile.trainingDays == [1, 3, 5])
        #expect(client.profile.injuries.contains(Injury(area: "knee", status: .active)))
        // Rebuilt from the log, the read-models are the live ones.
        #expect(try await harness.engine.readModels.check(progress: nil).matches)
    }

    /// The equipment a workout's exercises need.
    func equipment(_ workout: WorkoutGenerated) -> Set<String> {
        Set(workout.blocks.flatMap(\.items).flatMap { ExerciseCatalog.standard.exercise(named: $0.exercise)?.equipment ?? [] })
    }

    @Test func aStayInAnotherZoneAndATripsEquipmentHoldForTheirDatesAndEndByThemselves() async throws {
        // Clients at home in UTC, texted at 6:00, training every day in a commercial gym.
        let harness = try await Harness(clients: 3)
        defer { Task { await harness.stop() } }
        // Tuesday 10 March: c0 is in Denver until Thursday; c1 has a hotel gym until Friday; c2 moved.
        let stay = try #require(try await text(harness, "in Denver till thursday for work", sid: "SM500"))
        #expect(stay.intents == [ReplyIntent(.timezone, zone: "America/Denver", until: LocalDate("2026-03-12"))])
        #expect(stay.replies == ["OK: Tue Mar 10 - Thu Mar 12 your text comes at 6:00 Denver time, then UTC time again."])
        let trip = try #require(try await text(harness, "hotel gym until friday", from: 1, sid: "SM501"))
        #expect(trip.intents == [ReplyIntent(.travel, until: LocalDate("2026-03-13"), equipment: "hotel-gym")])
        #expect(trip.replies == ["OK: Tue Mar 10 - Fri Mar 13 your workouts use a hotel gym. Your usual setup is back Sat Mar 14."])
        let moved = try #require(try await text(harness, "I moved to London btw", from: 2, sid: "SM502"))
        #expect(moved.intents == [ReplyIntent(.timezone, zone: "Europe/London")])
        #expect(moved.replies == ["Done: your daily text now comes at 6:00 London time."])
        #expect(try await harness.engine.history(of: "c2").client?.timezone == "Europe/London")

        // Wednesday 07:00 UTC is 01:00 in Denver: c0 is not due until 06:00 there (12:00 UTC).
        harness.clock.set(date("2026-03-11T07:00:00Z"))
        let morning = try await harness.engine.tick(now: date("2026-03-11T07:00:00Z"), deliver: false)
        #expect(morning.queued == 2 && morning.notDue == 1, "\(morning)")
        #expect(try await harness.engine.readModels.hasDailyMessage(clientID: "c0", on: LocalDate("2026-03-11")!) == false)
        harness.clock.set(date("2026-03-11T11:59:00Z"))
        #expect(try await harness.engine.tick(now: date("2026-03-11T11:59:00Z"), deliver: false).queued == 0)
        harness.clock.set(date("2026-03-11T12:00:00Z"))
        #expect(try await harness.engine.tick(now: date("2026-03-11T12:00:00Z"), deliver: false).queued == 1, "06:00 in Denver")
        // Its message expires at Denver's midnight.
        let expiry = try await harness.engine.queuedMessages(of: "c0").first { $0.message.localDate == LocalDate("2026-03-11") }?.message.expiresAt
        #expect(expiry == "2026-03-12T06:00:00.000Z")

        // c1's workouts of the trip use what a hotel gym has; the day after, the gym again.
        let hotel: Set<String> = ["dumbbell", "bench", "treadmill", "bike", "band", "mat"]
        let history = try await harness.engine.history(of: "c1")
        let during = try #require(try history.workout(on: LocalDate("2026-03-11")!)?.event)
        #expect(equipment(during).isSubset(of: hotel), "\(equipment(during))")
        let gym = try #require(try await harness.engine.history(of: "c2").workout(on: LocalDate("2026-03-11")!)?.event)
        #expect(!equipment(gym).isSubset(of: hotel), "the same day at home in a gym: \(equipment(gym))")
        let homeDays = ["2026-03-14", "2026-03-16", "2026-03-17"].map { LocalDate($0)! }
        var after: Set<String> = []
        for day in homeDays { after.formUnion(equipment(try #require(try await harness.engine.dailyWorkout(clientID: "c1", date: day).workout))) }
        #expect(!after.isSubset(of: hotel), "back in the gym: \(after)")

        // Friday 07:00 UTC: the stay is over, c0 is texted on UTC's clock again.
        harness.clock.set(date("2026-03-13T07:00:00Z"))
        let friday = try await harness.engine.tick(now: date("2026-03-13T07:00:00Z"), deliver: false)
        #expect(friday.queued == 3, "\(friday)")
        #expect(try await harness.engine.verify().isValid)
        #expect(try await harness.engine.readModels.check(progress: nil).matches, "the read-models rebuilt from the log are the live ones")
    }

    @Test func questionsTodaysWorkoutAndWhatCannotBeRead() async throws {
        let harness = try await Harness(clients: 1)
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"))
        let daily = try #require(harness.twilio.messages.first?.body)
        let again = try #require(try await text(harness, "didnt get my workout today?", sid: "SM400"))
        #expect(again.intents == [ReplyIntent(.askWorkout)] && again.replies == [daily])
        let rpe = try #require(try await text(harness, "what does RPE mean", sid: "SM401"))
        #expect(rpe.replies == [ReplyTexts.answers["rpe"]!])
        let odd = try #require(try await text(harness, "my cat ate my running shoes lol", sid: "SM402"))
        #expect(odd.intents == [ReplyIntent(.unknown)] && odd.replies == [ReplyTexts.rephrase])
        let inbox = try await harness.engine.readModels.inbox(limit: 10)
        #expect(inbox.map(\.body) == ["my cat ate my running shoes lol"])
        let report = try await harness.engine.deliver(at: date("2026-03-10T07:10:00Z"))
        #expect(report.sent == 3)
    }

    @Test func theServiceReadsATextAfterItsWebhookAnsweredAndSendsTheConfirmation() async throws {
        let harness = try await Harness(clients: 1, worker: true)
        defer { Task { await harness.stop() } }
        _ = try await harness.engine.tick(now: date("2026-03-10T07:00:00Z"), deliver: false)
        try await harness.eventually("the day's message is sent") { harness.twilio.messages.count == 1 }
        let answer = try await harness.text("finished, that was brutal", from: phone(0), sid: "SM500")
        #expect(answer.status == 200 && answer.body.contains("<Response/>"), "the webhook answers at once, empty")
        try await harness.eventually("the confirmation is sent") { harness.twilio.messages.count == 2 }
        #expect(harness.twilio.messages.last?.body == "Logged: Tue Mar 10 workout done (hard). Nice work.")
        #expect(try await count(harness, "WorkoutCompleted") == 1)
    }
}

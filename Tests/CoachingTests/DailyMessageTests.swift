import Coaching
import Events
import Foundation
import Testing

/// Formatted messages are the product: compared with golden files in `Fixtures/`
/// (PERIODIZE_UPDATE_GOLDEN=1 rewrites them).
@Suite("Daily message")
struct DailyMessageTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func golden(_ name: String, _ messages: [String]) {
        let text = messages.joined(separator: "\n---\n") + "\n"
        let url = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PERIODIZE_UPDATE_GOLDEN"] == "1" {
            try? text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let stored = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing fixture \(name): run with PERIODIZE_UPDATE_GOLDEN=1")
            return
        }
        #expect(stored == text, "\(name) changed")
    }

    func client(_ name: String, injuries: [Injury] = [], location: TrainingLocation = .commercialGym) -> ClientEnrolled {
        ClientEnrolled(
            clientId: "c-\(name)", name: name, phoneNumber: "+15550000000", email: nil, timezone: "UTC", preferredSendHour: 7,
            units: .metric, optedIn: true, isActive: true,
            profile: FitnessProfile(fitnessGoals: "", primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: 4,
                                    trainingDays: [1, 2, 4, 5], sessionMinutes: 60, location: location, equipment: ["dumbbell"],
                                    injuries: injuries))
    }

    func workout(_ client: ClientEnrolled, theme: String, load: Load = .heavy) throws -> WorkoutGenerated {
        try #require(WorkoutRules().workout(
            client: client, planId: "p", programType: .strength, day: DayPlan(day: .monday, theme: theme, load: load),
            date: LocalDate("2026-03-09")!, weekIndex: 1, deload: false, recent: [], inputs: []))
    }

    @Test func aGymDayFitsTwoSegmentsOfGSM() throws {
        let messages = DailyMessage.fit(try workout(client("Avery"), theme: "Lower body"), firstName: "Avery", segments: 2)
        #expect(messages.count == 1)
        #expect(SMSText.measure(messages[0]).encoding == .gsm7)
        #expect(SMSText.measure(messages[0]).segments <= 2)
        golden("sms-lower-body.txt", messages)
    }

    @Test func anInjurySwapIsNamedInTheMessage() throws {
        let messages = DailyMessage.fit(try workout(client("Kenji", injuries: [Injury(area: "knee", status: .active)]), theme: "Lower body"), firstName: "Kenji", segments: 3)
        #expect(messages.joined().contains("Swap: Back Squat -> "))
        golden("sms-knee-swap.txt", messages)
    }

    @Test func anEmojiNameMakesItUCS2AndItIsShortenedToFit() throws {
        let full = DailyMessage.lines(for: try workout(client("Zoë 💪"), theme: "Upper body"), firstName: "Zoë 💪").joined(separator: "\n")
        #expect(SMSText.measure(full).encoding == .ucs2)
        let messages = DailyMessage.fit(try workout(client("Zoë 💪"), theme: "Upper body"), firstName: "Zoë 💪", segments: 3)
        #expect(messages.allSatisfy { SMSText.measure($0).segments <= 3 })
        #expect(messages.joined().count < full.count)
        golden("sms-emoji-upper.txt", messages)
    }

    @Test func aTinyBudgetSplitsAtLinesAndLosesNoExercise() throws {
        let w = try workout(client("Priya"), theme: "Push")
        let messages = DailyMessage.fit(w, firstName: "Priya", segments: 1)
        #expect(messages.count > 1)
        #expect(messages.allSatisfy { SMSText.measure($0).segments == 1 })
        let text = messages.joined(separator: "\n")
        for item in w.blocks.flatMap(\.items) where item.type != .prep && item.type != .cooldown {
            #expect(text.contains(item.exercise))
        }
        golden("sms-push-split.txt", messages)
    }

    @Test func extensionCharactersCountTwice() {
        let text = DailyMessage.restDay(firstName: "Sam", date: LocalDate("2026-03-08")!, notes: "Walk {20 min} [easy] ~ no phone | €0")
        #expect(SMSText.measure(text).units == text.count + 7)  // { } [ ] ~ | €
        golden("sms-rest-day.txt", [text])
    }
}

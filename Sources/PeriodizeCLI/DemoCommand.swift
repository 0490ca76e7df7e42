import ArgumentParser
import Coaching
import EventLog
import Events
import Foundation
import Periodize
import Projections

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Enroll varied clients across time zones, run hourly ticks over some weeks, and show what went out.",
        discussion: """
            Deterministic for a seed: the same clients, plans, workouts and messages each run. The simulated
            weeks start on Monday 2026-03-02 and cross the US daylight-saving change. Runs again on the same
            file resume where the log is (clients already enrolled are kept, messages already sent are not
            sent twice). Ends by verifying the hash chain and rebuilding every read-model.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var coachOptions: CoachOptions
    @Option(help: "How many clients.") var clients: Int = 12
    @Option(help: "How many weeks of hourly ticks.") var weeks: Int = 2
    @Option(help: "Seed for the clients.") var seed: UInt64 = 1

    static let zones = ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Sydney", "America/Sao_Paulo"]
    static let names = ["Avery Chen", "Jordan Lee", "Sofía Núñez", "Priya Raman", "Mateo Rossi", "Zoë Adams", "Kenji Sato", "Amara Okafor", "Liam O'Brien", "Maya Cohen"]
    static let dayChoices: [[Int]] = [[2, 5], [1, 3, 5], [1, 2, 4, 5], [1, 2, 3, 5, 6], [1, 3, 5, 6]]

    func run() async throws {
        guard (1...10_000).contains(clients) else { throw CommandFailure(message: "error: --clients must be 1 to 10000") }
        guard (1...52).contains(weeks) else { throw CommandFailure(message: "error: --weeks must be 1 to 52") }
        let engine = try await store.openEngine(coach: coachOptions)
        defer { try? engine.close() }
        let start = Date(timeIntervalSince1970: 1_772_409_600)  // 2026-03-02T00:00:00Z, a Monday
        var random = SeededGenerator(seed: seed)
        var enrolled = 0
        for n in 0..<clients {
            let id = "demo-\(seed)-\(n)"
            let days = Self.dayChoices[Int(random.next() % UInt64(Self.dayChoices.count))]
            let goal = PrimaryGoal.allCases[Int(random.next() % UInt64(PrimaryGoal.allCases.count))]
            let location = TrainingLocation.allCases[Int(random.next() % 3)]
            let injured = random.next() % 4 == 0
            let enrollment = Enrollment(
                clientId: id, name: Self.names[n % Self.names.count], phoneNumber: "+1555\(String(format: "%07d", n))",
                timezone: Self.zones[n % Self.zones.count], preferredSendHour: [6, 7, 12, 18, 0, 23][n % 6],
                units: n % 2 == 0 ? .imperial : .metric,
                profile: FitnessProfile(
                    fitnessGoals: "Demo client \(n)", primaryGoal: goal, skillLevel: SkillLevel.allCases[n % 3], daysPerWeek: days.count,
                    trainingDays: days, sessionMinutes: 45, location: location, equipment: location == .home ? ["dumbbell", "band"] : [],
                    injuries: injured ? [Injury(area: ["knee", "shoulder", "lower-back"][n % 3], status: .active)] : []))
            if try await engine.history(of: id).client == nil {
                _ = try await engine.enroll(enrollment)
                _ = try await engine.createPlan(clientID: id, start: LocalDate("2026-03-02")!, weeks: 12)
                enrolled += 1
            }
        }
        print("clients: \(clients) (\(enrolled) enrolled now) across \(Set((0..<clients).map { Self.zones[$0 % Self.zones.count] }).count) time zones")

        var queued = 0, sent = 0, failed: [String] = []
        let hours = weeks * 7 * 24
        for hour in 0..<hours {
            let report = try await engine.tick(now: start.addingTimeInterval(Double(hour) * 3600))
            queued += report.queued
            sent += report.delivery.sent
            failed += report.failed + report.delivery.errors
            Terminal.progress("ticks", Int64(hour + 1), Int64(hours))
        }
        Terminal.done()
        let training = try await engine.readModels.trainingSummary(clientPrefix: "demo-\(seed)-")
        let summary = (workouts: training.workouts, rest: training.dailyMessages - training.workouts, segments: training.segments, swaps: training.swaps)
        print("\(weeks) weeks of hourly ticks (\(hours) ticks): \(queued) daily messages queued and \(sent) message parts sent now, \(failed.count) failures")
        print("workouts generated: \(summary.workouts) (\(summary.swaps) with injury or equipment swaps); rest-day messages: \(max(0, summary.rest))")
        print("segments per daily message: " + summary.segments.keys.sorted().map { "\($0): \(summary.segments[$0]!)" }.joined(separator: ", "))
        for failure in failed.prefix(5) { print("failed: \(failure)") }

        let samples = try await engine.readModels.dailyMessages(of: ["demo-\(seed)-0", "demo-\(seed)-3", "demo-\(seed)-5"], on: LocalDate(year: 2026, month: 3, day: 10)!)
        for (client, body) in samples { print("\n--- \(client), 2026-03-10 ---\n\(body)") }

        let check = try await engine.verify()
        let rebuilt = try await engine.rebuild()
        print("\nlog: \(check.chain.eventCount) events, chain \(check.chain.isValid ? "intact" : "BROKEN"); read-models \(check.readModels?.matches == true ? "match a fresh rebuild" : "DIFFER"); rebuilt, checksum \(rebuilt.checksum.prefix(16))")
        guard check.isValid, failed.isEmpty else { throw CommandFailure(message: "demo: the run did not come out clean", exitCode: 3) }
        print("try: periodize daily --client demo-\(seed)-0 --date 2026-03-11 --dry-run --db \(store.db)")
    }
}

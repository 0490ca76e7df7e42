import Coaching
import EventLog
import EventLogSQLite
import Events
import Foundation
import Periodize
import PeriodizeApp

enum CoachingBenchmarks {
    static func client(_ n: Int) -> ClientEnrolled {
        let days = [[1, 3, 5], [2, 4], [1, 2, 4, 5], [1, 2, 3, 5, 6]][n % 4]
        return ClientEnrolled(
            clientId: "c\(n)", name: "Client \(n)", phoneNumber: "+1555\(String(format: "%07d", n % 10_000_000))", email: nil,
            timezone: "UTC", preferredSendHour: 6, units: .metric, optedIn: true, isActive: true,
            profile: FitnessProfile(
                fitnessGoals: "", primaryGoal: PrimaryGoal.allCases[n % PrimaryGoal.allCases.count], skillLevel: SkillLevel.allCases[n % 3],
                daysPerWeek: days.count, trainingDays: days, sessionMinutes: 45, location: TrainingLocation.allCases[n % 3],
                equipment: n % 3 == 1 ? ["dumbbell", "band"] : [], injuries: n % 5 == 0 ? [Injury(area: ["knee", "shoulder", "lower-back"][n % 3], status: .active)] : []))
    }

    /// Client `n`, training every day of the week.
    static func everyDay(_ n: Int) -> ClientEnrolled {
        var c = client(n)
        c.profile.trainingDays = [1, 2, 3, 4, 5, 6, 7]
        c.profile.daysPerWeek = 7
        return c
    }

    /// Setup, untimed: `count` clients with plans and first weeks from the rules, appended
    /// directly, one client per append.
    static func enroll(_ count: Int, path: String, encryption: Bool = true, _ makeClient: (Int) -> ClientEnrolled) async throws {
        let setup = try await makeEngine(EngineConfiguration(path: path, durability: .normal, encryption: encryption))
        for n in 0..<count {
            let c = makeClient(n)
            let plan = try PlanRules.plan(planId: "p\(n)", client: c, start: LocalDate("2026-03-02")!, weeks: 12, inputs: [1])
            let weeks = try BreakdownRules.breakdown(plan: plan, index: 0, trainingDays: c.profile.trainingDays, inputs: [1, 2])
            try await setup.store.append(
                [try setup.newEvent(c), try setup.newEvent(plan), try setup.newEvent(weeks)],
                to: Engine.clientStream(c.clientId), expected: .noStream)
        }
        try setup.close()
    }

    /// Rule-based workout generation, pure: no log, no SQLite.
    static func workouts(_ options: Options) throws {
        let count = options.events / 10
        let rules = WorkoutRules()
        let clock = ContinuousClock()
        let start = LocalDate("2026-03-09")!
        var workouts: [WorkoutGenerated] = []
        workouts.reserveCapacity(count)
        let themes = ["Full body A", "Upper body", "Lower body", "Push", "Pull", "Legs", "Easy run", "Long run"]
        let elapsed = clock.measure {
            for n in 0..<count {
                let day = DayPlan(day: .monday, theme: themes[n % themes.count], load: n % 2 == 0 ? .moderate : .heavy)
                if let workout = rules.workout(client: client(n % 1000), planId: "p", programType: .strength, day: day, date: start.adding(days: n % 28),
                                               weekIndex: n % 12, deload: n % 4 == 3, recent: [], inputs: [1, 2]) {
                    workouts.append(workout)
                }
            }
        }
        // Baseline: encoding the same workouts as the log stores them, the least any coach's
        // output costs before it is appended.
        var bytes = 0
        let encoding = try clock.measure {
            for workout in workouts { bytes += try EventCoding.encode(workout).count }
        }
        let ours = Report.rate(workouts.count, elapsed), baseline = Report.rate(workouts.count, encoding)
        say(String(format: "rule-based workout generation: %d workouts in %.2f s, %.0f/s (target >= 20,000/s); JSON-encoding the same workouts %.0f/s, ratio %.2f", workouts.count, Report.seconds(elapsed), ours, baseline, ours / baseline))
    }

    /// One tick over `clients` enrolled clients with their plan and current mesocycle (as
    /// enrollment leaves them), all due: each gets the day's workout generated and its daily
    /// message queued, then the queue is drained by the delivery worker with the log-only
    /// sender (claim, send, outcome per part), through the log with synchronous=FULL.
    ///
    /// Run twice, personal fields in the clear then sealed, and the two compared.
    static func tick(_ options: Options) async throws {
        let clear = try await tick(options, encryption: false)
        let sealed = try await tick(options, encryption: true)
        say(String(format: "tick over %d clients with personal fields sealed: %.1f s, %.0f events/s; in the clear %.1f s, %.0f events/s; ratio %.2f",
                   options.clients, sealed.seconds, sealed.rate, clear.seconds, clear.rate, sealed.rate / clear.rate))
    }

    static func tick(_ options: Options, encryption: Bool) async throws -> (seconds: Double, rate: Double) {
        let count = options.clients
        let path = options.folder + "/tick.sqlite"
        removeDatabase(path)
        try await enroll(count, path: path, encryption: encryption) { client($0) }
        let enrolledRSS = Report.peakRSSMegabytes()
        var delivery = DeliveryPolicy()
        if let text = ProcessInfo.processInfo.environment["BENCH_DELIVERY_CONCURRENCY"], let concurrency = Int(text) { delivery.concurrency = concurrency }
        let engine = try await makeEngine(EngineConfiguration(
            path: path, durability: ProcessInfo.processInfo.environment["BENCH_NORMAL"] == nil ? .full : .normal, delivery: delivery,
            encryption: encryption))
        let head = try await engine.store.headPosition()
        let clock = ContinuousClock()
        var report: Engine.TickReport?
        let now = Timestamp(iso8601: "2026-03-10T12:00:00Z")!.date
        // The tick's two halves timed apart: queueing, then delivering (what `tick` runs in turn).
        let queueing = try await clock.measure {
            report = try await engine.tick(now: now, deliver: false)
        }
        let queueRSS = Report.peakRSSMegabytes()
        let delivering = try await clock.measure {
            report?.delivery = try await engine.deliver(at: now)
        }
        let elapsed = queueing + delivering
        // Peak memory of the tick itself, before the events are read back for the baseline.
        let tickRSS = Report.peakRSSMegabytes()
        let appended = try await engine.store.headPosition() - head
        var rows: [RecordedEvent] = []
        for try await event in engine.store.storedBytes.readAll(from: head + 1, batchSize: 5000) { rows.append(event) }
        try engine.close()
        guard let report, report.failed.isEmpty, report.queued == count, report.delivery.sent >= count, report.delivery.errors.isEmpty else {
            throw BenchError("tick did not send every message: \(String(describing: report))")
        }
        // Baseline: the raw C API inserting the very rows the tick appended, on the same schema
        // and settings, committed as the tick's group commits did at best (one commit per 64
        // clients' events) — storage alone, without deciding, generating or projecting anything.
        let rawElapsed = try RawSQLite.timeStoring(rows, path: options.folder + "/tick-raw.sqlite", perCommit: rows.count * Engine.tickConcurrency / count)
        let ours = Double(appended) / Report.seconds(elapsed)
        let baseline = Double(rows.count) / Report.seconds(rawElapsed)
        say(String(format: "tick over %d clients\(encryption ? " (sealed)" : " (in the clear)"): %.1f s (target <= 60 s; queueing %.1f s, delivering %.1f s), %d messages in %d parts sent, %lld events appended (%.2f per client), %.0f events/s, peak RSS %.0f MB (%.0f MB after enrolling, %.0f MB after queueing); raw SQLite storing the same rows %.0f events/s, ratio %.2f",
                   count, Report.seconds(elapsed), Report.seconds(queueing), Report.seconds(delivering), report.queued, report.delivery.sent, appended,
                   Double(appended) / Double(count), ours, tickRSS, enrolledRSS, queueRSS, baseline, ours / baseline))
        removeDatabase(path)
        removeDatabase(options.folder + "/tick-raw.sqlite")
        return (Report.seconds(elapsed), ours)
    }
}

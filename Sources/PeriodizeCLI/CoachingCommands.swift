import ArgumentParser
import Coaching
import EventLog
import Events
import Foundation
import Periodize

/// Parses `YYYY-MM-DD` for a command-line option.
func parseDate(_ text: String?, option: String = "--date") throws -> LocalDate? {
    guard let text else { return nil }
    guard let date = LocalDate(text) else {
        throw CommandFailure(message: "error: \(option) \(text) is not a date (YYYY-MM-DD)")
    }
    return date
}

struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll", abstract: "Enroll a client (flags, or --profile FILE.json).")

    @OptionGroup var store: StoreOptions
    @Option(help: "A JSON file with every field of the enrollment.") var profile: String?
    @Option(help: "Client id (default: a new UUID).") var id: String?
    @Option var name: String?
    @Option(help: "E.164, e.g. +15551234567.") var phone: String?
    @Option var email: String?
    @Option(help: "IANA time zone, e.g. America/New_York.") var timezone: String?
    @Option(name: .customLong("send-hour"), help: "Local hour of the daily message, 0-23.") var sendHour: Int = 7
    @Option(help: "metric or imperial.") var units: String = "metric"
    @Option(help: "The client's goals, in their words.") var goals: String = ""
    @Option(name: .customLong("primary-goal"), help: "strength, hypertrophy, endurance, fatLoss, general, rehab.") var primaryGoal: String = "general"
    @Option(help: "beginner, intermediate, advanced.") var experience: String = "beginner"
    @Option(help: "Training days, ISO weekday numbers: 1,3,5 (1 = Monday).") var days: String = "1,3,5"
    @Option(name: .customLong("session-minutes")) var sessionMinutes: Int = 45
    @Option(help: "commercialGym, home, bodyweight.") var location: String = "commercialGym"
    @Option(help: "Equipment at home, comma-separated.") var equipment: String = ""
    @Option(help: "An injury area, `knee` (active) or `knee:resolved`; repeatable.") var injury: [String] = []
    @Option var age: Int?
    @Option var sex: String?
    @Option(help: "Travel the plan should know about, e.g. \"away Apr 6-12, hotel gym\".") var travel: String?

    func run() async throws {
        let enrollment = try makeEnrollment()
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let client = try await engine.enroll(enrollment)
        print("enrolled \(client.clientId) (\(client.timezone), daily message at \(client.preferredSendHour):00)")
    }

    func makeEnrollment() throws -> Enrollment {
        if let profile { return try Enrollment.load(fromFile: profile) }
        guard let name, let phone, let timezone else {
            throw CommandFailure(message: "error: enroll needs --name, --phone and --timezone (or --profile FILE.json)")
        }
        func value<T: RawRepresentable>(_ text: String, _ option: String) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: text) else { throw CoachingError("--\(option) \(text) is not one of the accepted values") }
            return value
        }
        let dayList = try days.split(separator: ",").map { part -> Int in
            guard let day = Int(part.trimmingCharacters(in: .whitespaces)) else { throw CoachingError("--days \(days) is not a list of weekday numbers") }
            return day
        }
        let injuries = try injury.map { text -> Injury in
            let parts = text.split(separator: ":").map(String.init)
            return Injury(area: parts[0], status: parts.count > 1 ? try value(parts[1], "injury") : .active)
        }
        return Enrollment(
            clientId: id, name: name, phoneNumber: phone, email: email, timezone: timezone, preferredSendHour: sendHour,
            units: try value(units, "units"),
            profile: FitnessProfile(
                fitnessGoals: goals, primaryGoal: try value(primaryGoal, "primary-goal"), skillLevel: try value(experience, "experience"),
                daysPerWeek: dayList.count, trainingDays: dayList, sessionMinutes: sessionMinutes, location: try value(location, "location"),
                equipment: equipment.split(separator: ",").map(String.init), injuries: injuries, age: age, gender: sex, travel: travel))
    }
}

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Create a client's plan (rule-based coach, or the configured model).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var coachOptions: CoachOptions
    @Argument var client: String
    @Option(help: "First day (default: the client's local today).") var start: String?
    @Option(help: "Plan length, 4-52 weeks.") var weeks: Int = 12

    func run() async throws {
        let startDate = try parseDate(start, option: "--start")
        let engine = try await store.openEngine(coach: coachOptions)
        defer { try? engine.close() }
        let plan = try await engine.createPlan(clientID: client, start: startDate, weeks: weeks)
        print("plan \(plan.planId): \(plan.overview)")
    }
}

struct BreakdownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "breakdown", abstract: "Break down the mesocycle that contains a date into weeks.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var coachOptions: CoachOptions
    @Argument var client: String
    @Option var date: String?

    func run() async throws {
        let day = try parseDate(date)
        let engine = try await store.openEngine(coach: coachOptions)
        defer { try? engine.close() }
        let broken = try await engine.breakdown(clientID: client, date: day)
        print("mesocycle \(broken.mesocycle.index + 1) \(broken.mesocycle.name): \(broken.microcycles.count) weeks from \(broken.mesocycle.startDate)")
    }
}

struct DailyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "daily", abstract: "Generate (or reuse) the day's workout, queue the daily message and deliver what is due.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var coachOptions: CoachOptions
    @Option(help: "One client (default: every active client).") var client: String?
    @Option(help: "The client's local date (default: today there).") var date: String?
    @Flag(name: .customLong("dry-run"), help: "Print the message instead of sending it.") var dryRun = false

    func run() async throws {
        let day = try parseDate(date)
        let engine = try await store.openEngine(coach: coachOptions)
        defer { try? engine.close() }
        let clients: [String]
        if let client { clients = [client] } else { clients = try await engine.activeClientIDs() }
        for id in clients {
            let (text, queued) = try await engine.sendDaily(clientID: id, date: day, dryRun: dryRun)
            print("== \(id)\(dryRun ? " (dry run)" : queued ? " (queued)" : " (already queued or sent)")\n\(text)\n")
        }
        guard !dryRun else { return }
        try reportDelivery(try await engine.deliver())
    }
}

struct TickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tick", abstract: "Queue every due daily message, then deliver what is due (run hourly).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var coachOptions: CoachOptions
    @Option(help: "The time to act as (ISO 8601; default: now).") var now: String?
    @Flag(name: .customLong("queue-only"), help: "Queue the due messages and leave delivering to `periodize deliver`.") var queueOnly = false

    func run() async throws {
        let instant = try parseInstant(now)
        let engine = try await store.openEngine(coach: coachOptions)
        defer { try? engine.close() }
        let tick = try await engine.tick(now: instant, deliver: !queueOnly)
        print("tick: \(tick.clients) active clients, \(tick.queued) queued, \(tick.alreadyQueued) already queued or sent, \(tick.notDue) not due, \(tick.outsidePlan) outside a plan, \(tick.weekly) weekly overviews, \(tick.failed.count) failed")
        for failure in tick.failed { FileHandle.standardError.write(Data("periodize: \(failure)\n".utf8)) }
        try reportDelivery(tick.delivery, failed: !tick.failed.isEmpty)
    }
}

struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Deliver every queued message that is due (queued, its retry due, or its lease run out), then stop.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The time to act as (ISO 8601; default: now).") var now: String?

    func run() async throws {
        let instant = try parseInstant(now)
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        try reportDelivery(try await engine.deliver(at: instant))
    }
}

/// The `--now` instant, nil for the clock's; a time that is not ISO 8601 is a one-line error.
func parseInstant(_ text: String?) throws -> Date? {
    guard let text else { return nil }
    guard let parsed = Timestamp(iso8601: text) else { throw CommandFailure(message: "error: --now \(text) is not an ISO 8601 time") }
    return parsed.date
}

/// Prints what a delivery run did; an attempt or outcome that could not be recorded is an error
/// line each and exit 1 (as is `failed`, an earlier part of the command that failed, and a
/// provider that refused our credentials).
func reportDelivery(_ delivery: Engine.DeliveryReport, failed: Bool = false) throws {
    print("deliver: \(delivery.sent) sent, \(delivery.retrying) to retry, \(delivery.undeliverable) undeliverable, \(delivery.expired) expired, "
        + "\(delivery.released) released, \(delivery.takenElsewhere) taken by another worker, \(delivery.possiblyDuplicated) possibly duplicated")
    for error in delivery.errors { FileHandle.standardError.write(Data("periodize: \(error)\n".utf8)) }
    if let stopped = delivery.stopped {
        FileHandle.standardError.write(Data("periodize: delivery stopped, the provider refused our credentials (fix the configuration; the messages wait in the queue): \(stopped)\n".utf8))
    }
    if failed || !delivery.errors.isEmpty || delivery.stopped != nil { throw ExitCode(1) }
}

struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a client's schedule or profile.")

    @OptionGroup var store: StoreOptions
    @Argument var client: String
    @Option(help: "IANA time zone.") var timezone: String?
    @Option(name: .customLong("send-hour"), help: "Local hour of the daily message, 0-23.") var sendHour: Int?
    @Option(help: "Training days, ISO weekday numbers: 1,3,5.") var days: String?
    @Option(help: "An injury area, `knee` (active) or `knee:resolved`; repeatable; replaces the list.") var injury: [String] = []
    @Flag(inversion: .prefixedNo, help: "Resume (--active) or stop (--no-active) daily messages.") var active: Bool?
    @Flag(name: .customLong("opted-in"), inversion: .prefixedNo, help: "The client's SMS consent.") var optedIn: Bool?

    func run() async throws {
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let trainingDays: [Int]? = try days.map { days in
            try days.split(separator: ",").map { part in
                guard let day = Int(part.trimmingCharacters(in: .whitespaces)) else { throw CoachingError("--days \(days) is not a list of weekday numbers") }
                return day
            }
        }
        let injuries: [Injury]? = injury.isEmpty ? nil : try injury.map { text in
            let parts = text.split(separator: ":").map(String.init)
            guard let status = parts.count > 1 ? InjuryStatus(rawValue: parts[1]) : .active else {
                throw CoachingError("--injury \(text): the status is active or resolved")
            }
            return Injury(area: parts[0], status: status)
        }
        // Set on the client as the update's decision reads them (a reply may have changed the profile since).
        let updated = try await engine.updateClient(client, changes: ClientChanges(
            timezone: timezone, preferredSendHour: sendHour, optedIn: optedIn, isActive: active, trainingDays: trainingDays, injuries: injuries))
        print("updated \(updated.clientId): \(updated.timezone), daily message at \(updated.preferredSendHour):00, days \(updated.profile.trainingDays.map(String.init).joined(separator: ","))\(updated.isActive ? "" : ", inactive")")
    }
}

struct PregenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pregenerate",
        abstract: "Generate every active client's workout for a date ahead of time (run in quiet hours).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var coachOptions: CoachOptions
    @Option(help: "The clients' local date (YYYY-MM-DD).") var date: String

    func run() async throws {
        guard let day = try parseDate(date, option: "--date") else { return }
        let engine = try await store.openEngine(coach: coachOptions)
        defer { try? engine.close() }
        let report = try await engine.pregenerate(date: day)
        print("pregenerate \(day): \(report.clients) active clients, \(report.generated) generated (\(report.fellBack) by the rules after the model failed), \(report.existing) already there, \(report.restDays) rest days, \(report.outsidePlan) outside a plan, \(report.failed.count) failed")
        for failure in report.failed { FileHandle.standardError.write(Data("periodize: \(failure)\n".utf8)) }
        if !report.failed.isEmpty { throw ExitCode(1) }
    }
}

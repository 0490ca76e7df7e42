import ArgumentParser
import Coaching
import EventLog
import Events
import Foundation
import Periodize

/// JSON with the seed's field names: the event payloads themselves.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a client's plan, week, workout or messages.")

    enum What: String, ExpressibleByArgument, CaseIterable { case plan, week, workout, messages }

    @OptionGroup var store: StoreOptions
    @Argument(help: "plan, week, workout or messages.") var what: What
    @Argument var client: String
    @Option(help: "The client's local date (default: today there).") var date: String?
    @Flag(help: "JSON with the seed's field names.") var json = false

    func run() async throws {
        let day = try parseDate(date)
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let history = try await engine.history(of: client)
        guard let enrolled = history.client else { throw CommandFailure(message: "error: unknown client \(client)") }
        let date = try day ?? engine.localToday(for: enrolled)
        switch what {
        case .plan:
            guard let plan = history.plan else { throw CommandFailure(message: "error: client \(client) has no plan") }
            if json { return try printJSON(plan) }
            print("\(plan.programType.rawValue) plan from \(plan.startDate), \(plan.macrocycleWeeks) weeks: \(plan.overview)")
            for (index, mesocycle) in plan.mesocycles.enumerated() {
                print("  \(index + 1). \(mesocycle.name): \(mesocycle.weeks) weeks, focus \(mesocycle.focus.joined(separator: ", "))\(mesocycle.deload ? ", deload last" : "")")
            }
            if let notes = plan.notes { print("  notes: \(notes)") }
        case .week:
            guard let (index, _) = history.mesocycle(containing: date), let broken = try history.breakdown(index)?.event,
                  let week = broken.microcycles.first(where: { $0.startDate <= date && date < $0.startDate.adding(days: 7) }) else {
                throw CommandFailure(message: "error: no week broken down for \(date) (run `periodize breakdown \(client) --date \(date)`)")
            }
            if json { return try printJSON(week) }
            print("week \(week.weekIndex + 1) of the plan, from \(week.startDate) (\(broken.mesocycle.name)):")
            for day in week.days {
                print("  \(day.day.shortName)  \(day.theme)\(day.load.map { " (\($0.rawValue))" } ?? "")\(day.notes.map { " - \($0)" } ?? "")")
            }
        case .workout:
            guard let workout = try history.workout(on: date)?.event else {
                throw CommandFailure(message: "error: no workout for \(client) on \(date) (run `periodize daily --client \(client) --date \(date)`)")
            }
            if json { return try printJSON(workout) }
            print(DailyMessage.lines(for: workout, firstName: enrolled.name, detail: .noSignOff).joined(separator: "\n"))
        case .messages:
            let events = try await engine.store.readStream(Engine.clientStream(client), from: 1)
            var messages: [MessageSent] = []
            for event in events where event.type == MessageSent.eventType {
                if case .messageSent(let message) = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload) {
                    messages.append(message)
                }
            }
            if json { return try printJSON(messages) }
            for message in messages {
                print("\(message.sentAt) \(message.kind.rawValue) \(message.direction.rawValue)\(message.segments.map { ", \($0) segment(s)" } ?? "")\n\(message.body)\n")
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "How a client's workout for a date was decided.")

    @OptionGroup var store: StoreOptions
    @Argument var client: String
    @Option(help: "The workout's local date.") var date: String
    @Flag(help: "The decision record as JSON.") var json = false

    func run() async throws {
        guard let day = try parseDate(date) else { return }
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let history = try await engine.history(of: client)
        guard history.client != nil else { throw CommandFailure(message: "error: unknown client \(client)") }
        guard let (workout, position) = try history.workout(on: day), let decision = workout.decision else {
            throw CommandFailure(message: "error: no generated workout for \(client) on \(day)")
        }
        if json { return try printJSON(decision) }
        print("workout of \(client) for \(day), event at position \(position): \(workout.theme)\(workout.load.map { " (\($0.rawValue))" } ?? "")")
        print("coach: \(decision.coach) \(decision.coachVersion)\(decision.model.map { ", model \($0)" } ?? "")\(decision.seed.map { ", seed \($0)" } ?? "")")
        print("inputs (log positions): \(decision.inputs.map(String.init).joined(separator: ", "))")
        print("rules fired:")
        for rule in decision.rules { print("  - \(rule)") }
        for (number, attempt) in decision.attempts.enumerated() {
            print("attempt \(number + 1): HTTP \(attempt.httpStatus.map(String.init) ?? "-"), \(Int(attempt.latencyMs)) ms\(attempt.error.map { ", \($0)" } ?? "")")
        }
        if let reason = decision.fallbackReason { print("fell back to the rule-based coach: \(reason)") }
        for modification in workout.modifications {
            print("modification: \(modification.condition): \(modification.replace.map { "\($0.exercise) -> \($0.with)" } ?? "") (\(modification.note))")
        }
    }
}

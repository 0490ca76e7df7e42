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
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a client's plan, week, workout, messages, or archived training.")

    enum What: String, ExpressibleByArgument, CaseIterable { case client, plan, week, workout, messages, archive }

    @OptionGroup var store: StoreOptions
    @Argument(help: "client, plan, week, workout, messages, or archive (training a migration took out of the current view).") var what: What
    @Argument var client: String
    @Option(help: "The client's local date (default: today there).") var date: String?
    @Flag(help: "JSON with the seed's field names.") var json = false

    func run() async throws {
        let day = try parseDate(date)
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let history = try await engine.history(of: client)
        guard let enrolled = history.client else { throw CommandFailure(message: "error: unknown client \(client)") }
        let date = try day ?? engine.localToday(of: history)
        switch what {
        case .client:
            if json { return try printJSON(enrolled) }
            let p = enrolled.profile
            print("\(enrolled.clientId): \(enrolled.name), \(enrolled.phoneNumber)\(enrolled.email.map { ", \($0)" } ?? ""); \(enrolled.timezone), daily message at \(enrolled.preferredSendHour):00")
            print("  \(p.primaryGoal.rawValue), \(p.skillLevel.rawValue), days \(p.trainingDays.map(String.init).joined(separator: ",")), \(p.sessionMinutes) min, \(p.location.rawValue)\(p.age.map { ", age \($0)" } ?? "")\(p.gender.map { ", \($0)" } ?? "")")
            for injury in p.injuries { print("  injury: \(injury.area) (\(injury.status.rawValue))\(injury.notes.map { ": \($0)" } ?? "")") }
            if let travel = p.travel { print("  travel: \(travel)") }
            if let erasure = history.erasure { print("erased at \(erasure.erasedAt): \(erasure.reason)") }
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
            // Days the client moved: the week was broken down again with them.
            for move in history.moves where week.startDate <= move.from && move.from < week.startDate.adding(days: 7) {
                print("  moved by the client: \(move.from) to \(move.to)\(move.providerMessageId.map { " (asked by \($0))" } ?? "")")
            }
        case .workout:
            guard let workout = try history.workout(on: date)?.event else {
                throw CommandFailure(message: "error: no workout for \(client) on \(date) (run `periodize daily --client \(client) --date \(date)`)")
            }
            if json { return try printJSON(workout) }
            print(DailyMessage.lines(for: workout, firstName: enrolled.name, detail: .noSignOff).joined(separator: "\n"))
            if let revision = workout.revision {
                print("(supersedes the workout at position \(revision.supersedes): \(revision.because.joined(separator: "; "))"
                      + "\(revision.providerMessageIds.isEmpty ? "" : ", asked by \(revision.providerMessageIds.joined(separator: ", "))"))")
            }
        case .archive:
            let archive = try await engine.archive(of: client)
            if json { return try printJSON(archive) }
            if archive.isEmpty { print("nothing archived for \(client)") }
            for row in archive { print("\(row.kind) \(row.description) (position \(row.position), \(row.archivedBy))") }
        case .messages:
            let messages = try await engine.readModels.messageStatuses(clientID: client)
            if json { return try printJSON(messages) }
            for message in messages {
                var line = "\(message.at) \(message.kind) \(message.direction)\(message.localDate.map { " for \($0)" } ?? "")"
                if message.parts > 1 { line += ", part \(message.part) of \(message.parts)" }
                line += ": \(message.status)"
                if message.direction == "outbound" { line += ", \(message.attempts) attempt(s)" }
                if message.possiblyDuplicated > 0 { line += ", possibly duplicated" }
                if let segments = message.segments { line += ", \(segments) segment(s)" }
                if let next = message.nextAttemptAt, message.status == "failed" { line += ", next attempt \(next)" }
                if let error = message.lastError { line += "\n  last error: \(error)" }
                print("\(line)\n\(message.body ?? "")\n")
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "How a client's workout, week, plan or daily SMS was decided: coach, inputs, rules or prompt, every model call.")

    enum Artefact: String, ExpressibleByArgument, CaseIterable { case workout, week, plan, message, reply }

    @OptionGroup var store: StoreOptions
    @Argument var client: String
    @Option(help: "The client's local date of the workout or week (default: today there).") var date: String?
    @Option(help: "workout (default), week, plan, message (the daily SMS, when a model wrote it), or reply (how the client's texts of that day were read).")
    var artefact: Artefact = .workout
    @Flag(help: "Print the prompt's full text and each call's raw output.") var full = false
    @Flag(help: "The decision record (and prompt) as JSON.") var json = false

    struct Audit: Encodable {
        var artefact: String
        var position: Int64
        var causedBy: String?
        var decision: DecisionRecord
        var prompt: PromptRecorded?
    }

    func run() async throws {
        let day = try parseDate(date)
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let history = try await engine.history(of: client)
        guard history.client != nil else { throw CommandFailure(message: "error: unknown client \(client)") }
        let date = try day ?? engine.localToday(of: history)
        let title: String
        let position: Int64
        let decision: DecisionRecord?
        var modifications: [WorkoutGenerated.Modification] = []
        switch artefact {
        case .workout:
            guard let (workout, at) = try history.workout(on: date) else {
                throw CommandFailure(message: "error: no generated workout for \(client) on \(date)")
            }
            title = "workout of \(client) for \(date): \(workout.theme)\(workout.load.map { " (\($0.rawValue))" } ?? "")"
            (position, decision, modifications) = (at, workout.decision, workout.modifications)
        case .week:
            guard let (index, _) = history.mesocycle(containing: date), let (broken, at) = try history.breakdown(index) else {
                throw CommandFailure(message: "error: no weeks broken down for \(client) around \(date)")
            }
            title = "mesocycle \(index + 1) (\(broken.mesocycle.name), \(broken.microcycles.count) weeks from \(broken.mesocycle.startDate)) of \(client)"
            (position, decision) = (at, broken.decision)
        case .message:
            // Queued since the outbox (the decision on its first part), or recorded sent before it.
            let queued = try await engine.queuedMessages(of: client).filter { $0.message.kind == .daily && $0.message.localDate == date }
            if let (first, at) = queued.first {
                let segments = queued.map(\.message.segments).reduce(0, +)
                title = "daily message of \(client) for \(date) (\(segments) segment(s)\(queued.count > 1 ? " in \(queued.count) parts" : "")):\n\(queued.map(\.message.body).joined(separator: "\n\n"))\n--"
                (position, decision) = (at, first.decision)
            } else {
                let found = try await engine.messages(of: client).last { $0.message.kind == .daily && $0.message.localDate == date }
                guard let (message, at) = found else { throw CommandFailure(message: "error: no daily message for \(client) on \(date)") }
                title = "daily message of \(client) for \(date) (\(message.segments ?? 0) segment(s)):\n\(message.body)\n--"
                (position, decision) = (at, message.decision)
            }
        case .plan:
            guard let plan = history.plan, let at = history.planPosition else { throw CommandFailure(message: "error: client \(client) has no plan") }
            title = "plan \(plan.planId) of \(client): \(plan.programType.rawValue), \(plan.macrocycleWeeks) weeks from \(plan.startDate)"
            (position, decision) = (at, plan.decision)
        case .reply:
            return try await auditReplies(engine, date: date)
        }
        guard let decision else {
            throw CommandFailure(message: "error: the \(artefact.rawValue) at position \(position) has no decision record (\(artefact == .message ? "the formatter wrote it" : "imported"))")
        }
        var prompt: PromptRecorded?
        if let hash = decision.promptHash { prompt = try await engine.prompt(hash: hash, clientID: client) }
        let cause = try await engine.migrationCause(ofEventAt: position)
        if json { return try printJSON(Audit(artefact: artefact.rawValue, position: position, causedBy: cause, decision: decision, prompt: prompt)) }
        print("\(title), event at position \(position)")
        if let cause { print("caused by: \(cause)") }
        printDecision(decision, prompt: prompt, full: full)
        if artefact == .message {
            // How it went out: each part's delivery as the messages read-model has it.
            for part in try await engine.readModels.messageStatuses(clientID: client) where part.kind == "daily" && part.localDate == date.description {
                var line = "delivery\(part.parts > 1 ? " of part \(part.part) of \(part.parts)" : ""): \(part.status) after \(part.attempts) attempt(s)"
                if part.possiblyDuplicated > 0 { line += ", possibly duplicated" }
                if let provider = part.provider { line += ", \(provider)\(part.providerMessageID.map { " \($0)" } ?? "")" }
                if let error = part.lastError { line += ", last error: \(error)" }
                print(line)
            }
        }
        for modification in modifications {
            print("modification: \(modification.condition): \(modification.replace.map { "\($0.exercise) -> \($0.with)" } ?? "") (\(modification.note))")
        }
        if artefact == .workout {
            // Every workout made for the day, the superseded ones too.
            let all = try await engine.workouts(of: client, on: date)
            for (earlier, at) in all where at != position {
                print("\nsuperseded: the workout at position \(at)\(earlier.revision.map { " (itself superseding \($0.supersedes))" } ?? "")")
                if let decision = earlier.decision {
                    var prompt: PromptRecorded?
                    if let hash = decision.promptHash { prompt = try await engine.prompt(hash: hash, clientID: client) }
                    printDecision(decision, prompt: prompt, full: full, indent: "  ")
                }
            }
        }
    }

    /// `audit CLIENT --artefact reply`: each text of that local date, how it was read (the
    /// intents and the rules that fired), what was done, and the confirming SMS.
    func auditReplies(_ engine: Engine, date: LocalDate) async throws {
        let audits = try await engine.replyAudits(of: client).filter { $0.reading.localDate == date }
        guard !audits.isEmpty else { throw CommandFailure(message: "error: no reply of \(client) was read on \(date)") }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            for audit in audits { print(String(decoding: try encoder.encode(audit.reading), as: UTF8.self)) }
            return
        }
        for audit in audits {
            print("reply \(audit.reading.providerMessageId) at position \(audit.position), read \(audit.reading.readAt):")
            print("  text: \(audit.text ?? "(not found)")")
            print("  read as: " + audit.reading.intents.map(\.description).joined(separator: "; "))
            if let decision = audit.reading.decision {
                var prompt: PromptRecorded?
                if let hash = decision.promptHash { prompt = try await engine.prompt(hash: hash, clientID: client) }
                printDecision(decision, prompt: prompt, full: full, indent: "  ")
            }
            for action in audit.reading.actions { print("  did: \(action)") }
            for part in audit.confirmation { print("  answered: \(part)") }
        }
    }
}

/// A decision record as `audit` prints it: the coach, parameters and inputs, the prompt, the
/// rules that fired, each model call, and why the rules took over when they did.
func printDecision(_ decision: DecisionRecord, prompt: PromptRecorded?, full: Bool, indent: String = "") {
    func print(_ line: String) { Swift.print(indent + line.replacingOccurrences(of: "\n", with: "\n" + indent)) }
    print("coach: \(decision.coach) \(decision.coachVersion)\(decision.model.map { ", model \($0)" } ?? "")\(decision.modelVersion.map { " (\($0))" } ?? "")\(decision.seed.map { ", seed \($0)" } ?? ""), \(Int(decision.durationMs)) ms")
    if let parameters = decision.parameters { print("parameters: \(parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))") }
    print("inputs (log positions): \(decision.inputs.map(String.init).joined(separator: ", "))")
    if let template = decision.promptTemplate, let hash = decision.promptHash {
        print("prompt: \(template), sha256 \(hash)\(prompt == nil ? " (text not recorded)" : "")")
        if full, let prompt { print("--- system\n\(prompt.system)\n--- user\n\(prompt.user)\n---") }
    }
    if !decision.rules.isEmpty {
        print("rules fired:")
        for rule in decision.rules { print("  - \(rule)") }
    }
    for (number, attempt) in decision.attempts.enumerated() {
        var line = "call \(number + 1) (\(attempt.purpose ?? "first")): HTTP \(attempt.httpStatus.map(String.init) ?? "-")"
        if let finish = attempt.finishReason { line += ", finish \(finish)" }
        line += ", \(Int(attempt.latencyMs)) ms"
        if let prompt = attempt.promptTokens, let completion = attempt.completionTokens { line += ", tokens \(prompt) in / \(completion) out" }
        if let error = attempt.error { line += ", \(error)" }
        print(line)
        for problem in attempt.validationErrors { print("    invalid: \(problem)") }
        if full, let raw = attempt.rawOutput { print("    output: \(raw)") }
    }
    if let reason = decision.fallbackReason { print("fell back to the rule-based coach: \(reason)") }
}

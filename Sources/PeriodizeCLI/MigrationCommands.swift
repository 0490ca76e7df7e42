import ArgumentParser
import Events
import Foundation
import Periodize

struct ImportLegacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-legacy",
        abstract: "Import the legacy export (users, profiles, plans, mesocycles, weeks, workouts, messages) as version-1 events.",
        discussion: """
            All or nothing: a malformed line, a reference to a client (or plan, mesocycle, week) that does not exist, \
            or a duplicate id stops the import with FILE:LINE and the reason, and nothing is appended. Original ids and \
            times are kept. Importing the same export again appends nothing.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The folder holding users.jsonl, fitnessProfiles.jsonl, fitnessPlans.jsonl, mesocycles.jsonl, microcycles.jsonl, workoutInstances.jsonl, messages.jsonl.")
    var directory: String

    func run() async throws {
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let report: LegacyImportReport
        do {
            report = try await engine.importLegacy(directory: directory) { file, lines in Terminal.progress("reading \(file)", Int64(lines), 0) }
        } catch let error as LegacyImportError {
            throw CommandFailure(message: "error: \(error.description)")
        }
        Terminal.done()
        print("import-legacy: \(report.clients) clients, \(report.profiles) profiles, \(report.plans) plans, \(report.mesocycles) mesocycles, \(report.weeks) weeks, \(report.workouts) workouts, \(report.messages) messages; \(report.appended) events appended, \(report.alreadyStored) already there")
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Run or revert a migration as an event replay (nothing is deleted).",
        subcommands: [CleanSlateCommand.self, RevertCommand.self])

    struct CleanSlateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clean-slate",
            abstract: "Convert legacy plans, archive pre-migration training, regenerate active clients' current weeks and tell them.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var coachOptions: CoachOptions
        @Flag(name: .customLong("dry-run"), help: "Report the effects without appending or sending anything.") var dryRun = false

        func run() async throws {
            let engine = try await store.openEngine(coach: coachOptions)
            defer { try? engine.close() }
            let report = try await engine.migrateCleanSlate(dryRun: dryRun)
            let effects = report.effects.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            if report.alreadyApplied {
                print("clean-slate is already applied (migration \(report.migrationID) at position \(report.position ?? 0)); "
                      + (report.completedNow == 0 ? "nothing to do" : "finished \(report.completedNow) client(s) an interrupted run left"))
            } else if report.dryRun {
                print("clean-slate (dry run, nothing appended or sent): \(effects)")
            } else {
                print("clean-slate applied: migration \(report.migrationID) at position \(report.position ?? 0): \(effects)")
                print("to roll back: periodize migrate revert clean-slate")
                try reportDelivery(try await engine.deliver())
            }
        }
    }

    struct RevertCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revert",
            abstract: "Roll a migration back: the pre-migration view returns; what the migration caused stays in the history.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The migration: clean-slate.") var name: String
        @Option(help: "Why, recorded in MigrationReverted.") var reason: String?

        func run() async throws {
            guard name == Engine.cleanSlate else { throw CommandFailure(message: "error: unknown migration \(name); known: clean-slate", exitCode: 64) }
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let (id, position) = try await engine.revertCleanSlate(reason: reason)
            print("clean-slate reverted: migration \(id), MigrationReverted at position \(position)")
        }
    }
}

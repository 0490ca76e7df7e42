import ArgumentParser
import EventLog
import Foundation
import Periodize
import Projections

@main
struct PeriodizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "periodize",
        abstract: "An event-sourced fitness-plan engine for SMS coaching services.",
        discussion: """
            Every decision is an event in an append-only SQLite log; plans, weeks, workouts and
            messages are read-models rebuilt by replaying it.
            """,
        subcommands: [
            DemoCommand.self, EventsCommand.self, VerifyCommand.self, RebuildCommand.self, ReplayCommand.self, StatsCommand.self,
            EnrollCommand.self, UpdateCommand.self, PlanCommand.self, BreakdownCommand.self, DailyCommand.self, TickCommand.self, ShowCommand.self,
            AuditCommand.self, DebugCommand.self,
        ])

    /// Runs the command; errors of ours become one line on stderr and a non-zero exit.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("periodize: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode)
        } catch let error as EventStoreError {
            FileHandle.standardError.write(Data("periodize: error: \(error.message)\n".utf8))
            Foundation.exit(error.code == .wrongExpectedVersion ? 4 : 1)
        } catch let error as ProjectionError {
            FileHandle.standardError.write(Data("periodize: error: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// A failure that ends the command with a message and an exit code (1 by default; 3 when a
/// check found the log or read-models bad).
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1
}

/// `--db`, shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The Periodize SQLite file (env PERIODIZE_DB).", valueName: "path"))
    var db: String = ProcessInfo.processInfo.environment["PERIODIZE_DB"] ?? "./periodize.sqlite"

    @Option(name: .long, help: "Commit durability: full (survives power loss) or normal (survives a crash of the process).")
    var durability: SQLiteEventStore.Durability = .full

    @Option(name: .customLong("sms-segments"), help: "Most segments a daily SMS may take before it is shortened or split (env PERIODIZE_SMS_SEGMENTS).")
    var smsSegments: Int = Int(ProcessInfo.processInfo.environment["PERIODIZE_SMS_SEGMENTS"] ?? "") ?? 3

    func validate() throws {
        guard (1...10).contains(smsSegments) else { throw ValidationError("--sms-segments must be 1 to 10") }
    }

    func openEngine(progressLabel: String = "catching up") async throws -> Engine {
        try await Engine.open(Engine.Options(path: db, durability: durability, smsSegments: smsSegments), progress: { stage, done, total in
            Terminal.progress("\(stage)", done, total)
        })
    }
}

extension SQLiteEventStore.Durability: ExpressibleByArgument {}

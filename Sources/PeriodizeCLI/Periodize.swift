import ArgumentParser
import Coaching
import EventLog
import Foundation
import LLM
import Periodize
import PeriodizeApp
import Projections
import Senders
import Checkpoints
import Crypto
import Vault
import Twilio
import Logging

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
            EnrollCommand.self, UpdateCommand.self, PlanCommand.self, BreakdownCommand.self, DailyCommand.self, TickCommand.self, DeliverCommand.self, PregenerateCommand.self, ShowCommand.self,
            AuditCommand.self, ServeCommand.self, ReceiveCommand.self, InboxCommand.self, ImportLegacyCommand.self, MigrateCommand.self, EraseCommand.self, CheckpointCommand.self, CompactCommand.self,
            TokenCommand.self, DebugCommand.self,
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
        } catch {
            guard let failure = CommandFailure(error) else { exit(withError: error) }
            FileHandle.standardError.write(Data("periodize: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode)
        }
    }
}

/// A failure that ends the command with a message and an exit code (1 by default; 3 when a
/// check found the log or read-models bad).
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1
}

extension CommandFailure {
    /// Exit codes: 64 for a usage error, 4 for an expected-version conflict, 3 when a check
    /// found the log or read-models bad, 1 for any other error of ours.
    static let usage: Int32 = 64
    static let conflict: Int32 = 4

    /// The one place errors of ours become a line on stderr and an exit code, by their codes;
    /// nil for errors argument parsing reports itself.
    init?(_ error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let error as CoachingError:
            self.init(message: "error: \(error.message)", exitCode: error.code == .conflict ? Self.conflict : 1)
        case let error as EventStoreError:
            self.init(message: "error: \(error.message)", exitCode: error.code == .wrongExpectedVersion ? Self.conflict : 1)
        case let error as ProjectionError:
            self.init(message: "error: \(error.message)")
        case let error as LegacyImportError:
            self.init(message: "error: \(error.description)")
        case let error as CoachConfigurationError:
            self.init(message: "error: \(error.description)", exitCode: Self.usage)
        case let error as SenderConfigurationError:
            self.init(message: "error: \(error.description)", exitCode: Self.usage)
        case let error as VaultError:
            self.init(message: "error: \(error.message)")
        case let error as CheckpointError:
            self.init(message: "error: \(error.message)", exitCode: Self.usage)
        default:
            return nil
        }
    }
}

/// `--db`, shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The Periodize SQLite file (env PERIODIZE_DB).", valueName: "path"))
    var db: String = ProcessInfo.processInfo.environment["PERIODIZE_DB"] ?? "./periodize.sqlite"

    @Option(name: .long, help: "Commit durability: full (survives power loss) or normal (survives a crash of the process).")
    var durability: Durability = .full

    @Option(name: .customLong("sms-segments"), help: "Most segments a daily SMS may take before it is shortened or split (env PERIODIZE_SMS_SEGMENTS).")
    var smsSegments: Int = Int(ProcessInfo.processInfo.environment["PERIODIZE_SMS_SEGMENTS"] ?? "") ?? 3

    @Option(help: "Where messages go: log-only (recorded, nothing sent; also called outbox), http or twilio (env PERIODIZE_SENDER; default log-only).")
    var sender: String?

    @Option(name: .customLong("sender-url"), help: "The gateway messages are POSTed to with --sender http (env PERIODIZE_SENDER_URL).")
    var senderURL: String?

    func validate() throws {
        guard (1...10).contains(smsSegments) else { throw ValidationError("--sms-segments must be 1 to 10") }
    }

    /// Opens the engine; `coach` adds a model coach (commands that generate pass theirs). A
    /// sender or coach setting that is missing or malformed stops it before the log is opened.
    func openEngine(coach: CoachOptions? = nil) async throws -> Engine {
        try await openEngine(try configuration(coach: coach))
    }

    func openEngine(_ configuration: EngineConfiguration, logger: Logger = Logger(label: "periodize")) async throws -> Engine {
        try await makeEngine(configuration, logger: logger, progress: { stage, done, total in
            Terminal.progress("\(stage)", done, total)
        })
    }

    /// The engine's configuration from the flags and the environment; a malformed value stops
    /// the command before anything is opened (exit 64, naming the variable).
    func configuration(coach: CoachOptions? = nil) throws -> EngineConfiguration {
        try configuration(coach: coach, receiving: false).engine
    }

    /// The engine's configuration and, for the Twilio sender or for `serve` (`receiving`),
    /// Twilio's settings.
    func configuration(coach: CoachOptions?, receiving: Bool) throws -> (engine: EngineConfiguration, twilio: TwilioConfiguration?) {
        let environment = ProcessInfo.processInfo.environment
        let llm = try coach?.makeCoach()
        let senders = try SenderConfiguration.resolve(
            environment: environment, overrides: ["PERIODIZE_SENDER": sender, "PERIODIZE_SENDER_URL": senderURL])
        // The webhooks need Twilio's auth token and the public URL; sending through Twilio needs
        // its account too. `serve` with another sender serves the webhooks when both are given.
        let wantsTwilio = senders.kind == .twilio || (receiving && environment["TWILIO_AUTH_TOKEN"].map { !$0.isEmpty } == true)
        let twilio = wantsTwilio ? try TwilioConfiguration.resolve(environment: environment, receiving: receiving) : nil
        var master: SymmetricKey?
        if let text = environment[MasterKey.variable], !text.isEmpty {
            guard let key = MasterKey.parse(text) else {
                throw CommandFailure(message: "error: \(MasterKey.variable) is not a 32-byte key (64 hex digits or base64)", exitCode: CommandFailure.usage)
            }
            master = key
        }
        let signer = try CheckpointSigner.fromEnvironment(environment)
        var every: Int64 = 1000
        if let text = environment["PERIODIZE_CHECKPOINT_EVERY"], !text.isEmpty {
            guard let value = Int64(text), value >= 1 else {
                throw CommandFailure(message: "error: PERIODIZE_CHECKPOINT_EVERY=\(text) is not a whole number of events, 1 or more", exitCode: CommandFailure.usage)
            }
            every = value
        }
        var engine = EngineConfiguration(
            path: db, durability: durability, smsSegments: smsSegments, sender: senders.makeSender(twilio: twilio), delivery: senders.delivery,
            faults: try TestFaults.fromEnvironment(), coach: llm, masterKey: master, signer: signer, checkpointEvery: every)
        if let clock = try TestFaults.clock(environment) {
            engine.clock = clock
            engine.ids = { let made = TimeOrderedIDs(clock: clock); return { made.next() } }()
        }
        return (engine, twilio)
    }
}

/// Which coach generates, for the commands that generate. Flags win over the environment.
struct CoachOptions: ParsableArguments {
    @Option(help: "rules, gemini or openai (env PERIODIZE_COACH; default rules).") var coach: String?
    @Option(name: .customLong("gemini-api-key"), help: "(env GEMINI_API_KEY)") var geminiAPIKey: String?
    @Option(name: .customLong("gemini-model"), help: "(env GEMINI_MODEL; default gemini-2.0-flash)") var geminiModel: String?
    @Option(name: .customLong("gemini-base-url"), help: "(env GEMINI_BASE_URL)") var geminiBaseURL: String?
    @Option(name: .customLong("openai-api-key"), help: "(env OPENAI_API_KEY)") var openAIAPIKey: String?
    @Option(name: .customLong("openai-model"), help: "(env OPENAI_MODEL)") var openAIModel: String?
    @Option(name: .customLong("openai-base-url"), help: "(env OPENAI_BASE_URL; a llama.cpp, vLLM or Ollama server's address)") var openAIBaseURL: String?
    @Option(name: .customLong("openai-response-format"), help: "json_schema or json_object (env OPENAI_RESPONSE_FORMAT).") var openAIResponseFormat: String?
    @Option(name: .customLong("llm-timeout"), help: "Seconds per model call (env PERIODIZE_LLM_TIMEOUT_S; default 60).") var timeout: String?
    @Option(name: .customLong("llm-concurrency"), help: "Model calls in flight at once (env PERIODIZE_LLM_CONCURRENCY; default 8).") var concurrency: String?
    @Option(name: .customLong("llm-rpm"), help: "Model calls started per minute (env PERIODIZE_LLM_RPM; default unlimited).") var rpm: String?
    @Option(name: .customLong("llm-messages"), help: "1 to have the model write the daily SMS too (env PERIODIZE_LLM_MESSAGES; default 0).") var messages: String?

    /// The configured model coach, nil for the rules; a configuration error (a missing key)
    /// stops the command before it does anything.
    func makeCoach() throws -> LLMCoach? {
        let configuration = try CoachConfiguration.resolve(environment: ProcessInfo.processInfo.environment, overrides: [
            "PERIODIZE_COACH": coach, "GEMINI_API_KEY": geminiAPIKey, "GEMINI_MODEL": geminiModel, "GEMINI_BASE_URL": geminiBaseURL,
            "OPENAI_API_KEY": openAIAPIKey, "OPENAI_MODEL": openAIModel, "OPENAI_BASE_URL": openAIBaseURL,
            "OPENAI_RESPONSE_FORMAT": openAIResponseFormat, "PERIODIZE_LLM_TIMEOUT_S": timeout,
            "PERIODIZE_LLM_CONCURRENCY": concurrency, "PERIODIZE_LLM_RPM": rpm, "PERIODIZE_LLM_MESSAGES": messages,
        ])
        return configuration.makeCoach()
    }
}

extension Durability: ExpressibleByArgument {}

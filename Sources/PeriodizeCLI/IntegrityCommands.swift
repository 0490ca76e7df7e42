import ArgumentParser
import Checkpoints
import EventLog
import Events
import Foundation
import Periodize
import PeriodizeApp

struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a client: record the erasure, then destroy their data key.",
        discussion: """
            From then on every personal field of theirs reads as erased (show, audit, events,
            rebuilds and replays); their training history stays. Fields stored before
            encryption stay in the clear until `periodize compact --into NEW` and the old
            file's deletion.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The client to erase.") var client: String?
    @Option(help: "Instead of a client: a number that is no client's, whose texts to erase (E.164).") var number: String?
    @Option(help: "Why (kept in the log, not personal: a ticket number, not the person's words).") var reason: String

    func validate() throws {
        guard (client == nil) != (number == nil) else { throw ValidationError("give a client or --number, one of them") }
    }

    func run() async throws {
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let report: ErasureReport
        if let number { report = try await engine.erase(phoneNumber: number, reason: reason) } else { report = try await engine.erase(clientID: client!, reason: reason) }
        print("\(report.alreadyErased ? "already erased" : "erased") \(report.clientID) (event at position \(report.position)); data key destroyed")
        if report.plaintextEvents > 0 {
            print("warning: \(report.plaintextEvents) events of \(report.clientID) were stored before encryption: their personal fields stay in \(store.db) until `periodize compact --into NEW` and the old file's deletion")
        }
    }
}

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the chain's head now (Ed25519, key from PERIODIZE_SIGNING_KEY or PERIODIZE_SIGNING_KEY_FILE).",
        subcommands: [Sign.self, KeyGen.self, List.self],
        defaultSubcommand: Sign.self)

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sign", abstract: "Sign the chain's head now and keep the checkpoint in the log.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let configuration = try store.configuration()
            guard configuration.signer != nil else {
                throw CheckpointError.noSigningKey("a checkpoint")
            }
            let engine = try await makeEngine(configuration)
            defer { try? engine.close() }
            let checkpoint = try await engine.checkpoint()
            print("checkpoint \(checkpoint.position) \(checkpoint.hash) signed at \(checkpoint.signedAt) by \(checkpoint.publicKey)")
        }
    }

    struct KeyGen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen", abstract: "Make a signing key: the private key into a file (mode 0600), the public key printed.")
        @Option(help: "Where to write the private key (it must not exist).") var out: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw CommandFailure(message: "error: \(out) already exists", exitCode: CommandFailure.usage)
            }
            let key = CheckpointSigner.generate()
            guard FileManager.default.createFile(atPath: out, contents: Data((key.privateKey + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure(message: "error: cannot write \(out)")
            }
            print("public key \(key.publicKey)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every checkpoint in the log (JSON Lines with --json, to keep elsewhere).")
        @OptionGroup var store: StoreOptions
        @Flag var json = false

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for (_, checkpoint) in try await engine.checkpoints() {
                if json {
                    print(String(decoding: try encoder.encode(checkpoint), as: UTF8.self))
                } else {
                    print("\(checkpoint.position)\t\(checkpoint.hash)\t\(checkpoint.signedAt)\t\(checkpoint.publicKey)")
                }
            }
        }
    }
}

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Copy the log into a new file with every personal field encrypted and a chain of its own, bound to the old head by a signed statement.",
        discussion: """
            For logs with events from before encryption: their personal fields are encrypted in
            the copy (an erased client's are written as erased). The copy ends with a
            `LogCompacted` event signed with PERIODIZE_SIGNING_KEY. Stop every process that writes
            to the log first (it fails if the log grows during the copy). Delete the old file (and
            its backups) afterwards: it still holds the plaintext.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The new file (it must not exist).") var into: String

    func run() async throws {
        let configuration = try store.configuration()
        guard let signer = configuration.signer else {
            throw CheckpointError.noSigningKey("compact (it signs its statement)")
        }
        guard !FileManager.default.fileExists(atPath: into) else {
            throw CommandFailure(message: "error: \(into) already exists; compact writes a new file", exitCode: CommandFailure.usage)
        }
        let engine = try await makeEngine(configuration)
        defer { try? engine.close() }
        let report = try await compactLog(engine, configuration: configuration, signer: signer, into: into) { done in
            Terminal.progress("compact", Int64(done), 0)
        }
        Terminal.done()
        print("compacted \(report.events) events into \(into): \(report.fieldsEncrypted) personal fields encrypted, \(report.fieldsErased) of erased clients written as erased")
        print("old head \(report.sourcePosition) \(report.sourceHash)")
        print("new head \(report.position) \(report.hash) (LogCompacted at \(report.statementPosition))")
    }
}

/// `periodize token create NAME --role operator|support|auditor`, `token revoke NAME`,
/// `token list`: the API's tokens. The token is printed once; the log keeps its SHA-256.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make, end and list the API's tokens (the log keeps only their hashes and roles).",
        subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Make a token and print it, once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token's name (who or what uses it): 1-40 letters, digits, - or _.") var name: String
        @Option(help: "operator (reads and writes), support (reads everything, relays replies) or auditor (reads with personal fields redacted).")
        var role: String

        func run() async throws {
            guard let role = TokenRole(rawValue: role) else {
                throw CommandFailure(message: "error: --role \(role) is not one of operator, support, auditor", exitCode: CommandFailure.usage)
            }
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let token = try await engine.createToken(name: name, role: role)
            print(token)
            FileHandle.standardError.write(Data("token \(name) (\(role.rawValue)) made: keep it now, it is not shown again\n".utf8))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "End a token: it is refused from now on.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            try await engine.revokeToken(name: name)
            print("token \(name) revoked")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every token made: name, role, made, revoked (never the token).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            for token in try await engine.tokens() {
                print("\(token.name)\t\(token.role.rawValue)\tmade \(token.createdAt)\t\(token.revokedAt.map { "revoked \($0)" } ?? "working")")
            }
        }
    }
}

import ArgumentParser
import EventLog
import Foundation
import Periodize
import Projections
import Checkpoints

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the hash chain and check that a fresh rebuild matches the live read-models.",
        discussion: "Exits 3 and names the first bad position when the log was edited, or the read-models that differ.")

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("A head written down earlier: the chain must hold this hash at this position (repeatable).", valueName: "POSITION:HASH"))
    var expect: [String] = []
    @Option(help: ArgumentHelp("Check every checkpoint signed by this Ed25519 public key (64 hex digits).", valueName: "PUBLIC_KEY"))
    var key: String?
    @Option(name: .customLong("max-age"), help: ArgumentHelp("With --key: fail when the newest checkpoint is older than this (90s, 30m, 24h, 7d).", valueName: "AGE"))
    var maxAge: String?

    func run() async throws {
        let expectations = try expect.map(Self.parseExpectation)
        let verifier = try key.map { text in
            guard let verifier = CheckpointVerifier(publicKey: text) else {
                throw CommandFailure(message: "error: --key \(text) is not an Ed25519 public key (64 hex digits or base64)", exitCode: CommandFailure.usage)
            }
            return verifier
        }
        let bound = try maxAge.map { text in
            guard let seconds = Self.parseAge(text) else {
                throw CommandFailure(message: "error: --max-age \(text) is not an age such as 90s, 30m, 24h or 7d", exitCode: CommandFailure.usage)
            }
            return seconds
        }
        if bound != nil, verifier == nil { throw CommandFailure(message: "error: --max-age needs --key", exitCode: CommandFailure.usage) }
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let report = try await engine.verify { stage, done, total in Terminal.progress(stage, done, total) }
        Terminal.done()
        let chain = report.chain
        if let bad = chain.firstBad {
            throw CommandFailure(message: "verify failed: position \(bad.position): \(bad.reason)", exitCode: 3)
        }
        if let first = report.undecodable.first {
            throw CommandFailure(message: "verify failed: position \(first.position): payload does not decode: \(first.reason)", exitCode: 3)
        }
        print("chain: \(chain.eventCount) events, intact")
        print("head \(chain.headPosition) \(chain.headHash.hexString)")
        for (position, hash) in expectations {
            guard let stored = try await engine.hash(at: position) else {
                throw CommandFailure(message: "verify failed: --expect \(position): the log ends at \(chain.headPosition) (cut short?)", exitCode: 3)
            }
            guard stored.hexString == hash else {
                throw CommandFailure(message: "verify failed: --expect \(position): the chain holds \(stored.hexString) there, not \(hash): the log was rewritten", exitCode: 3)
            }
            print("expected head \(position) \(hash): holds")
        }
        if let verifier {
            let checked = try await engine.store.checkCheckpoints(verifier)
            if let failure = checked.failure { throw CommandFailure(message: "verify failed: checkpoint: \(failure)", exitCode: 3) }
            guard let newest = checked.newest, let signedAt = Timestamp(iso8601: newest.signedAt) else {
                throw CommandFailure(message: "verify failed: no checkpoint signed by \(verifier.publicKeyHex) (\(checked.otherKeys) by other keys)", exitCode: 3)
            }
            let age = engine.clock().timeIntervalSince1970 - Double(signedAt.milliseconds) / 1000
            print("checkpoints: \(checked.checked) signed by \(verifier.publicKeyHex.prefix(16))..., all hold; newest at position \(newest.position), \(newest.signedAt) (\(Int(age)) s ago); \(checked.unsigned) events after it")
            if let bound, age > bound {
                throw CommandFailure(message: "verify failed: the newest checkpoint (position \(newest.position), \(newest.signedAt)) is older than --max-age \(maxAge!): checkpoints stopped, or the tail was cut off with them", exitCode: 3)
            }
        }
        guard let models = report.readModels else { return }
        if !models.lagging.isEmpty {
            throw CommandFailure(message: "verify failed: read-models behind the log: \(models.lagging.joined(separator: ", "))", exitCode: 3)
        }
        if !models.mismatched.isEmpty {
            throw CommandFailure(message: "verify failed: read-models differ from a fresh rebuild: \(models.mismatched.joined(separator: ", ")) (run `periodize rebuild --diff`)", exitCode: 3)
        }
        print("read-models: \(models.fresh.count) match a fresh rebuild at position \(models.position); checksum \(models.freshChecksum)")
    }
}

extension VerifyCommand {
    static func parseExpectation(_ text: String) throws -> (Int64, String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let position = Int64(parts[0]), position >= 1, parts[1].count == 64, let hash = Data(hexString: parts[1]) else {
            throw CommandFailure(message: "error: --expect \(text) is not POSITION:HASH (a position and 64 hex digits, as `verify` prints the head)", exitCode: CommandFailure.usage)
        }
        return (position, hash.hexString)
    }

    /// Seconds in `90s`, `30m`, `24h`, `7d` or a bare number of seconds.
    static func parseAge(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value > 0 { return value * unit }
        if let value = Double(text), value > 0 { return value }
        return nil
    }
}

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read-models from the log, blue/green: built beside the live ones, then switched atomically.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("projection"), help: "Only this read-model (repeatable).") var projections: [String] = []
    @Flag(help: "Report how the rebuilt read-models differ from the live ones.") var diff = false

    func run() async throws {
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let report = try await engine.rebuild(only: projections, diff: diff) { done, total in Terminal.progress("rebuild", done, total) }
        Terminal.done()
        for name in report.checksums.keys.sorted() {
            print("\(name)\t\(report.checksums[name]!)")
        }
        print("rebuilt \(report.projections.count) read-models at position \(report.position); checksum \(report.checksum)")
        let d = report.durations
        print(String(format: "filled in %.2f s, indexed and checksummed in %.2f s, switched in %.2f s", d.fill.inSeconds, d.index.inSeconds, d.switch.inSeconds))
        if let differences = report.differences {
            let changed = differences.filter { $0.onlyInLive > 0 || $0.onlyInRebuild > 0 || $0.schemaChanged }
            if changed.isEmpty { print("no differences from the live read-models") }
            for difference in changed {
                if difference.schemaChanged {
                    print("\(difference.table): columns changed (\(difference.onlyInRebuild) rows rebuilt)")
                } else {
                    print("\(difference.table): \(difference.onlyInRebuild) rows only in the rebuild, \(difference.onlyInLive) only in the live table")
                }
                for sample in difference.samples { print("  \(sample)") }
            }
        }
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild the world as of a position or a time into a new file.")

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("A global position, or an ISO 8601 time (events recorded at or before it).", valueName: "position|timestamp"))
    var until: String
    @Option(help: "The new file to write (must not exist).") var into: String

    func run() async throws {
        guard let point = PointInTime(until) else {
            throw CommandFailure(message: "error: --until \(until) is neither a position nor an ISO 8601 time (e.g. 2026-03-08T12:00:00Z)")
        }
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let last = try await engine.replay(until: point, into: into) { done, total in Terminal.progress("replay", done, total) }
        Terminal.done()
        print("wrote \(into): the log through position \(last) (\(point)) and its read-models")
    }
}

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts of events and read-model rows; model usage, failures and fallbacks by day.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let stats = try await engine.stats()
        print("events: \(stats.events) in \(stats.streams) streams; file \(stats.fileBytes) bytes")
        if let first = stats.firstRecordedAt, let last = stats.lastRecordedAt { print("recorded: \(first.iso8601) .. \(last.iso8601)") }
        for entry in stats.byType { print("  \(entry.type) v\(entry.schemaVersion)\t\(entry.count)") }
        print("read-models:")
        for model in stats.readModels { print("  \(model.name) v\(model.version)\tat \(model.position)\t\(model.rows) rows") }
        let delivery = try await engine.readModels.deliveryCounts()
        if !delivery.byStatus.isEmpty {
            print("outbound message parts: " + delivery.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print("possibly duplicated: \(delivery.possiblyDuplicated) (attempts taken again after a worker stopped between the provider and the log)")
            if let held = delivery.byStatus["held"], held > 0 {
                print("held: \(held) part(s) may have reached the provider, which could not be asked: not sent again until it answers")
            }
            let inbox = try await engine.readModels.inbox(limit: 100_000).count
            if inbox > 0 { print("texts for a person (periodize inbox): \(inbox)") }
            if !delivery.byDeliveryStatus.isEmpty {
                print("reported by the provider: " + delivery.byDeliveryStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
        guard !stats.generation.isEmpty else { return }
        print("generation by day (UTC), coach and model:")
        for usage in stats.generation {
            var line = "  \(usage.day) \(usage.coach)\(usage.model.map { " \($0)" } ?? ""): \(usage.artefacts) artefacts"
            if usage.calls > 0 {
                line += String(
                    format: ", %lld calls, %lld failed (%.1f%%), %lld fell back to the rules (%.1f%%), tokens %lld in / %lld out, mean latency %.0f ms",
                    usage.calls, usage.failedCalls, usage.failureRate * 100, usage.fallbacks, usage.fallbackRate * 100,
                    usage.promptTokens, usage.completionTokens, usage.latencyMs / Double(usage.calls))
            }
            print(line)
        }
    }
}

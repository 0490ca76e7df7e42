import ArgumentParser
import EventLog
import Foundation
import Periodize
import Projections

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the hash chain and check that a fresh rebuild matches the live read-models.",
        discussion: "Exits 3 and names the first bad position when the log was edited, or the read-models that differ.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
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
        print("chain: \(chain.eventCount) events, intact; head \(chain.headPosition) \(chain.headHash.hexString)")
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

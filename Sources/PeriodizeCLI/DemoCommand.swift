import ArgumentParser
import EventLog
import Foundation
import Periodize
import Projections

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write a sample coaching history to the log, then show it survives a rebuild and an export/import round trip.")

    @OptionGroup var store: StoreOptions
    @Option(help: "How many sample clients.") var clients: Int = 8
    @Option(help: "Seed for the sample history.") var seed: UInt64 = 1

    func run() async throws {
        guard (1...100_000).contains(clients) else { throw CommandFailure(message: "error: --clients must be 1 to 100000") }
        let engine = try await store.openEngine()
        defer { try? engine.close() }
        let history = SampleHistory(seed: seed)
        var appended = 0
        for index in 0..<clients {
            let (clientID, events) = history.client(index)
            let result = try await engine.store.append(events, to: Engine.clientStream(clientID), expected: .any)
            if !result.alreadyStored { appended += events.count }
        }
        let stats = try await engine.stats()
        print("log \(store.db): \(stats.events) events in \(stats.streams) streams (\(appended) appended now)")
        for model in stats.readModels { print("  read-model \(model.name): \(model.rows) rows at position \(model.position)") }

        let rebuilt = try await engine.rebuild()
        print("rebuilt every read-model from the log: checksum \(rebuilt.checksum.prefix(16))")
        let again = try await engine.rebuild()
        print("rebuilt again: checksum \(again.checksum.prefix(16)) (\(again.checksum == rebuilt.checksum ? "identical" : "DIFFERENT"))")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("periodize-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let exportPath = folder.appendingPathComponent("events.jsonl").path
        _ = FileManager.default.createFile(atPath: exportPath, contents: nil)
        let handle = FileHandle(forWritingAtPath: exportPath)!
        let exported = try await engine.store.export(to: handle)
        try handle.close()
        let copy = try await Engine.open(Engine.Options(path: folder.appendingPathComponent("copy.sqlite").path))
        defer { try? copy.close() }
        _ = try await copy.store.importEvents(from: exportPath)
        let original = try await engine.verify()
        let imported = try await copy.verify()
        print("exported \(exported) events and imported them into an empty log:")
        print("  original head \(original.chain.headHash.hexString.prefix(16)), verify \(original.isValid ? "passes" : "FAILS")")
        print("  imported head \(imported.chain.headHash.hexString.prefix(16)), verify \(imported.isValid ? "passes" : "FAILS")")
        let sameModels = original.readModels?.fresh == imported.readModels?.fresh
        print("  read-models identical: \(sameModels ? "yes" : "NO")")
        guard original.isValid, imported.isValid, sameModels, again.checksum == rebuilt.checksum else {
            throw CommandFailure(message: "demo: the round trip did not reproduce the log", exitCode: 3)
        }
        print("try: periodize events --stream \(Engine.clientStream("c0")) --db \(store.db)")
    }
}

import ArgumentParser
import EventLog
import Foundation
import Periodize

/// Commands for crash and multi-process tests; not shown in help.
struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Test helpers.", shouldDisplay: false,
        subcommands: [AppendLoop.self])

    /// Appends sample events one append at a time and prints `committed POSITION` after each
    /// commit returns, so that a test can kill it and check what it was told.
    struct AppendLoop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "append-loop")

        @OptionGroup var store: StoreOptions
        @Option var stream: String
        @Option var count: Int = 1000
        @Option var batch: Int = 1

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let output = FileHandle.standardOutput
            for n in 0..<count {
                let events = (0..<batch).map { k in
                    NewEvent(
                        eventID: UUID(), type: "DebugTick", schemaVersion: 1,
                        payload: Data(#"{"n":\#(n * batch + k),"stream":"\#(stream)"}"#.utf8), actor: "debug")
                }
                let result = try await engine.store.append(events, to: stream, expected: .any)
                output.write(Data("committed \(result.positions.last!)\n".utf8))
            }
        }
    }
}

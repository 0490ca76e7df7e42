import ArgumentParser
import EventLog
import Events
import Foundation
import Periodize

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List, export and import the event log.",
        subcommands: [List.self, Export.self, Import.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List events in position order.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Only this stream, e.g. client-42.") var stream: String?
        @Option(help: "Only this event type, e.g. WorkoutGenerated.") var type: String?
        @Option(help: "From this global position.") var from: Int64 = 1
        @Option(help: "Through this global position.") var through: Int64?
        @Option(help: "At most this many events.") var limit: Int?
        @Flag(help: "One JSON envelope a line, payload decoded.") var json = false

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let filter = EventFilter(stream: stream, type: type, fromPosition: from, throughPosition: through, limit: limit)
            let json = json
            try await engine.store.forEachEvent(matching: filter) { event in
                if json {
                    print(try EventListing.json(event))
                } else {
                    print(EventListing.line(event))
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the log as JSON Lines of envelopes (stdout, or --output).")

        @OptionGroup var store: StoreOptions
        @Option(help: "Write here instead of stdout.") var output: String?

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil) , let file = FileHandle(forWritingAtPath: output) else {
                    throw CommandFailure(message: "error: cannot write \(output)")
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let count = try await engine.store.export(to: handle)
            if output != nil {
                try handle.close()
                FileHandle.standardError.write(Data("exported \(count) events to \(output!)\n".utf8))
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an export: same positions, ids and hashes. All or nothing.",
            discussion: "The file must continue this log's chain: a whole export goes into an empty log. Lines already stored identically are skipped.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "A JSON Lines file written by `events export`.") var file: String

        func run() async throws {
            let engine = try await store.openEngine()
            defer { try? engine.close() }
            let report = try await engine.store.importEvents(from: file) { count in Terminal.progress("importing", Int64(count), 0) }
            Terminal.done()
            print("imported \(report.appended) events (\(report.alreadyStored) already stored); head is position \(report.headPosition)")
        }
    }
}

enum EventListing {
    static func line(_ event: RecordedEvent) -> String {
        "\(event.position)\t\(event.metadata.recordedAt.iso8601)\t\(event.streamID)@\(event.streamVersion)\t\(event.type) v\(event.schemaVersion)\t\(event.eventID.uuidString.lowercased())"
    }

    /// One line of JSON: the envelope and the payload as stored (opened).
    static func json(_ event: RecordedEvent) throws -> String { EnvelopeJSON.line(event) }
}

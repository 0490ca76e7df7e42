import EventLog
import EventLogSQLite
import Events
import Foundation
import GRDB
import GRDBSQLite
import Periodize
import Projections
import ReadModelsSQLite

/// `periodize-bench [append-batch|append-single|rebuild|all] [--events N] [--single N] [--dir PATH]`
///
/// Every figure is measured beside its raw SQLite C API baseline in the same run, and printed
/// as a ratio. Build with `-c release`.
@main
struct Benchmarks {
    static func main() async {
        do {
            try await run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("periodize-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) async throws {
        var options = Options()
        var command = "all"
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--events": options.events = Int(try value()) ?? options.events
            case "--single": options.single = Int(try value()) ?? options.single
            case "--clients": options.clients = Int(try value()) ?? options.clients
            case "--dir": options.directory = try value()
            case "--rate": options.rate = Double(try value()) ?? options.rate
            case "--seconds": options.seconds = Double(try value()) ?? options.seconds
            case "--help", "-h":
                say("usage: periodize-bench [append-batch|append-single|rebuild|workouts|tick|model-tick|legacy-migration|serve-load|serve-tick|replies|all] [--events N] [--single N] [--clients N] [--rate R --seconds S] [--dir PATH]")
                return
            case let other where !other.hasPrefix("-"):
                command = other
                if other == "rebuild-log" {
                    options.logPath = try value()
                }
                if other == "rebuild-shape" {
                    options.shape = try value()
                }
                if other == "make-log" {
                    options.logPath = try value()
                    options.shape = try value()
                }
            default: throw BenchError("unknown option \(arguments[index])")
            }
            index += 1
        }
        let folder = options.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("periodize-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        options.folder = folder
        defer { if options.directory == nil { try? FileManager.default.removeItem(atPath: folder) } }
        say("periodize-bench: \(options.events) events, \(options.single) single appends, SQLite \(String(cString: sqlite3_libversion())), folder \(folder)")
        switch command {
        case "append-batch": try await AppendBenchmarks.batched(options)
        case "append-single": try await AppendBenchmarks.single(options)
        case "rebuild": try await RebuildBenchmark.run(options)
        case "workouts": try CoachingBenchmarks.workouts(options)
        case "tick": try await CoachingBenchmarks.tick(options)
        case "model-tick": try await ModelTickBenchmark.run(options)
        case "legacy-migration": try await LegacyMigrationBenchmark.run(options)
        case "serve-load": try await ServeBenchmarks.load(options)
        case "serve-tick": try await ServeBenchmarks.cappedTick(options)
        case "replies": try await ReplyBenchmarks.run(options)
        case "api": try await APIBenchmarks.run(options)
        case "rebuild-shape": try await RebuildBenchmark.run(options, shape: options.shape)
        case "rebuild-log": try await RebuildBenchmark.rebuildOnly(path: options.logPath!)
        case "make-log": try await RebuildBenchmark.makeLog(path: options.logPath!, shape: options.shape, events: options.events)
        case "all":
            // Each in its own process, so that each peak RSS is its own.
            for benchmark in ["append-batch", "append-single", "rebuild", "workouts", "tick", "model-tick", "legacy-migration", "serve-load", "serve-tick", "replies", "api"] {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                child.arguments = [benchmark, "--events", String(options.events), "--single", String(options.single), "--clients", String(options.clients),
                                   "--rate", String(options.rate), "--seconds", String(options.seconds)]
                try child.run()
                child.waitUntilExit()
                guard child.terminationStatus == 0 else { throw BenchError("\(benchmark) failed") }
            }
        default: throw BenchError("unknown benchmark \(command)")
        }
    }
}

struct Options: Sendable {
    var events = 1_000_000
    var single = 2000
    var clients = 100_000
    var directory: String?
    var folder = ""
    var logPath: String?
    var shape = "messages"
    /// Requests a second and seconds of the service's load benchmark.
    var rate = 1_000.0
    var seconds = 30.0
}

/// Throughput, a ratio, and how to print them.
enum Report {
    static func rate(_ count: Int, _ duration: Duration) -> Double {
        Double(count) / duration.inSeconds
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }

    static func line(_ name: String, ours: Double, raw: Double, target: String) {
        say(String(format: "%@: periodize %.0f/s, raw SQLite %.0f/s, ratio %.2f (target %@)", name, ours, raw, ours / raw, target))
    }

    /// Peak resident memory of this process, in MB.
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Removes a SQLite file and its WAL companions.
func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Prints a line at once (stdout to a file or pipe is block-buffered, and a benchmark run is
/// long enough that its lines should show as they come).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

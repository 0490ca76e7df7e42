import Foundation

/// A folder under the system temporary directory, removed when the test is done.
public final class TemporaryDirectory: @unchecked Sendable {
    // Immutable after init.
    public let url: URL

    public init(_ label: String = "test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("periodize-\(label)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Runs the built `periodize` executable as a real process.
public enum PeriodizeBinary {
    /// The `periodize` built beside this test bundle.
    public static var url: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("periodize")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let fromBundle = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("periodize")
        return fromBundle
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `periodize arguments` to completion.
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let process = Self.process(arguments, environment: environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let stdoutData = PipeReader.readToEnd(out.fileHandleForReading)
        let stderrData = PipeReader.readToEnd(err.fileHandleForReading)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Runs `periodize arguments` to completion on a thread of its own, so an async test does not
    /// hold one of the few threads its in-process servers answer on.
    public static func runInBackground(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try run(arguments, environment: environment) })
            }
        }
    }

    /// Starts `periodize arguments` with its output discarded, to be killed or waited for.
    public static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Self.process(arguments, environment: environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// `periodize arguments`, not started, with `environment` over this process's.
    static func process(_ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return process
    }

    /// Waits for `process` to end, on a thread of its own.
    public static func exit(of process: Process) async {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }

    /// Starts `periodize arguments` and returns it running, its stdout readable line by line.
    public static func start(_ arguments: [String]) throws -> (process: Process, stdout: FileHandle) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out.fileHandleForReading)
    }
}

/// A clock that returns what it is set to, for deterministic timestamps.
public final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Date

    public init(_ start: Date) { now = start }

    public func advance(by seconds: TimeInterval) {
        lock.lock(); defer { lock.unlock() }
        now += seconds
    }

    public func date() -> Date {
        lock.lock(); defer { lock.unlock() }
        return now
    }

    public func set(_ date: Date) {
        lock.lock(); defer { lock.unlock() }
        now = date
    }
}

/// Reads pipes with `read(2)`, retrying on EINTR (Foundation's `FileHandle` traps on it, and
/// tests that kill child processes get signals).
public enum PipeReader {
    /// Up to 64 KiB, waiting for at least one byte; empty at end of file.
    public static func readSome(_ handle: FileHandle) -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[0..<count]) }
            if errno != EINTR { return Data() }
        }
    }

    public static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        while true {
            let chunk = readSome(handle)
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }
}

import Foundation
import EventLog
import Periodize
import Synchronization

/// Fault hooks for crash tests only: `PERIODIZE_TEST_FAULT=kill-after-accept` (or
/// `kill-after-accept:N`, after the Nth part) kills this process with SIGKILL right after the
/// provider accepted a part and before its outcome is appended; `kill-after-erasure-event`
/// kills it after `ClientErased` is appended and before the key is destroyed.
enum TestFaults {
    /// `PERIODIZE_TEST_CLOCK=<ISO 8601 instant>`: for process tests only, this process's clock
    /// starts at that instant and runs at the real pace (a service test can be "tomorrow").
    static func clock(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (@Sendable () -> Date)? {
        guard let text = environment["PERIODIZE_TEST_CLOCK"], !text.isEmpty else { return nil }
        guard let start = Timestamp(iso8601: text)?.date else {
            throw CommandFailure(message: "error: PERIODIZE_TEST_CLOCK=\(text) is not an ISO 8601 time", exitCode: CommandFailure.usage)
        }
        let began = Date()
        return { start.addingTimeInterval(Date().timeIntervalSince(began)) }
    }

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeliveryFaults? {
        guard let text = environment["PERIODIZE_TEST_FAULT"], !text.isEmpty else { return nil }
        if text == "kill-after-erasure-event" {
            return DeliveryFaults(afterErasureRecorded: { _ in kill(getpid(), SIGKILL) })
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts[0] == "kill-after-accept", let after = parts.count > 1 ? Int(parts[1]) : 1, after >= 1 else {
            throw CommandFailure(
                message: "error: PERIODIZE_TEST_FAULT=\(text) is not kill-after-accept, kill-after-accept:N or kill-after-erasure-event",
                exitCode: CommandFailure.usage)
        }
        let accepted = Mutex(0)
        return DeliveryFaults(afterProviderAccepted: { _ in
            if accepted.withLock({ $0 += 1; return $0 }) >= after { kill(getpid(), SIGKILL) }
        })
    }
}

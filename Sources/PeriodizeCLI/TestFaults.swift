import Foundation
import Periodize
import Synchronization

/// The delivery worker's fault hook, for crash tests only: `PERIODIZE_TEST_FAULT=kill-after-accept`
/// (or `kill-after-accept:N`, after the Nth part) kills this process with SIGKILL right after
/// the provider accepted a part and before its outcome is appended.
enum TestFaults {
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeliveryFaults? {
        guard let text = environment["PERIODIZE_TEST_FAULT"], !text.isEmpty else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts[0] == "kill-after-accept", let after = parts.count > 1 ? Int(parts[1]) : 1, after >= 1 else {
            throw CommandFailure(message: "error: PERIODIZE_TEST_FAULT=\(text) is not kill-after-accept or kill-after-accept:N", exitCode: CommandFailure.usage)
        }
        let accepted = Mutex(0)
        return DeliveryFaults { _ in
            if accepted.withLock({ $0 += 1; return $0 }) >= after { kill(getpid(), SIGKILL) }
        }
    }
}

import Foundation
import Synchronization

/// Progress on stderr, only when stderr is a terminal; quiet otherwise.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1
    private static let last = Mutex<(label: String, at: UInt64)>(("", 0))

    /// Draws `label done/total` (or `label done`) at most ten times a second.
    static func progress(_ label: String, _ done: Int64, _ total: Int64) {
        guard isInteractive else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let draw = last.withLock { state -> Bool in
            guard state.label != label || now - state.at > 100_000_000 || done == total else { return false }
            state = (label, now)
            return true
        }
        guard draw else { return }
        var line = "\r\u{1B}[K\(label) "
        if total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
            line += "\(done)/\(total)"
        } else {
            line += "\(done)"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the progress line.
    static func done() {
        guard isInteractive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server whose URL must be known
/// before it starts (Twilio signs what it calls). Drawn below the kernel's ephemeral range
/// (32768 and up on Linux), so a server bound to port 0 meanwhile cannot be handed the same one.
public func freeLoopbackPort() -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20_000..<32_000)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        close(socket)
        if bound == 0 { return port }
    }
    return 0
}

/// Prometheus's text exposition format (0.0.4), parsed: every line a `# HELP`, a `# TYPE`, a
/// blank, or a sample `name{label="value",...} value [timestamp]`; anything else is an error
/// naming the line.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public var samples: [Sample] = []
    /// Metric family types by name (`counter`, `gauge`, `histogram`, ...).
    public var types: [String: String] = [:]

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            func fail(_ why: String) -> ParseError { ParseError(description: "line \(number + 1): \(why): \(line)") }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                if parts.count >= 2, parts[1] == "TYPE" {
                    guard parts.count == 4, Self.isName(parts[2]), ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else { throw fail("bad TYPE") }
                    guard types[parts[2]] == nil else { throw fail("second TYPE for \(parts[2])") }
                    types[parts[2]] = parts[3]
                }
                continue
            }
            var scanner = Substring(line)
            let name = String(scanner.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
            guard Self.isName(name) else { throw fail("no metric name") }
            scanner = scanner.dropFirst(name.count)
            var labels: [String: String] = [:]
            if scanner.first == "{" {
                scanner = scanner.dropFirst()
                while scanner.first != "}" {
                    let label = String(scanner.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    guard !label.isEmpty else { throw fail("bad label name") }
                    scanner = scanner.dropFirst(label.count)
                    guard scanner.hasPrefix("=\"") else { throw fail("label without =\"") }
                    scanner = scanner.dropFirst(2)
                    var value = ""
                    while let character = scanner.first, character != "\"" {
                        scanner = scanner.dropFirst()
                        if character == "\\" {
                            guard let escaped = scanner.first else { throw fail("dangling escape") }
                            scanner = scanner.dropFirst()
                            value.append(escaped == "n" ? "\n" : escaped)
                        } else {
                            value.append(character)
                        }
                    }
                    guard scanner.first == "\"" else { throw fail("unterminated label value") }
                    scanner = scanner.dropFirst()
                    labels[label] = value
                    if scanner.first == "," { scanner = scanner.dropFirst() }
                    guard !scanner.isEmpty else { throw fail("unterminated labels") }
                }
                scanner = scanner.dropFirst()
            }
            let fields = scanner.split(separator: " ")
            guard fields.count == 1 || fields.count == 2, let value = Self.number(String(fields[0])) else { throw fail("bad value") }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// The sum of the samples named `name` whose labels include `labels`.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }.reduce(0) { $0 + $1.value }
    }
}

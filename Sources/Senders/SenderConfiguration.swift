import Foundation
import Periodize

/// Where messages go, read from the environment (and flags, which win): `PERIODIZE_SENDER` =
/// `outbox` (the default: recorded in the log, nothing leaves the process) or `http` (a
/// gateway at `PERIODIZE_SENDER_URL`, answering within `PERIODIZE_SENDER_TIMEOUT_S`).
///
/// Resolving checks everything the chosen sender needs, so a missing URL stops a command
/// before it opens anything.
public struct SenderConfiguration: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case outbox, http }

    public var kind: Kind = .outbox
    public var url: URL?
    public var timeout: TimeInterval = 10

    public init() {}

    /// Reads `environment`; a non-nil entry in `overrides` (the flags, keyed like the
    /// environment) replaces the variable.
    ///
    /// - Throws: ``SenderConfigurationError`` naming the variable that is missing or malformed.
    public static func resolve(environment: [String: String], overrides: [String: String?] = [:]) throws -> SenderConfiguration {
        func value(_ name: String) -> String? {
            let raw = (overrides[name] ?? nil) ?? environment[name]
            guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return raw.trimmingCharacters(in: .whitespaces)
        }
        var configuration = SenderConfiguration()
        if let text = value("PERIODIZE_SENDER") {
            guard let kind = Kind(rawValue: text.lowercased()) else {
                throw SenderConfigurationError("PERIODIZE_SENDER=\(text) is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.kind = kind
        }
        if let text = value("PERIODIZE_SENDER_TIMEOUT_S") {
            guard let seconds = Double(text), (0.1...300).contains(seconds) else {
                throw SenderConfigurationError("PERIODIZE_SENDER_TIMEOUT_S=\(text) must be a number of seconds from 0.1 to 300")
            }
            configuration.timeout = seconds
        }
        if configuration.kind == .http {
            guard let text = value("PERIODIZE_SENDER_URL") else {
                throw SenderConfigurationError("PERIODIZE_SENDER=http needs PERIODIZE_SENDER_URL (the gateway's http or https URL)")
            }
            guard let url = HTTPSender.url(text) else {
                throw SenderConfigurationError("PERIODIZE_SENDER_URL=\(text) is not an http or https URL")
            }
            configuration.url = url
        }
        return configuration
    }

    /// The sender this configuration names.
    public func makeSender() -> any MessageSender {
        switch kind {
        case .outbox: OutboxSender()
        case .http: HTTPSender(url: url!, timeout: timeout)
        }
    }
}

/// A sender setting that is missing or malformed: one line naming the variable.
public struct SenderConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

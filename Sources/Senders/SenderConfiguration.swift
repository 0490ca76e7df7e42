import Foundation
import Periodize

/// Where messages go, read from the environment (and flags, which win): `PERIODIZE_SENDER` =
/// `log-only` (the default, also called `outbox`: queued, attempted and recorded sent in the
/// log, nothing leaves the process), `http` (a gateway at `PERIODIZE_SENDER_URL`, answering
/// within `PERIODIZE_SENDER_TIMEOUT_S`) or `twilio` (its settings: `TwilioConfiguration`); a
/// cap in segments per second (`PERIODIZE_SEND_RATE`); and how the delivery worker retries
/// (`PERIODIZE_DELIVERY_MAX_ATTEMPTS`, `PERIODIZE_DELIVERY_RETRY_S`, `PERIODIZE_DELIVERY_LEASE_S`).
///
/// Resolving checks everything the chosen sender needs, so a missing URL stops a command
/// before it opens anything.
public struct SenderConfiguration: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case logOnly = "log-only", http, twilio

        /// `outbox` is the log-only sender's name from before the queue.
        init?(name: String) {
            if name == "outbox" { self = .logOnly } else { self.init(rawValue: name) }
        }
    }

    public var kind: Kind = .logOnly
    public var url: URL?
    public var timeout: TimeInterval = 10
    /// Attempts, backoff and lease of the delivery worker.
    public var delivery = DeliveryPolicy()
    /// The most segments handed to the provider per second, in this process
    /// (`PERIODIZE_SEND_RATE`); nil for no cap.
    public var segmentsPerSecond: Double?

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
            guard let kind = Kind(name: text.lowercased()) else {
                throw SenderConfigurationError("PERIODIZE_SENDER=\(text) is not one of \((Kind.allCases.map(\.rawValue) + ["outbox"]).joined(separator: ", "))")
            }
            configuration.kind = kind
        }
        if let text = value("PERIODIZE_SENDER_TIMEOUT_S") {
            guard let seconds = Double(text), (1...300).contains(seconds) else {
                throw SenderConfigurationError("PERIODIZE_SENDER_TIMEOUT_S=\(text) must be a number of seconds from 1 to 300 (FoundationNetworking fires shorter timeouts at once)")
            }
            configuration.timeout = seconds
        }
        if let text = value("PERIODIZE_DELIVERY_MAX_ATTEMPTS") {
            guard let attempts = Int(text), (1...100).contains(attempts) else {
                throw SenderConfigurationError("PERIODIZE_DELIVERY_MAX_ATTEMPTS=\(text) must be a whole number from 1 to 100")
            }
            configuration.delivery.maxAttempts = attempts
        }
        if let text = value("PERIODIZE_DELIVERY_RETRY_S") {
            guard let seconds = Double(text), (0.01...86_400).contains(seconds) else {
                throw SenderConfigurationError("PERIODIZE_DELIVERY_RETRY_S=\(text) must be a number of seconds from 0.01 to 86400")
            }
            configuration.delivery.firstRetry = seconds
        }
        if let text = value("PERIODIZE_DELIVERY_LEASE_S") {
            guard let seconds = Double(text), (0.1...3_600).contains(seconds) else {
                throw SenderConfigurationError("PERIODIZE_DELIVERY_LEASE_S=\(text) must be a number of seconds from 0.1 to 3600")
            }
            configuration.delivery.lease = seconds
        }
        if let text = value("PERIODIZE_SEND_RATE") {
            guard let rate = Double(text), (0.01...10_000).contains(rate) else {
                throw SenderConfigurationError("PERIODIZE_SEND_RATE=\(text) must be a number of segments per second from 0.01 to 10000")
            }
            configuration.segmentsPerSecond = rate
        }
        // Twilio's attempt may first ask whether it has the part (up to three requests), then send.
        let requests: Double = configuration.kind == .twilio ? 4 : 1
        if configuration.kind != .logOnly, configuration.delivery.lease <= requests * configuration.timeout {
            throw SenderConfigurationError(
                "PERIODIZE_DELIVERY_LEASE_S=\(HTTPSender.seconds(configuration.delivery.lease)) must be longer than "
                    + (requests > 1 ? "4 x " : "") + "the sender's timeout "
                    + "(PERIODIZE_SENDER_TIMEOUT_S=\(HTTPSender.seconds(configuration.timeout))), or a slow send could be taken twice")
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

    /// The sender this configuration names (Twilio's is made by its own configuration,
    /// `makeSender(twilio:)` in target Twilio).
    public func makeSender() -> any MessageSender {
        switch kind {
        case .logOnly: LogOnlySender()
        case .http: HTTPSender(url: url!, timeout: timeout)
        case .twilio: preconditionFailure("Twilio's sender needs its settings: call makeSender(twilio:) (target Twilio)")
        }
    }
}

/// A sender setting that is missing or malformed: one line naming the variable.
public struct SenderConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Foundation
import Periodize
import Senders

/// Twilio's settings, read from the environment (and flags, which win), checked before anything
/// is opened. Values are never echoed: an error names the variable and what it must be.
///
/// - `TWILIO_ACCOUNT_SID` (`AC` + 32 hex digits) and `TWILIO_AUTH_TOKEN` (it signs the
///   webhooks; sending may use `TWILIO_API_KEY_SID` (`SK...`) + `TWILIO_API_KEY_SECRET` instead);
/// - `TWILIO_FROM` (an E.164 number) or `TWILIO_MESSAGING_SERVICE_SID` (`MG...`);
/// - `TWILIO_BASE_URL` (Twilio's own by default; tests point it at a loopback server);
/// - `PERIODIZE_PUBLIC_URL`: the base URL Twilio calls (status callbacks, and the URL
///   signatures are checked against).
public struct TwilioConfiguration: Sendable, Equatable {
    public var accountSID: String
    /// Signs Twilio's webhooks; nil when only an API key was given (then nothing is received).
    public var authToken: String?
    public var apiKey: (sid: String, secret: String)? {
        get { apiKeySID.flatMap { sid in apiKeySecret.map { (sid, $0) } } }
        set { apiKeySID = newValue?.sid; apiKeySecret = newValue?.secret }
    }
    private var apiKeySID: String?
    private var apiKeySecret: String?
    public var origin: TwilioSender.Origin
    public var baseURL: URL
    public var publicURL: URL?

    /// The names read, for `--help` and the README.
    public static let variables = [
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET", "TWILIO_FROM",
        "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_BASE_URL", "PERIODIZE_PUBLIC_URL",
    ]

    /// - Parameter receiving: the webhooks are served (`serve`): the auth token and the public
    ///   URL are then required.
    /// - Throws: ``SenderConfigurationError`` naming the variable.
    public static func resolve(environment: [String: String], overrides: [String: String?] = [:], receiving: Bool) throws -> TwilioConfiguration {
        func value(_ name: String) -> String? {
            let raw = (overrides[name] ?? nil) ?? environment[name]
            guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return raw.trimmingCharacters(in: .whitespaces)
        }
        func sid(_ name: String, prefix: String) throws -> String? {
            guard let text = value(name) else { return nil }
            let hex = text.dropFirst(2)
            guard text.hasPrefix(prefix), hex.count == 32, hex.allSatisfy(\.isHexDigit) else {
                throw SenderConfigurationError("\(name) is not a Twilio sid (\(prefix) and 32 hex digits)")
            }
            return text
        }
        guard let account = try sid("TWILIO_ACCOUNT_SID", prefix: "AC") else {
            throw SenderConfigurationError("PERIODIZE_SENDER=twilio needs TWILIO_ACCOUNT_SID (AC and 32 hex digits)")
        }
        let token = value("TWILIO_AUTH_TOKEN")
        let keySID = try sid("TWILIO_API_KEY_SID", prefix: "SK")
        let keySecret = value("TWILIO_API_KEY_SECRET")
        if (keySID == nil) != (keySecret == nil) {
            throw SenderConfigurationError(keySID == nil ? "TWILIO_API_KEY_SECRET needs TWILIO_API_KEY_SID" : "TWILIO_API_KEY_SID needs TWILIO_API_KEY_SECRET")
        }
        if token == nil, receiving || keySID == nil {
            throw SenderConfigurationError(receiving
                ? "TWILIO_AUTH_TOKEN is needed to check the signatures of Twilio's webhooks"
                : "PERIODIZE_SENDER=twilio needs TWILIO_AUTH_TOKEN (or TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET)")
        }
        let origin: TwilioSender.Origin
        switch (value("TWILIO_FROM"), try sid("TWILIO_MESSAGING_SERVICE_SID", prefix: "MG")) {
        case (let from?, nil):
            guard Enrollment.isE164(from) else {
                throw SenderConfigurationError("TWILIO_FROM is not an E.164 number (+ and 8 to 15 digits)")
            }
            origin = .from(from)
        case (nil, let service?):
            origin = .messagingService(service)
        case (nil, nil):
            throw SenderConfigurationError("PERIODIZE_SENDER=twilio needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID")
        case (_?, _?):
            throw SenderConfigurationError("TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID are both set: give one")
        }
        var baseURL = TwilioSender.defaultBaseURL
        if let text = value("TWILIO_BASE_URL") {
            guard let url = HTTPSender.url(text) else { throw SenderConfigurationError("TWILIO_BASE_URL is not an http or https URL") }
            baseURL = url
        }
        var publicURL: URL?
        if let text = value("PERIODIZE_PUBLIC_URL") {
            guard let url = HTTPSender.url(text), url.query == nil else {
                throw SenderConfigurationError("PERIODIZE_PUBLIC_URL=\(text) is not an http or https base URL (no query)")
            }
            publicURL = url
        } else if receiving {
            throw SenderConfigurationError("PERIODIZE_PUBLIC_URL is needed: the base URL Twilio calls, for status callbacks and checking signatures")
        }
        var configuration = TwilioConfiguration(accountSID: account, authToken: token, origin: origin, baseURL: baseURL, publicURL: publicURL)
        configuration.apiKeySID = keySID
        configuration.apiKeySecret = keySecret
        return configuration
    }

    init(accountSID: String, authToken: String?, origin: TwilioSender.Origin, baseURL: URL, publicURL: URL?) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.origin = origin
        self.baseURL = baseURL
        self.publicURL = publicURL
    }

    public static func == (a: TwilioConfiguration, b: TwilioConfiguration) -> Bool {
        a.accountSID == b.accountSID && a.authToken == b.authToken && a.apiKeySID == b.apiKeySID && a.apiKeySecret == b.apiKeySecret
            && a.origin == b.origin && a.baseURL == b.baseURL && a.publicURL == b.publicURL
    }

    /// `PERIODIZE_PUBLIC_URL` + `path`.
    public func publicURL(_ path: String) -> URL? {
        publicURL.map { URL(string: $0.absoluteString.trimmingSuffix("/") + path)! }
    }

    /// The sender: an API key when one is given, the auth token otherwise; status callbacks to
    /// `PERIODIZE_PUBLIC_URL/twilio/status` when the public URL is known.
    public func makeSender(timeout: TimeInterval) -> TwilioSender {
        let credentials = apiKey.map { TwilioSender.Credentials(accountSID: accountSID, user: $0.sid, password: $0.secret) }
            ?? TwilioSender.Credentials(accountSID: accountSID, user: accountSID, password: authToken ?? "")
        return TwilioSender(baseURL: baseURL, credentials: credentials, origin: origin, statusCallback: publicURL("/twilio/status"), timeout: timeout)
    }
}

extension SenderConfiguration {
    /// The sender this configuration names, Twilio's among them, under the segment cap when set.
    public func makeSender(twilio: TwilioConfiguration?) -> any MessageSender {
        let sender: any MessageSender = if kind == .twilio {
            (twilio ?? { preconditionFailure("PERIODIZE_SENDER=twilio without Twilio's settings") }()).makeSender(timeout: timeout)
        } else {
            makeSender()
        }
        return segmentsPerSecond.map { RateCappedSender(sender, segmentsPerSecond: $0) } ?? sender
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

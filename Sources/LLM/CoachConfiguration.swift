import Foundation

/// Which coach generates plans, weeks and workouts, read from the environment (and flags,
/// which win): `PERIODIZE_COACH` = rules (default) | gemini | openai, with the chosen
/// provider's key, model and base URL, and the limits every generation shares.
///
/// Resolving checks everything the chosen provider needs, so a missing key is an error when
/// the command starts, not when the first daily message is due.
public struct CoachConfiguration: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case rules, gemini, openai }

    public var kind: Kind = .rules
    public var apiKey: String?
    public var model: String?
    public var baseURL: String?
    public var responseFormat: OpenAIProvider.ResponseFormat = .jsonSchema
    public var timeout: TimeInterval = 60
    public var concurrency = 8
    public var requestsPerMinute: Int?
    public var writesMessages = false

    public init() {}

    /// Reads `environment`; a non-nil entry in `overrides` (the flags, keyed like the
    /// environment) replaces the variable.
    public static func resolve(environment: [String: String], overrides: [String: String?] = [:]) throws -> CoachConfiguration {
        func value(_ name: String) -> String? {
            let raw = (overrides[name] ?? nil) ?? environment[name]
            guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return raw.trimmingCharacters(in: .whitespaces)
        }
        func number(_ name: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), range.contains(number) else {
                throw CoachConfigurationError("\(name)=\(text) must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
            }
            return number
        }
        var configuration = CoachConfiguration()
        if let text = value("PERIODIZE_COACH") {
            guard let kind = Kind(rawValue: text.lowercased()) else {
                throw CoachConfigurationError("PERIODIZE_COACH=\(text) is not one of rules, gemini, openai")
            }
            configuration.kind = kind
        }
        configuration.timeout = try number("PERIODIZE_LLM_TIMEOUT_S", 1...600) ?? configuration.timeout
        configuration.concurrency = try number("PERIODIZE_LLM_CONCURRENCY", 1...1024).map { Int($0) } ?? configuration.concurrency
        configuration.requestsPerMinute = try number("PERIODIZE_LLM_RPM", 1...1_000_000).map { Int($0) }
        if let text = value("PERIODIZE_LLM_MESSAGES") {
            switch text.lowercased() {
            case "1", "true", "yes", "on": configuration.writesMessages = true
            case "0", "false", "no", "off": configuration.writesMessages = false
            default: throw CoachConfigurationError("PERIODIZE_LLM_MESSAGES=\(text) is not 1 or 0")
            }
        }
        switch configuration.kind {
        case .rules:
            break
        case .gemini:
            guard let key = value("GEMINI_API_KEY") else {
                throw CoachConfigurationError("PERIODIZE_COACH=gemini needs an API key: set GEMINI_API_KEY (or --gemini-api-key)")
            }
            configuration.apiKey = key
            configuration.model = value("GEMINI_MODEL") ?? GeminiProvider.defaultModel
            configuration.baseURL = value("GEMINI_BASE_URL") ?? GeminiProvider.defaultBaseURL
        case .openai:
            guard let key = value("OPENAI_API_KEY") else {
                throw CoachConfigurationError("PERIODIZE_COACH=openai needs an API key: set OPENAI_API_KEY (or --openai-api-key; any value for a local server that takes none)")
            }
            guard let model = value("OPENAI_MODEL") else {
                throw CoachConfigurationError("PERIODIZE_COACH=openai needs a model: set OPENAI_MODEL (or --openai-model)")
            }
            configuration.apiKey = key
            configuration.model = model
            configuration.baseURL = value("OPENAI_BASE_URL") ?? OpenAIProvider.defaultBaseURL
            if let text = value("OPENAI_RESPONSE_FORMAT") {
                guard let format = OpenAIProvider.ResponseFormat(rawValue: text) else {
                    throw CoachConfigurationError("OPENAI_RESPONSE_FORMAT=\(text) is not json_schema or json_object")
                }
                configuration.responseFormat = format
            }
        }
        if let base = configuration.baseURL {
            guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CoachConfigurationError("\(configuration.kind == .gemini ? "GEMINI_BASE_URL" : "OPENAI_BASE_URL")=\(base) is not an http(s) URL")
            }
        }
        return configuration
    }

    /// The coach this configuration names; nil for the rule-based coach.
    public func makeCoach(settings base: LLMSettings = LLMSettings()) -> LLMCoach? {
        var settings = base
        settings.timeout = timeout
        settings.concurrency = concurrency
        settings.requestsPerMinute = requestsPerMinute
        settings.writesMessages = writesMessages
        switch kind {
        case .rules:
            return nil
        case .gemini:
            return LLMCoach(provider: GeminiProvider(apiKey: apiKey ?? "", model: model ?? GeminiProvider.defaultModel, baseURL: baseURL ?? GeminiProvider.defaultBaseURL), settings: settings)
        case .openai:
            return LLMCoach(provider: OpenAIProvider(apiKey: apiKey ?? "", model: model ?? "", baseURL: baseURL ?? OpenAIProvider.defaultBaseURL, responseFormat: responseFormat), settings: settings)
        }
    }
}

public struct CoachConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

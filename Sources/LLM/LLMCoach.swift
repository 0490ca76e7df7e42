import Coaching
import Events
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How a model is called.
public struct LLMSettings: Sendable {
    /// The original system's setting.
    public var temperature = 0.3
    public var maxOutputTokens = 4096
    /// Seconds one HTTP call may take.
    public var timeout: TimeInterval = 60
    /// Calls in flight at once, over every generation in the process.
    public var concurrency = 8
    /// Calls started per minute, over every generation in the process; nil for no limit.
    public var requestsPerMinute: Int?
    /// Whether the model also writes the daily SMS (off: the formatter writes it, which keeps
    /// to the segment budget by construction and costs no call).
    public var writesMessages = false
    /// The window `requestsPerMinute` counts over: a minute, shorter only in tests.
    public var rateWindow: Duration = .seconds(60)
    /// More calls after a 429, a 5xx, a timeout or no answer.
    public var retries = 3
    /// The first backoff; each retry doubles it (with jitter), up to `maxBackoff`.
    public var backoff: Duration = .milliseconds(500)
    public var maxBackoff: Duration = .seconds(8)
    /// A 429 asking to wait longer than this (seconds) is not waited for: the artefact falls
    /// back to the rules instead of holding a tick up.
    public var longestRetryWait: Double = 60

    public init() {}
}

/// What a model made of one prompt, with every attempt it took.
public struct LLMOutcome<Answer: Sendable>: Sendable {
    /// The validated answer; nil when the attempts were spent.
    public var answer: Answer?
    public var attempts: [DecisionRecord.Attempt]
    public var modelVersion: String?
    /// Why there is no answer (becomes the fallback reason).
    public var failure: String?
}

/// A coach backed by a language model: sends a prompt with the answer's schema, checks the
/// answer with the same validation the rule-based coach passes, repairs once by feeding the
/// problems back, retries what is worth retrying, and says why when it gives up (the caller
/// then falls back to the rules).
public final class LLMCoach: Sendable {
    public let provider: any ModelProvider
    public let settings: LLMSettings
    public let prompts: PromptLibrary
    public let gate: RateGate
    let transport: HTTPTransport
    /// Times each call (its attempt's `latencyMs`).
    let clock: any Clock<Duration>

    /// The version recorded in decision records beside the provider's name.
    public static let version = "llm-coach 1"

    public init(
        provider: any ModelProvider, settings: LLMSettings = LLMSettings(), prompts: PromptLibrary = .standard,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.provider = provider
        self.clock = clock
        self.settings = settings
        self.prompts = prompts
        self.gate = RateGate(concurrency: settings.concurrency, perMinute: settings.requestsPerMinute, window: settings.rateWindow)
        self.transport = HTTPTransport(maxConnections: settings.concurrency, timeout: settings.timeout)
    }

    /// Generation parameters as recorded.
    public var parameters: [String: String] {
        var all = provider.parameters
        all["temperature"] = String(settings.temperature)
        all["maxOutputTokens"] = String(settings.maxOutputTokens)
        return all
    }

    /// Asks for an `Answer` to `prompt`; `validate` lists what is wrong with a decoded answer.
    ///
    /// A failed call is retried (backing off, or as long as the provider asks) while it is
    /// retryable and retries are left; an invalid answer is repaired once, by showing the model
    /// what is wrong. The outcome records every call.
    public func generate<Answer: Decodable & Sendable>(
        _ type: Answer.Type, prompt: RenderedPrompt, validate: @Sendable (Answer) -> [String]
    ) async -> LLMOutcome<Answer> {
        var outcome = LLMOutcome<Answer>(answer: nil, attempts: [], modelVersion: nil, failure: nil)
        let schema: JSONSchema
        do {
            schema = try JSONSchema.of(type)
        } catch {
            outcome.failure = "no schema for \(type): \(error)"
            return outcome
        }
        var turns = [Turn(.user, prompt.user)]
        var purpose = "first"
        var retries = 0
        var repaired = false
        while true {
            if let exhausted = await gate.exhausted {
                outcome.failure = "not called: \(provider.name) quota exhausted earlier in this process (\(exhausted))"
                return outcome
            }
            let completion: Completion
            var attempt: DecisionRecord.Attempt
            do {
                (completion, attempt) = try await call(prompt, turns: turns, schema: schema, purpose: purpose)
            } catch {
                outcome.failure = "the request could not be written: \(error)"
                return outcome
            }
            outcome.modelVersion = completion.modelVersion ?? outcome.modelVersion

            if let failure = completion.failure {
                attempt.error = failure.description
                outcome.attempts.append(attempt)
                if case .quotaExhausted(let reason) = failure { await gate.markExhausted(reason) }
                switch retryWait(after: failure, retries: retries) {
                case .stop(let reason):
                    outcome.failure = reason
                    return outcome
                case .wait(let wait):
                    retries += 1
                    purpose = "retry"
                    try? await Task.sleep(for: wait)
                    continue
                }
            }

            let text = completion.text ?? ""
            let (answer, problems) = Self.check(text, as: Answer.self, validate: validate)
            attempt.validationErrors = problems
            outcome.attempts.append(attempt)
            if problems.isEmpty, let answer {
                outcome.answer = answer
                return outcome
            }
            guard !repaired else {
                outcome.failure = "the answer was still invalid after a repair: \(problems.prefix(3).joined(separator: "; "))"
                return outcome
            }
            repaired = true
            purpose = "repair"
            turns += [Turn(.model, text), Turn(.user, Self.repairRequest(problems))]
        }
    }

    /// One call to the model, through the shared rate gate, timed on the coach's clock.
    ///
    /// - Throws: when the provider cannot write the request.
    private func call(_ prompt: RenderedPrompt, turns: [Turn], schema: JSONSchema, purpose: String) async throws -> (Completion, DecisionRecord.Attempt) {
        let request = CompletionRequest(
            system: prompt.system, turns: turns, schema: schema,
            schemaName: String(prompt.template.prefix { $0 != "@" }).replacingOccurrences(of: "-", with: "_"),
            temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens)
        let urlRequest = try provider.urlRequest(for: request, timeout: settings.timeout)
        let stopwatch = Stopwatch(clock)
        let completion = await gate.run { await self.transport.send(urlRequest, to: self.provider, timeout: self.settings.timeout) }
        let attempt = DecisionRecord.Attempt(
            purpose: purpose, httpStatus: completion.httpStatus, finishReason: completion.finishReason,
            rawOutput: completion.text ?? completion.errorBody, latencyMs: stopwatch.milliseconds,
            promptTokens: completion.promptTokens, completionTokens: completion.completionTokens)
        return (completion, attempt)
    }

    enum RetryDecision: Equatable {
        case wait(Duration)
        case stop(String)
    }

    /// Whether to call again after `failure`, and after how long: a retryable failure with
    /// retries left waits the backoff, or as long as a rate limit asks (up to the longest wait
    /// a generation takes).
    func retryWait(after failure: CompletionFailure, retries: Int) -> RetryDecision {
        guard failure.isRetryable, retries < settings.retries else {
            return .stop(failure.isRetryable ? "\(failure) (after \(retries + 1) calls)" : failure.description)
        }
        if case .rateLimited(let asked?) = failure {
            guard asked <= settings.longestRetryWait else {
                return .stop("\(failure): longer than the \(Int(settings.longestRetryWait)) s a generation waits")
            }
            return .wait(.milliseconds(Int(asked * 1000)))
        }
        return .wait(backoff(retry: retries))
    }

    /// The answer in `text`, and what is wrong with it (empty when it is sound).
    static func check<Answer: Decodable>(_ text: String, as type: Answer.Type, validate: (Answer) -> [String]) -> (Answer?, [String]) {
        do {
            let answer = try JSONDecoder().decode(Answer.self, from: Data(text.utf8))
            return (answer, validate(answer))
        } catch let error as DecodingError {
            return (nil, [describe(error, in: text)])
        } catch {
            return (nil, ["not valid JSON: \(error)"])
        }
    }

    /// What a repair attempt adds to the conversation.
    public static func repairRequest(_ problems: [String]) -> String {
        "Your answer has these problems:\n" + problems.map { "- \($0)" }.joined(separator: "\n")
            + "\nAnswer again with the whole corrected JSON only, following the schema."
    }

    static func describe(_ error: DecodingError, in text: String) -> String {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
            return "not valid JSON (\(text.count) characters): \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)"
        }
        return "does not match the schema: \(EventCatalog.describe(error))"
    }

    func backoff(retry: Int) -> Duration {
        let base = settings.backoff * (1 << min(retry, 16))
        let capped = min(base, settings.maxBackoff)
        return capped * Double.random(in: 0.5...1.5)
    }

    /// The decision record of an artefact this coach was asked for: the model's, or, with
    /// `outcome.failure` set, the rule-based coach's (`fallback`), which then made it.
    public func decision<Answer>(
        _ outcome: LLMOutcome<Answer>, prompt: RenderedPrompt, inputs: [Int64], fallback: DecisionRecord?, durationMs: Double
    ) -> DecisionRecord {
        DecisionRecord(
            coach: provider.name, coachVersion: Self.version, model: provider.model, modelVersion: outcome.modelVersion,
            parameters: parameters, promptTemplate: prompt.template, promptHash: prompt.hash, inputs: inputs,
            rules: outcome.answer == nil ? (fallback?.rules ?? []) : [], seed: outcome.answer == nil ? fallback?.seed : nil,
            attempts: outcome.attempts, fallbackReason: outcome.answer == nil ? (outcome.failure ?? "no answer") : nil,
            durationMs: durationMs)
    }
}

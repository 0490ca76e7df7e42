import Foundation

/// Why a generated artefact looks the way it does: which coach made it, from which inputs,
/// with which prompt, and what each attempt returned.
///
/// Replay never calls a coach: everything needed to explain an artefact is here.
public struct DecisionRecord: Codable, Sendable, Equatable {
    /// `rules`, `gemini`, `openai`.
    public var coach: String
    public var coachVersion: String
    public var model: String?
    public var modelVersion: String?
    /// Generation parameters (temperature, max tokens, ...), as text.
    public var parameters: [String: String]?
    /// Prompt template id and version, e.g. `daily-workout@3`.
    public var promptTemplate: String?
    /// SHA-256 of the full prompt text; the text itself is stored once, by hash.
    public var promptHash: String?
    /// Global positions of the events the coach used as inputs.
    public var inputs: [Int64]
    /// The rules that fired, in the order they fired, e.g. `deload week: sets x0.5`.
    public var rules: [String]
    public var seed: UInt64?
    public var attempts: [Attempt]
    /// Why the coach fell back to the rule-based coach, if it did.
    public var fallbackReason: String?
    public var durationMs: Double

    public init(
        coach: String, coachVersion: String, model: String? = nil, modelVersion: String? = nil,
        parameters: [String: String]? = nil, promptTemplate: String? = nil, promptHash: String? = nil,
        inputs: [Int64], rules: [String], seed: UInt64? = nil, attempts: [Attempt] = [],
        fallbackReason: String? = nil, durationMs: Double
    ) {
        self.coach = coach
        self.coachVersion = coachVersion
        self.model = model
        self.modelVersion = modelVersion
        self.parameters = parameters
        self.promptTemplate = promptTemplate
        self.promptHash = promptHash
        self.inputs = inputs
        self.rules = rules
        self.seed = seed
        self.attempts = attempts
        self.fallbackReason = fallbackReason
        self.durationMs = durationMs
    }

    /// One call to a model.
    public struct Attempt: Codable, Sendable, Equatable {
        /// `first`, `retry` (the same request after a retryable failure) or `repair` (the
        /// conversation so far plus the validation errors).
        public var purpose: String?
        public var httpStatus: Int?
        /// The provider's finish reason (`STOP`, `MAX_TOKENS`, `stop`, `length`, ...).
        public var finishReason: String?
        public var rawOutput: String?
        public var validationErrors: [String]
        public var error: String?
        public var latencyMs: Double
        public var promptTokens: Int?
        public var completionTokens: Int?

        public init(
            purpose: String? = nil, httpStatus: Int? = nil, finishReason: String? = nil, rawOutput: String? = nil,
            validationErrors: [String] = [], error: String? = nil, latencyMs: Double, promptTokens: Int? = nil,
            completionTokens: Int? = nil
        ) {
            self.purpose = purpose
            self.httpStatus = httpStatus
            self.finishReason = finishReason
            self.rawOutput = rawOutput
            self.validationErrors = validationErrors
            self.error = error
            self.latencyMs = latencyMs
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }
    }
}

/// An artefact that carries the record of how it was decided.
public protocol DecisionRecorded {
    var decision: DecisionRecord? { get set }
}

extension PlanCreated: DecisionRecorded {}
extension MesocycleBroken: DecisionRecorded {}
extension WorkoutGenerated: DecisionRecorded {}
extension MessageSent: DecisionRecorded {}

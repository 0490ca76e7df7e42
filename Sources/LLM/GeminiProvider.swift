import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Google's Gemini `generateContent` API with a response schema.
public struct GeminiProvider: ModelProvider {
    public static let defaultModel = "gemini-2.0-flash"
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com"

    public let name = "gemini"
    public let model: String
    public let apiKey: String
    public let baseURL: String
    public var parameters: [String: String] { ["responseMimeType": "application/json"] }

    public init(apiKey: String, model: String = Self.defaultModel, baseURL: String = Self.defaultBaseURL) {
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL
    }

    public func urlRequest(for request: CompletionRequest, timeout: TimeInterval) throws -> URLRequest {
        let body: [String: Any] = [
            "contents": request.turns.map { ["role": $0.role.rawValue, "parts": [["text": $0.text]]] },
            "systemInstruction": ["parts": [["text": request.system]]],
            "generationConfig": [
                "temperature": request.temperature,
                "maxOutputTokens": request.maxOutputTokens,
                "responseMimeType": "application/json",
                "responseSchema": request.schema.gemini(),
            ] as [String: Any],
        ]
        return try jsonRequest(
            endpoint(baseURL, "/v1beta/models/\(model):generateContent"), body: body,
            headers: ["x-goog-api-key": apiKey], timeout: timeout)
    }

    public func completion(status: Int, headers: [String: String], body: Data) -> Completion {
        let json = Loose(data: body)
        guard status == 200 else {
            var completion = Completion(httpStatus: status, failure: Self.failure(status: status, json: json), errorBody: excerpt(body))
            completion.modelVersion = nil
            return completion
        }
        let usage = json["usageMetadata"]
        var completion = Completion(
            httpStatus: status, modelVersion: json["modelVersion"].string,
            promptTokens: usage["promptTokenCount"].int, completionTokens: usage["candidatesTokenCount"].int)
        let candidate = json["candidates"][0]
        guard !candidate.isNull else {
            let reason = json["promptFeedback"]["blockReason"].string
            completion.failure = reason.map { .blocked("prompt blocked (\($0))") } ?? .empty("no candidates")
            completion.errorBody = excerpt(body)
            return completion
        }
        // A part may hold only a thought signature: join the text parts.
        let text = candidate["content"]["parts"].array.compactMap { $0["text"].string }.joined()
        let finish = candidate["finishReason"].string
        completion.finishReason = finish
        completion.text = text.isEmpty ? nil : text
        switch finish {
        case nil, "STOP", "FINISH_REASON_UNSPECIFIED":
            if text.isEmpty { completion.failure = .empty("a candidate without text") }
        case "MAX_TOKENS":
            completion.failure = .truncated
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY":
            completion.failure = .blocked("finish reason \(finish!)")
        default:
            completion.failure = .empty("finish reason \(finish!)")
        }
        return completion
    }

    /// A non-200 answer's meaning: a 429 carries `RetryInfo.retryDelay`, and a `QuotaFailure`
    /// naming a per-day quota, which is not worth retrying today.
    static func failure(status: Int, json: Loose) -> CompletionFailure {
        let error = json["error"]
        let message = error["message"].string ?? ""
        switch status {
        case 429:
            var delay: Double?
            for detail in error["details"].array {
                let type = detail["@type"].string ?? ""
                if type.hasSuffix("google.rpc.QuotaFailure") {
                    for violation in detail["violations"].array {
                        let quota = violation["quotaId"].string ?? ""
                        if quota.contains("PerDay") { return .quotaExhausted("\(quota) (clears at the daily reset)") }
                    }
                }
                if type.hasSuffix("google.rpc.RetryInfo"), let text = detail["retryDelay"].string {
                    delay = Double(text.hasSuffix("s") ? String(text.dropLast()) : text)
                }
            }
            return .rateLimited(retryAfter: delay)
        case 500...599:
            return .server(status, message)
        case 408:
            return .timeout
        default:
            return .rejected(status, message)
        }
    }
}

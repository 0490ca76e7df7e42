import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The OpenAI Chat Completions API and the servers that speak it (llama.cpp, vLLM, Ollama).
public struct OpenAIProvider: ModelProvider {
    /// How the schema is sent.
    public enum ResponseFormat: String, Sendable, CaseIterable {
        /// `{type: "json_schema", json_schema: {name, strict: true, schema}}`: OpenAI, vLLM,
        /// llama.cpp's own server.
        case jsonSchema = "json_schema"
        /// `{type: "json_object", schema}`: the older form, for servers that answer the
        /// json_schema form with an error (llama-cpp-python's answers HTTP 500).
        case jsonObject = "json_object"
    }

    public static let defaultBaseURL = "https://api.openai.com"

    public let name = "openai"
    public let model: String
    public let apiKey: String
    public let baseURL: String
    public let responseFormat: ResponseFormat
    public var parameters: [String: String] { ["response_format": responseFormat.rawValue] }

    public init(apiKey: String, model: String, baseURL: String = Self.defaultBaseURL, responseFormat: ResponseFormat = .jsonSchema) {
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL
        self.responseFormat = responseFormat
    }

    public func urlRequest(for request: CompletionRequest, timeout: TimeInterval) throws -> URLRequest {
        let format: [String: Any] = switch responseFormat {
        case .jsonSchema:
            ["type": "json_schema", "json_schema": ["name": request.schemaName, "strict": true, "schema": request.schema.openAI(strict: true)] as [String: Any]]
        case .jsonObject:
            ["type": "json_object", "schema": request.schema.openAI(strict: false)]
        }
        let messages: [[String: Any]] = [["role": "system", "content": request.system]]
            + request.turns.map { ["role": $0.role == .user ? "user" : "assistant", "content": $0.text] }
        let body: [String: Any] = [
            "model": model,
            "messages": messages,
            "temperature": request.temperature,
            "max_tokens": request.maxOutputTokens,
            "response_format": format,
        ]
        return try jsonRequest(
            endpoint(baseURL, "/v1/chat/completions"), body: body,
            headers: ["Authorization": "Bearer \(apiKey)"], timeout: timeout)
    }

    public func completion(status: Int, headers: [String: String], body: Data) -> Completion {
        let json = Loose(data: body)
        guard status == 200 else {
            return Completion(httpStatus: status, failure: failure(status: status, headers: headers, json: json), errorBody: excerpt(body))
        }
        let usage = json["usage"]
        var completion = Completion(
            httpStatus: status, modelVersion: json["model"].string,
            promptTokens: usage["prompt_tokens"].int, completionTokens: usage["completion_tokens"].int)
        let choice = json["choices"][0]
        guard !choice.isNull else {
            completion.failure = .empty("no choices")
            completion.errorBody = excerpt(body)
            return completion
        }
        let message = choice["message"]
        let finish = choice["finish_reason"].string
        completion.finishReason = finish
        completion.text = message["content"].string.flatMap { $0.isEmpty ? nil : $0 }
        if let refusal = message["refusal"].string, !refusal.isEmpty {
            completion.failure = .refused(refusal)
        } else if finish == "length" {
            completion.failure = .truncated
        } else if finish == "content_filter" {
            completion.failure = .blocked("finish reason content_filter")
        } else if completion.text == nil {
            completion.failure = .empty("a choice without content")
        }
        return completion
    }

    func failure(status: Int, headers: [String: String], json: Loose) -> CompletionFailure {
        let error = json["error"]
        var message = error["message"].string ?? (json["error"].string ?? "")
        switch status {
        case 429:
            if error["code"].string == "insufficient_quota" || error["type"].string == "insufficient_quota" {
                return .quotaExhausted(message.isEmpty ? "insufficient_quota" : message)
            }
            if let ms = headers["retry-after-ms"].flatMap(Double.init) { return .rateLimited(retryAfter: ms / 1000) }
            return .rateLimited(retryAfter: headers["retry-after"].flatMap(Double.init))
        case 500...599:
            if responseFormat == .jsonSchema {
                message += (message.isEmpty ? "" : "; ") + "if this server rejects the json_schema response format, set OPENAI_RESPONSE_FORMAT=json_object"
            }
            return .server(status, message)
        case 408:
            return .timeout
        default:
            if responseFormat == .jsonSchema, message.contains("response_format") {
                message += "; if this server rejects the json_schema response format, set OPENAI_RESPONSE_FORMAT=json_object"
            }
            return .rejected(status, message)
        }
    }
}

import Events
import Foundation
import LLM
import LoopbackProviders
import Testing

@Suite("Provider wire formats")
struct WireFormatTests {
    static let prompt = try! PromptLibrary.standard.plan.render(
        Dictionary(uniqueKeysWithValues: PromptLibrary.standard.plan.placeholders.map { ($0, "x") }))

    @Test func geminiRequestCarriesTheSchemaMimeTypeAndTemperature() async throws {
        let server = try await LoopbackServer.start { _ in GeminiReplies.answer(Answers.plan(weeks: 12)) }
        let coach = LLMCoach(provider: GeminiProvider(apiKey: "k-123", model: "gemini-2.0-flash", baseURL: server.baseURL), settings: .fast)
        let outcome = await coach.generate(PlanAnswer.self, prompt: Self.prompt) { _ in [] }
        await server.stop()
        #expect(outcome.answer?.mesocycles.count == 3, "text parts are joined")
        #expect(outcome.modelVersion == "gemini-2.0-flash-001")
        let request = try #require(server.received.first)
        #expect(request.path == "/v1beta/models/gemini-2.0-flash:generateContent")
        #expect(request.headers["x-goog-api-key"] == "k-123")
        let body = request.json
        let config = try #require(body["generationConfig"] as? [String: Any])
        #expect(config["temperature"] as? Double == 0.3)
        #expect(config["responseMimeType"] as? String == "application/json")
        #expect(config["maxOutputTokens"] as? Int == 4096)
        let schema = try #require(config["responseSchema"] as? [String: Any])
        #expect(schema["type"] as? String == "OBJECT")
        #expect(Set(schema["required"] as? [String] ?? []) == ["programType", "overview", "mesocycles"])
        #expect(schema["additionalProperties"] == nil, "Gemini's schema subset has no additionalProperties")
        let properties = try #require(schema["properties"] as? [String: [String: Any]])
        #expect(properties["programType"]?["enum"] as? [String] == ProgramType.allCases.map(\.rawValue))
        #expect(properties["notes"]?["nullable"] as? Bool == true)
        #expect(properties["overview"]?["maxLength"] as? Int == 400)
        let system = (body["systemInstruction"] as? [String: Any])?["parts"] as? [[String: Any]]
        #expect(system?.first?["text"] as? String == Self.prompt.system)
        let contents = try #require(body["contents"] as? [[String: Any]])
        #expect(contents.count == 1)
        #expect(contents[0]["role"] as? String == "user")
        #expect(request.prompt == Self.prompt.user)
        let attempt = try #require(outcome.attempts.first)
        #expect(attempt.httpStatus == 200 && attempt.finishReason == "STOP" && attempt.promptTokens == 812 && attempt.completionTokens == 240)
    }

    @Test(arguments: OpenAIProvider.ResponseFormat.allCases)
    func openAIRequestCarriesTheSchemaInEitherForm(format: OpenAIProvider.ResponseFormat) async throws {
        let server = try await LoopbackServer.start { _ in OpenAIReplies.answer(Answers.workout) }
        let coach = LLMCoach(provider: OpenAIProvider(apiKey: "sk-1", model: "qwen2.5-7b", baseURL: server.baseURL + "/", responseFormat: format), settings: .fast)
        let prompt = try PromptLibrary.standard.dailyWorkout.render(
            Dictionary(uniqueKeysWithValues: PromptLibrary.standard.dailyWorkout.placeholders.map { ($0, "x") }))
        let outcome = await coach.generate(WorkoutAnswer.self, prompt: prompt) { _ in [] }
        await server.stop()
        #expect(outcome.answer?.blocks.count == 3)
        let request = try #require(server.received.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer sk-1")
        let body = request.json
        #expect(body["model"] as? String == "qwen2.5-7b")
        #expect(body["temperature"] as? Double == 0.3)
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        let responseFormat = try #require(body["response_format"] as? [String: Any])
        #expect(responseFormat["type"] as? String == format.rawValue)
        let schema: [String: Any]
        switch format {
        case .jsonSchema:
            let named = try #require(responseFormat["json_schema"] as? [String: Any])
            #expect(named["name"] as? String == "daily_workout")
            #expect(named["strict"] as? Bool == true)
            schema = try #require(named["schema"] as? [String: Any])
        case .jsonObject:
            schema = try #require(responseFormat["schema"] as? [String: Any])
        }
        #expect(schema["type"] as? String == "object")
        #expect(schema["additionalProperties"] as? Bool == false)
        let item = try #require(((((schema["properties"] as? [String: Any])?["blocks"] as? [String: Any])?["items"] as? [String: Any])?["properties"] as? [String: Any])?["items"] as? [String: Any])
        let itemSchema = try #require(item["items"] as? [String: Any])
        let required = Set(itemSchema["required"] as? [String] ?? [])
        let sets = (itemSchema["properties"] as? [String: [String: Any]])?["sets"]
        if format == .jsonSchema {
            #expect(required.contains("sets"), "strict mode lists every property as required")
            #expect(sets?["type"] as? [String] == ["integer", "null"], "optional properties are a union with null")
        } else {
            #expect(required == ["type", "exercise"])
            #expect(sets?["type"] as? String == "integer")
        }
        #expect(sets?["maximum"] as? Int == 10)
    }

    @Test func a500ToTheJsonSchemaFormSaysWhichFormToTry() async throws {
        let server = try await LoopbackServer.start { _ in OpenAIReplies.error(500, "Internal Server Error") }
        var settings = LLMSettings.fast
        settings.retries = 1
        let coach = LLMCoach(provider: OpenAIProvider(apiKey: "x", model: "m", baseURL: server.baseURL), settings: settings)
        let outcome = await coach.generate(PlanAnswer.self, prompt: Self.prompt) { _ in [] }
        await server.stop()
        #expect(outcome.answer == nil)
        #expect(outcome.failure?.contains("OPENAI_RESPONSE_FORMAT=json_object") == true)
        #expect(server.received.count == 2)
    }

    @Test func providerAnswersAreReadOffTheWire() {
        let gemini = GeminiProvider(apiKey: "k")
        let blocked = gemini.completion(status: 200, headers: [:], body: Data(#"{"promptFeedback":{"blockReason":"SAFETY"}}"#.utf8))
        #expect(blocked.failure == .blocked("prompt blocked (SAFETY)"))
        let thought = gemini.completion(status: 200, headers: [:], body: Data(#"{"candidates":[{"content":{"parts":[{"thoughtSignature":"abc"},{"text":"{}"}]},"finishReason":"STOP"}]}"#.utf8))
        #expect(thought.text == "{}" && thought.failure == nil, "a part holding only a thought signature is skipped")
        let perDay = gemini.completion(status: 429, headers: [:], body: try! JSONSerialization.data(withJSONObject: GeminiReplies.rateLimited(retryDelay: "20s", perDay: true).body.json))
        #expect(perDay.failure.map { if case .quotaExhausted = $0 { true } else { false } } == true)
        let delay = gemini.completion(status: 429, headers: [:], body: GeminiReplies.rateLimited(retryDelay: "1.5s").body)
        #expect(delay.failure == .rateLimited(retryAfter: 1.5))
        let openai = OpenAIProvider(apiKey: "k", model: "m")
        #expect(openai.completion(status: 429, headers: ["retry-after": "7"], body: OpenAIReplies.rateLimited(retryAfter: "7").body).failure == .rateLimited(retryAfter: 7))
        #expect(openai.completion(status: 429, headers: [:], body: OpenAIReplies.rateLimited(retryAfter: nil, quota: true).body).failure?.isRetryable == false)
        #expect(openai.completion(status: 401, headers: [:], body: OpenAIReplies.error(401, "Incorrect API key").body).failure == .rejected(401, "Incorrect API key"))
    }
}

extension Data {
    var json: Any { (try? JSONSerialization.jsonObject(with: self)) ?? [:] }
}

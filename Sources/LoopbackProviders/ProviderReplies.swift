import Foundation

/// Answers in the Gemini `generateContent` wire format.
public enum GeminiReplies {
    /// A candidate whose text parts join to `text`.
    public static func answer(_ text: String, finishReason: String = "STOP", model: String = "gemini-2.0-flash-001", delay: Duration = .zero) -> LoopbackServer.Reply {
        // Split in two parts, as a model may: the client must join them.
        let middle = text.index(text.startIndex, offsetBy: text.count / 2)
        return LoopbackServer.Reply(json: [
            "candidates": [[
                "content": ["role": "model", "parts": [["text": String(text[..<middle])], ["text": String(text[middle...])]]],
                "finishReason": finishReason, "index": 0,
            ]],
            "usageMetadata": ["promptTokenCount": 812, "candidatesTokenCount": 240, "totalTokenCount": 1052],
            "modelVersion": model,
        ], delay: delay)
    }

    /// No candidates: the prompt was blocked.
    public static func blocked(_ reason: String = "SAFETY") -> LoopbackServer.Reply {
        LoopbackServer.Reply(json: ["promptFeedback": ["blockReason": reason], "usageMetadata": ["promptTokenCount": 812, "totalTokenCount": 812]])
    }

    /// 429 RESOURCE_EXHAUSTED with a RetryInfo delay such as "0.2s"; `perDay` adds a
    /// QuotaFailure on a per-day quota.
    public static func rateLimited(retryDelay: String?, perDay: Bool = false) -> LoopbackServer.Reply {
        var details: [[String: Any]] = []
        if perDay {
            details.append(["@type": "type.googleapis.com/google.rpc.QuotaFailure",
                            "violations": [["quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                            "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"]]])
        }
        if let retryDelay { details.append(["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retryDelay]) }
        return LoopbackServer.Reply(status: 429, json: ["error": ["code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED", "details": details]])
    }

    public static func error(_ status: Int, _ state: String, _ message: String) -> LoopbackServer.Reply {
        LoopbackServer.Reply(status: status, json: ["error": ["code": status, "message": message, "status": state]])
    }
}

/// Answers in the OpenAI Chat Completions wire format.
public enum OpenAIReplies {
    public static func answer(_ content: String?, finishReason: String = "stop", refusal: String? = nil, model: String = "local-model", delay: Duration = .zero) -> LoopbackServer.Reply {
        LoopbackServer.Reply(json: [
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1_772_409_600, "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": content as Any? ?? NSNull(), "refusal": refusal as Any? ?? NSNull()],
                         "finish_reason": finishReason]],
            "usage": ["prompt_tokens": 700, "completion_tokens": 210, "total_tokens": 910],
        ], delay: delay)
    }

    public static func rateLimited(retryAfter: String?, quota: Bool = false) -> LoopbackServer.Reply {
        let code = quota ? "insufficient_quota" : "rate_limit_exceeded"
        return LoopbackServer.Reply(
            status: 429,
            json: ["error": ["message": quota ? "You exceeded your current quota." : "Rate limit reached.", "type": quota ? "insufficient_quota" : "requests", "code": code]],
            headers: retryAfter.map { ["retry-after": $0] } ?? [:])
    }

    public static func error(_ status: Int, _ message: String) -> LoopbackServer.Reply {
        LoopbackServer.Reply(status: status, json: ["error": ["message": message, "type": "server_error", "code": NSNull()]])
    }
}

/// Answers a model could give, in the shapes Periodize asks for.
public enum SampleAnswers {
    /// A sound workout for a client at a gym with no injuries: warm-up, main work, cooldown,
    /// every item dosed, one modification.
    public static let workout = """
        {"blocks":[
          {"name":"Warm-up","items":[{"type":"prep","exercise":"Jumping Jacks","sets":null,"reps":null,"durationSec":120,"durationMin":null,"RPE":null,"percentageRM":null,"restSec":null,"distanceKm":null,"notes":null}]},
          {"name":"Main work","items":[
            {"type":"compound","exercise":"Back Squat","sets":4,"reps":"5","durationSec":null,"durationMin":null,"RPE":8,"percentageRM":null,"restSec":180,"distanceKm":null,"notes":"Brace hard"},
            {"type":"accessory","exercise":"Walking Lunge","sets":3,"reps":"10","durationSec":null,"durationMin":null,"RPE":7,"percentageRM":null,"restSec":90,"distanceKm":null,"notes":null}]},
          {"name":"Cooldown","items":[{"type":"cooldown","exercise":"Couch Stretch","sets":null,"reps":null,"durationSec":60,"durationMin":null,"RPE":null,"percentageRM":null,"restSec":null,"distanceKm":null,"notes":null}]}
        ],
        "modifications":[{"condition":"knee pain","replace":{"exercise":"Back Squat","with":"Box Squat"},"note":"Sit back to a box at knee height."}]}
        """
}

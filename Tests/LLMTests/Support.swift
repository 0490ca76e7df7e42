import Coaching
import Events
import Foundation
import LLM
import LoopbackProviders
import Periodize
import PeriodizeApp
import TestSupport

enum Provider: String, CaseIterable, Sendable, CustomStringConvertible {
    case gemini, openai
    var description: String { rawValue }

    func coach(_ server: LoopbackServer, settings: LLMSettings = .fast, format: OpenAIProvider.ResponseFormat = .jsonSchema) -> LLMCoach {
        switch self {
        case .gemini: LLMCoach(provider: GeminiProvider(apiKey: "test-key", baseURL: server.baseURL), settings: settings)
        case .openai: LLMCoach(provider: OpenAIProvider(apiKey: "test-key", model: "local-model", baseURL: server.baseURL, responseFormat: format), settings: settings)
        }
    }

    func answer(_ text: String?, finish: String? = nil, delay: Duration = .zero) -> LoopbackServer.Reply {
        switch self {
        case .gemini: GeminiReplies.answer(text ?? "", finishReason: finish ?? "STOP", delay: delay)
        case .openai: OpenAIReplies.answer(text, finishReason: finish ?? "stop", delay: delay)
        }
    }

    func serverError(_ status: Int) -> LoopbackServer.Reply {
        switch self {
        case .gemini: GeminiReplies.error(status, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        case .openai: OpenAIReplies.error(status, "The server is overloaded")
        }
    }

    func rateLimited(after seconds: Double) -> LoopbackServer.Reply {
        switch self {
        case .gemini: GeminiReplies.rateLimited(retryDelay: "\(seconds)s")
        case .openai: OpenAIReplies.rateLimited(retryAfter: "\(seconds)")
        }
    }

    func quotaExhausted() -> LoopbackServer.Reply {
        switch self {
        case .gemini: GeminiReplies.rateLimited(retryDelay: "3600s", perDay: true)
        case .openai: OpenAIReplies.rateLimited(retryAfter: nil, quota: true)
        }
    }
}

extension LLMSettings {
    /// Quick retries for tests.
    static var fast: LLMSettings {
        var settings = LLMSettings()
        settings.backoff = .milliseconds(20)
        settings.maxBackoff = .milliseconds(50)
        settings.timeout = 5
        settings.retries = 3
        return settings
    }
}

/// What a request asks for, read off the schema it carries.
enum Asked: String { case plan, weeks, workout, message, reply }

extension LoopbackServer.Received {
    var schema: [String: Any] {
        let body = json
        if let config = body["generationConfig"] as? [String: Any] { return config["responseSchema"] as? [String: Any] ?? [:] }
        let format = body["response_format"] as? [String: Any] ?? [:]
        if let named = format["json_schema"] as? [String: Any] { return named["schema"] as? [String: Any] ?? [:] }
        return format["schema"] as? [String: Any] ?? [:]
    }

    var asked: Asked {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        if properties["intents"] != nil { return .reply }
        if properties["blocks"] != nil { return .workout }
        if properties["body"] != nil { return .message }
        if properties["weeks"] != nil { return .weeks }
        return .plan
    }

    /// The user prompt of the first turn, in either wire format.
    var prompt: String {
        let body = json
        if let contents = body["contents"] as? [[String: Any]], let parts = contents.first?["parts"] as? [[String: Any]] {
            return parts.first?["text"] as? String ?? ""
        }
        let messages = body["messages"] as? [[String: Any]] ?? []
        return messages.first { $0["role"] as? String == "user" }?["content"] as? String ?? ""
    }

    /// How many turns the conversation has (user and model/assistant, not the system).
    var turns: [String] {
        let body = json
        if let contents = body["contents"] as? [[String: Any]] {
            return contents.map { (($0["parts"] as? [[String: Any]])?.first?["text"] as? String) ?? "" }
        }
        return (body["messages"] as? [[String: Any]] ?? []).filter { $0["role"] as? String != "system" }.map { $0["content"] as? String ?? "" }
    }
}

/// Sound answers, as a model would give them.
enum Answers {
    static let workout = SampleAnswers.workout

    /// The workout with one item's type outside the enumeration.
    static let wrongEnum = workout.replacingOccurrences(of: "\"type\":\"prep\"", with: "\"type\":\"warmup\"")
    /// The workout without its modifications.
    static let missingField = String(workout[..<workout.range(of: ",\n\"modifications\"")!.lowerBound]) + "}"
    static let malformed = String(workout.prefix(120))

    static func plan(weeks: Int) -> String {
        let lengths = weeks == 12 ? [4, 4, 4] : [weeks]
        let mesocycles = lengths.enumerated().map { index, length in
            #"{"name":"Block \#(index + 1)","weeks":\#(length),"focus":["strength","technique"],"deload":\#(length >= 4)}"#
        }
        return #"{"programType":"strength","overview":"Twelve weeks of strength work in three blocks.","notes":null,"mesocycles":[\#(mesocycles.joined(separator: ","))]}"#
    }

    /// Weeks for the mesocycle and training days the prompt names.
    static func weeks(for prompt: String) -> String {
        let weeks = Int(prompt.firstMatch(of: /- Weeks: (\d+)/)?.1 ?? "4") ?? 4
        let daysText = prompt.firstMatch(of: /Train on ([A-Z, ]+) only/)?.1 ?? "MONDAY"
        let training = Set(daysText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let days = Weekday.allCases.map { day in
            training.contains(day.rawValue)
                ? #"{"day":"\#(day.rawValue)","theme":"Full Body Strength","load":"moderate","notes":"Own pace"}"#
                : #"{"day":"\#(day.rawValue)","theme":"Rest","load":null,"notes":null}"#
        }
        let week = #"{"days":[\#(days.joined(separator: ","))]}"#
        return #"{"weeks":[\#(Array(repeating: week, count: weeks).joined(separator: ","))]}"#
    }

    /// A sound answer to whatever `request` asks.
    static func sound(_ request: LoopbackServer.Received) -> String {
        switch request.asked {
        case .workout: workout
        case .weeks: weeks(for: request.prompt)
        case .plan: plan(weeks: Int(request.prompt.firstMatch(of: /Design a (\d+)-week plan/)?.1 ?? "12") ?? 12)
        case .message: #"{"body":"Hi! Back Squat 4x5, Walking Lunge 3x10. Go!"}"#
        case .reply: #"{"intents":[{"intent":"unknown"}]}"#
        }
    }
}

func enrollment(_ id: String, days: [Int] = [1, 3, 5], hour: Int = 7, zone: String = "America/New_York") -> Enrollment {
    Enrollment(
        clientId: id, name: "Avery Chen", phoneNumber: "+15551234567", timezone: zone, preferredSendHour: hour,
        profile: FitnessProfile(fitnessGoals: "Get strong", primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: days.count,
                                trainingDays: days, sessionMinutes: 45, location: .commercialGym, equipment: [], injuries: []))
}

func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

/// An engine on the test's log (event ids are random: several engines open the same file in
/// turn).
func openEngine(_ folder: TemporaryDirectory, clock: ManualClock, coach: LLMCoach? = nil) async throws -> Engine {
    try await makeEngine(EngineConfiguration(path: folder.path("log.sqlite"), clock: { clock.date() }, ids: { UUID() }, coach: coach))
}

import Crypto
import Foundation

/// A prompt template: a versioned file in `Sources/LLM/Prompts`, written by us.
///
/// The file starts with `id:` and `version:` lines, then a `--- system` section and a
/// `--- user` section; `{{name}}` placeholders are filled from the generation's inputs.
public struct PromptTemplate: Sendable, Equatable {
    public let id: String
    public let version: Int
    public let system: String
    public let user: String

    /// `id@version`, as decision records name it.
    public var reference: String { "\(id)@\(version)" }

    /// Parses a template file's text; `file` names it in errors.
    public init(text: String, file: String) throws {
        var id: String?
        var version: Int?
        var sections: [String: [Substring]] = [:]
        var current: String?
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("--- ") {
                current = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
                guard current == "system" || current == "user" else { throw PromptError("\(file):\(number + 1): unknown section \(current!)") }
                sections[current!] = []
            } else if let current {
                sections[current]!.append(line)
            } else if line.hasPrefix("id:") {
                id = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("version:") {
                guard let number = Int(line.dropFirst(8).trimmingCharacters(in: .whitespaces)) else { throw PromptError("\(file):\(number + 1): version is not a number") }
                version = number
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                throw PromptError("\(file):\(number + 1): expected id:, version: or a --- section")
            }
        }
        guard let id, let version else { throw PromptError("\(file): needs id: and version: lines") }
        guard let system = sections["system"], let user = sections["user"] else { throw PromptError("\(file): needs --- system and --- user sections") }
        self.id = id
        self.version = version
        self.system = system.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        self.user = user.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The placeholders the template uses.
    public var placeholders: Set<String> {
        Set(Self.placeholders(in: system) + Self.placeholders(in: user))
    }

    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// The template filled in. Every placeholder must have a value.
    public func render(_ values: [String: String]) throws -> RenderedPrompt {
        let missing = placeholders.subtracting(values.keys)
        guard missing.isEmpty else { throw PromptError("prompt \(reference) has no value for \(missing.sorted().joined(separator: ", "))") }
        func fill(_ text: String) -> String {
            var out = text
            for (name, value) in values { out = out.replacingOccurrences(of: "{{\(name)}}", with: value) }
            return out
        }
        return RenderedPrompt(template: reference, system: fill(system), user: fill(user))
    }
}

/// A prompt as sent: content-addressed by the SHA-256 of its text.
public struct RenderedPrompt: Sendable, Equatable {
    public let template: String
    public let system: String
    public let user: String

    public var hash: String {
        let digest = SHA256.hash(data: Data("\(template)\n\(system)\n\u{0}\n\(user)".utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

public struct PromptError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The templates shipped with Periodize.
public struct PromptLibrary: Sendable {
    public let plan: PromptTemplate
    public let mesocycle: PromptTemplate
    public let dailyWorkout: PromptTemplate
    public let dailyMessage: PromptTemplate
    public let reply: PromptTemplate

    public static let standard: PromptLibrary = {
        do {
            return try PromptLibrary(bundle: .module)
        } catch {
            fatalError("the prompt templates shipped with Periodize do not load: \(error)")
        }
    }()

    public init(bundle: Bundle) throws {
        func load(_ name: String) throws -> PromptTemplate {
            guard let url = bundle.url(forResource: name, withExtension: "prompt", subdirectory: "Prompts")
                ?? bundle.url(forResource: name, withExtension: "prompt") else {
                throw PromptError("prompt template \(name).prompt is missing from \(bundle.bundlePath)")
            }
            return try PromptTemplate(text: String(contentsOf: url, encoding: .utf8), file: "\(name).prompt")
        }
        plan = try load("plan")
        mesocycle = try load("mesocycle")
        dailyWorkout = try load("daily-workout")
        dailyMessage = try load("daily-message")
        reply = try load("reply")
    }
}

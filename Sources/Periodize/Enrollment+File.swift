import Coaching
import Events
import Foundation

extension Enrollment {
    /// Reads an enrollment from a JSON file (the fields of ``Enrollment``, with `profile`).
    ///
    /// - Throws: ``CoachingError`` as `FILE:LINE: reason`, then the enrollment's own checks.
    public static func load(fromFile path: String) throws -> Enrollment {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CoachingError("\(path): cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        func line(ofOffset offset: Int) -> Int {
            text.utf8.prefix(offset).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        func line(ofKey key: String) -> Int {
            guard let range = text.range(of: "\"\(key)\"") else { return 1 }
            return line(ofOffset: text.utf8.distance(from: text.startIndex, to: range.lowerBound))
        }
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            let description = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"
            let offset = description.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) } ?? 0
            throw CoachingError("\(path):\(line(ofOffset: offset)): not valid JSON (\(description))")
        }
        do {
            return try JSONDecoder().decode(Enrollment.self, from: data)
        } catch let error as DecodingError {
            let (keys, reason): ([any CodingKey], String) = switch error {
            case .keyNotFound(let key, let context): (context.codingPath + [key], "missing")
            case .typeMismatch(_, let context): (context.codingPath, context.debugDescription)
            case .valueNotFound(_, let context): (context.codingPath, "null where a value is required")
            case .dataCorrupted(let context): (context.codingPath, context.debugDescription)
            @unknown default: ([], "\(error)")
            }
            let field = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            let lineNumber: Int
            if case .keyNotFound = error, let parent = keys.dropLast().last(where: { $0.intValue == nil }) {
                lineNumber = line(ofKey: parent.stringValue)
            } else if let last = keys.last(where: { $0.intValue == nil }) {
                lineNumber = line(ofKey: last.stringValue)
            } else {
                lineNumber = 1
            }
            throw CoachingError("\(path):\(lineNumber): \(field.isEmpty ? "enrollment" : field): \(reason)")
        }
    }
}

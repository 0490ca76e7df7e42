import Coaching
import EventLog
import APIGenerated
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// An error the API answers itself, before any use case runs: no token, the wrong role, a
/// header that does not parse.
struct APIError: Error, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?

    var description: String { message }

    static func unauthorized(_ message: String) -> APIError { APIError(status: .unauthorized, code: "unauthorized", message: message) }
    static func forbidden(_ message: String) -> APIError { APIError(status: .forbidden, code: "forbidden", message: message) }
}

/// A problem detail (RFC 9457) and the domain's code.
struct Problem: Codable, Equatable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var code: String?
    var field: String?

    /// Every error the API answers, mapped to a status in this one place: unknown client 404,
    /// already enrolled or a stream that kept changing 409, a stream not at `If-Match`'s
    /// version 412, invalid input 422 naming the field, no token 401, the wrong role 403.
    static func of(_ error: any Error) -> Problem {
        switch error {
        case let error as ServerError:
            // The runtime's wrapper: the handler's or the decoder's own error inside, or a
            // request the document does not admit (a missing parameter, a wrong content type).
            if error.underlyingError is CoachingError || error.underlyingError is DecodingError || error.underlyingError is APIError
                || error.underlyingError is EventStoreError
            {
                return of(error.underlyingError)
            }
            guard String(describing: Swift.type(of: error.underlyingError)) == "RuntimeError" else { return of(error.underlyingError) }
            let status = error.httpStatus.code == 500 ? 400 : error.httpStatus.code
            return Problem(status: status, code: "badRequest", detail: error.causeDescription)
        case let error as APIError:
            return Problem(status: error.status.code, code: error.code, detail: error.message, field: error.field)
        case let error as CoachingError:
            let status = switch error.code {
            case .unknownClient, .notFound: 404
            case .alreadyEnrolled, .conflict, .erased, .noPlan, .nothingToDo: 409
            case .preconditionFailed: 412
            case .invalidInput, .outsidePlan: 422
            default: 500
            }
            return Problem(status: status, code: error.code.description, detail: error.message, field: error.field)
        case let error as EventStoreError where error.code == .wrongExpectedVersion:
            return Problem(status: 409, code: CoachingError.Code.conflict.description, detail: error.description)
        case let error as DecodingError:
            let (path, reason): ([any CodingKey], String) = switch error {
            case .keyNotFound(let key, let context): (context.codingPath + [key], "is required")
            case .typeMismatch(_, let context): (context.codingPath, "has the wrong type")
            case .valueNotFound(_, let context): (context.codingPath, "cannot be null")
            case .dataCorrupted(let context): (context.codingPath, context.codingPath.isEmpty ? "is not valid JSON" : "is not one of the accepted values")
            @unknown default: ([], "is not valid")
            }
            let field = path.filter { $0.stringValue != "application/json" }
                .map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return Problem(
                status: 422, code: CoachingError.Code.invalidInput.description,
                detail: field.isEmpty ? "the body \(reason)" : "\(field) \(reason)", field: field.isEmpty ? nil : field)
        default:
            return Problem(status: 500, code: "internal", detail: "the request could not be done; nothing was appended after the failure (see the server's log)")
        }
    }

    init(status: Int, code: String?, detail: String?, field: String? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
        self.type = code.map { "urn:periodize:problem:\($0)" } ?? "about:blank"
        self.title = Self.titles[status] ?? (status >= 500 ? "Internal Server Error" : "Bad Request")
    }

    static let titles = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 406: "Not Acceptable", 409: "Conflict", 410: "Gone",
        405: "Method Not Allowed", 412: "Precondition Failed", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
        500: "Internal Server Error", 503: "Service Unavailable",
    ]

    /// The problem as an HTTP answer.
    var response: (HTTPResponse, HTTPBody) {
        var fields = HTTPFields()
        fields[.contentType] = "application/problem+json"
        if status == 401 { fields[.wwwAuthenticate] = "Bearer" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data()
        return (HTTPResponse(status: .init(code: status), headerFields: fields), HTTPBody(body))
    }
}

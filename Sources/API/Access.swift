import Crypto
import Events
import APIGenerated
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Periodize
import Synchronization

/// Who is calling: a working token's name and role.
public struct Caller: Sendable, Equatable {
    public var name: String
    public var role: TokenRole

    /// Operators and support read personal fields; auditors read them redacted.
    public var seesPersonalFields: Bool { role != .auditor }

    /// The caller of the request the current task answers (set by ``AccessMiddleware``).
    @TaskLocal public static var current: Caller?
    /// The token that request came with (the live feed asks again whether it still works).
    @TaskLocal static var currentToken: String?
}

/// What each operation needs: the roles that may call it (none: anyone, no token).
enum Access {
    static let everyone: Set<TokenRole> = Set(TokenRole.allCases)
    static let operations: [String: Set<TokenRole>] = [
        "getDocument": [],
        // Writes: operators.
        "enrollClient": [.operator_], "updateClient": [.operator_], "createPlan": [.operator_], "breakDown": [.operator_],
        "runDaily": [.operator_], "eraseClient": [.operator_],
        // Relaying a reply, and reading what clients wrote: operators and support.
        "relayReply": [.operator_, .support], "listMessages": [.operator_, .support], "getInbox": [.operator_, .support],
        // Decisions and training: everyone (auditors with personal fields redacted).
        "getClient": everyone, "getPlan": everyone, "getWeek": everyone, "getWorkout": everyone, "getArchive": everyone,
        "getAudit": everyone, "getStats": everyone, "listEvents": everyone, "followEvents": everyone,
    ]
    /// The writes that take `If-Match`: the ones an operator makes after reading the client.
    static let takesIfMatch: Set<String> = ["updateClient", "createPlan", "breakDown", "eraseClient"]
}

/// What a handler says of the answer it gives: the client it is about (the answer is kept
/// sealed under that client's key when remembered for an `Idempotency-Key`), and the exact
/// JSON it answers when the document's types would not carry it as it is (a seed above
/// `Int64.max` read through them comes out a rounded double).
final class AnswerScope: Sendable {
    private struct Said {
        var clientID: String?
        var exactBody: Data?
    }
    private let said = Mutex(Said())
    /// The caller's `Idempotency-Key`, when the request came with one.
    let idempotencyKey: (caller: String, key: String)?

    init(idempotencyKey: (caller: String, key: String)? = nil) {
        self.idempotencyKey = idempotencyKey
    }

    func about(_ clientID: String) { said.withLock { $0.clientID = clientID } }
    var clientID: String? { said.withLock { $0.clientID } }

    /// Answers `bytes` as the successful answer's body (the handler's typed answer, made from
    /// the same bytes, says what shape they have).
    func answer(exactly bytes: Data) { said.withLock { $0.exactBody = bytes } }
    var exactBody: Data? { said.withLock { $0.exactBody } }

    /// An id derived from the request's `Idempotency-Key` (nil without one): a request run
    /// again under the same key (its first run failed on our side) makes the same id, so what
    /// it made the first time is found rather than made twice.
    func derivedID(_ purpose: String) -> UUID? {
        guard let (caller, key) = idempotencyKey else { return nil }
        return Engine.nameBasedID("api|\(purpose)|\(caller)|\(key)")
    }

    @TaskLocal static var current: AnswerScope?
}

/// Runs before every operation: the bearer token (401 without a working one), the role
/// (403), `If-Match` (the stream version the write is based on), who the request is for
/// (recorded on every event it appends), `Idempotency-Key` on POSTs, and every error as a
/// problem detail.
struct AccessMiddleware: ServerMiddleware {
    let engine: Engine
    let answers: (any IdempotencyStore)?
    let nulls: NullCheck
    let logger: Logger
    /// Request bodies are read whole up to this size (an `Idempotency-Key` needs the bytes).
    static let maxBody = 1 << 20

    func intercept(
        _ request: HTTPRequest, body sent: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // No body sent (an optional one left out): none, rather than an empty one the
        // generated code would read as JSON that does not parse.
        var body = sent
        if body?.length == .known(0) || (request.headerFields[.contentLength] == nil && request.headerFields[.transferEncoding] == nil) { body = nil }
        do {
            let roles = Access.operations[operationID] ?? []
            if roles.isEmpty, Access.operations[operationID] != nil { return try await next(request, body, metadata) }
            let (caller, token) = try await authenticate(request)
            guard roles.contains(caller.role) else {
                throw APIError.forbidden("a token of role \(caller.role.rawValue) may not \(operationID) (it needs \(roles.map(\.rawValue).sorted().joined(separator: " or ")))")
            }
            // Read whole, up to the limit (a 413 past it), before anything is done (and only for
            // a caller who may make the request).
            var bytes: Data?
            if let sent = body {
                let read = try await Self.collect(sent)
                if let field = nulls.misplacedNull(operationID: operationID, body: read) {
                    throw APIError(status: .unprocessableContent, code: "invalidInput", message: "\(field) cannot be null: give a value or leave it out", field: field)
                }
                bytes = read
                body = HTTPBody(read)
            }
            // The document's bounds on a client id (the generated code does not check lengths).
            if let id = metadata.pathParameters["clientId"], !(1...200).contains(id.count) {
                throw APIError(status: .unprocessableContent, code: "invalidInput", message: "a client id is 1-200 characters", field: "clientId")
            }
            let key = request.method == .post && answers != nil ? request.headerFields[HTTPField.Name("Idempotency-Key")!] : nil
            let scope = AnswerScope(idempotencyKey: key.map { (caller.name, $0) })
            // Under an Idempotency-Key the correlation is the key's: a run again of the request
            // (its first answer lost) is known by it in what the first run appended.
            var context = RequestContext(principal: "api:\(caller.name)", correlation: scope.derivedID("correlation") ?? UUID())
            if let ifMatch = request.headerFields[.ifMatch] {
                if Access.takesIfMatch.contains(operationID) {
                    context.expectedVersion = try Self.version(ifMatch)
                } else if request.method != .get, request.method != .head {
                    throw APIError(
                        status: .unprocessableContent, code: "invalidInput",
                        message: "\(operationID) does not take If-Match (the writes that do: \(Access.takesIfMatch.sorted().joined(separator: ", ")))", field: "If-Match")
                }
            }
            let (response, responseBody) = try await Caller.$current.withValue(caller, operation: { try await Caller.$currentToken.withValue(token) {
                try await Engine.$request.withValue(context) {
                    try await AnswerScope.$current.withValue(scope) {
                        if let key, let answers {
                            return try await idempotent(request, bytes: bytes, metadata: metadata, key: key, caller: caller, answers: answers, scope: scope, next: next)
                        }
                        do { return Self.finished(try await next(request, body, metadata), scope) } catch { return answer(error, operationID) }
                    }
                }
            } })
            return (response, responseBody)
        } catch {
            return answer(error, operationID)
        }
    }

    private func answer(_ error: any Error, _ operationID: String) -> (HTTPResponse, HTTPBody?) {
        let problem = Problem.of(error)
        if problem.status >= 500 {
            logger.error("API request failed", metadata: ["operation": "\(operationID)", "error": "\(String(reflecting: error))"])
        }
        return problem.response
    }

    /// The caller of a request with `Authorization: Bearer <token>` of a working token.
    private func authenticate(_ request: HTTPRequest) async throws -> (caller: Caller, token: String) {
        guard let header = request.headerFields[.authorization] else { throw APIError.unauthorized("Authorization: Bearer <token> is required") }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized("Authorization must be Bearer <token>") }
        let presented = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard let token = try await engine.authenticate(token: presented) else {
            throw APIError.unauthorized("the token is not one of the working tokens (revoked, or never made)")
        }
        return (Caller(name: token.name, role: token.role), presented)
    }

    /// The answer as it goes out: `ETag` and `Location` as written (the generated code writes
    /// header values percent-encoded, the document's "simple" style, which would make `"3"`
    /// `%223%22`), and the handler's exact body where it gave one.
    static func finished(_ answer: (HTTPResponse, HTTPBody?), _ scope: AnswerScope) -> (HTTPResponse, HTTPBody?) {
        var (response, body) = answer
        for name in [HTTPField.Name.eTag, .location] {
            if let value = response.headerFields[name], let plain = value.removingPercentEncoding { response.headerFields[name] = plain }
        }
        if (200..<300).contains(response.status.code), let exact = scope.exactBody {
            body = HTTPBody(exact)
            response.headerFields[.contentLength] = nil
        }
        return (response, body)
    }

    /// A stream version from `If-Match`: `"12"`, `W/"12"` or `12`.
    static func version(_ header: String) throws -> Int64 {
        var text = header.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text.removeFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        guard let version = Int64(text), version >= 0 else {
            throw APIError(status: .unprocessableContent, code: "invalidInput", message: "If-Match \(header) is not a stream version (an ETag such as \"12\")", field: "If-Match")
        }
        return version
    }

    /// A request body read whole, up to ``maxBody`` bytes (a 413 past that).
    static func collect(_ body: HTTPBody) async throws -> Data {
        let tooLarge = APIError(status: .contentTooLarge, code: "invalidInput", message: "the body is over \(maxBody) bytes", field: "body")
        if case .known(let length) = body.length, length > maxBody { throw tooLarge }
        var bytes = Data()
        for try await chunk in body {
            guard bytes.count + chunk.count <= maxBody else { throw tooLarge }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    /// A POST with `Idempotency-Key`: the first answer, remembered, is the answer to every retry.
    private func idempotent(
        _ request: HTTPRequest, bytes: Data?, metadata: ServerRequestMetadata, key: String, caller: Caller, answers: any IdempotencyStore,
        scope: AnswerScope, next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard (1...200).contains(key.count) else {
            throw APIError(status: .unprocessableContent, code: "invalidInput", message: "Idempotency-Key must be 1-200 characters", field: "Idempotency-Key")
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.path ?? "")\n".utf8))
        hasher.update(data: bytes ?? Data())
        let fingerprint = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let now = engine.clock()
        switch try await answers.claim(caller: caller.name, key: key, fingerprint: fingerprint, now: now) {
        case .answered(let answer):
            var fields = HTTPFields()
            for (name, value) in answer.headers { if let name = HTTPField.Name(name) { fields[name] = value } }
            fields[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return (HTTPResponse(status: .init(code: answer.status), headerFields: fields), HTTPBody(answer.body))
        case .inProgress:
            throw APIError(status: .conflict, code: "conflict", message: "a request with Idempotency-Key \(key) is being answered: retry when it is", field: "Idempotency-Key")
        case .otherRequest:
            throw APIError(status: .unprocessableContent, code: "invalidInput", message: "Idempotency-Key \(key) was used for another request (another path or body)", field: "Idempotency-Key")
        case .erased:
            throw APIError(status: .gone, code: "erased", message: "the answer to Idempotency-Key \(key) was about a client erased since", field: "Idempotency-Key")
        case .claimed:
            break
        }
        // From here on the key is claimed: whatever happens, it is answered or let go.
        let response: HTTPResponse
        let answerBytes: Data
        do {
            let responseBody: HTTPBody?
            do {
                (response, responseBody) = Self.finished(try await next(request, bytes.map { HTTPBody($0) }, metadata), scope)
            } catch {
                (response, responseBody) = answer(error, "idempotent")
            }
            answerBytes = if let responseBody { try await Data(collecting: responseBody, upTo: 16 << 20) } else { Data() }
        } catch {
            try? await answers.release(caller: caller.name, key: key)
            throw error
        }
        if response.status.code >= 500 {
            try? await answers.release(caller: caller.name, key: key)
        } else {
            var headers: [String: String] = [:]
            for field in response.headerFields where [.contentType, .eTag, .location].contains(field.name) { headers[field.name.canonicalName] = field.value }
            // Sealed under the client's key only when the answer is theirs (a 404 for a made-up
            // id makes no key for it).
            let owner = (200..<300).contains(response.status.code) ? scope.clientID : nil
            do {
                try await answers.remember(caller: caller.name, key: key, answer: RememberedAnswer(status: response.status.code, headers: headers, body: answerBytes), owner: owner, now: now)
            } catch {
                logger.error("an Idempotency-Key's answer could not be kept", metadata: ["key": "\(key)", "error": "\(error)"])
                try? await answers.release(caller: caller.name, key: key)
            }
        }
        return (response, HTTPBody(answerBytes))
    }
}

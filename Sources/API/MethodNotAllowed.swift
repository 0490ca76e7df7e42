import Foundation
import HTTPTypes
import Hummingbird

/// A documented path asked with a method it does not have: 405 with `Allow` (the router alone
/// would answer 404, as for a path that does not exist); a path under `/api/v1` that is not
/// in the document: 404, as a problem detail.
struct MethodNotAllowed<Context: RequestContext>: RouterMiddleware {
    /// The document's paths (under `/api/v1`), each as its segments (`{name}` for a parameter),
    /// and their methods.
    let paths: [(segments: [Substring], methods: [String])]

    /// - Parameter object: the document, parsed (``OperatorsAPIRoutes/parsedDocument(_:)``).
    init(document object: [String: Any]) {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        paths = (object["paths"] as? [String: Any] ?? [:]).map { path, operations in
            (("/api/v1" + path).split(separator: "/"), ((operations as? [String: Any])?.keys.filter(methods.contains) ?? []).map { $0.uppercased() }.sorted())
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            guard let match = paths.first(where: { candidate in
                candidate.segments.count == segments.count
                    && zip(candidate.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }), !match.methods.contains(request.method.rawValue) else {
                // Under the API's prefix, as every answer of the API: a problem detail.
                guard request.uri.path.hasPrefix("/api/v1/") || request.uri.path == "/api/v1" else { throw error }
                return Self.response(Problem(status: 404, code: "notFound", detail: "\(request.uri.path) is not a path of the API (see /api/v1/openapi.json)"))
            }
            let problem = Problem(status: 405, code: "methodNotAllowed", detail: "\(request.uri.path) takes \(match.methods.joined(separator: ", "))")
            return Self.response(problem, allow: match.methods.joined(separator: ", "))
        }
    }

    private static func response(_ problem: Problem, allow: String? = nil) -> Response {
        let (head, body) = problem.response
        var headers = head.headerFields
        if let allow { headers[.allow] = allow }
        return Response(status: head.status, headers: headers, body: .init(asyncSequence: body.map { ByteBuffer(bytes: $0) }))
    }
}

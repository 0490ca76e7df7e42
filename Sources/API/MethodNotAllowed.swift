import Foundation
import HTTPTypes
import Hummingbird

/// A documented path asked with a method it does not have: 405 with `Allow` (the router alone
/// would answer 404, as for a path that does not exist).
struct MethodNotAllowed<Context: RequestContext>: RouterMiddleware {
    /// The document's paths (under `/api/v1`), each as its segments (`{name}` for a parameter),
    /// and their methods.
    let paths: [(segments: [Substring], methods: [String])]

    init(document: Data) throws {
        let object = try JSONSerialization.jsonObject(with: document) as? [String: Any] ?? [:]
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
            }), !match.methods.contains(request.method.rawValue) else { throw error }
            let (head, body) = Problem(status: 405, code: "methodNotAllowed", detail: "\(request.uri.path) takes \(match.methods.joined(separator: ", "))").response
            var headers = head.headerFields
            headers[.allow] = match.methods.joined(separator: ", ")
            return Response(status: .methodNotAllowed, headers: headers, body: .init(asyncSequence: body.map { ByteBuffer(bytes: $0) }))
        }
    }
}

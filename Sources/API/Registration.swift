import APIGenerated
import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import Periodize

/// The operators' API on a Hummingbird router, under `/api/v1`.
public struct OperatorsAPIRoutes: Sendable {
    public var texts = ConversationTexts()
    public var feed = FeedSettings()
    /// Where answers to POSTs with `Idempotency-Key` are kept; nil answers such POSTs anew.
    public var answers: (any IdempotencyStore)?
    /// Called when a request queued messages (wakes the delivery worker).
    public var queued: @Sendable () -> Void = {}

    public init() {}

    /// The OpenAPI document the routes are generated from, as shipped (JSON).
    public static func document() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "openapi.json is missing from the API's resources"])
        }
        return try Data(contentsOf: url)
    }

    /// Adds every operation of the document to `router`.
    public func register<Context: Hummingbird.RequestContext>(on router: Router<Context>, engine: Engine, logger: Logger) throws {
        let bytes = try Self.document()
        let document = try JSONDecoder().decode(OpenAPIObjectContainer.self, from: bytes)
        let parsed = try Self.parsedDocument(bytes)
        router.add(middleware: MethodNotAllowed<Context>(document: parsed))
        let api = OperatorsAPI(engine: engine, texts: texts, document: document, feed: feed, queued: queued)
        try api.registerHandlers(
            on: router, serverURL: URL(string: "/api/v1")!, configuration: Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [AccessMiddleware(engine: engine, answers: answers, nulls: NullCheck(document: parsed), logger: logger)])
    }

    /// The document as a JSON object, read once for the middlewares that look into it.
    static func parsedDocument(_ bytes: Data) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: bytes) as? [String: Any] ?? [:]
    }
}

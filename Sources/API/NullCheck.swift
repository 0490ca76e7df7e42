import Foundation

/// Finds a `null` a request body gives where the document does not admit one. The generated
/// decoders read `null` as an optional field left out, so `{"weeks": null}` would pass for
/// `{}`; the document says `weeks` is an integer, so it is a 422 naming the field instead.
struct NullCheck: Sendable {
    /// The request body's JSON schema, by operation id.
    private let bodies: [String: Schema]

    /// The parts of a JSON schema the check reads.
    private indirect enum Schema: Sendable {
        case reference(String)
        case node(admitsNull: Bool, properties: [String: Schema], items: Schema?)
    }

    private let components: [String: Schema]

    /// - Parameter root: the document, parsed (``OperatorsAPIRoutes/parsedDocument(_:)``).
    init(document root: [String: Any]) {
        var components: [String: Schema] = [:]
        for (name, schema) in ((root["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]) {
            components[name] = Self.schema(schema)
        }
        var bodies: [String: Schema] = [:]
        for case let operations as [String: Any] in (root["paths"] as? [String: Any] ?? [:]).values {
            for case let operation as [String: Any] in operations.values {
                guard let id = operation["operationId"] as? String,
                      let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any],
                      let schema = (content["application/json"] as? [String: Any])?["schema"]
                else { continue }
                bodies[id] = Self.schema(schema)
            }
        }
        self.components = components
        self.bodies = bodies
    }

    private static func schema(_ json: Any) -> Schema {
        guard let object = json as? [String: Any] else { return .node(admitsNull: true, properties: [:], items: nil) }
        if let ref = object["$ref"] as? String { return .reference(String(ref.split(separator: "/").last ?? "")) }
        let types: [String]? = (object["type"] as? [String]) ?? (object["type"] as? String).map { [$0] }
        let properties = (object["properties"] as? [String: Any] ?? [:]).mapValues(schema)
        return .node(admitsNull: types.map { $0.contains("null") } ?? true, properties: properties, items: object["items"].map(schema))
    }

    /// The path of the first `null` in `body` that the operation's body schema does not admit.
    func misplacedNull(operationID: String, body: Data) -> String? {
        guard let schema = bodies[operationID], let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else { return nil }
        return find(value, schema, path: "")
    }

    private func find(_ value: Any, _ schema: Schema, path: String, depth: Int = 0) -> String? {
        guard depth < 32 else { return nil }
        switch schema {
        case .reference(let name):
            guard let resolved = components[name] else { return nil }
            return find(value, resolved, path: path, depth: depth + 1)
        case .node(let admitsNull, let properties, let items):
            if value is NSNull { return admitsNull ? nil : (path.isEmpty ? "body" : path) }
            if let object = value as? [String: Any] {
                for key in object.keys.sorted() {
                    guard let property = properties[key], let found = find(object[key]!, property, path: path.isEmpty ? key : "\(path).\(key)", depth: depth + 1) else { continue }
                    return found
                }
            } else if let array = value as? [Any], let items {
                for (index, element) in array.enumerated() {
                    if let found = find(element, items, path: "\(path)[\(index)]", depth: depth + 1) { return found }
                }
            }
            return nil
        }
    }
}

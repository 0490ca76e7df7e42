import Events
import Foundation

/// A JSON schema for a model's answer, derived from the Swift type the answer decodes into,
/// so the schema sent to a provider can never drift from the events it becomes.
///
/// Every string and array is bounded (``SchemaBounded`` refines the defaults): small models
/// otherwise run on until max_tokens and return cut-off JSON.
public struct JSONSchema: Sendable, Equatable {
    public enum Kind: String, Sendable { case object, array, string, integer, number, boolean }

    public struct Property: Sendable, Equatable {
        public var name: String
        public var schema: JSONSchema
        public var required: Bool
    }

    public var kind: Kind
    public var properties: [Property] = []
    /// The element schema of an array (one entry), empty otherwise.
    public var items: [JSONSchema] = []
    public var enumValues: [String]?
    public var minimum: Double?
    public var maximum: Double?
    public var minItems: Int?
    public var maxItems: Int?
    public var maxLength: Int?
    public var description: String?

    public init(kind: Kind) {
        self.kind = kind
    }

    /// Strings longer than this are refused unless a type says otherwise.
    public static let defaultMaxLength = 160
    /// Arrays longer than this are refused unless a type says otherwise.
    public static let defaultMaxItems = 12

    /// The schema of `type`, read off its `Decodable` conformance.
    public static func of<T: Decodable>(_ type: T.Type) throws -> JSONSchema {
        let node = SchemaNode(kind: .object)
        _ = try SchemaProbe.probe(type, into: node)
        return node.schema
    }

    /// How deep objects and arrays nest (a scalar is 0).
    public var depth: Int {
        switch kind {
        case .object: 1 + (properties.map(\.schema.depth).max() ?? 0)
        case .array: 1 + (items.first?.depth ?? 0)
        default: 0
        }
    }

    // MARK: Provider dialects

    /// Gemini's `responseSchema`: the OpenAPI 3.0 subset (upper-case types, `nullable`, no
    /// `additionalProperties`), with `propertyOrdering` so answers keep the declared order.
    public func gemini() -> [String: Any] {
        var out: [String: Any] = ["type": kind.rawValue.uppercased()]
        fill(&out)
        switch kind {
        case .object:
            out["properties"] = Dictionary(uniqueKeysWithValues: properties.map { property in
                var schema = property.schema.gemini()
                if !property.required { schema["nullable"] = true }
                return (property.name, schema)
            })
            out["required"] = properties.filter(\.required).map(\.name)
            out["propertyOrdering"] = properties.map(\.name)
        case .array:
            if let item = items.first { out["items"] = item.gemini() }
        default:
            break
        }
        return out
    }

    /// JSON Schema as OpenAI's strict structured outputs want it: every object closed
    /// (`additionalProperties: false`) with every property required, optional ones as a union
    /// with null. With `strict` false, optional properties are simply not required (the
    /// `json_object` form some compatible servers take).
    public func openAI(strict: Bool = true) -> [String: Any] {
        var out: [String: Any] = ["type": kind.rawValue]
        fill(&out)
        switch kind {
        case .object:
            out["properties"] = Dictionary(uniqueKeysWithValues: properties.map { property in
                var schema = property.schema.openAI(strict: strict)
                if strict, !property.required {
                    schema["type"] = [property.schema.kind.rawValue, "null"]
                    if var values = schema["enum"] as? [Any] {
                        values.append(NSNull())
                        schema["enum"] = values
                    }
                }
                return (property.name, schema)
            })
            out["required"] = strict ? properties.map(\.name) : properties.filter(\.required).map(\.name)
            out["additionalProperties"] = false
        case .array:
            if let item = items.first { out["items"] = item.openAI(strict: strict) }
        default:
            break
        }
        return out
    }

    private func fill(_ out: inout [String: Any]) {
        if let enumValues { out["enum"] = enumValues }
        if let minimum { out["minimum"] = kind == .integer ? Int(minimum) as Any : minimum }
        if let maximum { out["maximum"] = kind == .integer ? Int(maximum) as Any : maximum }
        if let minItems { out["minItems"] = minItems }
        if let maxItems { out["maxItems"] = maxItems }
        if let maxLength { out["maxLength"] = maxLength }
        if let description { out["description"] = description }
    }
}

/// Limits and hints for a type's properties, added to the schema derived from it.
public protocol SchemaBounded {
    static var schemaBounds: [String: SchemaBound] { get }
}

/// Limits for one property.
public struct SchemaBound: Sendable {
    public var maxLength: Int?
    public var items: ClosedRange<Int>?
    public var range: ClosedRange<Double>?
    /// The only strings the property takes.
    public var values: [String]?
    public var description: String?

    public static func text(_ maxLength: Int, _ description: String? = nil) -> SchemaBound {
        SchemaBound(maxLength: maxLength, description: description)
    }
    public static func list(_ items: ClosedRange<Int>, _ description: String? = nil) -> SchemaBound {
        SchemaBound(items: items, description: description)
    }
    public static func number(_ range: ClosedRange<Double>, _ description: String? = nil) -> SchemaBound {
        SchemaBound(range: range, description: description)
    }
    public static func oneOf(_ values: [String], _ description: String? = nil) -> SchemaBound {
        SchemaBound(values: values, description: description)
    }
    public static func note(_ description: String) -> SchemaBound {
        SchemaBound(description: description)
    }
}

/// A type whose schema is a closed set of strings: its `CaseIterable` raw values.
public protocol SchemaEnumerable: Decodable {
    static var schemaCases: [String] { get }
}

extension SchemaEnumerable where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var schemaCases: [String] { allCases.map(\.rawValue) }
}

/// A type that states its own schema and a value to stand for it while the schema is read.
public protocol SchemaLeaf: Decodable {
    static var leafSchema: JSONSchema { get }
    static var leafSample: Self { get }
}

extension ProgramType: SchemaEnumerable {}
extension Load: SchemaEnumerable {}
extension Weekday: SchemaEnumerable {}
extension WorkoutGenerated.ItemType: SchemaEnumerable {}

extension RepCount: SchemaLeaf {
    public static var leafSchema: JSONSchema {
        var schema = JSONSchema(kind: .string)
        schema.maxLength = 12
        schema.description = "reps per set: a number such as \"8\", a range such as \"6-8\", or \"AMRAP\""
        return schema
    }
    public static var leafSample: RepCount { .count(1) }
}

// MARK: - Reading a schema off Decodable

/// The schema being built for one value.
final class SchemaNode {
    var schema: JSONSchema

    init(kind: JSONSchema.Kind) {
        schema = JSONSchema(kind: kind)
    }
}

struct SchemaDerivationError: Error, CustomStringConvertible {
    let description: String
}

/// A `Decoder` that records what a type asks for instead of reading data: keys and their
/// types become properties, `decodeIfPresent` marks a property optional, an unkeyed
/// container becomes an array of the one element decoded from it.
final class SchemaProbe: Decoder {
    var node = SchemaNode(kind: .object)
    let codingPath: [any CodingKey] = []
    let userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        node.schema.kind = .object
        return KeyedDecodingContainer(KeyedProbe<Key>(node: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        node.schema.kind = .array
        return UnkeyedProbe(node: node)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueProbe(node: node)
    }

    /// Decodes a stand-in value of `T`, recording its schema in `node`.
    static func probe<T: Decodable>(_ type: T.Type, into node: SchemaNode) throws -> T {
        if let leaf = T.self as? any SchemaLeaf.Type {
            node.schema = leaf.leafSchema
            return leaf.leafSample as! T
        }
        if let enumerable = T.self as? any SchemaEnumerable.Type {
            node.schema = JSONSchema(kind: .string)
            node.schema.enumValues = enumerable.schemaCases
            return try T(from: SampleDecoder(text: enumerable.schemaCases[0]))
        }
        switch T.self {
        case is String.Type: node.schema = JSONSchema(kind: .string); return "" as! T
        case is Bool.Type: node.schema = JSONSchema(kind: .boolean); return false as! T
        case is Int.Type: node.schema = JSONSchema(kind: .integer); return 0 as! T
        case is Double.Type: node.schema = JSONSchema(kind: .number); return 0.0 as! T
        default:
            let probe = SchemaProbe()
            probe.node = node
            let value = try T(from: probe)
            if node.schema.kind == .object, let bounded = T.self as? any SchemaBounded.Type {
                apply(bounded.schemaBounds, to: node)
            }
            return value
        }
    }

    static func apply(_ bounds: [String: SchemaBound], to node: SchemaNode) {
        for index in node.schema.properties.indices {
            guard let bound = bounds[node.schema.properties[index].name] else { continue }
            var schema = node.schema.properties[index].schema
            if let maxLength = bound.maxLength { schema.maxLength = maxLength }
            if let items = bound.items { schema.minItems = items.lowerBound; schema.maxItems = items.upperBound }
            if let range = bound.range { schema.minimum = range.lowerBound; schema.maximum = range.upperBound }
            if let values = bound.values { schema.enumValues = values; schema.maxLength = nil }
            if let description = bound.description { schema.description = description }
            node.schema.properties[index].schema = schema
        }
    }

    /// Default bounds for what a type left unbounded.
    static func bounded(_ schema: JSONSchema) -> JSONSchema {
        var schema = schema
        switch schema.kind {
        case .string where schema.enumValues == nil && schema.maxLength == nil: schema.maxLength = JSONSchema.defaultMaxLength
        case .array where schema.maxItems == nil: schema.maxItems = JSONSchema.defaultMaxItems
        default: break
        }
        return schema
    }
}

struct KeyedProbe<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: SchemaNode
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try add(type, key: key, required: true)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try add(type, key: key, required: false)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try add(type, key: key, required: false) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try add(type, key: key, required: false) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try add(type, key: key, required: false) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try add(type, key: key, required: false) }

    private func add<T: Decodable>(_ type: T.Type, key: Key, required: Bool) throws -> T {
        let child = SchemaNode(kind: .object)
        let value = try SchemaProbe.probe(type, into: child)
        node.schema.properties.removeAll { $0.name == key.stringValue }
        node.schema.properties.append(.init(name: key.stringValue, schema: SchemaProbe.bounded(child.schema), required: required))
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaDerivationError(description: "nested containers are not supported (\(key.stringValue))")
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw SchemaDerivationError(description: "nested containers are not supported (\(key.stringValue))")
    }
    func superDecoder() throws -> any Decoder { throw SchemaDerivationError(description: "superDecoder is not supported") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw SchemaDerivationError(description: "superDecoder is not supported") }
}

struct UnkeyedProbe: UnkeyedDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey] { [] }
    var count: Int? { nil }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let child = SchemaNode(kind: .object)
        let value = try SchemaProbe.probe(type, into: child)
        node.schema.items = [SchemaProbe.bounded(child.schema)]
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaDerivationError(description: "nested containers are not supported")
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SchemaDerivationError(description: "nested containers are not supported")
    }
    mutating func superDecoder() throws -> any Decoder { throw SchemaDerivationError(description: "superDecoder is not supported") }
}

struct SingleValueProbe: SingleValueDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey] { [] }
    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try SchemaProbe.probe(type, into: node)
    }
}

/// Decodes one string: how an enum's stand-in value is made.
struct SampleDecoder: Decoder, SingleValueDecodingContainer {
    let text: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw SchemaDerivationError(description: "an enumeration must decode from one string")
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SchemaDerivationError(description: "an enumeration must decode from one string")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard let value = text as? T else { throw SchemaDerivationError(description: "an enumeration must decode from one string") }
        return value
    }
}

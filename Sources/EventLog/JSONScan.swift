/// A scanner over JSON text the log wrote (`JSONEncoder` output): moves past strings and
/// values and lists an object's fields as byte ranges, building no tree. Read-models read
/// fields with it on the replay path; the vault finds personal fields with it.
public struct JSONScan {
    public let bytes: [UInt8]
    public var index: Int

    @inlinable public init(bytes: [UInt8], index: Int) {
        self.bytes = bytes
        self.index = index
    }

    @inlinable public var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    @inlinable public mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    /// Moves past one string; the index is on its opening quote.
    @inlinable public mutating func skipString() -> Bool {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): index += 1; return true
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return false
    }

    /// Moves past one value of any kind.
    @inlinable public mutating func skipValue() -> Bool {
        guard let first = peek else { return false }
        switch first {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""): if !skipString() { return false }; continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { index += 1; return true }
                default: break
                }
                index += 1
            }
            return false
        default:
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09:
                    return index > start
                default: index += 1
                }
            }
            return index > start
        }
    }

    /// The fields of the object starting at the index; moves past it.
    @inlinable public mutating func objectFields() -> [(key: Range<Int>, value: Range<Int>)]? {
        guard peek == UInt8(ascii: "{") else { return nil }
        index += 1
        var fields: [(key: Range<Int>, value: Range<Int>)] = []
        fields.reserveCapacity(16)
        skipSpace()
        if peek == UInt8(ascii: "}") { index += 1; return fields }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { return nil }
            let keyStart = index + 1
            guard skipString() else { return nil }
            let key = keyStart..<(index - 1)
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            let valueStart = index
            guard skipValue() else { return nil }
            fields.append((key, valueStart..<index))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return fields
            default: return nil
            }
        }
    }

    /// The elements of the array starting at the index; moves past it.
    @inlinable public mutating func arrayElements() -> [Range<Int>]? {
        guard peek == UInt8(ascii: "[") else { return nil }
        index += 1
        var elements: [Range<Int>] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { index += 1; return elements }
        while true {
            skipSpace()
            let start = index
            guard skipValue() else { return nil }
            elements.append(start..<index)
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return elements
            default: return nil
            }
        }
    }
}

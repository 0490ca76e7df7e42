import EventLog
/// Field access into a JSON object by scanning its UTF-8 bytes once, without building a
/// tree: the replay hot path reads a few fields of each payload and copies nested values
/// (blocks, days, focus) out as JSON text. Foundation's `JSONDecoder` cost 7-130 µs per
/// payload here and SQLite 3.40's JSON functions about 5 µs per 2 KB parse, per statement.
///
/// The payloads are the log's own, written by `JSONEncoder`; a payload that is not a JSON
/// object fails to scan and the event is reported, not guessed at.
public struct JSONFields: Sendable {
    let bytes: [UInt8]
    /// Each field's key and value ranges in `bytes` (the key without its quotes).
    let fields: [(key: Range<Int>, value: Range<Int>)]

    /// Scans the object that fills `bytes`; nil when it is not one.
    public init?(_ bytes: [UInt8]) {
        var scanner = Scanner(bytes: bytes, index: 0)
        scanner.skipSpace()
        guard let fields = scanner.objectFields() else { return nil }
        scanner.skipSpace()
        guard scanner.index == bytes.count else { return nil }
        self.bytes = bytes
        self.fields = fields
    }

    init?(bytes: [UInt8], range: Range<Int>) {
        var scanner = Scanner(bytes: bytes, index: range.lowerBound)
        guard let fields = scanner.objectFields(), scanner.index == range.upperBound else { return nil }
        self.bytes = bytes
        self.fields = fields
    }

    /// The value's byte range, or nil when the field is absent.
    func range(_ key: StaticString) -> Range<Int>? {
        let count = key.utf8CodeUnitCount
        return key.withUTF8Buffer { wanted in
            for field in fields where field.key.count == count {
                var same = true
                var i = 0
                for position in field.key {
                    if bytes[position] != wanted[i] { same = false; break }
                    i += 1
                }
                if same { return field.value }
            }
            return nil
        }
    }

    func isNull(_ range: Range<Int>) -> Bool { bytes[range.lowerBound] == UInt8(ascii: "n") }

    /// A string field, unescaped; nil when absent, null or not a string.
    public func string(_ key: StaticString) -> String? {
        guard let range = range(key), bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        return Self.unescape(bytes, (range.lowerBound + 1)..<(range.upperBound - 1))
    }

    /// An integer field; nil when absent, null or not an integer.
    public func int(_ key: StaticString) -> Int64? {
        guard let range = range(key) else { return nil }
        var value: Int64 = 0
        var negative = false
        var index = range.lowerBound
        if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        guard index < range.upperBound else { return nil }
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product + Int64(byte - 48)
            index += 1
        }
        return negative ? -value : value
    }

    /// A number field; nil when absent, null or not a number.
    public func double(_ key: StaticString) -> Double? {
        guard let range = range(key), !isNull(range) else { return nil }
        return Double(String(decoding: bytes[range], as: UTF8.self))
    }

    /// A boolean field; nil when absent, null or not a boolean.
    public func bool(_ key: StaticString) -> Bool? {
        guard let range = range(key) else { return nil }
        switch bytes[range.lowerBound] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    /// A nested object; nil when absent, null or not an object.
    public func object(_ key: StaticString) -> JSONFields? {
        guard let range = range(key), bytes[range.lowerBound] == UInt8(ascii: "{") else { return nil }
        return JSONFields(bytes: bytes, range: range)
    }

    /// The objects of an array field; nil when absent or not an array of objects.
    public func objects(_ key: StaticString) -> [JSONFields]? {
        guard let range = range(key), bytes[range.lowerBound] == UInt8(ascii: "[") else { return nil }
        var scanner = Scanner(bytes: bytes, index: range.lowerBound + 1)
        var result: [JSONFields] = []
        scanner.skipSpace()
        if scanner.peek == UInt8(ascii: "]") { return result }
        while true {
            scanner.skipSpace()
            let start = scanner.index
            guard scanner.peek == UInt8(ascii: "{"), scanner.skipValue(), let object = JSONFields(bytes: bytes, range: start..<scanner.index) else { return nil }
            result.append(object)
            scanner.skipSpace()
            if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }
            return scanner.peek == UInt8(ascii: "]") ? result : nil
        }
    }

    /// A field's value as JSON text (for JSON columns); nil when absent or null.
    public func json(_ key: StaticString) -> String? {
        guard let range = range(key), !isNull(range) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// The range of a string field's text between its quotes (escapes not undone); nil when
    /// absent, null or not a string.
    func stringRange(_ key: StaticString) -> Range<Int>? {
        guard let range = range(key), bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        return (range.lowerBound + 1)..<(range.upperBound - 1)
    }

    /// Whether the text in `range` has escapes to undo.
    func hasEscapes(_ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            UnsafeBufferPointer(rebasing: buffer[range]).contains(UInt8(ascii: "\\"))
        }
    }

    static func unescape(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        guard bytes[range].contains(UInt8(ascii: "\\")) else { return String(decoding: bytes[range], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= range.upperBound else { return nil }
            var value: UInt32 = 0
            for byte in bytes[at..<(at + 4)] {
                let digit: UInt8
                switch byte {
                case 48...57: digit = byte - 48
                case 65...70: digit = byte - 55
                case 97...102: digit = byte - 87
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < range.upperBound {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < range.upperBound else { out.append(byte); i += 1; continue }
            let escaped = bytes[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(i) else { continue }
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= range.upperBound, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    typealias Scanner = JSONScan
}

import Foundation

/// An event as one line of JSON: the envelope's fields, then the payload's bytes as given
/// (`events --json`, the API's pages and its live feed). Written directly, not through a
/// serializer: the payload is JSON already.
public enum EnvelopeJSON {
    /// Appends `event` with `payload` (its own, or one opened or redacted) to `out`. A line
    /// break in a payload can only be JSON's whitespace (inside a string it is escaped), so it
    /// is written as a space: the event stays on one line.
    public static func write(_ event: RecordedEvent, payload: Data, into out: inout [UInt8]) {
        func key(_ name: StaticString) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ name: StaticString, _ value: String) {
            key(name)
            quote(value, into: &out)
            out.append(UInt8(ascii: ","))
        }
        func number(_ name: StaticString, _ value: Int64) {
            key(name)
            out.append(contentsOf: String(value).utf8)
            out.append(UInt8(ascii: ","))
        }
        out.append(UInt8(ascii: "{"))
        number("position", event.position)
        string("streamId", event.streamID)
        number("streamVersion", event.streamVersion)
        string("eventId", event.eventID.uuidString.lowercased())
        string("type", event.type)
        number("schemaVersion", Int64(event.schemaVersion))
        string("recordedAt", event.metadata.recordedAt.iso8601)
        if let occurred = event.metadata.occurredAt { string("occurredAt", occurred.iso8601) }
        if let causation = event.metadata.causationID { string("causationId", causation.uuidString.lowercased()) }
        if let correlation = event.metadata.correlationID { string("correlationId", correlation.uuidString.lowercased()) }
        if let actor = event.metadata.actor { string("actor", actor) }
        string("hash", event.hash.hexString)
        key("payload")
        let start = out.count
        out.append(contentsOf: payload)
        for index in start..<out.count where out[index] == 10 || out[index] == 13 { out[index] = 32 }
        out.append(UInt8(ascii: "}"))
    }

    /// `event` with its own payload, as a line's text (no line break).
    public static func line(_ event: RecordedEvent) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.count + 400)
        write(event, payload: event.payload, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a JSON string.
    public static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20: out.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

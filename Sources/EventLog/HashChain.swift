import Crypto
import Foundation

/// The hash chain: each event's hash is SHA-256 over the previous hash and a canonical
/// encoding of every other envelope field, so editing, removing or reordering any stored
/// event breaks every hash after it.
///
/// Canonical encoding, in this order, integers big-endian: position (8 bytes), stream id,
/// stream version (8), event id (16), type, schema version (8), payload, recordedAt ms (8),
/// then occurredAt, causation id, correlation id and actor, each a presence byte and its
/// value. Variable-length fields carry a 4-byte length prefix.
public enum HashChain {
    /// The previous hash of the first event.
    public static let genesis = Data(repeating: 0, count: 32)

    public static func hash(
        previous: Data, position: Int64, streamID: String, streamVersion: Int64, eventID: UUID,
        type: String, schemaVersion: Int, payload: Data, metadata: EventMetadata
    ) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        var buffer = [UInt8]()
        buffer.reserveCapacity(128)
        func int(_ value: Int64) {
            withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
        }
        func text(_ value: String) {
            var value = value
            value.withUTF8 { bytes in
                withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { buffer.append(contentsOf: $0) }
                buffer.append(contentsOf: bytes)
            }
        }
        func uuid(_ value: UUID) {
            withUnsafeBytes(of: value.uuid) { buffer.append(contentsOf: $0) }
        }
        int(position)
        text(streamID)
        int(streamVersion)
        uuid(eventID)
        text(type)
        int(Int64(schemaVersion))
        withUnsafeBytes(of: UInt32(payload.count).bigEndian) { buffer.append(contentsOf: $0) }
        hasher.update(data: buffer)
        hasher.update(data: payload)
        buffer.removeAll(keepingCapacity: true)
        int(metadata.recordedAt.milliseconds)
        if let occurredAt = metadata.occurredAt { buffer.append(1); int(occurredAt.milliseconds) } else { buffer.append(0) }
        if let causation = metadata.causationID { buffer.append(1); uuid(causation) } else { buffer.append(0) }
        if let correlation = metadata.correlationID { buffer.append(1); uuid(correlation) } else { buffer.append(0) }
        if let actor = metadata.actor { buffer.append(1); text(actor) } else { buffer.append(0) }
        hasher.update(data: buffer)
        return Data(hasher.finalize())
    }

    /// The hash `event` should have, given the hash before it.
    public static func expectedHash(of event: RecordedEvent, previous: Data) -> Data {
        hash(previous: previous, position: event.position, streamID: event.streamID, streamVersion: event.streamVersion,
             eventID: event.eventID, type: event.type, schemaVersion: event.schemaVersion,
             payload: event.payload, metadata: event.metadata)
    }
}

extension Data {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A 32-byte key written as 64 hex digits or as base64 (surrounding whitespace ignored);
    /// nil for anything else.
    public init?(keyText text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Data(hexString: trimmed) {
            self = bytes
        } else if let bytes = Data(base64Encoded: trimmed), bytes.count == 32 {
            self = bytes
        } else {
            return nil
        }
    }

    /// Parses lower- or upper-case hexadecimal; nil for anything else.
    public init?(hexString: String) {
        let chars = Array(hexString.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
            i += 2
        }
        self.init(bytes)
    }
}

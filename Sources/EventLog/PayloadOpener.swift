import Foundation

/// Opens payloads whose personal fields are stored encrypted (see the `Vault` target): each
/// sealed field becomes the JSON value it sealed, or what an erased field reads as when its key
/// is gone. Readers of stored bytes (read-models in a replay or catch-up) open before they read.
public protocol PayloadOpener: Sendable {
    /// The payload with its sealed fields opened; nil when it holds none (the stored bytes are
    /// then read as they are).
    ///
    /// - Throws: when a sealed field does not open (a key this log does not hold, or bytes
    ///   that fail authentication).
    func open(_ payload: UnsafeRawBufferPointer) throws -> [UInt8]?
    /// Called before a replay opens many payloads (reads every key at once, say).
    func prepareForReplay() throws
    /// Whether the payload holds any sealed field.
    func holdsSealedFields(_ payload: Data) -> Bool
}

/// An append refused inside its transaction: the client it seals personal fields for was
/// erased meanwhile (by another process, after this one sealed). Sealed again, the fields are
/// written as erased.
public struct ErasedClientAppend: Error, CustomStringConvertible, Sendable {
    public let clientID: String
    public init(clientID: String) { self.clientID = clientID }
    public var description: String { "client \(clientID) was erased while this append was made" }
}

extension PayloadOpener {
    public func prepareForReplay() throws {}

    public func open(_ payload: Data) throws -> Data? {
        try payload.withUnsafeBytes { try open($0) }.map { Data($0) }
    }
}

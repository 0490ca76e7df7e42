import Crypto
import EventLog
import Foundation
import Synchronization

/// Personal fields stored encrypted under their owner's data key (crypto-shredding).
///
/// A sealed field's JSON value is replaced by one JSON string,
/// `"~pz1:KEYID:KIND" + base64(nonce ‖ ciphertext ‖ tag)`: AES-256-GCM over the value's JSON
/// text, KIND its JSON kind (`s`tring, `n`umber, `b`oolean, `a`rray, `o`bject) so that an
/// erased field can read as a value of its kind. Nulls are not sealed (they say nothing).
///
/// The nonce is synthetic: the first 12 bytes of HMAC-SHA256, under a key derived from the
/// data key, over the event id, the field's path, its occurrence and the plaintext. Sealing
/// the same event twice gives the same bytes (so an idempotent append compares stored bytes),
/// and two different plaintexts never share a nonce under one key (they would need one
/// HMAC output for two inputs), which is what AES-GCM needs to stay safe.
public final class Vault: PayloadOpener {
    public let keys: any DataKeyStore
    private let cache = Mutex<Cache>(Cache())
    private let pseudonymKey = Mutex<SymmetricKey?>(nil)
    /// How often keys cached here are checked against erasures made by other processes.
    public let erasureCheckInterval: Duration

    private struct Cache {
        var byID: [Int64: Entry] = [:]
        var byOwner: [String: Int64] = [:]
        var erased: [String: Bool] = [:]
        var checkedAt: ContinuousClock.Instant?
        var erasedCount = 0
    }

    /// A key ready to use: its two derived keys, or nothing once erased.
    private struct Entry {
        let id: Int64
        let derived: Derived?
    }

    /// The keys derived from a data key (HKDF-SHA256): one encrypts, one makes nonces. Opening
    /// needs only the first, so the second is derived when a sealing first needs it.
    struct Derived: Sendable {
        let material: SymmetricKey
        let encryption: SymmetricKey
        let nonce: SymmetricKey?

        init(_ key: DataKey, sealing: Bool = false) {
            material = key.material
            encryption = HKDF<SHA256>.deriveKey(inputKeyMaterial: key.material, info: Data("periodize-vault-v1 encryption".utf8), outputByteCount: 32)
            nonce = sealing ? Self.nonceKey(key.material) : nil
        }

        private init(material: SymmetricKey, encryption: SymmetricKey, nonce: SymmetricKey) {
            self.material = material
            self.encryption = encryption
            self.nonce = nonce
        }

        static func nonceKey(_ material: SymmetricKey) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("periodize-vault-v1 nonce".utf8), outputByteCount: 32)
        }

        /// These keys with the nonce key derived.
        var forSealing: Derived {
            nonce == nil ? Derived(material: material, encryption: encryption, nonce: Self.nonceKey(material)) : self
        }
    }

    public init(keys: any DataKeyStore, erasureCheckInterval: Duration = .seconds(1)) {
        self.keys = keys
        self.erasureCheckInterval = erasureCheckInterval
    }

    /// Another process may have destroyed a key this one holds: at most once per
    /// `erasureCheckInterval`, count the destroyed keys, and when the count moved, forget
    /// every destroyed one. An erasure is thus in force in every process within that interval.
    private func noticeErasures() throws {
        let now = ContinuousClock.now
        let due = cache.withLock { cache -> Bool in
            guard cache.checkedAt.map({ now - $0 >= erasureCheckInterval }) ?? true else { return false }
            cache.checkedAt = now
            return true
        }
        guard due else { return }
        let count = try keys.erasedCount()
        guard cache.withLock({ $0.erasedCount != count }) else { return }
        let erased = try keys.erasedKeys()
        cache.withLock { cache in
            cache.erasedCount = count
            for (owner, id) in erased {
                cache.byID[id] = Entry(id: id, derived: nil)
                cache.byOwner[owner] = id
                cache.erased[owner] = true
            }
        }
    }

    /// The owner whose key makes pseudonyms (``pseudonym(of:)``); never erased.
    public static let pseudonymOwner = "$pseudonyms"

    /// A keyed pseudonym of `text` (a phone number): the first 16 hex digits of HMAC-SHA256
    /// under a key of this log's own (made on first use), so a stream name made from a number
    /// cannot be turned back into the number by hashing every number there is.
    public func pseudonym(of text: String) throws -> String {
        let key: SymmetricKey
        if let known = pseudonymKey.withLock({ $0 }) {
            key = known
        } else {
            let material = try keys.key(for: Self.pseudonymOwner).material
            key = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("periodize-vault-v1 pseudonym".utf8), outputByteCount: 32)
            pseudonymKey.withLock { $0 = key }
        }
        return HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public func holdsSealedFields(_ payload: Data) -> Bool {
        payload.range(of: Data(Self.tokenPrefix)) != nil
    }

    /// Reads every key into memory in one query (a replay opens every client's fields).
    public func prepareForReplay() throws { try preload() }

    /// Reads every key into memory (before a rebuild, which opens many owners' fields).
    public func preload() throws {
        let all = try keys.allKeys()
        var entries: [Int64: Entry] = [:]
        var owners: [String: Int64] = [:]
        for (id, state) in all {
            switch state {
            case .live(let key):
                entries[id] = Entry(id: id, derived: Derived(key))
                owners[key.owner] = id
            case .erased(let owner):
                entries[id] = Entry(id: id, derived: nil)
                owners[owner] = id
            }
        }
        cache.withLock { cache in
            // A key known here to be destroyed stays destroyed.
            cache.byID.merge(entries) { old, new in old.derived == nil ? old : new }
            cache.byOwner.merge(owners) { _, new in new }
        }
    }

    /// Forgets the owner's key in this process (after it was destroyed).
    public func forget(owner: String) {
        cache.withLock { cache in
            if let id = cache.byOwner[owner] { cache.byID[id] = Entry(id: id, derived: nil) }
            cache.erased[owner] = true
        }
    }

    /// Whether the owner's key was destroyed (asked of the key store once per owner and
    /// process, then remembered).
    public func isErased(owner: String) throws -> Bool {
        try noticeErasures()
        if let known = cache.withLock({ $0.erased[owner] }) { return known }
        let erased = try keys.isErased(owner: owner)
        cache.withLock { $0.erased[owner] = erased }
        return erased
    }

    private func sealingKey(owner: String) throws -> (id: Int64, derived: Derived) {
        try noticeErasures()
        if let found = cache.withLock({ cache in cache.byOwner[owner].flatMap { cache.byID[$0] } }) {
            guard let derived = found.derived else { throw VaultError(.erased, "client \(owner) was erased: nothing personal can be stored for them") }
            if derived.nonce != nil { return (found.id, derived) }
            let sealing = derived.forSealing
            cache.withLock { cache in cache.byID[found.id] = Entry(id: found.id, derived: sealing) }
            return (found.id, sealing)
        }
        let key = try keys.key(for: owner)
        let derived = Derived(key, sealing: true)
        let destroyed = cache.withLock { cache -> Bool in
            // Destroyed here while the key was read: it stays destroyed.
            if cache.erased[owner] == true || (cache.byID[key.id].map { $0.derived == nil } ?? false) { return true }
            cache.byID[key.id] = Entry(id: key.id, derived: derived)
            cache.byOwner[owner] = key.id
            return false
        }
        if destroyed { throw VaultError(.erased, "client \(owner) was erased: nothing personal can be stored for them") }
        return (key.id, derived)
    }

    private func openingKey(id: Int64) throws -> Derived? {
        try noticeErasures()
        if let found = cache.withLock({ $0.byID[id] }) { return found.derived }
        guard let state = try keys.key(id: id) else {
            throw VaultError(.unknownKey, "a sealed field names data key \(id), which this log's key table does not hold (were the keys restored with the log?)")
        }
        let entry: Entry
        switch state {
        case .live(let key): entry = Entry(id: id, derived: Derived(key))
        case .erased: entry = Entry(id: id, derived: nil)
        }
        return cache.withLock { cache in
            if let known = cache.byID[id], known.derived == nil { return nil }
            cache.byID[id] = entry
            return entry.derived
        }
    }

    // MARK: Sealing

    /// `payload` with the values at `fields` (paths, see `EventPayload.personalFields`) sealed
    /// under `owner`'s key, and how many values were sealed now (0: the bytes are returned as
    /// they were and no key is made). Values already sealed are left as they are.
    public func seal(_ payload: Data, fields: [String], owner: String, eventID: UUID) throws -> (payload: Data, sealed: Int) {
        let bytes = [UInt8](payload)
        var scanner = JSONScan(bytes: bytes, index: 0)
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{") else {
            throw VaultError(.storage, "a payload with personal fields is not a JSON object: nothing is stored rather than store it in the clear")
        }
        let spans = Self.plaintextSpans(bytes, fields: fields)
        guard !spans.isEmpty else { return (payload, 0) }
        let key = try sealingKey(owner: owner)
        var out = bytes
        // Replace from the end so that earlier ranges stay valid.
        for span in spans.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            let token = try sealValue(
                bytes[span.range], kind: span.kind, keyID: key.id, key: key.derived, eventID: eventID, path: span.path, occurrence: span.occurrence)
            out.replaceSubrange(span.range, with: token)
        }
        return (Data(out), spans.count)
    }

    /// `payload` with the plaintext values at `fields` replaced by what an erased field reads
    /// as (for an owner whose key is gone), and how many were replaced.
    /// `text` is what a string reads as instead ("[erased]" by default; the API writes
    /// "[redacted]" for a reader not allowed personal fields).
    public static func redact(_ payload: Data, fields: [String], text: String = "[erased]") -> (payload: Data, redacted: Int) {
        let bytes = [UInt8](payload)
        let spans = plaintextSpans(bytes, fields: fields)
        guard !spans.isEmpty else { return (payload, 0) }
        var out = bytes
        let string = Array("\"\(text)\"".utf8)
        for span in spans.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(span.range, with: span.kind == UInt8(ascii: "s") ? string : erased(span.kind))
        }
        return (Data(out), spans.count)
    }

    /// How many values at `fields` are stored in the clear (not null, not sealed).
    public static func plaintextCount(_ payload: Data, fields: [String]) -> Int {
        plaintextSpans([UInt8](payload), fields: fields).count
    }

    struct Span {
        let range: Range<Int>
        let kind: UInt8
        let path: String
        let occurrence: Int
    }

    typealias Component = (key: [UInt8], each: Bool)

    /// Field paths split into components, once per list of fields (one list per event type).
    private static let parsedPaths = Mutex<[[String]: [[Component]]]>([:])

    private static func components(_ fields: [String]) -> [[Component]] {
        if let found = parsedPaths.withLock({ $0[fields] }) { return found }
        let parsed = fields.map { path in
            path.split(separator: ".").map { part -> Component in
                part.hasSuffix("[]") ? (key: Array(part.dropLast(2).utf8), each: true) : (key: Array(part.utf8), each: false)
            }
        }
        parsedPaths.withLock { $0[fields] = parsed }
        return parsed
    }

    static func plaintextSpans(_ bytes: [UInt8], fields: [String]) -> [Span] {
        var spans: [Span] = []
        var scanner = JSONScan(bytes: bytes, index: 0)
        scanner.skipSpace()
        // The payload's own fields are scanned once for every path.
        guard let top = scanner.objectFields() else { return [] }
        for (path, components) in zip(fields, components(fields)) where !components.isEmpty {
            var found: [Range<Int>] = []
            locate(bytes, top, components[...], &found)
            for (occurrence, range) in found.enumerated() {
                guard let kind = kind(of: bytes[range.lowerBound]), !isToken(bytes, at: range.lowerBound) else { continue }
                spans.append(Span(range: range, kind: kind, path: path, occurrence: occurrence))
            }
        }
        return spans
    }

    /// The value ranges at `components` (not empty) under an object whose fields are `fields`.
    private static func locate(
        _ bytes: [UInt8], _ fields: [(key: Range<Int>, value: Range<Int>)], _ components: ArraySlice<Component>, _ found: inout [Range<Int>]
    ) {
        guard let first = components.first,
              let field = fields.first(where: { bytes[$0.key].elementsEqual(first.key) }) else { return }
        let rest = components.dropFirst()
        func descend(_ range: Range<Int>) {
            guard !rest.isEmpty else { found.append(range); return }
            var scanner = JSONScan(bytes: bytes, index: range.lowerBound)
            guard let inner = scanner.objectFields() else { return }
            locate(bytes, inner, rest, &found)
        }
        if first.each {
            var inner = JSONScan(bytes: bytes, index: field.value.lowerBound)
            guard let elements = inner.arrayElements() else { return }
            for element in elements { descend(element) }
        } else {
            descend(field.value)
        }
    }

    /// The kind letter of a value starting with `byte`; nil for null.
    private static func kind(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "s")
        case UInt8(ascii: "{"): UInt8(ascii: "o")
        case UInt8(ascii: "["): UInt8(ascii: "a")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): UInt8(ascii: "b")
        case UInt8(ascii: "n"): nil
        default: UInt8(ascii: "n")
        }
    }

    static let tokenPrefix = Array("\"~pz1:".utf8)

    /// Whether a whole sealed token starts at `index` (a value that only starts like one is
    /// sealed like any other).
    private static func isToken(_ bytes: [UInt8], at index: Int) -> Bool {
        guard bytes.count - index >= tokenPrefix.count, bytes[index..<(index + tokenPrefix.count)].elementsEqual(tokenPrefix) else { return false }
        return bytes.withUnsafeBufferPointer { parseToken($0, index + tokenPrefix.count) != nil }
    }

    private func sealValue(
        _ plaintext: ArraySlice<UInt8>, kind: UInt8, keyID: Int64, key: Derived, eventID: UUID, path: String, occurrence: Int
    ) throws -> [UInt8] {
        var header = [UInt8]()
        header.reserveCapacity(path.utf8.count + 21)
        withUnsafeBytes(of: eventID.uuid) { header.append(contentsOf: $0) }
        header.append(contentsOf: path.utf8)
        header.append(0)
        withUnsafeBytes(of: UInt32(occurrence).bigEndian) { header.append(contentsOf: $0) }
        var mac = HMAC<SHA256>(key: key.nonce ?? Derived.nonceKey(key.material))
        mac.update(data: header)
        mac.update(data: plaintext)
        let nonce = try AES.GCM.Nonce(data: Data(mac.finalize()).prefix(12))
        let box = try AES.GCM.seal(plaintext, using: key.encryption, nonce: nonce, authenticating: Self.aad(keyID))
        var token = Self.tokenPrefix
        token.append(contentsOf: "\(keyID):".utf8)
        token.append(kind)
        token.append(contentsOf: box.combined!.base64EncodedData())
        token.append(UInt8(ascii: "\""))
        return token
    }

    private static func aad(_ keyID: Int64) -> Data { Data("pz1:\(keyID)".utf8) }

    // MARK: Opening

    /// The payload with every sealed field opened, or read as erased when its key is gone; nil
    /// when it holds no sealed field.
    public func open(_ payload: UnsafeRawBufferPointer) throws -> [UInt8]? {
        let bytes = payload.bindMemory(to: UInt8.self)
        var out: [UInt8]?
        var copied = 0
        var i = 0
        let count = bytes.count
        let prefix = Self.tokenPrefix
        while i + prefix.count < count {
            // The prefix starts with a quote that is not escaped, then `~pz1:`.
            guard bytes[i + 1] == UInt8(ascii: "~"), bytes[i] == UInt8(ascii: "\""), Self.matches(bytes, i, prefix), !Self.escaped(bytes, i) else {
                i += 1
                continue
            }
            guard let token = Self.parseToken(bytes, i + prefix.count) else { i += 1; continue }
            var result = out ?? { var a = [UInt8](); a.reserveCapacity(count + 64); return a }()
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<i]))
            if let key = try openingKey(id: token.keyID) {
                guard let box = try? AES.GCM.SealedBox(combined: token.sealed),
                      let plain = try? AES.GCM.open(box, using: key.encryption, authenticating: Self.aad(token.keyID)) else {
                    // Not a value this vault sealed (text that only looks like one, or bytes
                    // changed, which the hash chain shows): read as it is stored.
                    i += 1
                    continue
                }
                result.append(contentsOf: plain)
            } else {
                result.append(contentsOf: Self.erased(token.kind))
            }
            out = result
            i = token.end
            copied = i
        }
        guard var result = out else { return nil }
        result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<count]))
        return result
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ prefix: [UInt8]) -> Bool {
        for (offset, byte) in prefix.enumerated() where bytes[at + offset] != byte { return false }
        return true
    }

    /// Whether the quote at `index` is escaped (an odd run of backslashes before it).
    private static func escaped(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        var run = 0
        var j = index - 1
        while j >= 0, bytes[j] == UInt8(ascii: "\\") { run += 1; j -= 1 }
        return run % 2 == 1
    }

    /// `KEYID:KIND BASE64"` from `start`: the parts and the index after the closing quote.
    private static func parseToken(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> (keyID: Int64, kind: UInt8, sealed: Data, end: Int)? {
        var i = start
        var keyID: Int64 = 0
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            keyID = keyID &* 10 &+ Int64(bytes[i] - 48)
            i += 1
        }
        guard i > start, i + 2 < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        let kind = bytes[i + 1]
        guard [UInt8(ascii: "s"), UInt8(ascii: "n"), UInt8(ascii: "b"), UInt8(ascii: "a"), UInt8(ascii: "o")].contains(kind) else { return nil }
        let bodyStart = i + 2
        var j = bodyStart
        while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += 1 }
        guard j < bytes.count, let sealed = Data(base64Encoded: Data(UnsafeBufferPointer(rebasing: bytes[bodyStart..<j]))), sealed.count > 28 else {
            return nil
        }
        return (keyID, kind, sealed, j + 1)
    }

    /// What a sealed value of `kind` reads as once its key is destroyed.
    static func erased(_ kind: UInt8) -> [UInt8] {
        switch kind {
        case UInt8(ascii: "s"): Array("\"[erased]\"".utf8)
        case UInt8(ascii: "a"): Array("[]".utf8)
        case UInt8(ascii: "o"): Array("{}".utf8)
        default: Array("null".utf8)
        }
    }
}

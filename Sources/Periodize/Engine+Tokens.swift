import Coaching
import Crypto
import EventLog
import Events
import Foundation

/// An API token as the log holds it: its name, role, and whether it still works.
public struct APIToken: Sendable, Equatable {
    public var name: String
    public var role: TokenRole
    public var createdAt: String
    /// When it was revoked; nil while it works.
    public var revokedAt: String?
}

extension Engine {
    /// The stream that holds the API tokens (their hashes and roles).
    public static let tokensStream = "$tokens"

    /// Makes an API token called `name` with `role`: the log keeps `TokenCreated` (the name, the
    /// role and the token's SHA-256); the token itself is returned once and kept nowhere.
    ///
    /// - Throws: ``CoachingError`` `invalidInput` (field `name`) for a name that is not 1-40
    ///   letters, digits, `-` or `_`, or one a working token has already.
    public func createToken(name: String, role: TokenRole) async throws -> String {
        guard (1...40).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw CoachingError(.invalidInput, "token name \"\(name)\" must be 1-40 letters, digits, - or _", field: "name")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var random = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &random) }
        let token = "pz_" + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        for attempt in 0..<5 {
            let (tokens, version) = try await readTokens()
            if tokens.contains(where: { $0.name == name && $0.revokedAt == nil }) {
                throw CoachingError(.invalidInput, "a token called \(name) exists already (revoke it first)", field: "name")
            }
            let created = TokenCreated(name: name, role: role, hash: Self.tokenHash(token), createdAt: Timestamp(clock()).iso8601)
            do {
                try await store.append([try newEvent(created, actor: "token")], to: Self.tokensStream, expected: version == 0 ? .noStream : .exact(version))
                tokenCache.withLock { $0 = nil }
                return token
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion && attempt < 4 {
                continue
            }
        }
        throw CoachingError(.conflict, "the tokens kept changing while making \(name)")
    }

    /// Ends the working token called `name`.
    ///
    /// - Throws: ``CoachingError`` `invalidInput` (field `name`) when no working token has it.
    public func revokeToken(name: String) async throws {
        let (tokens, _) = try await readTokens()
        guard tokens.contains(where: { $0.name == name && $0.revokedAt == nil }) else {
            throw CoachingError(.invalidInput, "no working token is called \(name)", field: "name")
        }
        try await append(TokenRevoked(name: name, revokedAt: Timestamp(clock()).iso8601), to: Self.tokensStream, actor: "token")
        tokenCache.withLock { $0 = nil }
    }

    /// Every token made, oldest first, with whether it still works (never the token itself).
    public func tokens() async throws -> [APIToken] {
        try await readTokens().tokens
    }

    /// The working token `candidate` is, by comparing its SHA-256 with every working token's in
    /// constant time; nil for none.
    ///
    /// The tokens are kept in memory: one revoked by another process is refused within a
    /// second; one made by another process is looked for at once (a token not found has the
    /// log asked whether `$tokens` moved).
    public func authenticate(token candidate: String) async throws -> APIToken? {
        let hash = Self.tokenHash(candidate)
        func find(_ read: (tokens: [APIToken], version: Int64, hashes: [String: String])) -> APIToken? {
            var found: APIToken?
            for token in read.tokens where token.revokedAt == nil {
                // Every working token is compared, found or not: the time says nothing of which.
                if ConstantTime.equal(read.hashes[token.name] ?? "", hash) { found = token }
            }
            return found
        }
        if let found = find(try await readTokenHashes()) { return found }
        return find(try await readTokenHashes(checkVersion: true))
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private func readTokens() async throws -> (tokens: [APIToken], version: Int64) {
        let (tokens, version, _) = try await readTokenHashes(fresh: true)
        return (tokens, version)
    }

    /// The tokens as last read: read again when this engine made or revoked one, and otherwise
    /// when `$tokens` moved (another process made or revoked one), which is looked at no more
    /// than once a second: a token revoked elsewhere is refused within a second.
    private func readTokenHashes(fresh: Bool = false, checkVersion: Bool = false) async throws -> (tokens: [APIToken], version: Int64, hashes: [String: String]) {
        let now = ContinuousClock.now
        if !fresh, !checkVersion, let cached = tokenCache.withLock({ $0 }), now - cached.checked < .seconds(1) { return cached.tokens }
        let current = try await store.streamVersion(Self.tokensStream)
        if !fresh, let cached = tokenCache.withLock({ $0 }), cached.tokens.version == current {
            tokenCache.withLock { $0?.checked = now }
            return cached.tokens
        }
        let read = try await readTokenStream()
        tokenCache.withLock { $0 = (read, now) }
        return read
    }

    private func readTokenStream() async throws -> (tokens: [APIToken], version: Int64, hashes: [String: String]) {
        var tokens: [APIToken] = []
        var hashes: [String: String] = [:]
        var version: Int64 = 0
        for event in try await store.readStream(Self.tokensStream, from: 1) {
            version = event.streamVersion
            switch try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload) {
            case .tokenCreated(let created):
                tokens.append(APIToken(name: created.name, role: created.role, createdAt: created.createdAt, revokedAt: nil))
                hashes[created.name] = created.hash
            case .tokenRevoked(let revoked):
                if let index = tokens.lastIndex(where: { $0.name == revoked.name && $0.revokedAt == nil }) { tokens[index].revokedAt = revoked.revokedAt }
            default:
                break
            }
        }
        return (tokens, version, hashes)
    }
}

import Coaching
import EventLog
import Events
import Foundation
import Vault

/// What `erase` did.
public struct ErasureReport: Sendable, Equatable {
    public var clientID: String
    /// The `ClientErased` event's position.
    public var position: Int64
    /// The client was erased before: only what was left unfinished was done.
    public var alreadyErased: Bool
    /// The client's events stored before encryption, with personal fields in the clear: their
    /// plaintext stays in this file until it is compacted (`periodize compact --into`) and the
    /// old file deleted.
    public var plaintextEvents: Int
}

extension Engine {
    /// Erases a client: records `ClientErased` (the read-models then read every personal field
    /// of theirs as erased), then destroys their data key, in that order. A process stopped
    /// between the two is finished by the next engine that opens the log
    /// (``finishErasures()``: the read-models say the client is erased, the key is live). From then on their personal fields read as erased everywhere,
    /// in a rebuild and a replay too; their training history stays.
    ///
    /// - Throws: ``CoachingError`` `unknownClient`, `invalidInput` (an empty reason, or a log
    ///   opened without its vault).
    public func erase(clientID: String, reason: String) async throws -> ErasureReport {
        guard let vault else {
            throw CoachingError(.invalidInput, "this log was opened without its data keys: nothing can be erased", field: "encryption")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CoachingError(.invalidInput, "--reason cannot be empty", field: "reason") }
        let state = try await loadState(clientID, cleanSlate: .some(nil))
        guard state.client != nil else { throw CoachingError(.unknownClient, "unknown client \(clientID)") }
        // Based on a version (`If-Match`): the erasure event is appended expecting it, so the
        // check and the write are one.
        let basedOn = state.erasurePosition == nil ? Self.request?.expectedVersion : nil
        if let basedOn, state.version != basedOn { throw Self.preconditionFailed(clientID, at: state.version, basedOn: basedOn) }
        let plaintext = try await plaintextEvents(of: clientID)
        var position: Int64
        var already = false
        if let recorded = state.erasurePosition {
            position = recorded
            already = true
        } else {
            await faults?.beforeErasureRecorded?(clientID)
            // The event first: refused, nothing is begun (no other process can finish an erasure
            // the check refused). A stop right after it is finished by the next engine that opens
            // the log, which finds the client erased in the read-models with a live key.
            do {
                position = try await recordErasure(of: clientID, reason: reason, expected: basedOn.map { .exact($0) } ?? .streamExists)
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion && basedOn != nil {
                throw Self.preconditionFailed(clientID, at: try await store.streamVersion(Self.clientStream(clientID)), basedOn: basedOn!)
            }
            try vault.keys.beginErasure(owner: clientID, reason: reason)
            await faults?.afterErasureRecorded?(clientID)
        }
        try destroyKey(of: clientID)
        logger.notice("client erased", metadata: ["client": "\(clientID)", "position": "\(position)"])
        return ErasureReport(clientID: clientID, position: position, alreadyErased: already, plaintextEvents: plaintext)
    }

    /// Erases what a number that is no client's texted (its stream `number-<hash>`): records
    /// the erasure on that stream, then destroys its key. Its texts read as erased from then on,
    /// and any later text from it is stored as erased.
    ///
    /// - Throws: ``CoachingError`` `unknownClient` when no text from that number is recorded.
    public func erase(phoneNumber: String, reason: String) async throws -> ErasureReport {
        guard let vault else {
            throw CoachingError(.invalidInput, "this log was opened without its data keys: nothing can be erased", field: "encryption")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CoachingError(.invalidInput, "--reason cannot be empty", field: "reason") }
        let owner = try numberStream(phoneNumber)
        let events = try await store.readStream(owner, from: 1)
        guard !events.isEmpty else { throw CoachingError(.unknownClient, "no text from that number is recorded (as a number that is no client's)") }
        if let recorded = events.first(where: { $0.type == ClientErased.eventType }) {
            try destroyKey(of: owner)
            return ErasureReport(clientID: owner, position: recorded.position, alreadyErased: true, plaintextEvents: 0)
        }
        try vault.keys.beginErasure(owner: owner, reason: reason)
        let position = try await recordErasure(of: owner, reason: reason)
        await faults?.afterErasureRecorded?(owner)
        try destroyKey(of: owner)
        logger.notice("number erased", metadata: ["stream": "\(owner)", "position": "\(position)"])
        return ErasureReport(clientID: owner, position: position, alreadyErased: false, plaintextEvents: 0)
    }

    /// The stream an owner of personal data has: `client-<id>`, or a number's own stream.
    static func stream(ofOwner owner: String) -> String {
        owner.hasPrefix("number-") ? owner : clientStream(owner)
    }

    /// Finishes erasures that a stopped process began: records the erasure event where it is
    /// missing, then destroys the key. A key of a client the log records as erased that is
    /// live again (a key backup restored) is destroyed again. Returns the clients finished.
    @discardableResult
    public func finishErasures() async throws -> [String] {
        guard let vault else { return [] }
        var pending = try vault.keys.pendingErasures()
        for client in try await readModels.erasedClients() where try !vault.keys.isErased(owner: client) && !pending.contains(where: { $0.owner == client }) {
            pending.append(PendingErasure(owner: client, reason: "restored key"))
        }
        for erasure in pending {
            let recorded = try await store.readStream(Self.stream(ofOwner: erasure.owner), from: 1).contains { $0.type == ClientErased.eventType }
            if !recorded { _ = try await recordErasure(of: erasure.owner, reason: erasure.reason) }
            try destroyKey(of: erasure.owner)
            logger.notice("finished an interrupted erasure", metadata: ["client": "\(erasure.owner)"])
        }
        return pending.map(\.owner)
    }

    private func recordErasure(of clientID: String, reason: String, expected: ExpectedVersion = .streamExists) async throws -> Int64 {
        let event = ClientErased(clientId: clientID, reason: reason, erasedAt: Timestamp(clock()).iso8601)
        let result = try await append(event, to: Self.stream(ofOwner: clientID), expected: expected, id: Self.nameBasedID("erase|\(clientID)"), actor: .erase)
        return result.positions[0]
    }

    private func destroyKey(of clientID: String) throws {
        guard let vault else { return }
        try vault.keys.destroy(owner: clientID)
        vault.forget(owner: clientID)
    }

    /// The client's events whose personal fields are stored in the clear (from before
    /// encryption).
    func plaintextEvents(of clientID: String) async throws -> Int {
        try await store.storedBytes.readStream(Self.clientStream(clientID), from: 1).filter { event in
            Vault.plaintextCount(event.payload, fields: EventCatalog.personalFields(type: event.type, schemaVersion: event.schemaVersion)) > 0
        }.count
    }
}

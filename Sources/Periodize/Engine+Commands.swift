import Coaching
import EventLog
import Events
import Foundation
import Projections

/// What a decision over a client's state does next.
enum Decision<Output: Sendable> {
    /// Nothing more to append.
    case done(Output)
    /// Append, then decide again on the state that includes it.
    case append(PendingEvents)
    /// Append, then finish with what `finish` makes of the append (it may throw).
    case appendThenFinish(PendingEvents, @Sendable (AppendResult) throws -> Output)
}

/// Events a decision appends to the client's stream, and the prompts its coach sent (stored
/// first, in their own stream, once each).
struct PendingEvents: Sendable {
    /// How the append checks the stream.
    enum Expectation: Sendable {
        /// The version the decision read: a conflict means the state changed under it.
        case stateVersion
        /// The stream must not exist (an enrollment).
        case noStream
        /// No check: the events' ids are derived from what they are, so the log keeps each once.
        case any
    }

    var events: [(event: NewEvent, decoded: DomainEvent?)]
    var expected: Expectation = .stateVersion
    var prompts: [PromptRecorded] = []
}

extension Engine {
    /// The client's state, folded from their stream. `cleanSlate` is the clean-slate migration
    /// in force when the caller has read it already (a tick reads it once).
    public func history(of clientID: String) async throws -> ClientState {
        try await loadState(clientID, cleanSlate: nil)
    }

    func loadState(_ clientID: String, cleanSlate known: MigrationState??) async throws -> ClientState {
        let cleanSlate: MigrationState?
        if let known { cleanSlate = known } else { cleanSlate = try await readModels.latestMigration(named: Self.cleanSlate) }
        return try ClientState(try await store.readStream(Self.clientStream(clientID), from: 1), cleanSlate: cleanSlate)
    }

    /// The one command path: read the client's state, decide, append with the version read,
    /// evolve the state with what was appended, and decide again until the decision is done.
    /// A conflict (another process appended meanwhile) reads the state again and starts over,
    /// at most `attempts` times; past that, a single attempt rethrows the store's conflict and
    /// several give a ``CoachingError`` `conflict` naming `what`.
    ///
    /// - Parameter state: the state already read, to start from.
    func execute<Output: Sendable>(
        client clientID: String, state initial: ClientState? = nil, cleanSlate: MigrationState?? = nil, attempts: Int = 1,
        _ what: @autoclosure () -> String = "", _ decide: (ClientState) async throws -> Decision<Output>
    ) async throws -> (output: Output, state: ClientState) {
        var state: ClientState
        // A request based on a version (`If-Match`) is checked against the state read first:
        // the first append expects that version, so the check and the write are one.
        let basedOn = initial == nil ? Self.request?.expectedVersion : nil
        if let initial { state = initial } else { state = try await loadState(clientID, cleanSlate: cleanSlate) }
        // (No stream yet: the decision says the client is unknown.)
        if let basedOn, state.version > 0, state.version != basedOn { throw Self.preconditionFailed(clientID, at: state.version, basedOn: basedOn) }
        var conflict: EventStoreError?
        var appended = false
        for _ in 0..<max(1, attempts) {
            do {
                while true {
                    switch try await decide(state) {
                    case .done(let output):
                        Self.request?.versions.record(clientID, state.version)
                        return (output, state)
                    case .append(let pending):
                        _ = try await append(pending, to: clientID, &state)
                        appended = true
                    case .appendThenFinish(let pending, let finish):
                        let result = try await append(pending, to: clientID, &state)
                        let output = try finish(result)
                        Self.request?.versions.record(clientID, state.version)
                        return (output, state)
                    }
                }
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion || error.code == .eventIDReused {
                // An id derived from what the event is, stored with other content by another
                // writer meanwhile (its own reading of the same text, say): a conflict too,
                // decided again on what that writer stored. With the stream where it was, the id
                // is reused for real.
                let before = state.version
                state = try await loadState(clientID, cleanSlate: state.cleanSlate)
                if error.code == .eventIDReused, state.version == before { throw error }
                conflict = error
                if let basedOn, !appended { throw Self.preconditionFailed(clientID, at: state.version, basedOn: basedOn) }
            }
        }
        if attempts <= 1, let conflict { throw conflict }
        throw CoachingError(.conflict, "client \(clientID)'s stream kept changing while \(what())")
    }

    static func preconditionFailed(_ clientID: String, at version: Int64, basedOn: Int64) -> CoachingError {
        CoachingError(.preconditionFailed, "client \(clientID)'s stream is at version \(version), not \(basedOn) (If-Match): read it again", field: "If-Match")
    }

    /// Appends the pending prompts and events and folds them into `state`. Prompts and the
    /// events they made go in one append, so a conflict stores neither; an append that checks
    /// nothing (`any`) stores its prompts first, once each.
    private func append(_ pending: PendingEvents, to clientID: String, _ state: inout ClientState) async throws -> AppendResult {
        let expected: ExpectedVersion = switch pending.expected {
        case .stateVersion: .exact(state.version)
        case .noStream: .noStream
        case .any: .any
        }
        let together: Bool = if case .any = pending.expected { false } else { !pending.events.isEmpty }
        if !together { for prompt in pending.prompts { try await record(prompt, about: clientID, &state) } }
        // Prompts alone (a dry run): nothing they belong to is appended.
        guard !pending.events.isEmpty else { return AppendResult(positions: [], streamVersion: state.version, alreadyStored: true) }
        var hashes = Set<String>()
        let prompts = together ? try pending.prompts.filter { hashes.insert($0.hash).inserted }.map { try promptEvent($0, about: clientID).event } : []
        let stored = try await store.append(prompts + pending.events.map(\.event), to: Self.clientStream(clientID), expected: expected)
        // The events follow their prompts: theirs are the last positions (a prompt recorded
        // before is not appended again; prompts fold into nothing but the version).
        let result = AppendResult(positions: Array(stored.positions.suffix(pending.events.count)), streamVersion: stored.streamVersion, alreadyStored: stored.alreadyStored)
        for (offset, (event, decoded)) in pending.events.enumerated() {
            let version = result.streamVersion - Int64(pending.events.count - 1 - offset)
            try state.evolve(StreamEvent(event, decoded: decoded, position: result.positions[offset], streamVersion: version))
        }
        return result
    }

    /// A prompt about `clientID` as the event that stores it, under an id derived from the
    /// client and the hash.
    private func promptEvent(_ prompt: PromptRecorded, about clientID: String) throws -> (event: NewEvent, prompt: PromptRecorded) {
        var prompt = prompt
        prompt.clientId = clientID
        return (try newEvent(prompt, id: Self.promptEventID(hash: prompt.hash, clientID: clientID), actor: .coach), prompt)
    }

    /// Stores a prompt's text on the client's stream (under their key), under an event id
    /// derived from the client and the hash: recording it again appends nothing. A prompt
    /// quotes the profile, so one shared store would keep one client's words beside another's.
    func record(_ prompt: PromptRecorded, about clientID: String, _ state: inout ClientState) async throws {
        let (event, prompt) = try promptEvent(prompt, about: clientID)
        let result = try await store.append([event], to: Self.clientStream(clientID), expected: .exact(state.version))
        guard !result.alreadyStored, let position = result.positions.first else { return }
        try state.evolve(StreamEvent(event, decoded: .promptRecorded(prompt), position: position, streamVersion: result.streamVersion))
    }

    /// The event id of the prompt with SHA-256 `hash` about `clientID`.
    public static func promptEventID(hash: String, clientID: String) -> UUID {
        nameBasedID("prompt|\(clientID)|\(hash)")
    }

    /// The client in `state`, or an `unknownClient` error.
    func requireClient(_ state: ClientState, _ clientID: String) throws -> ClientEnrolled {
        guard let client = state.client else { throw CoachingError(.unknownClient, "unknown client \(clientID)") }
        if let erasure = state.erasure {
            throw CoachingError(.erased, "client \(clientID) was erased at \(erasure.erasedAt) (\(erasure.reason)): nothing more is done for them")
        }
        return client
    }
}

extension PendingEvents {
    init(_ event: NewEvent, _ decoded: DomainEvent?, expected: Expectation = .stateVersion, prompts: [PromptRecorded] = []) {
        self.init(events: [(event, decoded)], expected: expected, prompts: prompts)
    }
}

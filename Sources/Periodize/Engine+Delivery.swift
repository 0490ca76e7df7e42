import Coaching
import Crypto
import EventLog
import Events
import Foundation
import Projections
import Synchronization

/// How the delivery worker tries: attempts, backoff, lease.
public struct DeliveryPolicy: Sendable, Equatable {
    /// Attempts at one message part before it is undeliverable.
    public var maxAttempts = 5
    /// Seconds before the first retry; each next one waits twice as long, capped at
    /// ``maxRetry``, plus up to half again as jitter (derived from the attempt's id, so two
    /// runs of one history retry at the same instants).
    public var firstRetry: TimeInterval = 60
    public var maxRetry: TimeInterval = 3_600
    /// Seconds an attempt is its worker's. Longer than the sender's timeout: an attempt still
    /// in flight is never taken by another worker.
    public var lease: TimeInterval = 60
    /// Clients whose messages are delivered at once (their appends share commits).
    public var concurrency = 64
    /// Times an outcome's append is tried when the log is busy before giving up (the lease
    /// then runs out and the part is taken again, marked possibly duplicated).
    public var outcomeAppendAttempts = 8

    public init() {}

    /// The wait before attempt `attempt + 1`, `fraction` in 0..<1 choosing the jitter.
    func backoff(after attempt: Int, fraction: Double) -> TimeInterval {
        let base = min(max(maxRetry, firstRetry), firstRetry * pow(2, Double(max(0, attempt - 1))))
        return base * (1 + 0.5 * fraction)
    }
}

/// Test-only hooks into the delivery worker: a place to stop it at the one moment a crash
/// matters (the provider has the message, the log does not know yet).
public struct DeliveryFaults: Sendable {
    /// Called after the sender accepted a part and before its `MessageSent` is appended.
    public var afterProviderAccepted: @Sendable (OutgoingMessage) async -> Void
    /// Called after `ClientErased` is appended and before the client's key is destroyed.
    public var afterErasureRecorded: (@Sendable (String) async -> Void)?
    /// Called after a client's erasure is checked, before `ClientErased` is appended.
    public var beforeErasureRecorded: (@Sendable (String) async -> Void)?

    public init(
        afterProviderAccepted: @escaping @Sendable (OutgoingMessage) async -> Void = { _ in },
        afterErasureRecorded: (@Sendable (String) async -> Void)? = nil, beforeErasureRecorded: (@Sendable (String) async -> Void)? = nil
    ) {
        self.afterProviderAccepted = afterProviderAccepted
        self.afterErasureRecorded = afterErasureRecorded
        self.beforeErasureRecorded = beforeErasureRecorded
    }
}

extension Engine {
    /// What a delivery run did, by outcome.
    public struct DeliveryReport: Sendable, Equatable {
        /// Parts handed to the provider and recorded sent.
        public var sent = 0
        /// Parts the provider refused for now; tried again after their backoff.
        public var retrying = 0
        /// Parts that failed for good (permanent, or out of attempts).
        public var undeliverable = 0
        /// Daily messages not delivered by the end of the client's local day.
        public var expired = 0
        /// Parts released without reaching the provider: for good (the client opted out or left,
        /// an earlier part was not delivered) or back to the queue (shutting down).
        public var released = 0
        /// Attempts another worker stored first.
        public var takenElsewhere = 0
        /// Attempts taken again after a lease ran out with no outcome, or after no answer in time.
        public var possiblyDuplicated = 0
        /// Of those, parts the provider said it had sent already (recorded sent, not sent again).
        public var foundAtProvider = 0
        /// Parts held: the provider may have them and could not be asked (not sent again).
        public var held = 0
        /// Parts whose attempt or outcome could not be recorded, with why.
        public var errors: [String] = []
        /// Why the worker stopped sending before the queue was drained: the provider refused
        /// our credentials (no part is marked failed for it; they wait in the queue).
        public var stopped: String?

        public init() {}

        mutating func merge(_ other: DeliveryReport) {
            sent += other.sent
            retrying += other.retrying
            undeliverable += other.undeliverable
            expired += other.expired
            released += other.released
            takenElsewhere += other.takenElsewhere
            possiblyDuplicated += other.possiblyDuplicated
            foundAtProvider += other.foundAtProvider
            held += other.held
            errors += other.errors
            stopped = stopped ?? other.stopped
        }
    }

    /// Drains the outbox: every queued part that is due (queued, its retry due, or its lease
    /// run out) is attempted in queue order, a later part after the one before it, until
    /// nothing is due. `shouldStop` is asked before each send; once it says yes, claimed parts
    /// are released back to the queue and the run ends.
    ///
    /// Each attempt is claimed in the log before the sender is called (`DeliveryAttempted`,
    /// its id derived from the part and the attempt number, so of two workers one stores it),
    /// and its outcome recorded after. The one window left: a worker that dies after the
    /// provider took a part and before its outcome is stored; the lease runs out and the next
    /// attempt is marked possibly duplicated.
    ///
    /// - Parameter instant: the time to deliver at (a tick run for a given hour); the engine's
    ///   clock when nil.
    public func deliver(at instant: Date? = nil, limit: Int = 1_000, shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> DeliveryReport {
        var report = DeliveryReport()
        let clock: @Sendable () -> Date = { instant ?? self.clock() }
        // Set when the provider refuses our credentials: nothing more is sent in this run.
        let halted = Halted()
        let stopping: @Sendable () -> Bool = { shouldStop() || halted.reason.withLock { $0 != nil } }
        let halt: @Sendable (String) -> Void = { reason in halted.reason.withLock { $0 = $0 ?? reason } }
        while !stopping() {
            let now = Timestamp(clock())
            let due = try await readModels.dueDeliveries(at: now, limit: limit)
            guard !due.isEmpty else { break }
            // Each client's parts in queue order, one after another; clients side by side.
            var byClient: [String: [DueDelivery]] = [:]
            var order: [String] = []
            for item in due {
                if byClient[item.clientID] == nil { order.append(item.clientID) }
                byClient[item.clientID, default: []].append(item)
            }
            var round = DeliveryReport()
            await Self.concurrently(order.map { byClient[$0]! }, limit: delivery.concurrency, { items in
                var report = DeliveryReport()
                for item in items {
                    do {
                        report.merge(try await self.deliverOne(item, clock: clock, shouldStop: stopping, halt: halt))
                    } catch {
                        report.errors.append("\(item.messageID): \(error)")
                    }
                }
                return report
            }) { round.merge($0) }
            report.merge(round)
            // Nothing moved (every claim lost, or every append failed): do not spin.
            if round.sent + round.retrying + round.undeliverable + round.expired + round.released + round.held == 0 { break }
        }
        report.errors.sort()
        if let reason = halted.reason.withLock({ $0 }) {
            report.stopped = reason
            logger.critical("delivery stopped: the provider refused our credentials", metadata: ["provider": "\(sender.provider)", "reason": "\(reason)"])
        }
        return report
    }

    /// Why a delivery run stopped sending, shared by the parts in flight.
    final class Halted: Sendable {
        let reason = Mutex<String?>(nil)
    }

    /// One attempt at one part: claim, check the client, send, record the outcome.
    func deliverOne(
        _ item: DueDelivery, clock: @Sendable () -> Date, shouldStop: @Sendable () -> Bool, halt: @Sendable (String) -> Void = { _ in }
    ) async throws -> DeliveryReport {
        var report = DeliveryReport()
        guard let id = UUID(uuidString: item.messageID) else {
            throw CoachingError(.invalidInput, "queued message id \(item.messageID) is not a UUID")
        }
        let date = item.localDate ?? LocalDate(Timestamp(clock()).utcDay)!
        var now = Timestamp(clock())
        let attempt = item.attempts + 1
        let outcomeID = Self.clusteredID(on: date, "outcome|\(item.messageID)|\(attempt)")
        let stream = Self.clientStream(item.clientID)
        let attemptID = Self.attemptID(message: item.messageID, attempt: attempt, date: date)
        /// Appends an outcome, caused by the attempt it ends; a log busy past its timeout is tried
        /// again, the same id each time. An outcome decided without sending (expired, an earlier
        /// part not delivered, no attempt left) is stored under the attempt's own id instead: it
        /// takes the attempt, so it and a worker's claim of that attempt cannot both be stored.
        func record<P: EventPayload>(_ payload: P, claimed: Bool = true) async throws -> Bool {
            var wait: UInt64 = 20_000_000
            for tries in 1...max(1, delivery.outcomeAppendAttempts) {
                do {
                    let result = try await append(
                        payload, to: stream, expected: .any, id: claimed ? outcomeID : attemptID, causation: claimed ? attemptID : id, actor: .delivery)
                    // The same bytes stored already: another worker decided the same, first.
                    return claimed || !result.alreadyStored
                } catch let error as EventStoreError where error.code == .eventIDReused {
                    return false
                } catch let error as EventStoreError where error.code == .locked && tries < delivery.outcomeAppendAttempts {
                    try? await Task.sleep(nanoseconds: wait)
                    wait = min(wait * 2, 1_000_000_000)
                }
            }
            return false
        }
        let at = Timestamp(clock()).iso8601

        // Nothing to claim: a message past its end, or a later part whose earlier part will not arrive.
        if let expiresAt = item.expiresAt, now >= expiresAt {
            let expired = MessageExpired(messageId: item.messageID, clientId: item.clientID, expiresAt: expiresAt.iso8601, expiredAt: at)
            if try await record(expired, claimed: false) {
                report.expired += 1
                logger.warning("daily message expired undelivered", metadata: ["client": "\(item.clientID)", "message": "\(item.messageID)"])
            } else {
                report.takenElsewhere += 1
            }
            return report
        }
        if let previous = item.previousPartStatus, previous != "sent" {
            let released = MessageReleased(
                messageId: item.messageID, clientId: item.clientID, attempt: attempt, reason: "part \(item.part - 1) was \(previous)", final: true, releasedAt: at)
            if try await record(released, claimed: false) { report.released += 1 } else { report.takenElsewhere += 1 }
            return report
        }
        // The attempt before ended with no outcome (its worker stopped), or with no answer in
        // time: the provider may have the part already.
        let duplicated = item.status == "sending" || item.mayHaveArrived
        // Attempts that reached the sender (or may have); released ones do not count.
        let spent = item.attempts - item.releasedAttempts
        if spent >= delivery.maxAttempts {
            // The last attempt's worker stopped without an outcome: no attempt is left.
            let failed = MessageFailed(
                messageId: item.messageID, clientId: item.clientID, kind: item.kind, localDate: item.localDate, provider: sender.provider,
                attempt: item.attempts, error: "attempt \(item.attempts) ended with no outcome and no attempt is left", errorCode: "lease-expired",
                retryable: true, failedAt: at, undeliverable: true)
            if try await record(failed, claimed: false) { report.undeliverable += 1 } else { report.takenElsewhere += 1 }
            return report
        }

        // A capped sender: wait for the part's turn first, then claim (the lease starts now).
        if let paced = sender as? any PacedSender {
            try await paced.waitForTurn(segments: SMSText.measure(item.body).segments)
            if shouldStop() || Task.isCancelled { return report }
        }
        now = Timestamp(clock())

        // The claim: one worker stores attempt n.
        let claim = DeliveryAttempted(
            messageId: item.messageID, clientId: item.clientID, attempt: attempt, workerId: workerID, startedAt: now.iso8601,
            leaseUntil: Timestamp(now.date.addingTimeInterval(delivery.lease)).iso8601, possiblyDuplicated: duplicated)
        do {
            // Stored already with the very same bytes (the same worker id and instant) is someone
            // else's claim too: only the append that stores it owns the attempt.
            guard try await !append(claim, to: stream, expected: .any, id: attemptID, causation: id, actor: .delivery).alreadyStored else {
                report.takenElsewhere += 1
                return report
            }
        } catch let error as EventStoreError where error.code == .eventIDReused {
            report.takenElsewhere += 1
            return report
        }
        if duplicated { report.possiblyDuplicated += 1 }

        // Still someone to send to, and still running?
        let contact = try await readModels.contact(clientID: item.clientID)
        let reason: String? = switch contact {
        case nil: "the client is unknown"
        case let contact? where !contact.active: "the client is no longer active"
        case let contact? where !contact.optedIn: "the client opted out"
        default: nil
        }
        let unrecorded = "\(item.messageID): attempt \(attempt)'s outcome could not be recorded (its lease will run out and it is taken again)"
        if let reason {
            let released = MessageReleased(messageId: item.messageID, clientId: item.clientID, attempt: attempt, reason: reason, final: true, releasedAt: at)
            if try await record(released) { report.released += 1 } else { report.errors.append(unrecorded) }
            return report
        }
        if shouldStop() || Task.isCancelled {
            let released = MessageReleased(
                messageId: item.messageID, clientId: item.clientID, attempt: attempt, reason: "the worker was shutting down", final: false, releasedAt: at)
            if try await record(released) { report.released += 1 } else { report.errors.append(unrecorded) }
            return report
        }

        let message = OutgoingMessage(
            body: item.body, phoneNumber: contact!.phoneNumber, messageID: id, groupID: UUID(uuidString: item.groupID), part: item.part, parts: item.parts)
        let receipt: SendReceipt
        do {
            if duplicated, let finder = sender as? any SentMessageFinder {
                // The provider may have it: ask before sending again.
                do {
                    if let found = try await finder.findSent(message, notBefore: item.queuedAt?.date, attemptedAt: now.date) {
                        report.foundAtProvider += 1
                        return try await recordSent(found, report: report)
                    }
                } catch {
                    // Asked again after a backoff that grows with each hold (the holds are the
                    // part's released attempts).
                    let wait = delivery.backoff(after: item.releasedAttempts + 1, fraction: Self.jitter(outcomeID))
                    let retry = Timestamp(Timestamp(clock()).date.addingTimeInterval(wait))
                    let held = DeliveryHeld(
                        messageId: item.messageID, clientId: item.clientID, attempt: attempt,
                        reason: "\(sender.provider) could not be asked whether it has the part already: \(error)", heldAt: Timestamp(clock()).iso8601,
                        retryAt: retry.iso8601)
                    logger.error("delivery held: the provider could not be asked", metadata: ["message": "\(item.messageID)", "client": "\(item.clientID)"])
                    if try await record(held) { report.held += 1 } else { report.errors.append(unrecorded) }
                    return report
                }
            }
            receipt = try await sender.sendWithReceipt(message)
        } catch {
            let failure = error as? SendFailure ?? SendFailure("\(error)", retryable: true)
            if failure.reason == .badCredentials {
                // No message is at fault: the part goes back to the queue, this attempt not
                // counted, and the worker stops until the configuration is fixed.
                halt(failure.message)
                let released = MessageReleased(
                    messageId: item.messageID, clientId: item.clientID, attempt: attempt,
                    reason: "the provider refused our credentials: \(failure.message)", final: false, releasedAt: Timestamp(clock()).iso8601)
                if try await record(released) { report.released += 1 } else { report.errors.append(unrecorded) }
                return report
            }
            let finished = Timestamp(clock())
            let last = !failure.retryable || spent + 1 >= delivery.maxAttempts
            let next = last ? nil : Timestamp(finished.date.addingTimeInterval(delivery.backoff(after: spent + 1, fraction: Self.jitter(outcomeID))))
            let failed = MessageFailed(
                messageId: item.messageID, clientId: item.clientID, kind: item.kind, localDate: item.localDate, provider: sender.provider,
                attempt: attempt, error: failure.message, errorCode: failure.code, retryable: failure.retryable, failedAt: finished.iso8601,
                nextAttemptAt: next?.iso8601, undeliverable: last, mayHaveArrived: failure.mayHaveArrived ? true : nil)
            if try await record(failed) {
                if last {
                    report.undeliverable += 1
                    logger.warning("message undeliverable", metadata: [
                        "client": "\(item.clientID)", "message": "\(item.messageID)", "code": "\(failure.code ?? "")", "attempt": "\(attempt)",
                    ])
                } else {
                    report.retrying += 1
                }
            } else {
                report.errors.append(unrecorded)
            }
            if failure.reason == .recipientOptedOut {
                // The provider will not send to them until they text START: no more messages.
                try await optOutAtProvider(item.clientID, failedMessage: item.messageID, errorCode: failure.code)
            }
            return report
        }
        if let faults { await faults.afterProviderAccepted(message) }
        return try await recordSent(receipt, report: report)

        /// Records the part sent with what the provider said of it.
        func recordSent(_ receipt: SendReceipt, report: DeliveryReport) async throws -> DeliveryReport {
        var report = report
        let measure = SMSText.measure(item.body)
        let sent = MessageSent(
            messageId: item.messageID, clientId: item.clientID, kind: item.kind, localDate: item.localDate, body: item.body,
            encoding: measure.encoding, segments: measure.segments, provider: sender.provider, providerMessageId: receipt.providerMessageID,
            sentAt: Timestamp(clock()).iso8601, attempt: attempt, providerStatus: receipt.status, providerSegments: receipt.segments)
        let providerID = receipt.providerMessageID
        if try await record(sent) {
            report.sent += 1
        } else {
            report.errors.append("\(item.messageID): the provider took attempt \(attempt)\(providerID.map { " (\($0))" } ?? "") but its outcome could not be recorded (the lease will run out and the next attempt is marked possibly duplicated)")
        }
        return report
        }
    }

    /// The id of attempt `attempt` at a message part: the same in every process, so one
    /// worker stores it.
    static func attemptID(message: String, attempt: Int, date: LocalDate) -> UUID {
        clusteredID(on: date, "attempt|\(message)|\(attempt)")
    }

    /// A fraction in 0..<1 read off an id: the jitter of a retry, the same on every replay.
    static func jitter(_ id: UUID) -> Double {
        let digest = Array(SHA256.hash(data: Data(id.uuidString.utf8)))
        return Double(UInt16(digest[0]) << 8 | UInt16(digest[1])) / 65_536
    }

    /// The id of part `part` of the message whose first part is `first`.
    static func partID(_ first: UUID, part: Int, date: LocalDate) -> UUID {
        part == 1 ? first : clusteredID(on: date, "\(first.uuidString.lowercased())|part \(part)")
    }

    /// The events that queue `parts` (one `MessageQueued` each, in order) under the message id
    /// `id`: appended together, stored once.
    func queuedEvents(
        _ parts: [String], kind: MessageKind, id: UUID, clientID: String, localDate: LocalDate, expiresAt: Date?, at instant: Date?,
        decision: DecisionRecord? = nil, causation: UUID? = nil, actor: EventActor
    ) throws -> [(event: NewEvent, decoded: DomainEvent?)] {
        let group = id.uuidString.lowercased()
        let queuedAt = Timestamp(instant ?? clock()).iso8601
        return try parts.enumerated().map { offset, body in
            let partID = Self.partID(id, part: offset + 1, date: localDate)
            let measure = SMSText.measure(body)
            let queued = MessageQueued(
                messageId: partID.uuidString.lowercased(), groupId: group, clientId: clientID, kind: kind, localDate: localDate, body: body,
                encoding: measure.encoding, segments: measure.segments, part: offset + 1, parts: parts.count,
                expiresAt: expiresAt.map { Timestamp($0).iso8601 }, queuedAt: queuedAt, decision: offset == 0 ? decision : nil)
            return (try newEvent(queued, id: partID, causation: causation, actor: actor), .messageQueued(queued))
        }
    }
}

import Crypto
import EventLog
import Events
import Foundation

/// A text as the provider hands it over (Twilio's inbound webhook, or `periodize receive`).
public struct InboundSMS: Sendable, Equatable {
    /// The provider's id of the text (`MessageSid`): a text delivered twice is recorded once.
    public var providerMessageID: String
    public var from: String
    public var to: String
    public var body: String
    public var segments: Int?
    public var mediaCount: Int?
    /// Set when the provider's own opt-out handling answered already (Twilio's `OptOutType`:
    /// `STOP`, `START`, `HELP`): our answer is then empty.
    public var providerOptOutType: String?
    public var provider: String

    public init(
        providerMessageID: String, from: String, to: String, body: String, segments: Int? = nil, mediaCount: Int? = nil,
        providerOptOutType: String? = nil, provider: String = "twilio"
    ) {
        self.providerMessageID = providerMessageID
        self.from = from
        self.to = to
        self.body = body
        self.segments = segments
        self.mediaCount = mediaCount
        self.providerOptOutType = providerOptOutType
        self.provider = provider
    }
}

/// What the service tells a texter who asks for help, or who is no client.
public struct ConversationTexts: Sendable, Equatable {
    /// The coaching service's name, as texts name it.
    public var serviceName: String
    /// How to reach a person (`support@example.com`, a phone number).
    public var contact: String

    public init(serviceName: String = "Periodize coaching", contact: String = "your coach") {
        self.serviceName = serviceName
        self.contact = contact
    }

    public var help: String {
        "\(serviceName): daily workouts by SMS. Reply DONE when finished, STOP to stop, START to resume. Help: \(contact)."
    }

    public var unknownNumber: String {
        "\(serviceName): this number is not signed up for workouts. To join, contact \(contact)."
    }

    public var optedIn: String {
        "\(serviceName): you're back in. Daily workouts resume. Reply STOP to stop."
    }
}

/// What became of an inbound text.
public struct InboundOutcome: Sendable, Equatable {
    public var inboundClass: InboundClass
    /// The client it came from; nil for a number that is no client's.
    public var clientID: String?
    /// The text to answer with (the TwiML `<Message>`); nil for an empty answer.
    public var reply: String?
    /// The same provider id was recorded before: nothing was appended.
    public var duplicate: Bool
    /// The client's messages stopped or resumed because of it.
    public var optedOut = false
    public var optedIn = false
}

/// What became of a provider's status report.
public enum StatusOutcome: Sendable, Equatable {
    /// Recorded on the client's stream (and the client opted out, for a 21610).
    case recorded(clientID: String, optedOut: Bool)
    /// The same status of the same part was recorded before.
    case duplicate
    /// No outbound part of ours has that id.
    case unknownMessage
}

extension Engine {
    /// Keywords that stop every message (the whole body, trimmed, any case), as carriers and
    /// Twilio read them.
    public static let optOutKeywords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
    public static let optInKeywords: Set<String> = ["START", "YES", "UNSTOP"]
    public static let helpKeywords: Set<String> = ["HELP", "INFO"]

    /// The class of a text and its keyword, read from the whole body.
    public static func classify(_ body: String) -> (InboundClass, keyword: String?) {
        let word = body.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        if optOutKeywords.contains(word) { return (.optOut, word) }
        if optInKeywords.contains(word) { return (.optIn, word) }
        if helpKeywords.contains(word) { return (.help, word) }
        return (.text, nil)
    }

    /// The stream of texts from a number that is no client's: `number-` and a keyed
    /// pseudonym of the number (HMAC-SHA256 under a key of this log's vault, 16 hex digits), so
    /// the stream's name does not give the number back once its texts are erased. Without a
    /// vault (encryption off, for measurements only) a plain SHA-256 stands in.
    public func numberStream(_ phoneNumber: String) throws -> String {
        if let vault { return "number-" + (try vault.pseudonym(of: phoneNumber)) }
        return "number-" + SHA256.hash(data: Data(phoneNumber.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Records a text that came in (`MessageReceived`, once per provider id) and acts on its
    /// keyword: STOP and its kin opt the client out, START and its kin opt them back in, HELP
    /// answers with ``ConversationTexts/help``. Any other text is stored for the reader of
    /// replies. A number that is no client's gets its own stream and a short answer.
    public func receive(_ sms: InboundSMS, texts: ConversationTexts = ConversationTexts()) async throws -> InboundOutcome {
        var (inboundClass, keyword) = Self.classify(sms.body)
        // Twilio's own opt-out handling recognised a keyword (its defaults, or one configured in
        // its console): that is what the text is.
        if let type = sms.providerOptOutType.flatMap({ Self.providerOptOutClass[$0.uppercased()] }), type != inboundClass {
            inboundClass = type
            keyword = sms.body.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        }
        let at = Timestamp(clock()).iso8601
        let receivedID = Self.nameBasedID("received|\(sms.provider)|\(sms.providerMessageID)")
        let answered = sms.providerOptOutType != nil
        func received(_ clientID: String?) -> MessageReceived {
            MessageReceived(
                providerMessageId: sms.providerMessageID, clientId: clientID, from: sms.from, to: sms.to, body: sms.body, segments: sms.segments,
                mediaCount: sms.mediaCount, inboundClass: inboundClass, keyword: keyword, providerOptOutType: sms.providerOptOutType,
                provider: sms.provider, receivedAt: at)
        }
        let clientID = try await readModels.clientID(phoneNumber: sms.from)
        guard let clientID, inboundClass == .optOut || inboundClass == .optIn else {
            // Nothing to decide on the client's state: stored under an id derived from the
            // provider's, so the log keeps it once (the same bytes, or a conflict on the id).
            var outcome = InboundOutcome(inboundClass: inboundClass, clientID: clientID, reply: nil, duplicate: false)
            let stream = try clientID.map(Self.clientStream) ?? numberStream(sms.from)
            do {
                outcome.duplicate = try await append(received(clientID), to: stream, id: receivedID, actor: .inbound).alreadyStored
            } catch let error as EventStoreError where error.code == .eventIDReused {
                outcome.duplicate = true
            }
            if !answered, clientID == nil, inboundClass != .optOut { outcome.reply = texts.unknownNumber }
            if !answered, clientID != nil, inboundClass == .help { outcome.reply = texts.help }
            return outcome
        }
        do {
            return try await execute(client: clientID, attempts: 3, "recording a text") { state -> Decision<InboundOutcome> in
                _ = try requireClient(state, clientID)
                var outcome = InboundOutcome(inboundClass: inboundClass, clientID: clientID, reply: nil, duplicate: false)
                if state.receivedTexts.contains(sms.providerMessageID) {
                    outcome.duplicate = true
                    return .done(outcome)
                }
                var events: [(event: NewEvent, decoded: DomainEvent?)] = [
                    (try newEvent(received(clientID), id: receivedID, actor: .inbound), .messageReceived(received(clientID))),
                ]
                switch inboundClass {
                case .optOut where state.mayBeOptedOut(by: .client):
                    events.append(try optOutEvent(
                        clientID, source: .client, keyword: keyword, providerMessageID: sms.providerMessageID, cause: receivedID, actor: .inbound, at: at))
                    outcome.optedOut = true
                case .optIn where state.optedOutBy != nil:
                    let back = ClientOptedIn(clientId: clientID, source: .client, keyword: keyword, providerMessageId: sms.providerMessageID, optedInAt: at)
                    events.append((try newEvent(back, id: Self.nameBasedID("opt-in|\(receivedID)"), causation: receivedID, actor: .inbound), DomainEvent.clientOptedIn(back)))
                    outcome.optedIn = true
                    if !answered { outcome.reply = texts.optedIn }
                default:
                    break
                }
                let answer = outcome
                return .appendThenFinish(PendingEvents(events: events), { _ in answer })
            }.output
        } catch let error as EventStoreError where error.code == .eventIDReused {
            // Another process recorded the same text first.
            return InboundOutcome(inboundClass: inboundClass, clientID: clientID, reply: nil, duplicate: true)
        }
    }

    /// Records a provider's status report of one of our message parts (`MessageStatusReported`,
    /// once per part and status). `undelivered` or `failed` with error 21610 (the number opted
    /// out at the provider) opts the client out.
    ///
    /// - Parameters:
    ///   - messageID: our part id, when the callback names it (our `StatusCallback` URLs do).
    public func reportStatus(
        messageID: String?, providerMessageID: String, status: String, errorCode: String?, provider: String = "twilio"
    ) async throws -> StatusOutcome {
        guard let owner = try await readModels.messageOwner(messageID: messageID, providerMessageID: providerMessageID) else {
            logger.warning("status report for a message that is not ours", metadata: ["status": "\(status)"])
            return .unknownMessage
        }
        let status = status.lowercased()
        let at = Timestamp(clock()).iso8601
        let reportID = Self.nameBasedID("status|\(owner.messageID)|\(providerMessageID)|\(status)")
        let report = MessageStatusReported(
            messageId: owner.messageID, clientId: owner.clientID, kind: MessageKind(rawValue: owner.kind), provider: provider, providerMessageId: providerMessageID, status: status,
            errorCode: errorCode, reportedAt: at)
        let optOut = (status == "undelivered" || status == "failed") && errorCode == "21610"
        do {
            guard optOut else {
                // Ids derived from the part and status: the log keeps each once, no state to read.
                let stored = try await append(report, to: Self.clientStream(owner.clientID), id: reportID, actor: .provider).alreadyStored
                return stored ? .duplicate : .recorded(clientID: owner.clientID, optedOut: false)
            }
            return try await execute(client: owner.clientID, attempts: 3, "recording a status report") { state -> Decision<StatusOutcome> in
                var events: [(event: NewEvent, decoded: DomainEvent?)] = [(try newEvent(report, id: reportID, actor: .provider), .messageStatusReported(report))]
                let optingOut = state.mayBeOptedOut(by: .provider)
                if optingOut {
                    events.append(try optOutEvent(
                        owner.clientID, source: .provider, providerMessageID: providerMessageID, errorCode: errorCode, cause: reportID, actor: .provider, at: at))
                }
                return .appendThenFinish(PendingEvents(events: events, expected: optingOut ? .stateVersion : .any)) { result in
                    result.alreadyStored ? .duplicate : .recorded(clientID: owner.clientID, optedOut: optingOut)
                }
            }.output
        } catch let error as EventStoreError where error.code == .eventIDReused {
            return .duplicate
        }
    }

    /// Opts a client out because the provider refused a message to them (Twilio 21610); nothing
    /// when they are opted out already.
    func optOutAtProvider(_ clientID: String, failedMessage messageID: String, errorCode: String?) async throws {
        _ = try await execute(client: clientID, attempts: 3, "recording an opt-out") { state -> Decision<Void> in
            guard state.mayBeOptedOut(by: .provider), state.client != nil else { return .done(()) }
            let event = try optOutEvent(
                clientID, source: .provider, errorCode: errorCode, cause: Self.nameBasedID("refused|\(messageID)"), causation: false, actor: .delivery,
                at: Timestamp(clock()).iso8601)
            return .appendThenFinish(PendingEvents(events: [event]), { _ in })
        }
    }

    /// The `ClientOptedOut` an opt-out appends, its id derived from what caused it (`cause`,
    /// also its causation unless `causation` is false): recorded once however often it is seen.
    func optOutEvent(
        _ clientID: String, source: OptSource, keyword: String? = nil, providerMessageID: String? = nil, errorCode: String? = nil, cause: UUID,
        causation: Bool = true, actor: EventActor, at: String
    ) throws -> (event: NewEvent, decoded: DomainEvent?) {
        let out = ClientOptedOut(clientId: clientID, source: source, keyword: keyword, providerMessageId: providerMessageID, errorCode: errorCode, optedOutAt: at)
        return (try newEvent(out, id: Self.nameBasedID("opt-out|\(cause)"), causation: causation ? cause : nil, actor: actor), .clientOptedOut(out))
    }

    /// The classes Twilio's `OptOutType` names.
    static let providerOptOutClass: [String: InboundClass] = ["STOP": .optOut, "START": .optIn, "HELP": .help]
}

extension EventActor {
    public static let inbound: EventActor = "inbound"
    public static let provider: EventActor = "provider"
}

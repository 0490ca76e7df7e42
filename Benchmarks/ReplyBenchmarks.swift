import EventLog
import Events
import Foundation
import Periodize
import PeriodizeApp
import Replies

/// The reader of replies: replies read per second beside JSON-decoding the same number of
/// `MessageReceived` payloads (the least any reading costs: getting the text out of the log), and
/// `receive` end to end (store the text, read it, append what it changes and the confirming SMS).
enum ReplyBenchmarks {
    static let texts = [
        "done", "done, rpe 8 💪", "finished! that was brutal", "too easy", "skip tmrw, work trip", "can i skip friday? kid's recital",
        "text me at 6:30 from now on", "send it at 7pm pls", "im in denver this week", "moved to london", "only mon/wed/fri from now on",
        "my knee hurts", "shoulder is fine now", "hotel gym until dec 10", "on vacation until jan 3", "two weeks off", "what's today?",
        "didnt get my workout", "what does rpe mean?", "thanks coach!", "done rpe 7. can I skip thurs? back is acting up", "skip 12/10",
        "none today sorry", "killer workout 🥵", "pause till the 20th", "dnoe", "what is a deload", "lol my cat ate my shoe",
    ]

    static func run(_ options: Options) async throws {
        let count = max(1_000, options.events)
        let reader = RuleReader()
        let context = ReaderContext(today: LocalDate("2026-03-10")!, units: .imperial)
        let clock = ContinuousClock()
        var intents = 0
        let reading = clock.measure {
            for n in 0..<count { intents += reader.read(texts[n % texts.count], context: context).intents.count }
        }
        // Baseline: decoding the texts' events as a replay reads them.
        let payloads = try texts.map { text in
            try EventCoding.encode(MessageReceived(
                providerMessageId: "SM1", clientId: "c1", from: "+15550100001", to: "+15550009999", body: text, segments: 1, mediaCount: 0, inboundClass: .text,
                keyword: nil, providerOptOutType: nil, provider: "twilio", receivedAt: "2026-03-10T18:00:00.000Z"))
        }
        var decoded = 0
        let decoding = try clock.measure {
            for n in 0..<count { decoded += try JSONDecoder().decode(MessageReceived.self, from: payloads[n % payloads.count]).body.count }
        }
        say(String(format: "reply reader: %d replies in %.2f s, %.0f/s (%d intents); JSON-decoding as many MessageReceived payloads %.0f/s; ratio %.2f",
                   count, reading.inSeconds, Double(count) / reading.inSeconds, intents, Double(count) / decoding.inSeconds,
                   (Double(count) / reading.inSeconds) / (Double(count) / decoding.inSeconds)))

        // End to end: receive, read, act, queue the confirmation; 200 clients, texts spread over them.
        let path = options.folder + "/replies.sqlite"
        removeDatabase(path)
        let clients = 200
        try await CoachingBenchmarks.enroll(clients, path: path, CoachingBenchmarks.everyDay)
        let now = Timestamp(iso8601: "2026-03-10T18:00:00Z")!.date
        let engine = try await makeEngine(EngineConfiguration(path: path, durability: .full, clock: { now }))
        let total = min(count, 4_000)
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<total {
                    if n >= 32 { try await group.next() }
                    group.addTask {
                        let client = CoachingBenchmarks.client(n % clients)
                        let sid = "SM" + String(format: "%032x", n)
                        let text = texts[n % texts.count]
                        let outcome = try await engine.receive(InboundSMS(providerMessageID: sid, from: client.phoneNumber, to: "+15550009999", body: text))
                        if outcome.inboundClass == .text, let id = outcome.clientID {
                            _ = try await engine.readReply(clientID: id, providerMessageID: sid, body: text)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let stats = try await engine.stats()
        try engine.close()
        let reads = stats.byType.first { $0.type == ReplyRead.eventType }?.count ?? 0
        say(String(format: "receive end to end (store, read, act, confirmation queued; 32 at a time, durability full): %d texts in %.2f s, %.0f/s; %lld ReplyRead events",
                   total, elapsed.inSeconds, Double(total) / elapsed.inSeconds, reads))
        removeDatabase(path)
        try await regenerating(options, clients: clients)
    }

    /// A reply that makes today's workout again (`go easy today pls`), end to end, beside making
    /// the same clients' workouts for the first time, on one file in the same run.
    static func regenerating(_ options: Options, clients: Int) async throws {
        let path = options.folder + "/changes.sqlite"
        removeDatabase(path)
        try await CoachingBenchmarks.enroll(clients, path: path, CoachingBenchmarks.everyDay)
        let now = Timestamp(iso8601: "2026-03-10T12:00:00Z")!.date
        let engine = try await makeEngine(EngineConfiguration(path: path, durability: .full, clock: { now }))
        let clock = ContinuousClock()
        let today = LocalDate("2026-03-10")!
        func concurrently(_ work: @escaping @Sendable (Int) async throws -> Void) async throws -> Duration {
            try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<clients {
                        if n >= 32 { try await group.next() }
                        group.addTask { try await work(n) }
                    }
                    try await group.waitForAll()
                }
            }
        }
        // The baseline: today's workouts made, once each (the breakdowns already exist).
        let first = try await concurrently { n in _ = try await engine.dailyWorkout(clientID: CoachingBenchmarks.client(n).clientId, date: today) }
        let made = try await engine.stats().byType.first { $0.type == WorkoutGenerated.eventType }?.count ?? 0
        let replies = try await concurrently { n in
            let client = CoachingBenchmarks.client(n)
            let sid = "SMX" + String(format: "%029x", n)
            let outcome = try await engine.receive(InboundSMS(providerMessageID: sid, from: client.phoneNumber, to: "+15550009999", body: "go easy today pls"))
            if let id = outcome.clientID { _ = try await engine.readReply(clientID: id, providerMessageID: sid, body: "go easy today pls") }
        }
        let stats = try await engine.stats()
        try engine.close()
        let workouts = stats.byType.first { $0.type == WorkoutGenerated.eventType }?.count ?? 0
        say(String(format: "a reply that makes today's workout again (go easy today pls; 32 at a time, durability full): %d in %.2f s, %.0f/s; making the same workouts the first time %.0f/s; ratio %.2f; %lld workouts made, %lld made again",
                   clients, replies.inSeconds, Double(clients) / replies.inSeconds, Double(clients) / first.inSeconds,
                   first.inSeconds / replies.inSeconds, made, workouts - made))
        removeDatabase(path)
    }
}

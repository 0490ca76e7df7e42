import Events
import Foundation

/// A sample of every event type and version, with personal data made up.
enum Samples {
    struct Sample: Sendable {
        let type: String
        let version: Int
        let payload: Data
        /// What the catalog must decode it to (upcast to the current version).
        let event: DomainEvent
    }

    static func sample<P: EventPayload>(_ value: P, _ wrap: (P) -> DomainEvent) -> Sample {
        Sample(type: P.eventType, version: P.schemaVersion, payload: try! EventCoding.encode(value), event: wrap(value))
    }

    static func legacy<L: LegacyEventPayload>(_ json: String, _: L.Type, _ wrap: (L.Current) -> DomainEvent) -> Sample {
        let decoded = try! JSONDecoder().decode(L.self, from: Data(json.utf8))
        return Sample(type: L.eventType, version: L.schemaVersion, payload: Data(json.utf8), event: wrap(decoded.upcast()))
    }

    static let date = LocalDate(year: 2026, month: 3, day: 9)!
    static let decision = DecisionRecord(
        coach: "rules", coachVersion: "1.0.0", inputs: [3, 7], rules: ["deload week: sets x0.5", "knee injury active: back squat -> box squat"],
        seed: 42, attempts: [], durationMs: 0.25)
    /// A model's decision: one answer that failed validation, then a repair that passed.
    static let modelDecision = DecisionRecord(
        coach: "gemini", coachVersion: "llm-coach 1", model: "gemini-2.0-flash", modelVersion: "gemini-2.0-flash-001",
        parameters: ["temperature": "0.3", "maxOutputTokens": "4096", "responseMimeType": "application/json"],
        promptTemplate: "daily-workout@1", promptHash: "3f1c0a", inputs: [3, 7, 9], rules: [],
        attempts: [
            .init(purpose: "first", httpStatus: 200, finishReason: "STOP", rawOutput: "{\"blocks\":[]}", validationErrors: ["no warm-up: add a block with prep items"],
                  latencyMs: 812.5, promptTokens: 950, completionTokens: 12),
            .init(purpose: "repair", httpStatus: 200, finishReason: "STOP", rawOutput: "{\"blocks\":[...]}", latencyMs: 1204, promptTokens: 990, completionTokens: 410),
        ],
        durationMs: 2020.1)

    static let current: [Sample] = [
        sample(ClientEnrolled(
            clientId: "c-1", name: "Zoë O'Brien", phoneNumber: "+15551234567", email: "zoe@example.com", timezone: "America/New_York",
            preferredSendHour: 7, units: .imperial, optedIn: true, isActive: true,
            profile: FitnessProfile(
                fitnessGoals: "Squat my bodyweight", primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: 3,
                trainingDays: [1, 3, 5], sessionMinutes: 60, location: .home, equipment: ["dumbbell", "band"],
                injuries: [Injury(area: "knee", status: .active, notes: "patellar tendinopathy")], age: 34, gender: "female")),
            DomainEvent.clientEnrolled),
        sample(ClientUpdated(
            clientId: "c-1", timezone: "Europe/Lisbon", preferredSendHour: 6, isActive: true,
            profile: FitnessProfile(
                fitnessGoals: "Squat my bodyweight", primaryGoal: .strength, skillLevel: .intermediate, daysPerWeek: 4,
                trainingDays: [1, 2, 4, 5], sessionMinutes: 60, location: .commercialGym, equipment: [],
                injuries: [Injury(area: "knee", status: .resolved)], age: 34, gender: "female")),
            DomainEvent.clientUpdated),
        sample(PlanCreated(
            planId: "p-1", clientId: "c-1", programType: .strength, goalStatement: "Squat my bodyweight", macrocycleWeeks: 12,
            mesocycles: [
                MesocyclePlan(name: "Accumulation", weeks: 4, focus: ["volume", "technique"], deload: true),
                MesocyclePlan(name: "Intensification", weeks: 4, focus: ["intensity"], deload: true),
                MesocyclePlan(name: "Realization", weeks: 4, focus: ["performance"], deload: false),
            ],
            overview: "Twelve weeks toward a bodyweight squat.", notes: "Travels the week of April 6.", startDate: date, decision: decision),
            DomainEvent.planCreated),
        sample(MesocycleBroken(
            planId: "p-1", clientId: "c-1",
            mesocycle: .init(index: 0, name: "Accumulation", phase: "accumulation", weeks: 1, focus: ["volume"], deload: false, startDate: date),
            microcycles: [.init(index: 0, weekIndex: 0, startDate: date, days: Weekday.allCases.map {
                [1, 3, 5].contains($0.isoNumber) ? DayPlan(day: $0, theme: "Full body", load: .moderate) : DayPlan(day: $0, theme: "Rest", load: nil, notes: "Walk 20 minutes")
            })],
            decision: decision),
            DomainEvent.mesocycleBroken),
        sample(WorkoutGenerated(
            clientId: "c-1", planId: "p-1", date: date, theme: "Full body", load: .moderate,
            blocks: [
                .init(name: "Warm-up", items: [.init(type: .prep, exercise: "Leg Swings", sets: 1, reps: .count(10))]),
                .init(name: "Main", items: [
                    .init(type: .compound, exercise: "Box Squat", sets: 4, reps: .count(5), RPE: 8, percentageRM: 81.1, restSec: 180),
                    .init(type: .accessory, exercise: "Dumbbell Row", sets: 3, reps: .text("8-10"), restSec: 90),
                    .init(type: .cardio, exercise: "Easy Run", durationMin: 20, distanceKm: 3.2),
                ]),
                .init(name: "Cooldown", items: [.init(type: .cooldown, exercise: "Couch Stretch", durationSec: 60)]),
            ],
            modifications: [.init(condition: "knee pain", replace: .init(exercise: "Back Squat", with: "Box Squat"), note: "Knee injury active")],
            decision: modelDecision),
            DomainEvent.workoutGenerated),
        sample(MessageSent(
            messageId: "m-1", clientId: "c-1", kind: .daily, localDate: date, body: "Mon: Full body 💪 Box Squat 4x5 @RPE8",
            encoding: .ucs2, segments: 1, provider: "outbox", sentAt: "2026-03-09T11:00:00.000Z"),
            DomainEvent.messageSent),
        sample(MessageFailed(
            messageId: "m-2", clientId: "c-1", kind: .daily, localDate: date, provider: "twilio", attempt: 1,
            error: "HTTP 400: The message To number has opted out", errorCode: "21610", retryable: false, failedAt: "2026-03-09T11:00:01.000Z"),
            DomainEvent.messageFailed),
        sample(MessageQueued(
            messageId: "m-3", groupId: "m-3", clientId: "c-1", kind: .daily, localDate: date, body: "Mon: Full body, part 1 of 2", encoding: .gsm7,
            segments: 1, part: 1, parts: 2, expiresAt: "2026-03-10T04:00:00.000Z", queuedAt: "2026-03-09T11:00:00.000Z"),
            DomainEvent.messageQueued),
        sample(DeliveryAttempted(
            messageId: "m-3", clientId: "c-1", attempt: 2, workerId: "host-a:4711", startedAt: "2026-03-09T11:02:00.000Z",
            leaseUntil: "2026-03-09T11:03:00.000Z", possiblyDuplicated: true),
            DomainEvent.deliveryAttempted),
        sample(MessageReleased(messageId: "m-3", clientId: "c-1", attempt: 3, reason: "the client opted out", final: true, releasedAt: "2026-03-09T11:05:00.000Z"),
               DomainEvent.messageReleased),
        sample(MessageExpired(messageId: "m-4", clientId: "c-1", expiresAt: "2026-03-10T04:00:00.000Z", expiredAt: "2026-03-10T04:00:01.000Z"),
               DomainEvent.messageExpired),
        sample(MigrationApplied(
            migrationId: "mig-1", name: "clean-slate", codeVersion: "0.1.0",
            effects: ["plansConverted": 3, "plansWithSeveralMacrocycles": 1, "workoutsArchived": 48, "clientsRegenerated": 2, "noticesSent": 2]),
            DomainEvent.migrationApplied),
        sample(MigrationReverted(migrationId: "mig-1", name: "clean-slate", reason: "coaches asked for the old weeks back"), DomainEvent.migrationReverted),
        sample(PromptRecorded(hash: "3f1c0a", template: "daily-workout@1", system: "You are a coach.", user: "Write today's workout: Lower Strength, heavy."), DomainEvent.promptRecorded),
        sample(ClientErased(clientId: "c-1", reason: "deletion request #12", erasedAt: "2026-03-20T09:00:00.000Z"), DomainEvent.clientErased),
        sample(CheckpointSigned(position: 1200, hash: String(repeating: "ab", count: 32), signedAt: "2026-03-20T09:00:00.000Z",
                                publicKey: String(repeating: "cd", count: 32), signature: String(repeating: "ef", count: 64)), DomainEvent.checkpointSigned),
        sample(LogCompacted(sourcePosition: 1201, sourceHash: String(repeating: "ab", count: 32), position: 1201, hash: String(repeating: "12", count: 32),
                            fieldsEncrypted: 40, compactedAt: "2026-03-20T09:05:00.000Z", publicKey: String(repeating: "cd", count: 32),
                            signature: String(repeating: "ef", count: 64)), DomainEvent.logCompacted),
        sample(ClientOptedOut(clientId: "c-1", source: .client, keyword: "STOP", providerMessageId: "SM0001", optedOutAt: "2026-03-21T08:00:00.000Z"),
               DomainEvent.clientOptedOut),
        sample(ClientOptedIn(clientId: "c-1", source: .client, keyword: "START", providerMessageId: "SM0002", optedInAt: "2026-03-22T08:00:00.000Z"),
               DomainEvent.clientOptedIn),
        sample(MessageReceived(
            providerMessageId: "SM0003", clientId: "c-1", from: "+15550100001", to: "+15550009999", body: "done, RPE 8 💪", segments: 1, mediaCount: 0,
            inboundClass: .text, keyword: nil, providerOptOutType: nil, provider: "twilio", receivedAt: "2026-03-22T18:00:00.000Z"),
            DomainEvent.messageReceived),
        sample(MessageStatusReported(
            messageId: "m-3", clientId: "c-1", kind: .daily, provider: "twilio", providerMessageId: "SM0004", status: "undelivered", errorCode: "30003",
            reportedAt: "2026-03-09T11:02:05.000Z"), DomainEvent.messageStatusReported),
        sample(DeliveryHeld(messageId: "m-3", clientId: "c-1", attempt: 3, reason: "Twilio could not be asked: HTTP 503", heldAt: "2026-03-09T11:06:00.000Z",
                            retryAt: "2026-03-09T11:07:00.000Z"), DomainEvent.deliveryHeld),
        sample(ReplyRead(
            clientId: "c-1", providerMessageId: "SM0005", localDate: date,
            intents: [ReplyIntent(.done, rpe: 8), ReplyIntent(.skip, date: date.adding(days: 4), reason: "work trip")],
            actions: ["marked 2026-03-09 done (RPE 8)", "skipped 2026-03-13"], decision: decision, readAt: "2026-03-09T18:00:01.000Z"),
            DomainEvent.replyRead),
        sample(WorkoutCompleted(clientId: "c-1", date: date, rpe: 8, feel: "hard", providerMessageId: "SM0005", completedAt: "2026-03-09T18:00:01.000Z"),
               DomainEvent.workoutCompleted),
        sample(DaySkipped(clientId: "c-1", date: date.adding(days: 4), reason: "work trip", providerMessageId: "SM0005", skippedAt: "2026-03-09T18:00:01.000Z"),
               DomainEvent.daySkipped),
        sample(ClientPaused(clientId: "c-1", from: date.adding(days: 7), until: date.adding(days: 13), providerMessageId: "SM0006", pausedAt: "2026-03-09T18:00:01.000Z"),
               DomainEvent.clientPaused),
        sample(TravelPlanned(clientId: "c-1", from: date.adding(days: 2), until: date.adding(days: 6), timezone: "America/Denver", equipment: "hotel-gym",
                             providerMessageId: "SM0007", plannedAt: "2026-03-09T18:00:01.000Z"), DomainEvent.travelPlanned),
        sample(WorkoutChangeAsked(clientId: "c-1", date: date, change: .swap, exercise: "deadlifts", missing: "barbell", reason: "my back",
                                  providerMessageId: "SM0008", askedAt: "2026-03-09T07:30:00.000Z"), DomainEvent.workoutChangeAsked),
        sample(DayMoved(clientId: "c-1", from: date.adding(days: 4), to: date.adding(days: 5), providerMessageId: "SM0009", movedAt: "2026-03-09T07:31:00.000Z"),
               DomainEvent.dayMoved),
        sample(TokenCreated(name: "web-form", role: .operator_, hash: String(repeating: "ab", count: 32), createdAt: "2026-03-09T08:00:00.000Z"),
               DomainEvent.tokenCreated),
        sample(TokenRevoked(name: "web-form", revokedAt: "2026-03-10T08:00:00.000Z"), DomainEvent.tokenRevoked),
    ]

    static let legacy: [Sample] = [
        legacy(#"""
            {"id": "u-1", "name": "Taylor Brooks", "phoneNumber": "+15559990608", "email": null, "timezone": "America/New_York", "preferredSendHour": 16, "isActive": true, "createdAt": "2025-06-05T14:28:00.000Z", "profile": {"fitnessGoals": "Run a half marathon", "skillLevel": "beginner", "exerciseFrequency": "3-4", "gender": null, "age": 52}}
            """#, ClientEnrolledV1.self, DomainEvent.clientEnrolled),
        legacy(#"""
            {"id": "p-9", "clientId": "u-1", "programType": "hybrid", "goalStatement": "Legacy goal", "overview": "Legacy overview", "startDate": "2025-06-06", "createdAt": "2025-06-05T14:28:00.000Z", "updatedAt": "2025-06-05T14:28:00.000Z", "macrocycles": "[{\"name\": \"Macro 1\", \"description\": \"Base\", \"durationWeeks\": 7, \"mesocycles\": [{\"phase\": \"Accumulation\", \"weeks\": 3, \"microcycleOverviews\": [{\"index\": 0, \"split\": \"Full Body\", \"deload\": false}]}, {\"phase\": \"Intensification\", \"microcycleOverviews\": [{\"index\": 0, \"deload\": true, \"avgIntensityPct1RM\": 82.5}]}]}, {\"name\": \"Macro 2\", \"description\": \"Peak\", \"mesocycles\": [{\"weeks\": 2, \"microcycleOverviews\": []}, {\"phase\": \"PEAKING\", \"weeks\": 3, \"microcycleOverviews\": [{\"index\": 0, \"totalMileage\": 20, \"longRunMileage\": 8}]}]}]"}
            """#, PlanCreatedV1.self, DomainEvent.planCreated),
        legacy(#"""
            {"id": "meso-1", "clientId": "u-1", "fitnessPlanId": "p-9", "index": 0, "phase": null, "lengthWeeks": 2, "startDate": "2025-06-06", "createdAt": "2025-06-05T14:28:00.000Z", "microcycles": [{"id": "w-1", "index": 0, "startDate": "2025-06-06", "endDate": "2025-06-12", "targets": {"split": "Upper-Lower-Rest", "totalSetsMainLifts": 16}, "createdAt": "2025-06-05T14:28:00.000Z"}, {"id": "w-2", "index": 1, "startDate": "2025-06-13", "endDate": "2025-06-19", "targets": {"avgIntensityPct1RM": 72.5, "notes": "Crème brûlée week 🍮"}, "createdAt": "2025-06-05T14:28:00.000Z"}]}
            """#, MesocycleBrokenV1.self, DomainEvent.mesocycleBroken),
        legacy(#"""
            {"id": "wo-1", "clientId": "u-1", "fitnessPlanId": "p-9", "mesocycleId": "meso-1", "microcycleId": "w-1", "date": "2025-06-07", "sessionType": "run", "goal": "legacy session", "details": {"exercises": [{"name": "Easy run", "sets": 5, "reps": "8-10"}, {"name": "Row", "sets": 4, "reps": 5}], "notes": "legacy"}, "createdAt": "2025-06-05T14:28:00.000Z"}
            """#, WorkoutGeneratedV1.self, DomainEvent.workoutGenerated),
        legacy(#"""
            {"id": "msg-1", "userId": "u-1", "direction": "inbound", "content": "Thanks coach! 🙏", "createdAt": "2025-06-07T14:28:00.000Z"}
            """#, MessageSentV1.self, DomainEvent.messageSent),
    ]

    /// The current-version payload inside a decoded event.
    static func payload(of event: DomainEvent) -> any Encodable {
        switch event {
        case .clientEnrolled(let p): p
        case .clientUpdated(let p): p
        case .planCreated(let p): p
        case .mesocycleBroken(let p): p
        case .workoutGenerated(let p): p
        case .messageSent(let p): p
        case .messageFailed(let p): p
        case .messageQueued(let p): p
        case .deliveryAttempted(let p): p
        case .messageReleased(let p): p
        case .messageExpired(let p): p
        case .migrationApplied(let p): p
        case .migrationReverted(let p): p
        case .promptRecorded(let p): p
        case .clientErased(let p): p
        case .checkpointSigned(let p): p
        case .logCompacted(let p): p
        case .clientOptedOut(let p): p
        case .clientOptedIn(let p): p
        case .messageReceived(let p): p
        case .messageStatusReported(let p): p
        case .deliveryHeld(let p): p
        case .replyRead(let p): p
        case .workoutCompleted(let p): p
        case .daySkipped(let p): p
        case .clientPaused(let p): p
        case .travelPlanned(let p): p
        case .workoutChangeAsked(let p): p
        case .dayMoved(let p): p
        case .tokenCreated(let p): p
        case .tokenRevoked(let p): p
        case .unknown(let type, _): type
        }
    }
}

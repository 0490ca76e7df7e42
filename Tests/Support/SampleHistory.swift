import Coaching
import EventLog
import Events
import Foundation

/// A deterministic, realistic history of coaching events for tests and benchmarks:
/// per client an enrollment, a plan, a mesocycle breakdown, and a workout and a daily message
/// per training day.
public struct SampleHistory: Sendable {
    public var seed: UInt64
    public var workoutsPerClient: Int

    public init(seed: UInt64 = 1, workoutsPerClient: Int = 6) {
        self.seed = seed
        self.workoutsPerClient = workoutsPerClient
    }

    static let names = ["Avery Chen", "Jordan Lee", "Sofía Núñez", "Priya Raman", "Mateo \"Teo\" Rossi", "Zoë Adams", "Kenji Sato", "Amara Okafor"]
    static let zones = ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Sydney", "Africa/Lagos"]

    /// The events of client number `index`, in stream order.
    public func client(_ index: Int) throws -> (clientID: String, events: [NewEvent]) {
        var random = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
        let clientID = "c\(index)"
        let start = LocalDate(year: 2026, month: 1, day: 5)!.adding(days: index % 28)
        let days = ClientEnrolledV1.spreadDays(3 + index % 3)
        let enrolled = ClientEnrolled(
            clientId: clientID, name: Self.names[index % Self.names.count], phoneNumber: "+1555\(String(format: "%07d", index % 10_000_000))",
            email: index % 2 == 0 ? "client\(index)@example.com" : nil, timezone: Self.zones[index % Self.zones.count],
            preferredSendHour: [0, 6, 7, 12, 18, 23][index % 6], units: index % 3 == 0 ? .metric : .imperial, optedIn: true,
            isActive: index % 10 != 9,
            profile: FitnessProfile(
                fitnessGoals: "Get stronger and run a 10k", primaryGoal: PrimaryGoal.allCases[index % PrimaryGoal.allCases.count],
                skillLevel: SkillLevel.allCases[index % 3], daysPerWeek: days.count, trainingDays: days, sessionMinutes: 45,
                location: TrainingLocation.allCases[index % 3], equipment: index % 3 == 1 ? ["dumbbell", "band"] : [],
                injuries: index % 4 == 0 ? [Injury(area: "knee", status: .active)] : [], age: 25 + index % 40, gender: nil))
        let planID = "p\(index)"
        let mesocycles = [
            MesocyclePlan(name: "Accumulation", weeks: 4, focus: ["volume", "technique"], deload: true),
            MesocyclePlan(name: "Intensification", weeks: 4, focus: ["intensity"], deload: true),
            MesocyclePlan(name: "Realization", weeks: 4, focus: ["performance"], deload: false),
        ]
        let decision = DecisionRecord(coach: "rules", coachVersion: "1", inputs: [], rules: ["sample history"], seed: seed, durationMs: 0.1)
        let plan = PlanCreated(
            planId: planID, clientId: clientID, programType: ProgramType.allCases[index % ProgramType.allCases.count],
            macrocycleWeeks: 12, mesocycles: mesocycles, overview: "Twelve weeks in three blocks.", startDate: start, decision: decision)
        let themes = ["Lower body strength", "Upper body push", "Conditioning", "Upper body pull", "Full body"]
        let broken = MesocycleBroken(
            planId: planID, clientId: clientID,
            mesocycle: .init(index: 0, name: "Accumulation", phase: "accumulation", weeks: 4, focus: ["volume", "technique"], deload: true, startDate: start),
            microcycles: (0..<4).map { week in
                .init(index: week, weekIndex: week, startDate: start.adding(days: week * 7), days: Weekday.allCases.map { day in
                    days.contains(day.isoNumber)
                        ? DayPlan(day: day, theme: themes[(day.isoNumber + week) % themes.count], load: week == 3 ? .light : [.moderate, .heavy][week % 2])
                        : DayPlan(day: day, theme: "Rest", load: nil, notes: "Mobility and a walk")
                })
            },
            decision: decision)
        var events: [NewEvent] = []
        func add<P: EventPayload>(_ payload: P) throws {
            let encoded = try EventCatalog.encode(payload)
            events.append(NewEvent(eventID: random.uuid(), type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload, actor: "sample"))
        }
        try add(enrolled)
        try add(plan)
        try add(broken)
        for n in 0..<workoutsPerClient {
            let date = start.adding(days: n * 2)
            try add(WorkoutGenerated(
                clientId: clientID, planId: planID, date: date, theme: themes[n % themes.count], load: .moderate,
                blocks: [
                    .init(name: "Warm-up", items: [.init(type: .prep, exercise: "World's Greatest Stretch", sets: 1, reps: .count(5))]),
                    .init(name: "Main", items: [
                        .init(type: .compound, exercise: "Back Squat", sets: 4, reps: .count(6), RPE: 8, percentageRM: 78.6, restSec: 150),
                        .init(type: .accessory, exercise: "Walking Lunge", sets: 3, reps: .text("10-12"), restSec: 60),
                    ]),
                    .init(name: "Cooldown", items: [.init(type: .cooldown, exercise: "Easy walk", durationMin: 5)]),
                ],
                modifications: index % 4 == 0 ? [.init(condition: "knee pain", replace: .init(exercise: "Back Squat", with: "Box Squat"), note: "Knee injury active")] : [],
                decision: decision))
            try add(MessageSent(
                messageId: "m\(index)-\(n)", clientId: clientID, kind: .daily, localDate: date,
                body: "Today: \(themes[n % themes.count]). Back Squat 4x6 @RPE8, Walking Lunge 3x10-12.", encoding: .gsm7, segments: 1,
                provider: "outbox", sentAt: "\(date)T12:00:00.000Z"))
        }
        return (clientID, events)
    }
}

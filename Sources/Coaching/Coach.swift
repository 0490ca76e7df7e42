import Events
import Foundation

/// Who decides plans, weeks, workouts and (optionally) the daily SMS's words.
///
/// The rule-based coach (``RuleCoach``) and the model coaches both implement it; the engine
/// knows only this protocol. A coach returns the artefact with its decision record, and the
/// prompts it sent, for the engine to store: a coach appends nothing itself.
public protocol Coach: Sendable {
    /// Model calls the coach can have in flight at once (0 for the rules): batch jobs handle
    /// about twice as many clients at once, so the slots stay busy.
    var concurrency: Int { get }

    /// A plan for the client, starting on the request's date.
    ///
    /// - Throws: ``CoachingError`` `invalidInput` for a plan length the rules refuse.
    func plan(_ request: PlanRequest) async throws -> Coached<PlanCreated>

    /// One mesocycle of the plan broken into weeks.
    func breakdown(_ request: BreakdownRequest) async throws -> Coached<MesocycleBroken>

    /// The workout for a scheduled day; nil for a rest day.
    func workout(_ request: WorkoutRequest) async throws -> Coached<WorkoutGenerated?>

    /// The daily SMS in the coach's own words, or nil when the formatter's text stands.
    func message(_ request: MessageRequest) async throws -> Coached<CoachedMessage>?
}

/// What a coach decided, and the prompts it sent to decide it (none for the rules).
public struct Coached<Value: Sendable>: Sendable {
    public var value: Value
    public var prompts: [PromptRecorded]

    public init(_ value: Value, prompts: [PromptRecorded] = []) {
        self.value = value
        self.prompts = prompts
    }
}

/// The daily SMS a coach wrote, with how it was decided.
public struct CoachedMessage: Sendable {
    public var body: String
    public var decision: DecisionRecord

    public init(body: String, decision: DecisionRecord) {
        self.body = body
        self.decision = decision
    }
}

public struct PlanRequest: Sendable {
    public var client: ClientEnrolled
    public var planId: String
    public var start: LocalDate
    public var weeks: Int
    /// Log positions the decision starts from.
    public var inputs: [Int64]

    public init(client: ClientEnrolled, planId: String, start: LocalDate, weeks: Int, inputs: [Int64]) {
        self.client = client
        self.planId = planId
        self.start = start
        self.weeks = weeks
        self.inputs = inputs
    }
}

public struct BreakdownRequest: Sendable {
    public var plan: PlanCreated
    /// The mesocycle's index in the plan.
    public var index: Int
    public var client: ClientEnrolled
    public var inputs: [Int64]

    public init(plan: PlanCreated, index: Int, client: ClientEnrolled, inputs: [Int64]) {
        self.plan = plan
        self.index = index
        self.client = client
        self.inputs = inputs
    }
}

public struct WorkoutRequest: Sendable {
    public var client: ClientEnrolled
    public var plan: PlanCreated?
    /// The mesocycle's index in the plan.
    public var mesocycle: Int
    public var scheduled: ScheduledDay
    public var date: LocalDate
    /// Workouts of the seven days before, oldest first.
    public var recent: [WorkoutGenerated]
    public var inputs: [Int64]
    /// What the client asked of this day's workout (a swap, lighter, shorter, harder).
    public var changes: WorkoutChanges
    /// What the client said of the days before: done (with how it felt), skipped.
    public var feedback: Feedback

    public init(
        client: ClientEnrolled, plan: PlanCreated?, mesocycle: Int, scheduled: ScheduledDay, date: LocalDate, recent: [WorkoutGenerated], inputs: [Int64],
        changes: WorkoutChanges = WorkoutChanges(), feedback: Feedback = Feedback()
    ) {
        self.client = client
        self.plan = plan
        self.mesocycle = mesocycle
        self.scheduled = scheduled
        self.date = date
        self.recent = recent
        self.inputs = inputs
        self.changes = changes
        self.feedback = feedback
    }
}

/// What a client asked of one day's workout, folded from their `WorkoutChangeAsked` events.
public struct WorkoutChanges: Sendable, Equatable {
    /// Exercises to swap out, as the client named them (`deadlifts`, `pull-ups`).
    public var avoid: [String] = []
    /// Equipment not at hand that day (`barbell`, `gym`, ...).
    public var missing: Set<String> = []
    /// -1 lighter, +1 harder (the last said wins).
    public var intensity = 0
    /// The session's minutes, when asked shorter.
    public var minutes: Int?
    /// What was asked, in order, as the decision record names it.
    public var asked: [String] = []

    public init() {}

    public var isEmpty: Bool { asked.isEmpty }

    /// Whether `exercise` is one the client asked to swap out (`deadlifts` rules out every
    /// deadlift).
    public func rulesOut(_ exercise: Exercise) -> Bool {
        func stem(_ text: String) -> String {
            var letters = text.lowercased().filter(\.isLetter)
            if letters.hasSuffix("es"), letters.count > 5 { letters.removeLast(2) } else if letters.hasSuffix("s"), letters.count > 3 { letters.removeLast() }
            return letters
        }
        let name = exercise.name.lowercased().filter(\.isLetter)
        return avoid.contains { word in
            let wanted = stem(word)
            return !wanted.isEmpty && (name.contains(wanted) || exercise.id.filter(\.isLetter).contains(wanted))
        }
    }

    /// The equipment at hand that day for a client with `profile`.
    public func equipment(for profile: FitnessProfile) -> Set<String> {
        var equipment = missing.contains("gym") ? Set(profile.equipment).union(["mat"]) : WorkoutRules.equipment(for: profile)
        equipment.subtract(missing.subtracting(["gym"]))
        return equipment
    }
}

/// What a client said about the days before a workout: the raw facts the progression rules and
/// a model coach's prompt read.
public struct Feedback: Sendable, Equatable {
    public struct Day: Sendable, Equatable {
        public var date: LocalDate
        public var theme: String?
        public var load: Load?
        /// Said done (`WorkoutCompleted`).
        public var completed: Bool
        public var skipped: Bool
        public var rpe: Int?
        /// `easy`, `hard`, `good`.
        public var feel: String?

        public init(date: LocalDate, theme: String?, load: Load?, completed: Bool, skipped: Bool, rpe: Int?, feel: String?) {
            self.date = date
            self.theme = theme
            self.load = load
            self.completed = completed
            self.skipped = skipped
            self.rpe = rpe
            self.feel = feel
        }

        /// Too hard: RPE 10 (9.5 rounds up) or said hard.
        public var tooHard: Bool { completed && ((rpe ?? 0) >= 10 || feel == "hard") }
        /// Too easy: RPE 6 or less, or said easy.
        public var tooEasy: Bool { completed && ((rpe.map { $0 <= 6 } ?? false) || feel == "easy") }
    }

    /// Training days with workouts before the one asked for, oldest first (up to four weeks).
    public var days: [Day] = []
    /// Whole weeks in a row just before this one in which every session was skipped.
    public var skippedWeeks = 0

    public init(days: [Day] = [], skippedWeeks: Int = 0) {
        self.days = days
        self.skippedWeeks = skippedWeeks
    }

    /// The latest completed session of `theme` at `load`, if the client said how it went.
    public func last(theme: String, load: Load) -> Day? {
        days.last { $0.completed && $0.theme == theme && $0.load == load }
    }

    /// Dates skipped.
    public var skipped: Set<LocalDate> { Set(days.filter(\.skipped).map(\.date)) }
}

public struct MessageRequest: Sendable {
    public var workout: WorkoutGenerated
    /// The workout's log position, when stored.
    public var position: Int64?
    public var client: ClientEnrolled
    /// The formatter's text, within the budget: the fallback.
    public var formatted: String
    public var segments: Int

    public init(workout: WorkoutGenerated, position: Int64?, client: ClientEnrolled, formatted: String, segments: Int) {
        self.workout = workout
        self.position = position
        self.client = client
        self.formatted = formatted
        self.segments = segments
    }
}

/// One day of a broken-down week, with what the workout rules need to know about it.
public struct ScheduledDay: Sendable, Equatable {
    public let day: DayPlan
    public let weekIndex: Int
    public let isDeloadWeek: Bool
    public let planId: String
    public let breakdownPosition: Int64

    public init(day: DayPlan, weekIndex: Int, isDeloadWeek: Bool, planId: String, breakdownPosition: Int64) {
        self.day = day
        self.weekIndex = weekIndex
        self.isDeloadWeek = isDeloadWeek
        self.planId = planId
        self.breakdownPosition = breakdownPosition
    }
}

/// Time elapsed on an injected clock, in milliseconds (what decision records carry).
public struct Stopwatch: Sendable {
    private let elapsed: @Sendable () -> Duration

    /// Starts now on `clock`.
    public init(_ clock: any Clock<Duration>) {
        elapsed = Self.started(clock)
    }

    private static func started<C: Clock>(_ clock: C) -> @Sendable () -> Duration where C.Duration == Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    public var milliseconds: Double {
        let duration = elapsed()
        return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

import Events

/// Programming numbers the rule-based coach encodes, each from a published source.
public enum TrainingTables {
    /// A load zone: the %1RM, reps, sets and rest that go together.
    ///
    /// NSCA, Baechle & Earle, *Essentials of Strength Training and Conditioning*:
    /// strength >= 85 %1RM, <= 6 reps, 2-6 sets, 2-5 min rest; hypertrophy 67-85 %, 6-12 reps,
    /// 3-6 sets, 30-90 s; muscular endurance <= 67 %, >= 12 reps, 2-3 sets, <= 30 s.
    public struct Zone: Sendable, Equatable {
        public let name: String
        public let percent1RM: ClosedRange<Double>
        public let reps: ClosedRange<Int>
        public let sets: ClosedRange<Int>
        public let restSeconds: ClosedRange<Int>
    }

    public static let strength = Zone(name: "strength", percent1RM: 85...100, reps: 1...6, sets: 2...6, restSeconds: 120...300)
    public static let hypertrophy = Zone(name: "hypertrophy", percent1RM: 67...85, reps: 6...12, sets: 3...6, restSeconds: 30...90)
    public static let endurance = Zone(name: "muscular endurance", percent1RM: 0...67, reps: 12...30, sets: 2...3, restSeconds: 0...30)

    /// The zone a client's main lifts train in.
    public static func zone(for goal: PrimaryGoal) -> Zone {
        switch goal {
        case .strength: strength
        case .hypertrophy, .general, .fatLoss: hypertrophy
        case .endurance, .rehab: endurance
        }
    }

    /// Tuchscherer's RPE chart (Reactive Training Systems): %1RM by reps + (10 - RPE), in
    /// half steps from 1 to 16. Three reps at RPE 8 is index 5: 86.3 %.
    static let rpeChart: [Double] = [
        100, 97.8, 95.5, 93.9, 92.2, 90.7, 89.2, 87.8, 86.3, 85.0, 83.7, 82.4, 81.1, 79.9, 78.6, 77.4,
        76.2, 75.1, 73.9, 72.3, 70.7, 69.4, 68.0, 66.7, 65.3, 64.0, 62.6, 61.3, 59.9, 58.6, 57.4,
    ]

    /// %1RM for `reps` at `rpe` (RPE 6-10 in half steps), or nil outside the chart.
    public static func percent1RM(reps: Int, rpe: Double) -> Double? {
        let index = Double(reps) + (10 - rpe)
        guard index >= 1, index <= 16, (index * 2).rounded() == index * 2 else { return nil }
        return rpeChart[Int((index - 1) * 2)]
    }

    /// The RPE nearest `target` (8 by default: two reps in reserve) whose %1RM for `reps` lies
    /// in `zone`, from 6 to 10 in half steps; nil when none does. A deload asks for a lower
    /// target and takes the nearest RPE on the chart whatever the zone.
    public static func rpe(reps: Int, zone: Zone, target: Double = 8, deload: Bool = false) -> Double? {
        let candidates = stride(from: 6.0, through: 10, by: 0.5).sorted { abs($0 - target) < abs($1 - target) || (abs($0 - target) == abs($1 - target) && $0 < $1) }
        for rpe in candidates {
            guard let percent = percent1RM(reps: reps, rpe: rpe) else { continue }
            if deload || zone.percent1RM.contains(percent) { return rpe }
        }
        return nil
    }

    /// Hard sets per muscle per week, from Renaissance Periodization's volume landmarks
    /// (secondary copies of RP's table): minimum effective volume and maximum recoverable
    /// volume. A block climbs from the first toward the second, then deloads.
    public static let weeklySets: [String: (minimumEffective: Int, maximumRecoverable: Int)] = [
        "back": (10, 25), "quads": (8, 20), "hamstrings": (6, 20), "glutes": (0, 16), "chest": (10, 22),
        "side-delts": (8, 26), "rear-delts": (8, 26), "front-delts": (0, 12), "biceps": (8, 26), "triceps": (6, 18),
        "calves": (8, 20), "abs": (0, 25), "traps": (0, 26),
    ]

    /// Deload: about half the sets, load and effort down (Rogerson et al., Sports Med Open 2024;
    /// practitioners' half-volume rule).
    public static let deloadSetFactor = 0.5
}

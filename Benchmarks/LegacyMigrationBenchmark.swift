import EventLog
import EventLogSQLite
import Events
import Foundation
import Periodize
import PeriodizeApp

/// Import a legacy export of many clients (a plan, a mesocycle, 4-6 weeks and 20-40 workouts
/// each, a few messages) and run the clean-slate migration over it: the whole job, timed,
/// against the 60 s budget for 10,000 clients.
enum LegacyMigrationBenchmark {
    /// Writes an export of `clients` clients into `folder` (untimed). Deterministic.
    static func writeExport(clients: Int, into folder: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var files: [String: [String]] = [:]
        var lines = 0
        func add(_ file: String, _ object: [String: Any]) throws {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            files[file, default: []].append(String(decoding: data, as: UTF8.self))
            lines += 1
        }
        let zones = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]
        let phases = ["Accumulation", "Intensification", "Hypertrophy", "Peaking"]
        let start = LocalDate("2026-03-02")!
        for n in 0..<clients {
            let user = "u-\(n)", plan = "p-\(n)", meso = "m-\(n)"
            let created = "2026-02-\(String(format: "%02d", 1 + n % 27))T10:00:00.000Z"
            try add("users.jsonl", ["id": user, "name": n % 7 == 0 ? "Zoë \"Z\" Ñúñez 💪 \(n)" : "Client \(n)", "phoneNumber": "+1555\(String(format: "%07d", n))",
                                    "email": NSNull(), "timezone": zones[n % zones.count], "preferredSendHour": 7, "isActive": n % 5 != 0, "createdAt": created])
            try add("fitnessProfiles.jsonl", ["userId": user, "fitnessGoals": "Get strong", "skillLevel": ["beginner", "intermediate", "advanced"][n % 3],
                                              "exerciseFrequency": n % 2 == 0 ? 3 : "3-4", "gender": NSNull(), "age": 20 + n % 40])
            let weeks = 4 + n % 3
            let macros: [[String: Any]] = [["name": "Macro", "description": "Legacy", "durationWeeks": weeks * 2, "mesocycles": [
                ["phase": phases[n % 4], "weeks": weeks, "microcycleOverviews": (0..<weeks).map { ["index": $0, "split": "Full Body", "deload": $0 == weeks - 1] }],
                ["phase": phases[(n + 1) % 4], "weeks": weeks, "microcycleOverviews": []],
            ]]]
            let macroValue: Any = n % 2 == 0 ? macros : String(decoding: try JSONSerialization.data(withJSONObject: macros), as: UTF8.self)
            try add("fitnessPlans.jsonl", ["id": plan, "clientId": user, "programType": "strength", "goalStatement": "Get strong", "overview": "Legacy overview",
                                           "startDate": start.description, "createdAt": created, "updatedAt": created, "macrocycles": macroValue])
            try add("mesocycles.jsonl", ["id": meso, "clientId": user, "fitnessPlanId": plan, "index": 0, "phase": phases[n % 4], "lengthWeeks": weeks,
                                         "startDate": start.description, "createdAt": created])
            for week in 0..<weeks {
                try add("microcycles.jsonl", ["id": "w-\(n)-\(week)", "clientId": user, "fitnessPlanId": plan, "mesocycleId": meso, "index": week,
                                              "startDate": start.adding(days: week * 7).description, "endDate": start.adding(days: week * 7 + 6).description,
                                              "targets": ["split": "Full Body", "totalSetsMainLifts": 12 + week], "createdAt": created])
            }
            let workouts = 20 + n % 21
            for w in 0..<workouts {
                let date = start.adding(days: w * 7 * weeks / workouts)
                try add("workoutInstances.jsonl", ["id": "wo-\(n)-\(w)", "clientId": user, "fitnessPlanId": plan, "mesocycleId": meso,
                                                   "microcycleId": "w-\(n)-\(min(weeks - 1, w * weeks / workouts))", "date": date.description,
                                                   "sessionType": "strength", "goal": "legacy session",
                                                   "details": w % 10 == 9 ? NSNull() : ["exercises": [["name": "Back Squat", "sets": 5, "reps": 5], ["name": "Row", "sets": 3, "reps": "8-10"]]],
                                                   "createdAt": created])
            }
            for m in 0..<3 {
                try add("messages.jsonl", ["id": "msg-\(n)-\(m)", "userId": user, "direction": m == 1 ? "inbound" : "outbound",
                                           "content": m == 1 ? "Thanks coach! 🙏" : "Today: Back Squat 5x5", "createdAt": "2026-03-0\(2 + m)T12:00:00.000Z"])
            }
        }
        for (file, rows) in files {
            try (rows.joined(separator: "\n") + "\n").write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
        }
        return lines
    }

    static func run(_ options: Options) async throws {
        let clients = min(options.clients, 10_000)
        let export = options.folder + "/legacy-export"
        let lines = try writeExport(clients: clients, into: export)
        let path = options.folder + "/legacy.sqlite"
        removeDatabase(path)
        // The migration runs on 2026-03-11: every plan covers it.
        let engine = try await makeEngine(EngineConfiguration(path: path, clock: { Date(timeIntervalSince1970: 1_773_237_600) }))
        let clock = ContinuousClock()
        var imported: LegacyImportReport?
        let importTime = try await clock.measure { imported = try await engine.importLegacy(directory: export) }
        var migrated: CleanSlateReport?
        let migrateTime = try await clock.measure { migrated = try await engine.migrateCleanSlate() }
        let head = try await engine.store.headPosition()
        guard let imported, let migrated, imported.appended > 0 else { throw BenchError("legacy migration did nothing") }
        let rss = Report.peakRSSMegabytes()
        // Baseline: the raw C API storing the very rows the import appended, in one transaction
        // as the import did, on the same schema and settings: storage alone, without reading
        // the export, checking it, encoding or projecting anything.
        var rows: [RecordedEvent] = []
        for try await event in engine.store.readAll(from: 1, batchSize: 5000) where event.position <= Int64(imported.appended) { rows.append(event) }
        try engine.close()
        let rawImport = try RawSQLite.timeStoring(rows, path: options.folder + "/legacy-raw.sqlite", perCommit: rows.count)
        let ours = Double(imported.appended) / Report.seconds(importTime)
        let baseline = Double(rows.count) / Report.seconds(rawImport)
        let total = Report.seconds(importTime) + Report.seconds(migrateTime)
        say(String(format: "legacy import + clean-slate, %d clients (%d export lines): import %.1f s (%d events, %.0f events/s; raw SQLite storing the same rows %.0f events/s, ratio %.2f), migrate %.1f s (%d clients regenerated and told), total %.1f s (target <= 60 s), %lld events in the log, peak RSS %.0f MB",
                   clients, lines, Report.seconds(importTime), imported.appended, ours, baseline, ours / baseline,
                   Report.seconds(migrateTime), migrated.regenerated.count, total, head, rss))
        removeDatabase(path)
        removeDatabase(options.folder + "/legacy-raw.sqlite")
    }
}

import EventLog
import EventLogSQLite
import Events
import Coaching
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Testing
import TestSupport

/// The legacy export in `Fixtures/legacy`: several macrocycles and none, a missing phase,
/// missing weeks, a missing durationWeeks, macrocycles as a JSON string, accents, quotes and
/// emoji, an inactive client, a client without a plan, one without a profile, null details.
enum LegacyFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/legacy")

    static func rows(_ file: String) throws -> [[String: Any]] {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// A copy of the fixture to spoil.
    static func copy(into directory: TemporaryDirectory) throws -> URL {
        let target = directory.url.appendingPathComponent("export")
        try FileManager.default.copyItem(at: folder, to: target)
        return target
    }

    static func json(_ text: String?) -> NSObject? {
        text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) as? NSObject }
    }
}

@Suite("Clean-slate migration")
struct CleanSlateTests {
    static let now = date("2026-03-11T15:00:00Z")

    static func open(_ folder: TemporaryDirectory, file: String = "log.sqlite") async throws -> Engine {
        let clock = ManualClock(now)
        let ids = SeededIDs(seed: 7)
        return try await makeEngine(EngineConfiguration(path: folder.path(file), clock: { clock.date() }, ids: { ids.next() }))
    }

    @Test func importKeepsIdsAndTimesAndASecondImportAppendsNothing() async throws {
        let folder = TemporaryDirectory()
        let engine = try await Self.open(folder)
        let first = try await engine.importLegacy(directory: LegacyFixture.folder.path)
        let counts: [Int] = [first.clients, first.profiles, first.plans, first.mesocycles, first.weeks, first.workouts, first.messages]
        #expect(counts == [5, 4, 4, 3, 7, 8, 4])
        #expect(first.appended == 24 && first.alreadyStored == 0)
        let second = try await engine.importLegacy(directory: LegacyFixture.folder.path)
        #expect(second.appended == 0 && second.alreadyStored == 24)
        let ana = try await engine.store.readStream(Engine.clientStream("u-ana"))
        #expect(ana.map(\.type) == ["ClientEnrolled", "PlanCreated", "MesocycleBroken"] + Array(repeating: "WorkoutGenerated", count: 5) + ["MessageSent", "MessageSent"])
        #expect(ana.allSatisfy { $0.schemaVersion == 1 })
        #expect(ana[0].metadata.occurredAt == Timestamp(iso8601: "2026-02-20T10:00:00.000Z"), "the original time is the event's own")
        #expect(ana[0].metadata.recordedAt == Timestamp(Self.now), "the import time is recordedAt")
        let client = try #require(try await engine.history(of: "u-ana").client)
        #expect(client.name == "Ana María O'Connor 💪")
        #expect(try await engine.history(of: "u-eli").client?.profile.daysPerWeek == 3, "no profile: the defaults")
        #expect(try await engine.verify().isValid)
        try engine.close()
    }

    @Test(arguments: [
        ("messages.jsonl", "append", #"{"id": "msg-9", "userId": "#, "messages.jsonl:5: not a JSON object"),
        ("workoutInstances.jsonl", "append",
         #"{"id": "wo-x", "clientId": "u-ghost", "fitnessPlanId": null, "mesocycleId": null, "microcycleId": null, "date": "2026-03-03", "sessionType": null, "goal": null, "details": null, "createdAt": "2026-02-21T09:37:00.000Z"}"#,
         "workoutInstances.jsonl:9: clientId u-ghost is not a client in users.jsonl"),
        ("users.jsonl", "duplicate", "", "users.jsonl:6: duplicate id u-ana (first on line 1)"),
        ("fitnessPlans.jsonl", "append",
         #"{"id": "p-x", "clientId": "u-dev", "programType": "other", "goalStatement": null, "overview": null, "startDate": "2026-03-02", "createdAt": "2026-02-24T20:05:00.000Z", "updatedAt": "2026-02-24T20:05:00.000Z", "macrocycles": "[{\"name\": "}"#,
         "fitnessPlans.jsonl:5: macrocycles: macrocycles is a string that does not hold a JSON array of macrocycles"),
        ("users.jsonl", "append",
         #"{"id": "u-x", "name": "X", "phoneNumber": "555-0100", "email": null, "timezone": "America/New_York", "preferredSendHour": 7, "isActive": true, "createdAt": "2026-02-20T10:00:00.000Z"}"#,
         "users.jsonl:6: phoneNumber 555-0100 is not E.164 (+ and 8 to 15 digits)"),
        ("messages.jsonl", "append", #"{"id": "msg-9", "userId": "u-ana", "direction": "outbound", "content": "x", "createdAt": "2026-03-02T12:00:00.000Z", "mood": "happy"}"#,
         "messages.jsonl:5: unknown field mood (a messages line has content, createdAt, direction, id, userId)"),
    ])
    func aBadFileStopsTheImportAndAppendsNothing(file: String, change: String, line: String, message: String) async throws {
        let folder = TemporaryDirectory()
        let export = try LegacyFixture.copy(into: folder)
        let url = export.appendingPathComponent(file)
        var text = try String(contentsOf: url, encoding: .utf8)
        text += change == "duplicate" ? String(text.split(separator: "\n")[0]) + "\n" : line + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        let db = folder.path("log.sqlite")
        let result = try PeriodizeBinary.run(["import-legacy", export.path, "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr == "periodize: error: \(message)\n")
        let engine = try await makeEngine(EngineConfiguration(path: db))
        #expect(try await engine.store.headPosition() == 0, "nothing appended")
        try engine.close()
    }

    @Test func migrateRegeneratesArchivesTellsAndRevertsAndTimeTravelShowsTheExport() async throws {
        let folder = TemporaryDirectory()
        let engine = try await Self.open(folder)
        try await engine.importLegacy(directory: LegacyFixture.folder.path)
        let imported = try await engine.store.headPosition()

        // A dry run appends nothing and reports what the run does.
        let dry = try await engine.migrateCleanSlate(dryRun: true)
        #expect(try await engine.store.headPosition() == imported)
        let report = try await engine.migrateCleanSlate()
        #expect(report.effects == dry.effects)
        #expect(report.effects == [
            "plansConverted": 4, "plansWithSeveralMacrocycles": 1, "plansWithoutMacrocycles": 1,
            "mesocyclesArchived": 3, "microcyclesArchived": 7, "workoutsArchived": 8,
            "clientsRegenerated": 2, "clientsOutsideTheirPlan": 1, "noticesSent": 2,
        ])
        #expect(report.regenerated == ["u-ana", "u-ben"], "active clients whose plan covers today; not the inactive, the planless, nor the one with no mesocycles")
        let migration = report.migrationID

        // The counts match the read-models.
        let counted = try await engine.database.read { db in
            try [
                "SELECT count(*) FROM mesocycles WHERE archived_by = ?",
                "SELECT count(*) FROM microcycles WHERE archived_by = ?",
                "SELECT count(*) FROM workouts WHERE archived_by = ?",
                "SELECT count(*) FROM messages WHERE kind = 'notice' AND ? IS NOT NULL",
                // The current view holds only new-format training, caused by the migration.
                "SELECT count(*) FROM mesocycles WHERE archived_by IS NULL AND (schema_version != 2 OR caused_by != ?)",
                "SELECT count(*) FROM mesocycles WHERE archived_by IS NULL AND caused_by = ?",
                "SELECT count(*) FROM workouts WHERE archived_by IS NULL AND ? IS NOT NULL",
                "SELECT count(*) FROM microcycles WHERE archived_by IS NULL AND days = '[]' AND ? IS NOT NULL",
            ].map { try Int.fetchOne(db, sql: $0, arguments: [migration]) ?? -1 }
        }
        #expect(counted == [3, 7, 8, 2, 0, 2, 0, 0], "the counts in MigrationApplied match the read-models")
        // The plan is read through the upcaster: every macrocycle's mesocycles, in order.
        let ana = try await engine.history(of: "u-ana")
        let plan = try #require(ana.plan)
        #expect(plan.mesocycles.map(\.name) == ["Accumulation", "Intensification", "Training Phase", "Peaking"])
        #expect(plan.mesocycles.map(\.weeks) == [4, 4, 2, 4])
        #expect(plan.mesocycles.map(\.focus) == [["volume", "technique"], ["intensity"], ["general"], ["performance"]])
        #expect(plan.mesocycles.map(\.deload) == [true, false, false, false])
        #expect(plan.macrocycleWeeks == 14)
        // This week, regenerated in the new format; the old weeks and workouts in the archive.
        let (week, weekPosition) = try #require(try ana.breakdown(0))
        #expect(week.microcycles.allSatisfy { $0.days.count == 7 })
        #expect(try ana.workout(on: LocalDate("2026-03-11")!) == nil, "the legacy workout left the current view")
        let archive = try await engine.archive(of: "u-ana")
        #expect(archive.filter { $0.kind == "workout" }.count == 5)
        #expect(archive.allSatisfy { $0.archivedBy == migration })
        // Audit names the migration as the cause; so does the CLI.
        #expect(try await engine.migrationCause(ofEventAt: weekPosition)?.hasPrefix("migration clean-slate \(migration)") == true)
        let audit = try PeriodizeBinary.run(["audit", "u-ana", "--db", folder.path("log.sqlite"), "--artefact", "week", "--date", "2026-03-11"])
        #expect(audit.stdout.contains("caused by: migration clean-slate \(migration) (MigrationApplied at position \(imported + 1))"), "\(audit.stdout)\(audit.stderr)")
        // The reset notice is queued by the migration; its delivery is caused by the queued notice.
        let stream = try await engine.store.readStream(Engine.clientStream("u-ana"))
        let notice = try #require(stream.last { $0.type == MessageQueued.eventType })
        #expect(notice.metadata.causationID?.uuidString.lowercased() == migration)
        #expect(try await engine.deliver().errors.isEmpty)
        let attempt = try #require(try await engine.store.readStream(Engine.clientStream("u-ana")).last { $0.type == DeliveryAttempted.eventType })
        #expect(attempt.metadata.causationID == notice.eventID)
        #expect(try await engine.verify().isValid)

        // A second run does nothing and says so.
        let head = try await engine.store.headPosition()
        let again = try await engine.migrateCleanSlate()
        #expect(again.alreadyApplied && again.completedNow == 0)
        #expect(try await engine.store.headPosition() == head)

        // Time travel to before the migration: the legacy world exactly as exported.
        let then = folder.path("then.sqlite")
        _ = try await engine.replay(until: .position(imported), into: then)
        let past = try await makeEngine(EngineConfiguration(path: then))
        try await Self.compareWithExport(past)
        try past.close()

        // Rollback: the pre-migration view returns; the migration's weeks are withdrawn.
        _ = try await engine.revertCleanSlate(reason: "coaches asked for the old weeks")
        let afterRevert = try await engine.database.read { db in
            try [
                Int.fetchOne(db, sql: "SELECT count(*) FROM mesocycles WHERE archived_by IS NULL"),
                Int.fetchOne(db, sql: "SELECT count(*) FROM mesocycles WHERE archived_by = ?", arguments: ["reverted:\(migration)"]),
                Int.fetchOne(db, sql: "SELECT count(*) FROM workouts WHERE archived_by IS NULL"),
            ]
        }
        #expect(afterRevert == [3, 2, 8])
        let reverted = try await engine.history(of: "u-ana")
        #expect(try reverted.breakdown(0)?.event.mesocycle.legacyId == "m-ana-0")
        #expect(try reverted.workout(on: LocalDate("2026-03-11")!)?.event.legacy?.id == "wo-ana-4")
        #expect(try await engine.verify().isValid)
        await #expect(throws: CoachingError.self) { try await engine.revertCleanSlate(reason: nil) }
        try await Self.compareWithExport(engine)

        // Applied again later: a new migration, which archives the imported training again.
        let second = try await engine.migrateCleanSlate()
        #expect(second.migrationID != migration && !second.alreadyApplied)
        #expect(second.regenerated == ["u-ana", "u-ben"])
        #expect(second.effects["mesocyclesArchived"] == 3, "the first migration's weeks stay withdrawn")
        #expect(try await engine.history(of: "u-ana").breakdown(0)?.event.mesocycle.legacyId == nil)
        #expect(try await engine.verify().isValid)
        try engine.close()

        let afterAudit = try PeriodizeBinary.run(["audit", "u-ben", "--db", folder.path("log.sqlite"), "--artefact", "week", "--date", "2026-03-11"])
        #expect(afterAudit.stdout.contains("caused by: migration clean-slate \(second.migrationID)"), "\(afterAudit.stdout)\(afterAudit.stderr)")
    }

    /// The read-models hold the legacy plans, mesocycles, weeks, workouts and messages field
    /// by field as the export has them.
    static func compareWithExport(_ engine: Engine) async throws {
        try await engine.database.read { db in
            let plans = try LegacyFixture.rows("fitnessPlans.jsonl")
            let mesocycles = try LegacyFixture.rows("mesocycles.jsonl")
            let weeks = try LegacyFixture.rows("microcycles.jsonl")
            let workouts = try LegacyFixture.rows("workoutInstances.jsonl")
            let messages = try LegacyFixture.rows("messages.jsonl")
            let users = try LegacyFixture.rows("users.jsonl")
            for plan in plans {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM fitness_plans WHERE plan_id = ?", arguments: [plan["id"] as! String]))
                let exported = plan["macrocycles"] is String ? LegacyFixture.json(plan["macrocycles"] as? String) : plan["macrocycles"] as? NSObject
                #expect(LegacyFixture.json(row["legacy_macrocycles"]) == exported, "\(plan["id"]!)")
                #expect(row["client_id"] as String == plan["clientId"] as! String)
                #expect(row["start_date"] as String == plan["startDate"] as! String)
                #expect(row["goal_statement"] as String? == plan["goalStatement"] as? String)
            }
            for mesocycle in mesocycles {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM mesocycles WHERE legacy_id = ?", arguments: [mesocycle["id"] as! String]))
                #expect(row["archived_by"] as String? == nil)
                #expect(row["mesocycle_index"] as Int == mesocycle["index"] as! Int)
                #expect(row["phase"] as String? == mesocycle["phase"] as? String)
                #expect(row["weeks"] as Int == mesocycle["lengthWeeks"] as! Int)
                #expect(row["start_date"] as String == mesocycle["startDate"] as! String)
                #expect(row["plan_id"] as String == mesocycle["fitnessPlanId"] as! String)
            }
            for week in weeks {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM microcycles WHERE legacy_id = ?", arguments: [week["id"] as! String]))
                #expect(row["archived_by"] as String? == nil)
                #expect(row["microcycle_index"] as Int == week["index"] as! Int)
                #expect(row["start_date"] as String == week["startDate"] as! String)
                #expect(row["end_date"] as String == week["endDate"] as! String)
                #expect(LegacyFixture.json(row["legacy_targets"]) == week["targets"] as? NSObject)
            }
            for workout in workouts {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM workouts WHERE legacy_id = ?", arguments: [workout["id"] as! String]))
                #expect(row["archived_by"] as String? == nil)
                #expect(row["client_id"] as String == workout["clientId"] as! String)
                #expect(row["workout_date"] as String == workout["date"] as! String)
                #expect(row["legacy_session_type"] as String? == workout["sessionType"] as? String)
                #expect(row["legacy_goal"] as String? == workout["goal"] as? String)
                // A null details column is the export's null.
                let details = workout["details"] is NSNull ? nil : workout["details"] as? NSObject
                #expect(LegacyFixture.json(row["legacy_details"]) == details, "\(workout["id"]!)")
            }
            for message in messages {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE message_id = ?", arguments: [message["id"] as! String]))
                #expect(row["body"] as String == message["content"] as! String)
                #expect(row["direction"] as String == message["direction"] as! String)
                #expect(row["client_id"] as String == message["userId"] as! String)
            }
            for user in users {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM clients WHERE client_id = ?", arguments: [user["id"] as! String]))
                #expect(row["name"] as String == user["name"] as! String)
                #expect(row["phone_number"] as String == user["phoneNumber"] as! String)
            }
        }
    }
}

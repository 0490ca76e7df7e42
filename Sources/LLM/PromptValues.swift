import Coaching
import Events
import Foundation

/// The values that fill the prompt templates: what the original's prompts carried (goal,
/// context, recent training, fitness profile) in plain words.
enum PromptValues {
    static func profile(_ client: ClientEnrolled) -> [String: String] {
        let profile = client.profile
        let injuries = profile.injuries.isEmpty ? "none"
            : profile.injuries.map { "\($0.area) (\($0.status.rawValue))\($0.notes.map { ": \($0)" } ?? "")" }.joined(separator: "; ")
        let equipment = profile.location == .commercialGym ? "a full commercial gym" : (profile.equipment.isEmpty ? "none (bodyweight)" : profile.equipment.joined(separator: ", "))
        return [
            "fitnessGoals": profile.fitnessGoals, "primaryGoal": profile.primaryGoal.rawValue, "skillLevel": profile.skillLevel.rawValue,
            "daysPerWeek": String(profile.daysPerWeek), "sessionMinutes": String(profile.sessionMinutes),
            "trainingDays": profile.trainingDays.sorted().map { Weekday(isoNumber: $0).rawValue }.joined(separator: ", "),
            "location": profile.location.rawValue, "equipment": equipment, "injuries": injuries,
            "travel": profile.travel ?? "none", "age": profile.age.map(String.init) ?? "not given", "gender": profile.gender ?? "not given",
        ]
    }

    static func considerations(_ client: ClientEnrolled, plan: PlanCreated?) -> String {
        var parts: [String] = []
        if let notes = plan?.notes, !notes.isEmpty { parts.append(notes) }
        let active = client.profile.injuries.filter { $0.status == .active }.map(\.area)
        if !active.isEmpty, plan?.notes == nil { parts.append("active injuries: \(active.joined(separator: ", "))") }
        if let travel = client.profile.travel, !travel.isEmpty, plan?.notes == nil { parts.append("travel: \(travel)") }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }

    static func plan(client: ClientEnrolled, weeks: Int) -> [String: String] {
        var values = profile(client)
        values["weeks"] = String(weeks)
        return values
    }

    static func mesocycle(plan: PlanCreated, index: Int, client: ClientEnrolled) -> [String: String] {
        let mesocycle = plan.mesocycles[index]
        var values = profile(client)
        values["programType"] = plan.programType.rawValue
        values["planWeeks"] = String(plan.macrocycleWeeks)
        values["mesocycleNumber"] = String(index + 1)
        values["mesocycleCount"] = String(plan.mesocycles.count)
        values["mesocycleName"] = mesocycle.name
        values["mesocycleWeeks"] = String(mesocycle.weeks)
        values["deloadNote"] = mesocycle.deload ? " (the last week is a deload)" : ""
        values["deloadRequirement"] = mesocycle.deload ? "; the last week is a deload: every training day light" : ""
        values["focus"] = mesocycle.focus.joined(separator: ", ")
        values["considerations"] = considerations(client, plan: plan)
        return values
    }

    static func workout(
        client: ClientEnrolled, plan: PlanCreated, mesocycle index: Int, scheduled: ScheduledDay, date: LocalDate,
        recent: [WorkoutGenerated], changes: WorkoutChanges = WorkoutChanges(), feedback: Feedback = Feedback()
    ) -> [String: String] {
        var values = profile(client)
        let mesocycle = plan.mesocycles.indices.contains(index) ? plan.mesocycles[index] : nil
        let firstWeek = plan.mesocycles.prefix(index).reduce(0) { $0 + $1.weeks }
        values["date"] = date.description
        values["weekday"] = Weekday(isoNumber: date.isoWeekday).rawValue
        values["theme"] = scheduled.day.theme
        values["load"] = scheduled.day.load?.rawValue ?? "rest"
        values["dayNotes"] = scheduled.day.notes ?? "none"
        values["programType"] = plan.programType.rawValue
        values["mesocycleName"] = mesocycle?.name ?? "unknown"
        values["weekOfMesocycle"] = String(scheduled.weekIndex - firstWeek + 1)
        values["mesocycleWeeks"] = String(mesocycle?.weeks ?? 0)
        values["deloadWeek"] = scheduled.isDeloadWeek ? " (deload week: half the sets, easier effort)" : ""
        values["focus"] = mesocycle?.focus.joined(separator: ", ") ?? "general fitness"
        values["considerations"] = considerations(client, plan: plan)
        values["recentTraining"] = recent.isEmpty ? "- none" : recent.map { workout in
            let items = workout.blocks.flatMap(\.items).filter { $0.type != .prep && $0.type != .cooldown }.map { item in
                item.exercise + (item.sets.map { s in " \(s)x\(item.reps?.description ?? "")" } ?? "")
            }
            return "- \(workout.date) \(workout.theme)\(workout.load.map { " (\($0.rawValue))" } ?? ""): \(items.joined(separator: ", "))"
        }.joined(separator: "\n")
        // What the client said of the days before, and asked of this one.
        let said = feedback.days.suffix(10).filter { $0.completed || $0.skipped }.map { day in
            var line = "- \(day.date)\(day.theme.map { " \($0)" } ?? "")\(day.load.map { " (\($0.rawValue))" } ?? ""): "
            if day.skipped { return line + "skipped" }
            line += "done"
            if let rpe = day.rpe { line += ", RPE \(rpe)" }
            if let feel = day.feel { line += ", felt \(feel)" }
            return line
        }
        values["feedback"] = said.isEmpty ? "- nothing said" : said.joined(separator: "\n")
            + (feedback.skippedWeeks >= 2 ? "\n- \(feedback.skippedWeeks) whole weeks skipped just before this one" : "")
        var asked = changes.asked
        if let minutes = changes.minutes { asked.append("the session within \(minutes) minutes") }
        values["asked"] = asked.isEmpty ? "nothing" : asked.joined(separator: "; ")
        if !changes.missing.isEmpty, let equipment = values["equipment"] {
            values["equipment"] = "\(equipment), but not today: \(changes.missing.sorted().joined(separator: ", "))"
        }
        return values
    }
}


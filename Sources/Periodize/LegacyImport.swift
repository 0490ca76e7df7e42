import EventLog
import Events
import Foundation

/// A line of the legacy export that cannot be imported: `FILE:LINE: reason`.
public struct LegacyImportError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let reason: String
    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}

/// What `import-legacy` read and appended.
public struct LegacyImportReport: Sendable, Equatable {
    public var clients = 0
    public var profiles = 0
    public var plans = 0
    public var mesocycles = 0
    public var weeks = 0
    public var workouts = 0
    public var messages = 0
    /// Events appended now.
    public var appended = 0
    /// Events that an earlier import of the same export already appended.
    public var alreadyStored = 0
}

/// Reads the legacy export (`../shared/legacy/FORMAT.md`: one JSON Lines file per table) and
/// turns it into version-1 events on each client's stream, with the original ids (event ids
/// derived from them) and times (as the events' own time).
struct LegacyExport: Sendable {
    struct User: Decodable, Sendable {
        var id: String, name: String, phoneNumber: String, email: String?, timezone: String
        var preferredSendHour: Int, isActive: Bool, createdAt: String
    }
    struct Profile: Decodable, Sendable {
        var userId: String, fitnessGoals: String, skillLevel: String, exerciseFrequency: RepCount, gender: String?, age: Int?
    }
    struct Mesocycle: Decodable, Sendable {
        var id: String, clientId: String, fitnessPlanId: String, index: Int, phase: String?, lengthWeeks: Int
        var startDate: LocalDate, createdAt: String
    }
    struct Microcycle: Decodable, Sendable {
        var id: String, clientId: String, fitnessPlanId: String, mesocycleId: String, index: Int
        var startDate: LocalDate, endDate: LocalDate, targets: JSONValue, createdAt: String
    }

    /// A parsed row and the line it came from.
    struct Row<T: Sendable>: Sendable {
        let value: T
        let line: Int
    }

    static let files: [(name: String, keys: Set<String>)] = [
        ("users.jsonl", ["id", "name", "phoneNumber", "email", "timezone", "preferredSendHour", "isActive", "createdAt"]),
        ("fitnessProfiles.jsonl", ["userId", "fitnessGoals", "skillLevel", "exerciseFrequency", "gender", "age"]),
        ("fitnessPlans.jsonl", ["id", "clientId", "programType", "goalStatement", "overview", "startDate", "createdAt", "updatedAt", "macrocycles"]),
        ("mesocycles.jsonl", ["id", "clientId", "fitnessPlanId", "index", "phase", "lengthWeeks", "startDate", "createdAt"]),
        ("microcycles.jsonl", ["id", "clientId", "fitnessPlanId", "mesocycleId", "index", "startDate", "endDate", "targets", "createdAt"]),
        ("workoutInstances.jsonl", ["id", "clientId", "fitnessPlanId", "mesocycleId", "microcycleId", "date", "sessionType", "goal", "details", "createdAt"]),
        ("messages.jsonl", ["id", "userId", "direction", "content", "createdAt"]),
    ]

    var users: [Row<User>] = []
    var profiles: [String: Row<Profile>] = [:]
    var plans: [Row<PlanCreatedV1>] = []
    var mesocycles: [Row<Mesocycle>] = []
    var microcycles: [Row<Microcycle>] = []
    var workouts: [Row<WorkoutGeneratedV1>] = []
    var messages: [Row<MessageSentV1>] = []

    /// A line decoded as `T` with exactly the file's fields (a field the file does not have,
    /// or one missing, is an error).
    struct Checked<T: Decodable>: Decodable {
        let value: T

        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let keys = decoder.userInfo[LegacyExport.fieldsKey] as! Set<String>
            let present = Set(try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue))
            if let unknown = present.subtracting(keys).sorted().first {
                throw FieldProblem(reason: "unknown field \(unknown) (a \(decoder.userInfo[LegacyExport.fileKey] as! String) line has \(keys.sorted().joined(separator: ", ")))")
            }
            // A plan may leave its macrocycles out: none.
            if let missing = keys.subtracting(present).subtracting(["macrocycles"]).sorted().first {
                throw FieldProblem(reason: "missing field \(missing)")
            }
            value = try T(from: decoder)
        }
    }

    struct FieldProblem: Error { let reason: String }
    static let fieldsKey = CodingUserInfoKey(rawValue: "fields")!
    static let fileKey = CodingUserInfoKey(rawValue: "file")!

    /// Decodes the lines of one file, split over the cores; the earliest bad line is the error.
    static func decode<T: Decodable & Sendable>(_ lines: [(number: Int, bytes: Data)], file: String, keys: Set<String>, as type: T.Type) async throws -> [Row<T>] {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, lines.count / 2000))
        let size = (lines.count + chunks - 1) / max(1, chunks)
        let parts = try await withThrowingTaskGroup(of: (Int, Result<[Row<T>], LegacyImportError>).self) { group in
            for chunk in 0..<chunks {
                let slice = Array(lines[min(lines.count, chunk * size)..<min(lines.count, (chunk + 1) * size)])
                group.addTask {
                    let decoder = JSONDecoder()
                    decoder.userInfo = [fieldsKey: keys, fileKey: String(file.dropLast(6))]
                    var rows: [Row<T>] = []
                    rows.reserveCapacity(slice.count)
                    for (number, bytes) in slice {
                        do {
                            rows.append(Row(value: try decoder.decode(Checked<T>.self, from: bytes).value, line: number))
                        } catch let problem as FieldProblem {
                            return (chunk, .failure(LegacyImportError(file: file, line: number, reason: problem.reason)))
                        } catch let error as DecodingError {
                            let root: Bool = switch error {
                            case .dataCorrupted(let context), .typeMismatch(_, let context): context.codingPath.isEmpty
                            default: false
                            }
                            let reason = root ? "not a JSON object" : EventCatalog.describe(error).replacingOccurrences(of: "payload: ", with: "")
                            return (chunk, .failure(LegacyImportError(file: file, line: number, reason: reason)))
                        } catch {
                            return (chunk, .failure(LegacyImportError(file: file, line: number, reason: "\(error)")))
                        }
                    }
                    return (chunk, .success(rows))
                }
            }
            var parts: [(Int, Result<[Row<T>], LegacyImportError>)] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }
        }
        var rows: [Row<T>] = []
        for (_, part) in parts {
            switch part {
            case .success(let some): rows += some
            case .failure(let error): throw error
            }
        }
        return rows
    }

    /// Reads and checks every file of `directory`; the first problem stops it.
    static func load(directory: String, progress: (@Sendable (String, Int) -> Void)? = nil) async throws -> LegacyExport {
        let folder = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LegacyImportError(file: directory, line: 0, reason: "not a folder holding a legacy export")
        }
        func read<T: Decodable & Sendable>(_ index: Int, _ type: T.Type) async throws -> [Row<T>] {
            let (name, keys) = Self.files[index]
            let path = folder.appendingPathComponent(name).path
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw LegacyImportError(file: name, line: 0, reason: "missing from \(directory) (an export has \(Self.files.map(\.name).joined(separator: ", ")))")
            }
            let lines = try LineReader(path: path).filter { !$0.bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
            let rows = try await decode(lines, file: name, keys: keys, as: type)
            progress?(name, rows.count)
            return rows
        }
        var export = LegacyExport()
        export.users = try await read(0, User.self)
        let profileRows = try await read(1, Profile.self)
        export.plans = try await read(2, PlanCreatedV1.self)
        export.mesocycles = try await read(3, Mesocycle.self)
        export.microcycles = try await read(4, Microcycle.self)
        export.workouts = try await read(5, WorkoutGeneratedV1.self)
        export.messages = try await read(6, MessageSentV1.self)
        try export.check(profileRows)
        return export
    }

    private init() {}

    /// Checks values and references across the files.
    mutating func check(_ profileRows: [Row<Profile>]) throws {
        let userByID = try Self.unique("users.jsonl", users, \.id)
        for row in users { try Self.check(row) }
        var references = References(users: userByID)
        try checkProfiles(profileRows, references)
        references.plans = try Self.unique("fitnessPlans.jsonl", plans, \.id)
        for row in plans {
            try references.client("fitnessPlans.jsonl", row.line, row.value.clientId)
            try Self.time("fitnessPlans.jsonl", row.line, row.value.createdAt)
        }
        references.mesocycles = try Self.unique("mesocycles.jsonl", mesocycles, \.id)
        for row in mesocycles {
            try references.client("mesocycles.jsonl", row.line, row.value.clientId)
            try references.plan("mesocycles.jsonl", row.line, row.value.fitnessPlanId, client: row.value.clientId)
            if row.value.lengthWeeks < 1 { throw LegacyImportError(file: "mesocycles.jsonl", line: row.line, reason: "lengthWeeks \(row.value.lengthWeeks) is not 1 or more") }
            try Self.time("mesocycles.jsonl", row.line, row.value.createdAt)
        }
        references.microcycles = try Self.unique("microcycles.jsonl", microcycles, \.id)
        for row in microcycles { try references.check(row) }
        _ = try Self.unique("workoutInstances.jsonl", workouts, \.id)
        for row in workouts { try references.check(row) }
        _ = try Self.unique("messages.jsonl", messages, \.id)
        for row in messages {
            try references.client("messages.jsonl", row.line, row.value.userId, field: "userId")
            try Self.time("messages.jsonl", row.line, row.value.createdAt)
        }
    }

    /// Rows by id; a second row with an id already seen is an error naming both lines.
    static func unique<T>(_ file: String, _ rows: [Row<T>], _ id: (T) -> String) throws -> [String: Row<T>] {
        var seen: [String: Row<T>] = [:]
        for row in rows {
            let key = id(row.value)
            if let first = seen[key] {
                throw LegacyImportError(file: file, line: row.line, reason: "duplicate id \(key) (first on line \(first.line))")
            }
            seen[key] = row
        }
        return seen
    }

    static func time(_ file: String, _ line: Int, _ text: String, field: String = "createdAt") throws {
        if Timestamp(iso8601: text) == nil { throw LegacyImportError(file: file, line: line, reason: "\(field) \(text) is not an ISO 8601 time") }
    }

    /// A user's own fields: id, E.164 phone, IANA time zone, send hour, creation time.
    static func check(_ row: Row<User>) throws {
        let user = row.value
        func fail(_ reason: String) -> LegacyImportError { LegacyImportError(file: "users.jsonl", line: row.line, reason: reason) }
        if user.id.isEmpty { throw fail("id is empty") }
        if user.phoneNumber.wholeMatch(of: /\+[1-9][0-9]{7,14}/) == nil { throw fail("phoneNumber \(user.phoneNumber) is not E.164 (+ and 8 to 15 digits)") }
        if TimeZone(identifier: user.timezone) == nil { throw fail("timezone \(user.timezone) is not an IANA time zone") }
        if !(0...23).contains(user.preferredSendHour) { throw fail("preferredSendHour \(user.preferredSendHour) is not 0-23") }
        if Timestamp(iso8601: user.createdAt) == nil { throw fail("createdAt \(user.createdAt) is not an ISO 8601 time") }
    }

    /// One profile per known client, with a known skill level.
    mutating func checkProfiles(_ profileRows: [Row<Profile>], _ references: References) throws {
        for row in profileRows {
            try references.client("fitnessProfiles.jsonl", row.line, row.value.userId, field: "userId")
            if let first = profiles[row.value.userId] {
                throw LegacyImportError(file: "fitnessProfiles.jsonl", line: row.line, reason: "a second profile for client \(row.value.userId) (first on line \(first.line))")
            }
            if SkillLevel(rawValue: row.value.skillLevel.lowercased()) == nil {
                throw LegacyImportError(file: "fitnessProfiles.jsonl", line: row.line, reason: "skillLevel \(row.value.skillLevel) is not beginner, intermediate or advanced")
            }
            profiles[row.value.userId] = row
        }
    }

    /// What rows of later files may refer to, by id.
    struct References {
        let users: [String: Row<User>]
        var plans: [String: Row<PlanCreatedV1>] = [:]
        var mesocycles: [String: Row<Mesocycle>] = [:]
        var microcycles: [String: Row<Microcycle>] = [:]

        func client(_ file: String, _ line: Int, _ id: String, field: String = "clientId") throws {
            if users[id] == nil { throw LegacyImportError(file: file, line: line, reason: "\(field) \(id) is not a client in users.jsonl") }
        }

        func plan(_ file: String, _ line: Int, _ id: String, client clientID: String) throws {
            guard let plan = plans[id] else { throw LegacyImportError(file: file, line: line, reason: "fitnessPlanId \(id) is not a plan in fitnessPlans.jsonl") }
            if plan.value.clientId != clientID {
                throw LegacyImportError(file: file, line: line, reason: "fitnessPlanId \(id) belongs to client \(plan.value.clientId), not \(clientID)")
            }
        }

        /// A week: its client, plan and mesocycle exist and agree; it does not end before it starts.
        func check(_ row: Row<Microcycle>) throws {
            let week = row.value
            try client("microcycles.jsonl", row.line, week.clientId)
            try plan("microcycles.jsonl", row.line, week.fitnessPlanId, client: week.clientId)
            guard let mesocycle = mesocycles[week.mesocycleId], mesocycle.value.fitnessPlanId == week.fitnessPlanId else {
                throw LegacyImportError(file: "microcycles.jsonl", line: row.line, reason: "mesocycleId \(week.mesocycleId) is not a mesocycle of plan \(week.fitnessPlanId)")
            }
            if week.endDate < week.startDate { throw LegacyImportError(file: "microcycles.jsonl", line: row.line, reason: "endDate \(week.endDate) is before startDate \(week.startDate)") }
            try LegacyExport.time("microcycles.jsonl", row.line, week.createdAt)
        }

        /// A workout: its client exists, and its plan, mesocycle and week where it names them.
        func check(_ row: Row<WorkoutGeneratedV1>) throws {
            let workout = row.value
            try client("workoutInstances.jsonl", row.line, workout.clientId)
            if let id = workout.fitnessPlanId { try plan("workoutInstances.jsonl", row.line, id, client: workout.clientId) }
            if let id = workout.mesocycleId, mesocycles[id] == nil {
                throw LegacyImportError(file: "workoutInstances.jsonl", line: row.line, reason: "mesocycleId \(id) is not a mesocycle in mesocycles.jsonl")
            }
            if let id = workout.microcycleId, microcycles[id] == nil {
                throw LegacyImportError(file: "workoutInstances.jsonl", line: row.line, reason: "microcycleId \(id) is not a week in microcycles.jsonl")
            }
            try LegacyExport.time("workoutInstances.jsonl", row.line, workout.createdAt)
        }
    }

    /// Each client's version-1 events, in the order the original built them: the client, its
    /// plans, their mesocycles (with their weeks), the workouts by date, the messages by time.
    func streams(of range: Range<Int>, _ newEvent: (any LegacyEventPayload, UUID, String) throws -> NewEvent) throws -> [(stream: String, events: [NewEvent])] {
        func id(_ table: String, _ key: String) -> UUID { Engine.nameBasedID("legacy|\(table)|\(key)") }
        var plansBy: [String: [PlanCreatedV1]] = [:]
        for row in plans { plansBy[row.value.clientId, default: []].append(row.value) }
        var weeksBy: [String: [Microcycle]] = [:]
        for row in microcycles { weeksBy[row.value.mesocycleId, default: []].append(row.value) }
        var mesocyclesBy: [String: [Mesocycle]] = [:]
        for row in mesocycles { mesocyclesBy[row.value.fitnessPlanId, default: []].append(row.value) }
        var workoutsBy: [String: [WorkoutGeneratedV1]] = [:]
        for row in workouts { workoutsBy[row.value.clientId, default: []].append(row.value) }
        var messagesBy: [String: [MessageSentV1]] = [:]
        for row in messages { messagesBy[row.value.userId, default: []].append(row.value) }

        return try users[range].map { row in
            let user = row.value
            var events: [NewEvent] = []
            let profile = profiles[user.id]?.value
            let enrolled = ClientEnrolledV1(
                id: user.id, name: user.name, phoneNumber: user.phoneNumber, email: user.email, timezone: user.timezone,
                preferredSendHour: user.preferredSendHour, isActive: user.isActive, createdAt: user.createdAt,
                profile: profile.map { .init(fitnessGoals: $0.fitnessGoals, skillLevel: $0.skillLevel, exerciseFrequency: $0.exerciseFrequency, gender: $0.gender, age: $0.age) },
                units: ClientEnrolledV1.units(phoneNumber: user.phoneNumber))
            events.append(try newEvent(enrolled, id("users", user.id), user.createdAt))
            for plan in (plansBy[user.id] ?? []).sorted(by: { $0.createdAt < $1.createdAt }) {
                events.append(try newEvent(plan, id("fitnessPlans", plan.id), plan.createdAt))
                for mesocycle in (mesocyclesBy[plan.id] ?? []).sorted(by: { $0.index < $1.index }) {
                    let weeks = (weeksBy[mesocycle.id] ?? []).sorted { $0.index < $1.index }.map {
                        MesocycleBrokenV1.Week(id: $0.id, index: $0.index, startDate: $0.startDate, endDate: $0.endDate, targets: $0.targets, createdAt: $0.createdAt)
                    }
                    let broken = MesocycleBrokenV1(
                        id: mesocycle.id, clientId: mesocycle.clientId, fitnessPlanId: mesocycle.fitnessPlanId, index: mesocycle.index,
                        phase: mesocycle.phase, lengthWeeks: mesocycle.lengthWeeks, startDate: mesocycle.startDate,
                        createdAt: mesocycle.createdAt, microcycles: weeks)
                    events.append(try newEvent(broken, id("mesocycles", mesocycle.id), mesocycle.createdAt))
                }
            }
            for workout in (workoutsBy[user.id] ?? []).sorted(by: { ($0.date, $0.createdAt) < ($1.date, $1.createdAt) }) {
                events.append(try newEvent(workout, id("workoutInstances", workout.id), workout.createdAt))
            }
            for message in (messagesBy[user.id] ?? []).sorted(by: { $0.createdAt < $1.createdAt }) {
                events.append(try newEvent(message, id("messages", message.id), message.createdAt))
            }
            return (Engine.clientStream(user.id), events)
        }
    }
}

extension Engine {
    /// Imports the legacy export in `directory` as version-1 events, all or nothing: a
    /// malformed line, a reference to something that does not exist or a duplicate id stops it
    /// with `FILE:LINE: reason` and appends nothing. Importing the same export again appends
    /// nothing.
    public func importLegacy(directory: String, progress: (@Sendable (String, Int) -> Void)? = nil) async throws -> LegacyImportReport {
        let export = try await LegacyExport.load(directory: directory, progress: progress)
        // Encoding (and upcasting for the read-models) is split over the cores.
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, export.users.count / 500))
        let size = (export.users.count + chunks - 1) / chunks
        let streams = try await withThrowingTaskGroup(of: (Int, [(stream: String, events: [NewEvent])]).self) { group in
            for chunk in 0..<chunks {
                let range = min(export.users.count, chunk * size)..<min(export.users.count, (chunk + 1) * size)
                group.addTask {
                    (chunk, try export.streams(of: range) { payload, id, createdAt in
                        try self.legacyEvent(payload, id: id, occurredAt: Timestamp(iso8601: createdAt))
                    })
                }
            }
            var parts: [(Int, [(stream: String, events: [NewEvent])])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
        var report = LegacyImportReport(
            clients: export.users.count, profiles: export.profiles.count, plans: export.plans.count, mesocycles: export.mesocycles.count,
            weeks: export.microcycles.count, workouts: export.workouts.count, messages: export.messages.count)
        let before = try await store.headPosition()
        // An erased client's history was imported before; it is not imported again.
        let importing = try streams.filter { stream in
            try !(vault?.isErased(owner: String(stream.stream.dropFirst("client-".count))) ?? false)
        }
        try await store.appendAll(importing.map { (stream: $0.stream, events: $0.events, expected: ExpectedVersion.any) })
        report.appended = Int(try await store.headPosition() - before)
        report.alreadyStored = streams.reduce(0) { $0 + $1.events.count } - report.appended
        return report
    }

    /// An envelope-to-be for a legacy payload, at its version 1, with its upcast bytes for
    /// the inline read-models.
    func legacyEvent<P: LegacyEventPayload>(_ payload: P, id: UUID, occurredAt: Timestamp?) throws -> NewEvent {
        let encoded = try EventCatalog.encode(legacy: payload)
        return NewEvent(eventID: id, type: encoded.type, schemaVersion: encoded.schemaVersion, payload: encoded.payload,
                        occurredAt: occurredAt, actor: EventActor.importLegacy.rawValue, currentPayload: try EventCoding.encode(payload.upcast()))
    }
}

import Coaching
import EventLog
import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Synchronization
import Testing
import TestSupport

/// The configured coach, with another writer let in while it decides: `meanwhile` runs before
/// the coach answers (with the call's name: plan, breakdown, workout), and `prompts` are added
/// to what it says it sent.
struct InterruptedCoach: Coach {
    let inner: any Coach
    let meanwhile: @Sendable (String) async throws -> Void
    var prompts: [PromptRecorded] = []
    var concurrency: Int { inner.concurrency }

    func plan(_ request: PlanRequest) async throws -> Coached<PlanCreated> {
        try await meanwhile("plan")
        var coached = try await inner.plan(request)
        coached.prompts += prompts
        return coached
    }

    func breakdown(_ request: BreakdownRequest) async throws -> Coached<MesocycleBroken> {
        try await meanwhile("breakdown")
        var coached = try await inner.breakdown(request)
        coached.prompts += prompts
        return coached
    }

    func workout(_ request: WorkoutRequest) async throws -> Coached<WorkoutGenerated?> {
        try await meanwhile("workout")
        return try await inner.workout(request)
    }

    func message(_ request: MessageRequest) async throws -> Coached<CoachedMessage>? { try await inner.message(request) }
}

/// What a use case does when another writer appends to the client's stream while it decides:
/// a use case of several appends finishes once its first is stored; one based on a version
/// (`If-Match`) is refused with nothing stored, its prompts included.
@Suite("Writes that race another writer")
struct ConflictTests {
    /// An engine over a new log whose coach lets `meanwhile` in; `interrupt` says when.
    final class Race: Sendable {
        /// The calls (plan, breakdown) during which another writer appends, once each.
        final class Interrupts: Sendable {
            private let calls = Mutex<Set<String>>([])
            func withLock(_ body: (inout Set<String>) -> Void) { calls.withLock { body(&$0) } }
            func take(_ call: String) -> Bool { calls.withLock { $0.remove(call) != nil } }
        }
        final class EngineHolder: Sendable {
            let engine = Mutex<Engine?>(nil)
        }

        let folder = TemporaryDirectory("conflict")
        let engine: Engine
        let interrupt = Interrupts()
        /// The calls (plan, breakdown) that fail, once each (a model that did not answer).
        let failure = Interrupts()

        init(prompts: [PromptRecorded] = []) async throws {
            let (interrupt, failure) = (interrupt, failure)
            let holder = EngineHolder()
            var configuration = EngineConfiguration(path: folder.path("log.sqlite"), durability: .normal, clock: { Date(timeIntervalSince1970: 1_773_100_000) })
            configuration.wrapCoach = { inner in
                InterruptedCoach(inner: inner, meanwhile: { call in
                    if failure.take(call) { throw CoachingError(.conflict, "the coach did not answer (\(call))") }
                    guard interrupt.take(call), let engine = holder.engine.withLock({ $0 }) else { return }
                    // Another writer: the client's send hour changed under the decision.
                    let hour = try await engine.history(of: "c1").client!.preferredSendHour
                    try await engine.updateClient(ClientUpdated(clientId: "c1", preferredSendHour: (hour + 1) % 24))
                }, prompts: prompts)
            }
            engine = try await makeEngine(configuration)
            holder.engine.withLock { $0 = engine }
            try await engine.enroll(enrollment("c1", zone: "UTC"))
        }

        func types() async throws -> [String] { try await engine.store.readStream(Engine.clientStream("c1"), from: 1).map(\.type) }
    }

    @Test("a plan whose breakdown meets another writer's append still gets its weeks: the plan is not left without them")
    func planThenBreakdown() async throws {
        let race = try await Race()
        defer { try? race.engine.close() }
        race.interrupt.withLock { $0 = ["breakdown"] }
        let plan = try await race.engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await race.types() == ["ClientEnrolled", "PlanCreated", "ClientUpdated", "MesocycleBroken"])
        #expect(try await race.engine.history(of: "c1").plan?.planId == plan.planId)
        #expect(try await race.engine.history(of: "c1").brokenDownMesocycles == [0])
    }

    @Test("new training days whose breakdown meets another writer's append: the update and the weeks for the new days both stand")
    func updateThenBreakdown() async throws {
        let race = try await Race()
        defer { try? race.engine.close() }
        try await race.engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        race.interrupt.withLock { $0 = ["breakdown"] }
        var profile = try #require(try await race.engine.history(of: "c1").client).profile
        profile.trainingDays = [2, 4, 6]
        profile.daysPerWeek = 3
        _ = try await race.engine.updateClient(ClientUpdated(clientId: "c1", profile: profile))
        let types = try await race.types()
        #expect(Array(types.suffix(3)) == ["ClientUpdated", "ClientUpdated", "MesocycleBroken"])
        let state = try await race.engine.history(of: "c1")
        #expect(state.client?.profile.trainingDays == [2, 4, 6])
        let (index, _) = try #require(state.mesocycle(containing: LocalDate("2026-03-10")!))
        let week = try #require(try state.breakdown(index)?.event.microcycles.first)
        #expect(week.days.filter { $0.load != nil }.map(\.day.isoNumber).sorted() == [2, 4, 6])
    }

    @Test("a plan based on a version that another writer moved while the coach decided: refused, and neither the plan nor its prompt is stored")
    func basedOnAVersion() async throws {
        let prompt = PromptRecorded(hash: String(repeating: "a", count: 64), template: "plan-v1", system: "You are a coach.", user: "Plan for Dana.")
        let race = try await Race(prompts: [prompt])
        defer { try? race.engine.close() }
        race.interrupt.withLock { $0 = ["plan"] }
        let version = try await race.engine.history(of: "c1").version
        do {
            try await Engine.$request.withValue(RequestContext(principal: "api:ops", expectedVersion: version)) {
                _ = try await race.engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
            }
            Issue.record("the plan was made on a stream that moved")
        } catch let error as CoachingError {
            #expect(error.code == .preconditionFailed)
            #expect(error.field == "If-Match")
        }
        #expect(try await race.types() == ["ClientEnrolled", "ClientUpdated"])
        // Without a version the same race is no refusal: the plan is decided again on what is
        // there now, and stored with its prompt, once.
        race.interrupt.withLock { $0 = ["plan"] }
        try await race.engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        #expect(try await race.types() == ["ClientEnrolled", "ClientUpdated", "ClientUpdated", "PromptRecorded", "PlanCreated", "MesocycleBroken"])
        #expect(try await race.engine.prompt(hash: prompt.hash, clientID: "c1")?.user == "Plan for Dana.")
    }

    @Test("an erasure based on a version that another writer moved: refused, nothing erased, and no erasure left to finish")
    func erasureBasedOnAVersion() async throws {
        let folder = TemporaryDirectory("erase-race")
        let path = folder.path("log.sqlite")
        let holder = Race.EngineHolder()
        let once = Race.Interrupts()
        once.withLock { $0 = ["erase"] }
        var configuration = EngineConfiguration(path: path, durability: .normal)
        configuration.faults = DeliveryFaults(beforeErasureRecorded: { client in
            guard once.take("erase"), let engine = holder.engine.withLock({ $0 }) else { return }
            try? await engine.updateClient(ClientUpdated(clientId: client, preferredSendHour: 9))
        })
        do {
            let engine = try await makeEngine(configuration)
            defer { try? engine.close() }
            holder.engine.withLock { $0 = engine }
            try await engine.enroll(enrollment("c1", zone: "UTC"))
            let version = try await engine.history(of: "c1").version
            do {
                _ = try await Engine.$request.withValue(RequestContext(principal: "api:ops", expectedVersion: version)) {
                    try await engine.erase(clientID: "c1", reason: "ticket 7")
                }
                Issue.record("the erasure went ahead on a stream that moved")
            } catch let error as CoachingError {
                #expect(error.code == .preconditionFailed)
            }
            let state = try await engine.history(of: "c1")
            #expect(state.erasure == nil)
            #expect(state.client?.name == "Avery Chen", "the personal fields read: the key is live")
            #expect(try engine.vault?.keys.pendingErasures().isEmpty == true)
            #expect(try engine.vault?.keys.isErased(owner: "c1") == false)
        }
        // Opened again, nothing is finished behind the operator's back.
        let reopened = try await makeEngine(EngineConfiguration(path: path, durability: .normal))
        defer { try? reopened.close() }
        #expect(try await reopened.history(of: "c1").erasure == nil)
        // Based on the version now, it goes ahead.
        let now = try await reopened.history(of: "c1").version
        let report = try await Engine.$request.withValue(RequestContext(principal: "api:ops", expectedVersion: now)) {
            try await reopened.erase(clientID: "c1", reason: "ticket 7")
        }
        #expect(report.alreadyErased == false)
    }

    @Test("a change made from the client as the decision reads them: another writer's injury, stored meanwhile, is kept beside this one")
    func changeOnTheStoredClient() async throws {
        let race = try await Race()
        defer { try? race.engine.close() }
        let engine = race.engine
        let calls = Race.Interrupts()
        calls.withLock { $0 = ["first"] }
        let changed = try await engine.updateClient("c1") { current in
            if calls.take("first") {
                // Another writer, between this decision's read and its append.
                var other = current.profile
                other.injuries.append(Injury(area: "knee", status: .active))
                try await engine.updateClient(ClientUpdated(clientId: "c1", profile: other))
            }
            var profile = current.profile
            profile.injuries.append(Injury(area: "shoulder", status: .active))
            return ClientUpdated(clientId: "c1", profile: profile)
        }
        #expect(changed.profile.injuries.map(\.area) == ["knee", "shoulder"])
        #expect(try await engine.history(of: "c1").client?.profile.injuries.map(\.area) == ["knee", "shoulder"])
    }

    @Test("the version a request's use case ended on is the one it wrote, not one another writer moved on after")
    func versionWritten() async throws {
        let race = try await Race()
        defer { try? race.engine.close() }
        race.interrupt.withLock { $0 = ["breakdown"] }
        let request = RequestContext(principal: "api:ops")
        try await Engine.$request.withValue(request) {
            _ = try await race.engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        }
        // Enrolled, planned, another writer's update, the weeks: version 4.
        #expect(request.versions.version(of: "c1") == 4)
        try await race.engine.updateClient(ClientUpdated(clientId: "c1", preferredSendHour: 9))
        #expect(try await race.engine.history(of: "c1").version == 5)
        #expect(request.versions.version(of: "c1") == 4)
    }

    @Test("new training days whose breakdown failed after the update was stored: the same update again breaks the weeks down for them")
    func updateAgainAfterAFailedBreakdown() async throws {
        let race = try await Race()
        defer { try? race.engine.close() }
        try await race.engine.createPlan(clientID: "c1", start: LocalDate("2026-03-09"))
        var profile = try #require(try await race.engine.history(of: "c1").client).profile
        profile.trainingDays = [2, 4, 6]
        profile.daysPerWeek = 3
        race.failure.withLock { $0 = ["breakdown"] }
        await #expect(throws: CoachingError.self) { _ = try await race.engine.updateClient(ClientUpdated(clientId: "c1", profile: profile)) }
        #expect(try await race.types().suffix(2) == ["MesocycleBroken", "ClientUpdated"], "the update is stored, its weeks are not")
        // The operator sends it again: the days are already the client's, the weeks are of the old ones.
        _ = try await race.engine.updateClient(ClientUpdated(clientId: "c1", profile: profile))
        #expect(try await race.types().suffix(3) == ["ClientUpdated", "ClientUpdated", "MesocycleBroken"])
        let state = try await race.engine.history(of: "c1")
        let (index, _) = try #require(state.mesocycle(containing: LocalDate("2026-03-10")!))
        let week = try #require(try state.breakdown(index)?.event.microcycles.first)
        #expect(week.days.filter { $0.load != nil }.map(\.day.isoNumber).sorted() == [2, 4, 6])
        // And once more: the weeks are of these days now, nothing is broken down again.
        _ = try await race.engine.updateClient(ClientUpdated(clientId: "c1", profile: profile))
        #expect(try await race.types().suffix(2) == ["MesocycleBroken", "ClientUpdated"])
    }
}

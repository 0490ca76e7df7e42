import Coaching
import EventLog
import Events
import Foundation
import Periodize
import Testing
import TestSupport

/// Domain errors carry codes a program can map (exit codes, HTTP statuses) without reading
/// their messages; nothing is appended when one is thrown.
@Suite("Error codes")
struct ErrorCodeTests {
    func code(_ body: () async throws -> Void) async -> CoachingError.Code? {
        do {
            try await body()
            return nil
        } catch let error as CoachingError {
            return error.code
        } catch {
            Issue.record("not a CoachingError: \(error)")
            return nil
        }
    }

    @Test func eachRefusalHasItsCodeAndAppendsNothing() async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(date("2026-03-11T15:00:00Z")))
        defer { try? engine.close() }
        #expect(await code { _ = try await engine.createPlan(clientID: "nobody") } == .unknownClient)
        #expect(await code { _ = try await engine.sendDaily(clientID: "nobody") } == .unknownClient)
        try await engine.enroll(enrollment("c1"))
        #expect(await code { try await engine.enroll(enrollment("c1")) } == .alreadyEnrolled)
        #expect(await code { _ = try await engine.dailyWorkout(clientID: "c1") } == .noPlan)
        #expect(await code { _ = try await engine.createPlan(clientID: "c1", weeks: 2) } == .invalidInput)
        #expect(try await engine.store.headPosition() == 1)
        try await engine.createPlan(clientID: "c1", start: LocalDate("2026-03-11")!)
        let head = try await engine.store.headPosition()
        #expect(await code { _ = try await engine.dailyWorkout(clientID: "c1", date: LocalDate("2027-01-01")!) } == .outsidePlan)
        #expect(await code { _ = try await engine.revertCleanSlate(reason: nil) } == .nothingToDo)
        #expect(try await engine.store.headPosition() == head)
    }

    @Test func anInvalidInputNamesItsField() async throws {
        let folder = TemporaryDirectory()
        let engine = try await engine(folder, clock: ManualClock(Date()))
        defer { try? engine.close() }
        let cases: [(Enrollment, String)] = [
            ({ var e = enrollment("a"); e.phoneNumber = "555"; return e }(), "phoneNumber"),
            ({ var e = enrollment("b"); e.timezone = "Nowhere/Land"; return e }(), "timezone"),
            ({ var e = enrollment("c"); e.preferredSendHour = 24; return e }(), "preferredSendHour"),
            ({ var e = enrollment("d"); e.profile.sessionMinutes = 5; return e }(), "profile.sessionMinutes"),
        ]
        for (bad, field) in cases {
            do {
                try await engine.enroll(bad)
                Issue.record("\(field): should refuse")
            } catch let error as CoachingError {
                #expect(error.code == .invalidInput)
                #expect(error.field == field, "\(error)")
            }
        }
        #expect(try await engine.store.headPosition() == 0)
    }
}

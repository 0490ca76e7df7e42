import Events
import Foundation
import Testing

@Suite("Catalog value rules")
struct CatalogRuleTests {
    @Test func localDatesParseStrictlyAndDoDayArithmetic() throws {
        let date = try #require(LocalDate("2024-02-28"))
        #expect(date.adding(days: 1).description == "2024-02-29")
        #expect(date.adding(days: 2).description == "2024-03-01")
        #expect(LocalDate("2023-02-29") == nil)
        #expect(LocalDate("2026-3-9") == nil)
        #expect(LocalDate("09/03/2026") == nil)
        #expect(LocalDate("1970-01-01")?.dayNumber == 0)
        #expect(LocalDate(dayNumber: -1).description == "1969-12-31")
        #expect(LocalDate("2026-03-09")?.isoWeekday == 1)  // a Monday
        #expect(LocalDate("2026-03-08")?.isoWeekday == 7)  // a Sunday
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
        #expect(try JSONDecoder().decode([LocalDate].self, from: Data(#"["2026-11-25"]"#.utf8)) == [LocalDate(year: 2026, month: 11, day: 25)!])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2026-11-31"]"#.utf8)) }
    }

    @Test(arguments: ["MONDAY", "Mon", "mon", "monday", "MON", " Monday "])
    func dayNamesAcceptBothFormsAndStoreOne(_ name: String) throws {
        let decoded = try JSONDecoder().decode([Weekday].self, from: Data(#"["\#(name)"]"#.utf8))
        #expect(decoded == [.monday])
        #expect(String(decoding: try EventCoding.encode(decoded), as: UTF8.self) == #"["MONDAY"]"#)
    }

    @Test(arguments: ["Mo", "Mond", "Funday", ""])
    func otherDayNamesAreRejected(_ name: String) {
        #expect(Weekday(name: name) == nil)
    }

    @Test func legacyPlansConvertEveryMacrocycleWithTheDocumentedDefaults() throws {
        let json = #"""
            {"id": "p", "clientId": "c", "programType": "Strength", "goalStatement": null, "overview": null, "startDate": "2025-06-06",
             "createdAt": "x", "updatedAt": "y", "macrocycles": [
               {"name": "A", "mesocycles": [{"phase": "Accumulation Block", "weeks": 5, "microcycleOverviews": [{"index": 0}]},
                                            {"microcycleOverviews": [{"index": 0, "deload": false}, {"index": 1, "deload": true}]}]},
               {"name": "B", "description": "d", "durationWeeks": 3, "mesocycles": [{"phase": "intensification", "weeks": 3, "microcycleOverviews": []},
                                                                                   {"phase": "Peaking", "weeks": 2, "microcycleOverviews": []},
                                                                                   {"phase": "Hypertrophy", "weeks": 6, "microcycleOverviews": []}]}]}
            """#
        let plan = try JSONDecoder().decode(PlanCreatedV1.self, from: Data(json.utf8)).upcast()
        #expect(plan.mesocycles.map(\.name) == ["Accumulation Block", "Training Phase", "intensification", "Peaking", "Hypertrophy"])
        #expect(plan.mesocycles.map(\.weeks) == [5, 4, 3, 2, 6])
        #expect(plan.mesocycles.map(\.focus) == [["volume", "technique"], ["general"], ["intensity"], ["performance"], ["general"]])
        #expect(plan.mesocycles.map(\.deload) == [false, true, false, false, false])
        #expect(plan.macrocycleWeeks == 20)
        #expect(plan.programType == .strength)
        #expect(plan.legacy?.macrocycles.count == 2)
    }

    @Test(arguments: [#""macrocycles": []"#, #""macrocycles": null"#, #""macrocycles": "[]""#, ""])
    func aPlanWithNoMacrocyclesHasNoMesocycles(_ field: String) throws {
        let json = #"{"id": "p", "clientId": "c", "programType": "yoga", "startDate": "2025-06-06", "createdAt": "x", "updatedAt": "y""# + (field.isEmpty ? "" : ", " + field) + "}"
        let plan = try JSONDecoder().decode(PlanCreatedV1.self, from: Data(json.utf8)).upcast()
        #expect(plan.mesocycles.isEmpty)
        #expect(plan.macrocycleWeeks == 0)
        #expect(plan.programType == .other)
    }

    @Test func macrocyclesInAStringThatIsNotJSONAreAnError() {
        let json = #"{"id": "p", "clientId": "c", "programType": "hybrid", "startDate": "2025-06-06", "createdAt": "x", "updatedAt": "y", "macrocycles": "[{oops"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PlanCreatedV1.self, from: Data(json.utf8)) }
    }

    @Test func freeFormJSONRoundTripsWithIntegersKept() throws {
        let text = #"{"a":[1,2.5,"x",null,true,{"b":-3}],"c":{}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(String(decoding: try EventCoding.encode(value), as: UTF8.self) == text)
    }

    @Test func legacyFrequenciesBecomeDaysPerWeek() throws {
        func days(_ frequency: String) throws -> Int {
            let json = #"{"id": "u", "name": "n", "phoneNumber": "+4471234", "email": null, "timezone": "Europe/London", "preferredSendHour": 8, "isActive": false, "createdAt": "x", "profile": {"fitnessGoals": "Lose weight", "skillLevel": "ADVANCED", "exerciseFrequency": \#(frequency), "gender": null, "age": null}}"#
            let client = try JSONDecoder().decode(ClientEnrolledV1.self, from: Data(json.utf8)).upcast()
            #expect(client.profile.trainingDays.count == client.profile.daysPerWeek)
            #expect(client.profile.skillLevel == .advanced)
            #expect(client.profile.primaryGoal == .fatLoss)
            #expect(client.units == .metric)
            #expect(!client.isActive)
            return client.profile.daysPerWeek
        }
        #expect(try days("2") == 2)
        #expect(try days(#""3-4""#) == 3)
        #expect(try days("9") == 7)
        #expect(try days(#""often""#) == 3)
    }
}

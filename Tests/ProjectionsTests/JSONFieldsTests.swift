import Foundation
import Projections
import ReadModelsSQLite
import Testing

@Suite("JSON field scanner")
struct JSONFieldsTests {
    func scan(_ text: String) throws -> JSONFields {
        try #require(JSONFields(Array(text.utf8)))
    }

    @Test func readsScalarsNestedObjectsArraysAndRawJSON() throws {
        let j = try scan(#"""
            { "a": "plain", "b": -42, "c": 2.5, "d": true, "e": false, "f": null,
              "g": {"h": "nested", "i": [1, {"j": "}"}]}, "k": [{"x": 1}, {"x": 2}], "l": [] }
            """#)
        #expect(j.string("a") == "plain")
        #expect(j.int("b") == -42)
        #expect(j.double("c") == 2.5)
        #expect(j.int("c") == nil)
        #expect(j.bool("d") == true)
        #expect(j.bool("e") == false)
        #expect(j.string("f") == nil)
        #expect(j.json("f") == nil)
        #expect(j.string("missing") == nil)
        #expect(j.object("g")?.string("h") == "nested")
        #expect(j.object("g")?.json("i") == #"[1, {"j": "}"}]"#)
        #expect(j.objects("k")?.map { $0.int("x") } == [1, 2])
        #expect(j.objects("l")?.count == 0)
        #expect(j.objects("a") == nil)
    }

    @Test func unescapesStrings() throws {
        let j = try scan(#"{"q":"say \"hi\"\\now","u":"caf\u00e9 \ud83d\udcaa","t":"a\tb\nc","raw":"Zoë 💪"}"#)
        #expect(j.string("q") == #"say "hi"\now"#)
        #expect(j.string("u") == "café 💪")
        #expect(j.string("t") == "a\tb\nc")
        #expect(j.string("raw") == "Zoë 💪")
    }

    @Test(arguments: ["", "[]", "\"text\"", "{", #"{"a":}"#, #"{"a" 1}"#, #"{"a":1,}"#, #"{"a":1} x"#, #"{"a":"unterminated}"#])
    func rejectsWhatIsNotAnObject(_ text: String) {
        #expect(JSONFields(Array(text.utf8)) == nil)
    }

    @Test func agreesWithJSONEncoderOutput() throws {
        struct Sample: Encodable { let name: String; let count: Int; let tags: [String]; let ratio: Double }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Sample(name: "Mateo \"Teo\" Rossi / ñ", count: 7, tags: ["a", "b"], ratio: 0.25))
        let j = try #require(JSONFields(Array(data)))
        #expect(j.string("name") == "Mateo \"Teo\" Rossi / ñ")
        #expect(j.int("count") == 7)
        #expect(j.json("tags") == #"["a","b"]"#)
        #expect(j.double("ratio") == 0.25)
    }
}

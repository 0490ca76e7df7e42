import Coaching
import Events
import Testing

@Suite("SMS text")
struct SMSTextTests {
    @Test(arguments: [
        ("Squat 5x5 @ 80% - rest 2 min", SMSEncoding.gsm7),
        ("Café, Ñandù & Å: è é ù ì ò Ç Ø ß", .gsm7),
        ("Ñandú", .ucs2),
        ("Braces {} and [brackets] and ~ | ^ € \\", .gsm7),
        ("naïve", .ucs2),
        ("Let’s go", .ucs2),
        ("`code`", .ucs2),
        ("Nice work 💪", .ucs2),
    ])
    func encodingFollowsTheGSMAlphabet(_ text: String, _ expected: SMSEncoding) {
        #expect(SMSText.encoding(of: text) == expected)
    }

    @Test func gsmSegmentsAre160AloneAnd153Concatenated() {
        #expect(SMSText.measure(String(repeating: "a", count: 160)) == .init(encoding: .gsm7, units: 160, segments: 1))
        #expect(SMSText.measure(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSText.measure(String(repeating: "a", count: 306)).segments == 2)
        #expect(SMSText.measure(String(repeating: "a", count: 307)).segments == 3)
        #expect(SMSText.measure("").segments == 1)
    }

    @Test func extensionCharactersCostTwoAndAreNeverSplit() {
        #expect(SMSText.measure(String(repeating: "{", count: 80)) == .init(encoding: .gsm7, units: 160, segments: 1))
        #expect(SMSText.measure(String(repeating: "€", count: 81)).segments == 2)
        // 152 + 2 would straddle the first part's 153 septets, so the pair moves whole:
        // parts of 152, 153 and 1 septets.
        let text = String(repeating: "a", count: 152) + "{" + String(repeating: "a", count: 152)
        #expect(SMSText.measure(text) == .init(encoding: .gsm7, units: 306, segments: 3))
    }

    @Test func ucs2SegmentsAre70AloneAnd67ConcatenatedAndEmojiCostTwo() {
        #expect(SMSText.measure(String(repeating: "ï", count: 70)) == .init(encoding: .ucs2, units: 70, segments: 1))
        #expect(SMSText.measure(String(repeating: "ï", count: 71)).segments == 2)
        #expect(SMSText.measure(String(repeating: "💪", count: 35)) == .init(encoding: .ucs2, units: 70, segments: 1))
        // 33 emoji fill 66 units; the 34th would straddle 67, so it starts the second part,
        // which 65 more units fill: 134 units take three parts where 67 + 67 would seem to do.
        let text = String(repeating: "💪", count: 34) + String(repeating: "a", count: 66)
        #expect(SMSText.measure(text) == .init(encoding: .ucs2, units: 134, segments: 3))
        #expect(SMSText.measure("a" + String(repeating: "b", count: 69)).encoding == .gsm7)
    }

    @Test func splitBreaksAtLinesThenWordsAndKeepsEverything() {
        let lines = (1...12).map { "Line \($0): Goblet Squat 3x10, rest 90 s, keep your chest up" }
        let text = lines.joined(separator: "\n")
        let pieces = SMSText.split(text, segmentsPerMessage: 1)
        #expect(pieces.count > 1)
        for piece in pieces { #expect(SMSText.measure(piece).segments == 1) }
        #expect(pieces.joined(separator: "\n") == text)
        #expect(pieces.allSatisfy { !$0.hasPrefix(" ") && !$0.hasSuffix(" ") })
    }

    @Test func aLongLineSplitsBetweenWordsNeverInsideOne() {
        let words = (1...60).map { "word\($0)" }
        let pieces = SMSText.split(words.joined(separator: " "), segmentsPerMessage: 1)
        #expect(pieces.count == 3)
        #expect(pieces.flatMap { $0.split(separator: " ").map(String.init) } == words)
        for piece in pieces { #expect(SMSText.measure(piece).segments == 1) }
    }

    @Test func aWordLongerThanAMessageIsCutBetweenCharactersKeepingPairs() {
        let word = String(repeating: "💪", count: 40)
        let pieces = SMSText.split(word, segmentsPerMessage: 1)
        #expect(pieces.joined() == word)
        #expect(pieces.map(\.count) == [35, 5])
    }

    @Test func aTextThatFitsIsLeftAlone() {
        #expect(SMSText.split("Rest day: walk 20 minutes.", segmentsPerMessage: 1) == ["Rest day: walk 20 minutes."])
        let two = String(repeating: "a", count: 300)
        #expect(SMSText.split(two, segmentsPerMessage: 2) == [two])
    }
}

/// SMS encoding and segment arithmetic.
///
/// A segment carries 140 bytes: 160 GSM-7 characters or 70 UCS-2 units alone, 153 or 67 per
/// part once a message is split (the concatenation header takes 6 bytes). One character
/// outside GSM-7 makes the whole message UCS-2. GSM-7 extension characters (form feed,
/// `^ { } \ [ ~ ] |` and the euro sign) cost two septets; in UCS-2 a character outside the
/// basic plane (an emoji) costs two units. Neither pair is ever split across parts.
public enum SMSText {
    /// The GSM 03.38 basic character set.
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The GSM 03.38 extension table: each costs an escape and the character.
    static let extended: Set<Character> = Set("\u{0C}^{}\\[~]|€")

    /// What sending `text` costs.
    public struct Measure: Sendable, Equatable {
        public let encoding: SMSEncoding
        /// Septets for GSM-7, UTF-16 units for UCS-2.
        public let units: Int
        public let segments: Int

        public init(encoding: SMSEncoding, units: Int, segments: Int) {
            self.encoding = encoding
            self.units = units
            self.segments = segments
        }
    }

    /// GSM-7 cost of each ASCII byte: 1 in the basic set, 2 in the extension table, 0 when
    /// the character has no GSM-7 form (the backtick, most control characters).
    static let asciiCost: [UInt8] = (0..<128).map { byte in
        let character = Character(Unicode.Scalar(UInt8(byte)))
        return basic.contains(character) ? 1 : extended.contains(character) ? 2 : 0
    }

    /// The GSM-7 septets of an all-ASCII text, or nil when it is not all ASCII or has a
    /// character outside GSM-7: the fast path for almost every message.
    static func asciiSeptets(_ text: String) -> Int? {
        var septets = 0
        for byte in text.utf8 {
            guard byte < 128 else { return nil }
            let cost = asciiCost[Int(byte)]
            guard cost > 0 else { return nil }
            septets += Int(cost)
        }
        return septets
    }

    public static func encoding(of text: String) -> SMSEncoding {
        if asciiSeptets(text) != nil { return .gsm7 }
        return text.allSatisfy { basic.contains($0) || extended.contains($0) } ? .gsm7 : .ucs2
    }

    /// The cost of one character in `encoding`.
    static func units(_ character: Character, _ encoding: SMSEncoding) -> Int {
        switch encoding {
        case .gsm7: extended.contains(character) ? 2 : 1
        case .ucs2: character.utf16.count
        }
    }

    public static func measure(_ text: String) -> Measure {
        if let septets = asciiSeptets(text), septets <= 160 {
            return Measure(encoding: .gsm7, units: septets, segments: 1)
        }
        let encoding = encoding(of: text)
        let single = encoding == .gsm7 ? 160 : 70
        let part = encoding == .gsm7 ? 153 : 67
        let units = text.reduce(0) { $0 + Self.units($1, encoding) }
        if units == 0 { return Measure(encoding: encoding, units: 0, segments: 1) }
        if units <= single { return Measure(encoding: encoding, units: units, segments: 1) }
        // Parts are filled character by character: a pair that does not fit moves whole.
        var segments = 1, used = 0
        for character in text {
            let cost = Self.units(character, encoding)
            if used + cost > part { segments += 1; used = 0 }
            used += cost
        }
        return Measure(encoding: encoding, units: units, segments: segments)
    }

    /// Splits `text` into separate messages of at most `segments` segments each, breaking at
    /// line ends first, then between words; a single word longer than a message is broken
    /// between characters (never inside an escape or surrogate pair, which `Character` keeps
    /// whole). Nothing is dropped: joining the pieces with their separators gives the text.
    public static func split(_ text: String, segmentsPerMessage segments: Int = 1) -> [String] {
        precondition(segments >= 1)
        func fits(_ candidate: String) -> Bool { measure(candidate).segments <= segments }
        if fits(text) { return [text] }
        var messages: [String] = []
        var current = ""
        func append(_ piece: String, separator: String) {
            let candidate = current.isEmpty ? piece : current + separator + piece
            if fits(candidate) {
                current = candidate
            } else if fits(piece) {
                if !current.isEmpty { messages.append(current) }
                current = piece
            } else {
                // Longer than a message on its own: go one level finer.
                if !current.isEmpty { messages.append(current); current = "" }
                if separator == "\n" {
                    for word in piece.split(separator: " ", omittingEmptySubsequences: false) { append(String(word), separator: " ") }
                } else {
                    for character in piece {
                        let next = current + String(character)
                        if fits(next) { current = next } else { messages.append(current); current = String(character) }
                    }
                }
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            append(String(line), separator: "\n")
        }
        if !current.isEmpty { messages.append(current) }
        return messages
    }
}

import Events

import Events
import Foundation

/// The words the reader knows, and how near a typed word must be to count as one.
enum Words {
    /// Damerau-Levenshtein distance of at most one, and which edit it was.
    enum Edit { case same, substitution, transposition, insertion, deletion }

    static func edit(_ typed: String, _ word: String) -> Edit? {
        if typed == word { return .same }
        let a = Array(typed), b = Array(word)
        if a.count == b.count {
            let differences = a.indices.filter { a[$0] != b[$0] }
            if differences.count == 1 { return .substitution }
            if differences.count == 2, differences[1] == differences[0] + 1, a[differences[0]] == b[differences[1]], a[differences[1]] == b[differences[0]] {
                return .transposition
            }
            return nil
        }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return nil }
        var i = 0, j = 0, skipped = false
        while i < long.count, j < short.count {
            if long[i] == short[j] { i += 1; j += 1; continue }
            if skipped { return nil }
            skipped = true
            i += 1
        }
        return a.count > b.count ? .insertion : .deletion
    }

    /// Whether `typed` is `keyword` or one letter off it, where that cannot be another word:
    /// keywords of four letters or fewer take only a swapped, added or dropped letter ("dnoe",
    /// "skpi"), never a changed one ("none", "ship"); longer ones any one edit; a word the reader
    /// knows otherwise, or a common word, is never taken for a keyword.
    static func matches(_ typed: String, _ keyword: String) -> Bool {
        guard let edit = edit(typed, keyword) else { return false }
        if edit == .same { return true }
        guard typed.count >= 3, !protected.contains(typed), !known.contains(typed) else { return false }
        // Short keywords: a changed letter only where it makes no word (`skio`, not `ship`).
        if keyword.count <= 4 { return typed.count >= 4 }
        return keyword.count >= 5
    }

    static func matchesAny(_ typed: String, _ keywords: Set<String>) -> Bool {
        keywords.contains(typed) || keywords.contains { matches(typed, $0) }
    }

    /// Real words one letter off a keyword: never read as the keyword.
    static let protected: Set<String> = [
        "none", "gone", "bone", "tone", "dine", "dome", "dose", "dove", "dune", "node", "note", "nope", "come", "some", "home", "hone", "lone", "cone",
        "zone", "dote", "doge", "ship", "slip", "shop", "stop", "spit", "skin", "skim", "skit", "snip", "sip", "kip", "hip", "tip", "dip", "lip",
        "tomorrows", "finishes", "finisher", "complete", "compete", "competed", "fished", "finches", "weds", "wed", "tue", "thu", "fri", "sat",
        "sun", "mon", "sunny", "satay", "monk", "friday's", "pack", "back", "rack", "neck", "deck", "knew", "knees", "known", "knew", "easy",
        "rest", "test", "best", "west", "nest", "vest", "best", "pause", "cause", "because", "trip", "drip", "grip", "strip", "did", "doe",
        "travels", "ravel", "gravel", "the", "then", "than", "one", "won", "dont", "dome", "does", "doing", "dining", "fine",
        "skid", "skis", "skit", "kids", "sick", "dane", "dene", "dyne", "dole", "dope", "doze", "dong", "dons", "duke", "dude", "date", "dare",
        "knew", "knees", "knot", "keen", "kneel", "calm", "half", "hall", "heck", "neat", "next", "nets", "neon", "hips", "ship", "slap", "skiing",
        "skipper", "shipping", "sipping", "slipping", "snipping", "skimming", "stopping",
    ]

    /// Every keyword of the reader, so that one is never taken for another.
    static let known: Set<String> = doneWords.union(skipWords).union(Set(weekdays.keys)).union(months.keys).union(["today", "tonight", "tomorrow"])

    static let doneWords: Set<String> = ["done", "finished", "completed", "complete", "crushed", "nailed", "smashed", "finito", "fin", "dun"]
    static let skipWords: Set<String> = ["skip", "skipping", "skips"]

    static let weekdays: [String: Int] = [
        "mon": 1, "monday": 1, "mondays": 1, "tue": 2, "tues": 2, "tuesday": 2, "tuesdays": 2, "wed": 3, "weds": 3, "wednesday": 3, "wednesdays": 3,
        "thu": 4, "thur": 4, "thurs": 4, "thursday": 4, "thursdays": 4, "fri": 5, "friday": 5, "fridays": 5, "sat": 6, "saturday": 6, "saturdays": 6,
        "sun": 7, "sunday": 7, "sundays": 7,
    ]
    static let fullWeekdays: [String: Int] = ["monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7]

    /// The ISO weekday `word` names (`thurs`, `wendesday`), or nil.
    static func weekday(_ word: String) -> Int? {
        if let day = weekdays[word] { return day }
        // Heard, not typed (voice to text).
        if ["chewsday", "choosday", "twosday"].contains(word) { return 2 }
        guard word.count >= 5 else { return nil }
        return fullWeekdays.first { matches(word, $0.key) }?.value
    }

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7,
        "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
        "december": 12,
    ]

    static func month(_ word: String) -> Int? {
        if let month = months[word] { return month }
        guard word.count >= 6 else { return nil }
        return months.first { $0.key.count >= 6 && matches(word, $0.key) }?.value
    }

    static func isTomorrow(_ word: String) -> Bool {
        ["tomorrow", "tmrw", "tmr", "tmrow", "tmw", "tomoz", "2morrow", "2moro", "tmorrow", "tomo", "tomorrows", "tmrws"].contains(word) || (word.count >= 6 && matches(word, "tomorrow"))
            || word == "tommorow" || word == "tommorrow"
    }

    static func isToday(_ word: String) -> Bool {
        ["today", "tonight", "tonite", "2day", "2nite", "todays", "tonights"].contains(word) || (word.count == 5 && edit(word, "today") == .transposition)
    }

    /// Spelled-out numbers a reply uses for durations.
    static let numbers: [String: Int] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "couple": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "few": 3, "fortnight": 14,
    ]

    /// Cities and zone names people text, and their IANA zones.
    static let zones: [String: String] = [
        "new york": "America/New_York", "nyc": "America/New_York", "boston": "America/New_York", "miami": "America/New_York",
        "atlanta": "America/New_York", "philadelphia": "America/New_York", "philly": "America/New_York", "washington": "America/New_York",
        "dc": "America/New_York", "toronto": "America/Toronto", "montreal": "America/Toronto", "detroit": "America/Detroit",
        "orlando": "America/New_York", "charlotte": "America/New_York", "pittsburgh": "America/New_York",
        "chicago": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago", "austin": "America/Chicago",
        "nashville": "America/Chicago", "minneapolis": "America/Chicago", "new orleans": "America/Chicago", "st louis": "America/Chicago",
        "kansas city": "America/Chicago", "san antonio": "America/Chicago", "mexico city": "America/Mexico_City",
        "denver": "America/Denver", "salt lake city": "America/Denver", "salt lake": "America/Denver", "boulder": "America/Denver",
        "phoenix": "America/Phoenix", "albuquerque": "America/Denver",
        "los angeles": "America/Los_Angeles", "la": "America/Los_Angeles", "san francisco": "America/Los_Angeles", "sf": "America/Los_Angeles",
        "seattle": "America/Los_Angeles", "san diego": "America/Los_Angeles", "las vegas": "America/Los_Angeles",
        "vegas": "America/Los_Angeles", "vancouver": "America/Vancouver", "sacramento": "America/Los_Angeles", "san jose": "America/Los_Angeles",
        "anchorage": "America/Anchorage", "honolulu": "Pacific/Honolulu", "hawaii": "Pacific/Honolulu",
        "london": "Europe/London", "manchester": "Europe/London", "edinburgh": "Europe/London", "dublin": "Europe/Dublin",
        "lisbon": "Europe/Lisbon", "paris": "Europe/Paris", "berlin": "Europe/Berlin", "munich": "Europe/Berlin", "madrid": "Europe/Madrid",
        "barcelona": "Europe/Madrid", "rome": "Europe/Rome", "milan": "Europe/Rome", "amsterdam": "Europe/Amsterdam", "brussels": "Europe/Brussels",
        "zurich": "Europe/Zurich", "vienna": "Europe/Vienna", "prague": "Europe/Prague", "stockholm": "Europe/Stockholm", "oslo": "Europe/Oslo",
        "copenhagen": "Europe/Copenhagen", "helsinki": "Europe/Helsinki", "warsaw": "Europe/Warsaw", "athens": "Europe/Athens",
        "istanbul": "Europe/Istanbul", "moscow": "Europe/Moscow", "dubai": "Asia/Dubai", "tel aviv": "Asia/Jerusalem", "cairo": "Africa/Cairo",
        "johannesburg": "Africa/Johannesburg", "cape town": "Africa/Johannesburg", "nairobi": "Africa/Nairobi", "lagos": "Africa/Lagos",
        "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "singapore": "Asia/Singapore",
        "hong kong": "Asia/Hong_Kong", "shanghai": "Asia/Shanghai", "beijing": "Asia/Shanghai", "tokyo": "Asia/Tokyo", "osaka": "Asia/Tokyo",
        "seoul": "Asia/Seoul", "bangkok": "Asia/Bangkok", "manila": "Asia/Manila", "jakarta": "Asia/Jakarta", "kuala lumpur": "Asia/Kuala_Lumpur",
        "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne", "brisbane": "Australia/Brisbane", "perth": "Australia/Perth",
        "auckland": "Pacific/Auckland", "sao paulo": "America/Sao_Paulo", "são paulo": "America/Sao_Paulo", "rio": "America/Sao_Paulo", "buenos aires": "America/Argentina/Buenos_Aires",
        "bogota": "America/Bogota", "lima": "America/Lima", "santiago": "America/Santiago",
        "eastern": "America/New_York", "central": "America/Chicago", "mountain": "America/Denver", "pacific": "America/Los_Angeles",
        "est": "America/New_York", "edt": "America/New_York", "cst": "America/Chicago", "cdt": "America/Chicago", "mst": "America/Denver",
        "mdt": "America/Denver", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "gmt": "Europe/London", "bst": "Europe/London",
        "uk": "Europe/London", "england": "Europe/London", "japan": "Asia/Tokyo", "germany": "Europe/Berlin", "france": "Europe/Paris",
        "spain": "Europe/Madrid", "italy": "Europe/Rome", "australia": "Australia/Sydney",
        "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "pune": "Asia/Kolkata", "kolkata": "Asia/Kolkata",
        "ist": "Asia/Kolkata", "aest": "Australia/Sydney", "jst": "Asia/Tokyo", "cet": "Europe/Paris", "sgt": "Asia/Singapore",
        "doha": "Asia/Qatar", "riyadh": "Asia/Riyadh", "karachi": "Asia/Karachi", "dhaka": "Asia/Dhaka", "adelaide": "Australia/Adelaide",
        "saudi": "Asia/Riyadh", "arizona": "America/Phoenix", "colorado": "America/Denver", "california": "America/Los_Angeles",
        "texas": "America/Chicago", "florida": "America/New_York", "utah": "America/Denver", "nevada": "America/Los_Angeles", "oregon": "America/Los_Angeles",
        "brazil": "America/Sao_Paulo",
        "ottawa": "America/Toronto", "calgary": "America/Edmonton", "edmonton": "America/Edmonton", "winnipeg": "America/Winnipeg",
    ]

    /// The zones' names, longest first (`new york` before `york`).
    static let zonesByLength: [(key: String, value: String)] = zones.sorted { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }

    /// Body areas and their names in texts.
    static let areas: [String: String] = [
        "knee": "knee", "knees": "knee", "shoulder": "shoulder", "shoulders": "shoulder", "back": "back", "lowerback": "back", "ankle": "ankle",
        "ankles": "ankle", "wrist": "wrist", "wrists": "wrist", "elbow": "elbow", "elbows": "elbow", "hip": "hip", "hips": "hip", "neck": "neck",
        "hamstring": "hamstring", "hamstrings": "hamstring", "hammy": "hamstring", "hammies": "hamstring", "calf": "calf", "calves": "calf",
        "foot": "foot", "feet": "foot", "heel": "foot", "heels": "foot", "toe": "foot", "toes": "foot", "waist": "back",
    ]

    static let hurtWords: Set<String> = [
        "hurt", "hurts", "hurting", "sore", "pain", "painful", "paining", "swelled", "swelling", "twinged", "twinging", "niggly", "replacement", "operation", "injured", "injury", "tweaked", "tweak", "pulled", "strained", "sprained", "rolled",
        "twisted", "aching", "achy", "aches", "ache", "bothering", "busted", "swollen", "inflamed", "tore", "torn", "killing", "throbbing", "jacked",
        "wrecked", "messed", "banged", "flaring", "flared", "popped", "tight", "bad", "acting", "stiff", "hurted", "surgery", "sprain", "strain",
        "cramp", "cramps", "cramping", "fasciitis", "tendinitis", "tendonitis", "spasm", "spasms", "niggle", "niggling", "twinge", "hurty", "agony",
    ]
    static let healedWords: Set<String> = ["fine", "better", "healed", "recovered", "good", "ok", "okay", "normal", "100", "great", "cleared", "fixed", "gone", "resolved", "behaving", "settled", "calmer"]
}

extension String {
    /// Substring search on UTF-8 bytes: Foundation's `contains` goes through
    /// NSString, and the reader asks hundreds of these per reply.
    func contains(_ other: String) -> Bool {
        offset(of: other) != nil
    }

    /// Where `other` starts, in UTF-8 bytes; nil when absent.
    func offset(of other: String) -> Int? {
        var haystack = self
        var needle = other
        return haystack.withUTF8 { h in
            needle.withUTF8 { n -> Int? in
                guard n.count > 0, n.count <= h.count else { return nil }
                let first = n[0]
                var i = 0
                let last = h.count - n.count
                outer: while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count {
                            if h[i + j] != n[j] { i += 1; continue outer }
                            j += 1
                        }
                        return i
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}

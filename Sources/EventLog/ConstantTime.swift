/// Comparisons of secrets (signatures, tokens, their hashes) in time that depends only on the
/// lengths: how much of a guess was right does not show in how long it took to refuse.
public enum ConstantTime {
    /// Whether `candidate` equals `expected`.
    public static func equal(_ candidate: String?, _ expected: String) -> Bool {
        guard let candidate else { return false }
        let expected = Array(expected.utf8)
        let given = Array(candidate.utf8)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0..<max(expected.count, given.count) {
            let a = index < expected.count ? expected[index] : 0
            let b = index < given.count ? given[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}

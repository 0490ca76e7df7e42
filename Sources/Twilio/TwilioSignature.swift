import Crypto
import EventLog
import Foundation

/// Twilio's webhook signature (`X-Twilio-Signature`): Base64 of HMAC-SHA1 under the auth token
/// over the full URL as Twilio called it (scheme, host, path and query), then every POST
/// parameter's name and value, sorted by name, with no separators. Every parameter received
/// counts, known or not (Twilio adds parameters without notice).
public enum TwilioSignature {
    /// The signature of a request to `url` with form `parameters`.
    public static func compute(url: String, parameters: [(name: String, value: String)], authToken: String) -> String {
        var text = url
        for (name, value) in parameters.sorted(by: { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }) {
            text += name + value
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` is the one Twilio would send, compared in constant time.
    public static func isValid(_ signature: String?, url: String, parameters: [(name: String, value: String)], authToken: String) -> Bool {
        constantTimeEqual(signature, compute(url: url, parameters: parameters, authToken: authToken))
    }

    /// Whether `given` equals `expected`, in time that depends only on their lengths.
    public static func constantTimeEqual(_ candidate: String?, _ expected: String) -> Bool {
        ConstantTime.equal(candidate, expected)
    }

    /// The parameters of an `application/x-www-form-urlencoded` body, in order (`+` is a space).
    public static func formParameters(_ body: Data) -> [(name: String, value: String)] {
        String(decoding: body, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { part in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
}

import Foundation

/// Checks `X-Twilio-Signature` on Twilio webhooks (https://www.twilio.com/docs/usage/security).
///
/// The signature is base64(HMAC-SHA1(auth token, URL + every POST parameter's name and value, sorted by name)).
/// For `application/json` bodies Twilio adds `bodySHA256=<hex SHA-256 of the body>` to the URL and signs the URL
/// alone. Like the official SDKs (twilio-python `RequestValidator.validate`, twilio-node `validateRequest`), the
/// URL is tried with and without its port, because "signature generation on the back end is inconsistent".
public struct TwilioSignatureVerifier: Sendable {
    private let authTokens: [String]
    /// Every webhook of a route is signed for the same URL: its candidates are worked out once.
    private let candidates = URLCandidateCache()

    /// A verifier for an account's auth token; several tokens, comma-separated, are each accepted (rotation,
    /// see `SecretList`).
    public init(authToken: String) {
        authTokens = SecretList.values(authToken)
    }

    /// True when `signature` signs this form POST (`url` is the public URL Twilio called, query included).
    public func verify(url: String, params: [(name: String, value: String)], signature: String?) -> Bool {
        guard let signature, !signature.isEmpty, !authTokens.isEmpty else { return false }
        let presented = Array(signature.utf8)
        let signedParams = Self.stringToSign(url: "", params: params)
        var valid = false
        // Every token and URL candidate is computed so the time taken does not depend on which one matched.
        for authToken in authTokens {
            for candidate in candidates.candidates(for: url) {
                let mac = Crypto.hmacSHA1(key: Array(authToken.utf8), message: Array((candidate + signedParams).utf8))
                if Crypto.constantTimeEquals(presented, Array(Encoding.base64(mac).utf8)) { valid = true }
            }
        }
        return valid
    }

    /// True when `signature` signs this form POST whose parameters each appear once.
    public func verify(url: String, params: [String: String], signature: String?) -> Bool {
        verify(url: url, params: params.map { (name: $0.key, value: $0.value) }, signature: signature)
    }

    /// True when `signature` signs a JSON POST: the URL's `bodySHA256` must equal the body's hex SHA-256,
    /// and the signature covers the URL only.
    public func verify(url: String, jsonBody: [UInt8], signature: String?) -> Bool {
        guard let claimed = Self.queryValue(named: "bodySHA256", in: url) else { return false }
        let actual = Encoding.hex(Crypto.sha256(jsonBody))
        let bodyMatches = Crypto.constantTimeEquals(Array(claimed.lowercased().utf8), Array(actual.utf8))
        let urlSigned = verify(url: url, params: [], signature: signature)
        return bodyMatches && urlSigned
    }

    /// True when `signature` signs a JSON POST whose body is this UTF-8 text.
    public func verify(url: String, jsonBody: String, signature: String?) -> Bool {
        verify(url: url, jsonBody: Array(jsonBody.utf8), signature: signature)
    }

    /// The signature Twilio would send for exactly this URL and these parameters.
    public static func expectedSignature(authToken: String, url: String, params: [(name: String, value: String)])
        -> String
    {
        Encoding.base64(Crypto.hmacSHA1(key: authToken, message: stringToSign(url: url, params: params)))
    }

    /// URL followed by each parameter name and value; names in code-point order, a repeated name's distinct
    /// values sorted (twilio-python `compute_signature`: `sorted(set(params))`, then `sorted(set(values))`).
    public static func stringToSign(url: String, params: [(name: String, value: String)]) -> String {
        var values: [String: Set<String>] = [:]
        for (name, value) in params { values[name, default: []].insert(value) }
        var out = url
        for name in values.keys.sorted(by: codePointLess) {
            for value in (values[name] ?? []).sorted(by: codePointLess) {
                out += name
                out += value
            }
        }
        return out
    }

    /// The URL forms the SDKs accept: as given and as a WHATWG URL serialises it (twilio-node), each with the
    /// default port made explicit and with any port removed.
    public static func urlCandidates(_ url: String) -> [String] {
        var out: [String] = []
        for form in [url, whatwgSerialized(url)] {
            guard let parts = URLParts(form) else {
                if !out.contains(form) { out.append(form) }
                continue
            }
            for candidate in [parts.withPort(), parts.withoutPort()] where !out.contains(candidate) {
                out.append(candidate)
            }
        }
        return out
    }

    // UTF-8 byte order is code-point order, which Python uses; Swift's String `<` compares canonical forms.
    private static func codePointLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// The first value of a query parameter, percent-decoded ('+' is a space), or nil.
    static func queryValue(named name: String, in url: String) -> String? {
        guard let q = url.firstIndex(of: "?") else { return nil }
        var query = url[url.index(after: q)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if percentDecode(kv[0]) == name { return kv.count > 1 ? percentDecode(kv[1]) : "" }
        }
        return nil
    }

    private static func percentDecode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"), it.count >= 2,
                let v = Encoding.fromHex(String(decoding: it.prefix(2), as: UTF8.self))
            {
                bytes.append(contentsOf: v)
                it = it.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What `new URL(url).toString()` gives for an http(s) URL: lower-case scheme and host, the default port
    /// dropped, and the characters of the WHATWG path and special-query percent-encode sets escaped.
    static func whatwgSerialized(_ url: String) -> String {
        guard var parts = URLParts(url) else { return url }
        parts.scheme = parts.scheme.lowercased()
        parts.host = parts.host.lowercased()
        if let port = parts.port, port == parts.defaultPort { parts.port = nil }
        // URL Standard: path percent-encode set = query set + ? ` { }; special-query set = query set + '.
        parts.rest = escapeRest(parts.rest)
        return parts.serialized()
    }

    private static func escapeRest(_ rest: String) -> String {
        let bytes = Array(rest.utf8)
        var out: [UInt8] = []
        var section = 0  // 0 path, 1 query, 2 fragment
        for b in bytes {
            if b == UInt8(ascii: "?"), section == 0 {
                section = 1
                out.append(b)
                continue
            }
            if b == UInt8(ascii: "#"), section < 2 {
                section = 2
                out.append(b)
                continue
            }
            let common =
                b <= 0x20 || b >= 0x7f || b == UInt8(ascii: "\"") || b == UInt8(ascii: "<")
                || b == UInt8(ascii: ">")
            let escape: Bool
            switch section {
            case 0: escape = common || "`{}#".utf8.contains(b)
            case 1: escape = common || b == UInt8(ascii: "'") || b == UInt8(ascii: "#")
            default: escape = common || b == UInt8(ascii: "`")
            }
            if escape {
                out.append(UInt8(ascii: "%"))
                out.append(contentsOf: Encoding.hex([b]).uppercased().utf8)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// `scheme://[userinfo@]host[:port]rest`, split by hand so that nothing is re-encoded behind our back.
struct URLParts {
    var scheme: String
    var userinfo: String?
    var host: String
    var port: String?
    var rest: String

    init?(_ url: String) {
        guard let sep = url.range(of: "://") else { return nil }
        scheme = String(url[..<sep.lowerBound])
        let afterScheme = url[sep.upperBound...]
        let authorityEnd =
            afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        rest = String(afterScheme[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            userinfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        // A port follows the last ':' unless that colon is inside an IPv6 literal "[...]".
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { return nil }
    }

    var defaultPort: String? {
        switch scheme.lowercased() {
        case "https": return "443"
        case "http": return "80"
        default: return nil
        }
    }

    func serialized() -> String {
        var out = scheme + "://"
        if let userinfo { out += userinfo + "@" }
        out += host
        if let port { out += ":" + port }
        return out + rest
    }

    /// twilio-python `add_port`: an explicit port is kept; otherwise 443 for https, 80 for http.
    func withPort() -> String {
        var copy = self
        if copy.port == nil || copy.port == "" { copy.port = defaultPort }
        return copy.serialized()
    }

    /// twilio-python `remove_port`.
    func withoutPort() -> String {
        var copy = self
        copy.port = nil
        return copy.serialized()
    }
}

/// The last URL's candidates (`TwilioSignatureVerifier.urlCandidates`): parsing and re-serialising the URL cost more
/// than the HMACs, and a route's URL never changes.
final class URLCandidateCache: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var last: (url: String, candidates: [String])?

    func candidates(for url: String) -> [String] {
        if let known = lock.withLock({ last }), known.url == url { return known.candidates }
        let made = TwilioSignatureVerifier.urlCandidates(url)
        lock.withLock { last = (url, made) }
        return made
    }
}

/// Where one-time link tokens appear in text, and what replaces them once they are no longer needed.
///
/// A token is the 43-character base64url path segment of a link, `<base>/l/<token>`, also found
/// percent-encoded (`%2Fl%2F<token>`) inside the wrapped links of mail scanners. It is replaced by the id of
/// its link, `https://host/l/[link 17]`, so a reader of the stored text still knows which link was sent,
/// or by `[link]` when no link has that token.
public enum LinkRedaction {
    /// Characters in a token: 32 bytes as unpadded base64url (`LinkToken.length`).
    public static let tokenLength = 43
    /// What marks a token's start (a link's path; its percent-encoded form, any case), as UTF-8.
    static let prefixes = ["/l/", "%2fl%2f"].map { Array($0.utf8) }

    /// The text that stands for a redacted token.
    public static func placeholder(linkID: Int?) -> String {
        linkID.map { "[link \($0)]" } ?? "[link]"
    }

    /// `text` with every token replaced by `placeholder(linkID: linkID(token))`.
    public static func redact(_ text: String, linkID: (String) throws -> Int?) rethrows -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        var i = 0
        while i < bytes.count {
            // Both prefixes start with `/` or `%`: other bytes are passed over without a look.
            guard bytes[i] == UInt8(ascii: "/") || bytes[i] == UInt8(ascii: "%"), let start = tokenStart(bytes, at: i)
            else {
                i += 1
                continue
            }
            let end = start + tokenLength
            let token = String(decoding: bytes[start..<end], as: UTF8.self)
            out += bytes[copied..<start]
            out += Array(placeholder(linkID: try linkID(token)).utf8)
            copied = end
            i = end
        }
        guard copied > 0 else { return text }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The link ids of the redacted tokens in `text` (`/l/[link 17]`), in order.
    public static func ids(in text: String) -> [Int] {
        var out: [Int] = []
        _ = restore(text) { id in
            out.append(id)
            return nil
        }
        return out
    }

    /// `text` with each redacted token of a link path (`/l/[link 17]`) replaced by `token(17)`; where that gives nil
    /// the placeholder stays.
    public static func restore(_ text: String, token: (Int) throws -> String?) rethrows -> String {
        let marker = "/l/[link "
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: marker) {
            let digits = rest[start.upperBound...].prefix { $0.isASCII && $0.isNumber }
            let close = digits.endIndex
            out += rest[..<start.upperBound].dropLast("[link ".count)
            guard !digits.isEmpty, close < rest.endIndex, rest[close] == "]", let id = Int(digits) else {
                out += "[link "
                rest = rest[start.upperBound...]
                continue
            }
            out += try token(id) ?? "[link \(id)]"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Whether the text holds a redacted token (a message that cannot be sent again as it was).
    public static func containsRedaction(_ text: String) -> Bool {
        text.contains("/l/[link") || text.lowercased().contains("%2fl%2f[link")
    }

    /// Where the token begins when a link prefix starts at `i` and exactly a token's worth of base64url
    /// characters follows it.
    static func tokenStart(_ bytes: [UInt8], at i: Int) -> Int? {
        for p in prefixes {
            guard i + p.count + tokenLength <= bytes.count,
                zip(bytes[i..<(i + p.count)], p).allSatisfy({ lowercased($0) == $1 })
            else { continue }
            let start = i + p.count
            let end = start + tokenLength
            guard bytes[start..<end].allSatisfy(isBase64URL), end == bytes.count || !isBase64URL(bytes[end])
            else { return nil }
            return start
        }
        return nil
    }

    static func isBase64URL(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default: return false
        }
    }

    static func lowercased(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }
}

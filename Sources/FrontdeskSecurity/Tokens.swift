/// One-time link tokens: 256 bits from the CSPRNG, sent to the client, only their SHA-256 stored.
public enum LinkToken {
    /// Random bytes per token (256 bits; SPEC §7 asks for at least 128).
    public static let byteCount = 32
    /// Characters in a token: 32 bytes as unpadded base64url.
    public static let length = 43

    /// A fresh token for the URL and the hash to store (lowercase hex SHA-256 of the token string).
    public static func generate() throws(CryptoError) -> (token: String, hash: String) {
        let token = Encoding.base64URL(try Crypto.randomBytes(byteCount))
        return (token, hash(token))
    }

    /// The stored form of a token: lowercase hex SHA-256 of its UTF-8 text.
    public static func hash(_ token: String) -> String { Encoding.hex(Crypto.sha256(token)) }

    /// True when the text could be a token we issued (length and alphabet), so junk never reaches the store.
    public static func isWellFormed(_ token: String) -> Bool {
        let bytes = token.utf8
        guard bytes.count == length, bytes.allSatisfy(TokenAlphabet.isBase64URL) else { return false }
        // 32 bytes leave 2 spare bits in the last character; ours are zero, so it is one of 16 characters.
        guard let last = bytes.last, let value = TokenAlphabet.base64URLValue(last) else { return false }
        return value & 0b11 == 0
    }
}

/// Bearer tokens for the admin API: generated like link tokens, only their hash kept.
public enum AdminToken {
    /// Random bytes per generated token (256 bits).
    public static let byteCount = 32
    /// Shortest and longest presented token accepted (an operator may choose `FRONTDESK_ADMIN_TOKEN` by hand).
    public static let acceptedLengths = 16...512

    /// A fresh token to give the admin and the hash to store (lowercase hex SHA-256).
    public static func generate() throws(CryptoError) -> (token: String, hash: String) {
        let token = Encoding.base64URL(try Crypto.randomBytes(byteCount))
        return (token, hash(token))
    }

    /// The stored form of a token: lowercase hex SHA-256 of its UTF-8 text.
    public static func hash(_ token: String) -> String { Encoding.hex(Crypto.sha256(token)) }

    /// True when the text fits RFC 6750's b64token syntax within `acceptedLengths`.
    public static func isWellFormed(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        guard acceptedLengths.contains(bytes.count) else { return false }
        // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        let body = bytes.prefix { $0 != UInt8(ascii: "=") }
        guard !body.isEmpty, bytes[body.count...].allSatisfy({ $0 == UInt8(ascii: "=") }) else { return false }
        return body.allSatisfy { TokenAlphabet.isBase64URL($0) || "./+~".utf8.contains($0) }
    }

    /// The token from an `Authorization: Bearer <token>` header value, or nil.
    public static func fromAuthorization(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingASCIIWhitespace()
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = String(trimmed.dropFirst(7)).trimmingASCIIWhitespace()
        return isWellFormed(token) ? token : nil
    }

    /// True when the presented token hashes to one of the stored hashes (each compared in constant time).
    public static func matches(_ presented: String, storedHashes: [String]) -> Bool {
        guard isWellFormed(presented) else { return false }
        let digest = Array(hash(presented).utf8)
        var found = false
        for stored in storedHashes where Crypto.constantTimeEquals(digest, Array(stored.utf8)) { found = true }
        return found
    }
}

enum TokenAlphabet {
    static func isBase64URL(_ c: UInt8) -> Bool { base64URLValue(c) != nil }

    static func base64URLValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}

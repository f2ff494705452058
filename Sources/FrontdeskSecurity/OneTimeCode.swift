/// Six-digit codes sent to a client's contact on file to prove an address is theirs. Drawn from the CSPRNG
/// without modulo bias; only a salted SHA-256 is stored, compared in constant time.
///
/// A million codes can be hashed in well under a second, so the hash alone does not protect a stolen database:
/// what protects a code is that it expires within minutes, allows five tries and works once. The salt (128 bits,
/// per code) keeps one table of all hashes from serving every row.
public enum OneTimeCode {
    public static let digits = 6
    static let space: UInt32 = 1_000_000

    /// A fresh code, its salt (hex) and the hash to store.
    public static func generate() throws(CryptoError) -> (code: String, salt: String, hash: String) {
        // Rejection sampling: 2^32 is not a multiple of 10^6, so values at or above the largest multiple are
        // drawn again (fewer than 1 in 4,000 draws).
        let limit = UInt32.max - UInt32.max % space
        var value: UInt32
        repeat {
            let bytes = try Crypto.randomBytes(4)
            value = bytes.reduce(0) { $0 << 8 | UInt32($1) }
        } while value >= limit
        let number = String(value % space)
        let code = String(repeating: "0", count: digits - number.count) + number
        let salt = Encoding.hex(try Crypto.randomBytes(16))
        return (code, salt, hash(code, salt: salt))
    }

    /// The stored form: lowercase hex SHA-256 of the salt followed by the code.
    public static func hash(_ code: String, salt: String) -> String { Encoding.hex(Crypto.sha256(salt + code)) }

    /// Whether `code` is the one stored as `hash` with `salt`; the hashes are compared in constant time.
    public static func matches(_ code: String, salt: String, hash stored: String) -> Bool {
        guard code.utf8.count == digits, code.utf8.allSatisfy({ (48...57).contains($0) }) else { return false }
        return Crypto.constantTimeEquals(Array(hash(code, salt: salt).utf8), Array(stored.utf8))
    }
}

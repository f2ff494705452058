import CCrypto
import Foundation

/// A libcrypto call that reported failure. Small so that it can grow without breaking callers.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The OpenSSL function that failed.
    public var function: String
    /// Its return code (0 stands for a NULL pointer result).
    public var code: Int32

    public init(function: String, code: Int32) {
        self.function = function
        self.code = code
    }

    public var description: String { "OpenSSL \(function) failed (\(code))" }
}

/// Hashes, MACs, random bytes and constant-time comparison, all done by OpenSSL libcrypto.
public enum Crypto {
    // MARK: The one checking helper

    /// Every libcrypto status goes through here. Their convention (RAND_bytes(3), EVP_Digest(3)):
    /// "return 1 for success and 0 for failure" (RAND_bytes: -1 "if not supported by the current method").
    static func check(_ rc: Int32, _ function: StaticString) throws(CryptoError) {
        guard rc == 1 else { throw CryptoError(function: "\(function)", code: rc) }
    }

    /// A digest or MAC over valid inputs fails only when libcrypto itself is broken (no memory, no provider);
    /// carrying on with a wrong hash would be unsafe, so that stops the process.
    static func mustSucceed<T>(_ body: () throws(CryptoError) -> T) -> T {
        do { return try body() } catch { fatalError("\(error)") }
    }

    // MARK: Random

    /// `n` bytes from OpenSSL's CSPRNG, which is seeded from the OS (getrandom) and reseeds itself.
    public static func randomBytes(_ n: Int) throws(CryptoError) -> [UInt8] {
        guard n > 0 else { return [] }
        guard n <= Int(Int32.max) else { throw CryptoError(function: "RAND_bytes", code: -1) }
        var out = [UInt8](repeating: 0, count: n)
        let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(n)) }
        try check(rc, "RAND_bytes")
        return out
    }

    // MARK: Digests

    /// SHA-256 (FIPS 180-4) of the bytes.
    public static func sha256(_ data: some ContiguousBytes) -> [UInt8] {
        mustSucceed { () throws(CryptoError) in try digest(EVP_sha256(), data) }
    }

    /// SHA-256 of the string's UTF-8 bytes.
    public static func sha256(_ string: String) -> [UInt8] { sha256(Array(string.utf8)) }

    /// SHA-1 of the bytes (only where a protocol requires it, such as Twilio's signature).
    public static func sha1(_ data: some ContiguousBytes) -> [UInt8] {
        mustSucceed { () throws(CryptoError) in try digest(EVP_sha1(), data) }
    }

    /// SHA-1 of the string's UTF-8 bytes.
    public static func sha1(_ string: String) -> [UInt8] { sha1(Array(string.utf8)) }

    static func digest(_ md: OpaquePointer?, _ data: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let rc = data.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, md, nil)
            }
        }
        try check(rc, "EVP_Digest")
        return Array(out.prefix(Int(length)))
    }

    // MARK: HMAC (RFC 2104)

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: some ContiguousBytes, message: some ContiguousBytes) -> [UInt8] {
        mustSucceed { () throws(CryptoError) in try hmac(EVP_sha256(), key: key, message: message) }
    }

    /// HMAC-SHA256 with a UTF-8 key and message.
    public static func hmacSHA256(key: String, message: String) -> [UInt8] {
        hmacSHA256(key: Array(key.utf8), message: Array(message.utf8))
    }

    /// HMAC-SHA1 of `message` under `key`.
    public static func hmacSHA1(key: some ContiguousBytes, message: some ContiguousBytes) -> [UInt8] {
        mustSucceed { () throws(CryptoError) in try hmac(EVP_sha1(), key: key, message: message) }
    }

    /// HMAC-SHA1 with a UTF-8 key and message.
    public static func hmacSHA1(key: String, message: String) -> [UInt8] {
        hmacSHA1(key: Array(key.utf8), message: Array(message.utf8))
    }

    static func hmac(_ md: OpaquePointer?, key: some ContiguousBytes, message: some ContiguousBytes)
        throws(CryptoError) -> [UInt8]
    {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty key is legal (RFC 2104 pads it with zeros); give libcrypto a valid pointer for it.
        let zero: [UInt8] = [0]
        // HMAC(3): "HMAC() returns a pointer to the authentication code or NULL if an error occurred."
        let produced: Bool = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                zero.withUnsafeBytes { z in
                    out.withUnsafeMutableBufferPointer { o in
                        guard k.count <= Int(Int32.max) else { return false }
                        let keyPointer = k.count > 0 ? k.baseAddress : z.baseAddress
                        let messagePointer = m.count > 0 ? m.baseAddress : z.baseAddress
                        return HMAC(
                            md, keyPointer, Int32(k.count), messagePointer?.assumingMemoryBound(to: UInt8.self),
                            m.count, o.baseAddress, &length) != nil
                    }
                }
            }
        }
        try check(produced ? 1 : 0, "HMAC")
        return Array(out.prefix(Int(length)))
    }

    // MARK: Comparison

    /// True when both byte strings are equal, comparing contents in constant time (CRYPTO_memcmp).
    /// The lengths are compared first and are not secret; compare fixed-length digests when they must be.
    public static func constantTimeEquals(_ a: some ContiguousBytes, _ b: some ContiguousBytes) -> Bool {
        a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                guard x.count == y.count else { return false }
                guard x.count > 0, let px = x.baseAddress, let py = y.baseAddress else { return true }
                return CRYPTO_memcmp(px, py, x.count) == 0
            }
        }
    }

    /// Constant-time equality of two strings' UTF-8 bytes (lengths compared first).
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(Array(a.utf8), Array(b.utf8))
    }

    /// Equality of two secrets that reveals neither their contents nor their lengths: compares SHA-256 digests.
    public static func secretsEqual(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(sha256(a), sha256(b))
    }
}

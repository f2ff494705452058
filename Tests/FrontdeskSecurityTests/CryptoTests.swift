import Foundation
import Testing

@testable import FrontdeskSecurity

private func bytes(_ hex: String) -> [UInt8] { Encoding.fromHex(hex) ?? [] }
private func repeated(_ byte: UInt8, _ n: Int) -> [UInt8] { [UInt8](repeating: byte, count: n) }

struct MACVector: Sendable, CustomStringConvertible {
    var name: String
    var key: [UInt8]
    var data: [UInt8]
    var expected: String
    var description: String { name }
}

/// RFC 4231 §4.2–4.8, HMAC-SHA-256 (test case 5's output is truncated to 128 bits by the RFC).
let rfc4231: [MACVector] = [
    MACVector(
        name: "TC1", key: repeated(0x0b, 20), data: Array("Hi There".utf8),
        expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    MACVector(
        name: "TC2", key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
        expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    MACVector(
        name: "TC3", key: repeated(0xaa, 20), data: repeated(0xdd, 50),
        expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    MACVector(
        name: "TC4", key: bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), data: repeated(0xcd, 50),
        expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    MACVector(
        name: "TC5", key: repeated(0x0c, 20), data: Array("Test With Truncation".utf8),
        expected: "a3b6167473100ee06e0c796c2955552b"),
    MACVector(
        name: "TC6", key: repeated(0xaa, 131),
        data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
        expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    MACVector(
        name: "TC7", key: repeated(0xaa, 131),
        data: Array(
            ("This is a test using a larger than block-size key and a larger than block-size data. The key needs to"
                + " be hashed before being used by the HMAC algorithm.").utf8),
        expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]

/// RFC 2202 §3, HMAC-SHA-1 test cases 1–7 (case 5's full 160-bit output).
let rfc2202: [MACVector] = [
    MACVector(
        name: "1", key: repeated(0x0b, 20), data: Array("Hi There".utf8),
        expected: "b617318655057264e28bc0b6fb378c8ef146be00"),
    MACVector(
        name: "2", key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
        expected: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    MACVector(
        name: "3", key: repeated(0xaa, 20), data: repeated(0xdd, 50),
        expected: "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    MACVector(
        name: "4", key: bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), data: repeated(0xcd, 50),
        expected: "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    MACVector(
        name: "5", key: repeated(0x0c, 20), data: Array("Test With Truncation".utf8),
        expected: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    MACVector(
        name: "6", key: repeated(0xaa, 80), data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
        expected: "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    MACVector(
        name: "7", key: repeated(0xaa, 80),
        data: Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8),
        expected: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
]

@Suite struct CryptoTests {
    @Test(arguments: rfc4231) func hmacSHA256KnownAnswers(_ v: MACVector) {
        let mac = Encoding.hex(Crypto.hmacSHA256(key: v.key, message: v.data))
        #expect(mac.hasPrefix(v.expected))
        #expect(mac.count == 64)
    }

    @Test(arguments: rfc2202) func hmacSHA1KnownAnswers(_ v: MACVector) {
        #expect(Encoding.hex(Crypto.hmacSHA1(key: v.key, message: v.data)) == v.expected)
    }

    /// FIPS 180-2 appendix B.1 / NIST CSRC examples: SHA-256("abc"), SHA-256(""), SHA-1("abc").
    @Test func digestKnownAnswers() {
        #expect(
            Encoding.hex(Crypto.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Encoding.hex(Crypto.sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Encoding.hex(Crypto.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Encoding.hex(Crypto.sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Encoding.hex(Crypto.sha256(Data("abc".utf8))) == Encoding.hex(Crypto.sha256("abc")))
    }

    @Test func emptyKeyAndMessageAreAccepted() {
        // HMAC-SHA256("", "") is a well-known value (e.g. Python hmac.new(b"", b"", sha256)).
        #expect(
            Encoding.hex(Crypto.hmacSHA256(key: "", message: ""))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func randomBytesAreRandomAndSized() throws {
        #expect(try Crypto.randomBytes(0).isEmpty)
        let a = try Crypto.randomBytes(32)
        let b = try Crypto.randomBytes(32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
        #expect(try Crypto.randomBytes(1000).count == 1000)
    }

    @Test func constantTimeEquality() {
        #expect(Crypto.constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!Crypto.constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!Crypto.constantTimeEquals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(Crypto.constantTimeEquals([] as [UInt8], [] as [UInt8]))
        #expect(Crypto.constantTimeEquals("secret", "secret"))
        #expect(!Crypto.constantTimeEquals("secret", "Secret"))
        #expect(Crypto.secretsEqual("user:pw", "user:pw"))
        #expect(!Crypto.secretsEqual("user:pw", "user:pw2"))
    }

    @Test func checkHelperThrowsOnFailureCodes() {
        #expect(throws: CryptoError(function: "RAND_bytes", code: 0)) { try Crypto.check(0, "RAND_bytes") }
        #expect(throws: CryptoError(function: "RAND_bytes", code: -1)) { try Crypto.check(-1, "RAND_bytes") }
        #expect(throws: Never.self) { try Crypto.check(1, "RAND_bytes") }
    }

    @Test func encodings() {
        // RFC 4648 §10 test vectors.
        let cases = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in cases {
            #expect(Encoding.base64(Array(plain.utf8)) == encoded)
            #expect(Encoding.fromBase64(encoded) == Array(plain.utf8))
            #expect(Encoding.base64URL(Array(plain.utf8)) == encoded.replacingOccurrences(of: "=", with: ""))
        }
        #expect(Encoding.base64URL([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Encoding.fromBase64URL("-_-_") == [0xfb, 0xff, 0xbf])
        #expect(Encoding.fromBase64URL("+/+/") == nil)
        #expect(Encoding.fromBase64("Zm9vY") == nil)
        #expect(Encoding.fromBase64("Zm9v!") == nil)
        #expect(Encoding.hex([0x00, 0xab, 0xff]) == "00abff")
        #expect(Encoding.fromHex("00ABff") == [0x00, 0xab, 0xff])
        #expect(Encoding.fromHex("abc") == nil)
        #expect(Encoding.fromHex("zz") == nil)
    }
}

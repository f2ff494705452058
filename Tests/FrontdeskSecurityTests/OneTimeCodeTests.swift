import FrontdeskCore
import Testing

@testable import FrontdeskSecurity

@Suite("One-time codes")
struct OneTimeCodeTests {
    @Test func sixDigitsFromTheCSPRNGStoredOnlyAsASaltedHash() throws {
        var codes: Set<String> = []
        var salts: Set<String> = []
        var firstDigits: Set<Character> = []
        for _ in 0..<500 {
            let (code, salt, hash) = try OneTimeCode.generate()
            #expect(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber })
            #expect(salt.count == 32 && hash.count == 64 && !hash.contains(code))
            #expect(OneTimeCode.matches(code, salt: salt, hash: hash))
            #expect(hash == Encoding.hex(Crypto.sha256(salt + code)))
            codes.insert(code)
            salts.insert(salt)
            firstDigits.insert(code.first ?? "x")
        }
        // 500 draws from a million: a repeat is possible but more than a few would mean a broken source.
        #expect(codes.count >= 495)
        #expect(salts.count == 500)
        #expect(firstDigits.count == 10)  // leading zeros are kept, every first digit occurs
    }

    @Test func onlyTheExactCodeMatches() throws {
        let (code, salt, hash) = try OneTimeCode.generate()
        let other = String(code.dropLast()) + (code.last == "0" ? "1" : "0")
        #expect(!OneTimeCode.matches(other, salt: salt, hash: hash))
        #expect(!OneTimeCode.matches(code, salt: salt + "0", hash: hash))
        #expect(!OneTimeCode.matches(" " + code, salt: salt, hash: hash))
        #expect(!OneTimeCode.matches(code + "0", salt: salt, hash: hash))
        #expect(!OneTimeCode.matches("", salt: salt, hash: hash))
        // A known vector: SHA-256("00" + "123456"), computed independently with `printf 00123456 | sha256sum`.
        #expect(
            OneTimeCode.hash("123456", salt: "00") == "70d5240bcc93fc45a0d729677567446159c7785271018cebe9acd30e4e20ba38"
        )
    }
}

import Foundation
import Testing

@testable import FrontdeskSecurity

@Suite struct LinkTokenTests {
    static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test func shapeAndHash() throws {
        let (token, hash) = try LinkToken.generate()
        #expect(token.count == 43)
        #expect(token.allSatisfy { Self.alphabet.contains($0) })
        #expect(Encoding.fromBase64URL(token)?.count == 32)
        #expect(hash == Encoding.hex(Crypto.sha256(Array(token.utf8))))
        #expect(hash.count == 64 && hash == hash.lowercased())
        #expect(LinkToken.hash(token) == hash)
        #expect(LinkToken.isWellFormed(token))
    }

    @Test func tenThousandAreDistinctAndWellFormed() throws {
        var tokens = Set<String>()
        var hashes = Set<String>()
        for _ in 0..<10_000 {
            let (token, hash) = try LinkToken.generate()
            #expect(LinkToken.isWellFormed(token))
            tokens.insert(token)
            hashes.insert(hash)
        }
        #expect(tokens.count == 10_000)
        #expect(hashes.count == 10_000)
    }

    @Test func knownHash() {
        // SHA-256 of the ASCII text "abc".
        #expect(LinkToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: [
        "", "abc", String(repeating: "A", count: 42), String(repeating: "A", count: 44),
        String(repeating: "A", count: 42) + "=", String(repeating: "A", count: 42) + "+",
        String(repeating: "A", count: 42) + "/", String(repeating: "A", count: 41) + "é",
        String(repeating: "A", count: 42) + "B",  // last character carries non-zero spare bits
        "../../etc/passwd" + String(repeating: "A", count: 27), "' OR 1=1 --" + String(repeating: "A", count: 32),
        String(repeating: "A", count: 42) + " ",
    ])
    func rejectsJunk(_ junk: String) {
        #expect(!LinkToken.isWellFormed(junk))
    }

    @Test func acceptsEveryValidLastCharacter() {
        for last in "AEIMQUYcgkosw048" {
            #expect(LinkToken.isWellFormed(String(repeating: "A", count: 42) + String(last)))
        }
    }
}

@Suite struct AdminTokenTests {
    @Test func generateAndMatch() throws {
        let (token, hash) = try AdminToken.generate()
        #expect(token.count == 43)
        #expect(AdminToken.isWellFormed(token))
        #expect(AdminToken.matches(token, storedHashes: ["00", hash]))
        #expect(!AdminToken.matches(token + "x", storedHashes: [hash]))
        #expect(!AdminToken.matches(token, storedHashes: []))
        #expect(AdminToken.fromAuthorization("Bearer \(token)") == token)
        #expect(AdminToken.fromAuthorization("bearer  \(token) ") == token)
        #expect(AdminToken.fromAuthorization("Basic \(token)") == nil)
        #expect(AdminToken.fromAuthorization(nil) == nil)
    }

    @Test func wellFormedness() {
        #expect(AdminToken.isWellFormed("operator-chosen.token~v1"))
        #expect(AdminToken.isWellFormed("abcdefghijklmnop=="))
        #expect(!AdminToken.isWellFormed("short"))
        #expect(!AdminToken.isWellFormed("has space in the middle"))
        #expect(!AdminToken.isWellFormed("abcdefgh=ijklmnopq"))
        #expect(!AdminToken.isWellFormed(String(repeating: "a", count: 513)))
        #expect(!AdminToken.isWellFormed("abcdefghijklmnop\r\nX"))
    }
}

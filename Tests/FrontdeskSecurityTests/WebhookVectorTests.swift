import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskSecurity

/// One Twilio entry of Tests/Fixtures/corpus/webhooks/vectors.json (sources cited in the file).
struct TwilioVector: Sendable, CustomStringConvertible {
    enum Params: Sendable {
        case form([(name: String, value: String)])
        case body(String)
    }
    var id: String
    var authToken: String
    var url: String
    var params: Params
    var signature: String
    var expectValid: Bool
    var stringToSign: String?
    var description: String { id }

    static func all() throws -> [TwilioVector] {
        let root = try Corpus.json("vectors.json")
        let entries = try #require(root["twilio"] as? [[String: Any]])
        return try entries.compactMap { e -> TwilioVector? in
            guard let signature = e["expected_signature"] as? String else { return nil }  // hash-only entries
            let id = try #require(e["id"] as? String)
            let params: Params
            switch e["params"] {
            case let dict as [String: String]:
                params = .form(dict.map { (name: $0.key, value: $0.value) })
            case let pairs as [[String]]:
                params = .form(pairs.map { (name: $0[0], value: $0[1]) })
            case let body as String:
                params = .body(body)
            default:
                Issue.record("\(id): unknown params shape")
                return nil
            }
            // JSON-body vectors carry the body separately and empty params.
            let finalParams: Params
            if case .form(let p) = params, p.isEmpty, let body = e["body"] as? String {
                finalParams = .body(body)
            } else {
                finalParams = params
            }
            return TwilioVector(
                id: id, authToken: try #require(e["auth_token"] as? String), url: try #require(e["url"] as? String),
                params: finalParams, signature: signature, expectValid: try #require(e["expect_valid"] as? Bool),
                stringToSign: e["string_to_sign"] as? String)
        }
    }

    static func hashEntries() throws -> [(id: String, body: String, sha256: String)] {
        let root = try Corpus.json("vectors.json")
        let entries = try #require(root["twilio"] as? [[String: Any]])
        return entries.compactMap { e in
            guard let id = e["id"] as? String, let body = e["body"] as? String,
                let hash = (e["expected_sha256_hex"] ?? e["body_sha256_hex"]) as? String
            else { return nil }
            return (id, body, hash)
        }
    }
}

struct MailgunVector: Sendable, CustomStringConvertible {
    var id: String
    var key: String
    var timestamp: String
    var token: String
    var signature: String
    var expectValid: Bool
    var description: String { id }

    static func all() throws -> [MailgunVector] {
        let root = try Corpus.json("vectors.json")
        let entries = try #require(root["mailgun"] as? [[String: Any]])
        return entries.compactMap { e in
            guard let id = e["id"] as? String, let key = e["signing_key"] as? String,
                let ts = e["timestamp"] as? String, let token = e["token"] as? String,
                let sig = e["expected_signature"] as? String, let valid = e["expect_valid"] as? Bool
            else { return nil }
            return MailgunVector(id: id, key: key, timestamp: ts, token: token, signature: sig, expectValid: valid)
        }
    }
}

/// A clock tests set by hand.
final class FixedClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ date: Date) { current = date }
    func now() -> Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

@Suite struct TwilioSignatureTests {
    @Test func corpusHasEveryVector() throws {
        let vectors = try TwilioVector.all()
        #expect(vectors.count == 19)
        #expect(vectors.contains { !$0.expectValid })
        #expect(try TwilioVector.hashEntries().count >= 3)
    }

    @Test(arguments: try TwilioVector.all()) func vector(_ v: TwilioVector) {
        let verifier = TwilioSignatureVerifier(authToken: v.authToken)
        switch v.params {
        case .form(let params):
            #expect(verifier.verify(url: v.url, params: params, signature: v.signature) == v.expectValid)
            if let s = v.stringToSign, v.expectValid {
                // The reconstruction in the file is one of the strings we try.
                let tried = TwilioSignatureVerifier.urlCandidates(v.url).map {
                    TwilioSignatureVerifier.stringToSign(url: $0, params: params)
                }
                #expect(tried.contains(s))
            }
        case .body(let body):
            #expect(verifier.verify(url: v.url, jsonBody: body, signature: v.signature) == v.expectValid)
        }
        // A wrong token never verifies, and neither does a tampered signature.
        let other = TwilioSignatureVerifier(authToken: "54321")
        let tampered = String(v.signature.reversed())
        switch v.params {
        case .form(let params):
            #expect(!other.verify(url: v.url, params: params, signature: v.signature))
            #expect(!verifier.verify(url: v.url, params: params, signature: tampered))
            #expect(!verifier.verify(url: v.url, params: params, signature: nil))
        case .body(let body):
            #expect(!other.verify(url: v.url, jsonBody: body, signature: v.signature))
            #expect(!verifier.verify(url: v.url, jsonBody: body + " ", signature: v.signature))
        }
    }

    @Test func bodyHashes() throws {
        for entry in try TwilioVector.hashEntries() {
            #expect(Encoding.hex(Crypto.sha256(entry.body)) == entry.sha256, "\(entry.id)")
        }
        // The raw fixture files are the exact bytes (no trailing newline).
        let sdk = try Corpus.data("twilio_json_body_sdk_tests.json")
        #expect(Encoding.hex(Crypto.sha256(sdk)) == "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620")
        let docs = try Corpus.data("twilio_json_body_docs_security_example.json")
        #expect(Encoding.hex(Crypto.sha256(docs)) == "5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9")
    }

    @Test func sdkTestVectorFile() throws {
        let v = try Corpus.json("twilio_signature_sdk_testvector.json")
        let token = try #require(v["auth_token"] as? String)
        let url = try #require(v["url"] as? String)
        let params = try #require(v["params"] as? [String: String])
        let signature = try #require(v["X-Twilio-Signature"] as? String)
        let verifier = TwilioSignatureVerifier(authToken: token)
        #expect(verifier.verify(url: url, params: params, signature: signature))
        #expect(
            TwilioSignatureVerifier.expectedSignature(
                authToken: token, url: url, params: params.map { (name: $0.key, value: $0.value) }) == signature)
        var changed = params
        changed["Digits"] = "1235"
        #expect(!verifier.verify(url: url, params: changed, signature: signature))
        changed = params
        changed["Extra"] = ""
        #expect(!verifier.verify(url: url, params: changed, signature: signature))
        #expect(!verifier.verify(url: url + "&x=1", params: params, signature: signature))
        #expect(!TwilioSignatureVerifier(authToken: "").verify(url: url, params: params, signature: signature))
    }

    @Test func jsonBodyVerificationNeedsTheHashInTheURL() throws {
        let body = try Corpus.data("twilio_json_body_sdk_tests.json")
        let url =
            "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        let verifier = TwilioSignatureVerifier(authToken: "12345")
        #expect(verifier.verify(url: url, jsonBody: [UInt8](body), signature: "a9nBmqA0ju/hNViExpshrM61xv4="))
        // A body that does not hash to bodySHA256 fails even though the URL signature is right.
        #expect(!verifier.verify(url: url, jsonBody: Array("{}".utf8), signature: "a9nBmqA0ju/hNViExpshrM61xv4="))
    }

    @Test func urlCandidatesFollowTheSDKs() {
        #expect(
            TwilioSignatureVerifier.urlCandidates("https://a.example/x?y=1")
                == ["https://a.example:443/x?y=1", "https://a.example/x?y=1"])
        #expect(
            TwilioSignatureVerifier.urlCandidates("http://a.example:8080/x")
                == ["http://a.example:8080/x", "http://a.example/x"])
        #expect(
            TwilioSignatureVerifier.whatwgSerialized("HTTPS://A.Example:443/p q?b='c'")
                == "https://a.example/p%20q?b=%27c%27")
        #expect(
            TwilioSignatureVerifier.queryValue(named: "bodySHA256", in: "https://a/b?x=1&bodySHA256=ab%63#f") == "abc")
    }
}

@Suite struct MailgunSignatureTests {
    @Test func corpusHasEveryVector() throws {
        #expect(try MailgunVector.all().count == 3)
    }

    @Test(arguments: try MailgunVector.all()) func vector(_ v: MailgunVector) throws {
        #expect(
            MailgunSignatureVerifier.isValidSignature(
                signingKey: v.key, timestamp: v.timestamp, token: v.token, signature: v.signature) == v.expectValid)
        // Through the full check, with the clock at the vector's own time.
        let seconds = try #require(TimeInterval(v.timestamp))
        let verifier = MailgunSignatureVerifier(
            signingKey: v.key, clock: FixedClock(Date(timeIntervalSince1970: seconds)))
        if v.expectValid {
            #expect(throws: Never.self) {
                try verifier.verify(timestamp: v.timestamp, token: v.token, signature: v.signature)
            }
        } else {
            #expect(throws: WebhookAuthError.self) {
                try verifier.verify(timestamp: v.timestamp, token: v.token, signature: v.signature)
            }
        }
    }

    static let key = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
    static let good = (
        timestamp: "1403645220", token: "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6",
        signature: "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33"
    )

    @Test func replayWindowAndReuse() {
        let sent = Date(timeIntervalSince1970: 1_403_645_220)
        let clock = FixedClock(sent.addingTimeInterval(299))
        let verifier = MailgunSignatureVerifier(signingKey: Self.key, clock: clock)
        let g = Self.good
        #expect(throws: Never.self) {
            try verifier.verify(timestamp: g.timestamp, token: g.token, signature: g.signature)
        }
        #expect(throws: WebhookAuthError.replayed) {
            try verifier.verify(timestamp: g.timestamp, token: g.token, signature: g.signature)
        }
        let later = MailgunSignatureVerifier(signingKey: Self.key, clock: FixedClock(sent.addingTimeInterval(301)))
        #expect(throws: WebhookAuthError.stale) {
            try later.verify(timestamp: g.timestamp, token: g.token, signature: g.signature)
        }
        let early = MailgunSignatureVerifier(signingKey: Self.key, clock: FixedClock(sent.addingTimeInterval(-301)))
        #expect(throws: WebhookAuthError.stale) {
            try early.verify(timestamp: g.timestamp, token: g.token, signature: g.signature)
        }
    }

    @Test func refusalReasons() {
        let clock = FixedClock(Date(timeIntervalSince1970: 1_403_645_220))
        let verifier = MailgunSignatureVerifier(signingKey: Self.key, clock: clock)
        let g = Self.good
        #expect(throws: WebhookAuthError.missing) {
            try verifier.verify(timestamp: nil, token: g.token, signature: g.signature)
        }
        #expect(throws: WebhookAuthError.missing) {
            try verifier.verify(timestamp: g.timestamp, token: "", signature: g.signature)
        }
        #expect(throws: WebhookAuthError.malformed) {
            try verifier.verify(timestamp: "soon", token: g.token, signature: g.signature)
        }
        #expect(throws: WebhookAuthError.malformed) {
            try verifier.verify(timestamp: g.timestamp, token: g.token, signature: g.signature + "0")
        }
        #expect(throws: WebhookAuthError.badSignature) {
            try verifier.verify(timestamp: "1403645221", token: g.token, signature: g.signature)
        }
        let other = MailgunSignatureVerifier(signingKey: "key-other", clock: clock)
        #expect(throws: WebhookAuthError.badSignature) {
            try other.verify(timestamp: g.timestamp, token: g.token, signature: g.signature)
        }
        // Upper-case hex is the same signature.
        let fresh = MailgunSignatureVerifier(signingKey: Self.key, clock: clock)
        #expect(throws: Never.self) {
            try fresh.verify(timestamp: g.timestamp, token: g.token, signature: g.signature.uppercased())
        }
    }

    @Test func corpusDocSamplesAreNotForgeable() throws {
        // The docs' samples carry no key; the forward sample's signature is 65 hex digits (a docs typo).
        let verifier = MailgunSignatureVerifier(
            signingKey: Self.key, clock: FixedClock(Date(timeIntervalSince1970: 1_481_310_293)))
        #expect(throws: WebhookAuthError.malformed) {
            try verifier.verify(
                timestamp: "1481310293", token: "a71d0000ed34da6768198da96f9daaf8fb98adbccfdbd2fdaf",
                signature: "17436304dd4dd094e9b8c3addb975acc6297718da468c2900dac4a43787c97596")
        }
        #expect(throws: WebhookAuthError.badSignature) {
            try verifier.verify(
                timestamp: "1481310293", token: "f2a24f20007696fb23fd66ff0f59f17fac3f885324caaaec50",
                signature: "6ed72df4b5f00af436fff03730dc8bda31bf5800fdf431d1da5c0009a639d57e")
        }
    }
}

@Suite struct ReplayCacheTests {
    @Test func boundedAndExpiring() {
        let cache = InMemoryReplayCache(capacity: 3)
        let t0 = Date(timeIntervalSince1970: 1000)
        #expect(cache.insert("a", expiresAt: t0 + 10, now: t0))
        #expect(!cache.insert("a", expiresAt: t0 + 10, now: t0 + 5))
        #expect(cache.insert("b", expiresAt: t0 + 20, now: t0))
        #expect(cache.insert("c", expiresAt: t0 + 30, now: t0))
        // Full: the oldest goes to make room.
        #expect(cache.insert("d", expiresAt: t0 + 40, now: t0 + 1))
        #expect(cache.count == 3)
        #expect(!cache.insert("d", expiresAt: t0 + 40, now: t0 + 2))
        // After expiry a key is forgotten and the room is reclaimed.
        #expect(cache.insert("b", expiresAt: t0 + 50, now: t0 + 25))
        #expect(cache.count == 3)
        #expect(cache.insert("x", expiresAt: t0 + 100, now: t0 + 45))
        #expect(cache.count == 2)
    }

    @Test func concurrentInsertsAcceptEachKeyOnce() async {
        let cache = InMemoryReplayCache()
        let now = Date()
        let accepted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var n = 0
                    for i in 0..<500 where cache.insert("k\(i)", expiresAt: now + 60, now: now) { n += 1 }
                    return n
                }
            }
            return await group.reduce(0, +)
        }
        #expect(accepted == 500)
    }
}

@Suite struct BasicAuthTests {
    static func header(_ credentials: String, scheme: String = "Basic") -> String {
        scheme + " " + Encoding.base64(Array(credentials.utf8))
    }

    @Test func acceptsOnlyTheConfiguredCredentials() throws {
        let auth = try #require(BasicAuthVerifier(credentials: "postmark:s3cr3t:with:colons"))
        #expect(auth.verify(authorizationHeader: Self.header("postmark:s3cr3t:with:colons")))
        #expect(auth.verify(authorizationHeader: Self.header("postmark:s3cr3t:with:colons", scheme: "basic")))
        #expect(!auth.verify(authorizationHeader: Self.header("postmark:s3cr3t")))
        #expect(!auth.verify(authorizationHeader: Self.header("Postmark:s3cr3t:with:colons")))
        #expect(!auth.verify(authorizationHeader: Self.header("postmark:s3cr3t:with:colons", scheme: "Bearer")))
        #expect(!auth.verify(authorizationHeader: "Basic !!!notbase64"))
        #expect(!auth.verify(authorizationHeader: "Basic "))
        #expect(!auth.verify(authorizationHeader: nil))
        #expect(BasicAuthVerifier(credentials: "nocolon") == nil)
        #expect(BasicAuthVerifier(credentials: ":onlypassword") == nil)
        let sendgrid: SendGridWebhookAuth? = SendGridWebhookAuth(credentials: "sg:pw")
        #expect(sendgrid?.verify(authorizationHeader: "Basic c2c6cHc=") == true)
    }
}

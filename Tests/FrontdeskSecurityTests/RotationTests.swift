import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskSecurity

/// Every secret accepts several comma-separated values, so a key can be rotated without downtime.
@Suite struct RotationTests {
    @Test func secretListsSplitTrimAndKeepOrder() {
        #expect(SecretList.values(" new , old ,,") == ["new", "old"])
        #expect(SecretList.values(nil).isEmpty)
        #expect(SecretList.current("new,old") == "new")
        #expect(SecretList.current(" , ") == nil)
    }

    @Test func twilioAcceptsEitherTokenDuringRotation() {
        let url = "https://desk.example.test/webhooks/twilio"
        let params = [(name: "Body", value: "hi"), (name: "From", value: "+15550101001")]
        let old = TwilioSignatureVerifier.expectedSignature(authToken: "old-token", url: url, params: params)
        let new = TwilioSignatureVerifier.expectedSignature(authToken: "new-token", url: url, params: params)
        let other = TwilioSignatureVerifier.expectedSignature(authToken: "other-token", url: url, params: params)
        let rotating = TwilioSignatureVerifier(authToken: "new-token,old-token")
        #expect(rotating.verify(url: url, params: params, signature: old))
        #expect(rotating.verify(url: url, params: params, signature: new))
        #expect(!rotating.verify(url: url, params: params, signature: other))
        #expect(!TwilioSignatureVerifier(authToken: "new-token").verify(url: url, params: params, signature: old))
        #expect(!TwilioSignatureVerifier(authToken: " , ").verify(url: url, params: params, signature: old))
    }

    @Test func mailgunAcceptsEitherSigningKeyDuringRotation() throws {
        let clock = FixedClock(Date(timeIntervalSince1970: 1_800_000_000))
        let timestamp = "1800000000"
        func signed(_ key: String, _ token: String) -> String {
            Encoding.hex(Crypto.hmacSHA256(key: key, message: timestamp + token))
        }
        let verifier = MailgunSignatureVerifier(signingKey: "key-new,key-old", clock: clock)
        try verifier.verify(timestamp: timestamp, token: "t1", signature: signed("key-old", "t1"))
        try verifier.verify(timestamp: timestamp, token: "t2", signature: signed("key-new", "t2"))
        #expect(throws: WebhookAuthError.badSignature) {
            try verifier.verify(timestamp: timestamp, token: "t3", signature: signed("key-other", "t3"))
        }
    }

    @Test func basicAuthAcceptsEitherCredentialDuringRotation() throws {
        func header(_ credentials: String) -> String { "Basic " + Data(credentials.utf8).base64EncodedString() }
        let verifier = try #require(BasicAuthVerifier(credentials: "postmark:new-pass, postmark:old-pass"))
        #expect(verifier.verify(authorizationHeader: header("postmark:new-pass")))
        #expect(verifier.verify(authorizationHeader: header("postmark:old-pass")))
        #expect(!verifier.verify(authorizationHeader: header("postmark:other")))
        #expect(!verifier.verify(authorizationHeader: header("postmark:new-pass, postmark:old-pass")))
        #expect(BasicAuthVerifier(credentials: "postmark:new-pass,nocolon") == nil)
    }
}

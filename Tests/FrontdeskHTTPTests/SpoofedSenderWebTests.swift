import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

/// Issue 12 through the real server: what an attacker posted, as each provider would have delivered it.
@Suite struct SpoofedSenderWebTests {
    static let mailgunKey = "key-mailgun-spoof-tests"
    static let sendgridAuth = "sendgrid:sg-spoof"
    static let postmarkAuth = "postmark:pm-spoof"
    static let alice = "alice@example.com"  // client 1: active, Unlimited Yoga
    static let staff = ["admin@maple-studio.example", "owner@maple-studio.example", "sara@maple-studio.example"]
    static let forgedAR =
        "attacker.example; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; "
        + "dmarc=pass header.from=example.com"

    static func fixture(_ options: InboundOptions = InboundOptions()) throws -> WebFixture {
        let f = try WebFixture(
            settings: WebhookSettings(
                baseURL: "https://desk.example.test", mailgunSigningKey: mailgunKey, postmarkBasicAuth: postmarkAuth,
                sendgridBasicAuth: sendgridAuth, inboundOptions: options))
        try f.bot.set("cancel", ["allowed": .bool(true)])  // `plugins set cancel allowed=true`
        return f
    }

    static func multipart(_ fields: [(String, String)]) -> Data {
        multipartBody(
            boundary: "spoof", parts: fields.map { (name: $0.0, filename: nil, type: nil, value: Data($0.1.utf8)) })
    }

    /// SendGrid Inbound Parse, parsed mode: the provider's own `SPF` and `dkim` fields, and the header block.
    static func sendgrid(_ f: WebFixture, _ text: String, id: String, spf: String, dkim: String, headers: String)
        async throws -> Int
    {
        let fields = [
            ("from", "Alice Johnson <\(alice)>"), ("to", Demo.inbox), ("subject", "Membership"), ("text", text),
            ("SPF", spf), ("dkim", dkim), ("envelope", #"{"to":["\#(Demo.inbox)"],"from":"\#(alice)"}"#),
            ("headers", "Message-ID: <\(id)@mail.example.com>\nFrom: Alice Johnson <\(alice)>\n" + headers),
        ]
        return try await fetch(
            f.server, "/webhooks/sendgrid", method: "POST",
            headers: ["Content-Type": "multipart/form-data; boundary=spoof", "Authorization": basic(sendgridAuth)],
            body: multipart(fields)
        ).status
    }

    static func mailgun(_ f: WebFixture, _ text: String, token: String, headers: [[String]]) async throws -> Int {
        let timestamp = Int(f.bot.clock.now().timeIntervalSince1970)
        let signature = Encoding.hex(Crypto.hmacSHA256(key: mailgunKey, message: "\(timestamp)\(token)"))
        let json = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        let fields = [
            ("recipient", Demo.inbox), ("sender", alice), ("from", "Alice Johnson <\(alice)>"), ("subject", "Hi"),
            ("body-plain", text), ("Message-Id", "<\(token)@mail.example.com>"), ("message-headers", json),
            ("timestamp", String(timestamp)), ("token", token), ("signature", signature),
        ]
        return try await fetch(
            f.server, "/webhooks/mailgun", method: "POST",
            headers: ["Content-Type": "multipart/form-data; boundary=spoof"], body: multipart(fields)
        ).status
    }

    static func postmark(_ f: WebFixture, _ text: String, id: String, headers: [[String: String]]) async throws -> Int {
        let object: [String: Any] = [
            "MessageID": id, "From": alice, "FromFull": ["Email": alice, "Name": "Alice Johnson"], "To": Demo.inbox,
            "Subject": "Membership", "TextBody": text, "Headers": headers,
        ]
        return try await fetch(
            f.server, "/webhooks/postmark", method: "POST",
            headers: ["Content-Type": "application/json", "Authorization": basic(postmarkAuth)],
            body: try JSONSerialization.data(withJSONObject: object)
        ).status
    }

    func trusts(_ f: WebFixture) throws -> [AuthVerdict.Trust?] {
        let count = try f.bot.count("messages")
        return try f.bot.app.store.read { c in try (0..<count).map { try c.message(id: $0 + 1)?.senderTrust } }
    }

    @Test func aSpoofedCancellationThroughSendGridChangesNothingAndAnswersNobody() async throws {
        let f = try Self.fixture()
        let forged = "Authentication-Results: attacker.example; dmarc=pass header.from=example.com\n"
        for (i, text) in ["I want to cancel my membership", "YES"].enumerated() {
            let status = try await Self.sendgrid(
                f, text, id: "spoof-\(i)", spf: "fail", dkim: "{@example.com : fail}", headers: forged)
            #expect(status == 200)
        }
        #expect(try f.bot.membership(clientID: 1)?.status == .active)
        #expect(try f.bot.audit("membership.cancel").isEmpty)
        #expect(!(try f.bot.outbox()).contains { $0.recipient == Self.alice })
        #expect(try f.bot.outbox().isEmpty)
        #expect(try trusts(f) == [.unverified, .unverified])

        // Control: the same conversation with the provider's passing verdicts does cancel, as the client, so it
        // was the verdicts alone that stopped the forgery.
        for (i, text) in ["I want to cancel my membership", "YES"].enumerated() {
            let status = try await Self.sendgrid(
                f, text, id: "real-\(i)", spf: "pass", dkim: "{@example.com : pass}", headers: "")
            #expect(status == 200)
        }
        #expect(try f.bot.membership(clientID: 1)?.status == .pendingCancel)
        #expect(try f.bot.audit("membership.cancel").map(\.actor) == ["client:1"])
        #expect(try f.bot.outbox().filter { $0.recipient == Self.alice }.count == 2)
    }

    @Test func aForgedMailgunAuthenticationResultsIsNoVerdict() async throws {
        let f = try Self.fixture()
        let forged = [["Authentication-Results", Self.forgedAR], ["From", "Alice Johnson <\(Self.alice)>"]]
        #expect(
            try await Self.mailgun(f, "I want to cancel my membership", token: "tok-spoof-1", headers: forged) == 200)
        #expect(try trusts(f) == [.unknown])
        let rows = try f.bot.outbox()
        #expect(rows.map(\.recipient).sorted() == Self.staff)
        #expect(rows.allSatisfy { $0.kind == "staff_notice" && $0.body.contains("Unverified message from alice") })
        #expect(try f.bot.membership(clientID: 1)?.status == .active)

        // Mailgun's own SPF field failing, with a forged header copy below it claiming a pass: unverified, silent.
        let copies = [["X-Mailgun-Spf", "Fail"], ["Received", "from attacker.example"], ["X-Mailgun-Spf", "Pass"]]
        #expect(try await Self.mailgun(f, "YES", token: "tok-spoof-2", headers: copies) == 200)
        #expect(try trusts(f) == [.unknown, .unverified])
        #expect(try f.bot.outbox().count == 3)
        #expect(try f.bot.audit("membership.cancel").isEmpty)
    }

    @Test func postmarkHeadersTheSenderWroteAreHandedToStaffNotActedOn() async throws {
        let f = try Self.fixture()
        let attempts: [[[String: String]]] = [
            [["Name": "Authentication-Results", "Value": Self.forgedAR]],
            [["Name": "X-Spam-Tests", "Value": "DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,SPF_PASS"]],
            [["Name": "Received-SPF", "Value": "Pass (sender SPF authorized) envelope-from=alice@example.com"]],
        ]
        for (i, headers) in attempts.enumerated() {
            let text = i == 0 ? "I want to cancel my membership" : "YES"
            #expect(try await Self.postmark(f, text, id: "pm-spoof-\(i)", headers: headers) == 200)
        }
        #expect(try trusts(f) == [.unknown, .unknown, .unknown])
        let rows = try f.bot.outbox()
        #expect(rows.count == 9)  // three messages, one notice to each of the three staff emails
        for email in Self.staff { #expect(rows.filter { $0.recipient == email }.count == 3) }
        #expect(!rows.contains { $0.recipient == Self.alice })
        #expect(try f.bot.membership(clientID: 1)?.status == .active)
        #expect(try f.bot.audit("membership.cancel").isEmpty)
    }

    @Test func aConfiguredAuthservIDIsHonoured() async throws {
        // FRONTDESK_AUTHSERV_ID=mx.google.com: the operator's Google Workspace forwards to Postmark.
        let f = try Self.fixture(InboundOptions(authservIDs: ["mx.google.com"]))
        let google =
            "mx.google.com; dkim=pass header.i=@example.com; spf=pass smtp.mailfrom=alice@example.com; "
            + "dmarc=pass header.from=example.com"
        let headers = [["Name": "Authentication-Results", "Value": google]]
        #expect(try await Self.postmark(f, "when is my next billing date?", id: "pm-real-1", headers: headers) == 200)
        #expect(try trusts(f) == [.verified])
        let reply = try #require(try f.bot.outbox().first)
        #expect(reply.recipient == Self.alice)
        #expect(reply.body.contains("Unlimited Yoga"))
    }
}

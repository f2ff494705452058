import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

/// Issue 14 through the real server: staff forwards arriving as signed Mailgun raw-MIME webhooks, and the download
/// page of an approved data export.
@Suite struct StaffForwardWebTests {
    static let mailgunKey = "key-mailgun-forward-tests"
    static let owner = "owner@maple-studio.example"
    static let admin = "admin@maple-studio.example"
    static let sara = "sara@maple-studio.example"

    static func fixture() throws -> WebFixture {
        try WebFixture(settings: WebhookSettings(baseURL: "https://desk.example.test", mailgunSigningKey: mailgunKey))
    }

    /// Posts the email as Mailgun's signed `body-mime` route does; returns the HTTP status.
    static func post(_ f: WebFixture, _ email: ForwardedEmail, token: String) async throws -> Int {
        let timestamp = Int(f.bot.clock.now().timeIntervalSince1970)
        let signature = Encoding.hex(Crypto.hmacSHA256(key: mailgunKey, message: "\(timestamp)\(token)"))
        let fields = [
            ("recipient", Demo.inbox), ("sender", email.staff), ("body-mime", email.raw),
            ("timestamp", String(timestamp)), ("token", token), ("signature", signature),
        ]
        return try await fetch(
            f.server, "/webhooks/mailgun", method: "POST",
            headers: ["Content-Type": "application/x-www-form-urlencoded"], body: formEncode(fields)
        ).status
    }

    @Test(arguments: [owner, admin, sara])
    func forwardsWithANoteThatAsksAndOneThatDoesNot(_ staff: String) async throws {
        let f = try Self.fixture()
        let asks = ForwardedEmail(
            staff: staff, note: "Can you send her a link to update her card?",
            clientFrom: "Alice Johnson <alice@example.com>", clientSubject: "my card",
            clientBody: "Hi, my card expired last week.\n\nAlice", messageID: "w1-\(staff)")
        #expect(try await Self.post(f, asks, token: "t1") == 200)
        let seeBelow = ForwardedEmail(
            staff: staff, note: "see below", clientFrom: "Mia Nguyen <mia@example.com>", clientSubject: "card",
            clientBody: "my card was stolen, I need to change it", messageID: "w2-\(staff)")
        #expect(try await Self.post(f, seeBelow, token: "t2") == 200)

        let rows = try f.bot.outbox()
        #expect(rows.map(\.recipient) == ["alice@example.com", staff, "mia@example.com", staff])
        // The links went to the clients' own addresses, each issued for that client.
        #expect(rows[0].body.hasPrefix("Hi Alice, update your card here") && linkTokens(in: rows[0].body).count == 1)
        #expect(rows[2].body.hasPrefix("Hi Mia, update your card here") && linkTokens(in: rows[2].body).count == 1)
        #expect(try f.bot.app.store.read { try $0.links(clientID: 1).count + $0.links(clientID: 13).count } == 2)
        // Staff got staff-facing accounts, threaded to their own message.
        #expect(rows[1].body == "Sent Alice Johnson a card-update link by email to a•••@example.com.")
        #expect(rows[3].body == "Sent Mia Nguyen a card-update link by email to m•••@example.com.")
        #expect(rows[1].headers["In-Reply-To"] == "<w1-\(staff)>" && rows[1].subject == "Re: Fwd: my card")
        for row in [rows[1], rows[3]] {
            for text in ["Hi ", "STOP", "/l/", "You can:"] { #expect(!row.body.contains(text)) }
        }
        let trust = try f.bot.app.store.read { c in try c.message(id: 1)?.senderTrust }
        #expect(trust == .verified)
    }

    @Test func severalMatchingClientsAndAClientWhoCannotBeFound() async throws {
        let f = try Self.fixture()
        try f.bot.addClient("Alice", "Johnson", emails: ["ajohnson@work.example"])
        let several = ForwardedEmail(
            staff: Self.owner, note: "FYI", clientFrom: "Alice Johnson <alice.j@gmail.example>",
            clientBody: "can you send me my receipts?", messageID: "w3")
        #expect(try await Self.post(f, several, token: "t3") == 200)
        let missing = ForwardedEmail(
            staff: Self.sara, note: "can you help?", clientFrom: "Zed Quill <zed@nowhere.example>",
            clientBody: "new card please", messageID: "w4")
        #expect(try await Self.post(f, missing, token: "t4") == 200)
        let rows = try f.bot.outbox()
        #expect(rows.map(\.recipient) == [Self.owner, Self.sara])
        #expect(rows[0].body.hasPrefix("Several clients match: 1) Alice Johnson (a•••@example.com), 2) Alice Johnson"))
        #expect(rows[1].body.contains("I looked for the email zed@nowhere.example, the name \"Zed Quill\""))
        #expect(try f.bot.count("links") == 0)
    }

    @Test func anApprovedExportDownloadsOnceAsJSON() async throws {
        let f = try Self.fixture()
        _ = try f.bot.say("what data do you have on me?", from: "ben.carter@example.com", subject: "My data")
        _ = try f.bot.app.pipeline.decidePrivacyRequest(id: 1, approve: true, by: Self.admin)
        let row = try #require(try f.bot.outbox().last)
        #expect(row.recipient == "ben.carter@example.com")
        let token = try #require(linkTokens(in: row.body).first)
        let path = "/l/" + token
        let page = try await fetch(f.server, path)
        #expect(page.status == 200 && page.text.contains("Download my data"))
        #expect(try f.bot.app.store.read { try $0.privacyRequest(id: 1)?.status } == .approved)  // GET spends nothing
        let download = try await fetch(f.server, path, method: "POST")
        #expect(download.status == 200)
        #expect(download.headers["content-disposition"]?.hasPrefix("attachment; filename=\"demo-data-") == true)
        #expect(download.headers["cache-control"] == "no-store")
        let json = try #require(try JSONSerialization.jsonObject(with: download.body) as? [String: Any])
        #expect(json["format"] as? String == "frontdesk.client_export.v1")
        #expect((json["client"] as? [String: Any])?["last_name"] as? String == "Carter")
        let requests = try #require(json["privacy_requests"] as? [[String: Any]])
        #expect(requests.first?["kind"] as? String == "export")
        #expect(try f.bot.app.store.read { try $0.privacyRequest(id: 1)?.status } == .done)
        #expect(try f.bot.audit("privacy.export_downloaded").first?.clientID == 2)
        let again = try await fetch(f.server, path, method: "POST")
        #expect(again.status == 410)
        #expect(!f.allLogs.contains(token))
    }
}

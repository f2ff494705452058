import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskApp

/// `frontdesk say --eml FILE`: a raw email through the webhook path (MIME, extraction with forwards, the receiving
/// server's verdict), here for staff forwarding clients' emails.
@Suite("say --eml", .serialized)
struct SayEMLTests {
    static let owner = "owner@maple-studio.example"
    static let admin = "admin@maple-studio.example"
    static let sara = "sara@maple-studio.example"

    /// Writes the email to a file and runs `frontdesk say --business demo --eml FILE ARGS --db …`.
    func say(_ bot: TestBot, _ email: ForwardedEmail, _ args: [String] = [], environment: [String: String] = [:])
        throws -> (code: Int32, out: String)
    {
        let file = NSTemporaryDirectory() + "fd-eml-\(UUID().uuidString).eml"
        try Data(email.raw.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return bot.cli(["say", "--business", "demo", "--eml", file] + args, environment: environment)
    }

    @Test(arguments: [owner, admin, sara])
    func aForwardWithANoteThatAsksSendsTheClientTheLink(_ staff: String) throws {
        let bot = try TestBot()
        let email = ForwardedEmail(
            staff: staff, note: "Can you send her a link to update her card?",
            clientFrom: "Alice Johnson <alice@example.com>", clientSubject: "my card",
            clientBody: "Hi, my card expired last week. What should I do?\n\nAlice",
            messageID: "fwd-1@maple-studio.example")
        let run = try say(bot, email, ["--json"])
        #expect(run.code == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(json["intent"] as? String == "payment_method.update")
        #expect(json["reply"] as? String == "Sent Alice Johnson a card-update link by email to a•••@example.com.")
        #expect((json["links"] as? [Any])?.isEmpty == true)
        let rows = try bot.outbox()
        #expect(rows.map(\.recipient) == ["alice@example.com", staff])
        #expect(rows[0].body.hasPrefix("Hi Alice, update your card here") && linkTokens(in: rows[0].body).count == 1)
        #expect(rows[1].headers["In-Reply-To"] == "<fwd-1@maple-studio.example>")
        #expect(!rows[1].body.contains("Hi Alice") && !rows[1].body.contains("/l/"))
        // The same file again is a provider retry: acknowledged, not acted on twice.
        #expect(try say(bot, email).out == "(duplicate message: ignored)")
        #expect(try bot.app.store.read { try $0.links(clientID: 1) }.count == 1)
    }

    @Test(arguments: [owner, admin, sara])
    func aForwardWhoseNoteAsksNothingActsOnTheClientsWords(_ staff: String) throws {
        let bot = try TestBot()
        let email = ForwardedEmail(
            staff: staff, note: "see below", clientFrom: "Mia Nguyen <mia@example.com>", clientSubject: "card",
            clientBody: "my card was stolen, I need to change it", messageID: "fwd-2@maple-studio.example")
        let run = try say(bot, email)
        #expect(run.code == 0)
        #expect(run.out == "Sent Mia Nguyen a card-update link by email to m•••@example.com.")
        for text in ["STOP", "Hi Mia", "You can:"] { #expect(!run.out.contains(text)) }
        #expect(try bot.outbox().first?.recipient == "mia@example.com")
    }

    @Test func severalMatchesAndNoMatch() throws {
        let bot = try TestBot()
        try bot.addClient("Alice", "Johnson", emails: ["ajohnson@work.example"])
        let several = ForwardedEmail(
            staff: Self.admin, note: "", clientFrom: "Alice Johnson <alice.j@gmail.example>",
            clientBody: "new card please",
            messageID: "fwd-3@maple-studio.example")
        let ask = try say(bot, several, ["--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ask.out.utf8)) as? [String: Any])
        #expect(json["state"] as? String == "awaiting_client_choice")
        #expect(
            (json["reply"] as? String)?.hasPrefix("Several clients match: 1) Alice Johnson (a•••@example.com)") == true)
        let missing = ForwardedEmail(
            staff: Self.admin, note: "please help her", clientFrom: "Zed Quill <zed@nowhere.example>",
            clientBody: "new card please", messageID: "fwd-4@maple-studio.example")
        let none = try say(bot, missing)
        #expect(
            none.out.hasPrefix(
                "I couldn't find that client at Maple Street Studio: I looked for the email zed@nowhere.example"))
        #expect(try bot.count("links") == 0)
    }

    @Test func theReceivingServersVerdictDecidesAsTheWebhookWould() throws {
        let bot = try TestBot()
        var forged = ForwardedEmail(
            staff: Self.owner, note: "Can you send her a link to update her card?",
            clientFrom: "Alice Johnson <alice@example.com>", clientBody: "my card expired",
            messageID: "fwd-5@maple-studio.example")
        forged.result = "fail"
        #expect(try say(bot, forged).out == "(no reply: unverified_sender)")
        // A verdict from a host the operator does not trust counts for nothing: no verdict at all.
        var elsewhere = forged
        elsewhere.result = "pass"
        elsewhere.authservID = "mx.attacker.example"
        elsewhere.messageID = "fwd-6@maple-studio.example"
        #expect(try say(bot, elsewhere).out == "(no reply: no_sender_verdict)")
        // The operator names that host (FRONTDESK_AUTHSERV_ID): the same message is acted on.
        elsewhere.messageID = "fwd-7@maple-studio.example"
        let trusted = try say(bot, elsewhere, environment: ["FRONTDESK_AUTHSERV_ID": "mx.attacker.example"])
        #expect(trusted.out == "Sent Alice Johnson a card-update link by email to a•••@example.com.")
        #expect(try bot.app.store.read { try $0.links(clientID: 1) }.count == 1)
    }

    @Test func badInputIsAClearErrorAndWritesNothing() throws {
        let bot = try TestBot()
        let before = try bot.app.store.tableCounts()
        func run(_ args: [String]) -> Int32 { bot.cli(["say"] + args).code }
        #expect(run(["--business", "demo", "--eml", "/nonexistent/file.eml"]) == 1)
        #expect(run(["--business", "demo", "--eml", "/tmp", "--provider", "postmark"]) == 2)
        #expect(run(["--business", "demo", "--eml", "/tmp", "extra text"]) == 2)
        let file = NSTemporaryDirectory() + "fd-eml-\(UUID().uuidString).eml"
        try Data("Subject: no sender\r\n\r\nhello".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(run(["--business", "demo", "--eml", file]) == 1)
        #expect(try bot.app.store.tableCounts() == before)
    }
}

import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

@Suite("No secret outlives its use: the database files after every way a reply leaves")
struct SecretsAtRestTests {
    static let phones = (
        alice: "+15550101001", chloe: "+15550101003", daniel: "+15550101004", emma: "+15550101005",
        felix: "+15550101006"
    )
    /// Card numbers as they were typed, each in another form.
    static let cards = [
        (typed: "4242.4242.4242.4242", digits: "4242424242424242"),  // email subject
        (typed: "５５５５５５５５５５５５４４４４", digits: "5555555555554444"),  // full-width, through Twilio
        (typed: "3782\u{00A0}822463\u{00A0}10005", digits: "378282246310005"),  // NBSP in an HTML-only email
        (typed: "6011/1111/1111/1117", digits: "6011111111111117"),  // that email's subject
        (typed: "4000\u{2013}0566\u{2013}5566\u{2013}5556", digits: "4000056655665556"),  // en dash, SMS
    ]

    @Test func noLiveTokenThatHasLeftAndNoCardNumberIsInTheDatabaseOrItsWAL() async throws {
        let f = try WebFixture()
        let bot = f.bot
        let phones = Self.phones
        var issued: [String] = []

        // Replies with links, queued for the outbox worker.
        let card = try bot.say("new card", from: phones.alice)
        issued += linkTokens(in: card.links.map(\.url).joined(separator: " "))
        let invoices = try bot.say("send my receipts", from: "ben.carter@example.com", subject: "Invoices")
        issued += linkTokens(in: invoices.links.map(\.url).joined(separator: " "))
        let emailCard = try bot.say("new card", from: "daniel.evans@example.com", subject: "Card")
        issued += linkTokens(in: emailCard.links.map(\.url).joined(separator: " "))
        // A link to a client who then opts out: suppressed, never sent.
        let optedOut = try bot.say("new card", from: phones.chloe)
        issued += linkTokens(in: optedOut.links.map(\.url).joined(separator: " "))
        _ = try bot.say("STOP", from: phones.chloe)
        // An inline TwiML reply through the real Twilio webhook, with a full-width card number in the SMS.
        let inline = try await postTwilio(
            f, twilioParams("new card \(Self.cards[1].typed)", sid: "SMsecret1", from: phones.daniel))
        #expect(inline.status == 200)
        let inlineTokens = linkTokens(in: inline.text)
        #expect(inlineTokens.count == 1)
        issued += inlineTokens
        // A client quoting the link they were sent.
        let cardURL = try #require(card.links.first?.url)
        _ = try bot.say("I opened \(cardURL) but then lost it, can you resend?", from: phones.alice)
        // Card numbers in an email subject, in an HTML-only email and in an SMS.
        _ = try bot.say("see subject", from: "alice@example.com", subject: "new card \(Self.cards[0].typed)")
        let now = Int(bot.clock.now().timeIntervalSince1970)
        let html = mailgunFields(text: "", token: "tok-secret-html", timestamp: now).map { field in
            switch field.0 {
            case "subject": return ("subject", "card \(Self.cards[3].typed)")
            case "body-plain": return ("body-html", "<p>Hi, my card is <b>\(Self.cards[2].typed)</b></p>")
            default: return field
            }
        }
        let mailgun = try await fetch(
            f.server, "/webhooks/mailgun", method: "POST",
            headers: ["Content-Type": "application/x-www-form-urlencoded"], body: formEncode(html))
        #expect(mailgun.status == 200)
        _ = try bot.say("my card is \(Self.cards[4].typed)", from: phones.emma)
        #expect(issued.count >= 6)

        // Everything leaves: the first email (Ben's invoices) fails for good, Chloe's reply is suppressed.
        let sms = RecordingSender()
        let email = RecordingSender(
            failFirst: 1, failure: SendError(kind: .rejected, retryable: false, message: "mailbox unavailable"))
        let worker = OutboxWorker(
            store: try StoreOutbox(store: bot.app.store), senders: [.sms: sms, .email: email], clock: bot.clock)
        let run = try worker.runOnce(now: bot.clock.now())
        #expect(run.dead == 1)
        // The store suppresses items to an opted-out number as it hands out the due ones.
        #expect(try bot.outbox().filter { $0.status == .suppressed }.count == 1)
        #expect(run.retrying == 0 && run.postponed == 0)
        #expect(try bot.outbox().allSatisfy { $0.status != .pending })
        // The clients received live links (every one of them is checked below, whichever reply carried it).
        let delivered = (sms.sent + email.sent).map(\.body).joined(separator: "\n")
        #expect(delivered.contains(cardURL))
        issued = Array(Set(issued + linkTokens(in: delivered)))

        // One reply is left pending on purpose: its token must stay (it is still to be delivered), and finding
        // it shows the search reads the files the store writes.
        let pending = try bot.say("new card", from: phones.felix)
        let pendingToken = try #require(linkTokens(in: pending.links.map(\.url).joined(separator: " ")).first)

        let files = DatabaseFiles(path: bot.dbPath)
        #expect(!files.holding(pendingToken).isEmpty)
        let now2 = bot.clock.now()
        for token in issued {
            let link = try #require(try bot.app.store.read { try $0.link(tokenHash: LinkToken.hash(token)) })
            #expect(link.usedAt == nil && link.expiresAt > now2, "the token is live")
            #expect(files.holding(token).isEmpty, "a live token that has left is still in \(files.holding(token))")
        }
        for card in Self.cards {
            for form in [card.typed, card.digits, groupedByFour(card.digits)] {
                #expect(files.holding(form).isEmpty, "card number \(form) in \(files.holding(form))")
            }
        }

        // What the store kept instead: each link's id.
        try bot.app.store.read { c in
            let cardLink = try #require(try c.link(tokenHash: LinkToken.hash(linkTokens(in: cardURL)[0])))
            let bodies = try c.outbox(status: nil, limit: 100).map(\.body).joined(separator: "\n")
            #expect(bodies.contains("/l/[link \(cardLink.id)]"))
            let conversation = try #require(try c.message(id: card.messageID ?? -1)?.conversationID)
            let texts = try c.messages(conversationID: conversation).compactMap(\.text)
            let quoted = "I opened https://desk.example.test/l/[link \(cardLink.id)] but then lost it, can you resend?"
            #expect(texts.contains(quoted))
        }
        // The masked forms were stored: the HTML-only email's text, its subject, the full-width SMS.
        try bot.app.store.write { c in
            let business = try #require(try c.business(slug: Demo.slug))
            func texts(_ channel: Channel, _ address: String) throws -> [String] {
                let conversation = try c.conversation(
                    businessID: business.id, channel: channel, address: address, clientID: nil, now: now2)
                return try c.messages(conversationID: conversation.id).map {
                    ($0.subject ?? "") + " | " + ($0.text ?? "")
                }
            }
            let mail = try texts(.email, "alice@example.com")
            #expect(mail.contains("card •••• 1117 | Hi, my card is •••• 0005"))
            #expect(mail.contains("new card •••• 4242 | see subject"))
            #expect(try texts(.sms, phones.daniel).contains(" | new card •••• 4444"))
        }
        #expect(inline.text.contains("we never take card numbers by message"))
        // The token still works for the client who received it.
        let page = try await fetch(f.server, "/l/" + linkTokens(in: cardURL)[0])
        #expect(page.status == 200)
    }
}

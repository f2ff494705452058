import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskPlugins
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Secrets in what a person wrote: card numbers and link tokens")
struct SecretsTests {
    let alice = "+15550101001"
    /// The reply's note when a card number was masked (prompts/en/core/card_in_message.txt).
    static let note = "we never take card numbers by message"

    @Test func aCardNumberInAnEmailSubjectIsMaskedInTheMessageAndInTheReplySubject() throws {
        let bot = try TestBot()
        let out = try bot.say(
            "see subject", from: "alice@example.com", subject: "new card 4242.4242.4242.4242 exp 12/29")
        let stored = try bot.app.store.read { try $0.message(id: out.messageID ?? -1) }
        #expect(stored?.subject == "new card •••• 4242 exp 12/29")
        let reply = try #require(try bot.outbox().first { $0.kind == "reply" })
        #expect(reply.subject == "Re: new card •••• 4242 exp 12/29")
        #expect(reply.body.contains(Self.note))
    }

    @Test func everyReplyToAMessageHoldingACardNumberSaysCardsAreNeverTakenByMessage() throws {
        let bot = try TestBot()
        let cases: [(text: String, from: String, intent: String?)] = [
            ("new card ４２４２４２４２４２４２４２４２", alice, "payment_method.update"),
            ("when is my next billing date? my card is 5555-5555-5555-4444", alice, "membership.show"),
            ("6011 1111 1111 1117", alice, nil),
            ("hi, card 4242 4242 4242 4242", "+15559999999", nil),  // unknown sender
        ]
        for c in cases {
            let out = try bot.say(c.text, from: c.from)
            if let intent = c.intent { #expect(out.intent == intent) }
            let reply = try #require(out.reply)
            #expect(reply.contains(Self.note), "\(c.text)")
            #expect(try bot.outbox().last?.body.contains(Self.note) == true)
        }
        // A reply to a message without a card number carries no note.
        #expect(try bot.say("when is my next billing date?", from: alice).reply?.contains(Self.note) == false)
        // The note is said once, even on the card-link reply.
        let card = try #require(try bot.say("new card 4242424242424242", from: alice).reply)
        #expect(card.components(separatedBy: Self.note).count == 2)
    }

    @Test func aStaffForwardWithACardNumberIsMaskedBeforeAnyoneSeesIt() throws {
        let bot = try TestBot()
        let out = try bot.say(
            "can you help her? she sent 4242-4242-4242-4242", from: "sara@maple-studio.example",
            subject: "Fwd: card 5555 5555 5555 4444",
            forwarded: ForwardedMessage(
                fromName: "Ben Carter", fromAddress: "ben.carter@example.com",
                subject: "card 5555 5555 5555 4444", body: "my new card is 5555 5555 5555 4444"))
        let stored = try #require(try bot.app.store.read { try $0.message(id: out.messageID ?? -1) })
        #expect(stored.subject == "Fwd: card •••• 4444")
        #expect(stored.text?.contains("•••• 4242") == true)
        let outbox = try bot.outbox()
        #expect(!outbox.isEmpty)
        for item in outbox {
            #expect(!item.body.contains("4242-4242"))
            #expect(!item.body.contains("5555 5555"))
            #expect(item.subject?.contains("5555 5555") != true)
        }
    }

    @Test func anInboundMessageQuotingALinkIsStoredWithTheLinksIDInsteadOfTheToken() throws {
        let bot = try TestBot()
        let card = try bot.say("new card", from: alice)
        let url = try #require(card.links.first?.url)
        let token = String(url.dropFirst("https://desk.example.test/l/".count))
        let linkID = try #require(try bot.app.store.read { try $0.link(tokenHash: LinkToken.hash(token))?.id })

        let quoting = try bot.say("I opened \(url) but then lost it, can you resend?", from: alice)
        let stored = try #require(try bot.app.store.read { try $0.message(id: quoting.messageID ?? -1) })
        #expect(
            stored.text == "I opened https://desk.example.test/l/[link \(linkID)] but then lost it, can you resend?")
        // A token-shaped path that is no link of ours is removed too, without an id.
        let foreign = String(repeating: "A", count: 43)
        let other = try bot.say("what about https://elsewhere.example/l/\(foreign)?", from: alice)
        let otherText = try bot.app.store.read { try $0.message(id: other.messageID ?? -1)?.text }
        #expect(otherText == "what about https://elsewhere.example/l/[link]?")
    }

    @Test func anInlineReplyIsStoredWithoutItsTokensAndARetryGetsAFreshTokenNeverTheFirst() throws {
        let bot = try TestBot()
        let message = InboundMessage(
            provider: "twilio", providerMessageID: "SM-inline-card", channel: .sms, from: alice, to: Demo.smsNumber,
            text: "new card")
        let first = try bot.app.pipeline.handle(message, inline: true)
        let url = try #require(first.links.first?.url)
        #expect(first.reply?.contains(url) == true)  // the client gets the live link in the response
        let stored = try #require(try bot.outbox().first)
        #expect(stored.status == .inline)
        #expect(!stored.body.contains(url))
        #expect(stored.body.contains("https://desk.example.test/l/[link "))
        // The token lives only in the HTTP response; a provider retry gets the copy the store kept with a new token
        // for the same link (the first one cannot be read back), and the store still holds no token.
        let retry = try bot.app.pipeline.handle(message, inline: true)
        #expect(retry.disposition == .duplicate)
        let again = try #require(retry.links.first?.url)
        #expect(again != url)
        #expect(retry.reply == stored.body.replacing(#/https://desk\.example\.test/l/\[link \d+\]/#, with: again))
        #expect(try bot.outbox().allSatisfy { !$0.body.contains(url) && !$0.body.contains(again) })
    }
}

import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Email unsubscribe")
struct EmailOptOutTests {
    let alice = "alice@example.com"

    func worker(_ bot: TestBot, email: RecordingSender) throws -> OutboxWorker {
        OutboxWorker(
            store: try StoreOutbox(store: bot.app.store), senders: [.sms: RecordingSender(), .email: email],
            clock: bot.clock)
    }

    /// An automated message (a notice) queued for the demo business.
    func queueNotice(_ bot: TestBot, to recipient: String) throws {
        _ = try bot.app.store.write { c in
            try c.enqueue(
                businessID: 1, messageID: nil, channel: .email, kind: "notice", recipient: recipient,
                sender: Demo.inbox, subject: "Your card expires soon", body: "Please update your card.", headers: [:],
                status: .pending, now: bot.clock.now())
        }
    }

    @Test(arguments: ["unsubscribe", "Unsubscribe me please", "stop emailing me", "STOP", "remove me from your list"])
    func anUnsubscribeStopsAutomatedEmailOnlyAndSaysExactlyThat(_ text: String) throws {
        let bot = try TestBot()
        let out = try bot.say(text, from: alice, subject: "Re: Your receipt")
        #expect(out.intent == "optout")
        #expect(
            out.reply?.hasPrefix("You won't get automated emails from us; we'll still answer when you write.") == true)
        try bot.app.store.read { (c: any UnitOfWork) throws in
            #expect(try c.isEmailOptedOut(businessID: 1, address: alice))
            #expect(try !c.isOptedOut(businessID: 1, address: alice))  // not an SMS opt-out
        }
        // The client's next message is answered, and leaves; an automated email to the address does not.
        let next = try bot.say("when is my next billing date?", from: alice, subject: "billing")
        #expect(next.reply?.contains("Next billing date") == true)
        try queueNotice(bot, to: alice)
        try queueNotice(bot, to: "ben.carter@example.com")
        let email = RecordingSender()
        let run = try worker(bot, email: email).runOnce(now: bot.clock.now())
        #expect(run.sent == 3)  // the confirmation, the answer, Ben's notice
        #expect(email.sent.map(\.to).sorted() == [alice, alice, "ben.carter@example.com"])
        #expect(!email.sent.contains { $0.to == alice && $0.subject == "Your card expires soon" })
        let suppressed = try bot.app.store.read { try $0.outbox(status: .suppressed, limit: 10) }
        #expect(suppressed.map(\.recipient) == [alice])
        #expect(suppressed.first?.kind == "notice")
        #expect(try bot.audit("consent.email_optout").count == 1)
    }

    @Test(arguments: ["subscribe", "START", "resubscribe"])
    func subscribeOrStartOptsBackIn(_ text: String) throws {
        let bot = try TestBot()
        _ = try bot.say("unsubscribe", from: alice)
        let back = try bot.say(text, from: alice)
        #expect(back.intent == "optin")
        #expect(back.reply?.contains("automated emails again") == true)
        #expect(try bot.app.store.read { try $0.isEmailOptedOut(businessID: 1, address: alice) } == false)
        try queueNotice(bot, to: alice)
        let email = RecordingSender()
        _ = try worker(bot, email: email).runOnce(now: bot.clock.now())
        #expect(email.sent.contains { $0.subject == "Your card expires soon" })
    }

    @Test func aListUnsubscribeMailtoWithAnEmptyBodyIsHonoured() throws {
        let bot = try TestBot()
        let out = try bot.say("", from: "jack.king@example.com", subject: "unsubscribe")
        #expect(out.intent == "optout")
        #expect(try bot.app.store.read { try $0.isEmailOptedOut(businessID: 1, address: "jack.king@example.com") })
    }
}

import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Link tokens leave the outbox with the reply")
struct OutboxRedactionTests {
    let alice = "+15550101001"

    /// The outbox worker over the store, with recording senders.
    func worker(_ bot: TestBot, email: RecordingSender = RecordingSender(), sms: RecordingSender = RecordingSender())
        throws -> OutboxWorker
    {
        OutboxWorker(
            store: try StoreOutbox(store: bot.app.store), senders: [.sms: sms, .email: email], clock: bot.clock,
            random: { 0.5 })
    }

    /// Runs `frontdesk outbox retry ID` on the bot's database; returns the exit code.
    func retry(_ bot: TestBot, _ id: Int) -> Int32 {
        FrontdeskCLI.run(
            ["outbox", "retry", String(id), "--db", bot.dbPath], input: { nil }, output: { _ in },
            environment: ["FRONTDESK_HOME": TestBot.root.path], clock: bot.clock)
    }

    @Test func aPendingReplyKeepsItsTokenUntilSentThenKeepsOnlyTheLinkID() throws {
        let bot = try TestBot()
        let out = try bot.say("new card", from: alice)
        let url = try #require(out.links.first?.url)
        #expect(try bot.outbox().first?.body.contains(url) == true)
        let sms = RecordingSender()
        try worker(bot, sms: sms).runOnce(now: bot.clock.now())
        #expect(sms.sent.first?.body.contains(url) == true)  // the client got the live link
        let item = try #require(try bot.outbox().first)
        #expect(item.status == .sent)
        #expect(!item.body.contains(url))
        let link = try #require(try bot.app.store.read { try $0.links(clientID: 1).first })
        #expect(item.body.contains("https://desk.example.test/l/[link \(link.id)]"))
        #expect(link.usedAt == nil)  // still the client's to use
    }

    @Test func aDeadReplyLosesItsTokensAndCannotBeRetriedWhileOneWithoutLinksCan() throws {
        let bot = try TestBot()
        _ = try bot.say("send my receipts", from: "ben.carter@example.com", subject: "Invoices")
        _ = try bot.say("when is my next billing date?", from: "alice@example.com", subject: "Billing")
        let refused = SendError(kind: .rejected, retryable: false, message: "mailbox unavailable")
        let run = try worker(bot, email: RecordingSender(failFirst: 2, failure: refused)).runOnce(now: bot.clock.now())
        #expect(run.dead == 2)
        let items = try bot.outbox()
        let invoices = try #require(items.first { $0.recipient == "ben.carter@example.com" })
        let billing = try #require(items.first { $0.recipient == "alice@example.com" })
        #expect(invoices.status == .dead)
        #expect(linkTokens(in: invoices.body).isEmpty)
        #expect(LinkRedaction.containsRedaction(invoices.body))

        #expect(retry(bot, invoices.id) == 1)
        #expect(try bot.app.store.read { try $0.outboxItem(id: invoices.id)?.status } == .dead)
        #expect(retry(bot, billing.id) == 0)
        #expect(try bot.app.store.read { try $0.outboxItem(id: billing.id)?.status } == .pending)
    }

    @Test func aReplySuppressedAfterStopLosesItsTokens() throws {
        let bot = try TestBot()
        let out = try bot.say("new card", from: alice)
        let url = try #require(out.links.first?.url)
        _ = try bot.say("STOP", from: alice)
        let sms = RecordingSender()
        try worker(bot, sms: sms).runOnce(now: bot.clock.now())
        #expect(sms.sent.count == 1)  // the STOP confirmation only
        let suppressed = try #require(try bot.outbox().first { $0.status == .suppressed })
        #expect(!suppressed.body.contains(url))
        #expect(suppressed.body.contains("/l/[link "))
        #expect(try bot.app.store.read { try $0.outbox(status: .pending, limit: 10) }.isEmpty)
    }
}

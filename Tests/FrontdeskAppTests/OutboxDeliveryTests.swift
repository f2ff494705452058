import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Outbox delivery over the SQLite store")
struct OutboxDeliveryTests {
    @Test func repliesLeaveThroughTheWorkerWithRetries() throws {
        let bot = try TestBot()
        _ = try bot.say("when is my next billing date?", from: "+15550101001")
        _ = try bot.say(
            "when is my next billing date?", from: "ben.carter@example.com", subject: "Billing",
            messageID: "<q1@example.com>")
        let sms = RecordingSender(failFirst: 1)
        let email = RecordingSender()
        let worker = OutboxWorker(
            store: try StoreOutbox(store: bot.app.store), senders: [.sms: sms, .email: email], clock: bot.clock,
            random: { 0.5 })
        let first = try worker.runOnce(now: bot.clock.now())
        #expect(first.sent == 1)
        #expect(first.retrying == 1)
        #expect(email.sent.first?.inReplyTo == "<q1@example.com>")
        #expect(email.sent.first?.subject == "Re: Billing")
        #expect(email.sent.first?.fromName == "Maple Street Studio")
        bot.clock.advance(minutes: 5)
        let second = try worker.runOnce(now: bot.clock.now())
        #expect(second.sent == 1)
        #expect(sms.sent.first?.to == "+15550101001")
        let statuses = try bot.outbox().map(\.status)
        #expect(statuses == [.sent, .sent])
    }

    @Test func afterStopOnlyTheConfirmationLeaves() throws {
        let bot = try TestBot()
        _ = try bot.say("talk to a person", from: "+15550101001")  // reply queued, not yet sent
        _ = try bot.say("STOP", from: "+15550101001")
        let sms = RecordingSender()
        let worker = OutboxWorker(
            store: try StoreOutbox(store: bot.app.store), senders: [.sms: sms, .email: RecordingSender()],
            clock: bot.clock)
        try worker.runOnce(now: bot.clock.now())
        #expect(sms.sent.count == 1)
        #expect(sms.sent.first?.body.contains("unsubscribed") == true)
        let suppressed = try bot.app.store.read { try $0.outbox(status: .suppressed, limit: 100) }
        #expect(suppressed.count == 1)
    }
}

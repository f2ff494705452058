import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskApp

/// `frontdesk notices`, `frontdesk billing charge` and the reminders thread of `serve` (issue 17).
@Suite struct NoticeCommandTests {
    static func bot() throws -> TestBot {
        let bot = try TestBot()
        #expect(bot.cli(["plugins", "enable", "reminders", "--business", "demo"]).code == 0)
        #expect(
            bot.cli(["plugins", "set", "reminders", "quiet_start=0", "quiet_end=0", "--business", "demo"]).code == 0)
        return bot
    }

    @Test func aDeclinedChargeBecomesANoticeThatTheListShowsWithoutItsBody() throws {
        let bot = try Self.bot()
        let charge = bot.cli(["billing", "charge", "--business", "demo", "--invoice", "INV-1054"])
        #expect(charge.code == 0 && charge.out == "INV-1054: declined (expired_card)")
        #expect(try bot.audit("invoice.payment_failed").first?.actor == "cli")
        let run = bot.cli(["notices", "run", "--business", "demo"])
        #expect(run.code == 0 && run.out.hasPrefix("demo: ") && run.out.contains(" queued, 0 scheduled, 0 suppressed"))
        let list = bot.cli(["notices", "list", "--business", "demo", "--kind", "payment_failed", "--json"])
        #expect(list.code == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [String: Any])
        let rows = try #require(object["notices"] as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["recipient"] as? String == "+15550101016")
        #expect(rows.first?["status"] as? String == "queued" && rows.first?["source"] as? String == "billing")
        let text = bot.cli(["notices", "list", "--business", "demo"])
        #expect(text.out.contains("payment_failed  sms +15550101016  queued"))
        #expect(!text.out.contains("/l/") && !list.out.contains("/l/"))
        // Charged again: declined again, but no second notice for the invoice.
        _ = bot.cli(["billing", "charge", "--business", "demo", "--invoice", "INV-1054"])
        _ = bot.cli(["notices", "run"])
        #expect(bot.cli(["notices", "list", "--kind", "payment_failed"]).out.split(separator: "\n").count == 1)
        // Daniel's card can be charged: paid, and nothing due afterwards is an error.
        #expect(bot.cli(["billing", "charge", "--business", "demo", "--invoice", "INV-1012"]).out == "INV-1012: paid")
        #expect(bot.cli(["billing", "charge", "--business", "demo", "--invoice", "INV-1012"]).code == 1)
    }

    static let badInputs: [([String], Int32)] = [
        (["notices"], 2), (["notices", "send"], 2), (["notices", "list", "--status", "lost"], 2),
        (["notices", "list", "--kind", "birthday"], 2), (["notices", "list", "--limit", "0"], 2),
        (["notices", "list", "--client", "x"], 2), (["notices", "list", "--business", "nosuch"], 1),
        (["billing", "charge", "--business", "demo"], 2),
        (["billing", "refund", "--business", "demo", "--invoice", "1"], 2),
        (["billing", "charge", "--business", "demo", "--invoice", "INV-9999"], 1),
    ]

    @Test(arguments: badInputs)
    func badInputGetsOneLineAndAnExitCode(_ args: [String], _ code: Int32) throws {
        let bot = try Self.bot()
        let before = try bot.count("notices")
        #expect(bot.cli(args).code == code)
        #expect(try bot.count("notices") == before)
    }

    @Test func serveRunsTheRemindersOnItsOwnThread() throws {
        let bot = try Self.bot()
        _ = bot.cli(["billing", "charge", "--business", "demo", "--invoice", "INV-1054"])
        let schedule = NoticeSchedule(notices: bot.app.pipeline.notices, clock: bot.clock, log: .silent, interval: 1)
        schedule.start()
        let deadline = Date().addingTimeInterval(15)
        func found() throws -> Bool {
            try !bot.app.store.read { try $0.notices(NoticeQuery(kind: .paymentFailed), now: bot.clock.now()) }.isEmpty
        }
        while try !found(), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        schedule.stop()
        #expect(try found())
        #expect(
            try NoticeSchedule.interval([:]) == 60 && NoticeSchedule.interval(["FRONTDESK_NOTICES_INTERVAL": "0"]) == 0)
        #expect(throws: CLIError.self) { try NoticeSchedule.interval(["FRONTDESK_NOTICES_INTERVAL": "soon"]) }
        #expect(
            try NoticeSchedule.smsInterval([:]) == 1
                && NoticeSchedule.smsInterval(["FRONTDESK_SMS_SEND_INTERVAL": "250"]) == 0.25)
        #expect(throws: CLIError.self) { try NoticeSchedule.smsInterval(["FRONTDESK_SMS_SEND_INTERVAL": "-1"]) }
    }
}

@Suite struct NoticeDeliveryTests {
    @Test func theOutboxHandsAnEmailNoticeItsMessageIDAndListUnsubscribe() throws {
        let bot = try NoticeCommandTests.bot()
        let sent = try bot.app.store.write { c in
            try bot.app.pipeline.notices.send(
                NoticeRequest(kind: .custom, to: "ben.carter@example.com", values: ["text": "Closed Monday."], source: "api",
                    actor: "t"), businessID: 1, now: bot.clock.now(), c)
        }
        let due = try StoreOutbox(store: bot.app.store).due(now: bot.clock.now(), limit: 50)
        let item = try #require(due.first { $0.id == Int64(sent.notice.outboxID ?? 0) })
        #expect(item.message.messageID == sent.notice.messageID && item.message.messageID != nil)
        #expect(item.message.headers.map(\.name) == ["List-Unsubscribe"])
        #expect(item.message.subject == "A message from Maple Street Studio" && item.message.inReplyTo == nil)
    }
}

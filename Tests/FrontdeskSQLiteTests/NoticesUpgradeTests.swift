import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 014_notices")
struct NoticesUpgradeTests {
    @Test func release003KeepsItsRowsAndGainsNoticesWithoutAContextOnAnyConversation() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["notices"] == nil && columns["billing_events"] == nil && columns["idempotency_keys"] == nil)
        #expect(columns["conversations"]?.contains("notice_id") == false)
        let before = try OldDatabase.snapshot(path, columns: columns)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        let after = try OldDatabase.snapshot(path, columns: columns)
        for table in ["clients", "client_addresses", "conversations", "sms_optouts", "payment_methods"] {
            #expect(after[table] == before[table], "\(table)")
        }
        #expect(after["conversations"]?.count == 6)
        let added = try store.sqlRead { c in
            (
                notices: try c.query("SELECT id FROM notices").count,
                events: try c.query("SELECT id FROM billing_events").count,
                contexts: try c.query(
                    "SELECT id FROM conversations WHERE notice_id IS NOT NULL OR notice_expires_at IS NOT NULL"
                ).count,
                consent: try c.query("SELECT id FROM clients WHERE sms_consent = 1").count
            )
        }
        #expect(added.notices == 0 && added.events == 0 && added.contexts == 0)
        #expect(added.consent == 22)

        // The upgraded data serve notices: a failed payment there becomes a notice RETRY answers, and the number
        // that texted STOP before the upgrade gets nothing.
        let bot = try TestBot(seed: false, dbPath: path)
        try bot.enable("reminders", true)
        try bot.set("reminders", ["quiet_start": .int(0), "quiet_end": .int(0)])
        let daniel = try bot.app.store.write { c in
            try bot.app.pipeline.notices.send(
                NoticeRequest(kind: .paymentFailed, clientID: 4, source: "api", actor: "test"), businessID: 1,
                now: bot.clock.now(), c)
        }
        #expect(daniel.notice.status == .queued && daniel.notice.resource == "invoice:12")
        let reply = try bot.say("RETRY", from: "+15550101004")
        #expect(reply.intent == "notice.reply")
        // That release's Daniel has a card that expired in 01/2026: declined without a charge, with a card link.
        #expect(reply.reply?.contains("(INV-1012) was declined") == true, "\(reply.reply ?? "")")
        #expect(reply.links.first?.action == "payment_method.update")
        let ben = try bot.app.store.write { c in
            try bot.app.pipeline.notices.send(
                NoticeRequest(kind: .custom, to: "+15550101002", values: ["text": "Hello"], source: "api", actor: "t"),
                businessID: 1, now: bot.clock.now(), c)
        }
        #expect(ben.notice.status == .suppressed && ben.notice.reason == "opted_out")
    }

    @Test func noticesAreListedByBusinessStatusClientAndKind() throws {
        let bot = try TestBot()
        try bot.enable("reminders", true)
        try bot.set("reminders", ["quiet_start": .int(0), "quiet_end": .int(0)])
        let now = bot.clock.now()
        func send(_ client: Int, _ text: String) throws -> Notice {
            try bot.app.store.write { c in
                try bot.app.pipeline.notices.send(
                    NoticeRequest(kind: .custom, clientID: client, values: ["text": text], source: "api", actor: "t"),
                    businessID: 1, now: now, c)
            }.notice
        }
        _ = try bot.say("STOP", from: "+15550101003")
        let a = try send(1, "one")
        let b = try send(2, "two")
        let c3 = try send(3, "three")
        try bot.app.store.write { try $0.markOutboxSent(id: b.outboxID!, providerMessageID: "SM1", now: now) }
        try bot.app.store.write {
            try $0.markOutboxFailed(
                id: a.outboxID!, error: "rejected 400: Twilio answered HTTP 400", nextAttempt: nil, status: .dead)
        }
        let store = bot.app.store
        func ids(_ q: NoticeQuery) throws -> [Int] { try store.read { try $0.notices(q, now: now) }.map(\.id) }
        #expect(try ids(NoticeQuery(businessID: 1)) == [c3.id, b.id, a.id])
        #expect(try ids(NoticeQuery(status: .sent)) == [b.id])
        #expect(try ids(NoticeQuery(status: .failed)) == [a.id])
        #expect(try ids(NoticeQuery(status: .suppressed)) == [c3.id])
        #expect(try ids(NoticeQuery(clientID: 2)) == [b.id])
        #expect(try ids(NoticeQuery(kind: .renewalReminder)).isEmpty)
        #expect(try ids(NoticeQuery(businessID: 2)).isEmpty)
        let failed = try #require(try store.read { try $0.notice(id: a.id, now: now) })
        #expect(failed.reason == "rejected 400: Twilio answered HTTP 400")
        let counts = try store.read { try $0.noticeCounts(businessID: 1, now: now) }
        #expect(counts == [.sent: 1, .failed: 1, .suppressed: 1])
        // Erasing a client removes the notices that name their address.
        _ = try store.write { try $0.eraseClient(id: 2, actor: "cli", via: "cli", now: now) }
        #expect(try ids(NoticeQuery(clientID: 2)).isEmpty)
    }
}

import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

/// `POST /admin/businesses/{slug}/notices` on the real HTTP server (issue 17).
private final class NoticesFixture: @unchecked Sendable {
    static let operatorToken = "operator-token-notices-0123456789"

    let bot: TestBot
    let server: HTTPServer

    init(reminders: Bool = true) throws {
        bot = try TestBot()
        if reminders {
            try bot.enable("reminders", true)
            try bot.set("reminders", ["quiet_start": .int(0), "quiet_end": .int(0)])
        }
        let web = FrontdeskWeb(
            pipeline: bot.app.pipeline, webhooks: WebhookSettings(baseURL: "https://desk.example.test"),
            adminToken: Self.operatorToken, clock: bot.clock)
        server = HTTPServer(router: web.router(), metrics: web.metrics)
        try server.start()
    }

    deinit { server.stop() }

    func post(
        _ json: String, key: String? = nil, token: String = NoticesFixture.operatorToken, slug: String = "demo"
    ) async throws -> (status: Int, object: [String: Any]) {
        var headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        if let key { headers["Idempotency-Key"] = key }
        let r = try await fetch(
            server, "/admin/businesses/\(slug)/notices", method: "POST", headers: headers, body: Data(json.utf8))
        let object = (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]) ?? [:]
        return (r.status, object)
    }

    func noticeCount() throws -> Int {
        try bot.app.store.read { try $0.notices(NoticeQuery(businessID: 1), now: bot.clock.now()) }.count
    }
}

@Suite struct NoticesAPITests {
    static let custom =
        #"{"to":"+15550101001","kind":"custom","channel":"sms","values":{"text":"The pool is closed today."}}"#

    @Test func aNoticeIsAcceptedWith202AndItsIdAndQueuedInTheOutbox() async throws {
        let f = try NoticesFixture()
        let r = try await f.post(Self.custom)
        #expect(r.status == 202)
        let id = try #require(r.object["id"] as? Int)
        #expect(r.object["status"] as? String == "queued")
        #expect(r.object["channel"] as? String == "sms")
        let notice = try #require(try f.bot.app.store.read { try $0.notice(id: id, now: f.bot.clock.now()) })
        #expect(notice.source == "api" && notice.clientID == 1)
        let item = try #require(try f.bot.outbox().first { $0.id == notice.outboxID })
        #expect(item.body == "Maple Street Studio: The pool is closed today.")
        #expect(try f.bot.audit("notice.queued").first?.actor == "operator")
    }

    @Test func theSameIdempotencyKeyAndBodyGetTheSameAnswerAndAnotherBody422() async throws {
        let f = try NoticesFixture()
        let first = try await f.post(Self.custom, key: "order-77")
        let again = try await f.post(Self.custom, key: "order-77")
        #expect(first.status == 202 && again.status == 202)
        #expect(first.object["id"] as? Int == again.object["id"] as? Int)
        #expect(try f.noticeCount() == 1)
        let other = Self.custom.replacingOccurrences(of: "closed today", with: "open late")
        let reused = try await f.post(other, key: "order-77")
        #expect(reused.status == 422)
        #expect((reused.object["error"] as? String)?.contains("Idempotency-Key was used with a different body") == true)
        #expect(try f.noticeCount() == 1)
        let badKey = try await f.post(Self.custom, key: String(repeating: "k", count: 300))
        #expect(badKey.status == 400)
    }

    @Test func aDuplicateForTheSamePeriodIsRefusedWith409() async throws {
        let f = try NoticesFixture()
        let first = try await f.post(Self.custom)
        let second = try await f.post(Self.custom.replacingOccurrences(of: "closed today", with: "closed again"))
        #expect(second.status == 409)
        #expect(second.object["notice_id"] as? Int == first.object["id"] as? Int)
        #expect((second.object["error"] as? String)?.contains("already sent") == true)
        let withPeriod = try await f.post(
            #"{"client_id":1,"kind":"custom","values":{"text":"Week two.","period":"2026-W48"}}"#)
        #expect(withPeriod.status == 202)
        #expect(try f.noticeCount() == 2)
    }

    @Test func aContactNotOnFileAnUnknownClientAndAKindTurnedOffGetClearErrors() async throws {
        let f = try NoticesFixture()
        let stranger = try await f.post(#"{"to":"+15559990000","kind":"custom","values":{"text":"x"}}"#)
        #expect(stranger.status == 404)
        #expect(stranger.object["error"] as? String == "no client of this business has that contact on file")
        let email = try await f.post(#"{"to":"nobody@example.com","kind":"custom","values":{"text":"x"}}"#)
        #expect(email.status == 404)
        let unknown = try await f.post(#"{"client_id":9999,"kind":"custom","values":{"text":"x"}}"#)
        #expect(unknown.status == 404)
        try f.bot.set("reminders", ["custom": .bool(false)])
        let off = try await f.post(Self.custom)
        #expect(off.status == 422)
        #expect(off.object["error"] as? String == "notices of kind custom are turned off for this business")
        let nothing = try await f.post(#"{"client_id":1,"kind":"payment_failed"}"#)
        #expect(nothing.status == 422)
        #expect(try f.noticeCount() == 0)
    }

    @Test(arguments: [
        ("not json", 400), (#"{"kind":"custom"}"#, 422), (#"{"client_id":1,"kind":"birthday"}"#, 422),
        (#"{"client_id":1,"kind":"custom","channel":"fax","values":{"text":"x"}}"#, 422),
        (#"{"client_id":true,"kind":"custom","values":{"text":"x"}}"#, 422),
        (#"{"client_id":1,"kind":"custom","values":{"text":true}}"#, 422),
        (#"{"client_id":1,"kind":"custom"}"#, 422),
        (#"{"to":"alice@example.com","kind":"custom","channel":"sms","values":{"text":"x"}}"#, 422),
        (#"{"client_id":1,"kind":"custom","values":{"text":"x"},"extra":1}"#, 422),
    ])
    func badBodiesAreRefusedAndWriteNothing(_ body: String, _ status: Int) async throws {
        let f = try NoticesFixture()
        let r = try await f.post(body)
        #expect(r.status == status)
        #expect(r.object["error"] is String)
        #expect(try f.noticeCount() == 0)
    }

    @Test func tokensAreScopedAndTheRemindersMustBeOn() async throws {
        let off = try NoticesFixture(reminders: false)
        let r = try await off.post(Self.custom)
        #expect(r.status == 409)
        #expect((r.object["error"] as? String)?.contains("turned off") == true)
        let f = try NoticesFixture()
        #expect(try await f.post(Self.custom, token: "wrong-token-0123456789abcdef").status == 401)
        let other = try f.bot.app.store.write { c in
            try c.insertBusiness(NewBusiness(slug: "other", name: "Other"), now: Date())
        }
        let (token, hash) = try AdminToken.generate()
        _ = try f.bot.app.store.write {
            try $0.insertAdminToken(hash: hash, businessID: other, label: "t", now: Date())
        }
        #expect(try await f.post(Self.custom, token: token).status == 403)
        #expect(try f.noticeCount() == 0)
    }

    @Test func quietHoursAndOptOutsShowInTheAnswer() async throws {
        let f = try NoticesFixture()
        _ = try f.bot.say("STOP", from: "+15550101002")
        let stopped = try await f.post(#"{"to":"+15550101002","kind":"custom","values":{"text":"x"}}"#)
        #expect(stopped.status == 202)
        #expect(stopped.object["status"] as? String == "suppressed")
        #expect(stopped.object["reason"] as? String == "opted_out")
        try f.bot.set("reminders", ["quiet_start": .int(9), "quiet_end": .int(12)])  // 10:00 in New York now
        let held = try await f.post(Self.custom)
        #expect(held.status == 202)
        #expect(held.object["status"] as? String == "scheduled")
        #expect(held.object["send_at"] as? String == UTC.format(f.bot.clock.now().addingTimeInterval(2 * 3600)))
    }

    @Test func importedClientsHaveNoSMSConsentUnlessTheySaidSo() async throws {
        let f = try NoticesFixture()
        let headers = ["Authorization": "Bearer \(NoticesFixture.operatorToken)", "Content-Type": "application/json"]
        let body =
            #"[{"first_name":"Nina","phone":"+15550109101"},{"first_name":"Omar","phone":"+15550109102","sms_consent":true}]"#
        let imported = try await fetch(
            f.server, "/admin/businesses/demo/clients", method: "POST", headers: headers, body: Data(body.utf8))
        #expect(imported.status == 201)
        let nina = try await f.post(#"{"to":"+15550109101","kind":"custom","values":{"text":"x"}}"#)
        #expect(nina.object["status"] as? String == "suppressed")
        #expect(nina.object["reason"] as? String == "no_sms_consent")
        let omar = try await f.post(#"{"to":"+15550109102","kind":"custom","values":{"text":"x"}}"#)
        #expect(omar.object["status"] as? String == "queued")
        let bad = try await fetch(
            f.server, "/admin/businesses/demo/clients", method: "POST", headers: headers,
            body: Data(#"[{"first_name":"Pat","phone":"+15550109103","sms_consent":"yes"}]"#.utf8))
        #expect(bad.status == 422)
    }
}

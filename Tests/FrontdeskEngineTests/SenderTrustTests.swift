import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

/// Issue 12: no backscatter, nothing silently lost. What the pipeline does with each `AuthVerdict.Trust`.
@Suite("Sender trust")
struct SenderTrustTests {
    let alice = "alice@example.com"  // client 1: active, Unlimited Yoga
    let staffEmails: Set<String> = [
        "owner@maple-studio.example", "admin@maple-studio.example", "sara@maple-studio.example",
    ]
    let failing = AuthVerdict(spf: .fail, dkim: .fail, dmarc: .unknown)
    let none = AuthVerdict()

    func trust(_ bot: TestBot, _ outcome: PipelineOutcome) throws -> AuthVerdict.Trust? {
        try bot.app.store.read { try $0.message(id: outcome.messageID ?? -1)?.senderTrust }
    }

    @Test func aFailingVerdictIsStoredAndNeitherActedOnNorAnswered() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        for text in ["I want to cancel my membership", "YES"] {
            let out = try bot.say(text, from: alice, subject: "Membership", verdict: failing)
            #expect(out.disposition == .silent)
            #expect(out.reason == "unverified_sender")
            #expect(out.reply == nil && out.links.isEmpty)
            #expect(try trust(bot, out) == .unverified)
        }
        #expect(try bot.count("messages") == 2)
        #expect(try bot.outbox().isEmpty)  // nothing to the forged From, and no staff notice to flood
        #expect(try bot.membership(clientID: 1)?.status == .active)
        #expect(try bot.audit("membership.cancel").isEmpty)
    }

    @Test func aForgedYesCannotConfirmTheClientsPendingCancellation() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let ask = try bot.say("I want to cancel my membership", from: alice)
        #expect(ask.state == "awaiting_confirmation")
        for verdict in [failing, none] {
            let forged = try bot.say("YES", from: alice, verdict: verdict)
            #expect(forged.disposition == .silent)
        }
        #expect(try bot.membership(clientID: 1)?.status == .active)
        // The client's own confirmation still works afterwards.
        let yes = try bot.say("YES", from: alice)
        #expect(yes.reply?.contains("cancelled") == true)
        #expect(try bot.membership(clientID: 1)?.status == .pendingCancel)
        #expect(try bot.audit("membership.cancel").map(\.actor) == ["client:1"])
    }

    @Test func noVerdictAtAllGoesToStaffOncePerStaffEmailAndNothingToTheSender() throws {
        let bot = try TestBot()
        let text = "Please cancel my membership, details at https://evil.example/login or www.evil.example. Cost $3.50."
        let out = try bot.say(text, from: "Alice <alice@example.com>", subject: "See evil.example", verdict: none)
        #expect(out.disposition == .silent)
        #expect(out.reason == "no_sender_verdict")
        #expect(out.reply == nil)
        #expect(try trust(bot, out) == .unknown)
        let rows = try bot.outbox()
        #expect(rows.allSatisfy { $0.kind == "staff_notice" })
        #expect(rows.map(\.recipient).sorted() == staffEmails.sorted())  // exactly one each
        #expect(!rows.contains { $0.recipient == alice })
        for row in rows {
            #expect(row.subject == "[Maple Street Studio] Unverified message from alice@example.com")
            #expect(row.body.hasPrefix("Unverified message from alice@example.com to Maple Street Studio."))
            #expect(row.body.contains("Please cancel my membership"))
            #expect(row.body.contains("Subject: See evil[.]example"))
            // Nothing in it acts: no link of ours, and the sender's web addresses no longer look like ones.
            #expect(!row.body.contains("://") && !row.body.contains("evil.example") && !row.body.contains("/l/"))
            #expect(row.body.contains("https[:]//evil[.]example/login") && row.body.contains("www[.]evil[.]example."))
            #expect(row.body.contains("$3.50"))
        }
        #expect(try bot.membership(clientID: 1)?.status == .active)
        #expect(try bot.count("links") == 0)
    }

    @Test func aStaffForwardWithoutVerdictIsNotTakenAsStaff() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let forwarded = ForwardedMessage(fromName: "Alice", fromAddress: alice, body: "cancel my membership")
        let out = try bot.say(
            "please cancel this for her", from: "sara@maple-studio.example", verdict: none, forwarded: forwarded)
        #expect(out.reason == "no_sender_verdict")
        #expect(try bot.membership(clientID: 1)?.status == .active)
        #expect(try bot.outbox().count == 3)
    }

    @Test func smsAndTrustedEmailKeepWorking() throws {
        let bot = try TestBot()
        let sms = try bot.say("when is my next billing date?", from: "+15550101001")
        #expect(sms.disposition == .replied)
        #expect(try trust(bot, sms) == .verified)
        let email = try bot.say("when is my next billing date?", from: alice, verdict: .trusted)
        #expect(email.reply?.contains("Unlimited Yoga") == true)
        #expect(try trust(bot, email) == .verified)
        // An SMS is the carrier's word whatever verdict a caller attaches: the channel decides.
        let odd = try bot.say("when is my next billing date?", from: "+15550101001", verdict: failing)
        #expect(odd.disposition == .replied)
        // Auto-replies stay unanswered whatever their verdict, and staff are not told about them.
        let away = try bot.say("I am away", from: alice, verdict: none, autoReply: true)
        #expect(away.reason == "auto_reply")
        #expect(try bot.outbox().count == 3)  // the three replies above only
    }

    @Test func theNoticeTemplateIsOneThePipelineRequires() throws {
        #expect(Pipeline.coreTemplates.contains("core/unverified_notice"))
        let catalog = try Catalog.load(root: TestBot.root)
        #expect(Pipeline.validate(catalog).isEmpty)
        var missing = catalog
        missing.templates = TemplateStore(templates: [:])
        #expect(Pipeline.validate(missing).contains { $0.file == "prompts/en/core/unverified_notice.txt" })
    }
}

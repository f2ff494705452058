import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Pipeline through the real manifests and templates")
struct PipelineTests {
    let alice = "+15550101001"  // active, Unlimited Yoga, Visa 4242

    @Test func membershipStatesTheNextBillingDateInTheBusinessZone() throws {
        let bot = try TestBot()
        let out = try bot.say("when is my next billing date?", from: alice)
        #expect(out.intent == "membership.show")
        let reply = try #require(out.reply)
        #expect(reply.contains("Unlimited Yoga"))
        #expect(reply.contains("Next billing date: Nov 24, 2026"))
        // By SMS the card reads in GSM-7, so the reply stays at 160 characters a segment.
        #expect(reply.contains("Visa ending 4242"))
        #expect(SMSText.size(reply).encoding == .gsm7)
        #expect(out.state == "idle")
    }

    @Test func membershipListsEveryMembershipAndServicesLeft() throws {
        let bot = try TestBot()
        let reply = try #require(try bot.say("when is my next billing date?", from: "+15550101008").reply)  // Henry: two
        #expect(reply.contains("Unlimited Yoga"))
        #expect(reply.contains("Massage Club"))
        #expect(reply.contains("of 2 massages left"))
        let none = try #require(try bot.say("when is my next billing date?", from: "+15550101009").reply)  // Isla: none
        #expect(none.contains("don't have a membership"))
    }

    @Test func cardUpdateGivesAOneTimeLinkAndStoresOnlyItsHash() throws {
        let bot = try TestBot()
        let out = try bot.say("new card", from: alice)
        #expect(out.intent == "payment_method.update")
        let link = try #require(out.links.first)
        #expect(link.action == "payment_method.update")
        #expect(link.url.hasPrefix("https://desk.example.test/l/"))
        #expect(out.reply?.contains(link.url) == true)
        let token = String(link.url.split(separator: "/").last ?? "")
        #expect(token.count >= 22)  // ≥ 128 bits in base64url
        let rows = try bot.app.store.read { try $0.links(clientID: 1) }
        #expect(rows.count == 1)
        #expect(rows[0].tokenHash != token)
        #expect(rows[0].tokenHash.count == 64)
        #expect(try bot.count("links") == 1)
    }

    @Test func cancelNotAllowedByDefaultTellsStaffAndTheClient() throws {
        let bot = try TestBot()
        let out = try bot.say("I want to cancel my membership", from: alice)
        #expect(out.intent == "membership.cancel")
        #expect(out.reply?.contains("handled by our team") == true)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(notices.count == 3)  // owner, admin, staff
        #expect(notices.allSatisfy { $0.body.contains("Alice Johnson") && $0.body.contains("Unlimited Yoga") })
        let status = try bot.app.store.read { try $0.memberships(clientID: 1).first?.status }
        #expect(status == .active)
    }

    @Test func cancelConfirmedByReplyAtPeriodEndThenReasonIsStored() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let ask = try bot.say("I want to cancel my membership", from: alice)
        #expect(ask.state == "awaiting_confirmation")
        #expect(ask.reply?.contains("Reply YES") == true)
        let done = try bot.say("YES", from: alice)
        #expect(done.reply?.contains("cancelled at the end of your billing period on Nov 24, 2026") == true)
        #expect(done.state == "awaiting_reason")
        _ = try bot.say("moving to another city", from: alice)
        let row = try bot.membership(clientID: 1)
        #expect(row?.status == .pendingCancel)
        #expect(row?.cancelReason == "moving to another city")
        let audit = try bot.audit("membership.cancel")
        #expect(audit.count == 1)
        #expect(audit.first?.before == "active")
    }

    @Test func cancelImmediatelyWithReasonInTheYes() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true), "mode": .string("immediate")])
        _ = try bot.say("cancel membership", from: alice)
        let done = try bot.say("yes too expensive", from: alice)
        #expect(done.reply?.contains("cancelled immediately") == true)
        #expect(done.state == "idle")
        let row = try bot.membership(clientID: 1)
        #expect(row?.status == .cancelled)
        #expect(row?.cancelReason == "too expensive")
    }

    @Test func onlyTheFirstLineAfterYesIsTheReason() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("cancel membership", from: "alice@example.com", subject: "Cancel")
        _ = try bot.say("YES\n\n> You're about to cancel your Unlimited Yoga membership", from: "alice@example.com")
        let row = try bot.membership(clientID: 1)
        #expect(row?.status == .pendingCancel)
        #expect(row?.cancelReason == nil)
    }

    @Test func cancelByLinkIssuesACancellationLink() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true), "confirm": .string("link")])
        let out = try bot.say("cancel membership", from: alice)
        #expect(out.links.map(\.action) == ["membership.cancel"])
        #expect(out.state == "idle")
    }

    @Test func answeringNoKeepsTheMembership() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("cancel membership", from: alice)
        let kept = try bot.say("no", from: alice)
        #expect(kept.reply?.contains("stays as it is") == true)
        let status = try bot.app.store.read { try $0.memberships(clientID: 1).first?.status }
        #expect(status == .active)
    }

    @Test func confirmationExpiresWithTheInjectedClock() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true), "ttl_minutes": .int(10)])
        _ = try bot.say("cancel membership", from: alice)
        bot.clock.advance(minutes: 11)
        let late = try bot.say("YES", from: alice)
        #expect(late.reply?.contains("expired") == true)
        let status = try bot.app.store.read { try $0.memberships(clientID: 1).first?.status }
        #expect(status == .active)
        // Within the window it works.
        _ = try bot.say("cancel membership", from: alice)
        bot.clock.advance(minutes: 9)
        _ = try bot.say("YES", from: alice)
        let after = try bot.app.store.read { try $0.memberships(clientID: 1).first?.status }
        #expect(after == .pendingCancel)
    }

    @Test func invoicesListLastNWithLinksAndFailedOnesOfferARetry() throws {
        let bot = try TestBot()
        let out = try bot.say("please send me my invoices", from: "+15550101004")  // Daniel, past_due
        let reply = try #require(out.reply)
        #expect(out.intent == "invoices.list")
        #expect(reply.contains("payment failed"))
        #expect(out.links.filter { $0.action == "invoice.retry" }.count == 1)
        #expect(out.links.filter { $0.action == "invoice.view" }.count == 3)
        try bot.set("invoices", ["count": .int(2)])
        let two = try bot.say("please send me my invoices", from: alice)
        #expect(two.links.count == 2)
        #expect(two.reply?.contains("INV-") == true)
    }

    @Test func invoicesCanBeAskedForByNumberOrMonth() throws {
        let bot = try TestBot()
        let byNumber = try bot.say("can you send me invoice INV-1003 please", from: alice)
        #expect(byNumber.intent == "invoices.list")
        #expect(byNumber.links.count == 1)
        #expect(byNumber.reply?.contains("INV-1003") == true)
        let all = try bot.app.store.read { try $0.invoices(clientID: 1, limit: 10) }
        let zone = TimeZone(identifier: "America/New_York")!
        let oldest = try #require(all.last)
        let monthNumber = Int(Format.isoDate(oldest.issuedAt, in: zone).dropFirst(5).prefix(2))!
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        let byMonth = try bot.say("please send me my \(names[monthNumber - 1]) receipt", from: alice)
        #expect(byMonth.intent == "invoices.list")
        #expect(byMonth.reply?.contains(oldest.number) == true)
        #expect(byMonth.links.count == 1)
    }

    @Test func helpListsOnlyEnabledPlugins() throws {
        let bot = try TestBot()
        let before = try #require(try bot.say("what can you do", from: alice).reply)
        #expect(before.contains("new card"))
        try bot.enable("payment", false)
        let after = try #require(try bot.say("what can you do", from: alice).reply)
        #expect(!after.contains("new card"))
    }

    @Test func disabledPluginAnswersNotAvailablePlusHelp() throws {
        let bot = try TestBot()
        try bot.enable("invoices", false)
        let out = try bot.say("please send me my invoices", from: alice)
        let reply = try #require(out.reply)
        #expect(reply.contains("doesn't offer that"))
        // By SMS, what to write instead, in short; only what is turned on.
        #expect(reply.contains("\"billing date\""))
        #expect(!reply.contains("receipts"))
        #expect(out.links.isEmpty)
        // By email, the help items.
        let mail = try #require(try bot.say("please send me my invoices", from: "alice@example.com").reply)
        #expect(mail.contains("next billing date"))
    }

    @Test func handoffNotifiesStaffThroughTheOutbox() throws {
        let bot = try TestBot()
        let out = try bot.say("talk to a person", from: alice)
        #expect(out.reply?.contains("within 24 hours") == true)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(notices.count == 3)
        #expect(notices.allSatisfy { $0.channel == .email && $0.body.contains("talk to a person") })
    }

    @Test func stopOptsOutOnceAndSilencesEveryLaterSend() throws {
        let bot = try TestBot()
        let stop = try bot.say("STOP", from: alice)
        #expect(stop.intent == "optout")
        #expect(stop.reply?.contains("unsubscribed") == true)
        let again = try bot.say("stop", from: alice)
        #expect(again.disposition == .silent)
        let later = try bot.say("when is my next billing date?", from: alice)
        #expect(later.disposition == .silent)
        #expect(later.reason == "opted_out")
        #expect(try bot.outbox().filter { $0.recipient == alice }.count == 1)
        let start = try bot.say("START", from: alice)
        #expect(start.reply?.contains("subscribed again") == true)
        #expect(try bot.say("when is my next billing date?", from: alice).disposition == .replied)
    }

    @Test func bareCancelSMSIsAnOptOutNeverAMembershipCancellation() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let out = try bot.say("Cancel", from: alice)
        #expect(out.intent == "optout")
        let status = try bot.app.store.read { try $0.memberships(clientID: 1).first?.status }
        #expect(status == .active)
    }

    @Test func helpKeywordOnSMSCarriesBusinessContactAndOptOutWords() throws {
        let bot = try TestBot()
        let reply = try #require(try bot.say("HELP", from: alice).reply)
        #expect(reply.contains("Maple Street Studio"))
        #expect(reply.contains("+1 555 010 0000"))
        #expect(reply.contains("STOP"))
    }

    @Test func unknownSenderGetsAPoliteReplyAndNoClientData() throws {
        let bot = try TestBot()
        let out = try bot.say("when is my next billing date?", from: "+15559999999")
        let reply = try #require(out.reply)
        #expect(reply.contains("phone number or email address we have on file"))  // VerificationTests go on
        #expect(!reply.contains("Yoga"))
        #expect(!reply.contains("Alice"))
        let link = try bot.say("new card", from: "+15559999999")
        #expect(link.links.isEmpty)
    }

    @Test func emailFromAClientNeedsPassingVerdicts() throws {
        let bot = try TestBot()
        let good = try bot.say("when is my next billing date?", from: "alice@example.com", subject: "Billing")
        #expect(good.reply?.contains("Unlimited Yoga") == true)
        let spoofed = try bot.say(
            "when is my next billing date?", from: "alice@example.com",
            verdict: AuthVerdict(spf: .fail, dkim: .fail, dmarc: .fail))
        // A failing verdict: stored, never answered (no backscatter to a forged From), nothing acted on.
        #expect(spoofed.disposition == .silent)
        #expect(spoofed.reply == nil)
        // Any of the client's addresses works; the reply is threaded.
        let second = try bot.say(
            "when is my next billing date?", from: "Jack <JACK@work.example>", subject: "question",
            messageID: "<m1@work.example>")
        #expect(second.reply?.contains("Annual Wellness") == true)
        let row = try #require(try bot.outbox().last)
        #expect(row.recipient == "jack@work.example")
        #expect(row.subject == "Re: question")
        #expect(row.headers["In-Reply-To"] == "<m1@work.example>")
    }

    @Test func autoRepliesAreStoredButNeverAnswered() throws {
        let bot = try TestBot()
        let out = try bot.say("I am out of the office", from: "alice@example.com", autoReply: true)
        #expect(out.disposition == .silent)
        #expect(try bot.outbox().isEmpty)
        #expect(try bot.count("messages") == 1)
    }

    @Test func aRepeatedProviderIDIsProcessedOnce() throws {
        let bot = try TestBot()
        let first = try bot.say("new card", from: alice, providerID: "SM123")
        let second = try bot.say("new card", from: alice, providerID: "SM123")
        #expect(first.disposition == .replied)
        #expect(second.disposition == .duplicate)
        #expect(try bot.outbox().count == 1)
    }

    @Test func aRetriedInlineDeliveryGetsTheSameReplyAgainButIsNotProcessedAgain() throws {
        let bot = try TestBot()
        let message = InboundMessage(
            provider: "twilio", providerMessageID: "SMretry", channel: .sms, from: alice, to: "+15550100000",
            text: "when is my next billing date?")
        let first = try bot.app.pipeline.handle(message, inline: true)
        let retry = try bot.app.pipeline.handle(message, inline: true)
        #expect(retry.disposition == .duplicate)
        #expect(retry.reply == first.reply)
        #expect(try bot.outbox().count == 1)
        // Queued (non-inline) replies leave through the outbox; a retry repeats nothing.
        let queued = try bot.say("new card", from: alice, providerID: "SMq")
        #expect(queued.disposition == .replied)
        #expect(try bot.say("new card", from: alice, providerID: "SMq").reply == nil)
    }

    @Test func aRetriedInlineReplyCarriesALiveLinkNotItsStoredPlaceholder() throws {
        let bot = try TestBot()
        let message = InboundMessage(
            provider: "twilio", providerMessageID: "SMretrylink", channel: .sms, from: alice, to: "+15550100000",
            text: "new card")
        let first = try bot.app.pipeline.handle(message, inline: true)
        let firstLink = try #require(first.links.first)
        // The first response was lost: the provider sends the same message again.
        let retry = try bot.app.pipeline.handle(message, inline: true)
        #expect(retry.disposition == .duplicate)
        let reply = try #require(retry.reply)
        #expect(!reply.contains("[link"), "\(reply)")
        let again = try #require(retry.links.first)
        #expect(reply.contains(again.url))
        #expect(again.url != firstLink.url)
        #expect(again.action == firstLink.action && again.expiresAt == firstLink.expiresAt)
        #expect(try bot.count("messages") == 1)
        // Once the stored link was used, a retry keeps the placeholder: a used link's page would only say so.
        let firstToken = String(firstLink.url.split(separator: "/").last ?? "")
        let firstHash = try #require(LinkIssuer.hash(ofToken: firstToken))
        #expect(try bot.app.store.write { try $0.consumeLink(tokenHash: firstHash, now: bot.clock.now()) })
        let third = try bot.app.pipeline.handle(message, inline: true)
        #expect(third.reply?.contains("/l/[link ") == true)
        #expect(third.links.isEmpty)
    }

    @Test func cardNumbersAreMaskedBeforeStorageAndNeverEchoed() throws {
        let bot = try TestBot()
        let out = try bot.say("new card 4242 4242 4242 4242 exp 12/29", from: alice)
        let stored = try bot.app.store.read { try $0.message(id: out.messageID ?? -1)?.text }
        #expect(try bot.count("messages") == 1)
        #expect(stored?.contains("4242 4242 4242 4242") == false)
        #expect(stored?.contains("•••• 4242") == true)
        #expect(out.reply?.contains("4242 4242") == false)
    }

    @Test func appointmentCancellationIsNeverAMembershipCancellation() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let out = try bot.say("I need to cancel my appointment tomorrow at 3pm", from: alice)
        #expect(out.intent != "membership.cancel")
        #expect(out.state == "idle")
        let status = try bot.app.store.read { try $0.memberships(clientID: 1).first?.status }
        #expect(status == .active)
    }

    @Test func negationPicksTheRealRequest() throws {
        let bot = try TestBot()
        let out = try bot.say("don't cancel anything, I just need to update my card", from: alice)
        #expect(out.intent == "payment_method.update")
        #expect(out.links.count == 1)
    }

    @Test(arguments: [
        ("¿cuándo es mi próxima fecha de cobro?", "membership.show"),
        ("quiero cambiar mi tarjeta", "payment_method.update"),
        ("envoyez-moi mes factures s'il vous plaît", "invoices.list"), ("je veux parler à quelqu'un", "handoff"),
        ("wen is my nxt bill date pls", "membership.show"),
    ])
    func otherLanguagesAndTyposReachTheRightPlugin(_ text: String, _ intent: String) throws {
        let bot = try TestBot()
        #expect(try bot.say(text, from: alice).intent == intent)
    }

    @Test func aLongEmailIsUnderstoodFromTheSentenceThatAsks() throws {
        let bot = try TestBot()
        let text = """
            Hi there,

            Hope you are all well, the new studio looks great and I really enjoyed the Saturday class last week.
            My daughter is starting school soon so things are busy here. Could you send me my receipts for the
            last few months? I need them for my expense report.

            Thanks so much!
            """
        let out = try bot.say(text, from: "alice@example.com", subject: "receipts")
        #expect(out.intent == "invoices.list")
    }

    @Test func unknownGetsTheClarificationMenu() throws {
        let bot = try TestBot()
        let out = try bot.say("what's the weather", from: alice)
        #expect(out.intent == "unknown")
        #expect(out.reply?.contains("didn't quite get that") == true)
    }

    @Test func staffForwardActsForTheForwardedClient() throws {
        let bot = try TestBot()
        let out = try bot.say(
            "when is my next billing date?", from: "sara@maple-studio.example", subject: "Fwd: billing",
            forwarded: ForwardedMessage(
                fromName: "Ben Carter", fromAddress: "ben.carter@example.com", body: "when do I pay?"))
        #expect(out.reply?.contains("Massage Club") == true)
        #expect(try bot.outbox().last?.recipient == "sara@maple-studio.example")
    }

    @Test func onePluginFailingNeverLosesTheMessageAndUndoesItsWrites() throws {
        let bot = try TestBot()
        let app = bot.app
        let plugins: [any Plugin] = BuiltinPlugins.all.filter { $0.id != "membership" } + [ExplodingPlugin()]
        let pipeline = Pipeline(
            store: app.store, catalog: app.catalog, classifier: app.classifier, clock: bot.clock,
            links: LinkIssuer(baseURL: "https://x.test"), plugins: plugins)
        let out = try pipeline.handle(
            InboundMessage(
                provider: "test", providerMessageID: "boom", channel: .sms, from: alice, to: "+15550100000",
                text: "when is my next billing date?"))
        #expect(out.disposition == .replied)
        #expect(out.reply?.contains("something went wrong") == true)
        #expect(try bot.count("messages") == 1)
        #expect(try bot.count("audit") == 1)  // the demo's seed entry only: the plugin's write was undone
        // The next plugin still runs.
        #expect(
            try pipeline.handle(
                InboundMessage(
                    provider: "test", providerMessageID: "ok", channel: .sms, from: alice, to: "+15550100000",
                    text: "new card")
            ).links.count == 1)
    }
}

/// Writes, then fails with an untyped error: the savepoint must undo the write.
struct ExplodingPlugin: Plugin {
    let id = "membership"
    struct Boom: Error {}
    func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        try context.store.audit(
            businessID: nil, actor: "x", via: "x", action: "exploded", before: nil, after: nil, now: context.now)
        throw Boom()
    }
}

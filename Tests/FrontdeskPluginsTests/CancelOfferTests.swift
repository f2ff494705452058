import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskPlugins

/// Retention without obstruction (issue 16 part 8), with the cancel plugin called directly: one save offer, shown
/// once, beside a way to cancel that is just as easy; the reason captured and never required; and where staff handle
/// cancellations, a deadline the client is told.
@Suite("Cancel plugin: save offer, reason, staff deadline")
struct CancelOfferTests {
    let plugin = CancelPlugin()
    let katie = "+15550101011"  // Katie Lopez, Gym Basic $39, active, period end Dec 8

    func allow(_ h: PluginHarness, _ extra: [String: SettingValue] = [:]) throws {
        try h.bot.set("cancel", ["allowed": .bool(true)].merging(extra) { $1 })
    }

    /// Katie asks to cancel in `text`.
    func ask(_ h: PluginHarness, _ text: String) throws -> PluginReply {
        try h.run("cancel", as: katie) { try plugin.handle(h.request("membership.cancel", text), in: $0) }
    }

    @Test func withoutAnOfferTheQuestionIsThePlainYesOrNo() throws {
        let h = try PluginHarness()
        try allow(h)
        let asked = try ask(h, "cancel my membership")
        #expect(asked.template == "cancel/confirm")
        #expect(asked.pending?.action == "cancel:confirm")
        #expect(asked.auditAction == nil)
    }

    @Test func aPauseOfferIsShownOnceAndPauseTakesItWithoutCancelling() throws {
        let h = try PluginHarness()
        try allow(h, ["save_offer": .string("pause")])
        let asked = try ask(h, "please cancel my membership")
        #expect(asked.template == "cancel/confirm_offer_pause")
        #expect(asked.values["until"] == "Dec 22, 2026", "30 days from Nov 22")
        #expect(asked.auditAction == CancelPlugin.offerShown)
        let pending = try #require(asked.pending)
        #expect(pending.action == "cancel:offer")
        let text = try h.run("cancel", as: katie) { try $0.render(asked.template, asked.values) }
        #expect(text.contains("Reply YES to cancel") && text.contains("or PAUSE to pause it until Dec 22, 2026"))

        // The reminder never repeats the offer; asked again within the request, the plain question.
        let remind = try h.run("cancel", as: katie) { try plugin.remind(pending, in: $0) }
        #expect(remind?.template == "cancel/remind")
        try h.bot.app.store.write { c in
            try c.audit(
                businessID: 1, clientID: 11, actor: "client:11", via: "sms", action: asked.auditAction ?? "",
                before: nil, after: asked.auditAfter, now: h.bot.clock.now())
        }
        let again = try ask(h, "cancel my membership")
        #expect(again.template == "cancel/confirm", "the offer is shown at most once per request")

        let paused = try h.run("cancel", as: katie) { try plugin.resume(pending, answer: .acceptOffer, in: $0) }
        #expect(paused.template == "cancel/offer_pause")
        #expect(paused.auditAction == "cancel.offer_accepted")
        let m = try h.membership(katie)
        #expect(m.status == .paused && m.cancelAt == nil)
        #expect(m.pause?.resumesAt == asked.pending.flatMap { CancelPending.decode($0.payload)?.until })
    }

    @Test func yesCancelsAsEasilyAndKeepsTheReasonTheRequestGave() throws {
        let h = try PluginHarness()
        try allow(h, ["save_offer": .string("pause")])
        let asked = try ask(h, "I want to cancel my membership because I'm moving to Denver.")
        let pending = try #require(asked.pending)
        let done = try h.run("cancel", as: katie) { try plugin.resume(pending, answer: .yes(detail: ""), in: $0) }
        #expect(done.template == "cancel/done_with_reason", "a reason given is not asked for again")
        #expect(done.auditAction == CancelPlugin.action)
        #expect(done.auditAfter == "pending_cancel, reason: I'm moving to Denver")
        let m = try h.membership(katie)
        #expect(m.status == .pendingCancel && m.cancelReason == "I'm moving to Denver")
    }

    @Test func theReasonIsNeverRequired() throws {
        let h = try PluginHarness()
        try allow(h)
        let asked = try ask(h, "cancel my membership")
        let done = try h.run("cancel", as: katie) {
            try plugin.resume(#require(asked.pending), answer: .yes(detail: ""), in: $0)
        }
        #expect(done.template == "cancel/done")
        #expect(try h.membership(katie).status == .pendingCancel)
        let skipped = try h.run("cancel", as: katie) { try plugin.resume(#require(done.pending), answer: .no, in: $0) }
        #expect(skipped.template == "cancel/reason_skipped")
        #expect(try h.membership(katie).cancelReason == nil)
    }

    @Test func aDiscountOfferGoesToStaffByADeadlineAndCancelsNothing() throws {
        let h = try PluginHarness()
        try allow(h, ["save_offer": .string("discount"), "save_offer_discount": .string("50% off your next 2 months")])
        let asked = try ask(h, "cancel my membership")
        #expect(asked.template == "cancel/confirm_offer_discount")
        #expect(asked.values["offer"] == "50% off your next 2 months")
        let taken = try h.run("cancel", as: katie) {
            try plugin.resume(#require(asked.pending), answer: .acceptOffer, in: $0)
        }
        #expect(taken.template == "cancel/offer_discount")
        #expect(taken.values["deadline"] == "Wed, Nov 25", "3 days from Sun, Nov 22")
        let notice = try #require(taken.staffNotices.first)
        #expect(notice.template == "cancel/offer_staff")
        #expect(notice.values["summary"]?.contains("+15550101011") == true)
        #expect(notice.values["summary"]?.contains("katie@example.com") == true)
        #expect(try h.membership(katie).status == .active)
        // No discount named: no offer at all.
        try h.bot.set("cancel", ["save_offer_discount": .string(" ")])
        let plain = try ask(h, "cancel my membership")
        #expect(plain.template == "cancel/confirm")
    }

    @Test func whereStaffHandleItTheClientIsToldTheDeadline() throws {
        let h = try PluginHarness()
        try h.bot.set("cancel", ["staff_deadline_days": .int(5)])
        let reply = try ask(h, "cancel my membership please")
        #expect(reply.template == "cancel/not_allowed")
        #expect(reply.values["deadline"] == "Fri, Nov 27")
        let notice = try #require(reply.staffNotices.first)
        #expect(notice.values["deadline"] == "Fri, Nov 27")
        let summary = try #require(notice.values["summary"])
        for part in [
            "Katie Lopez", "+15550101011", "katie@example.com", "Gym Basic (active)", "cancel my membership please",
        ] {
            #expect(summary.contains(part), "\(summary)")
        }
        #expect(try h.membership(katie).status == .active)
    }

    @Test func theLinkPageShowsTheOfferAsAnEqualButtonAndEitherWorksOnce() throws {
        let h = try PluginHarness()
        try allow(h, ["save_offer": .string("pause"), "confirm": .string("link")])
        let m = try h.membership(katie)
        let request = LinkRequest(action: CancelPlugin.action, resource: "membership:\(m.id)", linkID: 1)
        let page = try h.run("cancel", as: katie) { try plugin.linkPage(request, in: $0) }
        let form = try #require(page.form)
        #expect(form.submit == "Cancel my membership")
        #expect(form.buttons == [LinkButton(name: "choice", value: "pause", label: "Pause until Dec 22, 2026 instead")])
        #expect(page.paragraphs.contains { $0.contains("pause it until **Dec 22, 2026**") })

        let paused = try h.run("cancel", as: katie) {
            try plugin.submitLink(request, form: ["choice": "pause"], in: $0)
        }
        #expect(paused.spendsLink && paused.auditAction == "cancel.offer_accepted")
        #expect(paused.page.title == "Membership paused")
        #expect(try h.membership(katie).status == .paused)
        // A forged choice the business does not offer changes nothing.
        try h.bot.set("cancel", ["save_offer": .string("none")])
        let liam = "+15550101012"
        let other = LinkRequest(
            action: CancelPlugin.action, resource: "membership:\(try h.membership(liam).id)", linkID: 2)
        #expect(throws: PluginError.self) {
            try h.run("cancel", as: liam) { try plugin.submitLink(other, form: ["choice": "pause"], in: $0) }
        }
        #expect(try h.membership(liam).status == .active)
    }
}

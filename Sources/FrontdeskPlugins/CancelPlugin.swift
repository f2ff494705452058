import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `membership.cancel`, per business policy: `allowed` (else staff are asked, with a deadline the client is told),
/// `mode` period_end|immediate, `confirm` reply|link. The reason is captured, never required: written in the request
/// ("… because I'm moving"), with the YES ("YES moving away"), asked for afterwards, or typed on the page. The pipeline
/// offers it only for an explicit request classified at `min_confidence` percent or more (see
/// `prompts/<locale>/words.json`, `explicit`). Confirmed by a YES or on the link page, it takes one path (`confirm`)
/// and is audited as `membership.cancel` either way.
///
/// Retention without obstruction (California's AB 2863): a business may turn on one save offer (`save_offer`: a
/// pause, or the discount `save_offer_discount` names). It is shown once per cancellation request, in the same
/// question as the cancellation, and taking it is no easier than cancelling: "Reply YES to cancel, or PAUSE to pause
/// it instead", or two equal buttons on the page.
public struct CancelPlugin: Plugin {
    public let id = "cancel"
    public static let action = "membership.cancel"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let all = try context.billing.subscriptions(clientID: client.id, in: context.scope)
        let live = all.filter { $0.status != .cancelled && $0.status != .pendingCancel }
        guard !live.isEmpty else {
            if let ending = all.first(where: { $0.status == .pendingCancel }) {
                return PluginReply(
                    template: "cancel/already",
                    values: ["plan": ending.planName, "date": context.date(ending.cancelAt ?? ending.currentPeriodEnd)])
            }
            return PluginReply(template: "cancel/nothing_to_cancel", values: ["name": client.firstName])
        }
        guard let membership = MembershipPick.pick(live, text: request.text) else {
            return PluginReply(
                template: "cancel/which",
                values: ["plans": live.map(\.planName).joined(separator: ", "), "example": live[0].planName])
        }
        guard context.settings.bool("allowed") else {
            // Staff handle it, by a deadline the client is told ("Our team will confirm by Tue, Dec 8").
            return PluginReply(
                template: "cancel/not_allowed",
                values: [
                    "name": client.firstName, "plan": membership.planName, "business": context.business.name,
                    "deadline": deadline(context, forStaff: false),
                ],
                staffNotices: [
                    StaffNotice(
                        template: "cancel/staff_request",
                        values: [
                            "client": client.fullName, "plan": membership.planName,
                            "deadline": deadline(context, forStaff: true),
                            "summary": try context.staffSummary(asked: request.text),
                        ])
                ], auditAction: "cancel.requested_staff",
                auditAfter: "membership:\(membership.id), answer by \(UTC.format(deadlineDate(context)))")
        }
        let ttl = context.settings.int("ttl_minutes", default: 30)
        let when = try whenText(membership, context: context)
        let reason = context.lexicon.reason(in: request.text).map { String($0.prefix(500)) }
        if context.settings.string("confirm") == "link" {
            let link = try context.links.issue(
                context.store, businessID: context.business.id, clientID: client.id, action: Self.action,
                resource: "membership:\(membership.id)", ttlMinutes: ttl, now: context.now)
            return PluginReply(
                template: "cancel/link",
                values: ["plan": membership.planName, "when": when, "url": link.url, "minutes": String(ttl)],
                links: [link], auditAction: "link.issued", auditAfter: Self.action)
        }
        var values = [
            "plan": membership.planName, "when": when, "effect": try effectText(context), "minutes": String(ttl),
        ]
        let expires = context.now.addingTimeInterval(TimeInterval(ttl * 60))
        var pending = CancelPending(
            membership: membership.id, reason: reason, text: String(request.text.prefix(Self.textLimit)))
        // Once per cancellation request: asked again while it waits, the client gets the plain question.
        guard let offer = try saveOffer(for: membership, context), try !offerShown(membership, ttl: ttl, context)
        else {
            return PluginReply(
                template: "cancel/confirm", values: values,
                pending: PendingAction(action: "cancel:confirm", payload: pending.payload, expiresAt: expires))
        }
        values.merge(offer.values) { $1 }
        pending.offer = offer.kind
        pending.until = offer.until
        return PluginReply(
            template: "cancel/confirm_offer_\(offer.kind)", values: values,
            pending: PendingAction(action: "cancel:offer", payload: pending.payload, expiresAt: expires),
            auditAction: Self.offerShown, auditAfter: "membership:\(membership.id) \(offer.kind)")
    }

    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        guard let state = CancelPending.decode(pending.payload),
            let membership = try context.billing.subscriptions(clientID: client.id, in: context.scope)
                .first(where: { $0.id == state.membership })
        else { return PluginReply(template: "cancel/nothing_to_cancel", values: ["name": client.firstName]) }
        switch (pending.step, answer) {
        case ("confirm", .no), ("offer", .no):
            return PluginReply(template: "cancel/kept", values: ["plan": membership.planName])
        case ("offer", .acceptOffer):
            return try takeOffer(membership, state, context)
        case ("confirm", .yes(let detail)), ("offer", .yes(let detail)):
            let reason = detail.isEmpty ? state.reason : String(detail.prefix(500))
            let when = try whenText(membership, context: context)
            guard let done = try confirm(membership, reason: reason, in: context) else {
                return PluginReply(
                    template: "cancel/already",
                    values: ["plan": membership.planName, "date": context.date(membership.currentPeriodEnd)])
            }
            if reason != nil {
                return PluginReply(
                    template: "cancel/done_with_reason", values: ["plan": membership.planName, "when": when],
                    auditAction: Self.action, auditBefore: done.before, auditAfter: done.after)
            }
            let ttl = context.settings.int("ttl_minutes", default: 30)
            return PluginReply(
                template: "cancel/done", values: ["plan": membership.planName, "when": when],
                pending: PendingAction(
                    action: "cancel:reason", payload: CancelPending(membership: membership.id).payload,
                    expiresAt: context.now.addingTimeInterval(TimeInterval(ttl * 60))),
                auditAction: Self.action, auditBefore: done.before, auditAfter: done.after)
        case ("reason", .text(let text)) where !text.isEmpty, ("reason", .yes(let text)) where !text.isEmpty:
            let reason = String(text.prefix(500))
            try context.billing.recordCancelReason(
                membershipID: membership.id, clientID: client.id, reason: reason, in: context.scope)
            return PluginReply(
                template: "cancel/reason_thanks", values: ["name": client.firstName],
                auditAction: "membership.cancel_reason", auditAfter: "reason: \(reason)")
        case ("reason", _):
            // "no", "ok", "ok fine yes": no reason given, and none is stored.
            return PluginReply(template: "cancel/reason_skipped", values: ["plan": membership.planName])
        default:
            return PluginReply(template: "cancel/kept", values: ["plan": membership.planName])
        }
    }

    /// Cancels per the business's `mode`, confirmed by reply or on the link page; nil when it had already ended.
    func confirm(_ membership: Membership, reason: String?, in context: PluginContext) throws
        -> (membership: Membership, before: String, after: String)?
    {
        let timing: CancelTiming = context.settings.string("mode") == "immediate" ? .now : .periodEnd
        do {
            let done = try context.billing.cancel(
                membershipID: membership.id, clientID: membership.clientID, timing: timing, reason: reason,
                in: context.scope)
            let after = reason.map { "\(done.status.rawValue), reason: \($0)" } ?? done.status.rawValue
            return (done, membership.status.rawValue, after)
        } catch let error as BillingError where error.code == .alreadyEnded {
            return nil
        }
    }

    /// "Still waiting: reply YES to cancel Gym Basic immediately (you lose access today), or NO to keep it."
    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? {
        // The reminder never repeats a save offer: it is shown once per request.
        guard pending.step == "confirm" || pending.step == "offer", let client = context.client,
            let id = CancelPending.decode(pending.payload)?.membership,
            let membership = try context.billing.subscriptions(clientID: client.id, in: context.scope)
                .first(where: { $0.id == id })
        else { return nil }
        return PluginReply(
            template: "cancel/remind",
            values: [
                "plan": membership.planName, "when": try whenText(membership, context: context),
                "effect": try effectText(context),
            ])
    }

    // MARK: The link page

    public func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage {
        let client = try context.requireClient()
        let m = try context.linkedMembership(link, clientID: client.id)
        guard m.status != .cancelled, m.status != .pendingCancel else { return try alreadyPage(m, context) }
        let immediate = context.settings.string("mode") == "immediate"
        let effect =
            immediate
            ? try context.render("cancel/page_effect_immediate", [:])
            : try context.render(
                "cancel/page_effect_period_end", ["date": context.date(m.currentPeriodEnd ?? m.nextBillingAt)])
        var page = try context.page(
            "cancel/page_confirm",
            [
                "name": client.firstName, "plan": m.planName, "price": context.money(m.priceMinor, m.currency),
                "interval": try context.intervalText(m.interval), "effect": effect,
            ])
        page.form = LinkForm(
            fields: [
                LinkField(
                    name: "reason", label: try context.render("cancel/page_reason_label", [:]), kind: .textarea,
                    maxLength: 500)
            ], submit: try context.render("cancel/page_button", [:]))
        // The save offer sits beside the cancel button, as one more button of the same kind.
        if let offer = try saveOffer(for: m, context) {
            page.paragraphs.append(try context.render("cancel/page_offer_\(offer.kind)", offer.values))
            page.form?.buttons = [
                LinkButton(
                    name: "choice", value: offer.kind,
                    label: try context.render("cancel/page_offer_\(offer.kind)_button", offer.values))
            ]
        }
        page.notes = [try context.render("cancel/page_note", [:])]
        return page
    }

    public func submitLink(_ link: LinkRequest, form: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        let client = try context.requireClient()
        let m = try context.linkedMembership(link, clientID: client.id)
        if let choice = form["choice"], m.status != .cancelled, m.status != .pendingCancel {
            guard let offer = try saveOffer(for: m, context), offer.kind == choice else {
                throw PluginError(template: "cancel/page_offer_gone")
            }
            return try takeOffer(m, offer, context)
        }
        let trimmed = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = trimmed.isEmpty ? nil : String(trimmed.prefix(500))
        guard let done = try confirm(m, reason: reason, in: context) else {
            return LinkOutcome(page: try alreadyPage(m, context))
        }
        let page =
            done.membership.status == .cancelled
            ? try context.page("cancel/page_done_immediate", ["plan": m.planName])
            : try context.page(
                "cancel/page_done_period_end",
                ["plan": m.planName, "date": context.date(done.membership.cancelAt ?? context.now)])
        return LinkOutcome(page: page, auditAction: Self.action, auditBefore: done.before, auditAfter: done.after)
    }

    private func alreadyPage(_ m: Membership, _ context: PluginContext) throws -> LinkPage {
        try context.page("cancel/page_already", ["plan": m.planName, "date": context.date(m.cancelAt)])
    }

    /// What the client loses, and when: "you lose access today" / "you keep access until then".
    func effectText(_ context: PluginContext) throws -> String {
        let immediate = context.settings.string("mode") == "immediate"
        return try context.render(immediate ? "cancel/effect_immediate" : "cancel/effect_period_end", [:])
    }

    func whenText(_ m: Membership, context: PluginContext) throws -> String {
        if context.settings.string("mode") == "immediate" { return try context.render("cancel/when_immediate", [:]) }
        return try context.render(
            "cancel/when_period_end", ["date": context.date(m.currentPeriodEnd ?? m.nextBillingAt)])
    }

    // MARK: The save offer and the staff's deadline

    /// Characters of the request kept with the question (staff see them if the client takes a discount).
    static let textLimit = 300
    /// Audited when a save offer is shown, so it is shown once per cancellation request.
    static let offerShown = "cancel.offer_shown"

    /// One save offer a business may make instead of the cancellation: `pause` (until `until`) or `discount`.
    struct SaveOffer {
        var kind: String
        var values: [String: String]
        var until: Date?
    }

    /// The business's save offer, when it can apply to this membership: a pause for an active membership that has
    /// none (billed as the business bills every pause), a discount the business has named.
    func saveOffer(for m: Membership, _ context: PluginContext) throws -> SaveOffer? {
        switch context.settings.string("save_offer") {
        case "pause":
            guard m.status == .active, m.pause == nil, let billing = try pauseBilling(context) else { return nil }
            let days = context.settings.int("save_offer_pause_days", default: 30)
            let calendar = context.scope.calendar
            guard let until = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: context.now))
            else { return nil }
            let preview: PausePreview
            do {
                preview = try context.billing.previewPause(
                    m, PauseRequest(startsAt: context.now, resumesAt: until, billing: billing), in: context.scope)
            } catch is BillingError {
                return nil
            }
            return SaveOffer(
                kind: "pause",
                values: [
                    "until": context.date(until), "next": context.date(preview.nextBillingAt), "days": String(days),
                ], until: until)
        case "discount":
            let offer = (context.settings.string("save_offer_discount") ?? "").trimmedWhitespace()
            guard !offer.isEmpty, m.status != .cancelled else { return nil }
            return SaveOffer(kind: "discount", values: ["offer": offer], until: nil)
        default:
            return nil
        }
    }

    /// A pause offered to keep a client is billed the way the business bills every pause (the lifecycle plugin's
    /// `pause_billing`), or as the billing provider can.
    private func pauseBilling(_ context: PluginContext) throws -> PauseBilling? {
        let stored = try context.store.pluginSettings(businessID: context.business.id, plugin: "lifecycle")
            .values["pause_billing"]?.stringValue
        let wanted = PauseBilling(rawValue: stored ?? "") ?? .shift
        if context.billing.pauseBillings.contains(wanted) { return wanted }
        return PauseBilling.allCases.first(where: context.billing.pauseBillings.contains)
    }

    /// Whether this membership's save offer was shown within the question's lifetime (the same request).
    private func offerShown(_ m: Membership, ttl: Int, _ context: PluginContext) throws -> Bool {
        let since = context.now.addingTimeInterval(TimeInterval(-ttl * 60))
        return try context.store.auditEntries(
            businessID: context.business.id, clientID: m.clientID, since: since, limit: 100
        ).contains { $0.action == Self.offerShown && $0.after?.hasPrefix("membership:\(m.id) ") == true }
    }

    /// The client answered the offer's word ("PAUSE"): the offer as it was shown, if it still applies.
    private func takeOffer(_ m: Membership, _ state: CancelPending, _ context: PluginContext) throws -> PluginReply {
        guard var offer = try saveOffer(for: m, context), offer.kind == state.offer else {
            return PluginReply(template: "cancel/offer_gone", values: ["plan": m.planName])
        }
        offer.until = state.until ?? offer.until
        let taken = try apply(offer, m, asked: state.text ?? "", context)
        return PluginReply(
            template: "cancel/offer_\(offer.kind)", values: taken.values, staffNotices: taken.notices,
            auditAction: "cancel.offer_accepted", auditBefore: m.status.rawValue, auditAfter: taken.after)
    }

    /// The client pressed the offer's button on the cancellation page.
    private func takeOffer(_ m: Membership, _ offer: SaveOffer, _ context: PluginContext) throws -> LinkOutcome {
        let taken = try apply(offer, m, asked: "", context)
        return LinkOutcome(
            page: try context.page("cancel/page_offer_\(offer.kind)_done", taken.values),
            auditAction: "cancel.offer_accepted", auditBefore: m.status.rawValue, auditAfter: taken.after,
            staffNotices: taken.notices)
    }

    /// Takes an offer: pauses the membership now (through the billing provider), or asks staff to apply the discount
    /// by the deadline. The membership is not cancelled either way.
    private func apply(_ offer: SaveOffer, _ m: Membership, asked: String, _ context: PluginContext) throws
        -> (values: [String: String], notices: [StaffNotice], after: String)
    {
        var values = offer.values.merging(["plan": m.planName]) { $1 }
        switch offer.kind {
        case "pause":
            guard let until = offer.until, let billing = try pauseBilling(context) else {
                throw PluginError(template: "core/error")
            }
            let request = PauseRequest(startsAt: context.now, resumesAt: until, billing: billing)
            let paused = try context.billing.pause(
                membershipID: m.id, clientID: m.clientID, request, in: context.scope)
            values["until"] = context.date(until)
            values["next"] = context.date(paused.nextBillingAt)
            return (values, [], "\(paused.status.rawValue) until \(UTC.format(until)) \(billing) instead of cancelling")
        default:
            values["deadline"] = deadline(context, forStaff: false)
            let client = try context.requireClient()
            let notice = StaffNotice(
                template: "cancel/offer_staff",
                values: [
                    "client": client.fullName, "plan": m.planName, "offer": values["offer"] ?? "",
                    "deadline": deadline(context, forStaff: true),
                    "summary": try context.staffSummary(asked: asked.isEmpty ? m.planName : asked),
                ])
            return (values, [notice], "discount instead of cancelling: \(values["offer"] ?? "")")
        }
    }

    /// When staff will have answered: `staff_deadline_days` from now.
    func deadlineDate(_ context: PluginContext) -> Date {
        let days = context.settings.int("staff_deadline_days", default: 3)
        return context.scope.calendar.date(byAdding: .day, value: days, to: context.now) ?? context.now
    }

    /// The deadline with its weekday ("Tue, Dec 8"), in the client's language or the staff's.
    func deadline(_ context: PluginContext, forStaff: Bool) -> String {
        let locale = forStaff ? context.business.locale : context.locale
        let style = context.lexicon.style(locale)
        return Format.weekdayDate(deadlineDate(context), in: context.business.zone, style: style)
    }
}

/// A cancellation question waiting for its answer (the pending payload): the membership, the save offer shown with
/// it (and the pause's end as shown), a reason the request gave, and the request's words. Questions stored before
/// held the membership's id alone, which still reads.
struct CancelPending: Codable, Equatable {
    var membership: Int
    var offer: String?
    var until: Date?
    var reason: String?
    var text: String?

    var payload: String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ payload: String) -> CancelPending? {
        if let id = Int(payload) { return CancelPending(membership: id) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(CancelPending.self, from: Data(payload.utf8))
    }
}

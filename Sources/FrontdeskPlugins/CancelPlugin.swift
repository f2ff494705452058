import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `membership.cancel`, per business policy: `allowed` (else staff are asked), `mode` period_end|immediate,
/// `confirm` reply|link. A reason is asked for and stored. The pipeline offers it only for an explicit request
/// classified at `min_confidence` percent or more (see `prompts/<locale>/words.json`, `explicit`). Confirmed by a
/// YES or on the link page, it takes one path (`confirm`) and is audited as `membership.cancel` either way.
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
            let address = context.channel.rawValue
            return PluginReply(
                template: "cancel/not_allowed",
                values: ["name": client.firstName, "plan": membership.planName, "business": context.business.name],
                staffNotices: [
                    StaffNotice(
                        template: "cancel/staff_request",
                        values: [
                            "client": client.fullName, "plan": membership.planName, "channel": address,
                            "text": String(request.text.prefix(300)),
                        ])
                ], auditAction: "cancel.requested_staff", auditAfter: "membership:\(membership.id)")
        }
        let ttl = context.settings.int("ttl_minutes", default: 30)
        let when = try whenText(membership, context: context)
        if context.settings.string("confirm") == "link" {
            let link = try context.links.issue(
                context.store, businessID: context.business.id, clientID: client.id, action: Self.action,
                resource: "membership:\(membership.id)", ttlMinutes: ttl, now: context.now)
            return PluginReply(
                template: "cancel/link",
                values: ["plan": membership.planName, "when": when, "url": link.url, "minutes": String(ttl)],
                links: [link], auditAction: "link.issued", auditAfter: Self.action)
        }
        return PluginReply(
            template: "cancel/confirm",
            values: [
                "plan": membership.planName, "when": when, "effect": try effectText(context), "minutes": String(ttl),
            ],
            pending: PendingAction(
                action: "cancel:confirm", payload: String(membership.id),
                expiresAt: context.now.addingTimeInterval(TimeInterval(ttl * 60))))
    }

    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        guard let membershipID = Int(pending.payload),
            let membership = try context.billing.subscriptions(clientID: client.id, in: context.scope)
                .first(where: { $0.id == membershipID })
        else { return PluginReply(template: "cancel/nothing_to_cancel", values: ["name": client.firstName]) }
        switch (pending.step, answer) {
        case ("confirm", .no):
            return PluginReply(template: "cancel/kept", values: ["plan": membership.planName])
        case ("confirm", .yes(let detail)):
            let reason = detail.isEmpty ? nil : String(detail.prefix(500))
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
                    action: "cancel:reason", payload: String(membership.id),
                    expiresAt: context.now.addingTimeInterval(TimeInterval(ttl * 60))),
                auditAction: Self.action, auditBefore: done.before, auditAfter: done.after)
        case ("reason", .text(let text)) where !text.isEmpty, ("reason", .yes(let text)) where !text.isEmpty:
            try context.billing.recordCancelReason(
                membershipID: membership.id, clientID: client.id, reason: String(text.prefix(500)), in: context.scope)
            return PluginReply(
                template: "cancel/reason_thanks", values: ["name": client.firstName],
                auditAction: "membership.cancel_reason")
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
            return (done, membership.status.rawValue, done.status.rawValue)
        } catch let error as BillingError where error.code == .alreadyEnded {
            return nil
        }
    }

    /// "Still waiting: reply YES to cancel Gym Basic immediately (you lose access today), or NO to keep it."
    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? {
        guard pending.step == "confirm", let client = context.client, let id = Int(pending.payload),
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
        page.notes = [try context.render("cancel/page_note", [:])]
        return page
    }

    public func submitLink(_ link: LinkRequest, form: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        let client = try context.requireClient()
        let m = try context.linkedMembership(link, clientID: client.id)
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
}

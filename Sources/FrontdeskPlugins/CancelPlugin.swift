import Foundation
import FrontdeskCore
import FrontdeskStore

/// `membership.cancel`, per business policy: `allowed` (else staff are asked), `mode` period_end|immediate,
/// `confirm` reply|link. A reason is asked for and stored. The pipeline offers it only for an explicit request
/// classified at `min_confidence` percent or more (see `prompts/<locale>/words.json`, `explicit`).
public struct CancelPlugin: Plugin {
    public let id = "cancel"
    public static let action = "membership.cancel"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let all = try context.store.memberships(clientID: client.id)
        let live = all.filter { $0.status != .cancelled && $0.status != .pendingCancel }
        guard !live.isEmpty else {
            if let ending = all.first(where: { $0.status == .pendingCancel }) {
                return PluginReply(
                    template: "cancel/already",
                    values: ["plan": ending.planName, "date": context.date(ending.cancelAt ?? ending.currentPeriodEnd)])
            }
            return PluginReply(template: "cancel/nothing_to_cancel", values: ["name": client.firstName])
        }
        let text = request.text.lowercased()
        let named = live.filter { text.contains($0.planName.lowercased()) }
        guard let membership = named.count == 1 ? named[0] : (live.count == 1 ? live[0] : nil) else {
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
            let membership = try context.store.memberships(clientID: client.id).first(where: { $0.id == membershipID })
        else { return PluginReply(template: "cancel/nothing_to_cancel", values: ["name": client.firstName]) }
        switch (pending.step, answer) {
        case ("confirm", .no):
            return PluginReply(template: "cancel/kept", values: ["plan": membership.planName])
        case ("confirm", .yes(let detail)):
            let reason = detail.isEmpty ? nil : String(detail.prefix(500))
            let when = try whenText(membership, context: context)
            guard
                try Self.perform(
                    context.store, membershipID: membership.id,
                    immediately: context.settings.string("mode") == "immediate",
                    reason: reason, now: context.now)
            else {
                return PluginReply(
                    template: "cancel/already",
                    values: ["plan": membership.planName, "date": context.date(membership.currentPeriodEnd)])
            }
            let audit = (
                before: membership.status.rawValue,
                after: context.settings.string("mode") == "immediate" ? "cancelled" : "pending_cancel"
            )
            if reason != nil {
                return PluginReply(
                    template: "cancel/done_with_reason", values: ["plan": membership.planName, "when": when],
                    auditAction: "membership.cancel", auditBefore: audit.before, auditAfter: audit.after)
            }
            let ttl = context.settings.int("ttl_minutes", default: 30)
            return PluginReply(
                template: "cancel/done", values: ["plan": membership.planName, "when": when],
                pending: PendingAction(
                    action: "cancel:reason", payload: String(membership.id),
                    expiresAt: context.now.addingTimeInterval(TimeInterval(ttl * 60))),
                auditAction: "membership.cancel", auditBefore: audit.before, auditAfter: audit.after)
        case ("reason", .text(let text)) where !text.isEmpty, ("reason", .yes(let text)) where !text.isEmpty:
            try context.store.setCancelReason(membershipID: membership.id, reason: String(text.prefix(500)))
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

    /// Cancels per policy; shared by the reply flow and the link page. False when already ended.
    public static func perform(
        _ store: any UnitOfWork, membershipID: Int, immediately: Bool, reason: String?, now: Date
    )
        throws
        -> Bool
    {
        try store.cancelMembership(id: membershipID, immediately: immediately, reason: reason, now: now)
    }

    /// "Still waiting: reply YES to cancel Gym Basic immediately (you lose access today), or NO to keep it."
    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? {
        guard pending.step == "confirm", let client = context.client, let id = Int(pending.payload),
            let membership = try context.store.memberships(clientID: client.id).first(where: { $0.id == id })
        else { return nil }
        return PluginReply(
            template: "cancel/remind",
            values: [
                "plan": membership.planName, "when": try whenText(membership, context: context),
                "effect": try effectText(context),
            ])
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

import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `plan.change`: the plans a client may switch to (the business's `switchable` setting), each with its price
/// difference and when it takes effect: an upgrade now with a prorated charge, a downgrade at the end of the
/// period. A numbered choice, then a confirmation naming the change; YES applies or schedules it through the
/// billing provider, audited as `plan.change`. With no switchable plans, staff are asked.
public struct PlanPlugin: Plugin {
    public let id = "plan"
    public init() {}

    /// Words of plan names too common to pick a plan by ("plan", "pack").
    static let commonWords: Set<String> = ["plan", "pack", "club", "membership", "basic"]

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let live = try context.billing.subscriptions(clientID: client.id, in: context.scope)
            .filter { $0.status != .cancelled }
        let switchable = try switchablePlans(context)
        guard !switchable.isEmpty else { return try RequestsPlugin.forward(request, in: context) }
        guard !live.isEmpty else { return PluginReply(template: "plan/none_live") }
        guard let m = MembershipPick.pick(live, text: request.text) else {
            return PluginReply(
                template: "plan/which",
                values: ["plans": live.map(\.planName).joined(separator: ", "), "example": live[0].planName])
        }
        // Switching is offered between switchable plans only (as Stripe's portal allows updates only from a product
        // it lists); from any other plan staff decide.
        guard switchable.contains(where: { $0.id == m.planID }) else {
            return try RequestsPlugin.forward(request, in: context)
        }
        guard m.status == .active || m.status == .trialing else {
            return PluginReply(
                template: "plan/unavailable",
                values: [
                    "plan": m.planName, "status": try context.render("membership/status_\(m.status.rawValue)", [:]),
                ])
        }
        let ttl = context.settings.int("ttl_minutes", default: 30)
        if let scheduled = m.scheduledChange, request.text.lowercased().contains(m.planName.lowercased()) {
            // Staying on the current plan calls off the switch scheduled for the end of the period.
            let change = PendingChange(kind: "change", membership: m.id, plan: m.planID)
            return PluginReply(
                template: "plan/confirm_keep",
                values: [
                    "from": m.planName, "plan": scheduled.planName, "date": context.date(scheduled.effectiveAt),
                    "minutes": String(ttl),
                ], pending: change.pending(id, context, minutes: ttl))
        }
        let options = try previews(m, switchable, context)
        guard !options.isEmpty else { return PluginReply(template: "plan/none", values: ["plan": m.planName]) }
        if let named = Self.named(in: request.text, options.map(\.to)),
            let preview = options.first(where: { $0.to.id == named.id })
        {
            return try confirmation(preview, ttl: ttl, context)
        }
        var lines: [String] = []
        for (index, preview) in options.enumerated() {
            var values = try describe(preview, context)
            values["number"] = String(index + 1)
            lines.append(try context.render("plan/option", values))
        }
        let choices = PendingChange(kind: "choice", membership: m.id, options: options.map(\.to.id))
        return PluginReply(
            template: "plan/options",
            values: [
                "plan": m.planName, "price": context.money(m.priceMinor, m.currency),
                "interval": try context.intervalText(m.interval),
                "options": lines.joined(separator: "\n"), "minutes": String(ttl),
            ],
            pending: PendingAction(
                action: "plan:choice", payload: choices.payload,
                expiresAt: context.now.addingTimeInterval(TimeInterval(ttl * 60))))
    }

    /// The plans the business lets clients switch between, in the order it lists them.
    func switchablePlans(_ context: PluginContext) throws -> [Plan] {
        let names = (context.settings.string("switchable") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let plans = try context.billing.plans(in: context.scope)
        return names.compactMap { name in plans.first { $0.name.lowercased() == name } }
    }

    /// What switching to each other switchable plan would do, as many as a numbered choice can hold.
    func previews(_ m: Membership, _ plans: [Plan], _ context: PluginContext) throws -> [PlanChangePreview] {
        var out: [PlanChangePreview] = []
        for plan in plans where plan.id != m.planID {
            do {
                out.append(try context.billing.previewPlanChange(m, to: plan, in: context.scope))
            } catch is BillingError {
                continue
            }
        }
        return Array(out.prefix(max(1, context.lexicon.choiceNumbers.values.max() ?? 4)))
    }

    /// The one plan the text names: its whole name, or more of its distinctive words than any other plan's.
    static func named(in text: String, _ plans: [Plan]) -> Plan? {
        let lowered = text.lowercased()
        let whole = plans.filter { lowered.contains($0.name.lowercased()) }
        if whole.count == 1 { return whole[0] }
        let words = Set(Lexicon.tokens(text).map(\.text))
        let scored = plans.map { plan in
            (
                plan,
                Lexicon.tokens(plan.name).map(\.text).filter {
                    $0.count >= 4 && !commonWords.contains($0) && words.contains($0)
                }.count
            )
        }
        let best = scored.map(\.1).max() ?? 0
        let top = scored.filter { $0.1 == best }
        return best > 0 && top.count == 1 ? top[0].0 : nil
    }

    /// Price, difference and when, for an option line or a confirmation.
    func describe(_ p: PlanChangePreview, _ context: PluginContext) throws -> [String: String] {
        let currency = p.from.currency
        let interval = try context.intervalText(p.to.interval)
        let difference: String
        if p.priceDifferenceMinor == 0 {
            difference = try context.render("plan/difference_same", [:])
        } else {
            difference = try context.render(
                p.priceDifferenceMinor > 0 ? "plan/difference_more" : "plan/difference_less",
                ["amount": context.money(abs(p.priceDifferenceMinor), currency), "interval": interval])
        }
        let values = [
            "from": p.from.planName, "to": p.to.name, "plan": p.to.name,
            "price": context.money(p.to.priceMinor, currency), "interval": interval, "difference": difference,
            "proration": context.money(p.prorationMinor, currency), "date": context.date(p.effectiveAt),
            "next": context.date(p.from.nextBillingAt ?? p.from.currentPeriodEnd),
            "card": try context.cardText(p.from.paymentMethod),
        ]
        return values.merging(["when": try context.render("plan/when_\(p.kind.rawValue)", values)]) { $1 }
    }

    /// "Switch Gym Basic to Unlimited Yoga …? Reply YES". An upgrade whose card cannot be charged asks for a new
    /// card instead.
    func confirmation(_ p: PlanChangePreview, ttl: Int, _ context: PluginContext) throws -> PluginReply {
        var values = try describe(p, context)
        values["minutes"] = String(ttl)
        if p.kind == .upgrade, p.prorationMinor > 0, context.unusable(p.from.paymentMethod) {
            return PluginReply(template: "plan/card_needed", values: values)
        }
        values["effect"] = try context.render("plan/effect_\(p.kind.rawValue)", values)
        let change = PendingChange(kind: "change", membership: p.from.id, plan: p.to.id)
        return PluginReply(template: "plan/confirm", values: values, pending: change.pending(id, context, minutes: ttl))
    }

    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        guard let (change, m) = try context.pendingChange(pending) else {
            return PluginReply(template: "core/nothing_pending")
        }
        switch (pending.step, answer) {
        case ("choice", .text(let text)):
            let ids = change.options ?? []
            guard let n = Int(text), ids.indices.contains(n - 1) else {
                // A number that is not on the list: asked again, the list still waiting.
                return PluginReply(
                    template: "plan/choice_range", values: ["plan": m.planName, "last": String(ids.count)],
                    pending: pending)
            }
            guard let plan = try context.billing.plans(in: context.scope).first(where: { $0.id == ids[n - 1] }) else {
                return PluginReply(template: "plan/kept", values: ["plan": m.planName])
            }
            let preview: PlanChangePreview
            do { preview = try context.billing.previewPlanChange(m, to: plan, in: context.scope) } catch is BillingError
            {
                return PluginReply(template: "plan/kept", values: ["plan": m.planName])
            }
            return try confirmation(preview, ttl: context.settings.int("ttl_minutes", default: 30), context)
        case ("confirm", .yes):
            guard let planID = change.plan else { return PluginReply(template: "core/nothing_pending") }
            return try apply(m, planID: planID, clientID: client.id, context)
        default:
            return PluginReply(template: "plan/kept", values: ["plan": m.planName])
        }
    }

    private func apply(_ m: Membership, planID: Int, clientID: Int, _ context: PluginContext) throws -> PluginReply {
        let result: PlanChangeResult
        do {
            result = try context.billing.changePlan(
                membershipID: m.id, clientID: clientID, to: planID, in: context.scope)
        } catch let error as BillingError {
            return PluginReply(
                template: error.code == .invalidState ? "plan/unavailable" : "core/error",
                values: [
                    "plan": m.planName, "status": try context.render("membership/status_\(m.status.rawValue)", [:]),
                ])
        }
        let target = try context.billing.plans(in: context.scope).first { $0.id == planID }
        var values = [
            "from": m.planName, "plan": target?.name ?? "", "price": context.money(target?.priceMinor ?? 0, m.currency),
            "interval": try context.intervalText(target?.interval ?? m.interval),
        ]
        switch result {
        case .changed(let changed, let invoice):
            values["next"] = context.date(changed.nextBillingAt)
            if let invoice {
                values["amount"] = context.money(invoice.amountMinor, invoice.currency)
                values["number"] = invoice.number
            }
            return PluginReply(
                template: invoice == nil ? "plan/done_now" : "plan/charged", values: values, auditAction: "plan.change",
                auditBefore: m.planName,
                auditAfter: changed.planName)
        case .scheduled(let scheduled):
            values["date"] = context.date(scheduled.scheduledChange?.effectiveAt)
            return PluginReply(
                template: "plan/done_scheduled", values: values, auditAction: "plan.change", auditBefore: m.planName,
                auditAfter:
                    "\(values["plan"] ?? "") on \(UTC.format(scheduled.scheduledChange?.effectiveAt ?? context.now))")
        case .unscheduled:
            values["scheduled"] = m.scheduledChange?.planName ?? ""
            return PluginReply(
                template: "plan/unscheduled", values: values, auditAction: "plan.change",
                auditBefore: m.scheduledChange?.planName, auditAfter: m.planName)
        case .declined(let decline):
            values["reason"] = try context.declineText(decline, card: m.paymentMethod)
            return PluginReply(template: "plan/declined", values: values)
        }
    }

    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? {
        guard pending.step == "confirm", let (change, m) = try context.pendingChange(pending), let planID = change.plan,
            let plan = try context.billing.plans(in: context.scope).first(where: { $0.id == planID })
        else { return nil }
        return PluginReply(template: "plan/remind", values: ["from": m.planName, "plan": plan.name])
    }
}

import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `membership.show`: every membership's plan, status, price, next billing date, services left, card on file, as
/// the billing provider has them; when a pause ends or starts, a plan change to come, and for a past-due one the
/// amount owed with a link to pay it (or to update an expired card first).
public struct MembershipPlugin: Plugin {
    public let id = "membership"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let memberships = try context.billing.subscriptions(clientID: client.id, in: context.scope)
        guard !memberships.isEmpty else {
            return PluginReply(template: "membership/none", values: ["name": client.firstName])
        }
        let owed = try context.billing.outstandingInvoices(clientID: client.id, in: context.scope)
        var items: [String] = []
        var links: [IssuedLink] = []
        for m in memberships {
            let services = try m.services.map {
                try context.render(
                    "membership/service",
                    ["service": $0.service, "remaining": String($0.remaining), "included": String($0.included)])
            }
            let card: String
            if let pm = m.paymentMethod {
                card = try context.render("membership/card", ["brand": pm.brand, "last4": pm.last4])
            } else {
                card = try context.render("membership/no_card", [:])
            }
            items.append(
                try context.render(
                    "membership/item",
                    [
                        "plan": m.planName, "status": try context.render("membership/status_\(m.status.rawValue)", [:]),
                        "price": context.money(m.priceMinor, currency: m.currency),
                        "interval": try context.intervalText(m.interval),
                        "billing": try billing(m, context),
                        "services": services.isEmpty ? "" : " " + services.joined(separator: ", ") + ".",
                        "card": card,
                    ]))
            items.append(contentsOf: try notes(m, context))
            let due = owed.filter { $0.membershipID == m.id }
            if m.status == .pastDue, !due.isEmpty {
                let (line, link) = try owedLine(m, due, clientID: client.id, context)
                items.append(line)
                links += link.map { [$0] } ?? []
            }
        }
        return PluginReply(
            template: "membership/summary",
            values: ["name": client.firstName, "items": items.joined(separator: "\n"), "count": String(items.count)],
            links: links, auditAction: links.isEmpty ? nil : "link.issued", auditAfter: links.first?.action)
    }

    /// "Next billing date: …", "Ends on …", "Paused until …".
    func billing(_ m: Membership, _ context: PluginContext) throws -> String {
        switch m.status {
        case .pendingCancel:
            return try context.render("membership/ends_on", ["date": context.date(m.cancelAt ?? m.currentPeriodEnd)])
        case .paused:
            guard let pause = m.pause else { return try context.render("membership/no_billing", [:]) }
            return try context.render(
                "membership/paused_until",
                ["date": context.date(pause.resumesAt), "next": context.date(m.nextBillingAt)])
        case .cancelled:
            return try context.render("membership/no_billing", [:])
        default:
            return m.nextBillingAt == nil
                ? try context.render("membership/no_billing", [:])
                : try context.render("membership/next_billing", ["date": context.date(m.nextBillingAt)])
        }
    }

    /// A pause or a plan change still to come.
    func notes(_ m: Membership, _ context: PluginContext) throws -> [String] {
        var notes: [String] = []
        if let pause = m.pause, m.status != .paused {
            notes.append(
                try context.render(
                    "membership/pause_scheduled",
                    ["from": context.date(pause.startsAt), "until": context.date(pause.resumesAt)]))
        }
        if let change = m.scheduledChange {
            notes.append(
                try context.render(
                    "membership/change_scheduled",
                    [
                        "plan": change.planName, "price": context.money(change.priceMinor, m.currency),
                        "interval": try context.intervalText(change.interval), "date": context.date(change.effectiveAt),
                    ]))
        }
        return notes
    }

    /// What a past-due membership owes, with a link to pay it, or to update the card first when it cannot be
    /// charged (the card page then offers the payment).
    func owedLine(_ m: Membership, _ due: [Invoice], clientID: Int, _ context: PluginContext) throws
        -> (String, IssuedLink?)
    {
        let total = due.reduce(0) { $0 + $1.amountMinor }
        var values = [
            "amount": context.money(total, due[0].currency), "invoices": due.map(\.number).joined(separator: ", "),
            "card": try context.cardText(m.paymentMethod),
        ]
        let ttl = context.settings.int("ttl_minutes", default: 30)
        let (template, action, resource) =
            context.unusable(m.paymentMethod)
            ? (m.paymentMethod == nil ? "membership/owed_no_card" : "membership/owed_update", PaymentPlugin.action,
                "client:\(clientID)")
            : ("membership/owed_retry", InvoicesPlugin.retryAction, "invoice:\(due[0].id)")
        guard context.offers(linkAction: action) else {
            return (try context.render("membership/owed", values), nil)
        }
        let link = try context.links.issue(
            context.store, businessID: context.business.id, clientID: clientID, action: action, resource: resource,
            ttlMinutes: ttl, now: context.now)
        values["url"] = link.url
        values["minutes"] = String(ttl)
        return (try context.render(template, values), link)
    }
}

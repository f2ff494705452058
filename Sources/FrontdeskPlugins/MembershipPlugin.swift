import FrontdeskCore
import FrontdeskStore

/// `membership.show`: every membership's plan, status, price, next billing date, services left, card on file.
public struct MembershipPlugin: Plugin {
    public let id = "membership"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let memberships = try context.store.memberships(clientID: client.id)
        guard !memberships.isEmpty else {
            return PluginReply(template: "membership/none", values: ["name": client.firstName])
        }
        var items: [String] = []
        for m in memberships {
            let billing: String
            switch m.status {
            case .pendingCancel:
                billing = try context.render(
                    "membership/ends_on", ["date": context.date(m.cancelAt ?? m.currentPeriodEnd)])
            case .cancelled, .paused:
                billing = try context.render("membership/no_billing", [:])
            default:
                billing =
                    m.nextBillingAt == nil
                    ? try context.render("membership/no_billing", [:])
                    : try context.render("membership/next_billing", ["date": context.date(m.nextBillingAt)])
            }
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
                        "interval": try context.render("membership/interval_\(m.interval)", [:]),
                        "billing": billing,
                        "services": services.isEmpty ? "" : " " + services.joined(separator: ", ") + ".",
                        "card": card,
                    ]))
        }
        return PluginReply(
            template: "membership/summary",
            values: ["name": client.firstName, "items": items.joined(separator: "\n"), "count": String(items.count)])
    }
}

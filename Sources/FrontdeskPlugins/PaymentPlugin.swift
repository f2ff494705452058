import FrontdeskCore
import FrontdeskStore

/// `payment_method.update`: a one-time link to the card page; a card is never taken by message (the pipeline
/// adds `core/card_in_message` to any reply to a message that held one).
public struct PaymentPlugin: Plugin {
    public let id = "payment"
    public static let action = "payment_method.update"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let ttl = context.settings.int("ttl_minutes", default: 30)
        let link = try context.links.issue(
            context.store, businessID: context.business.id, clientID: client.id, action: Self.action,
            resource: "client:\(client.id)", ttlMinutes: ttl, now: context.now)
        let card = try context.store.defaultPaymentMethod(clientID: client.id)
        let current = try card.map { try context.render("membership/card", ["brand": $0.brand, "last4": $0.last4]) }
        let currentText = try current ?? context.render("membership/no_card", [:])
        return PluginReply(
            template: "payment/link",
            values: [
                "name": client.firstName, "url": link.url, "minutes": String(ttl),
                "current": currentText,
            ],
            links: [link], auditAction: "link.issued", auditAfter: Self.action)
    }
}

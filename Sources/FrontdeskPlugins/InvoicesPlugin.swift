import FrontdeskCore
import FrontdeskStore

/// `invoices.list`: the last N invoices with a one-time link each; failed ones also get a retry link.
public struct InvoicesPlugin: Plugin {
    public let id = "invoices"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let count = context.settings.int("count", default: 3)
        let ttl = context.settings.int("ttl_minutes", default: 30)
        var invoices = try context.store.invoices(clientID: client.id, limit: 100)
        if let wanted = request.entities["invoice_number"].map(Self.digits), !wanted.isEmpty {
            let match = invoices.filter { Self.digits($0.number) == wanted }
            if !match.isEmpty { invoices = match }
        }
        if let month = request.entities["month"].flatMap(Int.init) {
            // "my March receipt": invoices issued in that month (business time zone), if any.
            let zone = context.business.zone
            let match = invoices.filter { Int(Format.isoDate($0.issuedAt, in: zone).dropFirst(5).prefix(2)) == month }
            if !match.isEmpty { invoices = match }
        }
        invoices = Array(invoices.prefix(count))
        guard !invoices.isEmpty else {
            return PluginReply(template: "invoices/none", values: ["name": client.firstName])
        }
        var rows: [String] = []
        var links: [IssuedLink] = []
        for invoice in invoices {
            let view = try context.links.issue(
                context.store, businessID: context.business.id, clientID: client.id, action: "invoice.view",
                resource: "invoice:\(invoice.id)", ttlMinutes: ttl, now: context.now)
            links.append(view)
            var values = [
                "number": invoice.number, "date": context.date(invoice.issuedAt),
                "amount": Format.money(invoice.amountMinor, currency: invoice.currency),
                "status": invoice.status.rawValue,
                "url": view.url,
            ]
            if invoice.status == .failed {
                let retry = try context.links.issue(
                    context.store, businessID: context.business.id, clientID: client.id, action: "invoice.retry",
                    resource: "invoice:\(invoice.id)", ttlMinutes: ttl, now: context.now)
                links.append(retry)
                values["retry_url"] = retry.url
                rows.append(try context.render("invoices/row_failed", values))
            } else {
                rows.append(try context.render("invoices/row", values))
            }
        }
        return PluginReply(
            template: "invoices/list",
            values: [
                "name": client.firstName, "rows": rows.joined(separator: "\n"), "count": String(rows.count),
                "minutes": String(ttl),
            ],
            links: links)
    }

    static func digits(_ s: String) -> String { String(s.filter(\.isNumber)) }
}

import Foundation
import FrontdeskCore
import FrontdeskStore

/// `invoices.list`: the last N invoices with a one-time link each; failed ones also get a retry link. A request
/// that names a period ("my october invoice", "march 2026", "january to march", "last year") gets that period's
/// invoices, or is told there are none; the reply names the period.
public struct InvoicesPlugin: Plugin {
    public let id = "invoices"
    public init() {}

    /// Invoices listed at most for a period (a year of monthly invoices).
    static let periodLimit = 12

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let count = context.settings.int("count", default: 3)
        let ttl = context.settings.int("ttl_minutes", default: 30)
        var invoices = try context.store.invoices(clientID: client.id, limit: 100)
        var period: InvoicePeriod?
        if let wanted = request.entities["invoice_number"].map(Self.digits), !wanted.isEmpty {
            let match = invoices.filter { Self.digits($0.number) == wanted }
            if !match.isEmpty { invoices = match }
        } else {
            period = try self.period(request, context)
        }
        var values = ["name": client.firstName, "minutes": String(ttl)]
        if let period {
            let zone = context.business.zone
            invoices = invoices.filter { period.contains(Self.month($0.issuedAt, zone)) }.prefix(Self.periodLimit)
                .map { $0 }
            values["period"] = try label(period, context)
        } else {
            invoices = Array(invoices.prefix(count))
        }
        guard !invoices.isEmpty else {
            return PluginReply(template: period == nil ? "invoices/none" : "invoices/none_period", values: values)
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
                "amount": context.money(invoice.amountMinor, currency: invoice.currency),
                "status": try context.render("invoices/status_\(invoice.status.rawValue)", [:]),
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
        values["rows"] = rows.joined(separator: "\n")
        values["count"] = String(rows.count)
        return PluginReply(
            template: period == nil ? "invoices/list" : "invoices/list_period", values: values, links: links)
    }

    static func digits(_ s: String) -> String { String(s.filter(\.isNumber)) }

    /// The period the request names, if any: from its words, or from a full date the classifier found.
    func period(_ request: PluginRequest, _ context: PluginContext) throws -> InvoicePeriod? {
        let today = { Self.month(context.now, context.business.zone) }
        return InvoicePeriod.parse(request.text, lexicon: context.lexicon, today: today)
            ?? request.entities["date"].flatMap(InvoicePeriod.month(ofISODate:))
    }

    /// "October 2026", "January to March 2026", "November 2025 to February 2026", "2025", "2024 to 2025".
    func label(_ p: InvoicePeriod, _ context: PluginContext) throws -> String {
        let locale = context.locale
        func month(_ m: InvoicePeriod.Month, year: Bool) throws -> String {
            let name = context.lexicon.monthName(m.month, locale: locale)
            return year ? try context.render("invoices/period_month", ["month": name, "year": String(m.year)]) : name
        }
        if p.isWholeYears {
            let from = String(p.first.year)
            let to = String(p.last.year)
            return from == to ? from : try context.render("invoices/period_range", ["from": from, "to": to])
        }
        if p.first == p.last { return try month(p.first, year: true) }
        let sameYear = p.first.year == p.last.year
        return try context.render(
            "invoices/period_range", ["from": try month(p.first, year: !sameYear), "to": try month(p.last, year: true)])
    }

    static func month(_ date: Date, _ zone: TimeZone) -> InvoicePeriod.Month {
        let iso = Format.isoDate(date, in: zone)
        return InvoicePeriod.Month(year: Int(iso.prefix(4)) ?? 0, month: Int(iso.dropFirst(5).prefix(2)) ?? 0)
    }
}

import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `invoices.list`: the last N invoices with a one-time link each; failed ones also get a retry link. A request
/// that names a period ("my october invoice", "march 2026", "january to march", "last year") gets that period's
/// invoices, or is told there are none; the reply names the period. Its link pages show an invoice (printable) and
/// retry a failed payment through the billing provider: the page asks first, an expired card is declined without
/// a charge (and the page offers a card update), and the client is told the result by message too.
public struct InvoicesPlugin: Plugin {
    public let id = "invoices"
    public static let viewAction = "invoice.view"
    public static let retryAction = "invoice.retry"
    public init() {}

    /// Invoices listed at most for a period (a year of monthly invoices).
    static let periodLimit = 12

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let count = context.settings.int("count", default: 3)
        let ttl = context.settings.int("ttl_minutes", default: 30)
        var invoices = try context.billing.invoices(clientID: client.id, limit: 100, in: context.scope)
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
                context.store, businessID: context.business.id, clientID: client.id, action: Self.viewAction,
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
                    context.store, businessID: context.business.id, clientID: client.id, action: Self.retryAction,
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

    // MARK: Link pages

    public func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage {
        let client = try context.requireClient()
        let invoice = try linkedInvoice(link, clientID: client.id, context)
        var values = try describe(invoice, context)
        guard link.action == Self.retryAction else {
            return try context.confirmationPage("invoices/page_view", values, button: "invoices/page_view_button")
        }
        guard invoice.status == .failed || invoice.status == .open else {
            return try context.page("invoices/page_nothing_due", values)
        }
        let card = try chargedCard(invoice, clientID: client.id, context)
        values["card"] = try context.cardText(card)
        // A card that cannot be charged is not offered: the button leads to the card page instead.
        if context.unusable(card) {
            return try context.cardFirstPage(
                card == nil ? "invoices/page_retry_no_card" : "invoices/page_retry_expired", values)
        }
        return try context.confirmationPage("invoices/page_retry", values, button: "invoices/page_pay_button")
    }

    public func submitLink(_ link: LinkRequest, form: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        let client = try context.requireClient()
        let invoice = try linkedInvoice(link, clientID: client.id, context)
        let values = try describe(invoice, context)
        guard link.action == Self.retryAction else {
            var page = LinkPage(title: try context.render("invoices/page_printable_title", values))
            func label(_ name: String) throws -> String { try context.render("invoices/page_label_\(name)", [:]) }
            page.details = [
                LinkDetail(try label("invoice"), invoice.number), LinkDetail(try label("issued"), values["date"] ?? ""),
                LinkDetail(try label("billed_to"), client.fullName),
                LinkDetail(try label("amount"), values["amount"] ?? ""),
                LinkDetail(try label("status"), values["status"] ?? ""),
            ]
            let b = context.business
            page.notes = [
                [b.name, b.contactEmail, b.contactPhone, b.website].compactMap { $0 }.joined(separator: " · "),
                try context.render("invoices/page_print_note", [:]),
            ]
            return LinkOutcome(page: page)
        }
        guard invoice.status == .failed || invoice.status == .open else {
            return LinkOutcome(page: try context.page("invoices/page_nothing_due", values), spendsLink: false)
        }
        // Asked from the page when the card cannot be charged: on to the card page, this link unused for after.
        // Without it the payment is attempted, and the billing provider declines a card that has expired.
        if form["next"] == "card",
            let update = try context.followOn(
                PaymentPlugin.action, resource: "client:\(client.id)", clientID: client.id)
        {
            return LinkOutcome(page: LinkPage(status: 303, title: "", redirect: update.path), spendsLink: false)
        }
        return try pay(invoice, client: client, context)
    }

    /// Charges the invoice through the billing provider; the attempt spends the link either way, and the client
    /// is told the result by message.
    private func pay(_ invoice: Invoice, client: Client, _ context: PluginContext) throws -> LinkOutcome {
        let payment = try context.billing.payInvoice(id: invoice.id, clientID: client.id, in: context.scope)
        var values = try describe(payment.invoice, context)
        values["card"] = try context.cardText(payment.card)
        values["name"] = client.firstName
        if let decline = payment.decline {
            values["reason"] = try context.declineText(decline, card: payment.card)
            var page = try context.page("invoices/page_declined", values, status: 402)
            if let update = try context.followOn(
                PaymentPlugin.action, resource: "client:\(client.id)", clientID: client.id)
            {
                page.form = LinkForm(
                    submit: try context.render("invoices/page_update_button", [:]), target: update.path)
            }
            return LinkOutcome(
                page: page, auditAction: "invoice.payment_failed", auditBefore: invoice.status.rawValue,
                auditAfter: decline.rawValue,
                clientNotice: ClientNotice(template: "invoices/declined_notice", values: values))
        }
        var page = try context.page("invoices/page_paid", values)
        var after = ""
        if let m = payment.membership, m.status == .active {
            after = try context.render(
                "invoices/paid_active", ["plan": m.planName, "next": context.date(m.nextBillingAt)])
            page.paragraphs.append(after)
        }
        values["after"] = after
        return LinkOutcome(
            page: page, auditAction: "invoice.paid", auditBefore: invoice.status.rawValue, auditAfter: "paid",
            clientNotice: ClientNotice(template: "invoices/paid_notice", values: values))
    }

    private func linkedInvoice(_ link: LinkRequest, clientID: Int, _ context: PluginContext) throws -> Invoice {
        // The invoice must belong to the link's client.
        let id = try link.id(of: "invoice")
        guard let invoice = try context.billing.invoice(id: id, clientID: clientID, in: context.scope) else {
            throw PluginError(template: "core/page_invalid")
        }
        return invoice
    }

    /// The card a retry charges: the membership's, else the client's default.
    private func chargedCard(_ invoice: Invoice, clientID: Int, _ context: PluginContext) throws -> PaymentMethod? {
        let membership = try invoice.membershipID.flatMap { id in
            try context.billing.subscriptions(clientID: clientID, in: context.scope).first { $0.id == id }
        }
        return try membership?.paymentMethod ?? context.billing.defaultCard(clientID: clientID, in: context.scope)
    }

    private func describe(_ invoice: Invoice, _ context: PluginContext) throws -> [String: String] {
        [
            "number": invoice.number, "date": context.date(invoice.issuedAt),
            "amount": context.money(invoice.amountMinor, invoice.currency),
            "status": try context.render("invoices/status_\(invoice.status.rawValue)", [:]),
        ]
    }
}

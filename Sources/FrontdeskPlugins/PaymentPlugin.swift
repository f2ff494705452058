import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `payment_method.update`: a one-time link to the card page; a card is never taken by message (the pipeline
/// adds `core/card_in_message` to any reply to a message that held one). The page is the billing provider's card
/// session: Frontdesk's own form for the built-in ledger (test cards only), a processor's hosted page otherwise.
/// After a card is saved, the page offers to pay what is owed with it.
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
        let card = try context.billing.defaultCard(clientID: client.id, in: context.scope)
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

    // MARK: The card page

    public func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage {
        let client = try context.requireClient()
        guard try link.id(of: "client") == client.id else { throw PluginError(template: "core/page_invalid") }
        switch try context.billing.cardUpdateSession(clientID: client.id, in: context.scope) {
        case .hosted(let url):
            return LinkPage(status: 303, title: "", redirect: url)
        case .form(let testMode):
            return try form(client, testMode: testMode, error: nil, kept: [:], context)
        }
    }

    public func submitLink(_ link: LinkRequest, form fields: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        let client = try context.requireClient()
        guard try link.id(of: "client") == client.id,
            case .form(let testMode) = try context.billing.cardUpdateSession(clientID: client.id, in: context.scope)
        else { throw PluginError(template: "core/page_invalid") }
        let month = Int((fields["exp_month"] ?? "").trimmingCharacters(in: .whitespaces)) ?? 0
        var year = Int((fields["exp_year"] ?? "").trimmingCharacters(in: .whitespaces)) ?? 0
        if (1..<100).contains(year) { year += 2000 }
        let details = CardDetails(
            number: fields["number"] ?? "", expMonth: month, expYear: year,
            cvc: (fields["cvc"] ?? "").filter(\.isNumber))
        let before = try context.billing.defaultCard(clientID: client.id, in: context.scope)
        let card: PaymentMethod
        do {
            card = try context.billing.attachCard(clientID: client.id, details, in: context.scope)
        } catch let error as BillingError {
            // Shown again without the number or the security code: they are never echoed.
            let kept = ["exp_month": month == 0 ? "" : String(month), "exp_year": year == 0 ? "" : String(year)]
            let message = try context.render("payment/page_error_\(error.code.rawValue)", [:])
            return LinkOutcome(
                page: try form(client, testMode: testMode, error: message, kept: kept, context), spendsLink: false)
        }
        var page = try context.page(
            "payment/page_done",
            [
                "name": client.firstName, "brand": card.brand, "last4": card.last4,
                "month": String(format: "%02d", card.expMonth), "year": String(card.expYear),
            ])
        // What is owed can be paid at once with the new card: the page asks first.
        let owed = try context.billing.outstandingInvoices(clientID: client.id, in: context.scope)
        if let first = owed.first,
            let pay = try context.followOn(
                InvoicesPlugin.retryAction, resource: "invoice:\(first.id)", clientID: client.id)
        {
            let amount = context.money(first.amountMinor, first.currency)
            page.paragraphs.append(
                try context.render("payment/page_owed", ["amount": amount, "invoice": first.number]))
            page.form = LinkForm(
                submit: try context.render("payment/page_pay_button", ["amount": amount]), target: pay.path)
        }
        return LinkOutcome(
            page: page, auditAction: "payment_method.updated",
            auditBefore: before.map { "\($0.brand) \($0.last4)" }, auditAfter: "\(card.brand) \(card.last4)")
    }

    /// The card form: whose card, what it pays for, the card on file.
    private func form(
        _ client: Client, testMode: Bool, error: String?, kept: [String: String], _ context: PluginContext
    ) throws -> LinkPage {
        let memberships = try context.billing.subscriptions(clientID: client.id, in: context.scope)
            .filter { $0.status != .cancelled }
        let uses =
            memberships.isEmpty
            ? try context.render("payment/page_uses_none", [:])
            : try memberships.map {
                try context.render(
                    "payment/page_uses_item",
                    [
                        "plan": $0.planName, "price": context.money($0.priceMinor, $0.currency),
                        "interval": try context.intervalText($0.interval),
                    ])
            }.joined(separator: ", ")
        let current = try context.billing.defaultCard(clientID: client.id, in: context.scope)
        var page = try context.page(
            "payment/page_form",
            ["name": client.firstName, "uses": uses, "current": try context.cardText(current)],
            status: error == nil ? 200 : 422)
        page.error = error
        func label(_ name: String) throws -> String { try context.render("payment/page_label_\(name)", [:]) }
        page.form = LinkForm(
            fields: [
                LinkField(
                    name: "number", label: try label("number"), kind: .numeric, autocomplete: "cc-number",
                    maxLength: 23, required: true),
                LinkField(
                    name: "exp_month", label: try label("exp_month"), kind: .numeric, autocomplete: "cc-exp-month",
                    maxLength: 2, required: true, placeholder: try label("exp_month_hint"),
                    value: kept["exp_month"] ?? ""),
                LinkField(
                    name: "exp_year", label: try label("exp_year"), kind: .numeric, autocomplete: "cc-exp-year",
                    maxLength: 4, required: true, placeholder: try label("exp_year_hint"),
                    value: kept["exp_year"] ?? ""),
                LinkField(
                    name: "cvc", label: try label("cvc"), kind: .numeric, autocomplete: "cc-csc", maxLength: 4,
                    required: true),
            ], submit: try context.render("payment/page_button", [:]))
        page.notes = [try context.render("payment/page_note", [:])]
        if testMode { page.notes.append(try context.render("payment/page_test_mode", [:])) }
        return page
    }
}

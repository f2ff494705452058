import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// What a notice is about, found through the billing provider: the record a reply acts on, the period its dedupe
/// key counts, and the values its template needs (a link is issued only once the notice will really go).
public struct NoticeFacts: Sendable, Equatable {
    /// `invoice:12`, `membership:4`, `card:7`, or nil for a custom notice.
    public var resource: String?
    /// The period within which a client gets one notice of the kind (`invoice:12`, `2026-06-01`).
    public var period: String
    public var values: [String: String]
    /// The notice carries a card-update link (`{{url}}`).
    public var cardLink: Bool

    public init(resource: String?, period: String, values: [String: String], cardLink: Bool) {
        self.resource = resource
        self.period = period
        self.values = values
        self.cardLink = cardLink
    }
}

/// Why a notice cannot be made for this client (the API answers 422 with it).
public struct NoticeFactsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `reminders`: automated notices clients reply to (issue 17). The plugin owns what each notice says and what a
/// reply to it does; the engine's `Notices` decides whether, when and how it is sent (consent, quiet hours, dedupe,
/// the outbox). A reply is read in the notice's context only while that context lives: after `payment_failed`,
/// RETRY or YES charges that invoice through the billing provider and "new card" sends a card link.
public struct RemindersPlugin: Plugin {
    public let id = "reminders"
    public static let pluginID = "reminders"
    public init() {}

    /// The plugin owns no intents: it is reached through a notice's context, never by classification.
    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "core/nothing_pending")
    }

    /// Templates of a notice kind: its body and its email subject.
    public static func template(_ kind: NoticeKind) -> String { "reminders/\(kind.rawValue)" }
    public static func subject(_ kind: NoticeKind) -> String { "reminders/subject_\(kind.rawValue)" }

    // MARK: What a notice says

    /// The facts of a notice of `kind` for the client, read from the billing provider. `values` are the request's
    /// own (the API's `values`: `invoice`, `text`, `period`).
    public func facts(
        _ kind: NoticeKind, client: Client, values: [String: String], invoiceID: Int? = nil,
        decline: PaymentDecline? = nil, membership: Membership? = nil, card: PaymentMethod? = nil,
        in context: PluginContext
    ) throws -> NoticeFacts {
        let scope = context.scope
        var out = ["name": client.firstName]
        switch kind {
        case .paymentFailed:
            let invoice = try failedInvoice(client: client, id: invoiceID, named: values["invoice"], context)
            let card = try context.billing.defaultCard(clientID: client.id, in: scope)
            let reason =
                decline ?? invoice.lastPaymentError.flatMap(PaymentDecline.init(rawValue:))
                ?? (context.unusable(card) ? (card == nil ? .noCard : .expiredCard) : .cardDeclined)
            out["amount"] = context.money(invoice.amountMinor, invoice.currency)
            out["number"] = invoice.number
            out["reason"] = try context.declineText(reason, card: card)
            return NoticeFacts(
                resource: "invoice:\(invoice.id)", period: "invoice:\(invoice.id)", values: out, cardLink: true)
        case .cardExpiring:
            guard let card = try card ?? context.billing.defaultCard(clientID: client.id, in: scope) else {
                throw NoticeFactsError("the client has no card on file")
            }
            out["card"] = try context.cardText(card)
            out["last4"] = card.last4
            return NoticeFacts(
                resource: "card:\(card.id)", period: "card:\(card.id):\(card.expYear)-\(card.expMonth)", values: out,
                cardLink: true)
        case .renewalReminder, .trialEnding:
            let wanted: MembershipStatus = kind == .trialEnding ? .trialing : .active
            let live =
                try membership
                ?? context.billing.subscriptions(clientID: client.id, in: scope).first {
                    $0.status == wanted
                }
            guard let m = live, let date = kind == .trialEnding ? m.currentPeriodEnd : m.nextBillingAt else {
                throw NoticeFactsError(
                    kind == .trialEnding ? "the client has no trial that ends" : "the client has no membership renewing"
                )
            }
            out["plan"] = m.planName
            out["amount"] = context.money(m.priceMinor, m.currency)
            out["date"] = context.date(date)
            let day = Format.isoDate(date, in: context.business.zone)
            return NoticeFacts(
                resource: "membership:\(m.id)", period: "membership:\(m.id):\(day)", values: out, cardLink: false)
        case .custom:
            guard let text = values["text"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw NoticeFactsError("a custom notice needs values.text")
            }
            out["text"] = text
            let period = values["period"] ?? Format.isoDate(context.now, in: context.business.zone)
            return NoticeFacts(resource: nil, period: "custom:\(period)", values: out, cardLink: false)
        }
    }

    /// The client's failed or open invoice: the one given by id or number, else the oldest outstanding.
    private func failedInvoice(client: Client, id: Int?, named: String?, _ context: PluginContext) throws -> Invoice {
        let outstanding = try context.billing.outstandingInvoices(clientID: client.id, in: context.scope)
        if let id {
            guard let invoice = try context.billing.invoice(id: id, clientID: client.id, in: context.scope) else {
                throw NoticeFactsError("no such invoice for this client")
            }
            return invoice
        }
        if let named {
            guard let invoice = outstanding.first(where: { $0.number == named || String($0.id) == named }) else {
                throw NoticeFactsError("the client has no failed invoice \(named)")
            }
            return invoice
        }
        guard let first = outstanding.first else { throw NoticeFactsError("the client has no failed invoice") }
        return first
    }

    // MARK: Replies in the notice's context

    /// A reply to a `payment_failed` notice (`reminders:payment_failed`, payload `invoice:ID`): `.yes` or
    /// `.text("retry")` charges the invoice, `.text("card")` sends a card link.
    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        guard pending.step == NoticeKind.paymentFailed.rawValue,
            let invoiceID = LinkRequest(action: "", resource: pending.payload, linkID: 0).resourceID,
            let invoice = try context.billing.invoice(id: invoiceID, clientID: client.id, in: context.scope)
        else { return PluginReply(template: "core/nothing_pending") }
        var values = [
            "name": client.firstName, "number": invoice.number,
            "amount": context.money(invoice.amountMinor, invoice.currency),
        ]
        guard invoice.status == .failed || invoice.status == .open else {
            return PluginReply(template: "reminders/reply_nothing_due", values: values)
        }
        switch answer {
        case .text("card"):
            let link = try cardLink(client, context)
            values["url"] = link?.url ?? ""
            return PluginReply(
                template: "reminders/reply_card", values: values, links: link.map { [$0] } ?? [],
                auditAction: "link.issued", auditAfter: PaymentPlugin.action)
        case .yes, .text("retry"):
            return try retry(invoice, client: client, values: values, context)
        default:
            return PluginReply(template: "core/nothing_pending")
        }
    }

    /// Charges the invoice through the billing provider (an expired card is declined without a charge) and says how
    /// it went; a decline carries a card link.
    private func retry(_ invoice: Invoice, client: Client, values: [String: String], _ context: PluginContext) throws
        -> PluginReply
    {
        var values = values
        let payment: InvoicePayment
        do {
            payment = try context.billing.payInvoice(id: invoice.id, clientID: client.id, in: context.scope)
        } catch let error as BillingError where error.code == .nothingDue {
            return PluginReply(template: "reminders/reply_nothing_due", values: values)
        }
        values["card"] = try context.cardText(payment.card)
        if let decline = payment.decline {
            values["reason"] = try context.declineText(decline, card: payment.card)
            let link = try cardLink(client, context)
            values["url"] = link?.url ?? ""
            return PluginReply(
                template: "reminders/reply_declined", values: values, links: link.map { [$0] } ?? [],
                auditAction: "invoice.payment_failed", auditBefore: invoice.status.rawValue,
                auditAfter: decline.rawValue)
        }
        var after = ""
        if let m = payment.membership, m.status == .active {
            after = try context.render(
                "invoices/paid_active", ["plan": m.planName, "next": context.date(m.nextBillingAt)])
        }
        values["after"] = after
        return PluginReply(
            template: "reminders/reply_paid", values: values, auditAction: "invoice.paid",
            auditBefore: invoice.status.rawValue, auditAfter: "paid")
    }

    /// A card-update link, when the business offers the card page; it works for `link_hours`.
    public func cardLink(_ client: Client, _ context: PluginContext) throws -> IssuedLink? {
        guard context.offers(linkAction: PaymentPlugin.action) else { return nil }
        return try context.links.issue(
            context.store, businessID: context.business.id, clientID: client.id, action: PaymentPlugin.action,
            resource: "client:\(client.id)", ttlMinutes: context.settings.int("link_hours", default: 72) * 60,
            now: context.now)
    }
}

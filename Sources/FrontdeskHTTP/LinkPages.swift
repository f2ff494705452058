import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// The one-time link pages (`/l/<token>`). GET shows exactly what will happen and never consumes the token
/// (mail scanners open links); POST performs the action once, inside one transaction with the atomic
/// `consumeLink`. Used, expired and forged tokens get a page that says how to get a new link. Pages are in the
/// client's stored language, else the business's (a link nobody can place: the browser's `Accept-Language`).
public final class LinkPages: Sendable {
    public static let paymentAction = "payment_method.update"
    public static let cancelAction = "membership.cancel"
    public static let invoiceViewAction = "invoice.view"
    public static let invoiceRetryAction = "invoice.retry"

    let pipeline: Pipeline
    let clock: any Clock
    let gateway: any PaymentGateway
    let log: Logger

    public init(
        pipeline: Pipeline, clock: any Clock, gateway: any PaymentGateway = TestCardGateway(), log: Logger = .silent
    ) {
        self.pipeline = pipeline
        self.clock = clock
        self.gateway = gateway
        self.log = log
    }

    /// Adds `GET /l/:token` and `POST /l/:token`.
    public func register(in router: inout Router) {
        router.get("/l/:token") { [self] in try show($0) }
        router.post("/l/:token") { [self] in try perform($0) }
    }

    // MARK: Looking a link up

    /// Everything a valid link refers to.
    struct Subject {
        var link: LinkRecord
        var hash: String
        var business: Business
        var client: Client
        /// The page's words, in the client's language.
        var copy: PageCopy
    }

    enum Lookup {
        case valid(Subject)
        case unknown(PageCopy)
        case used(Business?, PageCopy)
        case expired(Business?, PageCopy)
    }

    /// Templates the pages render (checked at start-up and by `frontdesk check`, like the pipeline's).
    public static let templates = [
        "pages/invalid_title", "pages/invalid_text", "pages/used_title", "pages/used_text", "pages/expired_title",
        "pages/expired_text", "pages/advice", "pages/advice_contact", "pages/advice_anyone",
        "pages/already_cancelled_title", "pages/already_cancelled_text", "pages/already_cancelled_ends",
        "pages/card_updated_title", "pages/card_updated_text", "pages/check_number", "pages/check_expiry",
        "pages/check_cvc", "pages/card_declined", "pages/card_unsupported", "pages/cancelled_title",
        "pages/cancelled_today", "pages/cancelled_ends", "pages/no_card_title", "pages/no_card_text",
        "pages/nothing_to_pay_title", "pages/nothing_to_pay_text", "pages/payment_failed_title",
        "pages/payment_failed_text", "pages/payment_received_title", "pages/payment_received_text", "pages/card_title",
        "pages/card_intro", "pages/card_for_future", "pages/card_for_membership", "pages/list_and",
        "pages/card_current", "pages/card_line", "pages/card_number", "pages/card_exp_month", "pages/card_exp_year",
        "pages/card_cvc", "pages/card_save", "pages/card_note", "pages/card_test_mode", "pages/month_hint",
        "pages/year_hint", "pages/cancel_title", "pages/cancel_intro", "pages/cancel_today", "pages/cancel_until",
        "pages/cancel_reason", "pages/cancel_button", "pages/cancel_note", "pages/invoice_title", "pages/retry_title",
        "pages/invoice_intro", "pages/retry_charges", "pages/retry_card_on_file", "pages/retry_button",
        "pages/invoice_button", "pages/link_once", "pages/printable_title", "pages/th_invoice", "pages/th_issued",
        "pages/th_billed_to", "pages/th_amount", "pages/th_status", "pages/print_note",
    ]

    /// Page templates missing from the catalog's English (start-up and `frontdesk check` report them).
    public static func validate(_ catalog: Catalog) -> [Diagnostic] {
        templates.filter { !catalog.templates.has($0, locale: "en") }.map {
            Diagnostic(file: "prompts/en/\($0).txt", line: 0, message: "template \($0) is required by the link pages")
        }
    }

    private func copy(_ locale: String?, _ business: Business?) -> PageCopy {
        let catalog = pipeline.catalog
        return PageCopy(
            catalog: catalog, locale: catalog.replyLocale(locale, business: business?.locale ?? "en"),
            zone: business?.zone ?? TimeZone(identifier: "UTC") ?? .current)
    }

    /// The first language of `Accept-Language` the catalog has (`fr-CA,fr;q=0.9,en;q=0.8` → `fr`).
    private func browserLocale(_ request: HTTPRequest) -> String? {
        let tags = (request.headers["Accept-Language"] ?? "").split(separator: ",").map {
            $0.split(separator: ";")[0].split(separator: "-")[0].trimmingCharacters(in: .whitespaces).lowercased()
        }
        return tags.first { pipeline.catalog.locales.contains($0) }
    }

    private func lookup(_ request: HTTPRequest, _ c: any UnitOfWork, now: Date) throws -> Lookup {
        let unknown = Lookup.unknown(copy(browserLocale(request), nil))
        guard let token = request.pathParameters["token"], LinkToken.isWellFormed(token) else { return unknown }
        let hash = LinkToken.hash(token)
        guard let link = try c.link(tokenHash: hash) else { return unknown }
        let business = try c.business(id: link.businessID)
        let client = try c.client(id: link.clientID)
        let words = copy(client?.language, business)
        if link.usedAt != nil { return .used(business, words) }
        if link.expiresAt <= now { return .expired(business, words) }
        guard let business, let client, client.businessID == business.id else { return unknown }
        return .valid(Subject(link: link, hash: hash, business: business, client: client, copy: words))
    }

    private func refusal(_ lookup: Lookup) throws -> HTTPResponse {
        switch lookup {
        case .valid(let s): return try refusal(.unknown(s.copy))
        case .unknown(let copy):
            return LinkHTML.message(
                copy, business: nil, status: 404, title: try copy.text("pages/invalid_title"),
                text: try copy.text("pages/invalid_text"))
        case .used(let business, let copy):
            return LinkHTML.message(
                copy, business: business, status: 410, title: try copy.text("pages/used_title"),
                text: try copy.text("pages/used_text", ["advice": try advice(business, copy)]))
        case .expired(let business, let copy):
            return LinkHTML.message(
                copy, business: business, status: 410, title: try copy.text("pages/expired_title"),
                text: try copy.text("pages/expired_text", ["advice": try advice(business, copy)]))
        }
    }

    /// How a client gets a fresh link: reply to the business, or contact it.
    private func advice(_ business: Business?, _ copy: PageCopy) throws -> String {
        guard let business else { return try copy.text("pages/advice_anyone") }
        let contact = [business.contactPhone, business.contactEmail].compactMap { $0 }
        guard let last = contact.last else { return try copy.text("pages/advice", ["business": business.name]) }
        let list = contact.count > 1 ? try copy.text("core/list_or", ["list": contact[0], "last": last]) : last
        return try copy.text("pages/advice_contact", ["business": business.name, "contact": list])
    }

    // MARK: GET

    /// The confirmation page: what will happen, to which membership, card or invoice. Read-only.
    public func show(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now()
        return try pipeline.store.read { c in
            let found = try lookup(request, c, now: now)
            guard case .valid(let subject) = found else { return try refusal(found) }
            return try page(for: subject, c, now: now, error: nil, values: [:])
        }
    }

    private func page(for s: Subject, _ c: any UnitOfWork, now: Date, error: String?, values: [String: String]) throws
        -> HTTPResponse
    {
        let copy = s.copy
        switch s.link.action {
        case Self.paymentAction:
            let memberships = try c.memberships(clientID: s.client.id).filter { $0.status != .cancelled }
            let card = try c.defaultPaymentMethod(clientID: s.client.id)
            return try LinkHTML.cardForm(
                copy, business: s.business, client: s.client, current: card, memberships: memberships,
                testMode: gateway.isTestMode, error: error, values: values, status: error == nil ? 200 : 422)
        case Self.cancelAction:
            guard let membership = try membership(s, c) else { return try refusal(.unknown(copy)) }
            guard membership.status != .cancelled && membership.status != .pendingCancel else {
                return try alreadyCancelled(s, membership, ends: membership.cancelAt)
            }
            let immediate = try cancelImmediately(s.business, c)
            let endDate = immediate ? now : (membership.currentPeriodEnd ?? membership.nextBillingAt ?? now)
            return try LinkHTML.cancelForm(
                copy, business: s.business, client: s.client, membership: membership, immediate: immediate,
                endDate: copy.date(endDate))
        case Self.invoiceViewAction, Self.invoiceRetryAction:
            guard let invoice = try invoice(s, c) else { return try refusal(.unknown(copy)) }
            let card = try c.defaultPaymentMethod(clientID: s.client.id)
            return try LinkHTML.invoiceSummary(
                copy, business: s.business, invoice: invoice, retry: s.link.action == Self.invoiceRetryAction,
                card: card, error: error)
        default:
            log.warning("link_unknown_action", ["action": s.link.action])
            return try refusal(.unknown(copy))
        }
    }

    private func alreadyCancelled(_ s: Subject, _ m: Membership, ends: Date?) throws -> HTTPResponse {
        let values = ["plan": m.planName, "date": ends.map(s.copy.date) ?? ""]
        return LinkHTML.message(
            s.copy, business: s.business, status: 200, title: try s.copy.text("pages/already_cancelled_title"),
            text: try s.copy.text(
                ends == nil ? "pages/already_cancelled_text" : "pages/already_cancelled_ends", values))
    }

    // MARK: POST

    /// Performs the link's action once. Input is checked before the token is spent, so a mistyped card
    /// number can be corrected on the same link.
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now()
        let found = try pipeline.store.read { try lookup(request, $0, now: now) }
        guard case .valid(let subject) = found else { return try refusal(found) }
        switch subject.link.action {
        case Self.paymentAction: return try updateCard(subject, request.form ?? HTTPForm(), now: now)
        case Self.cancelAction: return try cancel(subject, reason: request.form?["reason"], now: now)
        case Self.invoiceViewAction: return try viewInvoice(subject, now: now)
        case Self.invoiceRetryAction: return try retryInvoice(subject, now: now)
        default: return try refusal(.unknown(subject.copy))
        }
    }

    /// What the client is told when the gateway refuses a card or a charge, in their language.
    private func refusalText(_ error: PaymentGatewayError, _ copy: PageCopy) throws -> String {
        switch error.reason {
        case .invalidNumber: return try copy.text("pages/check_number")
        case .invalidExpiry: return try copy.text("pages/check_expiry")
        case .invalidCVC: return try copy.text("pages/check_cvc")
        case .declined: return try copy.text("pages/card_declined")
        case .unsupported: return try copy.text("pages/card_unsupported")
        }
    }

    private func updateCard(_ s: Subject, _ form: HTTPForm, now: Date) throws -> HTTPResponse {
        let number = (form["number"] ?? "").filter { $0.isNumber }
        let cvc = (form["cvc"] ?? "").filter { $0.isNumber }
        let month = Int((form["exp_month"] ?? "").trimmingCharacters(in: .whitespaces)) ?? 0
        var year = Int((form["exp_year"] ?? "").trimmingCharacters(in: .whitespaces)) ?? 0
        if (0..<100).contains(year) && year > 0 { year += 2000 }
        // The form is redisplayed without the number or CVC: they are never echoed.
        let kept = ["exp_month": month == 0 ? "" : String(month), "exp_year": year == 0 ? "" : String(year)]
        func again(_ message: String) throws -> HTTPResponse {
            try pipeline.store.read { try page(for: s, $0, now: now, error: message, values: kept) }
        }
        let digits = number.compactMap { $0.asciiValue.map { $0 - 48 } }
        guard (12...19).contains(digits.count), CardMask.luhn(digits) else {
            return try again(try s.copy.text("pages/check_number"))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = s.business.zone
        let today = calendar.dateComponents([.year, .month], from: now)
        guard (1...12).contains(month), year < 2100,
            (year, month) >= (today.year ?? 0, today.month ?? 0)
        else { return try again(try s.copy.text("pages/check_expiry")) }
        let card: TokenizedCard
        do { card = try gateway.tokenize(number: number, expMonth: month, expYear: year, cvc: cvc) } catch {
            log.info("link_card_refused", ["reason": error.reason.rawValue])
            return try again(try refusalText(error, s.copy))
        }
        let done: Bool = try pipeline.store.write { c in
            guard try c.consumeLink(tokenHash: s.hash, now: now) else { return false }
            let before = try c.defaultPaymentMethod(clientID: s.client.id).map { "\($0.brand) \($0.last4)" }
            try c.replaceDefaultCard(
                clientID: s.client.id, brand: card.brand, last4: card.last4, expMonth: card.expMonth,
                expYear: card.expYear, processorToken: card.processorToken, now: now)
            try c.audit(
                businessID: s.business.id, actor: "client:\(s.client.id)", via: "link",
                action: "payment_method.updated",
                before: before, after: "\(card.brand) \(card.last4)", now: now)
            return true
        }
        guard done else { return try refusal(.used(s.business, s.copy)) }
        log.info("link_used", ["action": Self.paymentAction])
        let values = [
            "name": s.client.firstName, "brand": card.brand, "last4": card.last4,
            "expiry": String(format: "%02d/%d", card.expMonth, card.expYear),
        ]
        return LinkHTML.message(
            s.copy, business: s.business, status: 200, title: try s.copy.text("pages/card_updated_title"),
            text: try s.copy.text("pages/card_updated_text", values))
    }

    private func cancel(_ s: Subject, reason: String?, now: Date) throws -> HTTPResponse {
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let reasonText = trimmed.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        enum Outcome {
            case spent, missing
            case already(Membership)
            case cancelled(Membership, Bool)
        }
        let outcome: Outcome = try pipeline.store.write { c in
            guard let membership = try membership(s, c) else { return .missing }
            guard try c.consumeLink(tokenHash: s.hash, now: now) else { return .spent }
            let immediate = try cancelImmediately(s.business, c)
            guard try c.cancelMembership(id: membership.id, immediately: immediate, reason: reasonText, now: now) else {
                return .already(membership)
            }
            try c.audit(
                businessID: s.business.id, actor: "client:\(s.client.id)", via: "link", action: "membership.cancelled",
                before: membership.status.rawValue, after: immediate ? "cancelled" : "pending_cancel", now: now)
            let updated = try c.memberships(clientID: s.client.id).first { $0.id == membership.id } ?? membership
            return .cancelled(updated, immediate)
        }
        switch outcome {
        case .spent: return try refusal(.used(s.business, s.copy))
        case .missing: return try refusal(.unknown(s.copy))
        case .already(let m): return try alreadyCancelled(s, m, ends: nil)
        case .cancelled(let m, let immediate):
            log.info("link_used", ["action": Self.cancelAction])
            let values = ["plan": m.planName, "date": s.copy.date(m.cancelAt ?? now)]
            return LinkHTML.message(
                s.copy, business: s.business, status: 200, title: try s.copy.text("pages/cancelled_title"),
                text: try s.copy.text(immediate ? "pages/cancelled_today" : "pages/cancelled_ends", values))
        }
    }

    private func viewInvoice(_ s: Subject, now: Date) throws -> HTTPResponse {
        let result: (Invoice, Client)? = try pipeline.store.write { c in
            guard let invoice = try invoice(s, c), try c.consumeLink(tokenHash: s.hash, now: now) else { return nil }
            return (invoice, s.client)
        }
        guard let (invoice, client) = result else { return try refusal(.used(s.business, s.copy)) }
        log.info("link_used", ["action": Self.invoiceViewAction])
        return try LinkHTML.printableInvoice(s.copy, business: s.business, client: client, invoice: invoice)
    }

    private func retryInvoice(_ s: Subject, now: Date) throws -> HTTPResponse {
        let prepared: (Invoice, String)? = try pipeline.store.read { c in
            guard let invoice = try invoice(s, c),
                let token = try c.defaultProcessorToken(clientID: s.client.id)
            else { return nil }
            return (invoice, token)
        }
        let copy = s.copy
        guard let (invoice, token) = prepared else {
            return LinkHTML.message(
                copy, business: s.business, status: 409, title: try copy.text("pages/no_card_title"),
                text: try copy.text("pages/no_card_text", ["advice": try advice(s.business, copy)]))
        }
        guard invoice.status == .failed || invoice.status == .open else {
            let status = try copy.text("invoices/status_\(invoice.status.rawValue)")
            return LinkHTML.message(
                copy, business: s.business, status: 200, title: try copy.text("pages/nothing_to_pay_title"),
                text: try copy.text("pages/nothing_to_pay_text", ["number": invoice.number, "status": status]))
        }
        // Spend the token first so two submissions cannot charge twice; the charge itself is local here.
        let spent = try pipeline.store.write { try $0.consumeLink(tokenHash: s.hash, now: now) }
        guard spent else { return try refusal(.used(s.business, copy)) }
        do {
            _ = try gateway.charge(amountMinor: invoice.amountMinor, currency: invoice.currency, processorToken: token)
        } catch {
            log.info("link_charge_refused", ["reason": error.reason.rawValue])
            let values = ["reason": try refusalText(error, copy), "advice": try advice(s.business, copy)]
            return LinkHTML.message(
                copy, business: s.business, status: 402, title: try copy.text("pages/payment_failed_title"),
                text: try copy.text("pages/payment_failed_text", values))
        }
        try pipeline.store.write { c in
            try c.setInvoiceStatus(id: invoice.id, .paid)
            try c.audit(
                businessID: s.business.id, actor: "client:\(s.client.id)", via: "link", action: "invoice.paid",
                before: invoice.status.rawValue, after: "paid", now: now)
        }
        log.info("link_used", ["action": Self.invoiceRetryAction])
        let amount = copy.money(invoice.amountMinor, currency: invoice.currency)
        return LinkHTML.message(
            copy, business: s.business, status: 200, title: try copy.text("pages/payment_received_title"),
            text: try copy.text("pages/payment_received_text", ["number": invoice.number, "amount": amount]))
    }

    // MARK: Resources

    private func resourceID(_ s: Subject, kind: String) -> Int? {
        let parts = s.link.resource.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == kind else { return nil }
        return Int(parts[1])
    }

    private func membership(_ s: Subject, _ c: any UnitOfWork) throws -> Membership? {
        guard let id = resourceID(s, kind: "membership") else { return nil }
        return try c.memberships(clientID: s.client.id).first { $0.id == id }
    }

    private func invoice(_ s: Subject, _ c: any UnitOfWork) throws -> Invoice? {
        guard let id = resourceID(s, kind: "invoice") else { return nil }
        // The invoice must belong to the link's client.
        return try c.invoice(id: id, clientID: s.client.id)
    }

    /// The cancel plugin's `mode` setting for this business (stored value, else the manifest default).
    private func cancelImmediately(_ business: Business, _ c: any UnitOfWork) throws -> Bool {
        let stored = try c.pluginSettings(businessID: business.id, plugin: "cancel").values["mode"]?.stringValue
        let fallback = pipeline.catalog.manifest("cancel")?.setting("mode")?.defaultValue.stringValue
        return (stored ?? fallback ?? "period_end") == "immediate"
    }
}

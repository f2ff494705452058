import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// The one-time link pages (`/l/<token>`). GET shows exactly what will happen and never consumes the token
/// (mail scanners open links); POST performs the action once, inside one transaction with the atomic
/// `consumeLink`. Used, expired and forged tokens get a page that says how to get a new link.
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
    }

    enum Lookup {
        case valid(Subject)
        case unknown
        case used(Business?)
        case expired(Business?)
    }

    private func lookup(_ request: HTTPRequest, _ c: any UnitOfWork, now: Date) throws -> Lookup {
        guard let token = request.pathParameters["token"], LinkToken.isWellFormed(token) else { return .unknown }
        let hash = LinkToken.hash(token)
        guard let link = try c.link(tokenHash: hash) else { return .unknown }
        let business = try c.business(id: link.businessID)
        if link.usedAt != nil { return .used(business) }
        if link.expiresAt <= now { return .expired(business) }
        guard let business, let client = try c.client(id: link.clientID), client.businessID == business.id else {
            return .unknown
        }
        return .valid(Subject(link: link, hash: hash, business: business, client: client))
    }

    private func refusal(_ lookup: Lookup) -> HTTPResponse {
        switch lookup {
        case .valid: return .internalServerError
        case .unknown:
            return LinkHTML.message(
                business: nil, status: 404, title: "This link is not valid",
                text:
                    "Check that you opened the whole link from your message. To get a new one, reply to our last message."
            )
        case .used(let business):
            return LinkHTML.message(
                business: business, status: 410, title: "This link has already been used",
                text: "Each link works once. " + LinkHTML.newLinkAdvice(business))
        case .expired(let business):
            return LinkHTML.message(
                business: business, status: 410, title: "This link has expired",
                text: "For your security, links expire after a short time. " + LinkHTML.newLinkAdvice(business))
        }
    }

    // MARK: GET

    /// The confirmation page: what will happen, to which membership, card or invoice. Read-only.
    public func show(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now()
        return try pipeline.store.read { c in
            let found = try lookup(request, c, now: now)
            guard case .valid(let subject) = found else { return refusal(found) }
            return try page(for: subject, c, now: now, error: nil, values: [:])
        }
    }

    private func page(for s: Subject, _ c: any UnitOfWork, now: Date, error: String?, values: [String: String]) throws
        -> HTTPResponse
    {
        let zone = s.business.zone
        switch s.link.action {
        case Self.paymentAction:
            let memberships = try c.memberships(clientID: s.client.id).filter { $0.status != .cancelled }
            let card = try c.defaultPaymentMethod(clientID: s.client.id)
            return LinkHTML.cardForm(
                business: s.business, client: s.client, current: card, memberships: memberships,
                testMode: gateway.isTestMode, error: error, values: values, status: error == nil ? 200 : 422)
        case Self.cancelAction:
            guard let membership = try membership(s, c) else { return refusal(.unknown) }
            guard membership.status != .cancelled && membership.status != .pendingCancel else {
                let end = membership.cancelAt.map { Format.date($0, in: zone) }
                return LinkHTML.message(
                    business: s.business, status: 200, title: "Already cancelled",
                    text: "Your \(membership.planName) membership is already cancelled"
                        + (end.map { " and ends on \($0)." } ?? "."))
            }
            let immediate = try cancelImmediately(s.business, c)
            let endDate = immediate ? now : (membership.currentPeriodEnd ?? membership.nextBillingAt ?? now)
            return LinkHTML.cancelForm(
                business: s.business, client: s.client, membership: membership, immediate: immediate,
                endDate: Format.date(endDate, in: zone))
        case Self.invoiceViewAction, Self.invoiceRetryAction:
            guard let invoice = try invoice(s, c) else { return refusal(.unknown) }
            let card = try c.defaultPaymentMethod(clientID: s.client.id)
            return LinkHTML.invoiceSummary(
                business: s.business, invoice: invoice, retry: s.link.action == Self.invoiceRetryAction, card: card,
                issued: Format.date(invoice.issuedAt, in: zone), error: error)
        case Pipeline.exportAction:
            return exportPage(s)
        default:
            log.warning("link_unknown_action", ["action": s.link.action])
            return refusal(.unknown)
        }
    }

    // MARK: POST

    /// Performs the link's action once. Input is checked before the token is spent, so a mistyped card
    /// number can be corrected on the same link.
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now()
        let found = try pipeline.store.read { try lookup(request, $0, now: now) }
        guard case .valid(let subject) = found else { return refusal(found) }
        switch subject.link.action {
        case Self.paymentAction: return try updateCard(subject, request.form ?? HTTPForm(), now: now)
        case Self.cancelAction: return try cancel(subject, reason: request.form?["reason"], now: now)
        case Self.invoiceViewAction: return try viewInvoice(subject, now: now)
        case Self.invoiceRetryAction: return try retryInvoice(subject, now: now)
        case Pipeline.exportAction: return try downloadExport(subject, now: now)
        default: return refusal(.unknown)
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
            return try again("Please check the card number.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = s.business.zone
        let today = calendar.dateComponents([.year, .month], from: now)
        guard (1...12).contains(month), year < 2100,
            (year, month) >= (today.year ?? 0, today.month ?? 0)
        else { return try again("Please check the expiry date.") }
        let card: TokenizedCard
        do { card = try gateway.tokenize(number: number, expMonth: month, expYear: year, cvc: cvc) } catch {
            log.info("link_card_refused", ["reason": error.reason.rawValue])
            return try again(error.message)
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
        guard done else { return refusal(.used(s.business)) }
        log.info("link_used", ["action": Self.paymentAction])
        return LinkHTML.message(
            business: s.business, status: 200, title: "Card updated",
            text: "Thanks, \(s.client.firstName). Your \(card.brand) ending in \(card.last4) "
                + "(expires \(String(format: "%02d", card.expMonth))/\(card.expYear)) is now the card on file.")
    }

    private func cancel(_ s: Subject, reason: String?, now: Date) throws -> HTTPResponse {
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let reasonText = trimmed.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        let zone = s.business.zone
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
        case .spent: return refusal(.used(s.business))
        case .missing: return refusal(.unknown)
        case .already(let m):
            return LinkHTML.message(
                business: s.business, status: 200, title: "Already cancelled",
                text: "Your \(m.planName) membership was already cancelled.")
        case .cancelled(let m, let immediate):
            log.info("link_used", ["action": Self.cancelAction])
            let end = m.cancelAt.map { Format.date($0, in: zone) } ?? Format.date(now, in: zone)
            let text =
                immediate
                ? "Your \(m.planName) membership is cancelled as of today. You will not be charged again."
                : "Your \(m.planName) membership will end on \(end). You will not be charged again."
            return LinkHTML.message(business: s.business, status: 200, title: "Membership cancelled", text: text)
        }
    }

    private func viewInvoice(_ s: Subject, now: Date) throws -> HTTPResponse {
        let result: (Invoice, Client)? = try pipeline.store.write { c in
            guard let invoice = try invoice(s, c), try c.consumeLink(tokenHash: s.hash, now: now) else { return nil }
            return (invoice, s.client)
        }
        guard let (invoice, client) = result else { return refusal(.used(s.business)) }
        log.info("link_used", ["action": Self.invoiceViewAction])
        return LinkHTML.printableInvoice(
            business: s.business, client: client, invoice: invoice,
            issued: Format.date(invoice.issuedAt, in: s.business.zone))
    }

    private func retryInvoice(_ s: Subject, now: Date) throws -> HTTPResponse {
        let prepared: (Invoice, String)? = try pipeline.store.read { c in
            guard let invoice = try invoice(s, c),
                let token = try c.defaultProcessorToken(clientID: s.client.id)
            else { return nil }
            return (invoice, token)
        }
        guard let (invoice, token) = prepared else {
            return LinkHTML.message(
                business: s.business, status: 409, title: "No card on file",
                text: "There is no card to charge. " + LinkHTML.newLinkAdvice(s.business))
        }
        guard invoice.status == .failed || invoice.status == .open else {
            return LinkHTML.message(
                business: s.business, status: 200, title: "Nothing to pay",
                text: "Invoice \(invoice.number) is \(invoice.status.rawValue).")
        }
        // Spend the token first so two submissions cannot charge twice; the charge itself is local here.
        let spent = try pipeline.store.write { try $0.consumeLink(tokenHash: s.hash, now: now) }
        guard spent else { return refusal(.used(s.business)) }
        do {
            _ = try gateway.charge(amountMinor: invoice.amountMinor, currency: invoice.currency, processorToken: token)
        } catch {
            log.info("link_charge_refused", ["reason": error.reason.rawValue])
            return LinkHTML.message(
                business: s.business, status: 402, title: "Payment failed",
                text: error.message + " " + LinkHTML.newLinkAdvice(s.business))
        }
        try pipeline.store.write { c in
            try c.setInvoiceStatus(id: invoice.id, .paid)
            try c.audit(
                businessID: s.business.id, actor: "client:\(s.client.id)", via: "link", action: "invoice.paid",
                before: invoice.status.rawValue, after: "paid", now: now)
        }
        log.info("link_used", ["action": Self.invoiceRetryAction])
        return LinkHTML.message(
            business: s.business, status: 200, title: "Payment received",
            text:
                "Invoice \(invoice.number) for \(Format.money(invoice.amountMinor, currency: invoice.currency)) is paid. Thank you!"
        )
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

import Foundation
import FrontdeskCore
import FrontdeskStore

/// The built-in billing provider: memberships, cards and invoices kept in Frontdesk's own store, cards charged
/// through a `PaymentGateway` (test cards only by default). It runs no renewals of its own: dates move when a
/// client acts, and a pause or a scheduled plan change takes effect on its date when the membership is next read.
public struct LedgerBilling: BillingProvider {
    public let gateway: any PaymentGateway

    public init(gateway: any PaymentGateway = TestCardGateway()) {
        self.gateway = gateway
    }

    public var name: String { "ledger" }
    public var pauseBillings: Set<PauseBilling> { [.skip, .shift] }

    // MARK: Show

    public func subscriptions(clientID: Int, in scope: BillingScope) throws -> [Membership] {
        try scope.store.memberships(clientID: clientID).map { Self.effective($0, at: scope.now) }
    }

    public func plans(in scope: BillingScope) throws -> [Plan] {
        try scope.store.plans(businessID: scope.businessID)
    }

    public func invoices(clientID: Int, limit: Int, in scope: BillingScope) throws -> [Invoice] {
        try scope.store.invoices(clientID: clientID, limit: limit)
    }

    public func invoice(id: Int, clientID: Int, in scope: BillingScope) throws -> Invoice? {
        try scope.store.invoice(id: id, clientID: clientID)
    }

    public func outstandingInvoices(clientID: Int, in scope: BillingScope) throws -> [Invoice] {
        try scope.store.invoices(clientID: clientID, limit: 1000).filter { $0.status == .failed || $0.status == .open }
            .reversed()
    }

    public func defaultCard(clientID: Int, in scope: BillingScope) throws -> PaymentMethod? {
        try scope.store.defaultPaymentMethod(clientID: clientID)
    }

    /// The membership as it reads at `date`: a pause that has begun makes it `paused` and one that is over
    /// `active` again; a scheduled plan change whose day has come is the plan; a cancellation at period end whose
    /// day has come is `cancelled`.
    public static func effective(_ stored: Membership, at date: Date) -> Membership {
        var m = stored
        if let change = m.scheduledChange, change.effectiveAt <= date, m.status != .cancelled {
            m.planID = change.planID
            m.planName = change.planName
            m.priceMinor = change.priceMinor
            m.interval = change.interval
            m.scheduledChange = nil
        }
        if let pause = m.pause {
            if date >= pause.resumesAt {
                if m.status == .paused { m.status = .active }
                m.pause = nil
            } else if date >= pause.startsAt, m.status == .active {
                m.status = .paused
            }
        }
        if m.status == .pendingCancel, let end = m.cancelAt, end <= date {
            m.status = .cancelled
            m.nextBillingAt = nil
        }
        return m
    }

    /// The stored membership and how it reads now.
    private func load(_ id: Int, _ clientID: Int, _ scope: BillingScope) throws -> (stored: Membership, now: Membership)
    {
        guard let stored = try scope.store.membership(id: id, clientID: clientID) else {
            throw BillingError(.notFound)
        }
        return (stored, Self.effective(stored, at: scope.now))
    }

    /// Writes `new` over `stored`, only if nobody changed it meanwhile. A plan that changed brings its services.
    private func write(
        _ stored: Membership, _ new: Membership, cancelledAt: Date? = nil, _ scope: BillingScope
    ) throws -> Membership {
        guard let planID = new.planID else { throw BillingError(.notFound) }
        var services: [IncludedService]?
        if planID != stored.planID {
            services = try plans(in: scope).first { $0.id == planID }?.services
        }
        let state = MembershipBillingState(
            status: new.status, planID: planID, currentPeriodEnd: new.currentPeriodEnd,
            nextBillingAt: new.nextBillingAt,
            cancelAt: new.cancelAt, cancelledAt: cancelledAt, cancelReason: new.cancelReason, pause: new.pause,
            scheduledChange: new.scheduledChange)
        guard
            try scope.store.updateMembershipBilling(
                id: stored.id, expected: stored.status, to: state, services: services)
        else { throw BillingError(.conflict) }
        let written = try scope.store.membership(id: stored.id, clientID: stored.clientID)
        return written.map { Self.effective($0, at: scope.now) } ?? new
    }

    // MARK: Cancel and reactivate

    public func cancel(
        membershipID: Int, clientID: Int, timing: CancelTiming, reason: String?, in scope: BillingScope
    ) throws -> Membership {
        let (stored, m) = try load(membershipID, clientID, scope)
        guard m.status != .cancelled, m.status != .pendingCancel else {
            throw BillingError(.alreadyEnded, status: m.status)
        }
        var new = m
        new.cancelReason = reason ?? m.cancelReason
        new.scheduledChange = nil
        new.pause = nil
        new.nextBillingAt = nil
        if m.pause != nil { try scope.store.endPause(membershipID: m.id, at: scope.now) }
        switch timing {
        case .now:
            new.status = .cancelled
            new.cancelAt = scope.now
            return try write(stored, new, cancelledAt: scope.now, scope)
        case .periodEnd:
            new.status = .pendingCancel
            new.cancelAt = m.currentPeriodEnd ?? m.nextBillingAt ?? scope.now
            return try write(stored, new, scope)
        }
    }

    public func recordCancelReason(membershipID: Int, clientID: Int, reason: String, in scope: BillingScope) throws {
        guard try scope.store.membership(id: membershipID, clientID: clientID) != nil else {
            throw BillingError(.notFound)
        }
        try scope.store.setCancelReason(membershipID: membershipID, reason: reason)
    }

    public func pauseCount(membershipID: Int, since: Date, in scope: BillingScope) throws -> Int {
        try scope.store.pauseCount(membershipID: membershipID, since: since)
    }

    public func reactivate(membershipID: Int, clientID: Int, in scope: BillingScope) throws -> Membership {
        let (stored, m) = try load(membershipID, clientID, scope)
        guard m.status == .pendingCancel else {
            throw BillingError(m.status == .cancelled ? .alreadyEnded : .invalidState, status: m.status)
        }
        var new = m
        new.status = .active
        new.nextBillingAt = m.currentPeriodEnd ?? m.cancelAt
        new.cancelAt = nil
        new.cancelReason = nil
        return try write(stored, new, scope)
    }

    public func previewRejoin(_ m: Membership, in scope: BillingScope) throws -> RejoinPreview {
        guard m.status == .cancelled else { throw BillingError(.invalidState, status: m.status) }
        guard let plan = try plans(in: scope).first(where: { $0.id == m.planID }) else {
            throw BillingError(.notFound)
        }
        return RejoinPreview(
            plan: plan, amountMinor: plan.priceMinor,
            periodEnd: BillingCalendar.add(1, plan.interval, to: scope.now, calendar: scope.calendar),
            card: try scope.store.defaultPaymentMethod(clientID: m.clientID))
    }

    public func rejoin(membershipID: Int, clientID: Int, in scope: BillingScope) throws -> RejoinResult {
        let (_, m) = try load(membershipID, clientID, scope)
        let preview = try previewRejoin(m, in: scope)
        let plan = preview.plan
        if let decline = try charge(plan.priceMinor, plan.currency, preview.card, clientID: clientID, scope) {
            return .declined(decline)
        }
        let id = try scope.store.insertMembership(
            NewMembership(
                businessID: scope.businessID, clientID: clientID, planID: plan.id, status: .active,
                startedAt: scope.now, currentPeriodEnd: preview.periodEnd, nextBillingAt: preview.periodEnd,
                paymentMethodID: preview.card?.id, remaining: plan.services))
        let invoice = try paidInvoice(plan.priceMinor, plan.currency, membershipID: id, clientID: clientID, scope)
        let (_, joined) = try load(id, clientID, scope)
        return .joined(joined, invoice)
    }

    // MARK: Pause and resume

    public func previewPause(_ m: Membership, _ request: PauseRequest, in scope: BillingScope) throws -> PausePreview {
        guard pauseBillings.contains(request.billing) else { throw BillingError(.unsupported) }
        guard m.status == .active, m.pause == nil else { throw BillingError(.invalidState, status: m.status) }
        let today = scope.calendar.startOfDay(for: scope.now)
        guard request.resumesAt > request.startsAt, request.startsAt >= today, request.resumesAt > scope.now else {
            throw BillingError(.invalidDates)
        }
        let startsNow = request.startsAt <= scope.now
        guard let next = m.nextBillingAt else {
            return PausePreview(request: request, skippedBillingDates: [], nextBillingAt: nil, startsNow: startsNow)
        }
        // A charge that falls before the pause begins is still made.
        let before = next < request.startsAt
        switch request.billing {
        case .skip:
            let skipped = BillingCalendar.cycleDates(
                from: request.startsAt, until: request.resumesAt, anchor: next, interval: m.interval,
                calendar: scope.calendar)
            let after = BillingCalendar.firstCycleDate(
                onOrAfter: request.resumesAt, anchor: next, interval: m.interval, calendar: scope.calendar)
            return PausePreview(
                request: request, skippedBillingDates: skipped, nextBillingAt: before ? next : after,
                startsNow: startsNow)
        case .shift:
            return PausePreview(
                request: request, skippedBillingDates: [], nextBillingAt: before ? next : request.resumesAt,
                startsNow: startsNow)
        }
    }

    public func pause(membershipID: Int, clientID: Int, _ request: PauseRequest, in scope: BillingScope) throws
        -> Membership
    {
        let (stored, m) = try load(membershipID, clientID, scope)
        let preview = try previewPause(m, request, in: scope)
        let pause = MembershipPause(startsAt: request.startsAt, resumesAt: request.resumesAt, billing: request.billing)
        var new = m
        new.pause = pause
        new.nextBillingAt = preview.nextBillingAt
        if preview.startsNow { new.status = .paused }
        let paused = try write(stored, new, scope)
        try scope.store.recordPause(membershipID: m.id, pause: pause, now: scope.now)
        return paused
    }

    public func previewResume(_ m: Membership, fallback: PauseBilling, in scope: BillingScope) throws -> Date {
        let calendar = scope.calendar
        switch (m.status, m.pause) {
        case (.paused, let pause):
            // A pause on record bills as it was agreed; one set by staff without dates, as the business bills now.
            switch pause?.billing ?? fallback {
            case .skip:
                guard let anchor = m.nextBillingAt ?? m.currentPeriodEnd else { return scope.now }
                return BillingCalendar.firstCycleDate(
                    onOrAfter: scope.now, anchor: anchor, interval: m.interval, calendar: calendar)
            case .shift:
                return scope.now
            }
        case (_, .some(let pause)):
            // Not begun: taken back, billing goes on as before it was scheduled.
            switch pause.billing {
            case .skip:
                let anchor = m.nextBillingAt ?? m.currentPeriodEnd ?? scope.now
                return BillingCalendar.firstCycleDate(
                    onOrAfter: scope.now, anchor: anchor, interval: m.interval, calendar: calendar)
            case .shift:
                return m.currentPeriodEnd ?? m.nextBillingAt ?? scope.now
            }
        default:
            throw BillingError(.invalidState, status: m.status)
        }
    }

    public func resume(membershipID: Int, clientID: Int, fallback: PauseBilling, in scope: BillingScope) throws
        -> Membership
    {
        let (stored, m) = try load(membershipID, clientID, scope)
        let next = try previewResume(m, fallback: fallback, in: scope)
        var new = m
        if m.status == .paused {
            new.status = .active
            // Shift: the resume date is the new billing date, and a new period starts with it.
            if (m.pause?.billing ?? fallback) == .shift { new.currentPeriodEnd = next }
        }
        new.pause = nil
        new.nextBillingAt = next
        let resumed = try write(stored, new, scope)
        try scope.store.endPause(membershipID: m.id, at: scope.now)
        return resumed
    }

    // MARK: Plans

    public func previewPlanChange(_ m: Membership, to plan: Plan, in scope: BillingScope) throws -> PlanChangePreview {
        guard plan.id != m.planID else { throw BillingError(.samePlan) }
        guard plan.currency == m.currency else { throw BillingError(.otherCurrency) }
        guard m.status == .active || m.status == .trialing else { throw BillingError(.invalidState, status: m.status) }
        let difference = plan.priceMinor - m.priceMinor
        if m.status == .trialing {
            return PlanChangePreview(
                from: m, to: plan, kind: .trial, priceDifferenceMinor: difference, prorationMinor: 0,
                effectiveAt: scope.now)
        }
        let end = m.currentPeriodEnd ?? m.nextBillingAt ?? scope.now
        guard plan.interval == m.interval, difference > 0, end > scope.now else {
            return PlanChangePreview(
                from: m, to: plan, kind: .downgrade, priceDifferenceMinor: difference, prorationMinor: 0,
                effectiveAt: max(end, scope.now))
        }
        let start = BillingCalendar.add(-1, m.interval, to: end, calendar: scope.calendar)
        let proration = BillingCalendar.proration(
            from: m.priceMinor, to: plan.priceMinor, periodStart: start, periodEnd: end, at: scope.now)
        return PlanChangePreview(
            from: m, to: plan, kind: .upgrade, priceDifferenceMinor: difference, prorationMinor: max(0, proration),
            effectiveAt: scope.now)
    }

    public func changePlan(membershipID: Int, clientID: Int, to planID: Int, in scope: BillingScope) throws
        -> PlanChangeResult
    {
        let (stored, m) = try load(membershipID, clientID, scope)
        guard let plan = try plans(in: scope).first(where: { $0.id == planID }) else {
            throw BillingError(.notFound)
        }
        var new = m
        if plan.id == m.planID {
            guard m.scheduledChange != nil else { throw BillingError(.samePlan) }
            new.scheduledChange = nil
            return .unscheduled(try write(stored, new, scope))
        }
        let preview = try previewPlanChange(m, to: plan, in: scope)
        if preview.kind == .downgrade {
            new.scheduledChange = ScheduledPlanChange(
                planID: plan.id, planName: plan.name, priceMinor: plan.priceMinor, interval: plan.interval,
                effectiveAt: preview.effectiveAt)
            return .scheduled(try write(stored, new, scope))
        }
        var invoice: Invoice?
        if preview.prorationMinor > 0 {
            let card = try m.paymentMethod ?? scope.store.defaultPaymentMethod(clientID: clientID)
            if let decline = try charge(preview.prorationMinor, m.currency, card, clientID: clientID, scope) {
                return .declined(decline)
            }
            invoice = try paidInvoice(preview.prorationMinor, m.currency, membershipID: m.id, clientID: clientID, scope)
        }
        new.planID = plan.id
        new.planName = plan.name
        new.priceMinor = plan.priceMinor
        new.interval = plan.interval
        new.scheduledChange = nil
        return .changed(try write(stored, new, scope), invoice: invoice)
    }

    // MARK: Invoices and cards

    public func payInvoice(id: Int, clientID: Int, in scope: BillingScope) throws -> InvoicePayment {
        guard let invoice = try scope.store.invoice(id: id, clientID: clientID) else { throw BillingError(.notFound) }
        guard invoice.status == .failed || invoice.status == .open else { throw BillingError(.nothingDue) }
        let membership = try invoice.membershipID.flatMap { try scope.store.membership(id: $0, clientID: clientID) }
        let card = try membership?.paymentMethod ?? scope.store.defaultPaymentMethod(clientID: clientID)
        if let decline = try charge(invoice.amountMinor, invoice.currency, card, clientID: clientID, scope) {
            if decline != .noCard {
                try scope.store.recordPaymentAttempt(invoiceID: id, status: .failed, error: decline.rawValue)
                // The event the reminders turn into a `payment_failed` notice (Stripe's `invoice.payment_failed`),
                // recorded in the same transaction as the attempt.
                try scope.store.insertBillingEvent(
                    businessID: scope.businessID, clientID: clientID, kind: .paymentFailed, invoiceID: id,
                    detail: decline.rawValue, now: scope.now)
            }
            let after = try scope.store.invoice(id: id, clientID: clientID) ?? invoice
            return InvoicePayment(
                invoice: after, decline: decline, card: card,
                membership: membership.map { Self.effective($0, at: scope.now) })
        }
        try scope.store.recordPaymentAttempt(invoiceID: id, status: .paid, error: nil)
        var after = membership.map { Self.effective($0, at: scope.now) }
        // Past due until nothing is owed on it, then active again (as a Stripe subscription whose invoice is paid).
        if let stored = membership, var m = after, m.status == .pastDue,
            try !outstandingInvoices(clientID: clientID, in: scope).contains(where: { $0.membershipID == m.id })
        {
            m.status = .active
            if m.nextBillingAt.map({ $0 < scope.now }) ?? true {
                m.nextBillingAt = BillingCalendar.firstCycleDate(
                    onOrAfter: scope.now, anchor: m.nextBillingAt ?? m.currentPeriodEnd ?? scope.now,
                    interval: m.interval, calendar: scope.calendar)
            }
            after = try write(stored, m, scope)
        }
        return InvoicePayment(
            invoice: try scope.store.invoice(id: id, clientID: clientID) ?? invoice, decline: nil, card: card,
            membership: after)
    }

    public func cardUpdateSession(clientID: Int, in scope: BillingScope) throws -> CardUpdateSession {
        .form(testMode: gateway.isTestMode)
    }

    public func attachCard(clientID: Int, _ card: CardDetails, in scope: BillingScope) throws -> PaymentMethod {
        let number = card.number.filter(\.isNumber)
        let digits = number.compactMap { $0.asciiValue.map { $0 - 48 } }
        guard digits.count == number.count, (12...19).contains(digits.count), CardMask.luhn(digits) else {
            throw BillingError(.invalidNumber)
        }
        let today = scope.calendar.dateComponents([.year, .month], from: scope.now)
        guard (1...12).contains(card.expMonth), card.expYear < 2100,
            (card.expYear, card.expMonth) >= (today.year ?? 0, today.month ?? 0)
        else { throw BillingError(.invalidExpiry) }
        let tokenized: TokenizedCard
        do {
            tokenized = try gateway.tokenize(
                number: number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc)
        } catch {
            switch error.reason {
            case .invalidNumber: throw BillingError(.invalidNumber)
            case .invalidExpiry: throw BillingError(.invalidExpiry)
            case .invalidCVC: throw BillingError(.invalidCVC)
            case .declined: throw BillingError(.cardDeclined)
            case .unsupported: throw BillingError(.testCardsOnly)
            }
        }
        let id = try scope.store.replaceDefaultCard(
            clientID: clientID, brand: tokenized.brand, last4: tokenized.last4, expMonth: tokenized.expMonth,
            expYear: tokenized.expYear, processorToken: tokenized.processorToken, now: scope.now)
        return PaymentMethod(
            id: id, brand: tokenized.brand, last4: tokenized.last4, expMonth: tokenized.expMonth,
            expYear: tokenized.expYear, isDefault: true)
    }

    /// Charges a card: nil when the money went through, else why not. An expired card is declined without a call
    /// to the gateway.
    private func charge(
        _ amount: Int, _ currency: String, _ card: PaymentMethod?, clientID: Int, _ scope: BillingScope
    ) throws -> PaymentDecline? {
        guard let card, let token = try scope.store.processorToken(paymentMethodID: card.id, clientID: clientID),
            !token.isEmpty
        else { return .noCard }
        if card.isExpired(at: scope.now, calendar: scope.calendar) { return .expiredCard }
        do { _ = try gateway.charge(amountMinor: amount, currency: currency, processorToken: token) } catch {
            return .cardDeclined
        }
        return nil
    }

    /// Records a charge that went through as a paid invoice with its one attempt.
    private func paidInvoice(
        _ amount: Int, _ currency: String, membershipID: Int, clientID: Int, _ scope: BillingScope
    ) throws -> Invoice {
        let number = try scope.store.nextInvoiceNumber(businessID: scope.businessID, prefix: "INV-")
        let id = try scope.store.insertInvoice(
            NewInvoice(
                businessID: scope.businessID, clientID: clientID, membershipID: membershipID, number: number,
                issuedAt: scope.now, amountMinor: amount, currency: currency, status: .paid))
        try scope.store.recordPaymentAttempt(invoiceID: id, status: .paid, error: nil)
        guard let invoice = try scope.store.invoice(id: id, clientID: clientID) else { throw BillingError(.notFound) }
        return invoice
    }
}

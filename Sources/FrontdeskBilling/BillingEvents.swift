import Foundation
import FrontdeskCore
import FrontdeskStore

/// Something that happened to a client's billing that the client should hear of, as Stripe's events name them:
/// `invoice.payment_failed` and `customer.subscription.trial_will_end`. The reminders turn each into a notice.
public struct BillingEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case paymentFailed = "payment_failed"
        case trialEnding = "trial_ending"
    }

    /// Stable across calls: the provider's event id (`ledger_evt_12`), or what a computed event is about
    /// (`trial_ending:5:2026-06-01`).
    public var id: String
    public var kind: Kind
    public var clientID: Int
    /// The invoice a payment failed on.
    public var invoice: Invoice?
    /// Why it failed.
    public var decline: PaymentDecline?
    /// The membership whose trial ends.
    public var membership: Membership?
    /// When the trial ends.
    public var endsAt: Date?
    public var occurredAt: Date

    public init(
        id: String, kind: Kind, clientID: Int, invoice: Invoice? = nil, decline: PaymentDecline? = nil,
        membership: Membership? = nil, endsAt: Date? = nil, occurredAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.clientID = clientID
        self.invoice = invoice
        self.decline = decline
        self.membership = membership
        self.endsAt = endsAt
        self.occurredAt = occurredAt
    }
}

/// A client's card that is about to expire.
public struct ExpiringCard: Sendable, Equatable {
    public var clientID: Int
    public var card: PaymentMethod

    public init(clientID: Int, card: PaymentMethod) {
        self.clientID = clientID
        self.card = card
    }
}

extension LedgerBilling {
    static let eventPrefix = "ledger_evt_"

    /// The events the ledger recorded and has not handed out as handled (failed payments, in the transaction that
    /// recorded the attempt), then trials ending within `trialNoticeDays`, which the ledger works out from its
    /// memberships (it runs nothing on its own).
    public func pendingEvents(trialNoticeDays: Int, in scope: BillingScope) throws -> [BillingEvent] {
        var events: [BillingEvent] = []
        for e in try scope.store.unhandledBillingEvents(businessID: scope.businessID, limit: 500) {
            let invoice = try e.invoiceID.flatMap { try scope.store.invoice(id: $0, clientID: e.clientID) }
            events.append(
                BillingEvent(
                    id: Self.eventPrefix + String(e.id), kind: .paymentFailed, clientID: e.clientID, invoice: invoice,
                    decline: e.detail.flatMap(PaymentDecline.init(rawValue:)), occurredAt: e.occurredAt))
        }
        guard trialNoticeDays > 0 else { return events }
        let until = scope.now.addingTimeInterval(Double(trialNoticeDays) * 86_400)
        for (id, clientID) in try scope.store.trialsEnding(businessID: scope.businessID, from: scope.now, to: until) {
            guard let stored = try scope.store.membership(id: id, clientID: clientID) else { continue }
            let m = Self.effective(stored, at: scope.now)
            guard m.status == .trialing, let end = m.currentPeriodEnd else { continue }
            let day = Format.isoDate(end, in: scope.zone)
            events.append(
                BillingEvent(
                    id: "trial_ending:\(m.id):\(day)", kind: .trialEnding, clientID: clientID, membership: m,
                    endsAt: end, occurredAt: scope.now))
        }
        return events
    }

    /// A recorded event is handed out once; a computed one is kept from repeating by the notice's dedupe key.
    public func markHandled(_ event: BillingEvent, in scope: BillingScope) throws {
        guard event.id.hasPrefix(Self.eventPrefix), let id = Int(event.id.dropFirst(Self.eventPrefix.count)) else {
            return
        }
        try scope.store.markBillingEventHandled(id: id, now: scope.now)
    }

    /// Active memberships whose next charge falls in [from, to), as they read now.
    public func renewals(from: Date, to: Date, in scope: BillingScope) throws -> [Membership] {
        try scope.store.membershipsBilling(businessID: scope.businessID, statuses: [.active], from: from, to: to)
            .compactMap { id, clientID in
                try scope.store.membership(id: id, clientID: clientID).map { Self.effective($0, at: scope.now) }
            }.filter { m in
                m.status == .active && m.nextBillingAt.map { $0 >= from && $0 < to } == true
            }
    }

    /// Default cards of clients with a live membership that expire from `from`'s month through `through`'s (in the
    /// business's time zone; a card is valid through its expiry month).
    public func expiringCards(from: Date, through: Date, in scope: BillingScope) throws -> [ExpiringCard] {
        let calendar = scope.calendar
        func month(_ d: Date) -> Int {
            let c = calendar.dateComponents([.year, .month], from: d)
            return (c.year ?? 0) * 12 + (c.month ?? 0)
        }
        return try scope.store.cardsExpiring(
            businessID: scope.businessID, fromMonth: month(from), throughMonth: month(through)
        ).compactMap { id, clientID in
            try scope.store.paymentMethod(id: id, clientID: clientID).map { ExpiringCard(clientID: clientID, card: $0) }
        }
    }
}

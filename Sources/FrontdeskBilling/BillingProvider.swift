import Foundation
import FrontdeskCore
import FrontdeskStore

/// Where the money side of a membership lives. Every billing action of Frontdesk goes through this protocol; plugins
/// and pages never touch billing rows. The semantics are Stripe Billing's, so a processor can stand behind it:
///
/// | here | Stripe |
/// |---|---|
/// | `subscriptions` | `GET /v1/subscriptions?customer=` |
/// | `cancel(.periodEnd)` / `cancel(.now)` | `cancel_at_period_end=true` / `DELETE /v1/subscriptions/:id` |
/// | `pause` with `.skip` | `pause_collection[behavior]=void`, `resumes_at` |
/// | `resume` | `pause_collection=""` (or `POST …/resume`) |
/// | `reactivate` | `cancel_at_period_end=false`; a cancelled one rejoins as a new subscription |
/// | `changePlan` | `items[0][price]`, `proration_behavior=always_invoice` (upgrade); a schedule phase (downgrade) |
/// | `payInvoice` | `POST /v1/invoices/:id/pay` (decline codes such as `expired_card`) |
/// | `cardUpdateSession` | a billing portal or Checkout setup session |
///
/// Business policy (whether pausing is allowed, how long, how often) is the plugins' business; a provider only
/// refuses what it cannot do (`BillingError`).
public protocol BillingProvider: Sendable {
    /// Short name for audit entries and logs (`ledger`).
    var name: String { get }
    /// How this provider can bill around a pause.
    var pauseBillings: Set<PauseBilling> { get }

    /// The client's memberships as they stand at `scope.now` (a pause that has begun reads `paused`, a scheduled
    /// downgrade whose date has come reads as the new plan), oldest first.
    func subscriptions(clientID: Int, in scope: BillingScope) throws -> [Membership]
    /// The plans the business sells (`GET /v1/prices`).
    func plans(in scope: BillingScope) throws -> [Plan]
    /// The client's invoices, newest first (`GET /v1/invoices?customer=`).
    func invoices(clientID: Int, limit: Int, in scope: BillingScope) throws -> [Invoice]
    /// One of the client's invoices (nil if it is another client's).
    func invoice(id: Int, clientID: Int, in scope: BillingScope) throws -> Invoice?
    /// Invoices that still wait for money (failed or open), oldest first.
    func outstandingInvoices(clientID: Int, in scope: BillingScope) throws -> [Invoice]
    /// The card future charges go to, if any.
    func defaultCard(clientID: Int, in scope: BillingScope) throws -> PaymentMethod?

    /// Cancels now, or at the end of the period (`pending_cancel`, undone by `reactivate`).
    func cancel(membershipID: Int, clientID: Int, timing: CancelTiming, reason: String?, in scope: BillingScope) throws
        -> Membership
    /// Why the client left, told after the cancellation (Stripe's `cancellation_details.comment`).
    func recordCancelReason(membershipID: Int, clientID: Int, reason: String, in scope: BillingScope) throws
    /// Pauses of the membership begun (or scheduled to begin) since `since`, for a business's pauses per year.
    func pauseCount(membershipID: Int, since: Date, in scope: BillingScope) throws -> Int
    /// What a pause would do to billing, changing nothing.
    func previewPause(_ membership: Membership, _ request: PauseRequest, in scope: BillingScope) throws -> PausePreview
    func pause(membershipID: Int, clientID: Int, _ request: PauseRequest, in scope: BillingScope) throws -> Membership
    /// What resuming now would do; `fallback` is the business's pause billing, for a pause that has none on record.
    func previewResume(_ membership: Membership, fallback: PauseBilling, in scope: BillingScope) throws -> Date
    /// Ends a running pause now (or takes back one not begun); returns the membership with its next billing date.
    func resume(membershipID: Int, clientID: Int, fallback: PauseBilling, in scope: BillingScope) throws -> Membership
    /// Undoes a cancellation at period end (`pending_cancel` → active, billing again at the period end).
    func reactivate(membershipID: Int, clientID: Int, in scope: BillingScope) throws -> Membership
    /// What rejoining a cancelled membership's plan would cost now, changing nothing.
    func previewRejoin(_ membership: Membership, in scope: BillingScope) throws -> RejoinPreview
    /// A new membership on a cancelled one's plan, its first period charged now; nothing is created when the
    /// charge fails.
    func rejoin(membershipID: Int, clientID: Int, in scope: BillingScope) throws -> RejoinResult
    /// What moving to `plan` would cost and when it would take effect, changing nothing.
    func previewPlanChange(_ membership: Membership, to plan: Plan, in scope: BillingScope) throws -> PlanChangePreview
    /// Applies an upgrade now (its proration charged first: a declined charge changes nothing) or schedules a
    /// downgrade for the end of the period; to the current plan, takes back a scheduled change.
    func changePlan(membershipID: Int, clientID: Int, to planID: Int, in scope: BillingScope) throws
        -> PlanChangeResult
    /// Charges a failed or open invoice to the membership's card (else the client's default). An expired card is
    /// declined without being charged. Every attempt is recorded on the invoice.
    func payInvoice(id: Int, clientID: Int, in scope: BillingScope) throws -> InvoicePayment
    /// Where the client enters a new card.
    func cardUpdateSession(clientID: Int, in scope: BillingScope) throws -> CardUpdateSession
    /// Exchanges card details for a stored card, made the default for the client's live memberships. The number
    /// and security code are never stored or logged.
    func attachCard(clientID: Int, _ card: CardDetails, in scope: BillingScope) throws -> PaymentMethod

    // Issue 17: what the reminders read (`BillingEvents.swift`).
    /// Events not handled yet, oldest first: payments that failed (`invoice.payment_failed`) and trials ending within
    /// `trialNoticeDays` (`customer.subscription.trial_will_end`).
    func pendingEvents(trialNoticeDays: Int, in scope: BillingScope) throws -> [BillingEvent]
    /// Marks an event handled, so it is handed out once.
    func markHandled(_ event: BillingEvent, in scope: BillingScope) throws
    /// Active memberships whose next charge falls in [from, to) (`GET /v1/invoices/upcoming`).
    func renewals(from: Date, to: Date, in scope: BillingScope) throws -> [Membership]
    /// Default cards of clients with a live membership expiring from `from`'s month through `through`'s.
    func expiringCards(from: Date, through: Date, in scope: BillingScope) throws -> [ExpiringCard]
}

/// One business's transaction, with its clock and time zone (dates such as "the 15th" are the business's).
public struct BillingScope {
    public let store: any UnitOfWork
    public let businessID: Int
    public let zone: TimeZone
    public let now: Date

    public init(store: any UnitOfWork, businessID: Int, zone: TimeZone, now: Date) {
        self.store = store
        self.businessID = businessID
        self.zone = zone
        self.now = now
    }

    /// The business's calendar.
    public var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

/// When a cancellation takes effect.
public enum CancelTiming: String, Sendable {
    case now
    case periodEnd = "period_end"
}

/// A pause the client asked for: from `startsAt` (now, or a later day) until `resumesAt`, billed as `billing`.
public typealias PauseRequest = MembershipPause

/// What a pause does to billing: the charges skipped (skip) and the next charge after it.
public struct PausePreview: Sendable, Equatable {
    public var request: PauseRequest
    /// Billing dates inside the pause that are not charged (skip only).
    public var skippedBillingDates: [Date]
    /// The first charge after the pause starts.
    public var nextBillingAt: Date?
    /// The pause starts today (the membership reads `paused` at once).
    public var startsNow: Bool
}

/// What rejoining costs: the plan, the first charge now, and the card it goes to.
public struct RejoinPreview: Sendable, Equatable {
    public var plan: Plan
    public var amountMinor: Int
    public var periodEnd: Date
    public var card: PaymentMethod?
}

public enum RejoinResult: Sendable, Equatable {
    case joined(Membership, Invoice)
    case declined(PaymentDecline)
}

/// Whether a plan change costs more now or less later.
public enum PlanChangeKind: String, Sendable {
    /// A dearer plan on the same cycle: now, with a prorated charge for the rest of the period.
    case upgrade
    /// A cheaper plan, or another cycle: at the end of the period, nothing charged now.
    case downgrade
    /// During a trial: now, nothing charged until the trial ends.
    case trial
}

public struct PlanChangePreview: Sendable, Equatable {
    public var from: Membership
    public var to: Plan
    public var kind: PlanChangeKind
    /// New price minus current price, per billing interval.
    public var priceDifferenceMinor: Int
    /// Charged now (upgrade): the new plan for the rest of the period less the unused part of the current one.
    public var prorationMinor: Int
    public var effectiveAt: Date
}

public enum PlanChangeResult: Sendable, Equatable {
    /// The new plan applies now; `invoice` is the prorated charge, when there was one.
    case changed(Membership, invoice: Invoice?)
    case scheduled(Membership)
    /// A scheduled change was taken back: the membership stays on its plan.
    case unscheduled(Membership)
    case declined(PaymentDecline)
}

/// Why a charge was not made (Stripe's decline codes).
public enum PaymentDecline: String, Sendable, Equatable {
    case expiredCard = "expired_card"
    case cardDeclined = "card_declined"
    case noCard = "no_card"
}

/// The result of paying an invoice: it is paid, or the decline and the card it concerned.
public struct InvoicePayment: Sendable, Equatable {
    public var invoice: Invoice
    public var decline: PaymentDecline?
    public var card: PaymentMethod?
    /// The membership the invoice billed, after the payment (active again once nothing is owed).
    public var membership: Membership?

    public var paid: Bool { decline == nil }
}

/// Where a card is entered.
public enum CardUpdateSession: Sendable, Equatable {
    /// On Frontdesk's own page; `testMode` when only test cards are accepted (the built-in ledger).
    case form(testMode: Bool)
    /// On the processor's hosted page (SAQ A): the link page sends the client there.
    case hosted(url: String)
}

/// Card details as typed on the card page. Never stored, logged or echoed.
public struct CardDetails: Sendable {
    public var number: String
    public var expMonth: Int
    public var expYear: Int
    public var cvc: String

    public init(number: String, expMonth: Int, expYear: Int, cvc: String) {
        self.number = number
        self.expMonth = expMonth
        self.expYear = expYear
        self.cvc = cvc
    }
}

/// A billing action that cannot be done; `code` picks the reply or page text.
public struct BillingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        /// The membership's status does not allow it (`status` says which it has).
        case invalidState = "invalid_state"
        /// Cancelled already, or ending at its period end.
        case alreadyEnded = "already_ended"
        /// The provider cannot bill a pause this way.
        case unsupported
        /// A pause's dates are out of order or in the past.
        case invalidDates = "invalid_dates"
        case samePlan = "same_plan"
        /// The plan is billed in another currency.
        case otherCurrency = "other_currency"
        case nothingDue = "nothing_due"
        /// Someone else changed the membership meanwhile.
        case conflict
        case invalidNumber = "invalid_number"
        case invalidExpiry = "invalid_expiry"
        case invalidCVC = "invalid_cvc"
        case cardDeclined = "card_declined"
        /// The built-in ledger takes only published test cards.
        case testCardsOnly = "test_cards_only"
    }

    public var code: Code
    public var status: MembershipStatus?

    public init(_ code: Code, status: MembershipStatus? = nil) {
        self.code = code
        self.status = status
    }

    public var description: String { "billing refused: \(code.rawValue)" }
}

extension PaymentMethod {
    /// Cards are valid through the last day of their expiry month, in the business's time zone.
    public func isExpired(at date: Date, calendar: Calendar) -> Bool {
        let today = calendar.dateComponents([.year, .month], from: date)
        return (expYear, expMonth) < (today.year ?? 0, today.month ?? 0)
    }
}

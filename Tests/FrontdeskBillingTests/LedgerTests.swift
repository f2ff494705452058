import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskBilling

/// The test card gateway, counting what it is asked to charge (a recording double at the edge).
final class CountingGateway: PaymentGateway, @unchecked Sendable {
    private let lock = NSLock()
    private var charged: [Int] = []
    let inner = TestCardGateway()

    var charges: [Int] { lock.withLock { charged } }
    var isTestMode: Bool { true }

    func tokenize(number: String, expMonth: Int, expYear: Int, cvc: String) throws(PaymentGatewayError)
        -> TokenizedCard
    {
        try inner.tokenize(number: number, expMonth: expMonth, expYear: expYear, cvc: cvc)
    }

    func charge(amountMinor: Int, currency: String, processorToken: String) throws(PaymentGatewayError) -> String {
        lock.withLock { charged.append(amountMinor) }
        return try inner.charge(amountMinor: amountMinor, currency: currency, processorToken: processorToken)
    }
}

/// The built-in ledger over the real SQLite store with the demo business (clock at 2026-11-22 15:00 UTC, the
/// business in New York).
struct LedgerFixture {
    let bot: TestBot
    let gateway = CountingGateway()
    var ledger: LedgerBilling { LedgerBilling(gateway: gateway) }
    static let zone = TimeZone(identifier: "America/New_York") ?? .current

    init() throws { bot = try TestBot() }

    func write<T>(_ body: (BillingScope) throws -> T) throws -> T {
        try bot.app.store.write { c in
            try body(BillingScope(store: c, businessID: 1, zone: Self.zone, now: bot.clock.now()))
        }
    }

    /// The client at a demo phone number and their first membership, as the ledger reads it now.
    func member(_ phone: String) throws -> (client: Int, membership: Membership) {
        try write { scope in
            let client = try #require(try scope.store.client(businessID: 1, address: phone, channel: .sms))
            let m = try #require(try ledger.subscriptions(clientID: client.id, in: scope).first)
            return (client.id, m)
        }
    }

    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = Self.zone
        return c
    }

    func day(_ y: Int, _ m: Int, _ d: Int) -> Date {
        calendar.date(from: DateComponents(year: y, month: m, day: d)) ?? Date()
    }
}

@Suite("The built-in ledger")
struct LedgerTests {
    let alice = "+15550101001"  // Unlimited Yoga $149, active, next billing Nov 24
    let daniel = "+15550101004"  // Gym Basic, past due, card valid until 01/2028
    let felix = "+15550101006"  // Unlimited Yoga, pending_cancel
    let grace = "+15550101007"  // Class Pack 10, cancelled
    let paul = "+15550101016"  // Gym Basic, past due, card expired last month
    let umar = "+15550101020"  // Gym Basic $39, active

    @Test func skipKeepsTheCycleAndSkipsTheChargesInsideThePause() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(alice)
        let next = try #require(m.nextBillingAt)
        let resumes = f.day(2027, 1, 15)
        let request = PauseRequest(startsAt: f.bot.clock.now(), resumesAt: resumes, billing: .skip)
        let preview = try f.write { try f.ledger.previewPause(m, request, in: $0) }
        let expected = [0, 1].map { BillingCalendar.add($0, "month", to: next, calendar: f.calendar) }
        #expect(preview.skippedBillingDates == expected)  // Nov 24 and Dec 24
        #expect(preview.nextBillingAt == BillingCalendar.add(2, "month", to: next, calendar: f.calendar))  // Jan 24
        #expect(preview.startsNow)
        let paused = try f.write { try f.ledger.pause(membershipID: m.id, clientID: client, request, in: $0) }
        #expect(paused.status == .paused)
        #expect(paused.pause?.billing == .skip)
        #expect(paused.nextBillingAt == preview.nextBillingAt)
        // Resumed early, the cycle's own next date comes back: Nov 24.
        f.bot.clock.advance(minutes: 60)
        let resumed = try f.write {
            try f.ledger.resume(membershipID: m.id, clientID: client, fallback: .shift, in: $0)
        }
        #expect(resumed.status == .active)
        #expect(resumed.pause == nil)
        #expect(resumed.nextBillingAt == next)
    }

    @Test func shiftMakesTheResumeDateTheNextBillingDate() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(alice)
        let resumes = f.day(2026, 12, 20)
        let request = PauseRequest(startsAt: f.bot.clock.now(), resumesAt: resumes, billing: .shift)
        let preview = try f.write { try f.ledger.previewPause(m, request, in: $0) }
        #expect(preview.skippedBillingDates.isEmpty)
        #expect(preview.nextBillingAt == resumes)
        _ = try f.write { try f.ledger.pause(membershipID: m.id, clientID: client, request, in: $0) }
        // Resumed early under shift: billing starts again today, and a new period with it.
        f.bot.clock.advance(minutes: 3 * 24 * 60)
        let now = f.bot.clock.now()
        let resumed = try f.write { try f.ledger.resume(membershipID: m.id, clientID: client, fallback: .skip, in: $0) }
        #expect(resumed.nextBillingAt == now)
        #expect(resumed.currentPeriodEnd == now)
    }

    @Test func aPlannedPauseReadsPausedOnlyBetweenItsDates() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(umar)
        // Umar's next charge is Nov 27, inside the pause: it moves to the resume date.
        let request = PauseRequest(startsAt: f.day(2026, 11, 25), resumesAt: f.day(2026, 12, 31), billing: .shift)
        let planned = try f.write { try f.ledger.pause(membershipID: m.id, clientID: client, request, in: $0) }
        #expect(planned.status == .active)
        #expect(planned.pause?.startsAt == f.day(2026, 11, 25))
        #expect(planned.nextBillingAt == f.day(2026, 12, 31))
        f.bot.clock.advance(minutes: 10 * 24 * 60)  // Dec 2
        #expect(try f.member(umar).membership.status == .paused)
        f.bot.clock.advance(minutes: 30 * 24 * 60)  // Jan 1
        let after = try f.member(umar).membership
        #expect(after.status == .active)
        #expect(after.pause == nil)
        #expect(after.nextBillingAt == f.day(2026, 12, 31))
        // Counted against the business's pauses per year.
        #expect(try f.write { try f.ledger.pauseCount(membershipID: m.id, since: f.day(2026, 1, 1), in: $0) } == 1)
    }

    @Test func aPauseIsRefusedOnWhatCannotPause() throws {
        let f = try LedgerFixture()
        for phone in [daniel, felix, grace] {
            let (_, m) = try f.member(phone)
            let request = PauseRequest(startsAt: f.bot.clock.now(), resumesAt: f.day(2027, 1, 1), billing: .skip)
            #expect(throws: BillingError(.invalidState, status: m.status)) {
                try f.write { try f.ledger.previewPause(m, request, in: $0) }
            }
        }
        let (_, m) = try f.member(alice)
        let backwards = PauseRequest(startsAt: f.day(2026, 12, 10), resumesAt: f.day(2026, 12, 1), billing: .skip)
        #expect(throws: BillingError(.invalidDates)) { try f.write { try f.ledger.previewPause(m, backwards, in: $0) } }
        let past = PauseRequest(startsAt: f.day(2026, 11, 1), resumesAt: f.day(2026, 12, 1), billing: .skip)
        #expect(throws: BillingError(.invalidDates)) { try f.write { try f.ledger.previewPause(m, past, in: $0) } }
    }

    @Test func anExpiredCardIsDeclinedWithoutBeingCharged() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(paul)
        let invoice = try #require(try f.write { try f.ledger.outstandingInvoices(clientID: client, in: $0) }.first)
        #expect(m.paymentMethod?.isExpired(at: f.bot.clock.now(), calendar: f.calendar) == true)
        let declined = try f.write { try f.ledger.payInvoice(id: invoice.id, clientID: client, in: $0) }
        #expect(declined.decline == .expiredCard)
        #expect(!declined.paid)
        #expect(declined.invoice.status == .failed)
        #expect(declined.invoice.attemptCount == 1)
        #expect(declined.invoice.lastPaymentError == "expired_card")
        #expect(f.gateway.charges.isEmpty, "an expired card is never sent to the gateway")
        #expect(try f.member(paul).membership.status == .pastDue)

        // A new card, then the same invoice goes through and the membership is active again.
        let card = try f.write {
            try f.ledger.attachCard(
                clientID: client, CardDetails(number: "4242 4242 4242 4242", expMonth: 12, expYear: 2030, cvc: "123"),
                in: $0)
        }
        #expect(card.last4 == "4242")
        let paid = try f.write { try f.ledger.payInvoice(id: invoice.id, clientID: client, in: $0) }
        #expect(paid.paid)
        #expect(paid.invoice.status == .paid)
        #expect(paid.invoice.attemptCount == 2)
        #expect(paid.membership?.status == .active)
        #expect(f.gateway.charges == [invoice.amountMinor])
        #expect(throws: BillingError(.nothingDue)) {
            try f.write { try f.ledger.payInvoice(id: invoice.id, clientID: client, in: $0) }
        }
    }

    @Test func aCardIsCheckedBeforeItIsStored() throws {
        let f = try LedgerFixture()
        let (client, _) = try f.member(alice)
        let cases: [(CardDetails, BillingError.Code)] = [
            (CardDetails(number: "4242 4242 4242 4241", expMonth: 12, expYear: 2030, cvc: "123"), .invalidNumber),
            (CardDetails(number: "4242424242424242", expMonth: 10, expYear: 2026, cvc: "123"), .invalidExpiry),
            (CardDetails(number: "4242424242424242", expMonth: 13, expYear: 2030, cvc: "123"), .invalidExpiry),
            (CardDetails(number: "4111111111111111", expMonth: 12, expYear: 2030, cvc: "123"), .testCardsOnly),
            (CardDetails(number: "4000000000000002", expMonth: 12, expYear: 2030, cvc: "123"), .cardDeclined),
            (CardDetails(number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "12"), .invalidCVC),
        ]
        for (details, code) in cases {
            #expect(throws: BillingError(code)) {
                try f.write { try f.ledger.attachCard(clientID: client, details, in: $0) }
            }
        }
        #expect(try f.member(alice).membership.paymentMethod?.last4 == "4242")
        // This month's expiry is still good: cards are valid through their expiry month.
        let november = CardDetails(number: "5555555555554444", expMonth: 11, expYear: 2026, cvc: "123")
        #expect(try f.write { try f.ledger.attachCard(clientID: client, november, in: $0) }.last4 == "4444")
    }

    @Test func reactivateUndoesAPendingCancellationButNotAnEndedOne() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(felix)
        #expect(m.status == .pendingCancel)
        let kept = try f.write { try f.ledger.reactivate(membershipID: m.id, clientID: client, in: $0) }
        #expect(kept.status == .active)
        #expect(kept.cancelAt == nil)
        #expect(kept.nextBillingAt == m.currentPeriodEnd)
        let (graceID, cancelled) = try f.member(grace)
        #expect(throws: BillingError(.alreadyEnded, status: .cancelled)) {
            try f.write { try f.ledger.reactivate(membershipID: cancelled.id, clientID: graceID, in: $0) }
        }
        // Cancelling at period end again works, then the day comes and it reads cancelled.
        let ending = try f.write {
            try f.ledger.cancel(membershipID: m.id, clientID: client, timing: .periodEnd, reason: "moving", in: $0)
        }
        #expect(ending.status == .pendingCancel)
        #expect(ending.cancelReason == "moving")
        f.bot.clock.advance(minutes: 60 * 24 * 60)
        #expect(try f.member(felix).membership.status == .cancelled)
    }

    @Test func rejoinChargesTheFirstPeriodOrCreatesNothing() throws {
        let f = try LedgerFixture()
        let (client, cancelled) = try f.member(grace)
        let preview = try f.write { try f.ledger.previewRejoin(cancelled, in: $0) }
        #expect(preview.plan.name == "Class Pack 10")
        #expect(preview.amountMinor == 12000)
        guard
            case .joined(let joined, let invoice) = try f.write({
                try f.ledger.rejoin(membershipID: cancelled.id, clientID: client, in: $0)
            })
        else {
            Issue.record("rejoin was declined")
            return
        }
        #expect(joined.status == .active)
        #expect(joined.planName == "Class Pack 10")
        #expect(joined.services.first?.remaining == 10)
        #expect(invoice.amountMinor == 12000)
        #expect(invoice.status == .paid)
        #expect(invoice.number == "INV-1079")  // after the demo's INV-1001…INV-1078
        #expect(f.gateway.charges == [12000])

        // With the only card expired, nothing is created.
        let v = try LedgerFixture()
        let vera = try v.member("+15550101021")
        try v.bot.app.store.write { c in
            _ = try c.replaceDefaultCard(
                clientID: vera.client, brand: "Visa", last4: "1111", expMonth: 1, expYear: 2026,
                processorToken: "tok_demo",
                now: v.bot.clock.now())
        }
        let before = try v.bot.count("memberships")
        let result = try v.write {
            try v.ledger.rejoin(membershipID: vera.membership.id, clientID: vera.client, in: $0)
        }
        #expect(result == .declined(.expiredCard))
        #expect(try v.bot.count("memberships") == before)
        #expect(v.gateway.charges.isEmpty)
    }
}

@Suite("Plan changes in the ledger")
struct PlanChangeTests {
    let umar = "+15550101020"  // Gym Basic $39/month, active, period ending Nov 27
    let mia = "+15550101013"  // Massage Club $89/month, active
    let chloe = "+15550101003"  // Class Pack 10, trialing

    func plan(_ f: LedgerFixture, _ name: String) throws -> Plan {
        try #require(try f.write { try f.ledger.plans(in: $0) }.first { $0.name == name })
    }

    @Test func anUpgradeAppliesNowWithAProratedCharge() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(umar)
        let yoga = try plan(f, "Unlimited Yoga")
        let preview = try f.write { try f.ledger.previewPlanChange(m, to: yoga, in: $0) }
        #expect(preview.kind == .upgrade)
        #expect(preview.priceDifferenceMinor == 11000)
        let end = try #require(m.currentPeriodEnd)
        let start = BillingCalendar.add(-1, "month", to: end, calendar: f.calendar)
        let now = f.bot.clock.now()
        let whole = Int(end.timeIntervalSince(start))
        let left = Int(end.timeIntervalSince(now))
        // Stripe's two lines, each rounded: the new price for the time left, less the old price's unused time.
        let expected =
            Int((Double(14900 * left) / Double(whole)).rounded()) - Int((Double(3900 * left) / Double(whole)).rounded())
        #expect(preview.prorationMinor == expected)
        #expect(preview.prorationMinor > 0 && preview.prorationMinor < 11000)
        guard
            case .changed(let changed, let invoice) = try f.write({
                try f.ledger.changePlan(membershipID: m.id, clientID: client, to: yoga.id, in: $0)
            })
        else {
            Issue.record("the upgrade was not applied")
            return
        }
        #expect(changed.planName == "Unlimited Yoga")
        #expect(changed.priceMinor == 14900)
        #expect(changed.nextBillingAt == m.nextBillingAt, "the billing date does not move")
        #expect(invoice?.amountMinor == expected)
        #expect(f.gateway.charges == [expected])
    }

    @Test func aDowngradeWaitsForThePeriodEndAndCanBeCalledOff() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(mia)
        let gym = try plan(f, "Gym Basic")
        guard
            case .scheduled(let scheduled) = try f.write({
                try f.ledger.changePlan(membershipID: m.id, clientID: client, to: gym.id, in: $0)
            })
        else {
            Issue.record("the downgrade was not scheduled")
            return
        }
        #expect(scheduled.planName == "Massage Club")
        #expect(scheduled.scheduledChange?.planName == "Gym Basic")
        #expect(scheduled.scheduledChange?.effectiveAt == m.currentPeriodEnd)
        #expect(f.gateway.charges.isEmpty)
        // Calling it off: back to the current plan.
        let massage = try plan(f, "Massage Club")
        let off = try f.write { try f.ledger.changePlan(membershipID: m.id, clientID: client, to: massage.id, in: $0) }
        guard case .unscheduled(let kept) = off else {
            Issue.record("the scheduled change was not called off")
            return
        }
        #expect(kept.scheduledChange == nil)
        // Scheduled again, it is the plan once its day has come.
        _ = try f.write { try f.ledger.changePlan(membershipID: m.id, clientID: client, to: gym.id, in: $0) }
        f.bot.clock.advance(minutes: 40 * 24 * 60)
        let later = try f.member(mia).membership
        #expect(later.planName == "Gym Basic")
        #expect(later.priceMinor == 3900)
    }

    @Test func aTrialChangesNowForNothingAndTheSamePlanIsRefused() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(chloe)
        let yoga = try plan(f, "Unlimited Yoga")
        let preview = try f.write { try f.ledger.previewPlanChange(m, to: yoga, in: $0) }
        #expect(preview.kind == .trial)
        #expect(preview.prorationMinor == 0)
        let pack = try plan(f, "Class Pack 10")
        #expect(throws: BillingError(.samePlan)) {
            try f.write { try f.ledger.changePlan(membershipID: m.id, clientID: client, to: pack.id, in: $0) }
        }
    }

    @Test func anUpgradeOnAnExpiredCardChangesNothing() throws {
        let f = try LedgerFixture()
        let (client, m) = try f.member(umar)
        try f.bot.app.store.write { c in
            _ = try c.replaceDefaultCard(
                clientID: client, brand: "Visa", last4: "1111", expMonth: 2, expYear: 2026, processorToken: "tok_demo",
                now: f.bot.clock.now())
        }
        let yoga = try plan(f, "Unlimited Yoga")
        let result = try f.write { try f.ledger.changePlan(membershipID: m.id, clientID: client, to: yoga.id, in: $0) }
        #expect(result == .declined(.expiredCard))
        #expect(try f.member(umar).membership.planName == "Gym Basic")
    }
}

@Suite("Billing dates and proration")
struct BillingCalendarTests {
    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC") ?? .current
        return c
    }

    func day(_ y: Int, _ m: Int, _ d: Int) -> Date {
        calendar.date(from: DateComponents(year: y, month: m, day: d)) ?? Date()
    }

    @Test func aCycleKeepsItsAnchorDay() {
        let anchor = day(2027, 1, 31)
        #expect(BillingCalendar.add(1, "month", to: anchor, calendar: calendar) == day(2027, 2, 28))
        #expect(BillingCalendar.add(2, "month", to: anchor, calendar: calendar) == day(2027, 3, 31))
        #expect(
            BillingCalendar.firstCycleDate(
                onOrAfter: day(2027, 3, 1), anchor: anchor, interval: "month", calendar: calendar)
                == day(2027, 3, 31))
        #expect(
            BillingCalendar.firstCycleDate(
                onOrAfter: day(2026, 12, 2), anchor: anchor, interval: "month", calendar: calendar)
                == day(2026, 12, 31))
        #expect(
            BillingCalendar.cycleDates(
                from: day(2027, 2, 1), until: day(2027, 5, 1), anchor: anchor, interval: "month", calendar: calendar)
                == [day(2027, 2, 28), day(2027, 3, 31), day(2027, 4, 30)])
        #expect(BillingCalendar.add(1, "week", to: anchor, calendar: calendar) == day(2027, 2, 7))
        #expect(BillingCalendar.add(1, "year", to: day(2028, 2, 29), calendar: calendar) == day(2029, 2, 28))
    }

    @Test func prorationRoundsEachLineToTheMinorUnit() {
        let start = day(2026, 11, 1)
        let end = day(2026, 12, 1)  // 30 days
        // A third of the period left: 14900/3 = 4966.67 → 4967, 3900/3 = 1300 → 1300.
        let third = end.addingTimeInterval(-10 * 86_400)
        #expect(BillingCalendar.proration(from: 3900, to: 14900, periodStart: start, periodEnd: end, at: third) == 3667)
        // The whole period left: the whole difference; none left: nothing.
        #expect(
            BillingCalendar.proration(from: 3900, to: 14900, periodStart: start, periodEnd: end, at: start) == 11000)
        #expect(BillingCalendar.proration(from: 3900, to: 14900, periodStart: start, periodEnd: end, at: end) == 0)
        // Half a minor unit rounds away from zero.
        #expect(BillingCalendar.prorate(5, part: 1, whole: 2) == 3)
        #expect(BillingCalendar.prorate(-5, part: 1, whole: 2) == -3)
        #expect(BillingCalendar.prorate(100, part: 5, whole: 0) == 0)
    }
}

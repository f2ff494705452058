import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskBilling

/// What the built-in ledger hands the reminders (issue 17): failed payments it recorded, trials ending, renewals ahead
/// and cards about to expire.
@Suite struct BillingEventsTests {
    @Test func aDeclinedChargeIsRecordedAsAFailedPaymentEventHandedOutOnce() throws {
        let f = try LedgerFixture()
        let (paul, _) = try f.member("+15550101016")
        let invoice = try f.write { scope in
            try #require(try f.ledger.outstandingInvoices(clientID: paul, in: scope).first)
        }
        #expect(try f.write { try f.ledger.pendingEvents(trialNoticeDays: 0, in: $0) }.isEmpty)
        let payment = try f.write { try f.ledger.payInvoice(id: invoice.id, clientID: paul, in: $0) }
        #expect(payment.decline == .expiredCard)
        let events = try f.write { try f.ledger.pendingEvents(trialNoticeDays: 0, in: $0) }
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.kind == .paymentFailed && event.clientID == paul && event.decline == .expiredCard)
        #expect(event.invoice?.id == invoice.id && event.invoice?.status == .failed)
        try f.write { try f.ledger.markHandled(event, in: $0) }
        #expect(try f.write { try f.ledger.pendingEvents(trialNoticeDays: 0, in: $0) }.isEmpty)
    }

    @Test func aPaymentThatGoesThroughRecordsNoEvent() throws {
        let f = try LedgerFixture()
        let (daniel, _) = try f.member("+15550101004")
        let invoice = try f.write { try #require(try f.ledger.outstandingInvoices(clientID: daniel, in: $0).first) }
        #expect(try f.write { try f.ledger.payInvoice(id: invoice.id, clientID: daniel, in: $0) }.paid)
        #expect(try f.write { try f.ledger.pendingEvents(trialNoticeDays: 0, in: $0) }.isEmpty)
    }

    @Test func trialsEndingWithinTheNoticeDaysAreEventsWithAStableID() throws {
        let f = try LedgerFixture()
        let trials = try f.write { scope in
            try scope.store.clients(businessID: 1).flatMap { try f.ledger.subscriptions(clientID: $0.id, in: scope) }
                .filter { $0.status == .trialing }
        }
        #expect(trials.count == 2)
        let soonest = try #require(trials.compactMap(\.currentPeriodEnd).min())
        let days = Int(soonest.timeIntervalSince(f.bot.clock.now()) / 86_400) + 1
        let events = try f.write { try f.ledger.pendingEvents(trialNoticeDays: days, in: $0) }
        #expect(events.count == trials.filter { $0.currentPeriodEnd! <= soonest }.count)
        let event = try #require(events.first)
        #expect(event.kind == .trialEnding && event.endsAt == soonest)
        #expect(event.id.hasPrefix("trial_ending:\(event.membership?.id ?? 0):"))
        // Computed, not recorded: marking it handled changes nothing, the notice's dedupe key keeps it from repeating.
        try f.write { try f.ledger.markHandled(event, in: $0) }
        #expect(try f.write { try f.ledger.pendingEvents(trialNoticeDays: days, in: $0) }.map(\.id) == events.map(\.id))
        #expect(try f.write { try f.ledger.pendingEvents(trialNoticeDays: 0, in: $0) }.isEmpty)
    }

    @Test func renewalsAheadAreActiveMembershipsBilledInTheWindowAsTheyReadNow() throws {
        let f = try LedgerFixture()
        let now = f.bot.clock.now()
        let week = now.addingTimeInterval(7 * 86_400)
        let renewals = try f.write { try f.ledger.renewals(from: now, to: week, in: $0) }
        #expect(!renewals.isEmpty)
        for m in renewals {
            #expect(m.status == .active)
            #expect(m.nextBillingAt.map { $0 >= now && $0 < week } == true)
        }
        // Will's pause starts in 10 days: not paused yet, so still renewing if his date is inside the window; past
        // due, trialing and paused memberships never are.
        let all = try f.write { try f.ledger.renewals(from: now, to: now.addingTimeInterval(400 * 86_400), in: $0) }
        #expect(!all.contains { $0.status != .active })
        #expect(!all.contains { [4, 16, 5, 18].contains($0.clientID) })
    }

    @Test func cardsExpiringAreDefaultCardsOfLiveMembersInTheMonths() throws {
        let f = try LedgerFixture()
        let now = f.bot.clock.now()
        let month = f.calendar.dateComponents([.year, .month], from: now)
        try f.write { scope in
            // Alice's card runs out this month; Isla (no membership) gets one too and is left out.
            _ = try scope.store.replaceDefaultCard(
                clientID: 1, brand: "Visa", last4: "1111", expMonth: month.month!, expYear: month.year!,
                processorToken: "tok_demo_1", now: now)
            _ = try scope.store.replaceDefaultCard(
                clientID: 9, brand: "Visa", last4: "2222", expMonth: month.month!, expYear: month.year!,
                processorToken: "tok_demo_9", now: now)
        }
        let expiring = try f.write {
            try f.ledger.expiringCards(from: now, through: now.addingTimeInterval(20 * 86_400), in: $0)
        }
        #expect(expiring.map(\.clientID).contains(1))
        #expect(!expiring.map(\.clientID).contains(9))
        #expect(expiring.first { $0.clientID == 1 }?.card.last4 == "1111")
        // Paul's expired last month: no longer "expiring".
        #expect(!expiring.map(\.clientID).contains(16))
    }
}

import Foundation
import FrontdeskApp
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskEngine

/// Automated notices (issue 17) through the real pipeline, store, manifests and templates.
@Suite("Notices")
struct NoticeTests {
    static let alice = "+15550101001"  // client 1, Unlimited Yoga, active
    static let daniel = "+15550101004"  // client 4, past due, INV-1012 failed, a card that can be charged
    static let paul = "+15550101016"  // client 16, past due, INV-1054 failed, card expired last month

    /// The demo with the reminders on and, unless a test says otherwise, no quiet hours.
    static func bot(quiet: (Int, Int) = (0, 0)) throws -> TestBot {
        let bot = try TestBot()
        try bot.enable("reminders", true)
        try bot.set("reminders", ["quiet_start": .int(quiet.0), "quiet_end": .int(quiet.1)])
        return bot
    }

    static func send(_ bot: TestBot, _ request: NoticeRequest) throws -> NoticeOutcome {
        try bot.app.store.write { c in
            try bot.app.pipeline.notices.send(request, businessID: 1, now: bot.clock.now(), c)
        }
    }

    static func notice(_ bot: TestBot, _ id: Int) throws -> Notice? {
        try bot.app.store.read { try $0.notice(id: id, now: bot.clock.now()) }
    }

    static func invoice(_ bot: TestBot, _ id: Int, client: Int) throws -> Invoice? {
        try bot.app.store.read { try $0.invoice(id: id, clientID: client) }
    }

    static func failedInvoice(_ bot: TestBot, client: Int) throws -> Invoice {
        try #require(
            try bot.app.store.read { try $0.invoices(clientID: client, limit: 10) }.first { $0.status == .failed })
    }

    /// Charges the invoice through the billing provider, as a renewal run or `frontdesk billing charge` would.
    static func charge(_ bot: TestBot, invoice: Int, client: Int) throws -> InvoicePayment {
        try bot.app.store.write { c in
            try bot.app.pipeline.billing.payInvoice(
                id: invoice, clientID: client,
                in: BillingScope(
                    store: c, businessID: 1, zone: TimeZone(identifier: "America/New_York")!, now: bot.clock.now()))
        }
    }

    // MARK: Billing events

    @Test func aFailedPaymentInTheLedgerBecomesOneSMSNoticeWithALink() throws {
        let bot = try Self.bot()
        let invoice = try Self.failedInvoice(bot, client: 16)
        #expect(try Self.charge(bot, invoice: invoice.id, client: 16).decline == .expiredCard)
        let run = try bot.app.pipeline.notices.run(now: bot.clock.now(), businessID: 1)
        let notices = try bot.app.store.read {
            try $0.notices(NoticeQuery(businessID: 1, kind: .paymentFailed), now: bot.clock.now())
        }
        #expect(notices.count == 1)
        let notice = try #require(notices.first)
        #expect(notice.clientID == 16 && notice.channel == .sms && notice.recipient == Self.paul)
        #expect(notice.status == .queued && notice.source == "billing" && notice.resource == "invoice:\(invoice.id)")
        #expect(run.first?.queued ?? 0 >= 1)
        let item = try #require(try bot.outbox().first { $0.id == notice.outboxID })
        #expect(item.kind == "notice" && item.channel == .sms && item.status == .pending)
        #expect(item.body.contains("failed. Reply RETRY, or update your card: https://desk.example.test/l/"))
        #expect(item.body.contains("$39.00 (\(invoice.number))"))
        // The link in it is a card-update link for Paul.
        let links = try bot.app.store.read { try $0.links(clientID: 16) }
        #expect(links.contains { $0.action == "payment_method.update" })

        // Handled once: another run, or another decline of the same invoice, sends nothing new.
        _ = try Self.charge(bot, invoice: invoice.id, client: 16)
        let again = try bot.app.pipeline.notices.run(now: bot.clock.now(), businessID: 1)
        #expect(again.first?.queued == 0 && (again.first?.duplicates ?? 0) >= 1)
        #expect(
            try bot.app.store.read {
                try $0.notices(NoticeQuery(businessID: 1, kind: .paymentFailed), now: bot.clock.now())
            }.count == 1)
    }

    @Test func aBusinessWithoutTheRemindersGetsNoNoticesAndItsEventsWait() throws {
        let bot = try TestBot()
        let invoice = try Self.failedInvoice(bot, client: 16)
        _ = try Self.charge(bot, invoice: invoice.id, client: 16)
        #expect(try bot.app.pipeline.notices.run(now: bot.clock.now()).isEmpty)
        #expect(try bot.outbox().filter { $0.kind == "notice" }.isEmpty)
        #expect(throws: NoticeError.self) {
            try Self.send(
                bot, NoticeRequest(kind: .custom, clientID: 1, values: ["text": "hi"], source: "api", actor: "t"))
        }
    }

    // MARK: Replies in the notice's context

    @Test func retryAfterAPaymentFailedNoticePaysThatInvoiceAndAnswersWithTheResult() throws {
        let bot = try Self.bot()
        let invoice = try Self.failedInvoice(bot, client: 4)
        let sent = try Self.send(
            bot, NoticeRequest(kind: .paymentFailed, clientID: 4, channel: .sms, source: "api", actor: "test"))
        #expect(sent.notice.status == .queued)
        let reply = try bot.say("RETRY", from: Self.daniel)
        #expect(reply.intent == "notice.reply")
        #expect(reply.reply?.contains("your payment of $39.00 for invoice \(invoice.number) went through") == true)
        #expect(try Self.invoice(bot, invoice.id, client: 4)?.status == .paid)
        #expect(try bot.membership(clientID: 4)?.status == .active)
        #expect(try bot.audit("invoice.paid").count == 1)
        // Settled: the context is spent, so a later yes is just a yes.
        let yes = try bot.say("yes", from: Self.daniel)
        #expect(yes.intent != "notice.reply")
    }

    @Test(arguments: ["yes", "YES", "retry", "try again"])
    func aReplyWithoutALiveContextIsNoRetry(_ text: String) throws {
        let bot = try Self.bot()
        let invoice = try Self.failedInvoice(bot, client: 4)
        let out = try bot.say(text, from: Self.daniel)
        #expect(out.intent != "notice.reply")
        #expect(try Self.invoice(bot, invoice.id, client: 4)?.status == .failed)
    }

    @Test func theContextExpires() throws {
        let bot = try Self.bot()
        try bot.set("reminders", ["context_hours": .int(1)])
        let invoice = try Self.failedInvoice(bot, client: 4)
        _ = try Self.send(bot, NoticeRequest(kind: .paymentFailed, clientID: 4, source: "api", actor: "test"))
        bot.clock.advance(minutes: 61)
        let out = try bot.say("retry", from: Self.daniel)
        #expect(out.intent != "notice.reply")
        #expect(try Self.invoice(bot, invoice.id, client: 4)?.status == .failed)
    }

    @Test func aRetryWithAnExpiredCardIsDeclinedWithACardLinkAndTheContextStays() throws {
        let bot = try Self.bot()
        let invoice = try Self.failedInvoice(bot, client: 16)
        _ = try Self.send(bot, NoticeRequest(kind: .paymentFailed, clientID: 16, source: "api", actor: "test"))
        let declined = try bot.say("Retry", from: Self.paul)
        #expect(declined.intent == "notice.reply")
        #expect(declined.reply?.contains("was declined: your card Visa") == true)
        #expect(declined.reply?.contains("has expired, so it was not charged") == true)
        #expect(declined.links.first?.action == "payment_method.update")
        #expect(try Self.invoice(bot, invoice.id, client: 16)?.status == .failed)
        let card = try bot.say("new card", from: Self.paul)
        #expect(card.intent == "notice.reply")
        #expect(card.reply?.contains("then reply RETRY to pay $39.00") == true)
        #expect(card.links.first?.action == "payment_method.update")
    }

    @Test func aSpanishClientRetriesInSpanish() throws {
        let bot = try Self.bot()
        try bot.app.store.write { try $0.setClientLanguage(clientID: 4, language: "es") }
        _ = try Self.send(bot, NoticeRequest(kind: .paymentFailed, clientID: 4, source: "api", actor: "test"))
        let body = try #require(try bot.outbox().last { $0.kind == "notice" }?.body)
        #expect(body.contains("Responde RETRY"))
        let out = try bot.say("reintentar", from: Self.daniel)
        #expect(out.intent == "notice.reply")
        #expect(out.reply?.contains("recibimos tu pago de ") == true)
    }

    @Test func afterARenewalReminderABareCancelStaysAnOptOut() throws {
        let bot = try Self.bot()
        let sent = try Self.send(
            bot, NoticeRequest(kind: .renewalReminder, clientID: 1, channel: .sms, source: "api", actor: "test"))
        let body = try #require(try bot.outbox().first { $0.id == sent.notice.outboxID }?.body)
        #expect(body.contains("To cancel the membership reply \"cancel membership\". STOP ends texts."))
        let out = try bot.say("CANCEL", from: Self.alice)
        #expect(out.intent == "optout")
        #expect(try bot.membership(clientID: 1)?.status == .active)
        // Opted out now: the next notice by SMS is suppressed.
        let next = try Self.send(
            bot,
            NoticeRequest(kind: .custom, clientID: 1, values: ["text": "Closed Monday."], source: "api", actor: "t"))
        #expect(next.notice.status == .suppressed && next.notice.reason == "opted_out")
    }

    // MARK: Sent like a careful business would

    @Test func duringQuietHoursANoticeIsScheduledForTheMorning() throws {
        let bot = try Self.bot(quiet: (21, 8))
        bot.clock.advance(minutes: 13 * 60)  // 23:00 in New York
        let sent = try Self.send(
            bot, NoticeRequest(kind: .custom, clientID: 1, values: ["text": "Pool closed."], source: "api", actor: "t"))
        let morning = bot.clock.now().addingTimeInterval(9 * 3600)  // 08:00 in New York
        #expect(sent.notice.status == .scheduled)
        #expect(sent.notice.sendAt == morning)
        let item = try #require(try bot.outbox().first { $0.id == sent.notice.outboxID })
        #expect(item.nextAttemptAt == morning && item.status == .pending)
        #expect(try bot.app.store.write { try $0.dueOutbox(now: bot.clock.now(), limit: 50) }.isEmpty)
        bot.clock.advance(minutes: 9 * 60)
        #expect(try Self.notice(bot, sent.notice.id)?.status == .queued)
        #expect(try bot.app.store.write { try $0.dueOutbox(now: bot.clock.now(), limit: 50) }.map(\.id) == [item.id])
        let listed = bot.cli(["notices", "list", "--business", "demo", "--status", "queued"])
        #expect(listed.code == 0 && listed.out.contains("custom  sms +15550101001  queued"))
    }

    @Test(arguments: [
        // (quiet start, end, local hour now, hours until it may be sent)
        (21, 8, 23, 9), (21, 8, 3, 5), (21, 8, 8, 0), (21, 8, 20, 0), (22, 6, 22, 8), (1, 5, 2, 3), (1, 5, 5, 0),
        (9, 9, 3, 0),
    ])
    func quietHoursSpanMidnightAndEndOnTheHour(_ start: Int, _ end: Int, _ hour: Int, _ wait: Int) throws {
        let zone = TimeZone(identifier: "America/New_York")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = try #require(
            calendar.date(from: DateComponents(year: 2026, month: 6, day: 10, hour: hour, minute: 0)))
        let at = Notices.sendTime(now, zone: zone, quietStart: start, quietEnd: end)
        #expect(at == now.addingTimeInterval(Double(wait) * 3600))
    }

    @Test func anOptedOutClientGetsNothingEvenWithAuto() throws {
        let bot = try Self.bot()
        _ = try bot.say("STOP", from: Self.alice)
        let before = try bot.outbox().count
        let sent = try Self.send(
            bot, NoticeRequest(kind: .custom, clientID: 1, values: ["text": "Hello"], source: "api", actor: "t"))
        #expect(sent.notice.status == .suppressed && sent.notice.reason == "opted_out" && sent.notice.outboxID == nil)
        #expect(try bot.outbox().count == before)
        #expect(try bot.audit("notice.suppressed").count == 1)
        let listed = bot.cli(["notices", "list", "--business", "demo", "--status", "suppressed"])
        #expect(listed.out.contains("suppressed (opted_out)"))
    }

    @Test func aClientWithoutSMSConsentGetsNoTextButAnEmailWhenAuto() throws {
        let bot = try Self.bot()
        let phoneOnly = try bot.app.store.write { c in
            try c.insertClient(
                NewClient(
                    businessID: 1, firstName: "Nina", lastName: "Park", phones: ["+15550109001"], smsConsent: false),
                now: bot.clock.now())
        }
        let both = try bot.app.store.write { c in
            try c.insertClient(
                NewClient(
                    businessID: 1, firstName: "Omar", lastName: "Reed", phones: ["+15550109002"],
                    emails: ["omar@example.com"], smsConsent: false), now: bot.clock.now())
        }
        let text = NoticeRequest(kind: .custom, clientID: phoneOnly, values: ["text": "Hi"], source: "api", actor: "t")
        let none = try Self.send(bot, text)
        #expect(none.notice.status == .suppressed && none.notice.reason == "no_sms_consent")
        var sms = NoticeRequest(
            kind: .custom, clientID: both, channel: .sms, values: ["text": "Hi"], source: "api", actor: "t")
        #expect(try Self.send(bot, sms).notice.reason == "no_sms_consent")
        sms.channel = .auto
        sms.values["period"] = "second"
        let mail = try Self.send(bot, sms)
        #expect(
            mail.notice.status == .queued && mail.notice.channel == .email
                && mail.notice.recipient == "omar@example.com")
        // Consent given: texts go.
        try bot.app.store.write { try $0.setSMSConsent(clientID: phoneOnly, consent: true) }
        var again = text
        again.values["period"] = "after consent"
        #expect(try Self.send(bot, again).notice.channel == .sms)
    }

    @Test func oneNoticeOfAKindPerClientAndPeriod() throws {
        let bot = try Self.bot()
        let request = NoticeRequest(kind: .custom, clientID: 1, values: ["text": "Hello"], source: "api", actor: "t")
        guard case .created(let first) = try Self.send(bot, request) else {
            Issue.record("first notice not created")
            return
        }
        guard case .duplicate(let same) = try Self.send(bot, request) else {
            Issue.record("second notice not refused")
            return
        }
        #expect(same.id == first.id)
        var other = request
        other.values["period"] = "week-2"
        #expect(try Self.send(bot, other).notice.id != first.id)
        #expect(try bot.outbox().filter { $0.kind == "notice" }.count == 2)
    }

    @Test func aKindTurnedOffAndAContactNotOnFileAreRefused() throws {
        let bot = try Self.bot()
        try bot.set("reminders", ["custom": .bool(false)])
        #expect(throws: NoticeError(.kindOff, "notices of kind custom are turned off for this business")) {
            try Self.send(
                bot, NoticeRequest(kind: .custom, clientID: 1, values: ["text": "x"], source: "api", actor: "t"))
        }
        #expect(throws: NoticeError(.contactNotOnFile, "no client of this business has that contact on file")) {
            try Self.send(bot, NoticeRequest(kind: .renewalReminder, to: "+15559999999", source: "api", actor: "t"))
        }
        #expect(throws: NoticeError.self) {
            try Self.send(bot, NoticeRequest(kind: .paymentFailed, clientID: 1, source: "api", actor: "t"))
        }
    }

    @Test func anEmailNoticeCarriesOneMessageIDAndASubject() throws {
        let bot = try Self.bot()
        let sent = try Self.send(
            bot, NoticeRequest(kind: .renewalReminder, to: "alice@example.com", source: "api", actor: "t"))
        let item = try #require(try bot.outbox().first { $0.id == sent.notice.outboxID })
        #expect(item.channel == .email && item.recipient == "alice@example.com")
        let subject = try #require(item.subject)
        #expect(subject.hasPrefix("Your Maple Street Studio membership renews on "))
        #expect(
            item.body.contains("renews on \(subject.dropFirst("Your Maple Street Studio membership renews on ".count))")
        )
        let id = try #require(item.headers["Message-ID"])
        #expect(id.hasPrefix("<notice-") && id.hasSuffix("@maple-studio.example>"))
        #expect(sent.notice.messageID == id)
        #expect(item.headers["List-Unsubscribe"] == "<mailto:desk@maple-studio.example?subject=unsubscribe>")
        // An unsubscribe stops the next automated email.
        _ = try bot.say("unsubscribe", from: "alice@example.com", subject: "unsubscribe")
        var next = NoticeRequest(kind: .custom, to: "alice@example.com", values: ["text": "x"], source: "api", actor: "t")
        next.channel = .email
        #expect(try Self.send(bot, next).notice.reason == "unsubscribed")
    }

    // MARK: The scheduler

    @Test func theSchedulerRemindsOfRenewalsCardsAndTrialsOncePerPeriod() throws {
        let bot = try Self.bot()
        try bot.set("reminders", ["trial_days": .int(30), "renewal_days": .int(10)])
        let now = bot.clock.now()
        // A card that expires at the end of this month, for Umar (client 20).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        let month = calendar.dateComponents([.year, .month], from: now)
        try bot.app.store.write { c in
            _ = try c.replaceDefaultCard(
                clientID: 20, brand: "Visa", last4: "1234", expMonth: month.month!, expYear: month.year!,
                processorToken: "tok_demo_20", now: now)
        }
        let first = try #require(try bot.app.pipeline.notices.run(now: now, businessID: 1).first)
        let all = try bot.app.store.read { try $0.notices(NoticeQuery(businessID: 1), now: now) }
        let horizon = now.addingTimeInterval(10 * 86_400)
        var renewing = Set<Int>()
        try bot.app.store.read { c in
            for client in try c.clients(businessID: 1) {
                for m in try c.memberships(clientID: client.id) where m.status == .active {
                    if let next = m.nextBillingAt, next >= now, next < horizon { renewing.insert(m.clientID) }
                }
            }
        }
        #expect(!renewing.isEmpty)
        let reminded = Set(all.filter { $0.kind == .renewalReminder }.map { $0.clientID })
        #expect(reminded == renewing)
        #expect(all.contains { $0.kind == .cardExpiring && $0.clientID == 20 })
        #expect(Set(all.filter { $0.kind == .trialEnding }.map { $0.clientID }) == [3, 14])
        #expect(first.queued == all.count)
        // The next run sends none of them again.
        let second = try #require(
            try bot.app.pipeline.notices.run(now: now.addingTimeInterval(60), businessID: 1).first)
        #expect(second.queued == 0 && second.duplicates == all.count)
        // A kind turned off is not sent.
        try bot.set("reminders", ["renewal_reminder": .bool(false)])
        let bot2 = try Self.bot()
        try bot2.set("reminders", ["renewal_reminder": .bool(false)])
        let none = try bot2.app.pipeline.notices.run(now: bot2.clock.now(), businessID: 1)
        #expect(
            try bot2.app.store.read { try $0.notices(NoticeQuery(kind: .renewalReminder), now: bot2.clock.now()) }
                .isEmpty)
        #expect(none.first != nil)
    }
}

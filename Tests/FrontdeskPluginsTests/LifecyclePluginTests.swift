import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskPlugins

/// A plugin called directly (`handle`, `resume`, `remind`) with a context over the real store, manifests and
/// templates of the demo business, inside one transaction.
struct PluginHarness {
    let bot: TestBot

    init() throws { bot = try TestBot() }

    func run<T>(_ pluginID: String, as phone: String, _ body: (PluginContext) throws -> T) throws -> T {
        let catalog = bot.app.catalog
        return try bot.app.store.write { c in
            let business = try #require(try c.business(slug: "demo"))
            let manifest = try #require(catalog.manifest(pluginID))
            let stored = try c.pluginSettings(businessID: business.id, plugin: pluginID).values
            let context = PluginContext(
                store: c, business: business,
                client: try c.client(businessID: business.id, address: phone, channel: .sms), channel: .sms,
                address: phone, now: bot.clock.now(), settings: PluginSettings(manifest: manifest, values: stored),
                links: LinkIssuer(baseURL: "https://desk.example.test"), enabledManifests: catalog.manifests,
                render: { id, values in try catalog.templates.render(id, channel: .sms, locale: "en", values) },
                lexicon: catalog.lexicon, billing: LedgerBilling())
            return try body(context)
        }
    }

    func membership(_ phone: String) throws -> Membership {
        try bot.app.store.read { c in
            let client = try #require(try c.client(businessID: 1, address: phone, channel: .sms))
            let stored = try #require(try c.memberships(clientID: client.id).first)
            return LedgerBilling.effective(stored, at: bot.clock.now())
        }
    }

    func request(_ intent: String, _ text: String) -> PluginRequest { PluginRequest(intent: intent, text: text) }
}

@Suite("Lifecycle plugin: pause, resume, reactivate")
struct LifecyclePluginTests {
    let plugin = LifecyclePlugin()
    let alice = "+15550101001"  // Unlimited Yoga $149, active, next billing Nov 24
    let felix = "+15550101006"  // Unlimited Yoga, ending Dec 9
    let grace = "+15550101007"  // Class Pack 10, cancelled
    let sam = "+15550101018"  // Unlimited Yoga, paused until Dec 12 (skip), billing day the 18th
    let will = "+15550101022"  // Class Pack 10, a pause planned from Dec 2

    func allowPausing(_ h: PluginHarness, _ extra: [String: SettingValue] = [:]) throws {
        try h.bot.set("lifecycle", ["pause_allowed": .bool(true)].merging(extra) { $1 })
    }

    @Test func aPauseIsConfirmedWithItsDatesAndBillingThenYesPausesIt() throws {
        let h = try PluginHarness()
        try allowPausing(h, ["pause_fee_note": .string("A $10 monthly hold fee applies.")])
        let asked = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause until Jan 15 please"), in: $0)
        }
        #expect(asked.template == "lifecycle/pause_confirm")
        #expect(asked.values["from"] == "Nov 22, 2026")
        #expect(asked.values["until"] == "Jan 15, 2027")
        #expect(asked.values["days"] == "54")
        #expect(asked.values["billing"]?.contains("your next charge, $149.00, is on Jan 15, 2027") == true)
        #expect(asked.values["fee"] == " A $10 monthly hold fee applies.")
        let pending = try #require(asked.pending)
        #expect(pending.action == "lifecycle:confirm")
        #expect(try h.membership(alice).status == .active, "nothing changes before YES")

        let remind = try h.run("lifecycle", as: alice) { try plugin.remind(pending, in: $0) }
        #expect(remind?.template == "lifecycle/remind_pause")

        let done = try h.run("lifecycle", as: alice) { try plugin.resume(pending, answer: .yes(detail: ""), in: $0) }
        #expect(done.template == "lifecycle/pause_done")
        #expect(done.auditAction == "membership.pause")
        #expect(done.values["next"] == "Jan 15, 2027")
        let paused = try h.membership(alice)
        #expect(paused.status == .paused)
        #expect(paused.pause?.billing == .shift)
    }

    @Test func noKeepsTheMembershipAsItIs() throws {
        let h = try PluginHarness()
        try allowPausing(h)
        let asked = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "freeze for a month"), in: $0)
        }
        #expect(asked.values["until"] == "Dec 22, 2026")
        let no = try h.run("lifecycle", as: alice) {
            try plugin.resume(try #require(asked.pending), answer: .no, in: $0)
        }
        #expect(no.template == "lifecycle/kept")
        #expect(no.auditAction == nil)
        #expect(try h.membership(alice).status == .active)
    }

    @Test func skipBillingNamesTheChargesItSkips() throws {
        let h = try PluginHarness()
        try allowPausing(h, ["pause_billing": .string("skip")])
        let asked = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause until Jan 15"), in: $0)
        }
        #expect(
            asked.values["billing"]
                == "Billing: your billing dates stay the same and the charges on Nov 24, 2026 and Dec 24, 2026 are "
                + "skipped; your next charge, $149.00, is on Jan 24, 2027.")
    }

    @Test func thePolicyLimitsArePutInWords() throws {
        let h = try PluginHarness()
        try allowPausing(h, ["pause_min_days": .int(14), "pause_max_days": .int(60)])
        let short = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause for 5 days"), in: $0)
        }
        #expect(short.template == "lifecycle/pause_too_short")
        #expect(short.pending == nil)
        let long = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause for 3 months"), in: $0)
        }
        #expect(long.template == "lifecycle/pause_too_long")
        let unreadable = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause until February 30"), in: $0)
        }
        #expect(unreadable.template == "lifecycle/pause_dates")

        // One pause a year: the second is refused.
        try h.bot.set("lifecycle", ["pauses_per_year": .int(1)])
        let first = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause for 3 weeks"), in: $0)
        }
        _ = try h.run("lifecycle", as: alice) {
            try plugin.resume(try #require(first.pending), answer: .yes(detail: ""), in: $0)
        }
        let payload = try resumePayload(h)
        _ = try h.run("lifecycle", as: alice) {
            try plugin.resume(
                PendingAction(action: "lifecycle:confirm", payload: payload, expiresAt: .distantFuture),
                answer: .yes(detail: ""), in: $0)
        }
        #expect(try h.membership(alice).status == .active)
        let again = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "pause for 3 weeks"), in: $0)
        }
        #expect(again.template == "lifecycle/pause_limit")
        #expect(again.values["count"] == "1")
    }

    /// The pending payload a resume question leaves.
    func resumePayload(_ h: PluginHarness) throws -> String {
        let asked = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.resume", "resume my membership"), in: $0)
        }
        return try #require(asked.pending).payload
    }

    @Test func withPausingOffStaffAreAsked() throws {
        let h = try PluginHarness()
        let out = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.pause", "can I freeze my membership for a month?"), in: $0)
        }
        #expect(out.template == "requests/client")
        #expect(out.auditAction == "request.membership.pause")
        #expect(out.staffNotices.first?.values["kind"] == "membership pause")
        #expect(out.pending == nil)
    }

    @Test func resumeNamesTheNextChargeAndYesResumes() throws {
        let h = try PluginHarness()
        let asked = try h.run("lifecycle", as: sam) {
            try plugin.handle(h.request("membership.resume", "I'm back, please unpause me"), in: $0)
        }
        #expect(asked.template == "lifecycle/resume_confirm")
        #expect(asked.values["until"] == "Dec 12, 2026")
        #expect(asked.values["next"] == "Dec 18, 2026")  // skip: the cycle's next date (Nov 18 fell in the pause)
        let done = try h.run("lifecycle", as: sam) {
            try plugin.resume(try #require(asked.pending), answer: .yes(detail: ""), in: $0)
        }
        #expect(done.template == "lifecycle/resume_done")
        #expect(done.auditAction == "membership.resume")
        #expect(try h.membership(sam).status == .active)

        // A pause not begun yet is called off instead.
        let planned = try h.run("lifecycle", as: will) {
            try plugin.handle(h.request("membership.resume", "resume my membership"), in: $0)
        }
        #expect(planned.template == "lifecycle/unschedule_confirm")
        // An active membership has nothing to resume.
        let active = try h.run("lifecycle", as: alice) {
            try plugin.handle(h.request("membership.resume", "resume my membership"), in: $0)
        }
        #expect(active.template == "lifecycle/resume_not_paused")
        #expect(active.pending == nil)
    }

    @Test func reactivateUndoesACancellationAfterYes() throws {
        let h = try PluginHarness()
        let asked = try h.run("lifecycle", as: felix) {
            try plugin.handle(h.request("membership.reactivate", "undo my cancellation"), in: $0)
        }
        #expect(asked.template == "lifecycle/reactivate_confirm")
        #expect(asked.values["date"] == "Dec 9, 2026")
        let done = try h.run("lifecycle", as: felix) {
            try plugin.resume(try #require(asked.pending), answer: .yes(detail: ""), in: $0)
        }
        #expect(done.template == "lifecycle/reactivate_done")
        #expect(done.auditAction == "membership.reactivate")
        let kept = try h.membership(felix)
        #expect(kept.status == .active)
        #expect(kept.nextBillingAt == kept.currentPeriodEnd)
    }

    @Test func aCancelledClientRejoinsPerPolicy() throws {
        let h = try PluginHarness()
        let staff = try h.run("lifecycle", as: grace) {
            try plugin.handle(h.request("membership.reactivate", "I'd like to rejoin"), in: $0)
        }
        #expect(staff.template == "requests/client")
        #expect(staff.links.isEmpty)
        try h.bot.set("lifecycle", ["rejoin": .string("link")])
        let link = try h.run("lifecycle", as: grace) {
            try plugin.handle(h.request("membership.reactivate", "I'd like to rejoin"), in: $0)
        }
        #expect(link.template == "lifecycle/rejoin_link")
        #expect(link.links.map(\.action) == ["membership.rejoin"])
        #expect(link.values["plan"] == "Class Pack 10")
    }
}

@Suite("Plan plugin: change plan")
struct PlanPluginTests {
    let plugin = PlanPlugin()
    let umar = "+15550101020"  // Gym Basic $39, active
    let mia = "+15550101013"  // Massage Club $89, active
    let paul = "+15550101016"  // Gym Basic, past due

    @Test func theSwitchablePlansAreListedThenANumberThenYes() throws {
        let h = try PluginHarness()
        let listed = try h.run("plan", as: umar) {
            try plugin.handle(h.request("plan.change", "can I change my plan?"), in: $0)
        }
        #expect(listed.template == "plan/options")
        let options = try #require(listed.values["options"]).split(separator: "\n")
        #expect(options.count == 3)  // Class Pack 10, Massage Club, Unlimited Yoga
        #expect(options[2].hasPrefix("3) Unlimited Yoga, $149.00/month (+$110.00/month): starts now, $"))
        let pending = try #require(listed.pending)
        #expect(pending.action == "plan:choice")

        let confirm = try h.run("plan", as: umar) { try plugin.resume(pending, answer: .text("3"), in: $0) }
        #expect(confirm.template == "plan/confirm")
        #expect(confirm.values["effect"]?.contains("charged today to your Visa ending 4321 (expires ") == true)
        let yes = try #require(confirm.pending)
        #expect(yes.action == "plan:confirm")
        #expect(try h.membership(umar).planName == "Gym Basic", "nothing changes before YES")

        let done = try h.run("plan", as: umar) { try plugin.resume(yes, answer: .yes(detail: ""), in: $0) }
        #expect(done.template == "plan/charged")
        #expect(done.auditAction == "plan.change")
        #expect(done.auditBefore == "Gym Basic")
        #expect(done.auditAfter == "Unlimited Yoga")
        #expect(try h.membership(umar).planName == "Unlimited Yoga")
    }

    @Test func aNamedCheaperPlanIsScheduledForThePeriodEnd() throws {
        let h = try PluginHarness()
        let confirm = try h.run("plan", as: mia) {
            try plugin.handle(h.request("plan.change", "I'd like to downgrade to gym basic"), in: $0)
        }
        #expect(confirm.template == "plan/confirm")
        #expect(confirm.values["difference"] == "-$50.00/month")
        #expect(confirm.values["effect"] == "It starts on Dec 3, 2026, when this period ends; nothing is charged now.")
        let done = try h.run("plan", as: mia) {
            try plugin.resume(try #require(confirm.pending), answer: .yes(detail: ""), in: $0)
        }
        #expect(done.template == "plan/done_scheduled")
        let m = try h.membership(mia)
        #expect(m.planName == "Massage Club")
        #expect(m.scheduledChange?.planName == "Gym Basic")
    }

    @Test func withoutSwitchablePlansStaffAreAskedAndAPastDueMembershipWaits() throws {
        let h = try PluginHarness()
        let pastDue = try h.run("plan", as: paul) {
            try plugin.handle(h.request("plan.change", "switch me to unlimited yoga"), in: $0)
        }
        #expect(pastDue.template == "plan/unavailable")
        try h.bot.set("plan", ["switchable": .string("")])
        let staff = try h.run("plan", as: umar) {
            try plugin.handle(h.request("plan.change", "switch me to unlimited yoga"), in: $0)
        }
        #expect(staff.template == "requests/client")
        #expect(staff.auditAction == "request.plan.change")
    }

    @Test func aPlanIsPickedByItsDistinctiveWords() {
        let plans = ["Unlimited Yoga", "Class Pack 10", "Massage Club", "Gym Basic"].enumerated().map {
            Plan(
                id: $0.offset, businessID: 1, name: $0.element, priceMinor: 100, currency: "USD", interval: "month",
                services: [])
        }
        #expect(PlanPlugin.named(in: "upgrade me to the unlimited plan", plans)?.name == "Unlimited Yoga")
        #expect(PlanPlugin.named(in: "switch to class pack 10", plans)?.name == "Class Pack 10")
        #expect(PlanPlugin.named(in: "I want the massage one", plans)?.name == "Massage Club")
        #expect(PlanPlugin.named(in: "change my plan", plans) == nil)
        #expect(PlanPlugin.named(in: "a basic plan or a club plan", plans) == nil)
    }
}

@Suite("Pause dates as written")
struct PauseDatesTests {
    let lexicon: Lexicon
    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "America/New_York") ?? .current
        return c
    }
    /// 2026-11-22 15:00 UTC, as the test clock.
    let now = Date(timeIntervalSince1970: 1_795_359_600)

    init() throws { lexicon = try Catalog.load(root: TestBot.root).lexicon }

    func day(_ y: Int, _ m: Int, _ d: Int) -> Date {
        calendar.date(from: DateComponents(year: y, month: m, day: d)) ?? Date()
    }

    func resolve(_ text: String) -> (starts: Date, resumes: Date)? {
        PauseDates.parse(text, lexicon: lexicon).resolve(now: now, calendar: calendar, defaultDays: 30)
    }

    @Test(arguments: [
        ("pause until Jan 15", 2027, 1, 15), ("freeze my membership until January 15th", 2027, 1, 15),
        ("pause till the 15th of January", 2027, 1, 15), ("until 1/15", 2027, 1, 15), ("until 15/1", 2027, 1, 15),
        ("hold it until 2027-01-15", 2027, 1, 15), ("freeze for a month", 2026, 12, 22),
        ("can I pause for 2 weeks?", 2026, 12, 6), ("pause for three weeks", 2026, 12, 13),
        ("pause my membership", 2026, 12, 22), ("put it on hold until nov 20", 2027, 11, 20),
        ("I may need a pause for 10 days", 2026, 12, 2),
    ])
    func startingTodayUntil(_ text: String, _ y: Int, _ m: Int, _ d: Int) throws {
        let dates = try #require(resolve(text), "\(text)")
        #expect(dates.starts == now, "\(text)")
        #expect(dates.resumes == day(y, m, d), "\(text)")
    }

    @Test(arguments: [
        "pause from Dec 1 to Jan 15", "pause Dec 1 - Jan 15", "freeze starting December 1st until January 15",
        "pause 12/1 to 1/15",
    ])
    func aRangeStartsOnItsFirstDay(_ text: String) throws {
        let dates = try #require(resolve(text), "\(text)")
        #expect(dates.starts == day(2026, 12, 1), "\(text)")
        #expect(dates.resumes == day(2027, 1, 15), "\(text)")
    }

    @Test func aLengthCountsFromTheFirstDay() throws {
        let dates = try #require(resolve("pause for 2 weeks starting Dec 5"))
        #expect(dates.starts == day(2026, 12, 5))
        #expect(dates.resumes == day(2026, 12, 19))
        #expect(PauseDates.days(from: dates.starts, to: dates.resumes, calendar: calendar) == 14)
    }

    @Test(arguments: ["pause until February 30", "pause from Jan 15 until Jan 10, 2027"])
    func daysThatDoNotExistOrDoNotEndAfterTheStartAreNotGuessed(_ text: String) {
        #expect(resolve(text) == nil, "\(text)")
    }
}

import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// Deterministic demo data for business `demo`: the same people, plans, cards and invoices every time,
/// with dates placed relative to the day it is seeded so billing dates lie ahead. Every membership state is there:
/// active, trialing, past due (Daniel with a card that can be charged, Paul with one that expired last month),
/// paused (Emma by staff without an end date, Sam until a date), a pause planned to begin (Will), cancelling at
/// the period end (Felix, Tara: undone by "keep my membership"), cancelled (Grace, Vera); and several plans clients
/// may switch between (`plan` setting `switchable`). Alice and Ben have a postal address on file (the details page).
public enum Demo {
    public static let slug = "demo"
    public static let smsNumber = "+15550100000"
    public static let inbox = "desk@maple-studio.example"

    struct Person {
        var first: String
        var last: String
        var phone: String?
        var emails: [String]
        /// Plan names and statuses of each membership.
        var memberships: [(plan: String, status: MembershipStatus)]
        var card: (brand: String, last4: String, month: Int, year: Int)?
    }

    static let plans: [(name: String, price: Int, interval: String, services: [(String, Int)])] = [
        ("Unlimited Yoga", 14900, "month", []),
        ("Massage Club", 8900, "month", [("massages", 2), ("facials", 1)]),
        ("Class Pack 10", 12000, "month", [("classes", 10)]),
        ("Annual Wellness", 120000, "year", [("massages", 12), ("sauna sessions", 24)]),
        ("Gym Basic", 3900, "month", [("personal training sessions", 1)]),
    ]

    static let people: [Person] = [
        Person(
            first: "Alice", last: "Johnson", phone: "+15550101001", emails: ["alice@example.com"],
            memberships: [("Unlimited Yoga", .active)], card: ("Visa", "4242", 8, 2028)),
        Person(
            first: "Ben", last: "Carter", phone: "+15550101002", emails: ["ben.carter@example.com"],
            memberships: [("Massage Club", .active)], card: ("Mastercard", "5454", 3, 2027)),
        Person(
            first: "Chloe", last: "Davis", phone: "+15550101003", emails: ["chloe@example.com"],
            memberships: [("Class Pack 10", .trialing)], card: ("Visa", "1881", 11, 2029)),
        Person(
            first: "Daniel", last: "Evans", phone: "+15550101004", emails: ["daniel.evans@example.com"],
            memberships: [("Gym Basic", .pastDue)], card: ("Mastercard", "4444", 1, 2028)),
        Person(
            first: "Emma", last: "Foster", phone: "+15550101005", emails: ["emma@example.com"],
            memberships: [("Massage Club", .paused)], card: ("Amex", "0005", 6, 2028)),
        Person(
            first: "Felix", last: "Garcia", phone: "+15550101006", emails: ["felix@example.com"],
            memberships: [("Unlimited Yoga", .pendingCancel)], card: ("Visa", "1111", 2, 2030)),
        Person(
            first: "Grace", last: "Hall", phone: "+15550101007", emails: ["grace.hall@example.com"],
            memberships: [("Class Pack 10", .cancelled)], card: ("Discover", "1117", 9, 2027)),
        Person(
            first: "Henry", last: "Irwin", phone: "+15550101008", emails: ["henry@example.com"],
            memberships: [("Unlimited Yoga", .active), ("Massage Club", .active)], card: ("Visa", "0077", 4, 2029)),
        Person(
            first: "Isla", last: "Jones", phone: "+15550101009", emails: ["isla@example.com"], memberships: [],
            card: nil),
        Person(
            first: "Jack", last: "King", phone: "+15550101010", emails: ["jack.king@example.com", "jack@work.example"],
            memberships: [("Annual Wellness", .active)], card: ("Mastercard", "8210", 12, 2027)),
        Person(
            first: "Katie", last: "Lopez", phone: "+15550101011", emails: ["katie@example.com"],
            memberships: [("Gym Basic", .active)], card: ("Visa", "3056", 5, 2028)),
        Person(
            first: "Liam", last: "Moore", phone: "+15550101012", emails: ["liam@example.com"],
            memberships: [("Class Pack 10", .active)], card: ("Visa", "9424", 7, 2027)),
        Person(
            first: "Mia", last: "Nguyen", phone: "+15550101013", emails: ["mia@example.com"],
            memberships: [("Massage Club", .active)], card: ("Amex", "8431", 10, 2028)),
        Person(
            first: "Noah", last: "Owens", phone: "+15550101014", emails: ["noah@example.com"],
            memberships: [("Unlimited Yoga", .trialing)], card: nil),
        Person(
            first: "Olivia", last: "Perez", phone: "+15550101015", emails: ["olivia.perez@example.com"],
            memberships: [("Annual Wellness", .active)], card: ("Visa", "5556", 1, 2029)),
        Person(
            first: "Paul", last: "Quinn", phone: "+15550101016", emails: ["paul@example.com"],
            memberships: [("Gym Basic", .pastDue)], card: ("Visa", "0341", 2, 2026)),
        Person(
            first: "Rosa", last: "Reyes", phone: "+15550101017", emails: ["rosa@example.com"],
            memberships: [("Class Pack 10", .active)], card: ("Mastercard", "2223", 3, 2030)),
        Person(
            first: "Sam", last: "Stone", phone: "+15550101018", emails: ["sam.stone@example.com"],
            memberships: [("Unlimited Yoga", .paused)], card: ("Visa", "6789", 8, 2027)),
        Person(
            first: "Tara", last: "Usman", phone: "+15550101019", emails: ["tara@example.com"],
            memberships: [("Massage Club", .pendingCancel)], card: ("Discover", "0004", 4, 2028)),
        Person(
            first: "Umar", last: "Vance", phone: "+15550101020", emails: ["umar@example.com"],
            memberships: [("Gym Basic", .active)], card: ("Visa", "4321", 6, 2029)),
        Person(
            first: "Vera", last: "Walsh", phone: "+15550101021", emails: ["vera@example.com"],
            memberships: [("Unlimited Yoga", .cancelled)], card: ("Mastercard", "1234", 9, 2028)),
        Person(
            first: "Will", last: "Young", phone: "+15550101022", emails: ["will@example.com"],
            memberships: [("Class Pack 10", .active)], card: ("Visa", "7777", 11, 2028)),
    ]

    /// Paul's card expired the month before the demo was seeded (so the retry page has an expired card to decline).
    static let expiredCardPhone = "+15550101016"
    /// Sam's pause began 10 days before seeding and ends in 20 (billing dates kept, charges skipped).
    static let pausedUntilPhone = "+15550101018"
    /// Will's pause begins in 10 days, for 30 (the resume date becomes the next billing date).
    static let pausePlannedPhone = "+15550101022"
    /// Postal addresses on file, shown on the page where a client changes their name and address.
    static let postal = [
        "+15550101001": "12 Maple Street\nSpringfield, IL 62701",
        "+15550101002": "48 Oak Avenue, Apt 3\nSpringfield, IL 62702",
    ]
    /// The plans clients may switch between by message.
    static let switchable = "Gym Basic, Class Pack 10, Massage Club, Unlimited Yoga"

    static let staff: [(name: String, role: String, email: String, phone: String)] = [
        ("Olivia Owner", "owner", "owner@maple-studio.example", "+15550100001"),
        ("Adam Admin", "admin", "admin@maple-studio.example", "+15550100002"),
        ("Sara Staff", "staff", "sara@maple-studio.example", "+15550100003"),
    ]

    /// Seeds the demo business unless it already exists; returns whether it was created.
    @discardableResult
    public static func seed(_ store: any Store, now: Date) throws -> Bool {
        try store.write { c in
            if try c.business(slug: slug) != nil { return false }
            let b = try c.insertBusiness(
                NewBusiness(
                    slug: slug, name: "Maple Street Studio", timeZone: "America/New_York",
                    logoURL: "https://maple-studio.example/logo.png", contactPhone: "+1 555 010 0000",
                    contactEmail: "hello@maple-studio.example", website: "https://maple-studio.example"),
                now: now)
            try c.addBusinessAddress(businessID: b, channel: .sms, address: smsNumber)
            try c.addBusinessAddress(businessID: b, channel: .email, address: inbox)
            for s in staff {
                _ = try c.insertStaff(
                    NewStaff(
                        businessID: b, name: s.name, role: Staff.Role(rawValue: s.role) ?? .staff, email: s.email,
                        phone: s.phone))
            }
            var planIDs: [String: Int] = [:]
            for p in plans {
                planIDs[p.name] = try c.insertPlan(
                    NewPlan(
                        businessID: b, name: p.name, priceMinor: p.price, currency: "USD", interval: p.interval,
                        services: p.services.map { IncludedService($0.0, $0.1) }))
            }
            let day: TimeInterval = 86_400
            // 14:00 UTC is morning in New York, so the date reads the same in the business's zone.
            let today = (now.timeIntervalSince1970 / day).rounded(.down) * day + 14 * 3600
            var invoiceNumber = 1001
            for (index, p) in people.enumerated() {
                let client = try c.insertClient(
                    NewClient(
                        businessID: b, firstName: p.first, lastName: p.last, phones: p.phone.map { [$0] } ?? [],
                        emails: p.emails, smsConsent: true),
                    now: now)
                if let phone = p.phone, let address = postal[phone] {
                    try c.updateClientDetails(
                        clientID: client, firstName: p.first, lastName: p.last, postalAddress: address)
                }
                var cardID: Int?
                if var card = p.card {
                    if p.phone == expiredCardPhone { (card.month, card.year) = lastMonth(now) }
                    cardID = try c.replaceDefaultCard(
                        clientID: client, brand: card.brand, last4: card.last4, expMonth: card.month,
                        expYear: card.year,
                        processorToken: "tok_demo_\(client)", now: now)
                }
                for (mIndex, m) in p.memberships.enumerated() {
                    guard let planID = planIDs[m.plan], let plan = plans.first(where: { $0.name == m.plan }) else {
                        continue
                    }
                    let offset = Double((index * 3 + mIndex * 5) % 27 + 2)
                    let periodEnd = Date(timeIntervalSince1970: today + offset * day)
                    let started = Date(timeIntervalSince1970: today - Double(90 + index) * day)
                    let next: Date? = [.active, .trialing, .pastDue].contains(m.status) ? periodEnd : nil
                    let cancelAt: Date? =
                        m.status == .pendingCancel
                        ? periodEnd : (m.status == .cancelled ? Date(timeIntervalSince1970: today - 20 * day) : nil)
                    let remaining = plan.services.map { service, quantity in
                        IncludedService(service, max(0, quantity - (index + mIndex) % (quantity + 1)))
                    }
                    let membership = try c.insertMembership(
                        NewMembership(
                            businessID: b, clientID: client, planID: planID, status: m.status, startedAt: started,
                            currentPeriodEnd: periodEnd, nextBillingAt: next, paymentMethodID: cardID,
                            cancelAt: cancelAt, cancelledAt: m.status == .cancelled ? cancelAt : nil,
                            remaining: remaining))
                    try pauses(p, membership: membership, client: client, today: today, now: now, c)
                    guard m.status != .trialing else { continue }
                    // Three or more invoices per paying membership, oldest first; past_due has a failed last one.
                    let count = plan.interval == "year" ? 3 : 4
                    for k in stride(from: count, through: 1, by: -1) {
                        let step = plan.interval == "year" ? 365.0 : 30.0
                        let issued = Date(
                            timeIntervalSince1970: periodEnd.timeIntervalSince1970 - Double(k) * step * day)
                        _ = try c.insertInvoice(
                            NewInvoice(
                                businessID: b, clientID: client, membershipID: membership,
                                number: "INV-\(invoiceNumber)", issuedAt: issued, amountMinor: plan.price,
                                currency: "USD", status: (m.status == .pastDue && k == 1) ? .failed : .paid))
                        invoiceNumber += 1
                    }
                }
            }
            try c.setPluginSettings(businessID: b, plugin: "plan", values: ["switchable": .string(switchable)])
            try c.audit(
                businessID: b, actor: "system", via: "cli", action: "demo.seed", before: nil, after: slug, now: now)
            return true
        }
    }

    /// Sam's running pause (from 10 days ago, so written as history) and Will's planned one (through the ledger,
    /// as a client's YES would).
    static func pauses(
        _ p: Person, membership: Int, client: Int, today: TimeInterval, now: Date, _ c: any UnitOfWork
    ) throws {
        let day: TimeInterval = 86_400
        let scope = BillingScope(
            store: c, businessID: try c.client(id: client)?.businessID ?? 0,
            zone: TimeZone(identifier: "America/New_York") ?? .current, now: now)
        if p.phone == pausedUntilPhone, let m = try c.membership(id: membership, clientID: client),
            let planID = m.planID
        {
            let pause = MembershipPause(
                startsAt: Date(timeIntervalSince1970: today - 10 * day),
                resumesAt: Date(timeIntervalSince1970: today + 20 * day), billing: .skip)
            let next = BillingCalendar.firstCycleDate(
                onOrAfter: pause.resumesAt, anchor: m.currentPeriodEnd ?? pause.resumesAt, interval: m.interval,
                calendar: scope.calendar)
            _ = try c.updateMembershipBilling(
                id: membership, expected: .paused,
                to: MembershipBillingState(
                    status: .paused, planID: planID, currentPeriodEnd: m.currentPeriodEnd, nextBillingAt: next,
                    cancelAt: nil, cancelledAt: nil, cancelReason: nil, pause: pause, scheduledChange: nil),
                services: nil)
            try c.recordPause(membershipID: membership, pause: pause, now: now)
        }
        if p.phone == pausePlannedPhone {
            let request = PauseRequest(
                startsAt: Date(timeIntervalSince1970: today + 10 * day),
                resumesAt: Date(timeIntervalSince1970: today + 40 * day), billing: .shift)
            _ = try LedgerBilling().pause(membershipID: membership, clientID: client, request, in: scope)
        }
    }

    /// The month before `now`'s (an expiry that has just passed).
    static func lastMonth(_ now: Date) -> (month: Int, year: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month], from: now)
        let month = c.month ?? 1
        let year = c.year ?? 2026
        return month == 1 ? (12, year - 1) : (month - 1, year)
    }
}

import Foundation
import FrontdeskCore
import FrontdeskStore

/// Deterministic demo data for business `demo`: the same people, plans, cards and invoices every time,
/// with dates placed relative to the day it is seeded so billing dates lie ahead.
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
            memberships: [("Gym Basic", .pastDue)], card: ("Mastercard", "4444", 1, 2026)),
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

    static let staff: [(name: String, role: String, email: String, phone: String)] = [
        ("Olivia Owner", "owner", "owner@maple-studio.example", "+15550100001"),
        ("Adam Admin", "admin", "admin@maple-studio.example", "+15550100002"),
        ("Sara Staff", "staff", "sara@maple-studio.example", "+15550100003"),
    ]

    /// Seeds the demo business unless it already exists; returns whether it was created.
    @discardableResult
    public static func seed(_ db: Database, now: Date) throws -> Bool {
        try db.write { c in
            if try c.business(slug: slug) != nil { return false }
            try c.execute(
                """
                INSERT INTO businesses (slug, name, time_zone, locale, currency, brand_color, logo_url, contact_phone,
                  contact_email, website, created_at) VALUES (?, ?, ?, 'en', 'USD', '#2f6f6a', ?, ?, ?, ?, ?)
                """, slug, "Maple Street Studio", "America/New_York", "https://maple-studio.example/logo.png",
                "+1 555 010 0000", "hello@maple-studio.example", "https://maple-studio.example", now)
            let b = c.lastInsertID
            try c.execute(
                "INSERT INTO business_addresses (business_id, channel, address) VALUES (?, 'sms', ?)", b, smsNumber)
            try c.execute(
                "INSERT INTO business_addresses (business_id, channel, address) VALUES (?, 'email', ?)", b, inbox)
            for s in staff {
                try c.execute(
                    "INSERT INTO staff (business_id, name, role, email, phone) VALUES (?, ?, ?, ?, ?)", b, s.name,
                    s.role,
                    s.email, s.phone)
            }
            var planIDs: [String: Int] = [:]
            for p in plans {
                try c.execute(
                    "INSERT INTO plans (business_id, name, price_minor, currency, billing_interval) VALUES (?, ?, ?, 'USD', ?)",
                    b, p.name, p.price, p.interval)
                let planID = c.lastInsertID
                planIDs[p.name] = planID
                for (service, quantity) in p.services {
                    try c.execute(
                        "INSERT INTO plan_services (plan_id, service, quantity) VALUES (?, ?, ?)", planID, service,
                        quantity)
                }
            }
            let day: TimeInterval = 86_400
            // 14:00 UTC is morning in New York, so the date reads the same in the business's zone.
            let today = (now.timeIntervalSince1970 / day).rounded(.down) * day + 14 * 3600
            var invoiceNumber = 1001
            for (index, p) in people.enumerated() {
                try c.execute(
                    "INSERT INTO clients (business_id, first_name, last_name, sms_consent, created_at) VALUES (?, ?, ?, 1, ?)",
                    b, p.first, p.last, now)
                let client = c.lastInsertID
                if let phone = p.phone {
                    try c.execute(
                        "INSERT INTO client_addresses (business_id, client_id, channel, address, is_primary) VALUES (?, ?, 'sms', ?, 1)",
                        b, client, phone)
                }
                for (i, email) in p.emails.enumerated() {
                    try c.execute(
                        "INSERT INTO client_addresses (business_id, client_id, channel, address, is_primary) VALUES (?, ?, 'email', ?, ?)",
                        b, client, email, i == 0)
                }
                var cardID: Int?
                if let card = p.card {
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
                    try c.execute(
                        """
                        INSERT INTO memberships (business_id, client_id, plan_id, status, started_at, current_period_end,
                          next_billing_at, payment_method_id, cancel_at, cancelled_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, b, client, planID, m.status.rawValue, started, periodEnd, next, cardID, cancelAt,
                        m.status == .cancelled ? cancelAt : nil)
                    let membership = c.lastInsertID
                    for (service, quantity) in plan.services {
                        try c.execute(
                            "INSERT INTO membership_services (membership_id, service, remaining) VALUES (?, ?, ?)",
                            membership, service, max(0, quantity - (index + mIndex) % (quantity + 1)))
                    }
                    guard m.status != .trialing else { continue }
                    // Three or more invoices per paying membership, oldest first; past_due has a failed last one.
                    let count = plan.interval == "year" ? 3 : 4
                    for k in stride(from: count, through: 1, by: -1) {
                        let step = plan.interval == "year" ? 365.0 : 30.0
                        let issued = Date(
                            timeIntervalSince1970: periodEnd.timeIntervalSince1970 - Double(k) * step * day)
                        let status = (m.status == .pastDue && k == 1) ? "failed" : "paid"
                        try c.execute(
                            """
                            INSERT INTO invoices (business_id, client_id, membership_id, number, issued_at, amount_minor, currency, status)
                            VALUES (?, ?, ?, ?, ?, ?, 'USD', ?)
                            """, b, client, membership, "INV-\(invoiceNumber)", issued, plan.price, status)
                        invoiceNumber += 1
                    }
                }
            }
            try c.audit(
                businessID: b, actor: "system", via: "cli", action: "demo.seed", before: nil, after: slug, now: now)
            return true
        }
    }
}

import Foundation
import FrontdeskCore
import FrontdeskStore

/// Extra deterministic clients for the demo business (`frontdesk demo --clients N`), for load and scale
/// measurements: client `n` always has the same name, phone, email, card, membership and invoices, and stored past
/// messages (`--messages M`) always go to the same conversations.
extension Demo {
    /// The most extra clients (their phones are `+1555` followed by 2000001 … 9999999).
    public static let maxExtraClients = 7_999_999
    /// The most stored past messages `--messages` adds.
    public static let maxSeededMessages = 100_000_000

    /// The phone of extra client `n` (1-based): `+15552000001` for the first.
    public static func extraClientPhone(_ n: Int) -> String { "+1555" + String(2_000_000 + n) }

    /// The email of extra client `n`.
    public static func extraClientEmail(_ n: Int) -> String { "client\(n)@clients.maple-studio.example" }

    /// The provider id of stored past message `k` (0-based).
    static func seededMessageID(_ k: Int) -> String { "SMseed\(k)" }

    static let extraFirstNames = [
        "Ana", "Bruno", "Carla", "Dev", "Elena", "Farid", "Gina", "Hugo", "Ines", "Jonas", "Keiko", "Luca", "Maya",
        "Nils", "Omar", "Priya", "Quinn", "Rita", "Sven", "Tomas",
    ]
    static let extraLastNames = [
        "Abbott", "Baker", "Cruz", "Dalton", "Ellis", "Flores", "Grant", "Hayes", "Ito", "Jensen", "Kaur", "Lund",
        "Mendes", "Novak", "Ortiz", "Patel", "Quist", "Rossi", "Silva", "Turner",
    ]
    /// Mostly live memberships, every state present.
    static let extraStatuses: [MembershipStatus] = [
        .active, .active, .active, .active, .trialing, .pastDue, .active, .paused, .pendingCancel, .cancelled,
    ]
    static let extraBrands = ["Visa", "Mastercard", "Amex", "Discover"]
    static let extraTexts = [
        "when is my next billing date?", "what plan am I on", "how many sessions do I have left",
        "please send me my invoices", "new card", "thanks!",
    ]

    /// Clients written per transaction (each transaction holds whole clients; a run that stops is resumed by the
    /// next, which skips the clients already there).
    static let clientsPerTransaction = 250_000
    /// Stored messages written per transaction.
    static let messagesPerTransaction = 500_000

    /// Adds extra clients 1…`count` to the demo business (seeded first if missing), skipping those already there,
    /// then stored past messages 0..<`messages` with their replies, spread over those clients and the past year.
    /// `progress` gets a line now and then. Returns how many clients and messages were added.
    @discardableResult
    public static func seedClients(
        _ store: any Store, count: Int, messages: Int = 0, now: Date, progress: (String) -> Void = { _ in }
    ) throws -> (clients: Int, messages: Int) {
        precondition((0...maxExtraClients).contains(count) && (0...maxSeededMessages).contains(messages))
        try seed(store, now: now)
        let (business, plans) = try store.read { c -> (Int, [Plan]) in
            guard let b = try c.business(slug: slug) else { throw StoreError(.notFound, "demo business missing") }
            return (b.id, try c.plans(businessID: b.id))
        }
        let day: TimeInterval = 86_400
        let today = (now.timeIntervalSince1970 / day).rounded(.down) * day + 14 * 3600
        var added = 0
        var start = 1
        while start <= count {
            let end = min(count, start + clientsPerTransaction - 1)
            added += try store.write { c in
                var made = 0
                for n in start...end {
                    if try c.addressTaken(businessID: business, channel: .sms, address: extraClientPhone(n)) {
                        continue
                    }
                    try insertExtraClient(n, business: business, plans: plans, today: today, now: now, c)
                    made += 1
                }
                return made
            }
            progress("demo: clients \(end)/\(count)")
            start = end + 1
        }
        let stored = try seedMessages(store, messages, clients: count, business: business, now: now, progress)
        return (added, stored)
    }

    private static func insertExtraClient(
        _ n: Int, business: Int, plans: [Plan], today: TimeInterval, now: Date, _ c: any UnitOfWork
    ) throws {
        let day: TimeInterval = 86_400
        let client = try c.insertClient(
            NewClient(
                businessID: business, firstName: extraFirstNames[n % extraFirstNames.count],
                lastName: extraLastNames[(n / extraFirstNames.count) % extraLastNames.count],
                phones: [extraClientPhone(n)], emails: [extraClientEmail(n)], smsConsent: true),
            now: now)
        let card = try c.replaceDefaultCard(
            clientID: client, brand: extraBrands[n % extraBrands.count], last4: String(format: "%04d", n % 10_000),
            expMonth: n % 12 + 1, expYear: 2027 + n % 4, processorToken: "tok_demo_x\(n)", now: now)
        guard !plans.isEmpty else { return }
        let plan = plans[n % plans.count]
        let status = extraStatuses[n % extraStatuses.count]
        let periodEnd = Date(timeIntervalSince1970: today + Double(n % 27 + 2) * day)
        let cancelAt: Date? =
            status == .pendingCancel
            ? periodEnd : (status == .cancelled ? Date(timeIntervalSince1970: today - 20 * day) : nil)
        let membership = try c.insertMembership(
            NewMembership(
                businessID: business, clientID: client, planID: plan.id, status: status,
                startedAt: Date(timeIntervalSince1970: today - Double(90 + n % 300) * day),
                currentPeriodEnd: periodEnd,
                nextBillingAt: [.active, .trialing, .pastDue].contains(status) ? periodEnd : nil,
                paymentMethodID: card, cancelAt: cancelAt, cancelledAt: status == .cancelled ? cancelAt : nil,
                remaining: plan.services.map { IncludedService($0.service, n % ($0.quantity + 1)) }))
        guard status != .trialing else { return }
        let step = plan.interval == "year" ? 365.0 : 30.0
        let invoices = plan.interval == "year" ? 2 : 3
        for k in stride(from: invoices, through: 1, by: -1) {
            _ = try c.insertInvoice(
                NewInvoice(
                    businessID: business, clientID: client, membershipID: membership, number: "X\(n)-\(k)",
                    issuedAt: Date(timeIntervalSince1970: periodEnd.timeIntervalSince1970 - Double(k) * step * day),
                    amountMinor: plan.priceMinor, currency: plan.currency,
                    status: status == .pastDue && k == 1 ? .failed : .paid))
        }
    }

    /// Stored past SMS messages, each with its sent reply, in the conversations of extra clients.
    private static func seedMessages(
        _ store: any Store, _ count: Int, clients: Int, business: Int, now: Date, _ progress: (String) -> Void
    ) throws -> Int {
        guard count > 0, clients > 0 else { return 0 }
        let year: TimeInterval = 365 * 86_400
        var added = 0
        var start = 0
        while start < count {
            let end = min(count, start + messagesPerTransaction)
            added += try store.write { c in
                var made = 0
                var conversations: [Int: Int] = [:]
                for k in start..<end {
                    let id = seededMessageID(k)
                    if try c.messageID(provider: "twilio", providerMessageID: id) != nil { continue }
                    let n = k % clients + 1
                    let phone = extraClientPhone(n)
                    let at = now.addingTimeInterval(-year * Double(count - k) / Double(count))
                    let conversation: Int
                    if let known = conversations[n] {
                        conversation = known
                    } else {
                        let client = try c.client(businessID: business, address: phone, channel: .sms)
                        conversation =
                            try c.conversation(
                                businessID: business, channel: .sms, address: phone, clientID: client?.id, now: at
                            ).id
                        conversations[n] = conversation
                    }
                    let text = extraTexts[k % extraTexts.count]
                    let message = try c.insertMessage(
                        NewMessage(
                            businessID: business, conversationID: conversation, direction: "in", channel: .sms,
                            provider: "twilio", providerMessageID: id, from: phone, to: smsNumber, subject: nil,
                            rawSize: 300, text: text, intent: "membership.show", confidence: 0.9,
                            senderTrust: .verified),
                        now: at)
                    try c.enqueue(
                        businessID: business, messageID: message, channel: .sms, kind: "reply", recipient: phone,
                        sender: smsNumber, subject: nil, body: "Your next billing date is in your membership.",
                        headers: [:], status: .sent, now: at)
                    made += 1
                }
                return made
            }
            progress("demo: messages \(end)/\(count)")
            start = end
        }
        return added
    }
}

import Foundation
import FrontdeskCore

/// A business (salon, spa, gym, studio) and how it presents itself.
public struct Business: Sendable, Equatable {
    public var id: Int
    public var slug: String
    public var name: String
    public var timeZone: String
    public var locale: String
    public var currency: String
    public var brandColor: String
    public var logoURL: String?
    public var contactPhone: String?
    public var contactEmail: String?
    public var website: String?

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC") ?? .current }
}

public struct Staff: Sendable, Equatable {
    public enum Role: String, Sendable { case owner, admin, staff }
    public var id: Int
    public var businessID: Int
    public var name: String
    public var role: Role
    public var email: String?
    public var phone: String?
}

public struct Client: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var firstName: String
    public var lastName: String
    public var fullName: String { lastName.isEmpty ? firstName : "\(firstName) \(lastName)" }
}

public struct PaymentMethod: Sendable, Equatable {
    public var id: Int
    public var brand: String
    public var last4: String
    public var expMonth: Int
    public var expYear: Int
    public var isDefault: Bool
}

public enum MembershipStatus: String, Sendable, CaseIterable {
    case active, trialing
    case pastDue = "past_due"
    case paused
    case pendingCancel = "pending_cancel"
    case cancelled
}

public struct Membership: Sendable, Equatable {
    public var id: Int
    public var clientID: Int
    public var planName: String
    public var priceMinor: Int
    public var currency: String
    public var interval: String
    public var status: MembershipStatus
    public var currentPeriodEnd: Date?
    public var nextBillingAt: Date?
    public var cancelAt: Date?
    public var paymentMethod: PaymentMethod?
    /// Service name → sessions remaining this period, with the plan's included quantity.
    public var services: [(service: String, remaining: Int, included: Int)]

    public static func == (a: Membership, b: Membership) -> Bool { a.id == b.id && a.status == b.status }
}

public struct Invoice: Sendable, Equatable {
    public enum Status: String, Sendable { case paid, open, failed, void }
    public var id: Int
    public var number: String
    public var issuedAt: Date
    public var amountMinor: Int
    public var currency: String
    public var status: Status
}

/// A conversation with one address on one channel, with at most one pending confirmation.
public struct Conversation: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var clientID: Int?
    public var channel: Channel
    public var address: String
    public var pendingAction: String?
    public var pendingPayload: String?
    public var pendingExpiresAt: Date?
}

/// A one-time link's stored record (the token itself is never stored).
public struct LinkRecord: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var clientID: Int
    public var action: String
    public var resource: String
    public var expiresAt: Date
    public var usedAt: Date?
}

/// One message waiting to leave (or that left) through the durable outbox.
public struct OutboxRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, inline, sent, dead, suppressed }
    public var id: Int
    public var businessID: Int
    public var channel: Channel
    public var kind: String
    public var recipient: String
    public var sender: String
    public var subject: String?
    public var body: String
    /// Threading and other headers, JSON object of strings.
    public var headers: [String: String]
    public var attempts: Int
    public var nextAttemptAt: Date
    public var status: Status
    public var lastError: String?
    public var createdAt: Date
}

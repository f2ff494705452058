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

    public init(
        id: Int, slug: String, name: String, timeZone: String, locale: String, currency: String, brandColor: String,
        logoURL: String?, contactPhone: String?, contactEmail: String?, website: String?
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.locale = locale
        self.currency = currency
        self.brandColor = brandColor
        self.logoURL = logoURL
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.website = website
    }
}

public struct Staff: Sendable, Equatable {
    public enum Role: String, Sendable { case owner, admin, staff }
    public var id: Int
    public var businessID: Int
    public var name: String
    public var role: Role
    public var email: String?
    public var phone: String?

    public init(id: Int, businessID: Int, name: String, role: Role, email: String?, phone: String?) {
        self.id = id
        self.businessID = businessID
        self.name = name
        self.role = role
        self.email = email
        self.phone = phone
    }
}

public struct Client: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var firstName: String
    public var lastName: String
    /// The language replies, notices and pages use (`en`, `es`, `fr`); nil until a message shows it clearly.
    public var language: String?
    public var fullName: String { lastName.isEmpty ? firstName : "\(firstName) \(lastName)" }

    public init(id: Int, businessID: Int, firstName: String, lastName: String, language: String? = nil) {
        self.id = id
        self.businessID = businessID
        self.firstName = firstName
        self.lastName = lastName
        self.language = language
    }
}

public struct PaymentMethod: Sendable, Equatable {
    public var id: Int
    public var brand: String
    public var last4: String
    public var expMonth: Int
    public var expYear: Int
    public var isDefault: Bool

    public init(id: Int, brand: String, last4: String, expMonth: Int, expYear: Int, isDefault: Bool) {
        self.id = id
        self.brand = brand
        self.last4 = last4
        self.expMonth = expMonth
        self.expYear = expYear
        self.isDefault = isDefault
    }
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
    /// Why the client left, when they said.
    public var cancelReason: String?
    public var paymentMethod: PaymentMethod?
    /// Service name → sessions remaining this period, with the plan's included quantity.
    public var services: [(service: String, remaining: Int, included: Int)]
    /// The plan's id (nil only for a record built without one).
    public var planID: Int?
    /// A pause that is scheduled or running (since migration `011_lifecycle`).
    public var pause: MembershipPause?
    /// A plan change scheduled for the end of the period (a downgrade), if any.
    public var scheduledChange: ScheduledPlanChange?

    public static func == (a: Membership, b: Membership) -> Bool { a.id == b.id && a.status == b.status }

    public init(
        id: Int, clientID: Int, planName: String, priceMinor: Int, currency: String, interval: String,
        status: MembershipStatus, currentPeriodEnd: Date?, nextBillingAt: Date?, cancelAt: Date?, cancelReason: String?,
        paymentMethod: PaymentMethod?, services: [(service: String, remaining: Int, included: Int)],
        planID: Int? = nil, pause: MembershipPause? = nil, scheduledChange: ScheduledPlanChange? = nil
    ) {
        self.planID = planID
        self.pause = pause
        self.scheduledChange = scheduledChange
        self.id = id
        self.clientID = clientID
        self.planName = planName
        self.priceMinor = priceMinor
        self.currency = currency
        self.interval = interval
        self.status = status
        self.currentPeriodEnd = currentPeriodEnd
        self.nextBillingAt = nextBillingAt
        self.cancelAt = cancelAt
        self.cancelReason = cancelReason
        self.paymentMethod = paymentMethod
        self.services = services
    }
}

/// How billing behaves while a membership is paused (a business setting; each billing provider says which it
/// supports).
public enum PauseBilling: String, Sendable, CaseIterable {
    /// The billing cycle keeps its dates and the charges that fall in the pause are skipped (Stripe's
    /// `pause_collection`).
    case skip
    /// The resume date becomes the next billing date (the cycle moves, as in Mangomint).
    case shift
}

/// A pause of a membership: from `startsAt` (today or a later day) until `resumesAt`.
public struct MembershipPause: Sendable, Equatable {
    public var startsAt: Date
    public var resumesAt: Date
    public var billing: PauseBilling

    public init(startsAt: Date, resumesAt: Date, billing: PauseBilling) {
        self.startsAt = startsAt
        self.resumesAt = resumesAt
        self.billing = billing
    }
}

/// A change of plan that takes effect at a later date (a downgrade at the end of the period).
public struct ScheduledPlanChange: Sendable, Equatable {
    public var planID: Int
    public var planName: String
    public var priceMinor: Int
    public var interval: String
    public var effectiveAt: Date

    public init(planID: Int, planName: String, priceMinor: Int, interval: String, effectiveAt: Date) {
        self.planID = planID
        self.planName = planName
        self.priceMinor = priceMinor
        self.interval = interval
        self.effectiveAt = effectiveAt
    }
}

/// What billing writes back to a membership after an action (every billing field, as it should now read).
public struct MembershipBillingState: Sendable, Equatable {
    public var status: MembershipStatus
    public var planID: Int
    public var currentPeriodEnd: Date?
    public var nextBillingAt: Date?
    public var cancelAt: Date?
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var pause: MembershipPause?
    public var scheduledChange: ScheduledPlanChange?

    public init(
        status: MembershipStatus, planID: Int, currentPeriodEnd: Date?, nextBillingAt: Date?, cancelAt: Date?,
        cancelledAt: Date?, cancelReason: String?, pause: MembershipPause?, scheduledChange: ScheduledPlanChange?
    ) {
        self.status = status
        self.planID = planID
        self.currentPeriodEnd = currentPeriodEnd
        self.nextBillingAt = nextBillingAt
        self.cancelAt = cancelAt
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.pause = pause
        self.scheduledChange = scheduledChange
    }
}

public struct Invoice: Sendable, Equatable {
    public enum Status: String, Sendable { case paid, open, failed, void }
    public var id: Int
    public var number: String
    public var issuedAt: Date
    public var amountMinor: Int
    public var currency: String
    public var status: Status
    /// The membership it bills, if any.
    public var membershipID: Int?
    /// Payment attempts made by `pay` (since migration `011_lifecycle`), and why the last one failed
    /// (`expired_card`, `card_declined`, `no_card`), as Stripe's `attempt_count` and decline codes.
    public var attemptCount: Int
    public var lastPaymentError: String?

    public init(
        id: Int, number: String, issuedAt: Date, amountMinor: Int, currency: String, status: Status,
        membershipID: Int? = nil, attemptCount: Int = 0, lastPaymentError: String? = nil
    ) {
        self.membershipID = membershipID
        self.attemptCount = attemptCount
        self.lastPaymentError = lastPaymentError
        self.id = id
        self.number = number
        self.issuedAt = issuedAt
        self.amountMinor = amountMinor
        self.currency = currency
        self.status = status
    }
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

    public init(
        id: Int, businessID: Int, clientID: Int?, channel: Channel, address: String, pendingAction: String?,
        pendingPayload: String?, pendingExpiresAt: Date?
    ) {
        self.id = id
        self.businessID = businessID
        self.clientID = clientID
        self.channel = channel
        self.address = address
        self.pendingAction = pendingAction
        self.pendingPayload = pendingPayload
        self.pendingExpiresAt = pendingExpiresAt
    }
}

/// A one-time link's stored record (the token itself is never stored).
public struct LinkRecord: Sendable, Equatable {
    public var id: Int
    /// SHA-256 hex of the token.
    public var tokenHash: String
    public var businessID: Int
    public var clientID: Int
    public var action: String
    public var resource: String
    public var expiresAt: Date
    public var usedAt: Date?

    public init(
        id: Int, tokenHash: String, businessID: Int, clientID: Int, action: String, resource: String, expiresAt: Date,
        usedAt: Date?
    ) {
        self.id = id
        self.tokenHash = tokenHash
        self.businessID = businessID
        self.clientID = clientID
        self.action = action
        self.resource = resource
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
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

    public init(
        id: Int, businessID: Int, channel: Channel, kind: String, recipient: String, sender: String, subject: String?,
        body: String, headers: [String: String], attempts: Int, nextAttemptAt: Date, status: Status, lastError: String?,
        createdAt: Date
    ) {
        self.id = id
        self.businessID = businessID
        self.channel = channel
        self.kind = kind
        self.recipient = recipient
        self.sender = sender
        self.subject = subject
        self.body = body
        self.headers = headers
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.status = status
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// A plan a business sells, with the services included each period.
public struct Plan: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var name: String
    public var priceMinor: Int
    public var currency: String
    public var interval: String
    public var services: [IncludedService]

    public init(
        id: Int, businessID: Int, name: String, priceMinor: Int, currency: String, interval: String,
        services: [IncludedService]
    ) {
        self.id = id
        self.businessID = businessID
        self.name = name
        self.priceMinor = priceMinor
        self.currency = currency
        self.interval = interval
        self.services = services
    }
}

public struct IncludedService: Sendable, Equatable {
    public var service: String
    public var quantity: Int
    public init(_ service: String, _ quantity: Int) {
        self.service = service
        self.quantity = quantity
    }
}

/// A stored message (inbound or outbound); the raw body is never kept, only what was extracted.
public struct MessageRecord: Sendable, Equatable {
    public var id: Int
    public var businessID: Int?
    public var conversationID: Int?
    public var direction: String
    public var channel: Channel
    public var provider: String
    public var providerMessageID: String
    public var from: String
    public var to: String
    public var subject: String?
    public var text: String?
    public var intent: String?
    public var confidence: Double?
    public var createdAt: Date
    /// How far the sender was verified (inbound messages since migration `005_sender_trust`; nil before).
    public var senderTrust: AuthVerdict.Trust?

    public init(
        id: Int, businessID: Int?, conversationID: Int?, direction: String, channel: Channel, provider: String,
        providerMessageID: String, from: String, to: String, subject: String?, text: String?, intent: String?,
        confidence: Double?, createdAt: Date, senderTrust: AuthVerdict.Trust? = nil
    ) {
        self.id = id
        self.businessID = businessID
        self.conversationID = conversationID
        self.direction = direction
        self.channel = channel
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.intent = intent
        self.confidence = confidence
        self.createdAt = createdAt
        self.senderTrust = senderTrust
    }
}

/// One audited change: who (`client:7`, `staff:2`, `system`), through what, and the state before and after.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int
    public var businessID: Int?
    public var actor: String
    public var via: String
    public var action: String
    public var before: String?
    public var after: String?
    public var createdAt: Date
    /// The client the entry concerns, when known (since migration `008_privacy`).
    public var clientID: Int?

    public init(
        id: Int, businessID: Int?, actor: String, via: String, action: String, before: String?, after: String?,
        createdAt: Date, clientID: Int? = nil
    ) {
        self.clientID = clientID
        self.id = id
        self.businessID = businessID
        self.actor = actor
        self.via = via
        self.action = action
        self.before = before
        self.after = after
        self.createdAt = createdAt
    }
}

// MARK: New records (what a caller supplies; the store assigns ids)

public struct NewBusiness: Sendable {
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

    public init(
        slug: String, name: String, timeZone: String = "UTC", locale: String = "en", currency: String = "USD",
        brandColor: String = "#2f6f6a", logoURL: String? = nil, contactPhone: String? = nil,
        contactEmail: String? = nil, website: String? = nil
    ) {
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.locale = locale
        self.currency = currency
        self.brandColor = brandColor
        self.logoURL = logoURL
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.website = website
    }
}

public struct NewStaff: Sendable {
    public var businessID: Int
    public var name: String
    public var role: Staff.Role
    public var email: String?
    public var phone: String?

    public init(businessID: Int, name: String, role: Staff.Role, email: String?, phone: String?) {
        self.businessID = businessID
        self.name = name
        self.role = role
        self.email = email
        self.phone = phone
    }
}

/// A client with canonical addresses (E.164 phones, lower-case emails); the first of each channel is primary.
public struct NewClient: Sendable {
    public var businessID: Int
    public var firstName: String
    public var lastName: String
    public var phones: [String]
    public var emails: [String]
    /// Consent to texts given when the client signed up.
    public var smsConsent: Bool

    public init(
        businessID: Int, firstName: String, lastName: String, phones: [String] = [], emails: [String] = [],
        smsConsent: Bool = true
    ) {
        self.businessID = businessID
        self.firstName = firstName
        self.lastName = lastName
        self.phones = phones
        self.emails = emails
        self.smsConsent = smsConsent
    }
}

public struct NewPlan: Sendable {
    public var businessID: Int
    public var name: String
    public var priceMinor: Int
    public var currency: String
    public var interval: String
    public var services: [IncludedService]

    public init(
        businessID: Int, name: String, priceMinor: Int, currency: String, interval: String,
        services: [IncludedService] = []
    ) {
        self.businessID = businessID
        self.name = name
        self.priceMinor = priceMinor
        self.currency = currency
        self.interval = interval
        self.services = services
    }
}

public struct NewMembership: Sendable {
    public var businessID: Int
    public var clientID: Int
    public var planID: Int
    public var status: MembershipStatus
    public var startedAt: Date
    public var currentPeriodEnd: Date?
    public var nextBillingAt: Date?
    public var paymentMethodID: Int?
    public var cancelAt: Date?
    public var cancelledAt: Date?
    /// Sessions left this period, by service.
    public var remaining: [IncludedService]

    public init(
        businessID: Int, clientID: Int, planID: Int, status: MembershipStatus, startedAt: Date,
        currentPeriodEnd: Date?, nextBillingAt: Date?, paymentMethodID: Int?, cancelAt: Date? = nil,
        cancelledAt: Date? = nil, remaining: [IncludedService] = []
    ) {
        self.businessID = businessID
        self.clientID = clientID
        self.planID = planID
        self.status = status
        self.startedAt = startedAt
        self.currentPeriodEnd = currentPeriodEnd
        self.nextBillingAt = nextBillingAt
        self.paymentMethodID = paymentMethodID
        self.cancelAt = cancelAt
        self.cancelledAt = cancelledAt
        self.remaining = remaining
    }
}

public struct NewInvoice: Sendable {
    public var businessID: Int
    public var clientID: Int
    public var membershipID: Int?
    public var number: String
    public var issuedAt: Date
    public var amountMinor: Int
    public var currency: String
    public var status: Invoice.Status

    public init(
        businessID: Int, clientID: Int, membershipID: Int?, number: String, issuedAt: Date, amountMinor: Int,
        currency: String, status: Invoice.Status
    ) {
        self.businessID = businessID
        self.clientID = clientID
        self.membershipID = membershipID
        self.number = number
        self.issuedAt = issuedAt
        self.amountMinor = amountMinor
        self.currency = currency
        self.status = status
    }
}

public struct NewMessage: Sendable {
    public var businessID: Int?
    public var conversationID: Int?
    public var direction: String
    public var channel: Channel
    public var provider: String
    public var providerMessageID: String
    public var from: String
    public var to: String
    public var subject: String?
    public var rawSize: Int
    public var text: String?
    public var intent: String?
    public var confidence: Double?
    /// How far the sender was verified: an email's `AuthVerdict.trust`; `.verified` for SMS (the carrier's word).
    public var senderTrust: AuthVerdict.Trust?

    public init(
        businessID: Int?, conversationID: Int?, direction: String, channel: Channel, provider: String,
        providerMessageID: String, from: String, to: String, subject: String?, rawSize: Int, text: String?,
        intent: String? = nil, confidence: Double? = nil, senderTrust: AuthVerdict.Trust? = nil
    ) {
        self.businessID = businessID
        self.conversationID = conversationID
        self.direction = direction
        self.channel = channel
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.from = from
        self.to = to
        self.subject = subject
        self.rawSize = rawSize
        self.text = text
        self.intent = intent
        self.confidence = confidence
        self.senderTrust = senderTrust
    }
}

/// An admin API token: it acts for one business only. The token itself is never stored, only its SHA-256.
public struct AdminTokenRecord: Sendable, Equatable {
    public var id: Int
    public var businessID: Int?
    public var label: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: Int, businessID: Int?, label: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.businessID = businessID
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// How many inbound messages a business accepts before it drops the rest silently: per sender per hour and in
/// total per minute. nil keeps the default; 0 turns the limit off.
public struct RateLimits: Sendable, Equatable {
    public var senderPerHour: Int?
    public var businessPerMinute: Int?

    public static let defaultSenderPerHour = 60
    public static let defaultBusinessPerMinute = 600

    public init(senderPerHour: Int? = nil, businessPerMinute: Int? = nil) {
        self.senderPerHour = senderPerHour
        self.businessPerMinute = businessPerMinute
    }

    /// The limit in force per sender per hour (0 = none).
    public var effectiveSenderPerHour: Int { senderPerHour ?? Self.defaultSenderPerHour }
    /// The limit in force per business per minute (0 = none).
    public var effectiveBusinessPerMinute: Int { businessPerMinute ?? Self.defaultBusinessPerMinute }
}

import Foundation
import FrontdeskCore

/// What an automated message is about (issue 17). The raw values are stored and are the API's `kind`.
public enum NoticeKind: String, Sendable, CaseIterable, Codable {
    case paymentFailed = "payment_failed"
    case cardExpiring = "card_expiring"
    case renewalReminder = "renewal_reminder"
    case trialEnding = "trial_ending"
    case custom
}

/// Where a notice stands. `suppressed` notices were never queued (or the outbox gave them up for the recipient's
/// consent); the rest follow their outbox item: `scheduled` waits for the end of quiet hours, `queued` is due or
/// being retried, `sent` left, `failed` was given up after its retries.
public enum NoticeStatus: String, Sendable, CaseIterable {
    case scheduled, queued, sent, failed, suppressed
}

/// One automated message to a client, as recorded (its body lives in the outbox item while it waits).
public struct Notice: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var clientID: Int
    public var kind: NoticeKind
    /// `sms` or `email`; nil for a notice suppressed before a channel could be chosen.
    public var channel: Channel?
    /// The address it went (or would have gone) to.
    public var recipient: String?
    public var status: NoticeStatus
    /// Why it was suppressed or failed (`opted_out`, `no_sms_consent`, ...); never a body or a token.
    public var reason: String?
    /// One notice per client, kind and period: `client:7|payment_failed|invoice:12`.
    public var dedupeKey: String
    /// `billing`, `scheduler` or `api`.
    public var source: String
    /// The record a reply to it acts on (`invoice:12`), if any.
    public var resource: String?
    public var outboxID: Int?
    /// When it leaves (the end of quiet hours for a scheduled one).
    public var sendAt: Date
    /// The stable Message-ID of an email notice.
    public var messageID: String?
    public var createdAt: Date

    public init(
        id: Int, businessID: Int, clientID: Int, kind: NoticeKind, channel: Channel?, recipient: String?,
        status: NoticeStatus, reason: String?, dedupeKey: String, source: String, resource: String?, outboxID: Int?,
        sendAt: Date, messageID: String?, createdAt: Date
    ) {
        self.id = id
        self.businessID = businessID
        self.clientID = clientID
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.status = status
        self.reason = reason
        self.dedupeKey = dedupeKey
        self.source = source
        self.resource = resource
        self.outboxID = outboxID
        self.sendAt = sendAt
        self.messageID = messageID
        self.createdAt = createdAt
    }
}

/// A notice to record. `outboxID` nil with a `reason` records a suppressed one.
public struct NewNotice: Sendable {
    public var businessID: Int
    public var clientID: Int
    public var kind: NoticeKind
    public var channel: Channel?
    public var recipient: String?
    public var reason: String?
    public var dedupeKey: String
    public var source: String
    public var resource: String?
    public var outboxID: Int?
    public var sendAt: Date
    public var messageID: String?

    public init(
        businessID: Int, clientID: Int, kind: NoticeKind, channel: Channel?, recipient: String?, reason: String?,
        dedupeKey: String, source: String, resource: String?, outboxID: Int?, sendAt: Date, messageID: String?
    ) {
        self.businessID = businessID
        self.clientID = clientID
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.reason = reason
        self.dedupeKey = dedupeKey
        self.source = source
        self.resource = resource
        self.outboxID = outboxID
        self.sendAt = sendAt
        self.messageID = messageID
    }
}

/// Which notices to list; every field narrows the list.
public struct NoticeQuery: Sendable, Equatable {
    public var businessID: Int?
    public var clientID: Int?
    public var status: NoticeStatus?
    public var kind: NoticeKind?
    public var limit: Int

    public init(
        businessID: Int? = nil, clientID: Int? = nil, status: NoticeStatus? = nil, kind: NoticeKind? = nil,
        limit: Int = 100
    ) {
        self.businessID = businessID
        self.clientID = clientID
        self.status = status
        self.kind = kind
        self.limit = limit
    }
}

/// What happened to billing that a client should hear of, as the provider recorded it (Stripe's events:
/// `invoice.payment_failed`). Each is handled once.
public struct BillingEventRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case paymentFailed = "payment_failed" }
    public var id: Int
    public var businessID: Int
    public var clientID: Int
    public var kind: Kind
    public var invoiceID: Int?
    /// The decline code, for a failed payment.
    public var detail: String?
    public var occurredAt: Date

    public init(
        id: Int, businessID: Int, clientID: Int, kind: Kind, invoiceID: Int?, detail: String?, occurredAt: Date
    ) {
        self.id = id
        self.businessID = businessID
        self.clientID = clientID
        self.kind = kind
        self.invoiceID = invoiceID
        self.detail = detail
        self.occurredAt = occurredAt
    }
}

/// A stored answer to an API request made with an `Idempotency-Key`.
public struct IdempotentResponse: Sendable, Equatable {
    /// SHA-256 of the request body the key was first used with.
    public var requestHash: String
    public var status: Int
    public var body: String

    public init(requestHash: String, status: Int, body: String) {
        self.requestHash = requestHash
        self.status = status
        self.body = body
    }
}

/// Automated messages, the context a reply to one is read in, and API idempotency keys (migration `014_notices`).
public protocol NoticeRepository {
    /// Records a notice; a dedupe key already used is `StoreError.Kind.duplicate`.
    func insertNotice(_ notice: NewNotice, now: Date) throws -> Int
    /// One notice, its status as it stands at `now`.
    func notice(id: Int, now: Date) throws -> Notice?
    func notice(businessID: Int, dedupeKey: String, now: Date) throws -> Notice?
    /// Notices newest first, narrowed by the query; `now` tells scheduled from queued.
    func notices(_ query: NoticeQuery, now: Date) throws -> [Notice]
    /// Notices by status for a business (or all), for summaries.
    func noticeCounts(businessID: Int?, now: Date) throws -> [NoticeStatus: Int]
    /// Whether the client agreed to texts (imported clients only when they said so).
    func smsConsent(clientID: Int) throws -> Bool
    func setSMSConsent(clientID: Int, consent: Bool) throws
    /// Remembers the notice a reply on this conversation is read against, until `expiresAt` (nil clears it).
    func setNoticeContext(conversationID: Int, noticeID: Int?, expiresAt: Date?) throws
    /// The notice whose context is live on the conversation at `now`.
    func noticeContext(conversationID: Int, now: Date) throws -> Notice?
    /// The answer stored for an idempotency key of a business, if the key was used.
    func idempotentResponse(businessID: Int, key: String) throws -> IdempotentResponse?
    /// Stores the answer given to a key's first use (a key used already is a duplicate).
    func storeIdempotentResponse(businessID: Int, key: String, _ response: IdempotentResponse, now: Date) throws
    /// Forgets keys used before `cutoff`.
    func pruneIdempotencyKeys(before cutoff: Date) throws
}

import Foundation
import FrontdeskCore

// One protocol per aggregate. A `UnitOfWork` is all of them at once, inside one transaction, so each
// caller decides what belongs together. Implementations keep their query language to themselves.

public protocol BusinessRepository {
    func business(slug: String) throws -> Business?
    func business(id: Int) throws -> Business?
    /// The business an SMS number or inbox address belongs to.
    func business(routedTo address: String, channel: Channel) throws -> Business?
    func businesses() throws -> [Business]
    /// The business's own address on a channel (its SMS number or inbox), the first registered.
    func businessAddress(_ businessID: Int, channel: Channel) throws -> String?
    /// Adds a business; a slug in use is `StoreError.Kind.duplicate`.
    func insertBusiness(_ business: NewBusiness, now: Date) throws -> Int
    /// Routes an SMS number or inbox address to the business; an address in use is a duplicate.
    func addBusinessAddress(businessID: Int, channel: Channel, address: String) throws
}

public protocol StaffRepository {
    func staff(businessID: Int) throws -> [Staff]
    /// The staff member registered with this exact address, if any.
    func staff(businessID: Int, address: String, channel: Channel) throws -> Staff?
    func insertStaff(_ staff: NewStaff) throws -> Int
}

public protocol ClientRepository {
    /// The client of this business who owns this address (E.164 phone or lower-case email).
    func client(businessID: Int, address: String, channel: Channel) throws -> Client?
    func client(id: Int) throws -> Client?
    func clients(businessID: Int) throws -> [Client]
    /// A client's addresses on a channel, primary first.
    func addresses(clientID: Int, channel: Channel) throws -> [String]
    /// Whether an address already belongs to a client of this business.
    func addressTaken(businessID: Int, channel: Channel, address: String) throws -> Bool
    /// Adds a client with its addresses; an address another client of the business holds is a duplicate.
    func insertClient(_ client: NewClient, now: Date) throws -> Int
    /// The business's clients whose first or last name is one of `words`, regardless of ASCII case (pass the words
    /// folded too), for finding a client named in a message; the caller checks full names.
    func clients(businessID: Int, namedAnyOf words: [String]) throws -> [Client]
    /// Links one more address to a client (one proved theirs by a code sent to their contact on file); an address
    /// another client of the business holds is a duplicate.
    func addClientAddress(businessID: Int, clientID: Int, channel: Channel, address: String) throws
    /// Stores the language the client writes in (nil: not known); a malformed code is a constraint error.
    func setClientLanguage(clientID: Int, language: String?) throws
    /// Puts `new` in place of the client's `old` address on a channel (nil `old`: adds it), as the primary one; a new
    /// address another client of the business holds is a duplicate.
    func replaceClientAddress(businessID: Int, clientID: Int, channel: Channel, old: String?, new: String) throws
    /// The client's postal address, if any.
    func postalAddress(clientID: Int) throws -> String?
    /// Changes the client's name and postal address (nil: none).
    func updateClientDetails(clientID: Int, firstName: String, lastName: String, postalAddress: String?) throws
}

public protocol PlanRepository {
    func plans(businessID: Int) throws -> [Plan]
    /// Adds a plan with the services it includes each period.
    func insertPlan(_ plan: NewPlan) throws -> Int
}

public protocol MembershipRepository {
    func memberships(clientID: Int) throws -> [Membership]
    /// Adds a membership on a plan, with each included service's remaining sessions.
    func insertMembership(_ membership: NewMembership) throws -> Int
    /// Cancels a membership now, or marks it to end at its period end; false if it had already ended.
    func cancelMembership(id: Int, immediately: Bool, reason: String?, now: Date) throws -> Bool
    func setCancelReason(membershipID: Int, reason: String) throws
}

public protocol InvoiceRepository {
    /// The client's invoices, newest first.
    func invoices(clientID: Int, limit: Int) throws -> [Invoice]
    func invoice(id: Int) throws -> Invoice?
    /// The invoice, only if it belongs to this client.
    func invoice(id: Int, clientID: Int) throws -> Invoice?
    func insertInvoice(_ invoice: NewInvoice) throws -> Int
    func setInvoiceStatus(id: Int, _ status: Invoice.Status) throws
}

public protocol PaymentMethodRepository {
    func defaultPaymentMethod(clientID: Int) throws -> PaymentMethod?
    /// The processor's token for the client's default card (charged by a retry), if any.
    func defaultProcessorToken(clientID: Int) throws -> String?
    /// Adds a card (brand, last4, expiry and the processor's token only) as the client's default and moves
    /// the client's live memberships onto it.
    @discardableResult
    func replaceDefaultCard(
        clientID: Int, brand: String, last4: String, expMonth: Int, expYear: Int, processorToken: String, now: Date
    ) throws -> Int
}

public protocol LinkRepository {
    /// Stores a one-time link by its token's hash (the token itself is never stored).
    func insertLink(
        tokenHash: String, businessID: Int, clientID: Int, action: String, resource: String, now: Date, expiresAt: Date
    ) throws
    func link(tokenHash: String) throws -> LinkRecord?
    func link(id: Int) throws -> LinkRecord?
    /// The client's links, newest first.
    func links(clientID: Int) throws -> [LinkRecord]
    /// Marks a link used, once: two concurrent redemptions cannot both succeed; false if used or expired.
    func consumeLink(tokenHash: String, now: Date) throws -> Bool
}

/// Once an item has left (sent, or `inline`: returned with the HTTP response) or will not be sent (dead,
/// suppressed), the link tokens in its stored body are redacted by the store's `LinkTokenRedactor`
/// (`https://host/l/[link 17]`); a pending item keeps them until then, so it can still be delivered.
public protocol OutboxRepository {
    @discardableResult
    func enqueue(
        businessID: Int, messageID: Int?, channel: Channel, kind: String, recipient: String, sender: String,
        subject: String?, body: String, headers: [String: String], status: OutboxRecord.Status, now: Date
    ) throws -> Int
    /// Pending items whose next attempt is due, oldest first. Items to a recipient who has opted out of
    /// this business are suppressed first (nothing after STOP but its one confirmation).
    func dueOutbox(now: Date, limit: Int) throws -> [OutboxRecord]
    /// Items newest first, optionally of one status.
    func outbox(status: OutboxRecord.Status?, limit: Int) throws -> [OutboxRecord]
    func outboxItems(messageID: Int) throws -> [OutboxRecord]
    func outboxItem(id: Int) throws -> OutboxRecord?
    func markOutboxSent(id: Int, providerMessageID: String?, now: Date) throws
    /// Records a failed attempt: retried at `nextAttempt`, or moved to `status` (dead or suppressed) when nil.
    func markOutboxFailed(id: Int, error: String, nextAttempt: Date?, status: OutboxRecord.Status) throws
    /// Defers an item without counting an attempt (rate limit).
    func deferOutbox(id: Int, until: Date) throws
    /// Puts a dead or suppressed item back in the queue; false if it was neither.
    func retryOutbox(id: Int, now: Date) throws -> Bool
    /// Messages sent to a recipient since a time (the per-recipient rate limit).
    func sentCount(recipient: String, since: Date) throws -> Int
    /// Items by status (for `/metrics`).
    func outboxCounts() throws -> [(status: String, count: Int)]
}

public protocol MessageRepository {
    /// Records an inbound or outbound message. A provider id already stored is `StoreError.Kind.duplicate`.
    @discardableResult
    func insertMessage(_ message: NewMessage, now: Date) throws -> Int
    /// The id of a message already stored under this provider id, if any.
    func messageID(provider: String, providerMessageID: String) throws -> Int?
    func message(id: Int) throws -> MessageRecord?
    /// A conversation's messages, oldest first.
    func messages(conversationID: Int) throws -> [MessageRecord]
    func updateMessageIntent(id: Int, intent: String, confidence: Double) throws
}

public protocol ConversationRepository {
    /// The conversation for this business, channel and address, created on first contact.
    func conversation(businessID: Int, channel: Channel, address: String, clientID: Int?, now: Date) throws
        -> Conversation
    func setPending(conversationID: Int, action: String?, payload: String?, expiresAt: Date?) throws
}

/// SMS consent, per business and number.
public protocol ConsentRepository {
    func isOptedOut(businessID: Int, address: String) throws -> Bool
    /// Records an opt-out; false when the number had already opted out.
    @discardableResult
    func optOut(businessID: Int, address: String, now: Date) throws -> Bool
    /// Removes an opt-out; false when there was none.
    @discardableResult
    func optIn(businessID: Int, address: String) throws -> Bool
    /// Whether an email address asked for no automated or marketing email from this business (replies to what
    /// the client writes still go out).
    func isEmailOptedOut(businessID: Int, address: String) throws -> Bool
    /// Records an email unsubscribe; false when the address had already unsubscribed.
    @discardableResult
    func emailOptOut(businessID: Int, address: String, now: Date) throws -> Bool
    /// Removes an email unsubscribe; false when there was none.
    @discardableResult
    func emailOptIn(businessID: Int, address: String) throws -> Bool
}

public protocol AuditRepository {
    func audit(
        businessID: Int?, actor: String, via: String, action: String, before: String?, after: String?, now: Date)
        throws
    /// A business's audit entries, newest first, optionally of one action.
    func auditEntries(businessID: Int, action: String?, limit: Int) throws -> [AuditEntry]
    /// Records an entry that concerns a client (`frontdesk audit --client` finds it). `audit` without
    /// `clientID` records the client only when the actor is `client:N`.
    func audit(
        businessID: Int?, clientID: Int?, actor: String, via: String, action: String, before: String?,
        after: String?, now: Date) throws
    /// A business's audit entries, newest first: those concerning a client (acting or acted on) when `clientID`
    /// is given, and those recorded at or after `since`.
    func auditEntries(businessID: Int, clientID: Int?, since: Date?, limit: Int) throws -> [AuditEntry]
}

/// Per-business plugin settings.
public protocol SettingsRepository {
    /// Stored overrides for a plugin: enabled (nil = manifest default) and settings by key.
    func pluginSettings(businessID: Int, plugin: String) throws -> (enabled: Bool?, values: [String: SettingValue])
    /// Every plugin's stored enabled flag for a business (absent = manifest default).
    func pluginEnabledFlags(businessID: Int) throws -> [String: Bool]
    func setPluginEnabled(businessID: Int, plugin: String, enabled: Bool) throws
    func setPluginSettings(businessID: Int, plugin: String, values: [String: SettingValue]) throws
    /// The staff roles each intent allows, where the business changed the manifests' defaults (`frontdesk roles`).
    func staffRoles(businessID: Int) throws -> [IntentID: Set<Role>]
    /// Sets the staff roles that may ask for an intent for a client; nil returns to the manifest's default.
    func setStaffRoles(businessID: Int, intent: IntentID, roles: Set<Role>?) throws
}

/// Admin API bearer tokens, each belonging to one business, kept as hashes only.
public protocol AdminTokenRepository {
    /// The token with this hash (SHA-256 hex), revoked or not.
    func adminToken(hash: String) throws -> AdminTokenRecord?
    /// A business's tokens, newest first.
    func adminTokens(businessID: Int) throws -> [AdminTokenRecord]
    func insertAdminToken(hash: String, businessID: Int, label: String, now: Date) throws -> Int
    /// Revokes a token of this business; false when there is no such live token.
    func revokeAdminToken(id: Int, businessID: Int, now: Date) throws -> Bool
}

/// Per-business counters of inbound messages, by sender and in total, in fixed windows.
public protocol RateLimitRepository {
    /// Counts one more event for `key` in the window starting at `window` and returns the window's count.
    /// Older windows of the same key are forgotten when a new one starts.
    func countRateEvent(businessID: Int, key: String, window: Date) throws -> Int
    /// The business's limits, nil where it keeps the defaults.
    func rateLimits(businessID: Int) throws -> RateLimits
    func setRateLimits(businessID: Int, _ limits: RateLimits) throws
}

/// Webhook tokens already seen (replay protection that survives restarts and spans processes).
public protocol ReplayTokenRepository {
    /// Records a token; false when it was seen within `retention` (a replay). Older tokens are forgotten.
    func recordWebhookToken(provider: String, token: String, now: Date, retention: TimeInterval) throws -> Bool
}

/// What a client can see of their data and have erased (`frontdesk client export|erase`), and how long a business
/// keeps message texts.
public protocol PrivacyRepository {
    /// Every card on file for the client, newest first (brand, last4, expiry; never the processor's token).
    func paymentMethods(clientID: Int) throws -> [PaymentMethod]
    /// The client's conversations: theirs by id or by one of their addresses, oldest first.
    func conversations(clientID: Int) throws -> [Conversation]
    /// Outbox items addressed to one of the client's addresses, oldest first.
    func outboxItems(clientID: Int) throws -> [OutboxRecord]
    /// The client's addresses that have opted out of the business's texts, with when.
    func optOuts(clientID: Int) throws -> [(address: String, at: Date)]
    /// What erasing the client would remove and keep, changing nothing.
    func erasurePlan(clientID: Int) throws -> ClientErasure
    /// Erases the client (see `ClientErasure`) and records `client.erase` without their personal data.
    func eraseClient(id: Int, actor: String, via: String, now: Date) throws -> ClientErasure
    /// Days the business keeps message texts; nil keeps them.
    func retentionDays(businessID: Int) throws -> Int?
    func setRetentionDays(businessID: Int, days: Int?) throws
    /// Removes the text and subject of the business's messages, and the bodies of outbox items that are no
    /// longer pending, created before `cutoff`; returns how many rows lost text.
    func applyRetention(businessID: Int, cutoff: Date) throws -> Int
    /// Records a client's request for a copy or the erasure of their data, pending staff approval.
    func insertPrivacyRequest(
        businessID: Int, clientID: Int, kind: PrivacyRequest.Kind, channel: Channel, requestedBy: String, now: Date
    ) throws -> Int
    func privacyRequest(id: Int) throws -> PrivacyRequest?
    /// A business's requests, newest first, optionally of one status.
    func privacyRequests(businessID: Int, status: PrivacyRequest.Status?, limit: Int) throws -> [PrivacyRequest]
    /// A client's requests, newest first.
    func privacyRequests(clientID: Int) throws -> [PrivacyRequest]
    /// Moves a request on, once: false when its status was not one of `from` (someone else decided first).
    /// `decidedBy` and `note` are recorded with an approval or a rejection; `done` records when it was carried out.
    func movePrivacyRequest(
        id: Int, from: [PrivacyRequest.Status], to: PrivacyRequest.Status, decidedBy: String?, note: String?, now: Date
    ) throws -> Bool
}

/// One-time codes that let an unknown address prove it belongs to a client (only their salted hashes are kept).
public protocol VerificationRepository {
    func insertVerification(_ verification: NewVerification, now: Date) throws -> Int
    func verification(id: Int) throws -> Verification?
    /// Counts one wrong code and returns the tries made so far.
    func failVerification(id: Int) throws -> Int
    /// Marks a code used, once: false when it was already used, has expired or is locked after too many tries.
    func useVerification(id: Int, now: Date) throws -> Bool
    /// Ends the codes still open for an address (a new code replaces them).
    func closeVerifications(businessID: Int, channel: Channel, address: String, now: Date) throws
}

/// What a billing provider's ledger reads and writes (issue 16). Only `FrontdeskBilling` calls these; plugins go
/// through its `BillingProvider`.
public protocol BillingRepository {
    /// The membership, only if it belongs to this client.
    func membership(id: Int, clientID: Int) throws -> Membership?
    /// Writes a membership's billing fields, only if its status is still `expected` (two confirmations cannot both
    /// apply); false when it changed meanwhile. The services left are reset to `services` when given.
    func updateMembershipBilling(
        id: Int, expected: MembershipStatus, to state: MembershipBillingState, services: [IncludedService]?
    ) throws -> Bool
    /// Records a pause in the membership's history (pauses per year are counted from it).
    func recordPause(membershipID: Int, pause: MembershipPause, now: Date) throws
    /// Marks the membership's open pause as ended at `at` (a resume, or a scheduled pause taken back).
    func endPause(membershipID: Int, at: Date) throws
    /// Pauses of the membership that start at or after `since`.
    func pauseCount(membershipID: Int, since: Date) throws -> Int
    /// Records one payment attempt on an invoice: its new status and, when it failed, why (a decline code).
    func recordPaymentAttempt(invoiceID: Int, status: Invoice.Status, error: String?) throws
    /// The invoice number after the business's highest `prefix` number (`INV-1043` after `INV-1042`).
    func nextInvoiceNumber(businessID: Int, prefix: String) throws -> String
    /// The payment method, only if it belongs to this client (brand, last4, expiry; never the token).
    func paymentMethod(id: Int, clientID: Int) throws -> PaymentMethod?
    /// The processor's token of one of the client's cards.
    func processorToken(paymentMethodID: Int, clientID: Int) throws -> String?
}

/// What the built-in ledger reads for billing events and the reminders scheduler (issue 17). Only
/// `FrontdeskBilling` calls these; everything else goes through its `BillingProvider`.
public protocol BillingEventRepository {
    /// Records something a client should hear of (a payment that failed), handled once later.
    func insertBillingEvent(
        businessID: Int, clientID: Int, kind: BillingEventRecord.Kind, invoiceID: Int?, detail: String?, now: Date
    ) throws
    /// The business's events not handled yet, oldest first.
    func unhandledBillingEvents(businessID: Int, limit: Int) throws -> [BillingEventRecord]
    func markBillingEventHandled(id: Int, now: Date) throws
    /// Memberships (id, client) of the business in one of `statuses` whose next billing date lies in [from, to).
    func membershipsBilling(businessID: Int, statuses: [MembershipStatus], from: Date, to: Date) throws
        -> [(membershipID: Int, clientID: Int)]
    /// Trialing memberships (id, client) of the business whose trial (current period) ends in [from, to).
    func trialsEnding(businessID: Int, from: Date, to: Date) throws -> [(membershipID: Int, clientID: Int)]
    /// Default cards (id, client) of the business's clients with a live membership, expiring from month `from`
    /// through month `through` (months counted as year × 12 + month).
    func cardsExpiring(businessID: Int, fromMonth: Int, throughMonth: Int) throws
        -> [(paymentMethodID: Int, clientID: Int)]
}

/// The web console's records (issue 19): staff sign-in links and sessions, takeovers, handoffs, staff replies and
/// the reply addresses of handoff notices, and the business-scoped lists its pages show.
public protocol ConsoleRepository {
    func staff(id: Int) throws -> Staff?
    /// Every staff member, of any business, registered with this exact address.
    func staffEverywhere(address: String, channel: Channel) throws -> [Staff]
    /// Stores a sign-in link by its token's hash.
    func insertSignIn(tokenHash: String, businessID: Int, staffID: Int, now: Date, expiresAt: Date) throws
    func signIn(tokenHash: String) throws -> ConsoleSignIn?
    /// Marks a sign-in link used, once (one guarded update, like `consumeLink`); false if used or expired.
    func consumeSignIn(tokenHash: String, now: Date) throws -> Bool
    func insertSession(tokenHash: String, businessID: Int, staffID: Int, now: Date, expiresAt: Date) throws
    func session(tokenHash: String) throws -> ConsoleSession?
    func touchSession(tokenHash: String, now: Date) throws
    /// Ends a session now (sign-out, or a new sign-in on the same browser); false when there was none still open.
    @discardableResult
    func endSession(tokenHash: String, now: Date) throws -> Bool

    /// Inbound messages of the business since a time.
    func messageCount(businessID: Int, since: Date) throws -> Int
    /// Inbound messages of the business since a time, by intent, most frequent first.
    func intentCounts(businessID: Int, since: Date) throws -> [(intent: String, count: Int)]
    /// The business's outbox items by status.
    func outboxCounts(businessID: Int) throws -> [(status: String, count: Int)]
    /// The business's outbox items, newest first, optionally of one status.
    func outbox(businessID: Int, status: OutboxRecord.Status?, limit: Int) throws -> [OutboxRecord]

    func conversation(id: Int) throws -> Conversation?
    func conversationSummaries(businessID: Int, filter: ConversationFilter) throws -> [ConversationSummary]
    /// The outbox items answering a conversation's messages, oldest first.
    func outboxItems(conversationID: Int) throws -> [OutboxRecord]

    /// Records that a conversation asked for a person.
    func openHandoff(businessID: Int, conversationID: Int, messageID: Int?, now: Date) throws
    /// Marks the conversation's open handoffs answered by a person; returns how many.
    @discardableResult
    func answerHandoffs(conversationID: Int, staffID: Int?, now: Date) throws -> Int
    func openHandoffCount(businessID: Int) throws -> Int

    func takeover(conversationID: Int) throws -> Takeover?
    /// A staff member takes the conversation (from whoever held it).
    func take(conversationID: Int, businessID: Int, staffID: Int, now: Date) throws
    /// The holder acted (a reply): the idle time starts again.
    func touchTakeover(conversationID: Int, now: Date) throws
    /// Keeps the client's latest email ids with the takeover, for threading the person's answer.
    func noteTakeoverThread(conversationID: Int, messageID: String, references: [String]) throws
    /// Gives the conversation back to the bot; false when nobody held it.
    @discardableResult
    func releaseTakeover(conversationID: Int) throws -> Bool

    func insertStaffReply(outboxID: Int, businessID: Int, conversationID: Int, staffID: Int?, via: String, now: Date)
        throws
    func staffReplies(conversationID: Int) throws -> [StaffReply]

    func insertReplyRoute(
        tokenHash: String, businessID: Int, conversationID: Int, staffID: Int, now: Date, expiresAt: Date) throws
    func replyRoute(tokenHash: String) throws -> ReplyRoute?

    /// The business's clients whose name, email or phone contains `query` (ASCII case ignored), by name.
    func searchClients(businessID: Int, query: String, limit: Int) throws -> [Client]
    func auditEntries(businessID: Int, filter: AuditFilter) throws -> [AuditEntry]
}

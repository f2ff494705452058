import Foundation
import FrontdeskCore
import FrontdeskStore

// Automated notices, the context replies to them are read in, API idempotency keys, billing events and the
// scheduler's queries over the ledger (issue 17, migration 014_notices).

extension Connection {
    /// A notice's status follows its outbox item once queued: sent (or inline), failed (dead), suppressed (the
    /// recipient opted out meanwhile), scheduled (held for the end of quiet hours, not tried yet) or queued (due, or
    /// waiting for a retry or its sending number's turn).
    private static let noticeSelect = """
        SELECT n.*, o.last_error AS outbox_error,
          CASE
            WHEN n.status = 'suppressed' THEN 'suppressed'
            WHEN o.id IS NULL THEN n.status
            WHEN o.status IN ('sent', 'inline') THEN 'sent'
            WHEN o.status = 'dead' THEN 'failed'
            WHEN o.status = 'suppressed' THEN 'suppressed'
            WHEN o.attempts = 0 AND n.send_at > ?1 THEN 'scheduled'
            ELSE 'queued'
          END AS derived_status
        FROM notices n LEFT JOIN outbox o ON o.id = n.outbox_id
        """

    public func insertNotice(_ n: NewNotice, now: Date) throws -> Int {
        try execute(
            """
            INSERT INTO notices (business_id, client_id, kind, channel, recipient, status, reason, dedupe_key, source,
              resource, outbox_id, send_at, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, n.businessID, n.clientID, n.kind.rawValue, n.channel?.rawValue, n.recipient,
            n.outboxID == nil ? "suppressed" : "queued", n.reason, n.dedupeKey, n.source, n.resource, n.outboxID,
            n.sendAt, n.messageID, now)
        return lastInsertID
    }

    public func notice(id: Int, now: Date) throws -> Notice? {
        try queryArray(Self.noticeSelect + " WHERE n.id = ?2", [now, id]).first.map(Self.notice)
    }

    public func notice(businessID: Int, dedupeKey: String, now: Date) throws -> Notice? {
        try queryArray(
            Self.noticeSelect + " WHERE n.business_id = ?2 AND n.dedupe_key = ?3", [now, businessID, dedupeKey]
        )
        .first.map(Self.notice)
    }

    public func notices(_ q: NoticeQuery, now: Date) throws -> [Notice] {
        try queryArray(
            """
            SELECT * FROM (\(Self.noticeSelect)
              WHERE (?2 IS NULL OR n.business_id = ?2) AND (?3 IS NULL OR n.client_id = ?3)
                AND (?4 IS NULL OR n.kind = ?4))
            WHERE ?5 IS NULL OR derived_status = ?5
            ORDER BY id DESC LIMIT ?6
            """, [now, q.businessID, q.clientID, q.kind?.rawValue, q.status?.rawValue, max(1, q.limit)]
        ).map(Self.notice)
    }

    public func noticeCounts(businessID: Int?, now: Date) throws -> [NoticeStatus: Int] {
        var counts: [NoticeStatus: Int] = [:]
        for r in try queryArray(
            """
            SELECT derived_status, COUNT(*) AS n FROM (\(Self.noticeSelect) WHERE ?2 IS NULL OR n.business_id = ?2)
            GROUP BY derived_status
            """, [now, businessID])
        {
            if let status = r.string("derived_status").flatMap(NoticeStatus.init(rawValue:)) {
                counts[status] = r.int("n") ?? 0
            }
        }
        return counts
    }

    static func notice(_ r: Row) -> Notice {
        let status = r.string("derived_status").flatMap(NoticeStatus.init(rawValue:)) ?? .queued
        // A notice the outbox gave up on says why, in the outbox's sanitized words.
        let reason = r.string("reason") ?? (status == .failed || status == .suppressed ? r.string("outbox_error") : nil)
        return Notice(
            id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, clientID: r.int("client_id") ?? 0,
            kind: r.string("kind").flatMap(NoticeKind.init(rawValue:)) ?? .custom,
            channel: r.string("channel").flatMap(Channel.init(rawValue:)), recipient: r.string("recipient"),
            status: status, reason: reason, dedupeKey: r.string("dedupe_key") ?? "", source: r.string("source") ?? "",
            resource: r.string("resource"), outboxID: r.int("outbox_id"), sendAt: r.date("send_at") ?? Date(),
            messageID: r.string("message_id"), createdAt: r.date("created_at") ?? Date())
    }

    public func smsConsent(clientID: Int) throws -> Bool {
        try queryOne("SELECT sms_consent FROM clients WHERE id = ?", clientID)?.bool("sms_consent") ?? false
    }

    public func setSMSConsent(clientID: Int, consent: Bool) throws {
        try execute("UPDATE clients SET sms_consent = ? WHERE id = ?", consent, clientID)
    }

    public func setNoticeContext(conversationID: Int, noticeID: Int?, expiresAt: Date?) throws {
        try execute(
            "UPDATE conversations SET notice_id = ?, notice_expires_at = ? WHERE id = ?", noticeID,
            noticeID == nil ? nil : expiresAt, conversationID)
    }

    public func noticeContext(conversationID: Int, now: Date) throws -> Notice? {
        guard
            let r = try queryOne(
                "SELECT notice_id FROM conversations WHERE id = ? AND notice_id IS NOT NULL AND notice_expires_at > ?",
                conversationID, now), let id = r.int("notice_id")
        else { return nil }
        return try notice(id: id, now: now)
    }

    public func idempotentResponse(businessID: Int, key: String) throws -> IdempotentResponse? {
        try queryOne("SELECT * FROM idempotency_keys WHERE business_id = ? AND key = ?", businessID, key).map {
            IdempotentResponse(
                requestHash: $0.string("request_hash") ?? "", status: $0.int("status") ?? 0,
                body: $0.string("body") ?? "")
        }
    }

    public func storeIdempotentResponse(businessID: Int, key: String, _ r: IdempotentResponse, now: Date) throws {
        try execute(
            """
            INSERT INTO idempotency_keys (business_id, key, request_hash, status, body, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, businessID, key, r.requestHash, r.status, r.body, now)
    }

    public func pruneIdempotencyKeys(before cutoff: Date) throws {
        try execute("DELETE FROM idempotency_keys WHERE created_at < ?", cutoff)
    }

    // MARK: Billing events and the scheduler's queries

    public func insertBillingEvent(
        businessID: Int, clientID: Int, kind: BillingEventRecord.Kind, invoiceID: Int?, detail: String?, now: Date
    ) throws {
        try execute(
            """
            INSERT INTO billing_events (business_id, client_id, kind, invoice_id, detail, occurred_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, businessID, clientID, kind.rawValue, invoiceID, detail, now)
    }

    public func unhandledBillingEvents(businessID: Int, limit: Int) throws -> [BillingEventRecord] {
        try query(
            "SELECT * FROM billing_events WHERE business_id = ? AND handled_at IS NULL ORDER BY id LIMIT ?", businessID,
            limit
        ).map {
            BillingEventRecord(
                id: $0.int("id") ?? 0, businessID: $0.int("business_id") ?? 0, clientID: $0.int("client_id") ?? 0,
                kind: $0.string("kind").flatMap(BillingEventRecord.Kind.init(rawValue:)) ?? .paymentFailed,
                invoiceID: $0.int("invoice_id"), detail: $0.string("detail"),
                occurredAt: $0.date("occurred_at") ?? Date())
        }
    }

    public func markBillingEventHandled(id: Int, now: Date) throws {
        try execute("UPDATE billing_events SET handled_at = ? WHERE id = ?", now, id)
    }

    public func membershipsBilling(businessID: Int, statuses: [MembershipStatus], from: Date, to: Date) throws
        -> [(membershipID: Int, clientID: Int)]
    {
        let wanted = Set(statuses.map(\.rawValue))
        return try query(
            """
            SELECT id, client_id, status FROM memberships
            WHERE business_id = ? AND next_billing_at >= ? AND next_billing_at < ? ORDER BY id
            """, businessID, from, to
        ).filter { wanted.contains($0.string("status") ?? "") }.map {
            (membershipID: $0.int("id") ?? 0, clientID: $0.int("client_id") ?? 0)
        }
    }

    public func trialsEnding(businessID: Int, from: Date, to: Date) throws -> [(membershipID: Int, clientID: Int)] {
        try query(
            """
            SELECT id, client_id FROM memberships WHERE business_id = ? AND status = 'trialing'
              AND current_period_end >= ? AND current_period_end < ? ORDER BY id
            """, businessID, from, to
        ).map { (membershipID: $0.int("id") ?? 0, clientID: $0.int("client_id") ?? 0) }
    }

    public func cardsExpiring(businessID: Int, fromMonth: Int, throughMonth: Int) throws
        -> [(paymentMethodID: Int, clientID: Int)]
    {
        try query(
            """
            SELECT pm.id, pm.client_id FROM payment_methods pm JOIN clients c ON c.id = pm.client_id
            WHERE c.business_id = ? AND pm.is_default = 1
              AND pm.exp_year * 12 + pm.exp_month BETWEEN ? AND ?
              AND EXISTS (SELECT 1 FROM memberships m WHERE m.client_id = pm.client_id
                          AND m.status IN ('active', 'trialing', 'past_due', 'paused'))
            ORDER BY pm.id
            """, businessID, fromMonth, throughMonth
        ).map { (paymentMethodID: $0.int("id") ?? 0, clientID: $0.int("client_id") ?? 0) }
    }
}

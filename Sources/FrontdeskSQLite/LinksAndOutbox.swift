import Foundation
import FrontdeskCore
import FrontdeskStore

extension Connection {
    // MARK: One-time links (hash only)

    public func insertLink(
        tokenHash: String, businessID: Int, clientID: Int, action: String, resource: String, now: Date, expiresAt: Date
    ) throws {
        try execute(
            """
            INSERT INTO links (token_hash, business_id, client_id, action, resource, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, tokenHash, businessID, clientID, action, resource, now, expiresAt)
    }

    public func link(tokenHash: String) throws -> LinkRecord? {
        try queryOne("SELECT * FROM links WHERE token_hash = ?", tokenHash).map(Self.link)
    }

    public func link(id: Int) throws -> LinkRecord? {
        try queryOne("SELECT * FROM links WHERE id = ?", id).map(Self.link)
    }

    public func links(clientID: Int) throws -> [LinkRecord] {
        try query("SELECT * FROM links WHERE client_id = ? ORDER BY id DESC", clientID).map(Self.link)
    }

    static func link(_ r: Row) -> LinkRecord {
        LinkRecord(
            id: r.int("id") ?? 0, tokenHash: r.string("token_hash") ?? "", businessID: r.int("business_id") ?? 0,
            clientID: r.int("client_id") ?? 0, action: r.string("action") ?? "", resource: r.string("resource") ?? "",
            expiresAt: r.date("expires_at") ?? Date(timeIntervalSince1970: 0), usedAt: r.date("used_at"))
    }

    /// Marks a link used, once: a single UPDATE guarded by `used_at IS NULL` and the expiry, so two
    /// concurrent redemptions cannot both succeed.
    public func consumeLink(tokenHash: String, now: Date) throws -> Bool {
        try execute(
            "UPDATE links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?", now, tokenHash,
            now) == 1
    }

    // MARK: Outbox

    @discardableResult
    public func enqueue(
        businessID: Int, messageID: Int?, channel: Channel, kind: String = "reply", recipient: String, sender: String,
        subject: String?, body: String, headers: [String: String] = [:], status: OutboxRecord.Status = .pending,
        now: Date
    ) throws -> Int {
        let headerJSON = JSON.object(headers.keys.sorted().map { ($0, .string(headers[$0] ?? "")) }).serialized()
        // An inline reply has left with the HTTP response: its tokens are never stored.
        let body = status == .inline ? try redactor.redactLinkTokens(in: body, links: self) : body
        try execute(
            """
            INSERT INTO outbox (business_id, message_id, channel, kind, recipient, sender, subject, body, headers,
              next_attempt_at, status, created_at, sent_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, businessID, messageID, channel.rawValue, kind, recipient, sender, subject, body,
            headerJSON, now, status.rawValue, now, status == .inline ? now : nil)
        return lastInsertID
    }

    /// Pending items whose next attempt is due, oldest first. Items to a recipient who has opted out of
    /// this business are suppressed first (CTIA: nothing after STOP but its one confirmation).
    public func dueOutbox(now: Date, limit: Int) throws -> [OutboxRecord] {
        let suppressed = try query(
            """
            UPDATE outbox SET status = 'suppressed', last_error = 'recipient opted out'
            WHERE status = 'pending' AND kind != 'compliance' AND next_attempt_at <= ?
              AND EXISTS (SELECT 1 FROM sms_optouts o WHERE o.business_id = outbox.business_id AND o.address = outbox.recipient)
            RETURNING id
            """, now)
        for row in suppressed { try redactOutboxBody(id: row.int("id") ?? 0) }
        return try query(
            "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            now, limit
        ).map(Self.outbox)
    }

    public func outbox(status: OutboxRecord.Status? = nil, limit: Int = 100) throws -> [OutboxRecord] {
        if let status {
            return try query("SELECT * FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?", status.rawValue, limit)
                .map(Self.outbox)
        }
        return try query("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", limit).map(Self.outbox)
    }

    public func outboxItems(messageID: Int) throws -> [OutboxRecord] {
        try query("SELECT * FROM outbox WHERE message_id = ? ORDER BY id", messageID).map(Self.outbox)
    }

    public func markOutboxSent(id: Int, providerMessageID: String?, now: Date) throws {
        try execute(
            """
            UPDATE outbox SET status = 'sent', sent_at = ?, provider_message_id = ?, attempts = attempts + 1,
            last_error = NULL WHERE id = ?
            """, now, providerMessageID, id)
        try redactOutboxBody(id: id)
    }

    /// Records a failed attempt: retried at `nextAttempt`, or moved to `dead` (or `suppressed`) when nil.
    public func markOutboxFailed(id: Int, error: String, nextAttempt: Date?, status: OutboxRecord.Status = .dead)
        throws
    {
        if let nextAttempt {
            try execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                String(error.prefix(500)), nextAttempt, id)
        } else {
            try execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, status = ? WHERE id = ?",
                String(error.prefix(500)), status.rawValue, id)
            try redactOutboxBody(id: id)
        }
    }

    public func outboxItem(id: Int) throws -> OutboxRecord? {
        try queryOne("SELECT * FROM outbox WHERE id = ?", id).map(Self.outbox)
    }

    /// Replaces the link tokens in the body of an item that will not be sent (again): sent, dead or suppressed.
    /// Its link still works for whoever received it; the database no longer holds the token.
    func redactOutboxBody(id: Int) throws {
        guard let row = try queryOne("SELECT kind, body FROM outbox WHERE id = ?", id), let body = row.string("body")
        else { return }
        switch row.string("kind") {
        case OutboxRecord.erasureNoticeKind:
            // The last message to an erased client names their address: once it has left, no trace of it stays.
            try execute("DELETE FROM outbox WHERE id = ?", id)
            walHoldsRedactedText = true
            return
        case OutboxRecord.verificationKind:
            // Only the code's salted hash is kept (`verifications`); the message that carried it keeps no copy.
            try execute("UPDATE outbox SET body = ? WHERE id = ?", OutboxRecord.redactedCode, id)
            walHoldsRedactedText = true
            return
        default: break
        }
        let redacted = try redactor.redactLinkTokens(in: body, links: self)
        guard redacted != body else { return }
        try execute("UPDATE outbox SET body = ? WHERE id = ?", redacted, id)
        walHoldsRedactedText = true
    }

    /// Defers an item without counting an attempt (rate limit).
    public func deferOutbox(id: Int, until: Date) throws {
        try execute("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", until, id)
    }

    /// Puts a dead item back in the queue; returns false if it was not dead.
    public func retryOutbox(id: Int, now: Date) throws -> Bool {
        try execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status IN ('dead', 'suppressed')",
            now, id) == 1
    }

    /// Messages sent to a recipient since a time (for the per-recipient rate limit).
    public func sentCount(recipient: String, since: Date) throws -> Int {
        try queryOne(
            "SELECT count(*) AS n FROM outbox WHERE recipient = ? AND status = 'sent' AND sent_at >= ?", recipient,
            since
        )?.int("n") ?? 0
    }

    static func outbox(_ r: Row) -> OutboxRecord {
        var headers: [String: String] = [:]
        if let data = r.string("headers")?.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        {
            headers = object
        }
        return OutboxRecord(
            id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0,
            channel: Channel(rawValue: r.string("channel") ?? "") ?? .sms, kind: r.string("kind") ?? "reply",
            recipient: r.string("recipient") ?? "", sender: r.string("sender") ?? "", subject: r.string("subject"),
            body: r.string("body") ?? "", headers: headers, attempts: r.int("attempts") ?? 0,
            nextAttemptAt: r.date("next_attempt_at") ?? Date(timeIntervalSince1970: 0),
            status: OutboxRecord.Status(rawValue: r.string("status") ?? "") ?? .pending,
            lastError: r.string("last_error"),
            createdAt: r.date("created_at") ?? Date(timeIntervalSince1970: 0))
    }
}

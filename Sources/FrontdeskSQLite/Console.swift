import Foundation
import FrontdeskCore
import FrontdeskStore

// Issue 19 in SQL: the web console's sign-ins, sessions, takeovers, handoffs, staff replies and reply routes, and the
// business-scoped lists its pages show.
extension Connection {
    // MARK: Staff

    public func staff(id: Int) throws -> Staff? {
        try queryOne("SELECT * FROM staff WHERE id = ?", id).map(Self.staff)
    }

    public func staffEverywhere(address: String, channel: Channel) throws -> [Staff] {
        let column = channel == .email ? "email" : "phone"
        return try query("SELECT * FROM staff WHERE \(column) = ? ORDER BY business_id, id", address).map(Self.staff)
    }

    // MARK: Sign-in links and sessions (hashes only)

    public func insertSignIn(tokenHash: String, businessID: Int, staffID: Int, now: Date, expiresAt: Date) throws {
        try execute(
            """
            INSERT INTO console_sign_ins (token_hash, business_id, staff_id, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?)
            """, tokenHash, businessID, staffID, now, expiresAt)
    }

    public func signIn(tokenHash: String) throws -> ConsoleSignIn? {
        try queryOne("SELECT * FROM console_sign_ins WHERE token_hash = ?", tokenHash).map { r in
            ConsoleSignIn(
                id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, staffID: r.int("staff_id") ?? 0,
                expiresAt: r.date("expires_at") ?? Date(timeIntervalSince1970: 0), usedAt: r.date("used_at"))
        }
    }

    /// One guarded UPDATE: two submissions of the same link cannot both sign in.
    public func consumeSignIn(tokenHash: String, now: Date) throws -> Bool {
        try execute(
            "UPDATE console_sign_ins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?", now,
            tokenHash, now) == 1
    }

    public func insertSession(tokenHash: String, businessID: Int, staffID: Int, now: Date, expiresAt: Date) throws {
        try execute(
            """
            INSERT INTO console_sessions (token_hash, business_id, staff_id, created_at, last_seen_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, tokenHash, businessID, staffID, now, now, expiresAt)
    }

    public func session(tokenHash: String) throws -> ConsoleSession? {
        try queryOne("SELECT * FROM console_sessions WHERE token_hash = ?", tokenHash).map { r in
            let zero = Date(timeIntervalSince1970: 0)
            return ConsoleSession(
                id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, staffID: r.int("staff_id") ?? 0,
                createdAt: r.date("created_at") ?? zero, lastSeenAt: r.date("last_seen_at") ?? zero,
                expiresAt: r.date("expires_at") ?? zero, endedAt: r.date("ended_at"))
        }
    }

    public func touchSession(tokenHash: String, now: Date) throws {
        try execute(
            "UPDATE console_sessions SET last_seen_at = ? WHERE token_hash = ? AND ended_at IS NULL", now, tokenHash)
    }

    @discardableResult
    public func endSession(tokenHash: String, now: Date) throws -> Bool {
        try execute(
            "UPDATE console_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL", now, tokenHash) == 1
    }

    // MARK: Overview

    public func messageCount(businessID: Int, since: Date) throws -> Int {
        try queryOne(
            "SELECT count(*) AS n FROM messages WHERE business_id = ? AND direction = 'in' AND created_at >= ?",
            businessID, since)?.int("n") ?? 0
    }

    public func intentCounts(businessID: Int, since: Date) throws -> [(intent: String, count: Int)] {
        try query(
            """
            SELECT COALESCE(intent, '') AS intent, count(*) AS n FROM messages
            WHERE business_id = ? AND direction = 'in' AND created_at >= ?
            GROUP BY COALESCE(intent, '') ORDER BY n DESC, intent
            """, businessID, since
        ).map { (intent: $0.string("intent") ?? "", count: $0.int("n") ?? 0) }
    }

    public func outboxCounts(businessID: Int) throws -> [(status: String, count: Int)] {
        try query(
            "SELECT status, count(*) AS n FROM outbox WHERE business_id = ? GROUP BY status ORDER BY status", businessID
        ).map { (status: $0.string("status") ?? "", count: $0.int("n") ?? 0) }
    }

    public func outbox(businessID: Int, status: OutboxRecord.Status?, limit: Int) throws -> [OutboxRecord] {
        try query(
            """
            SELECT * FROM outbox WHERE business_id = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY id DESC LIMIT ?3
            """, businessID, status?.rawValue, limit
        ).map(Self.outbox)
    }

    // MARK: Conversations

    public func conversation(id: Int) throws -> Conversation? {
        try queryOne("SELECT * FROM conversations WHERE id = ?", id).map(Self.conversation)
    }

    static func conversation(_ r: Row) -> Conversation {
        Conversation(
            id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, clientID: r.int("client_id"),
            channel: Channel(rawValue: r.string("channel") ?? "") ?? .sms, address: r.string("address") ?? "",
            pendingAction: r.string("pending_action"), pendingPayload: r.string("pending_payload"),
            pendingExpiresAt: r.date("pending_expires_at"))
    }

    public func conversationSummaries(businessID: Int, filter: ConversationFilter) throws -> [ConversationSummary] {
        let like = filter.client.map { "%" + Self.escapeLike($0.lowercased()) + "%" }
        return try query(
            """
            SELECT c.*, cl.first_name, cl.last_name, t.staff_id AS taken_by, t.active_at AS taken_active_at,
                   lm.created_at AS last_at, lm.extracted_text AS last_text, lm.intent AS last_intent,
                   (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count,
                   EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id AND h.answered_at IS NULL)
                     AS needs_person
            FROM conversations c
            LEFT JOIN clients cl ON cl.id = c.client_id
            LEFT JOIN takeovers t ON t.conversation_id = c.id
            LEFT JOIN messages lm ON lm.id = (SELECT max(id) FROM messages m WHERE m.conversation_id = c.id)
            WHERE c.business_id = ?1
              AND (?2 = 0 OR EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id AND h.answered_at IS NULL))
              AND (?3 IS NULL OR c.client_id = ?3)
              AND (?4 IS NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.intent = ?4))
              AND (?5 IS NULL OR lower(cl.first_name || ' ' || cl.last_name) LIKE ?5 ESCAPE '\\'
                   OR lower(c.address) LIKE ?5 ESCAPE '\\')
            ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?6
            """, businessID, filter.needsPerson, filter.clientID, filter.intent, like, filter.limit
        ).map { r in
            let first = r.string("first_name")
            let name = first.map { f in
                let last = r.string("last_name") ?? ""
                return last.isEmpty ? f : "\(f) \(last)"
            }
            return ConversationSummary(
                conversation: Self.conversation(r), clientName: name, lastMessageAt: r.date("last_at"),
                lastText: r.string("last_text"), lastIntent: r.string("last_intent"),
                messageCount: r.int("message_count") ?? 0, needsPerson: r.bool("needs_person"),
                takenBy: r.int("taken_by"), takenActiveAt: r.date("taken_active_at"))
        }
    }

    public func outboxItems(conversationID: Int) throws -> [OutboxRecord] {
        try query(
            """
            SELECT o.* FROM outbox o JOIN messages m ON m.id = o.message_id
            WHERE m.conversation_id = ? ORDER BY o.id
            """, conversationID
        ).map(Self.outbox)
    }

    // MARK: Handoffs and takeovers

    public func openHandoff(businessID: Int, conversationID: Int, messageID: Int?, now: Date) throws {
        try execute(
            "INSERT INTO handoffs (business_id, conversation_id, message_id, created_at) VALUES (?, ?, ?, ?)",
            businessID, conversationID, messageID, now)
    }

    @discardableResult
    public func answerHandoffs(conversationID: Int, staffID: Int?, now: Date) throws -> Int {
        try execute(
            "UPDATE handoffs SET answered_at = ?, answered_by = ? WHERE conversation_id = ? AND answered_at IS NULL",
            now, staffID, conversationID)
    }

    public func openHandoffCount(businessID: Int) throws -> Int {
        try queryOne(
            """
            SELECT count(DISTINCT conversation_id) AS n FROM handoffs WHERE business_id = ? AND answered_at IS NULL
            """, businessID)?.int("n") ?? 0
    }

    public func takeover(conversationID: Int) throws -> Takeover? {
        try queryOne("SELECT * FROM takeovers WHERE conversation_id = ?", conversationID).map { r in
            let zero = Date(timeIntervalSince1970: 0)
            return Takeover(
                conversationID: conversationID, businessID: r.int("business_id") ?? 0, staffID: r.int("staff_id") ?? 0,
                takenAt: r.date("taken_at") ?? zero, activeAt: r.date("active_at") ?? zero,
                threadMessageID: r.string("thread_message_id"),
                threadReferences: (r.string("thread_references") ?? "").split(separator: " ").map(String.init))
        }
    }

    public func take(conversationID: Int, businessID: Int, staffID: Int, now: Date) throws {
        try execute(
            """
            INSERT INTO takeovers (conversation_id, business_id, staff_id, taken_at, active_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (conversation_id) DO UPDATE SET
              taken_at = CASE WHEN staff_id = excluded.staff_id THEN taken_at ELSE excluded.taken_at END,
              staff_id = excluded.staff_id, active_at = excluded.active_at
            """, conversationID, businessID, staffID, now, now)
    }

    public func touchTakeover(conversationID: Int, now: Date) throws {
        try execute("UPDATE takeovers SET active_at = ? WHERE conversation_id = ?", now, conversationID)
    }

    public func noteTakeoverThread(conversationID: Int, messageID: String, references: [String]) throws {
        try execute(
            "UPDATE takeovers SET thread_message_id = ?, thread_references = ? WHERE conversation_id = ?", messageID,
            references.joined(separator: " "), conversationID)
    }

    @discardableResult
    public func releaseTakeover(conversationID: Int) throws -> Bool {
        try execute("DELETE FROM takeovers WHERE conversation_id = ?", conversationID) == 1
    }

    // MARK: Staff replies and reply routes

    public func insertStaffReply(
        outboxID: Int, businessID: Int, conversationID: Int, staffID: Int?, via: String, now: Date
    ) throws {
        try execute(
            """
            INSERT INTO staff_replies (outbox_id, business_id, conversation_id, staff_id, via, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, outboxID, businessID, conversationID, staffID, via, now)
    }

    public func staffReplies(conversationID: Int) throws -> [StaffReply] {
        try query("SELECT * FROM staff_replies WHERE conversation_id = ? ORDER BY outbox_id", conversationID).map { r in
            StaffReply(
                outboxID: r.int("outbox_id") ?? 0, conversationID: conversationID, staffID: r.int("staff_id"),
                via: r.string("via") ?? "console", createdAt: r.date("created_at") ?? Date(timeIntervalSince1970: 0))
        }
    }

    public func insertReplyRoute(
        tokenHash: String, businessID: Int, conversationID: Int, staffID: Int, now: Date, expiresAt: Date
    ) throws {
        try execute(
            """
            INSERT INTO reply_routes (token_hash, business_id, conversation_id, staff_id, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, tokenHash, businessID, conversationID, staffID, now, expiresAt)
    }

    public func replyRoute(tokenHash: String) throws -> ReplyRoute? {
        try queryOne("SELECT * FROM reply_routes WHERE token_hash = ?", tokenHash).map { r in
            ReplyRoute(
                id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0,
                conversationID: r.int("conversation_id") ?? 0, staffID: r.int("staff_id") ?? 0,
                expiresAt: r.date("expires_at") ?? Date(timeIntervalSince1970: 0))
        }
    }

    // MARK: Clients and audit

    public func searchClients(businessID: Int, query text: String, limit: Int) throws -> [Client] {
        let like = "%" + Self.escapeLike(text.lowercased()) + "%"
        return try query(
            """
            SELECT DISTINCT c.* FROM clients c LEFT JOIN client_addresses a ON a.client_id = c.id
            WHERE c.business_id = ?1 AND (?2 = '%%' OR lower(c.first_name || ' ' || c.last_name) LIKE ?2 ESCAPE '\\'
              OR a.address LIKE ?2 ESCAPE '\\')
            ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id LIMIT ?3
            """, businessID, like, limit
        ).map(Self.client)
    }

    public func auditEntries(businessID: Int, filter: AuditFilter) throws -> [AuditEntry] {
        try query(
            """
            SELECT * FROM audit WHERE business_id = ?1 AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR actor = ?3)
              AND (?4 IS NULL OR client_id = ?4) AND (?5 IS NULL OR created_at >= ?5)
            ORDER BY id DESC LIMIT ?6
            """, businessID, filter.action, filter.actor, filter.clientID, filter.since, filter.limit
        ).map(Self.auditEntry)
    }

    /// `%`, `_` and `\` of a search typed by a person, taken literally by `LIKE … ESCAPE '\'`.
    static func escapeLike(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

import Foundation
import FrontdeskCore
import FrontdeskStore

// Reads and writes for the HTTP side: admin tokens, client import, webhook replay tokens, health and metrics.

extension Connection {
    public func adminToken(hash: String) throws -> AdminTokenRecord? {
        try queryOne("SELECT * FROM admin_tokens WHERE token_hash = ?", hash).map(Self.adminToken)
    }

    public func adminTokens(businessID: Int) throws -> [AdminTokenRecord] {
        try query("SELECT * FROM admin_tokens WHERE business_id = ? ORDER BY id DESC", businessID).map(Self.adminToken)
    }

    public func insertAdminToken(hash: String, businessID: Int, label: String, now: Date) throws -> Int {
        try execute(
            "INSERT INTO admin_tokens (token_hash, business_id, label, created_at) VALUES (?, ?, ?, ?)", hash,
            businessID, label, now)
        return lastInsertID
    }

    public func revokeAdminToken(id: Int, businessID: Int, now: Date) throws -> Bool {
        try execute(
            "UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND business_id = ? AND revoked_at IS NULL", now, id,
            businessID) == 1
    }

    static func adminToken(_ r: Row) -> AdminTokenRecord {
        AdminTokenRecord(
            id: r.int("id") ?? 0, businessID: r.int("business_id"), label: r.string("label") ?? "",
            createdAt: r.date("created_at") ?? Date(timeIntervalSince1970: 0), revokedAt: r.date("revoked_at"))
    }

    public func countRateEvent(businessID: Int, key: String, window: Date) throws -> Int {
        // No RETURNING: SQLite gathers returned rows in a temporary b-tree first, which cost more than the upsert.
        try execute(
            """
            INSERT INTO rate_counters (business_id, key, window_start, count) VALUES (?, ?, ?, 1)
            ON CONFLICT (business_id, key, window_start) DO UPDATE SET count = count + 1
            """, businessID, key, window)
        let count =
            try queryOne(
                "SELECT count FROM rate_counters WHERE business_id = ? AND key = ? AND window_start = ?", businessID,
                key, window)?.int("count") ?? 1
        if count == 1 {
            try execute(
                "DELETE FROM rate_counters WHERE business_id = ? AND key = ? AND window_start < ?", businessID, key,
                window)
        }
        return count
    }

    public func rateLimits(businessID: Int) throws -> RateLimits {
        if let cached = config?.rateLimits[businessID] { return cached }
        let limits =
            try queryOne("SELECT * FROM business_limits WHERE business_id = ?", businessID).map {
                RateLimits(senderPerHour: $0.int("sender_per_hour"), businessPerMinute: $0.int("business_per_minute"))
            } ?? RateLimits()
        config?.makeRoom()
        config?.rateLimits[businessID] = limits
        return limits
    }

    public func setRateLimits(businessID: Int, _ limits: RateLimits) throws {
        try execute(
            """
            INSERT INTO business_limits (business_id, sender_per_hour, business_per_minute) VALUES (?, ?, ?)
            ON CONFLICT (business_id) DO UPDATE SET sender_per_hour = excluded.sender_per_hour,
              business_per_minute = excluded.business_per_minute
            """, businessID, limits.senderPerHour, limits.businessPerMinute)
    }

    /// The processor's token for the client's default card (charged by a retry), if any.
    public func defaultProcessorToken(clientID: Int) throws -> String? {
        try queryOne(
            "SELECT processor_token FROM payment_methods WHERE client_id = ? ORDER BY is_default DESC, id DESC LIMIT 1",
            clientID)?.string("processor_token")
    }

    /// The invoice, only if it belongs to this client.
    public func invoice(id: Int, clientID: Int) throws -> Invoice? {
        try queryOne("SELECT * FROM invoices WHERE id = ? AND client_id = ?", id, clientID).map(Self.invoice)
    }

    /// Records a webhook token (Mailgun); false when it was seen within `retention` (a replay).
    public func recordWebhookToken(provider: String, token: String, now: Date, retention: TimeInterval) throws -> Bool {
        try execute(
            "DELETE FROM webhook_replays WHERE provider = ? AND seen_at < ?", provider,
            now.addingTimeInterval(-retention))
        return try execute(
            "INSERT OR IGNORE INTO webhook_replays (provider, token, seen_at) VALUES (?, ?, ?)", provider, token, now)
            == 1
    }

    /// Outbox items by status (for `/metrics`).
    public func outboxCounts() throws -> [(status: String, count: Int)] {
        try query("SELECT status, count(*) AS n FROM outbox GROUP BY status ORDER BY status").map {
            ($0.string("status") ?? "", $0.int("n") ?? 0)
        }
    }
}

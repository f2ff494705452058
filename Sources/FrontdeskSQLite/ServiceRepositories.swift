import Foundation
import FrontdeskCore
import FrontdeskStore

// Reads and writes for the HTTP side: admin tokens, client import, webhook replay tokens, health and metrics.

extension Connection {
    /// SHA-256 hex of every stored admin bearer token.
    public func adminTokenHashes() throws -> [String] {
        try query("SELECT token_hash FROM admin_tokens").compactMap { $0.string("token_hash") }
    }

    public func addAdminToken(hash: String, label: String, now: Date) throws {
        try execute("INSERT INTO admin_tokens (token_hash, label, created_at) VALUES (?, ?, ?)", hash, label, now)
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

import Foundation
import FrontdeskCore
import FrontdeskStore

// A client's data, found and erased (`frontdesk client export|erase`), the audit read by client, and retention.
// Every statement binds the client's id once, as ?1; the sets below are shared by the plan and the erasure so
// what is announced is what is removed.
extension Connection {
    /// The client's business.
    private static let business = "(SELECT business_id FROM clients WHERE id = ?1)"
    /// The client's addresses.
    private static let addresses = "(SELECT address FROM client_addresses WHERE client_id = ?1)"
    private static let conversations =
        "conversations WHERE business_id = \(business) AND (client_id = ?1 OR address IN \(addresses))"
    private static let messages = """
        messages WHERE conversation_id IN (SELECT id FROM \(conversations))
          OR (business_id = \(business) AND (from_address IN \(addresses) OR to_address IN \(addresses)))
        """
    private static let outbox = """
        outbox WHERE business_id = \(business)
          AND (recipient IN \(addresses) OR message_id IN (SELECT id FROM \(messages)))
        """
    /// What erasure deletes, in an order that leaves no row pointing at a deleted one (addresses last: the
    /// other sets are found through them).
    private static var removals: [(keyPath: WritableKeyPath<ClientErasure, Int>, from: String)] {
        [
            // Automated notices name the address they went to; counted with the outbox items they queued.
            (\.outboxItems, "notices WHERE client_id = ?1"),
            (\.outboxItems, outbox),
            (\.messages, messages),
            (\.conversations, conversations),
            (\.links, "links WHERE client_id = ?1"),
            (\.codes, verifications),
            (\.optOuts, optOuts),
            (\.optOuts, emailOptOuts),
            (\.rateCounters, "rate_counters WHERE business_id = \(business) AND key IN \(senderKeys)"),
            (\.addresses, "client_addresses WHERE client_id = ?1"),
        ]
    }
    private static let optOuts = "sms_optouts WHERE business_id = \(business) AND address IN \(addresses)"
    /// Email unsubscribes hold the address too (`007_email_optouts`).
    private static let emailOptOuts = "email_optouts WHERE business_id = \(business) AND address IN \(addresses)"
    /// The client's rate-limit keys (`RateLimiter` counts each sender as `sender:ADDRESS`; verification counts codes
    /// asked by an address as `verify_sender:ADDRESS` and sent to a client as `verify_client:ID`).
    private static let senderKeys = """
        (SELECT 'sender:' || address FROM client_addresses WHERE client_id = ?1
         UNION SELECT 'verify_sender:' || address FROM client_addresses WHERE client_id = ?1
         UNION SELECT 'verify_client:' || ?1)
        """
    /// One-time codes sent to the client, or asked for by one of their addresses (`009_verification`).
    private static let verifications =
        "verifications WHERE client_id = ?1 OR (business_id = \(business) AND address IN \(addresses))"
    private static let liveMemberships = "memberships WHERE client_id = ?1 AND status != 'cancelled'"
    /// Free text of the business's other rows that may quote a client (a staff notice, a forward, an audit entry).
    private static let quoting: [(table: String, columns: [String])] = [
        ("audit", ["before", "after"]), ("outbox", ["subject", "body"]), ("messages", ["subject", "extracted_text"]),
    ]

    public func paymentMethods(clientID: Int) throws -> [PaymentMethod] {
        try query("SELECT * FROM payment_methods WHERE client_id = ? ORDER BY id DESC", clientID).map {
            PaymentMethod(
                id: $0.int("id") ?? 0, brand: $0.string("brand") ?? "", last4: $0.string("last4") ?? "",
                expMonth: $0.int("exp_month") ?? 0, expYear: $0.int("exp_year") ?? 0, isDefault: $0.bool("is_default"))
        }
    }

    public func conversations(clientID: Int) throws -> [Conversation] {
        try query("SELECT * FROM \(Self.conversations) ORDER BY id", clientID).map { r in
            Conversation(
                id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, clientID: r.int("client_id"),
                channel: Channel(rawValue: r.string("channel") ?? "") ?? .sms, address: r.string("address") ?? "",
                pendingAction: r.string("pending_action"), pendingPayload: r.string("pending_payload"),
                pendingExpiresAt: r.date("pending_expires_at"))
        }
    }

    public func outboxItems(clientID: Int) throws -> [OutboxRecord] {
        // The same set erasure removes: items to the client's addresses and replies to the client's messages.
        try query("SELECT * FROM \(Self.outbox) ORDER BY id", clientID)
        .map(Self.outbox)
    }

    public func optOuts(clientID: Int) throws -> [(address: String, at: Date)] {
        try query(
            """
            SELECT address, opted_out_at FROM \(Self.optOuts)
            UNION ALL SELECT address, opted_out_at FROM \(Self.emailOptOuts) ORDER BY address
            """, clientID
        ).map { ($0.string("address") ?? "", $0.date("opted_out_at") ?? Date(timeIntervalSince1970: 0)) }
    }

    /// The client's full name and addresses: what is replaced in the rows that quote them.
    private func personalText(clientID: Int) throws -> [String] {
        let client = try self.client(id: clientID)
        let addresses = try query("SELECT address FROM client_addresses WHERE client_id = ?", clientID)
        let names = [client?.fullName ?? ""] + addresses.compactMap { $0.string("address") }
        // Longest first, so a name inside an address is not replaced before the address.
        return names.filter { $0.count >= 3 }.sorted { $0.count > $1.count }
    }

    /// The condition for the business's rows whose `columns` quote one of `texts` (bound as ?2, ?3, …).
    private func quoting(_ columns: [String], _ texts: [String]) -> String {
        let any = columns.flatMap { column in
            texts.indices.map { "instr(\(column), ?\($0 + 2)) > 0" }
        }
        return "business_id = \(Self.business) AND (\(any.joined(separator: " OR ")))"
    }

    public func erasurePlan(clientID: Int) throws -> ClientErasure {
        var plan = ClientErasure(clientID: clientID)
        for removal in Self.removals {
            plan[keyPath: removal.keyPath] += try count("SELECT count(*) AS n FROM \(removal.from)", [clientID])
        }
        plan.membershipsCancelled = try count("SELECT count(*) AS n FROM \(Self.liveMemberships)", [clientID])
        let texts = try personalText(clientID: clientID)
        if !texts.isEmpty {
            for (table, columns) in Self.quoting {
                // Rows erased anyway are not counted twice.
                let remaining =
                    table == "audit"
                    ? "" : " AND id NOT IN (SELECT id FROM \(table == "outbox" ? Self.outbox : Self.messages))"
                plan.quotingRows += try count(
                    "SELECT count(*) AS n FROM \(table) WHERE \(quoting(columns, texts))\(remaining)",
                    [clientID] + texts)
            }
        }
        plan.invoicesKept = try count("SELECT count(*) AS n FROM invoices WHERE client_id = ?1", [clientID])
        plan.membershipsKept = try count("SELECT count(*) AS n FROM memberships WHERE client_id = ?1", [clientID])
        plan.cardsKept = try count("SELECT count(*) AS n FROM payment_methods WHERE client_id = ?1", [clientID])
        return plan
    }

    private func count(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        try queryArray(sql, arguments).first?.int("n") ?? 0
    }

    public func eraseClient(id: Int, actor: String, via: String, now: Date) throws -> ClientErasure {
        guard let client = try self.client(id: id) else { throw StoreError(.notFound, "no client \(id)") }
        let plan = try erasurePlan(clientID: id)
        let texts = try personalText(clientID: id)
        for removal in Self.removals {
            _ = try queryArray("DELETE FROM \(removal.from)", [id])
        }
        if !texts.isEmpty {
            for (table, columns) in Self.quoting {
                var value: [String: String] = [:]
                for column in columns {
                    value[column] = texts.indices.reduce(column) { "replace(\($0), ?\($1 + 2), '[erased]')" }
                }
                let set = columns.map { "\($0) = \(value[$0] ?? $0)" }.joined(separator: ", ")
                _ = try queryArray(
                    "UPDATE \(table) SET \(set) WHERE \(quoting(columns, texts))",
                    [id] + texts)
            }
        }
        try execute(
            """
            UPDATE memberships SET status = 'cancelled', cancelled_at = ?, next_billing_at = NULL
            WHERE client_id = ? AND status != 'cancelled'
            """, now, id)
        try execute("UPDATE memberships SET cancel_reason = NULL WHERE client_id = ?", id)
        // A rejection's reason may quote them; the requests themselves stay, as the record of what was asked.
        try execute("UPDATE privacy_requests SET note = NULL WHERE client_id = ?", id)
        try execute("UPDATE payment_methods SET processor_token = '', is_default = 0 WHERE client_id = ?", id)
        try execute(
            """
            UPDATE clients SET first_name = ?, last_name = '', billing_address = NULL, shipping_address = NULL,
              marketing_consent = 0, sms_consent = 0, language = NULL WHERE id = ?
            """, "erased client \(id)", id)
        try audit(
            businessID: client.businessID, clientID: id, actor: actor, via: via, action: "client.erase", before: nil,
            after: "client:\(id) erased", now: now)
        // The WAL still holds the erased rows' pages until it is truncated (`SQLiteStore.scrubRedactedText`).
        walHoldsRedactedText = true
        return plan
    }

    // MARK: Audit by client

    public func audit(
        businessID: Int?, clientID: Int?, actor: String, via: String, action: String, before: String?,
        after: String?, now: Date
    ) throws {
        try execute(
            """
            INSERT INTO audit (business_id, client_id, actor, via, action, before, after, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, businessID, clientID, actor, via, action, before, after, now)
    }

    public func auditEntries(businessID: Int, clientID: Int?, since: Date?, limit: Int) throws -> [AuditEntry] {
        try query(
            """
            SELECT * FROM audit WHERE business_id = ?1 AND (?2 IS NULL OR client_id = ?2)
              AND (?3 IS NULL OR created_at >= ?3) ORDER BY created_at DESC, id DESC LIMIT ?4
            """, businessID, clientID, since, limit
        ).map(Self.auditEntry)
    }

    // MARK: Retention

    public func retentionDays(businessID: Int) throws -> Int? {
        try queryOne("SELECT message_days FROM business_retention WHERE business_id = ?", businessID)?
            .int("message_days")
    }

    public func setRetentionDays(businessID: Int, days: Int?) throws {
        if let days {
            try execute(
                """
                INSERT INTO business_retention (business_id, message_days) VALUES (?, ?)
                ON CONFLICT (business_id) DO UPDATE SET message_days = excluded.message_days
                """, businessID, days)
        } else {
            try execute("DELETE FROM business_retention WHERE business_id = ?", businessID)
        }
    }

    public func applyRetention(businessID: Int, cutoff: Date) throws -> Int {
        let messages = try execute(
            """
            UPDATE messages SET extracted_text = NULL, subject = NULL
            WHERE business_id = ? AND created_at < ? AND (extracted_text IS NOT NULL OR subject IS NOT NULL)
            """, businessID, cutoff)
        let outbox = try execute(
            """
            UPDATE outbox SET body = '', subject = NULL
            WHERE business_id = ? AND created_at < ? AND status != 'pending' AND (body != '' OR subject IS NOT NULL)
            """, businessID, cutoff)
        if messages + outbox > 0 { walHoldsRedactedText = true }
        return messages + outbox
    }
}

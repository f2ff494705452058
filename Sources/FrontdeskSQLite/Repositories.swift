import Foundation
import FrontdeskCore
import FrontdeskStore

// The repositories of `UnitOfWork` in SQL. All SQL text of Frontdesk lives in this module.

extension Connection: UnitOfWork {
    public func ping() throws {
        _ = try queryOne("SELECT 1 AS one")
    }

    // MARK: Businesses and people

    public func business(slug: String) throws -> Business? {
        try queryOne("SELECT * FROM businesses WHERE slug = ?", slug).map(Self.business)
    }

    public func business(id: Int) throws -> Business? {
        try queryOne("SELECT * FROM businesses WHERE id = ?", id).map(Self.business)
    }

    /// The business an SMS number or inbox address belongs to.
    public func business(routedTo address: String, channel: Channel) throws -> Business? {
        let key = channel.rawValue + " " + address
        if let cached = config?.businessByAddress[key] { return cached }
        let business = try queryOne(
            """
            SELECT b.* FROM businesses b JOIN business_addresses a ON a.business_id = b.id
            WHERE a.channel = ? AND a.address = ?
            """, channel.rawValue, address
        ).map(Self.business)
        // Only addresses that route are kept: anyone can write to any number.
        if let business, let config {
            config.makeRoom()
            config.businessByAddress[key] = business
        }
        return business
    }

    public func businesses() throws -> [Business] {
        try query("SELECT * FROM businesses ORDER BY slug").map(Self.business)
    }

    /// The business's own address on a channel (its SMS number or inbox).
    public func businessAddress(_ businessID: Int, channel: Channel) throws -> String? {
        let key = "\(businessID) \(channel.rawValue)"
        if let cached = config?.businessAddress[key] { return cached }
        let address = try queryOne(
            "SELECT address FROM business_addresses WHERE business_id = ? AND channel = ? ORDER BY id LIMIT 1",
            businessID, channel.rawValue)?.string("address")
        config?.makeRoom()
        config?.businessAddress[key] = .some(address)
        return address
    }

    public func insertBusiness(_ b: NewBusiness, now: Date) throws -> Int {
        try execute(
            """
            INSERT INTO businesses (slug, name, time_zone, locale, currency, brand_color, logo_url, contact_phone,
              contact_email, website, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, b.slug, b.name, b.timeZone, b.locale, b.currency, b.brandColor, b.logoURL, b.contactPhone,
            b.contactEmail, b.website, now)
        return lastInsertID
    }

    public func addBusinessAddress(businessID: Int, channel: Channel, address: String) throws {
        try execute(
            "INSERT INTO business_addresses (business_id, channel, address) VALUES (?, ?, ?)", businessID,
            channel.rawValue, address)
    }

    static func business(_ r: Row) -> Business {
        Business(
            id: r.int("id") ?? 0, slug: r.string("slug") ?? "", name: r.string("name") ?? "",
            timeZone: r.string("time_zone") ?? "UTC", locale: r.string("locale") ?? "en",
            currency: r.string("currency") ?? "USD", brandColor: r.string("brand_color") ?? "#2f6f6a",
            logoURL: r.string("logo_url"), contactPhone: r.string("contact_phone"),
            contactEmail: r.string("contact_email"), website: r.string("website"))
    }

    public func staff(businessID: Int) throws -> [Staff] {
        try query("SELECT * FROM staff WHERE business_id = ? ORDER BY id", businessID).map(Self.staff)
    }

    /// The staff member registered with this exact address, if any.
    public func staff(businessID: Int, address: String, channel: Channel) throws -> Staff? {
        let column = channel == .email ? "email" : "phone"
        return try queryOne("SELECT * FROM staff WHERE business_id = ? AND \(column) = ?", businessID, address)
            .map(Self.staff)
    }

    public func insertStaff(_ s: NewStaff) throws -> Int {
        try execute(
            "INSERT INTO staff (business_id, name, role, email, phone) VALUES (?, ?, ?, ?, ?)", s.businessID, s.name,
            s.role.rawValue, s.email, s.phone)
        return lastInsertID
    }

    static func staff(_ r: Row) -> Staff {
        Staff(
            id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, name: r.string("name") ?? "",
            role: Staff.Role(rawValue: r.string("role") ?? "") ?? .staff, email: r.string("email"),
            phone: r.string("phone"))
    }

    /// The client of this business who owns this address (E.164 phone or lower-case email).
    public func client(businessID: Int, address: String, channel: Channel) throws -> Client? {
        try queryOne(
            """
            SELECT c.* FROM clients c JOIN client_addresses a ON a.client_id = c.id
            WHERE a.business_id = ? AND a.channel = ? AND a.address = ?
            """, businessID, channel.rawValue, address
        ).map(Self.client)
    }

    public func client(id: Int) throws -> Client? {
        try queryOne("SELECT * FROM clients WHERE id = ?", id).map(Self.client)
    }

    public func clients(businessID: Int) throws -> [Client] {
        try query("SELECT * FROM clients WHERE business_id = ? ORDER BY id", businessID).map(Self.client)
    }

    /// A client's addresses on a channel, primary first.
    public func addresses(clientID: Int, channel: Channel) throws -> [String] {
        try query(
            "SELECT address FROM client_addresses WHERE client_id = ? AND channel = ? ORDER BY is_primary DESC, id",
            clientID, channel.rawValue
        ).compactMap { $0.string("address") }
    }

    /// Whether an address already belongs to a client of this business.
    public func addressTaken(businessID: Int, channel: Channel, address: String) throws -> Bool {
        try queryOne(
            "SELECT id FROM client_addresses WHERE business_id = ? AND channel = ? AND address = ?", businessID,
            channel.rawValue, address) != nil
    }

    public func insertClient(_ n: NewClient, now: Date) throws -> Int {
        try execute(
            "INSERT INTO clients (business_id, first_name, last_name, sms_consent, created_at) VALUES (?, ?, ?, ?, ?)",
            n.businessID, n.firstName, n.lastName, n.smsConsent, now)
        let client = lastInsertID
        for (channel, addresses) in [(Channel.sms, n.phones), (.email, n.emails)] {
            for (i, address) in addresses.enumerated() {
                try execute(
                    """
                    INSERT INTO client_addresses (business_id, client_id, channel, address, is_primary)
                    VALUES (?, ?, ?, ?, ?)
                    """, n.businessID, client, channel.rawValue, address, i == 0)
            }
        }
        return client
    }

    static func client(_ r: Row) -> Client {
        Client(
            id: r.int("id") ?? 0, businessID: r.int("business_id") ?? 0, firstName: r.string("first_name") ?? "",
            lastName: r.string("last_name") ?? "", language: r.string("language"))
    }

    public func setClientLanguage(clientID: Int, language: String?) throws {
        try execute("UPDATE clients SET language = ? WHERE id = ?", language, clientID)
    }

    // MARK: Plans

    public func plans(businessID: Int) throws -> [Plan] {
        try query("SELECT * FROM plans WHERE business_id = ? ORDER BY id", businessID).map { r in
            let id = r.int("id") ?? 0
            let services = try query(
                "SELECT service, quantity FROM plan_services WHERE plan_id = ? ORDER BY service", id
            ).map { IncludedService($0.string("service") ?? "", $0.int("quantity") ?? 0) }
            return Plan(
                id: id, businessID: businessID, name: r.string("name") ?? "", priceMinor: r.int("price_minor") ?? 0,
                currency: r.string("currency") ?? "USD", interval: r.string("billing_interval") ?? "month",
                services: services)
        }
    }

    public func insertPlan(_ p: NewPlan) throws -> Int {
        try execute(
            "INSERT INTO plans (business_id, name, price_minor, currency, billing_interval) VALUES (?, ?, ?, ?, ?)",
            p.businessID, p.name, p.priceMinor, p.currency, p.interval)
        let plan = lastInsertID
        for s in p.services {
            try execute(
                "INSERT INTO plan_services (plan_id, service, quantity) VALUES (?, ?, ?)", plan, s.service, s.quantity)
        }
        return plan
    }

    // MARK: Memberships, cards, invoices

    public func insertMembership(_ m: NewMembership) throws -> Int {
        try execute(
            """
            INSERT INTO memberships (business_id, client_id, plan_id, status, started_at, current_period_end,
              next_billing_at, payment_method_id, cancel_at, cancelled_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, m.businessID, m.clientID, m.planID, m.status.rawValue, m.startedAt, m.currentPeriodEnd,
            m.nextBillingAt, m.paymentMethodID, m.cancelAt, m.cancelledAt)
        let membership = lastInsertID
        for s in m.remaining {
            try execute(
                "INSERT INTO membership_services (membership_id, service, remaining) VALUES (?, ?, ?)", membership,
                s.service, s.quantity)
        }
        return membership
    }

    public func insertInvoice(_ i: NewInvoice) throws -> Int {
        try execute(
            """
            INSERT INTO invoices (business_id, client_id, membership_id, number, issued_at, amount_minor, currency, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, i.businessID, i.clientID, i.membershipID, i.number, i.issuedAt, i.amountMinor, i.currency,
            i.status.rawValue)
        return lastInsertID
    }

    public func memberships(clientID: Int) throws -> [Membership] {
        let rows = try query(
            """
            SELECT m.*, p.name AS plan_name, p.price_minor, p.currency, p.billing_interval,
                   pm.id AS pm_id, pm.brand, pm.last4, pm.exp_month, pm.exp_year, pm.is_default,
                   sp.name AS scheduled_name, sp.price_minor AS scheduled_price,
                   sp.billing_interval AS scheduled_interval
            FROM memberships m JOIN plans p ON p.id = m.plan_id
            LEFT JOIN payment_methods pm ON pm.id = m.payment_method_id
            LEFT JOIN plans sp ON sp.id = m.scheduled_plan_id
            WHERE m.client_id = ? ORDER BY m.id
            """, clientID)
        return try rows.map { r in
            let id = r.int("id") ?? 0
            let services = try query(
                """
                SELECT ms.service, ms.remaining, COALESCE(ps.quantity, ms.remaining) AS included
                FROM membership_services ms JOIN memberships m ON m.id = ms.membership_id
                LEFT JOIN plan_services ps ON ps.plan_id = m.plan_id AND ps.service = ms.service
                WHERE ms.membership_id = ? ORDER BY ms.service
                """, id
            ).map {
                (
                    service: $0.string("service") ?? "", remaining: $0.int("remaining") ?? 0,
                    included: $0.int("included") ?? 0
                )
            }
            let card = r.int("pm_id").map {
                PaymentMethod(
                    id: $0, brand: r.string("brand") ?? "", last4: r.string("last4") ?? "",
                    expMonth: r.int("exp_month") ?? 0, expYear: r.int("exp_year") ?? 0, isDefault: r.bool("is_default"))
            }
            return Membership(
                id: id, clientID: clientID, planName: r.string("plan_name") ?? "",
                priceMinor: r.int("price_minor") ?? 0,
                currency: r.string("currency") ?? "USD", interval: r.string("billing_interval") ?? "month",
                status: MembershipStatus(rawValue: r.string("status") ?? "") ?? .active,
                currentPeriodEnd: r.date("current_period_end"), nextBillingAt: r.date("next_billing_at"),
                cancelAt: r.date("cancel_at"), cancelReason: r.string("cancel_reason"), paymentMethod: card,
                services: services, planID: r.int("plan_id"), pause: Self.pause(r), scheduledChange: Self.scheduled(r))
        }
    }

    static func pause(_ r: Row) -> MembershipPause? {
        guard let start = r.date("pause_starts_at"), let end = r.date("pause_resumes_at"),
            let billing = r.string("pause_billing").flatMap(PauseBilling.init(rawValue:))
        else { return nil }
        return MembershipPause(startsAt: start, resumesAt: end, billing: billing)
    }

    static func scheduled(_ r: Row) -> ScheduledPlanChange? {
        guard let plan = r.int("scheduled_plan_id"), let at = r.date("scheduled_plan_at") else { return nil }
        return ScheduledPlanChange(
            planID: plan, planName: r.string("scheduled_name") ?? "", priceMinor: r.int("scheduled_price") ?? 0,
            interval: r.string("scheduled_interval") ?? "month", effectiveAt: at)
    }

    public func defaultPaymentMethod(clientID: Int) throws -> PaymentMethod? {
        try queryOne(
            "SELECT * FROM payment_methods WHERE client_id = ? ORDER BY is_default DESC, id DESC LIMIT 1", clientID
        ).map {
            PaymentMethod(
                id: $0.int("id") ?? 0, brand: $0.string("brand") ?? "", last4: $0.string("last4") ?? "",
                expMonth: $0.int("exp_month") ?? 0, expYear: $0.int("exp_year") ?? 0, isDefault: $0.bool("is_default"))
        }
    }

    /// Adds a card (brand, last4, expiry and the processor's token only) as the client's default and
    /// moves the client's live memberships onto it.
    @discardableResult
    public func replaceDefaultCard(
        clientID: Int, brand: String, last4: String, expMonth: Int, expYear: Int, processorToken: String, now: Date
    ) throws -> Int {
        try execute("UPDATE payment_methods SET is_default = 0 WHERE client_id = ?", clientID)
        try execute(
            """
            INSERT INTO payment_methods (client_id, brand, last4, exp_month, exp_year, processor_token, is_default, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 1, ?)
            """, clientID, brand, last4, expMonth, expYear, processorToken, now)
        let id = lastInsertID
        try execute(
            "UPDATE memberships SET payment_method_id = ? WHERE client_id = ? AND status != 'cancelled'", id, clientID)
        return id
    }

    /// Cancels a membership now, or marks it to end at its period end; returns false if it was already ended.
    public func cancelMembership(id: Int, immediately: Bool, reason: String?, now: Date) throws -> Bool {
        let changed: Int
        if immediately {
            changed = try execute(
                """
                UPDATE memberships SET status = 'cancelled', cancelled_at = ?, cancel_at = ?, next_billing_at = NULL,
                cancel_reason = COALESCE(?, cancel_reason) WHERE id = ? AND status NOT IN ('cancelled', 'pending_cancel')
                """, now, now, reason, id)
        } else {
            changed = try execute(
                """
                UPDATE memberships SET status = 'pending_cancel', cancel_at = COALESCE(current_period_end, next_billing_at, ?),
                next_billing_at = NULL, cancel_reason = COALESCE(?, cancel_reason)
                WHERE id = ? AND status NOT IN ('cancelled', 'pending_cancel')
                """, now, reason, id)
        }
        return changed == 1
    }

    public func setCancelReason(membershipID: Int, reason: String) throws {
        try execute("UPDATE memberships SET cancel_reason = ? WHERE id = ?", reason, membershipID)
    }

    public func invoices(clientID: Int, limit: Int) throws -> [Invoice] {
        try query(
            "SELECT * FROM invoices WHERE client_id = ? ORDER BY issued_at DESC, id DESC LIMIT ?", clientID, limit
        ).map(Self.invoice)
    }

    public func invoice(id: Int) throws -> Invoice? {
        try queryOne("SELECT * FROM invoices WHERE id = ?", id).map(Self.invoice)
    }

    public func setInvoiceStatus(id: Int, _ status: Invoice.Status) throws {
        try execute("UPDATE invoices SET status = ? WHERE id = ?", status.rawValue, id)
    }

    static func invoice(_ r: Row) -> Invoice {
        Invoice(
            id: r.int("id") ?? 0, number: r.string("number") ?? "",
            issuedAt: r.date("issued_at") ?? Date(timeIntervalSince1970: 0),
            amountMinor: r.int("amount_minor") ?? 0, currency: r.string("currency") ?? "USD",
            status: Invoice.Status(rawValue: r.string("status") ?? "") ?? .open, membershipID: r.int("membership_id"),
            attemptCount: r.int("attempt_count") ?? 0, lastPaymentError: r.string("last_payment_error"))
    }

    // MARK: Conversations and messages

    /// The conversation for this business, channel and address, created on first contact.
    public func conversation(businessID: Int, channel: Channel, address: String, clientID: Int?, now: Date) throws
        -> Conversation
    {
        try execute(
            """
            INSERT INTO conversations (business_id, client_id, channel, address, last_message_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (business_id, channel, address) DO UPDATE SET last_message_at = excluded.last_message_at,
            client_id = COALESCE(excluded.client_id, client_id)
            """, businessID, clientID, channel.rawValue, address, now)
        guard
            let r = try queryOne(
                "SELECT * FROM conversations WHERE business_id = ? AND channel = ? AND address = ?", businessID,
                channel.rawValue, address)
        else { throw StoreError(.notFound, "conversation vanished after its upsert") }
        return Conversation(
            id: r.int("id") ?? 0, businessID: businessID, clientID: r.int("client_id"), channel: channel,
            address: address, pendingAction: r.string("pending_action"), pendingPayload: r.string("pending_payload"),
            pendingExpiresAt: r.date("pending_expires_at"))
    }

    public func setPending(conversationID: Int, action: String?, payload: String?, expiresAt: Date?) throws {
        try execute(
            "UPDATE conversations SET pending_action = ?, pending_payload = ?, pending_expires_at = ? WHERE id = ?",
            action, payload, expiresAt, conversationID)
    }

    /// Records an inbound or outbound message. A provider id already stored is a duplicate.
    @discardableResult
    public func insertMessage(_ m: NewMessage, now: Date) throws -> Int {
        try execute(
            """
            INSERT INTO messages (business_id, conversation_id, direction, channel, provider, provider_message_id,
              from_address, to_address, subject, raw_size, extracted_text, intent, confidence, created_at, sender_trust)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, m.businessID, m.conversationID, m.direction, m.channel.rawValue, m.provider, m.providerMessageID,
            m.from, m.to, m.subject, m.rawSize, m.text, m.intent, m.confidence, now, m.senderTrust?.rawValue)
        return lastInsertID
    }

    public func message(id: Int) throws -> MessageRecord? {
        try queryOne("SELECT * FROM messages WHERE id = ?", id).map(Self.message)
    }

    public func messages(conversationID: Int) throws -> [MessageRecord] {
        try query("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", conversationID).map(Self.message)
    }

    static func message(_ r: Row) -> MessageRecord {
        MessageRecord(
            id: r.int("id") ?? 0, businessID: r.int("business_id"), conversationID: r.int("conversation_id"),
            direction: r.string("direction") ?? "in", channel: Channel(rawValue: r.string("channel") ?? "") ?? .sms,
            provider: r.string("provider") ?? "", providerMessageID: r.string("provider_message_id") ?? "",
            from: r.string("from_address") ?? "", to: r.string("to_address") ?? "", subject: r.string("subject"),
            text: r.string("extracted_text"), intent: r.string("intent"), confidence: r.double("confidence"),
            createdAt: r.date("created_at") ?? Date(timeIntervalSince1970: 0),
            senderTrust: r.string("sender_trust").flatMap(AuthVerdict.Trust.init(rawValue:)))
    }

    /// The id of a message already stored under this provider id, if any.
    public func messageID(provider: String, providerMessageID: String) throws -> Int? {
        try queryOne(
            "SELECT id FROM messages WHERE provider = ? AND provider_message_id = ?", provider, providerMessageID)?
            .int("id")
    }

    public func updateMessageIntent(id: Int, intent: String, confidence: Double) throws {
        try execute("UPDATE messages SET intent = ?, confidence = ? WHERE id = ?", intent, confidence, id)
    }

    // MARK: Consent

    public func isOptedOut(businessID: Int, address: String) throws -> Bool {
        try isOptedOut(.sms, businessID: businessID, address: address)
    }

    /// Records an opt-out; returns false when the number had already opted out.
    @discardableResult
    public func optOut(businessID: Int, address: String, now: Date) throws -> Bool {
        try optOut(.sms, businessID: businessID, address: address, now: now)
    }

    @discardableResult
    public func optIn(businessID: Int, address: String) throws -> Bool {
        try optIn(.sms, businessID: businessID, address: address)
    }

    // MARK: Audit

    public func audit(
        businessID: Int?, actor: String, via: String, action: String, before: String?, after: String?, now: Date
    )
        throws
    {
        let client = actor.hasPrefix("client:") ? Int(actor.dropFirst(7)) : nil
        try audit(
            businessID: businessID, clientID: client, actor: actor, via: via, action: action, before: before,
            after: after, now: now)
    }

    public func auditEntries(businessID: Int, action: String?, limit: Int) throws -> [AuditEntry] {
        let rows: [Row]
        if let action {
            rows = try query(
                "SELECT * FROM audit WHERE business_id = ? AND action = ? ORDER BY id DESC LIMIT ?", businessID, action,
                limit)
        } else {
            rows = try query("SELECT * FROM audit WHERE business_id = ? ORDER BY id DESC LIMIT ?", businessID, limit)
        }
        return rows.map(Self.auditEntry)
    }

    static func auditEntry(_ r: Row) -> AuditEntry {
        AuditEntry(
            id: r.int("id") ?? 0, businessID: r.int("business_id"), actor: r.string("actor") ?? "",
            via: r.string("via") ?? "", action: r.string("action") ?? "", before: r.string("before"),
            after: r.string("after"), createdAt: r.date("created_at") ?? Date(timeIntervalSince1970: 0),
            clientID: r.int("client_id"))
    }

    // MARK: Plugin settings

    /// Stored overrides for a plugin: enabled (nil = manifest default) and settings JSON values by key.
    public func pluginSettings(businessID: Int, plugin: String) throws -> (
        enabled: Bool?, values: [String: SettingValue]
    ) {
        let key = "\(businessID) " + plugin
        if let cached = config?.pluginSettings[key] { return cached }
        var settings: (enabled: Bool?, values: [String: SettingValue]) = (nil, [:])
        if let r = try queryOne(
            "SELECT enabled, settings FROM plugin_settings WHERE business_id = ? AND plugin = ?", businessID, plugin)
        {
            if let data = r.string("settings")?.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
            {
                for (k, v) in object { settings.values[k] = SettingValue(json: v) }
            }
            settings.enabled = r.int("enabled").map { $0 != 0 }
        }
        config?.makeRoom()
        config?.pluginSettings[key] = settings
        return settings
    }

    /// Every plugin's stored enabled flag for a business (absent = manifest default).
    public func pluginEnabledFlags(businessID: Int) throws -> [String: Bool] {
        if let cached = config?.enabledFlags[businessID] { return cached }
        var flags: [String: Bool] = [:]
        for r in try query(
            "SELECT plugin, enabled FROM plugin_settings WHERE business_id = ? AND enabled IS NOT NULL", businessID)
        {
            if let p = r.string("plugin") { flags[p] = r.bool("enabled") }
        }
        config?.makeRoom()
        config?.enabledFlags[businessID] = flags
        return flags
    }

    public func setPluginEnabled(businessID: Int, plugin: String, enabled: Bool) throws {
        try execute(
            """
            INSERT INTO plugin_settings (business_id, plugin, enabled) VALUES (?, ?, ?)
            ON CONFLICT (business_id, plugin) DO UPDATE SET enabled = excluded.enabled
            """, businessID, plugin, enabled)
    }

    public func setPluginSettings(businessID: Int, plugin: String, values: [String: SettingValue]) throws {
        let object = values.mapValues(\.json)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try execute(
            """
            INSERT INTO plugin_settings (business_id, plugin, settings) VALUES (?, ?, ?)
            ON CONFLICT (business_id, plugin) DO UPDATE SET settings = excluded.settings
            """, businessID, plugin, String(decoding: data, as: UTF8.self))
    }
}

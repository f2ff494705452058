import Foundation

/// Append-only named migrations. Never edit one that has shipped: add a new one.
enum Migrations {
    static let all: [(name: String, sql: String)] = [
        ("001_core", core),
        ("002_channels", channels),
    ]

    static func apply(connection c: Connection, lock: NSLocking) throws {
        lock.lock()
        defer { lock.unlock() }
        try c.executeScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for migration in all {
            try c.executeScript("BEGIN IMMEDIATE")
            do {
                if try c.queryOne("SELECT 1 FROM schema_migrations WHERE name = ?", migration.name) == nil {
                    try c.executeScript(migration.sql)
                    try c.execute(
                        "INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                        migration.name)
                }
                try c.executeScript("COMMIT")
            } catch {
                try? c.executeScript("ROLLBACK")
                throw error
            }
        }
    }

    static let core = """
        CREATE TABLE businesses (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND length(slug) BETWEEN 1 AND 64),
            name TEXT NOT NULL,
            time_zone TEXT NOT NULL DEFAULT 'UTC',
            locale TEXT NOT NULL DEFAULT 'en',
            currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
            brand_color TEXT NOT NULL DEFAULT '#2f6f6a',
            logo_url TEXT,
            contact_phone TEXT,
            contact_email TEXT,
            website TEXT,
            created_at TEXT NOT NULL
        );
        -- SMS numbers and inbox addresses that route to a business.
        CREATE TABLE business_addresses (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            address TEXT NOT NULL UNIQUE
        );
        CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
            email TEXT,
            phone TEXT,
            UNIQUE (business_id, email),
            UNIQUE (business_id, phone)
        );
        CREATE TABLE clients (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL DEFAULT '',
            billing_address TEXT,
            shipping_address TEXT,
            marketing_consent INTEGER NOT NULL DEFAULT 0 CHECK (marketing_consent IN (0, 1)),
            sms_consent INTEGER NOT NULL DEFAULT 1 CHECK (sms_consent IN (0, 1)),
            created_at TEXT NOT NULL
        );
        -- A client's emails (lower case) and phones (E.164); unique within a business.
        CREATE TABLE client_addresses (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            address TEXT NOT NULL,
            is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
            UNIQUE (business_id, channel, address)
        );
        CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            billing_interval TEXT NOT NULL CHECK (billing_interval IN ('week', 'month', 'year')),
            UNIQUE (business_id, name)
        );
        CREATE TABLE plan_services (
            plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
            service TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (plan_id, service)
        );
        -- Brand, last4 and expiry plus the processor's token: never a card number.
        CREATE TABLE payment_methods (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            brand TEXT NOT NULL,
            last4 TEXT NOT NULL CHECK (length(last4) = 4 AND last4 GLOB '[0-9][0-9][0-9][0-9]'),
            exp_month INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
            exp_year INTEGER NOT NULL CHECK (exp_year BETWEEN 2000 AND 2100),
            processor_token TEXT NOT NULL,
            is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
            created_at TEXT NOT NULL
        );
        CREATE TABLE memberships (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            plan_id INTEGER NOT NULL REFERENCES plans(id),
            status TEXT NOT NULL CHECK (status IN ('active', 'trialing', 'past_due', 'paused', 'pending_cancel', 'cancelled')),
            started_at TEXT NOT NULL,
            current_period_end TEXT,
            next_billing_at TEXT,
            payment_method_id INTEGER REFERENCES payment_methods(id) ON DELETE SET NULL,
            cancel_at TEXT,
            cancelled_at TEXT,
            cancel_reason TEXT
        );
        CREATE TABLE membership_services (
            membership_id INTEGER NOT NULL REFERENCES memberships(id) ON DELETE CASCADE,
            service TEXT NOT NULL,
            remaining INTEGER NOT NULL CHECK (remaining >= 0),
            PRIMARY KEY (membership_id, service)
        );
        CREATE TABLE invoices (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            membership_id INTEGER REFERENCES memberships(id) ON DELETE SET NULL,
            number TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            status TEXT NOT NULL CHECK (status IN ('paid', 'open', 'failed', 'void')),
            UNIQUE (business_id, number)
        );
        CREATE INDEX invoices_client ON invoices (client_id, issued_at);
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER REFERENCES clients(id) ON DELETE SET NULL,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            address TEXT NOT NULL,
            pending_action TEXT,
            pending_payload TEXT,
            pending_expires_at TEXT,
            last_message_at TEXT,
            UNIQUE (business_id, channel, address)
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            business_id INTEGER REFERENCES businesses(id) ON DELETE CASCADE,
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            provider TEXT NOT NULL,
            provider_message_id TEXT NOT NULL,
            from_address TEXT NOT NULL,
            to_address TEXT NOT NULL,
            subject TEXT,
            raw_size INTEGER NOT NULL DEFAULT 0,
            extracted_text TEXT,
            intent TEXT,
            confidence REAL,
            created_at TEXT NOT NULL,
            UNIQUE (provider, provider_message_id)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            kind TEXT NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'compliance', 'staff_notice')),
            recipient TEXT NOT NULL,
            sender TEXT NOT NULL,
            subject TEXT,
            body TEXT NOT NULL,
            headers TEXT NOT NULL DEFAULT '{}',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'inline', 'sent', 'dead', 'suppressed')),
            last_error TEXT,
            provider_message_id TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
        -- One-time links: only the SHA-256 of the token is stored.
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            action TEXT NOT NULL CHECK (action IN ('payment_method.update', 'membership.cancel', 'invoice.view', 'invoice.retry')),
            resource TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE TABLE plugin_settings (
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            plugin TEXT NOT NULL,
            enabled INTEGER CHECK (enabled IN (0, 1)),
            settings TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (business_id, plugin)
        );
        -- SMS consent per business and number, for clients and unknown senders alike.
        CREATE TABLE sms_optouts (
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            opted_out_at TEXT NOT NULL,
            PRIMARY KEY (business_id, address)
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            business_id INTEGER REFERENCES businesses(id) ON DELETE CASCADE,
            actor TEXT NOT NULL,
            via TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT,
            created_at TEXT NOT NULL
        );
        """

    static let channels = """
        -- Admin API bearer tokens, stored hashed.
        CREATE TABLE admin_tokens (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            label TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- Mailgun webhook tokens already seen (replay protection).
        CREATE TABLE webhook_replays (
            provider TEXT NOT NULL,
            token TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (provider, token)
        );
        """
}

import Foundation
import FrontdeskCore
import FrontdeskStore

/// One schema change, applied once and recorded by name in `schema_migrations`.
struct Migration {
    var name: String
    var sql: String
    /// The migration rebuilds tables (to drop or change a CHECK constraint, say). It then runs the way
    /// SQLite's documentation prescribes (https://www.sqlite.org/lang_altertable.html#otheralter):
    /// foreign keys off outside the transaction; create the new table, copy, drop, rename and recreate
    /// indexes inside it; `PRAGMA foreign_key_check` before committing; foreign keys on again.
    var rebuildsTables = false
    /// Swift run after `sql`, in the same transaction, for a change SQL cannot make alone.
    var rewrite: (@Sendable (Connection) throws -> Void)? = nil
    /// The migration removes secrets from rows: afterwards the file is rebuilt (`VACUUM`) and the WAL
    /// truncated, so no old copy of the text survives in free space, on free pages or in the log.
    var scrubsFile = false
}

/// Append-only named migrations. Never edit one that has shipped: add a new one, and add to
/// `Tests/Fixtures/databases/` a database made by the release before it (see `UpgradeTests`).
enum Migrations {
    static let all: [Migration] = [
        Migration(name: "001_core", sql: core),
        Migration(name: "002_channels", sql: channels),
        Migration(name: "003_link_actions", sql: linkActions, rebuildsTables: true),
        Migration(name: "004_redact_secrets", sql: "", rewrite: redactSecrets, scrubsFile: true),
        Migration(name: "005_sender_trust", sql: senderTrust),
        Migration(name: "006_scoped_admin", sql: scopedAdmin),
        Migration(name: "007_email_optouts", sql: emailOptOuts, rebuildsTables: true),
        Migration(name: "008_privacy", sql: privacy),
        Migration(name: "009_verification", sql: verification),
        Migration(name: "010_client_language", sql: clientLanguage),
        Migration(name: "011_lifecycle", sql: lifecycle),
        Migration(name: "012_hot_path", sql: "", rebuildsTables: true, rewrite: hotPath),
        Migration(name: "014_notices", sql: notices),
        Migration(name: "015_console", sql: console),
    ]

    static var names: [String] { all.map(\.name) }

    static func apply(connection c: Connection, lock: NSLocking) throws {
        lock.lock()
        defer { lock.unlock() }
        try c.executeScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        let known = Set(names)
        let applied = try c.query("SELECT name FROM schema_migrations").compactMap { $0.string("name") }
        if let newer = applied.first(where: { !known.contains($0) }) {
            throw StoreError(
                .unavailable,
                "the database was upgraded by a newer Frontdesk (migration \(newer) is unknown to this one)")
        }
        var scrub = false
        for migration in all where !applied.contains(migration.name) {
            try apply(migration, c)
            scrub = scrub || migration.scrubsFile
        }
        if scrub {
            // "The VACUUM command works by copying the contents of the database into a temporary database file
            // and then overwriting the original with the contents of the temporary file" (SQLite docs): free
            // pages and the unused space of pages, written before secure_delete was on, are gone.
            try c.executeScript("VACUUM")
            c.truncateWAL()
        }
    }

    private static func apply(_ migration: Migration, _ c: Connection) throws {
        // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it.
        if migration.rebuildsTables { try c.executeScript("PRAGMA foreign_keys = OFF") }
        defer { if migration.rebuildsTables { try? c.executeScript("PRAGMA foreign_keys = ON") } }
        try c.executeScript("BEGIN IMMEDIATE")
        do {
            try c.executeScript(migration.sql)
            try migration.rewrite?(c)
            if migration.rebuildsTables {
                let broken = try c.query("PRAGMA foreign_key_check")
                if !broken.isEmpty {
                    throw StoreError(
                        .constraint,
                        "migration \(migration.name) would leave \(broken.count) rows with a missing parent; nothing changed"
                    )
                }
            }
            try c.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                migration.name)
            try c.executeScript("COMMIT")
        } catch {
            try? c.executeScript("ROLLBACK")
            throw error
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

    /// Link actions were a fixed list in a CHECK; every new capability with a page (pause, plan change,
    /// a processor's hosted page) would need a rebuild. The CHECK now asks for the `area.verb` form only,
    /// and the client's links get an index (they are listed and cascade-deleted by client).
    static let linkActions = """
        CREATE TABLE links_new (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            action TEXT NOT NULL CHECK (action GLOB '[a-z]*.[a-z]*' AND action NOT GLOB '*[^a-z_.]*' AND length(action) <= 64),
            resource TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        INSERT INTO links_new (id, token_hash, business_id, client_id, action, resource, created_at, expires_at, used_at)
            SELECT id, token_hash, business_id, client_id, action, resource, created_at, expires_at, used_at FROM links;
        DROP TABLE links;
        ALTER TABLE links_new RENAME TO links;
        CREATE INDEX links_client ON links (client_id);
        """

    /// Admin tokens belong to one business and can be revoked; tokens stored before had no business and stop
    /// working (the operator's token is `FRONTDESK_ADMIN_TOKEN`, never stored). Inbound rate limits are counted
    /// per business in fixed windows, with per-business limits.
    static let scopedAdmin = """
        ALTER TABLE admin_tokens ADD COLUMN business_id INTEGER REFERENCES businesses(id) ON DELETE CASCADE;
        ALTER TABLE admin_tokens ADD COLUMN revoked_at TEXT;
        UPDATE admin_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE business_id IS NULL;
        CREATE INDEX admin_tokens_business ON admin_tokens (business_id);
        CREATE TABLE rate_counters (
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            window_start TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (business_id, key, window_start)
        ) WITHOUT ROWID;
        CREATE TABLE business_limits (
            business_id INTEGER PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
            sender_per_hour INTEGER CHECK (sender_per_hour >= 0),
            business_per_minute INTEGER CHECK (business_per_minute >= 0)
        );
        """

    /// Rows written before link tokens were redacted and card numbers masked in every form: replies that
    /// have left (sent, inline) or will not be sent (dead, suppressed) lose their tokens, keeping each link's
    /// id when the store was given a redactor that can hash (`[link]` otherwise); pending replies keep
    /// theirs, they must still be delivered. Inbound texts lose tokens too; subjects, texts, bodies and
    /// cancellation reasons are masked again with today's `CardMask`.
    static func redactSecrets(_ c: Connection) throws {
        func masked(_ text: String?) -> String? { text.map { CardMask.mask($0).text } }
        func redacted(_ text: String?) throws -> String? {
            try text.map { try c.redactor.redactLinkTokens(in: $0, links: c) }
        }
        /// Writes the row only when something changed.
        func update(_ table: String, _ row: Row, _ values: [String: String?]) throws {
            let changed = values.keys.sorted().filter { row.string($0) != values[$0] ?? nil }
            guard !changed.isEmpty else { return }
            // Table and column names are this function's own literals.
            var arguments: [any SQLBindable] = changed.map { values[$0] ?? nil }
            arguments.append(row.int("id") ?? 0)
            _ = try c.queryArray(
                "UPDATE \(table) SET " + changed.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?",
                arguments)
        }
        for row in try c.query("SELECT id, status, subject, body FROM outbox") {
            let pending = row.string("status") == OutboxRecord.Status.pending.rawValue
            let body = pending ? row.string("body") : try redacted(row.string("body"))
            try update("outbox", row, ["subject": masked(row.string("subject")), "body": masked(body)])
        }
        for row in try c.query("SELECT id, subject, extracted_text FROM messages") {
            let text = try redacted(row.string("extracted_text"))
            try update("messages", row, ["subject": masked(row.string("subject")), "extracted_text": masked(text)])
        }
        for row in try c.query("SELECT id, cancel_reason FROM memberships WHERE cancel_reason IS NOT NULL") {
            try update("memberships", row, ["cancel_reason": masked(row.string("cancel_reason"))])
        }
    }

    /// How far each inbound sender was verified (issue 12): `verified` (passing, aligned SPF/DKIM/DMARC from the
    /// receiving side, or an SMS), `unverified` (a check failed), `unknown` (no verdict). Earlier rows stay NULL: the
    /// verdicts they were judged by were not kept.
    static let senderTrust = """
        ALTER TABLE messages ADD COLUMN sender_trust TEXT
            CHECK (sender_trust IN ('verified', 'unverified', 'unknown'));
        """

    /// Issue 14: the client an audit entry concerns (the client who acted, or the client a staff member or the
    /// operator acted on), so `frontdesk audit --client` finds it without reading free text; earlier entries whose
    /// actor was the client get it from the actor. A business's retention of message texts, in days (no row: kept).
    static let privacy = """
        ALTER TABLE audit ADD COLUMN client_id INTEGER;
        UPDATE audit SET client_id = CAST(substr(actor, 8) AS INTEGER) WHERE actor GLOB 'client:[0-9]*';
        CREATE INDEX audit_client ON audit (business_id, client_id);
        CREATE TABLE business_retention (
            business_id INTEGER PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
            message_days INTEGER NOT NULL CHECK (message_days BETWEEN 1 AND 36500)
        );
        """

    /// Issue 15: the language a client writes in (a locale of `prompts/`, such as `en`, `es` or `fr`), set when a
    /// message shows it clearly; replies, notices and link pages use it. Earlier clients have none until they write.
    static let clientLanguage = """
        ALTER TABLE clients ADD COLUMN language TEXT
            CHECK (language IS NULL OR (length(language) BETWEEN 2 AND 8 AND language NOT GLOB '*[^a-z_-]*'));
        """

    /// An email unsubscribe stops automated and marketing email only (the client's own requests are still
    /// answered), so it is kept apart from SMS consent, where STOP silences everything. Earlier releases
    /// recorded an emailed "unsubscribe" among the SMS opt-outs, which silenced every reply to that address;
    /// those rows move here. Outbox kinds were a fixed list (reply, compliance, staff_notice) with no room for
    /// the automated messages an unsubscribe stops; like link actions in 003, the CHECK now asks only for the
    /// form of a kind (`notice`, `marketing`), so the next kind needs no rebuild.
    static let emailOptOuts = """
        CREATE TABLE email_optouts (
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            address TEXT NOT NULL CHECK (address LIKE '%_@_%'),
            opted_out_at TEXT NOT NULL,
            PRIMARY KEY (business_id, address)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO email_optouts (business_id, address, opted_out_at)
            SELECT business_id, address, opted_out_at FROM sms_optouts WHERE address LIKE '%_@_%';
        DELETE FROM sms_optouts WHERE address LIKE '%_@_%';
        CREATE TABLE outbox_new (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            kind TEXT NOT NULL DEFAULT 'reply' CHECK (kind GLOB '[a-z]*' AND kind NOT GLOB '*[^a-z_]*' AND length(kind) <= 32),
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
        INSERT INTO outbox_new (id, business_id, message_id, channel, kind, recipient, sender, subject, body, headers,
                attempts, next_attempt_at, status, last_error, provider_message_id, created_at, sent_at)
            SELECT id, business_id, message_id, channel, kind, recipient, sender, subject, body, headers,
                attempts, next_attempt_at, status, last_error, provider_message_id, created_at, sent_at FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_new RENAME TO outbox;
        CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
        """

    /// Issue 14: the staff roles a business allows each intent where it changed the manifests' defaults (a comma
    /// list, empty for none); one-time codes that let an unknown address prove it is a client's (only a salted
    /// hash of the code, a few tries, an expiry; `client_id` NULL when no client had the contact given); and
    /// clients' requests for a copy or the erasure of their data, which staff approve or reject. Clients' names are
    /// indexed without regard to ASCII case, for staff naming a client ("What is Alice Johnson's next billing date?").
    static let verification = """
        CREATE TABLE staff_roles (
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            intent TEXT NOT NULL CHECK (intent GLOB '[a-z]*' AND intent NOT GLOB '*[^a-z_.]*' AND length(intent) <= 64),
            roles TEXT NOT NULL CHECK (roles NOT GLOB '*[^a-z,]*'),
            PRIMARY KEY (business_id, intent)
        ) WITHOUT ROWID;
        CREATE TABLE verifications (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            address TEXT NOT NULL,
            client_id INTEGER REFERENCES clients(id) ON DELETE CASCADE,
            code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
            salt TEXT NOT NULL CHECK (length(salt) >= 16),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX verifications_address ON verifications (business_id, channel, address);
        CREATE INDEX verifications_client ON verifications (client_id);
        CREATE TABLE privacy_requests (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('export', 'erase')),
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'done')),
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            requested_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            done_at TEXT,
            note TEXT
        );
        CREATE INDEX privacy_requests_business ON privacy_requests (business_id, status);
        CREATE INDEX privacy_requests_client ON privacy_requests (client_id);
        CREATE INDEX clients_first_name ON clients (business_id, first_name COLLATE NOCASE);
        CREATE INDEX clients_last_name ON clients (business_id, last_name COLLATE NOCASE);
        """

    /// Issue 16: a membership's running or scheduled pause and a plan change scheduled for the end of its period,
    /// the history of pauses (counted against a business's pauses per year), and each invoice's payment attempts
    /// with the last decline code (Stripe's `attempt_count`, `expired_card`). Columns are added, so existing rows
    /// keep their values: no pause, nothing scheduled, no attempts. Link actions need no change here: since
    /// `003_link_actions` their CHECK asks only for the `area.verb` form, and plugins declare which exist.
    static let lifecycle = """
        ALTER TABLE memberships ADD COLUMN pause_starts_at TEXT;
        ALTER TABLE memberships ADD COLUMN pause_resumes_at TEXT;
        ALTER TABLE memberships ADD COLUMN pause_billing TEXT CHECK (pause_billing IN ('skip', 'shift'));
        ALTER TABLE memberships ADD COLUMN scheduled_plan_id INTEGER REFERENCES plans(id);
        ALTER TABLE memberships ADD COLUMN scheduled_plan_at TEXT;
        CREATE TABLE membership_pauses (
            id INTEGER PRIMARY KEY,
            membership_id INTEGER NOT NULL REFERENCES memberships(id) ON DELETE CASCADE,
            starts_at TEXT NOT NULL,
            resumes_at TEXT NOT NULL CHECK (resumes_at > starts_at),
            billing TEXT NOT NULL CHECK (billing IN ('skip', 'shift')),
            created_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE INDEX membership_pauses_membership ON membership_pauses (membership_id, starts_at);
        ALTER TABLE invoices ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0 CHECK (attempt_count >= 0);
        ALTER TABLE invoices ADD COLUMN last_payment_error TEXT;
        """

    /// Issue 17: automated notices (one per business and dedupe key: client, kind, period), each pointing at the
    /// outbox item that carries it (its status follows that item); billing events the built-in ledger records
    /// (a failed payment), handled once; the answers given to API requests with an `Idempotency-Key`; and on each
    /// conversation the notice a reply is read against, with when that context expires. Tables and columns are
    /// added, so existing rows keep their values (no notice context on any conversation).
    static let notices = """
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('payment_failed', 'card_expiring', 'renewal_reminder', 'trial_ending',
                'custom')),
            channel TEXT CHECK (channel IN ('sms', 'email')),
            recipient TEXT,
            status TEXT NOT NULL CHECK (status IN ('queued', 'suppressed')),
            reason TEXT,
            dedupe_key TEXT NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 300),
            source TEXT NOT NULL CHECK (source IN ('billing', 'scheduler', 'api')),
            resource TEXT,
            outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
            send_at TEXT NOT NULL,
            message_id TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (business_id, dedupe_key)
        );
        CREATE INDEX notices_business ON notices (business_id, id);
        CREATE INDEX notices_client ON notices (client_id);
        CREATE INDEX notices_outbox ON notices (outbox_id);
        CREATE TABLE billing_events (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('payment_failed')),
            invoice_id INTEGER REFERENCES invoices(id) ON DELETE CASCADE,
            detail TEXT,
            occurred_at TEXT NOT NULL,
            handled_at TEXT
        );
        CREATE INDEX billing_events_open ON billing_events (business_id, handled_at);
        CREATE TABLE idempotency_keys (
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
            request_hash TEXT NOT NULL CHECK (length(request_hash) = 64),
            status INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (business_id, key)
        ) WITHOUT ROWID;
        ALTER TABLE conversations ADD COLUMN notice_id INTEGER REFERENCES notices(id) ON DELETE SET NULL;
        ALTER TABLE conversations ADD COLUMN notice_expires_at TEXT;
        """
}

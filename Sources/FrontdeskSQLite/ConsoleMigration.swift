import Foundation

/// Migration 015 (issue 19): the web console's tables. New tables only, so earlier rows are untouched.
extension Migrations {
    /// - `console_sign_ins`: one-time sign-in links sent to staff (the token's SHA-256 only, single use, expiring);
    /// - `console_sessions`: signed-in staff, per business (the session id's SHA-256 only), with the last activity
    ///   (idle expiry), an absolute end and when it was ended (sign-out, a new sign-in);
    /// - `handoffs`: a conversation asked for a person, until a person answers it;
    /// - `takeovers`: a conversation a staff member holds (the bot is silent on it), with the client's latest email
    ///   ids for threading the answer;
    /// - `staff_replies`: which outbox items a person wrote, through the console or by email;
    /// - `reply_routes`: the reply address of a handoff notice (the token's SHA-256 only), bound to the conversation
    ///   and to the staff member it was sent to.
    /// Every row goes with its conversation, business or staff member (erasing a client removes their conversations,
    /// and with them these rows).
    static let console = """
        CREATE TABLE console_sign_ins (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX console_sign_ins_staff ON console_sign_ins (staff_id);
        CREATE TABLE console_sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE INDEX console_sessions_staff ON console_sessions (staff_id);
        CREATE TABLE handoffs (
            id INTEGER PRIMARY KEY,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            answered_at TEXT,
            answered_by INTEGER REFERENCES staff(id) ON DELETE SET NULL
        );
        CREATE INDEX handoffs_open ON handoffs (business_id, answered_at);
        CREATE INDEX handoffs_conversation ON handoffs (conversation_id);
        CREATE TABLE takeovers (
            conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            active_at TEXT NOT NULL,
            thread_message_id TEXT,
            thread_references TEXT
        );
        CREATE TABLE staff_replies (
            outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            staff_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
            via TEXT NOT NULL CHECK (via IN ('console', 'email')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX staff_replies_conversation ON staff_replies (conversation_id);
        CREATE TABLE reply_routes (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            business_id INTEGER NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX reply_routes_conversation ON reply_routes (conversation_id);
        """
}

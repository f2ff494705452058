import Foundation
import FrontdeskCore
import FrontdeskStore
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 012_hot_path")
struct HotPathUpgradeTests {
    /// 004_redact_secrets rewrites texts of these two tables on purpose (RedactSecretsUpgradeTests); every other column
    /// must come through 012's rebuild unchanged.
    static let rewrittenBy004: Set<String> = ["body", "subject", "extracted_text"]

    @Test func theFixtureUpgradesWithMessagesAndOutboxIntactAndItsChecksAsComparisons() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        var columns = try OldDatabase.columns(path)
        for table in ["messages", "outbox"] { columns[table]?.subtract(Self.rewrittenBy004) }
        let before = try OldDatabase.snapshot(path, columns: columns)
        #expect(before["messages"]?.count == 12)
        #expect((before["outbox"]?.count ?? 0) > 0)

        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        let after = try OldDatabase.snapshot(path, columns: columns)
        for table in ["messages", "outbox", "conversations", "memberships", "payment_methods"] {
            #expect(after[table] == before[table], "table \(table) changed in the upgrade")
        }
        let schema = try store.sqlRead { c in
            try c.query("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").reduce(into: [String: String]()) {
                $0[$1.string("name") ?? ""] = $1.string("sql")
            }
        }
        for index in [
            "memberships_client", "payment_methods_client", "outbox_message", "outbox_recipient",
            "messages_conversation", "outbox_due",
        ] {
            #expect(schema[index] != nil, "index \(index) is missing")
        }
        #expect(schema["messages"]?.contains("sender_trust = 'unverified'") == true)
        #expect(schema["outbox"]?.contains("status = 'suppressed'") == true)
        #expect(schema["outbox"]?.contains("IN ('pending'") == false)
        // The rules still hold.
        #expect(throws: StoreError.self) { try store.sqlWrite { try $0.execute("UPDATE outbox SET status = 'gone'") } }
        #expect(throws: StoreError.self) {
            try store.sqlWrite { try $0.execute("UPDATE messages SET sender_trust = 'trusted'") }
        }
        #expect(throws: StoreError.self) {
            try store.sqlWrite { try $0.execute("UPDATE messages SET direction = 'sideways'") }
        }
        // Provider message ids stay unique.
        #expect {
            try store.sqlWrite { c in
                try c.execute(
                    """
                    INSERT INTO messages (direction, channel, provider, provider_message_id, from_address, to_address,
                      created_at) SELECT direction, channel, provider, provider_message_id, from_address, to_address,
                      created_at FROM messages LIMIT 1
                    """)
            }
        } throws: { ($0 as? StoreError)?.kind == .duplicate }
        // An insert into either table no longer builds a temporary b-tree for its checks.
        for sql in [
            "INSERT INTO messages (direction, channel, provider, provider_message_id, from_address, to_address, "
                + "created_at, sender_trust) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "INSERT INTO outbox (business_id, channel, recipient, sender, body, next_attempt_at, status, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ] {
            let opcodes = try store.sqlRead {
                try $0.queryArray("EXPLAIN " + sql, Array(repeating: SQLValue.null, count: 8))
            }
            .compactMap { $0.string("opcode") }
            #expect(!opcodes.isEmpty)
            #expect(!opcodes.contains("OpenEphemeral"), "\(sql.prefix(25))… still builds an ephemeral table")
        }
    }

    @Test func aRebuildKeepsColumnsOtherMigrationsAddedWithTheirRowsAndIndexes() throws {
        let db = try SQLiteStore(path: tempDB())
        try db.sqlWrite { c in
            try c.executeScript(
                """
                CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('a', 'b', 'c')),
                  pair TEXT CHECK (pair IN ('x', 'y')), other TEXT CHECK (other NOT IN ('p', 'q', 'r')));
                ALTER TABLE t ADD COLUMN later TEXT CHECK (later IN ('l1', 'l2', 'l3', 'l4'));
                CREATE INDEX t_kind ON t (kind, later);
                INSERT INTO t (kind, pair, other, later) VALUES ('a', 'x', 's', 'l1'), ('c', NULL, NULL, NULL);
                """)
        }
        let before = try db.sqlRead { try $0.query("SELECT * FROM t ORDER BY id").map(\.columns) }
        try db.sqlWrite { try Migrations.rebuild("t", rewriting: Migrations.inListsAsComparisons, $0) }
        let after = try db.sqlRead { try $0.query("SELECT * FROM t ORDER BY id").map(\.columns) }
        #expect(after == before)
        let sql = try db.sqlRead { try $0.queryOne("SELECT sql FROM sqlite_master WHERE name = 't'")?.string("sql") }
        #expect(sql?.contains("(kind = 'a' OR kind = 'b' OR kind = 'c')") == true)
        #expect(sql?.contains("(later = 'l1' OR later = 'l2' OR later = 'l3' OR later = 'l4')") == true)
        // Two values and NOT IN are left as they were.
        #expect(sql?.contains("pair IN ('x', 'y')") == true)
        #expect(sql?.contains("other NOT IN ('p', 'q', 'r')") == true)
        #expect(try db.sqlRead { try $0.queryOne("SELECT name FROM sqlite_master WHERE name = 't_kind'") } != nil)
        #expect(throws: StoreError.self) { try db.sqlWrite { try $0.execute("INSERT INTO t (kind) VALUES ('d')") } }
        #expect(throws: StoreError.self) {
            try db.sqlWrite { try $0.execute("INSERT INTO t (kind, other) VALUES ('a', 'q')") }
        }
    }
}

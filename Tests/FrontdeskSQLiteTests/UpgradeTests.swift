import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

/// Databases made by earlier releases (Tests/Fixtures/databases, see SOURCES.md there), upgraded by this one.
enum OldDatabase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/databases")

    /// A private copy of a fixture (the fixture itself is never opened for writing).
    static func copy(_ name: String) throws -> String {
        let source = directory.appendingPathComponent(name)
        let target = NSTemporaryDirectory() + "fd-upgrade-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: source.path, toPath: target)
        return target
    }

    /// Every row of every table, as text, read without migrating; with `columns`, only those columns of each table
    /// (what an earlier release had, so columns added since do not count as changes).
    static func snapshot(_ path: String, columns: [String: Set<String>]? = nil) throws -> [String: [String]] {
        let c = try SQLiteStore.openReadOnly(path)
        var tables: [String: [String]] = [:]
        for name in try c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .compactMap({ $0.string("name") }) where name != "schema_migrations"
        {
            // Sorted as text: WITHOUT ROWID tables have no rowid to order by.
            tables[name] = try c.query("SELECT * FROM \"\(name)\"").map { row in
                row.columns.keys.sorted().filter { columns?[name]?.contains($0) ?? true }.map { "\($0)=\(row[$0])" }
                    .joined(separator: "|")
            }.sorted()
        }
        return tables
    }

    /// The columns of every table, read without migrating.
    static func columns(_ path: String) throws -> [String: Set<String>] {
        let c = try SQLiteStore.openReadOnly(path)
        var columns: [String: Set<String>] = [:]
        for name in try c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .compactMap({ $0.string("name") })
        {
            let info = try c.query("SELECT name FROM pragma_table_info(?)", name)
            columns[name] = Set(info.compactMap { $0.string("name") })
        }
        return columns
    }
}

@Suite("Upgrading databases made by earlier releases")
struct UpgradeTests {
    @Test func theReleaseBeforeStoreProtocolsUpgradesWithEveryRowIntact() throws {
        let path = try OldDatabase.copy("release-002_channels.sqlite")
        let before = try OldDatabase.snapshot(path)
        let columns = try OldDatabase.columns(path)
        #expect(before["messages"]?.count == 8)
        #expect(before["clients"]?.count == 22)

        let store = try SQLiteStore(path: path)
        let migrations = try store.sqlRead { c in
            try c.query("SELECT name FROM schema_migrations ORDER BY name").compactMap { $0.string("name") }
        }
        #expect(migrations == Migrations.names)
        #expect(try store.integrityProblems().isEmpty)
        let after = try OldDatabase.snapshot(path, columns: columns)
        for (table, rows) in before {
            #expect(after[table] == rows, "table \(table) changed in the upgrade")
        }

        // The history reads back through the protocols.
        try store.read { c in
            let business = try #require(try c.business(slug: "demo"))
            let alice = try #require(try c.client(businessID: business.id, address: "+15550101001", channel: .sms))
            let membership = try #require(try c.memberships(clientID: alice.id).first)
            #expect(membership.status == .pendingCancel)
            #expect(membership.cancelReason == "too expensive")
            #expect(try c.links(clientID: alice.id).count == 4)  // the card link and three invoice links
            #expect(try c.isOptedOut(businessID: business.id, address: "+15550101002"))
            #expect(try c.auditEntries(businessID: business.id, action: "membership.cancel", limit: 10).count == 1)
        }
    }

    @Test func theUpgradedDatabaseServesTheNextConversation() throws {
        let path = try OldDatabase.copy("release-002_channels.sqlite")
        let bot = try TestBot(seed: false, dbPath: path)
        let billing = try bot.say("when is my next billing date?", from: "+15550101004")
        #expect(billing.reply?.contains("Gym Basic") == true)
        let card = try bot.say("new card", from: "+15550101001")
        #expect(card.links.first?.action == "payment_method.update")
        // The rebuilt links table takes actions beyond the old fixed list, and still refuses malformed ones.
        try bot.app.store.write { c in
            try c.insertLink(
                tokenHash: String(repeating: "e", count: 64), businessID: 1, clientID: 1, action: "membership.pause",
                resource: "membership:1", now: Date(), expiresAt: Date().addingTimeInterval(60))
        }
        #expect(throws: StoreError.self) {
            try bot.app.store.write { c in
                try c.insertLink(
                    tokenHash: String(repeating: "f", count: 64), businessID: 1, clientID: 1, action: "DROP TABLE",
                    resource: "x", now: Date(), expiresAt: Date())
            }
        }
    }

    @Test func aRebuildThatWouldOrphanRowsChangesNothing() throws {
        let path = try OldDatabase.copy("release-002_channels.sqlite")
        do {
            // A link whose client is gone, written past the foreign keys (as a damaged file might hold).
            let c = try SQLiteStore.open(path)
            try c.executeScript("PRAGMA foreign_keys = OFF")
            try c.execute(
                """
                INSERT INTO links (token_hash, business_id, client_id, action, resource, created_at, expires_at)
                VALUES (?, 1, 9999, 'invoice.view', 'invoice:1', ?, ?)
                """, String(repeating: "a", count: 64), Date(), Date())
        }
        let before = try OldDatabase.snapshot(path)
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("the migration went ahead with an orphaned row")
        } catch let error as StoreError {
            #expect(error.kind == .constraint)
            #expect(error.message.contains("003_link_actions"))
        }
        #expect(try OldDatabase.snapshot(path) == before)
        let c = try SQLiteStore.openReadOnly(path)
        #expect(try c.query("SELECT name FROM schema_migrations").count == 2)
    }

    @Test func aDatabaseFromANewerReleaseIsRefused() throws {
        let path = try OldDatabase.copy("release-002_channels.sqlite")
        try SQLiteStore.open(path).execute(
            "INSERT INTO schema_migrations (name, applied_at) VALUES ('999_future', '2030-01-01T00:00:00Z')")
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            (error as? StoreError)?.message.contains("newer Frontdesk") == true
        }
    }
}

@Suite("Upgrading the release before issue 12")
struct ScopedAdminUpgradeTests {
    @Test func release003UpgradesWithItsRowsAndTokensWithoutABusinessStopWorking() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        // A token from the unscoped days (the old API stored tokens without a business).
        do {
            let c = try SQLiteStore.open(path)
            try c.execute(
                "INSERT INTO admin_tokens (token_hash, label, created_at) VALUES (?, 'old', ?)",
                String(repeating: "b", count: 64), Date())
        }
        let before = try OldDatabase.snapshot(path)
        // Columns added by later migrations (008_privacy's audit.client_id) are checked by their own tests.
        let columns = try OldDatabase.columns(path)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        let after = try OldDatabase.snapshot(path, columns: columns)
        // 004_redact_secrets rewrites outbox, messages and cancellation reasons on purpose (RedactSecretsUpgradeTests).
        let rewritten: Set<String> = ["admin_tokens", "outbox", "messages", "memberships"]
        for table in before.keys where !rewritten.contains(table) {
            #expect(after[table] == before[table], "table \(table) changed in the upgrade")
        }
        let old = try store.read { try $0.adminToken(hash: String(repeating: "b", count: 64)) }
        #expect(old?.revokedAt != nil)
        #expect(old?.businessID == nil)
        #expect(try store.read { try $0.rateLimits(businessID: 1) } == RateLimits())
        #expect(try store.write { try $0.countRateEvent(businessID: 1, key: "business", window: Date()) } == 1)
    }
}

@Suite("Upgrading to 011_lifecycle")
struct LifecycleUpgradeTests {
    @Test func release003KeepsItsRowsAndGainsPausesPlanChangesAndPaymentAttempts() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["memberships"]?.contains("pause_starts_at") == false)
        #expect(columns["membership_pauses"] == nil)
        // Billing rows keep every value they had (cancellation reasons are 004_redact_secrets' to mask).
        var kept = columns
        kept["memberships"]?.remove("cancel_reason")
        let before = try OldDatabase.snapshot(path)
        let beforeKept = try OldDatabase.snapshot(path, columns: kept)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        let after = try OldDatabase.snapshot(path, columns: kept)
        #expect(after["invoices"] == before["invoices"])
        #expect(after["invoices"]?.count == 78)
        #expect(after["memberships"] == beforeKept["memberships"])
        #expect(after["plans"] == before["plans"])
        #expect(after["payment_methods"] == before["payment_methods"])

        // The new columns read as "nothing yet": no pause, nothing scheduled, no attempt.
        let added = try store.sqlRead { c in
            (
                paused: try c.query(
                    "SELECT id FROM memberships WHERE pause_starts_at IS NOT NULL OR scheduled_plan_id IS NOT NULL"
                ).count,
                attempts: try c.query(
                    "SELECT id FROM invoices WHERE attempt_count != 0 OR last_payment_error IS NOT NULL"
                ).count,
                pauses: try c.query("SELECT id FROM membership_pauses").count
            )
        }
        #expect(added.paused == 0 && added.attempts == 0 && added.pauses == 0)

        // The upgraded data serve the new flows.
        let bot = try TestBot(seed: false, dbPath: path)
        try bot.set("lifecycle", ["pause_allowed": .bool(true)])
        let asked = try bot.say("can I freeze my membership for 2 weeks?", from: "+15550101020")
        #expect(asked.intent == "membership.pause")
        #expect(asked.reply?.contains("Pause Gym Basic from Nov 22, 2026 until Dec 6, 2026 (14 days)?") == true)
        _ = try bot.say("YES", from: "+15550101020")
        let umar = try #require(try bot.membership(clientID: 20))
        #expect(umar.status == .paused)
        #expect(umar.pause?.resumesAt != nil)
        let undo = try bot.say("undo my cancellation", from: "+15550101006")
        #expect(undo.state == "awaiting_confirmation")
        _ = try bot.say("yes", from: "+15550101006")
        #expect(try bot.membership(clientID: 6)?.status == .active)
        // Paul's card expired in 02/2026: his status reply asks for a new card before paying.
        let paul = try bot.say("when is my next billing date?", from: "+15550101016")
        #expect(paul.reply?.contains("has expired. Update your card and pay here") == true)
        #expect(paul.links.first?.action == "payment_method.update")
    }
}

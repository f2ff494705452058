import Foundation
import FrontdeskCore
import FrontdeskStore
import Testing

@testable import FrontdeskSQLite

func tempDB() -> String { NSTemporaryDirectory() + "fd-store-\(UUID().uuidString).sqlite" }

@Suite("SQLite store")
struct StoreTests {
    @Test func opensInWALWithForeignKeysAndEveryTable() throws {
        let db = try SQLiteStore(path: tempDB())
        let mode = try db.sqlRead { try $0.queryOne("PRAGMA journal_mode")?.string("journal_mode") }
        #expect(mode == "wal")
        let fk = try db.sqlRead { try $0.queryOne("PRAGMA foreign_keys")?.int("foreign_keys") }
        #expect(fk == 1)
        let tables = Set(
            try db.sqlRead { try $0.query("SELECT name FROM sqlite_master WHERE type = 'table'") }.compactMap {
                $0.string("name")
            })
        for t in [
            "businesses", "staff", "clients", "plans", "memberships", "payment_methods", "invoices", "conversations",
            "messages", "outbox", "links", "plugin_settings", "audit", "sms_optouts", "business_addresses",
            "client_addresses",
            "membership_services", "plan_services", "admin_tokens", "webhook_replays",
        ] {
            #expect(tables.contains(t), "missing table \(t)")
        }
    }

    @Test func migrationsAreIdempotent() throws {
        let path = tempDB()
        _ = try SQLiteStore(path: path)
        let again = try SQLiteStore(path: path)
        let names = try again.sqlRead { try $0.query("SELECT name FROM schema_migrations ORDER BY name") }.compactMap {
            $0.string("name")
        }
        #expect(names == ["001_core", "002_channels", "003_link_actions", "005_sender_trust"])
        #expect(names == Migrations.names)
    }

    @Test func aThrownErrorRollsTheWholeTransactionBack() throws {
        let db = try SQLiteStore(path: tempDB())
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.sqlWrite { c in
                try c.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", Date())
                throw Stop()
            }
        }
        #expect(try db.sqlRead { try $0.query("SELECT id FROM businesses") }.isEmpty)
    }

    @Test func checkConstraintsRejectBadStatusesAndErrorsNeverShowBoundValues() throws {
        let db = try SQLiteStore(path: tempDB())
        try db.sqlWrite { c in
            try c.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", Date())
            try c.execute("INSERT INTO clients (business_id, first_name, created_at) VALUES (1, 'X', ?)", Date())
        }
        do {
            try db.sqlWrite { c in
                try c.execute(
                    "INSERT INTO invoices (business_id, client_id, number, issued_at, amount_minor, currency, status) VALUES (1, 1, ?, ?, 100, 'USD', ?)",
                    "SECRET-NUMBER-77", Date(), "refunded")
            }
            Issue.record("CHECK constraint did not fire")
        } catch let error as StoreError {
            #expect(error.isConstraint)
            #expect(!error.description.contains("SECRET-NUMBER-77"))
            #expect(!error.description.contains("refunded"))
        }
        #expect(throws: StoreError.self) {
            try db.sqlWrite { c in
                try c.execute(
                    "INSERT INTO payment_methods (client_id, brand, last4, exp_month, exp_year, processor_token, created_at) VALUES (1, 'Visa', '4242424242424242', 1, 2030, 't', ?)",
                    Date())
            }
        }
    }

    @Test func foreignKeysAreEnforced() throws {
        let db = try SQLiteStore(path: tempDB())
        #expect(throws: StoreError.self) {
            try db.sqlWrite {
                try $0.execute("INSERT INTO clients (business_id, first_name, created_at) VALUES (99, 'X', ?)", Date())
            }
        }
    }

    @Test func timesRoundTripInUTC() throws {
        let date = Date(timeIntervalSince1970: 1_795_359_600)
        #expect(UTC.format(date) == "2026-11-22T15:00:00Z")
        #expect(UTC.parse("2026-11-22T15:00:00Z") == date)
        #expect(UTC.parse("garbage") == nil)
    }

    @Test func aLinkIsUsedOnceEvenUnderConcurrentRedemption() throws {
        let path = tempDB()
        let db = try SQLiteStore(path: path)
        let now = Date()
        let hash = String(repeating: "ab", count: 32)
        try db.sqlWrite { c in
            try c.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", now)
            try c.execute("INSERT INTO clients (business_id, first_name, created_at) VALUES (1, 'X', ?)", now)
            try c.insertLink(
                tokenHash: hash, businessID: 1, clientID: 1, action: "payment_method.update", resource: "client:1",
                now: now, expiresAt: now.addingTimeInterval(600))
        }
        // Eight connections race to redeem the same token.
        let connections = try (0..<8).map { _ in try SQLiteStore(path: path) }
        let wins = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            if (try? connections[i].sqlWrite { try $0.consumeLink(tokenHash: hash, now: now) }) == true { wins.add() }
        }
        #expect(wins.value == 1)
        #expect(try db.sqlWrite { try $0.consumeLink(tokenHash: hash, now: now) } == false)
    }

    @Test func anExpiredLinkCannotBeUsed() throws {
        let db = try SQLiteStore(path: tempDB())
        let now = Date()
        let hash = String(repeating: "cd", count: 32)
        try db.sqlWrite { c in
            try c.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", now)
            try c.execute("INSERT INTO clients (business_id, first_name, created_at) VALUES (1, 'X', ?)", now)
            try c.insertLink(
                tokenHash: hash, businessID: 1, clientID: 1, action: "invoice.view", resource: "invoice:1", now: now,
                expiresAt: now.addingTimeInterval(60))
        }
        #expect(try db.sqlWrite { try $0.consumeLink(tokenHash: hash, now: now.addingTimeInterval(61)) } == false)
    }

    @Test func outboxQueueRetriesAndDeadLetters() throws {
        let db = try SQLiteStore(path: tempDB())
        let now = Date(timeIntervalSince1970: 1_795_359_600)
        try db.sqlWrite { c in
            try c.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", now)
            try c.enqueue(
                businessID: 1, messageID: nil, channel: .sms, recipient: "+15550101001", sender: "+15550100000",
                subject: nil, body: "hi", now: now)
        }
        let due = try db.sqlWrite { try $0.dueOutbox(now: now, limit: 10) }
        #expect(due.count == 1)
        try db.sqlWrite {
            try $0.markOutboxFailed(
                id: due[0].id, error: "timeout", nextAttempt: now.addingTimeInterval(60), status: .dead)
        }
        #expect(try db.sqlWrite { try $0.dueOutbox(now: now, limit: 10) }.isEmpty)
        #expect(try db.sqlWrite { try $0.dueOutbox(now: now.addingTimeInterval(61), limit: 10) }.count == 1)
        try db.sqlWrite { try $0.markOutboxFailed(id: due[0].id, error: "gone", nextAttempt: nil, status: .dead) }
        #expect(try db.sqlRead { try $0.outbox(status: .dead, limit: 10) }.first?.attempts == 2)
        #expect(try db.sqlWrite { try $0.retryOutbox(id: due[0].id, now: now) })
        #expect(try db.sqlWrite { try $0.dueOutbox(now: now, limit: 10) }.count == 1)
    }

    @Test func unusablePathIsAClearError() throws {
        #expect(throws: StoreError.self) { _ = try SQLiteStore(path: "/nonexistent-dir/x/y.sqlite") }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

@Suite("Reader connection")
struct ReaderTests {
    @Test func readsSeeCommittedWritesAndCannotWrite() throws {
        let db = try SQLiteStore(path: tempDB())
        try db.sqlWrite {
            try $0.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", Date())
        }
        #expect(try db.sqlRead { try $0.business(slug: "a") }?.name == "A")
        #expect(throws: StoreError.self) {
            try db.sqlRead {
                try $0.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('b', 'B', ?)", Date())
            }
        }
    }

    @Test func aReadDoesNotWaitForALongWrite() throws {
        let db = try SQLiteStore(path: tempDB())
        try db.sqlWrite {
            try $0.execute("INSERT INTO businesses (slug, name, created_at) VALUES ('a', 'A', ?)", Date())
        }
        let inWrite = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let writer = Thread {
            try? db.sqlWrite { c in
                try c.execute("UPDATE businesses SET name = 'B'")
                inWrite.signal()
                release.wait()
            }
        }
        writer.start()
        inWrite.wait()
        // The write is open and uncommitted: the reader answers at once with the committed name.
        #expect(try db.sqlRead { try $0.business(slug: "a") }?.name == "A")
        release.signal()
    }
}

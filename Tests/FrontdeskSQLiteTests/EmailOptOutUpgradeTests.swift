import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 007_email_optouts")
struct EmailOptOutUpgradeTests {
    @Test func anEmailedUnsubscribeMovesOutOfSMSConsentAndOutboxKindsOpenUp() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        // The release before stored an emailed "unsubscribe" among the SMS opt-outs (and then silenced every
        // reply to that address).
        do {
            let c = try SQLiteStore.open(path)
            try c.execute(
                "INSERT INTO sms_optouts (business_id, address, opted_out_at) VALUES (1, 'alice@example.com', ?)",
                Date(timeIntervalSince1970: 1_790_000_000))
        }
        let before = try OldDatabase.snapshot(path)
        #expect(before["sms_optouts"]?.count == 2)
        let outboxBefore = try SQLiteStore.openReadOnly(path).query(
            "SELECT id, kind, status, recipient FROM outbox ORDER BY id"
        )
        .map { "\($0["id"])|\($0["kind"])|\($0["status"])|\($0["recipient"])" }
        #expect(!outboxBefore.isEmpty)

        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        let columns = try OldDatabase.columns(OldDatabase.copy("release-003_link_actions.sqlite"))
        let after = try OldDatabase.snapshot(path, columns: columns)
        // 004 rewrites secrets in messages and memberships, 006 revokes unscoped admin tokens (their own tests);
        // columns added since (sender_trust, client_id) do not count.
        let rewritten: Set<String> = ["sms_optouts", "outbox", "messages", "memberships", "admin_tokens"]
        for table in before.keys where !rewritten.contains(table) {
            #expect(after[table] == before[table], "table \(table) changed in the upgrade")
        }
        // Every outbox row is kept (its id, kind, status and recipient).
        let outboxAfter = try SQLiteStore.openReadOnly(path).query(
            "SELECT id, kind, status, recipient FROM outbox ORDER BY id"
        )
        .map { "\($0["id"])|\($0["kind"])|\($0["status"])|\($0["recipient"])" }
        #expect(outboxAfter == outboxBefore)
        try store.read { (c: any UnitOfWork) throws in
            #expect(try c.isEmailOptedOut(businessID: 1, address: "alice@example.com"))
            #expect(try !c.isOptedOut(businessID: 1, address: "alice@example.com"))
            #expect(try c.isOptedOut(businessID: 1, address: "+15550101002"))  // the SMS STOP stays
        }
        // Automated kinds fit now; a malformed kind is still refused.
        _ = try store.write { c in
            try c.enqueue(
                businessID: 1, messageID: nil, channel: .email, kind: "notice", recipient: "ben.carter@example.com",
                sender: "desk@maple-studio.example", subject: "Reminder", body: "Your class is tomorrow.", headers: [:],
                status: .pending, now: Date())
        }
        #expect(throws: StoreError.self) {
            try store.write { c in
                try c.enqueue(
                    businessID: 1, messageID: nil, channel: .email, kind: "Notice; DROP", recipient: "x@example.com",
                    sender: "desk@maple-studio.example", subject: nil, body: "x", headers: [:], status: .pending,
                    now: Date())
            }
        }
    }
}

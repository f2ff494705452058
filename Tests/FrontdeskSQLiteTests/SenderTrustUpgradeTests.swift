import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 005_sender_trust")
struct SenderTrustUpgradeTests {
    @Test func theReleaseBeforeIssue12GainsANullableSenderTrustAndKeepsEveryRow() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["messages"]?.contains("sender_trust") == false)
        let before = try OldDatabase.snapshot(path)
        #expect(before["messages"]?.count == 12)

        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        let after = try OldDatabase.snapshot(path, columns: columns)
        // 004_redact_secrets rewrites secrets in outbox, messages and cancellation reasons on purpose (see
        // RedactSecretsUpgradeTests) and 006_scoped_admin revokes unscoped tokens; every other row is unchanged.
        let rewritten: Set<String> = ["outbox", "messages", "memberships", "admin_tokens"]
        for (table, rows) in before {
            if rewritten.contains(table) {
                #expect(after[table]?.count == rows.count, "table \(table) lost or gained rows")
            } else {
                #expect(after[table] == rows, "table \(table) changed in the upgrade")
            }
        }
        // Earlier messages were judged by verdicts that were not kept: their trust stays unknown to the store (NULL).
        try store.read { c in
            for id in 1...12 {
                let message = try #require(try c.message(id: id))
                #expect(message.senderTrust == nil, "message \(id)")
            }
        }
        // The column takes the three values and nothing else.
        #expect(throws: StoreError.self) {
            try store.sqlWrite { c in
                try c.execute("UPDATE messages SET sender_trust = 'trusted' WHERE id = 1")
            }
        }
    }

    @Test func theUpgradedDatabaseRecordsTheTrustOfNewMessages() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let bot = try TestBot(seed: false, dbPath: path)
        let sms = try bot.say("when is my next billing date?", from: "+15550101001")
        let verified = try bot.say("when is my next billing date?", from: "alice@example.com")
        let failing = try bot.say(
            "cancel my membership", from: "alice@example.com", verdict: AuthVerdict(spf: .fail, dkim: .fail))
        let unknown = try bot.say("when is my next billing date?", from: "alice@example.com", verdict: AuthVerdict())
        let stored = try bot.app.store.read { c in
            try [sms, verified, failing, unknown].map { try c.message(id: $0.messageID ?? -1)?.senderTrust }
        }
        #expect(stored == [.verified, .verified, .unverified, .unknown])
        #expect(sms.disposition == .replied && verified.disposition == .replied)
        #expect(failing.disposition == .silent && unknown.disposition == .silent)
    }
}

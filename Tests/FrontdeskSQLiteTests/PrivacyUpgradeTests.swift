import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 008_privacy")
struct PrivacyUpgradeTests {
    @Test func theReleaseBeforeIssue14LearnsWhichClientEachAuditEntryConcerns() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["audit"]?.contains("client_id") == false)
        let before = try OldDatabase.snapshot(path)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        // Every audit row is kept as it was; the new column comes from the actor.
        #expect(try OldDatabase.snapshot(path, columns: columns)["audit"] == before["audit"])
        try store.read { c in
            let entries = try c.auditEntries(businessID: 1, action: nil, limit: 100)
            #expect(entries.count == before["audit"]?.count)
            for e in entries {
                let expected = e.actor.hasPrefix("client:") ? Int(e.actor.dropFirst(7)) : nil
                #expect(e.clientID == expected, "audit \(e.id) by \(e.actor)")
            }
            #expect(
                try c.auditEntries(businessID: 1, clientID: 3, since: nil, limit: 100).map(\.action).sorted() == [
                    "membership.cancel", "membership.cancel_reason",
                ])
            #expect(try c.retentionDays(businessID: 1) == nil)
        }
        try store.write { c in
            try c.setRetentionDays(businessID: 1, days: 90)
            #expect(try c.retentionDays(businessID: 1) == 90)
        }
        #expect(throws: StoreError.self) { try store.write { try $0.setRetentionDays(businessID: 1, days: 0) } }
    }
}

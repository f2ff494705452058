import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 009_verification")
struct VerificationUpgradeTests {
    @Test func theReleaseBeforeIssue14KeepsItsRowsAndGainsRolesCodesAndPrivacyRequests() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["staff_roles"] == nil && columns["verifications"] == nil && columns["privacy_requests"] == nil)
        let before = try OldDatabase.snapshot(path)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        // The tables no earlier migration rewrites keep their rows (in the columns they had).
        let after = try OldDatabase.snapshot(path, columns: columns)
        for table in [
            "businesses", "staff", "clients", "client_addresses", "plans", "memberships", "invoices", "links",
            "conversations", "audit", "plugin_settings", "payment_methods",
        ] {
            #expect(after[table] == before[table] && before[table] != nil, "\(table) changed")
        }
        let now = Date(timeIntervalSince1970: 1_795_359_600)
        try store.write { c in
            // The fixture's clients: an address proved by a code joins Alice's, and is hers from then on.
            let alice = try #require(try c.client(businessID: 1, address: "+15550101001", channel: .sms))
            #expect(try c.staffRoles(businessID: 1).isEmpty)
            try c.setStaffRoles(businessID: 1, intent: "membership.cancel", roles: [.owner])
            #expect(try c.staffRoles(businessID: 1) == ["membership.cancel": [.owner]])
            let id = try c.insertVerification(
                NewVerification(
                    businessID: 1, channel: .sms, address: "+15559990000", clientID: alice.id,
                    codeHash: String(repeating: "a", count: 64), salt: String(repeating: "b", count: 32),
                    expiresAt: now.addingTimeInterval(600)),
                now: now)
            for expected in 1...5 { #expect(try c.failVerification(id: id) == expected) }
            #expect(try c.useVerification(id: id, now: now) == false)  // locked after five tries
            try c.addClientAddress(businessID: 1, clientID: alice.id, channel: .sms, address: "+15559990000")
            #expect(try c.client(businessID: 1, address: "+15559990000", channel: .sms)?.id == alice.id)
            let request = try c.insertPrivacyRequest(
                businessID: 1, clientID: alice.id, kind: .erase, channel: .sms, requestedBy: "client:\(alice.id)",
                now: now)
            #expect(
                try c.movePrivacyRequest(
                    id: request, from: [.pending], to: .rejected, decidedBy: "staff:1", note: "x", now: now))
            #expect(
                try !c.movePrivacyRequest(
                    id: request, from: [.pending], to: .approved, decidedBy: "staff:1", note: nil, now: now))
            #expect(try c.privacyRequest(id: request)?.status == .rejected)
        }
        // The new tables' rules hold.
        #expect(throws: StoreError.self) {
            try store.write { try $0.setStaffRoles(businessID: 1, intent: "Bad Intent", roles: []) }
        }
    }
}

import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 015_console")
struct ConsoleUpgradeTests {
    @Test func anEarlierReleasesRowsStayAndTheConsoleTablesWork() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["takeovers"] == nil && columns["console_sessions"] == nil)
        let before = try OldDatabase.snapshot(path)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        // Every row the earlier release wrote is still there, unchanged (messages and outbox bodies lose their secrets in
        // 004_redact_secrets, tested there; they keep their number).
        let after = try OldDatabase.snapshot(path, columns: columns)
        for (table, rows) in before where !["messages", "outbox"].contains(table) {
            #expect(after[table] == rows, "\(table)")
        }
        for table in ["messages", "outbox"] { #expect(after[table]?.count == before[table]?.count) }
        let new = try OldDatabase.columns(path)
        for table in ["console_sign_ins", "console_sessions", "handoffs", "takeovers", "staff_replies", "reply_routes"] {
            #expect(new[table] != nil, "\(table)")
        }
        // The old conversations, staff and messages take part in the console's records.
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (business, conversation, staff) = try store.read { c in
            let business = try #require(try c.businesses().first)
            let staff = try #require(try c.staff(businessID: business.id).first)
            let conversation = try #require(
                try c.conversationSummaries(businessID: business.id, filter: ConversationFilter()).first?.conversation)
            return (business, conversation, staff)
        }
        #expect(!(try store.read { try $0.messages(conversationID: conversation.id) }).isEmpty)
        try store.write { c in
            try c.openHandoff(businessID: business.id, conversationID: conversation.id, messageID: nil, now: now)
            try c.take(conversationID: conversation.id, businessID: business.id, staffID: staff.id, now: now)
            try c.insertSession(
                tokenHash: String(repeating: "a", count: 64), businessID: business.id, staffID: staff.id, now: now,
                expiresAt: now.addingTimeInterval(3600))
        }
        #expect(try store.read { try $0.takeover(conversationID: conversation.id)?.staffID } == staff.id)
        #expect(try store.read { try $0.openHandoffCount(businessID: business.id) } == 1)
        #expect(try store.read { try $0.session(tokenHash: String(repeating: "a", count: 64))?.staffID } == staff.id)
        // A hash that is not one is refused by the table, and nothing changes.
        #expect(throws: StoreError.self) {
            try store.write { c in
                try c.insertSession(tokenHash: "short", businessID: business.id, staffID: staff.id, now: now, expiresAt: now)
            }
        }
    }
}

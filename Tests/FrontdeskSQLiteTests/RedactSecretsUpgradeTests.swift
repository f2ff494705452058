import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

/// `004_redact_secrets` on a copy of the database the release before it made (see Tests/Fixtures/SOURCES.md).
@Suite("Upgrading to 004_redact_secrets")
struct RedactSecretsUpgradeTests {
    static let fixture = "release-003_link_actions.sqlite"
    /// A minute after the fixture's last message: its links (30 minutes) are all still live.
    static let fixtureTime = Date(timeIntervalSince1970: 1_796_302_800)  // 2026-12-03T13:00:00Z
    /// The card number the fixture holds in an email subject.
    static let card = "4242 4242 4242 4242"

    /// Outbox bodies and statuses, and inbound texts, as the old release left them.
    static func rows(_ path: String) throws -> (outbox: [Int: (status: String, body: String)], texts: [Int: String]) {
        let c = try SQLiteStore.openReadOnly(path)
        var outbox: [Int: (String, String)] = [:]
        for r in try c.query("SELECT id, status, body FROM outbox") {
            outbox[r.int("id") ?? 0] = (r.string("status") ?? "", r.string("body") ?? "")
        }
        var texts: [Int: String] = [:]
        for r in try c.query("SELECT id, extracted_text FROM messages") {
            texts[r.int("id") ?? 0] = r.string("extracted_text") ?? ""
        }
        return (outbox, texts)
    }

    @Test func repliesThatLeftAndInboundTextsLoseTheirTokensWhilePendingRepliesKeepThem() throws {
        let path = try OldDatabase.copy(Self.fixture)
        let before = try Self.rows(path)
        let snapshot = try OldDatabase.snapshot(path)
        // Columns added by later migrations (008_privacy's audit.client_id) are checked by their own tests.
        let columns = try OldDatabase.columns(path)
        let pendingTokens = Set(
            before.outbox.values.filter { $0.status == "pending" }.flatMap { linkTokens(in: $0.body) })
        let leftTokens = Set(
            before.outbox.values.filter { $0.status != "pending" }.flatMap { linkTokens(in: $0.body) }
                + before.texts.values.flatMap { linkTokens(in: $0) })
        // What the fixture holds (SOURCES.md): a sent email with a card link, a message quoting a link whose
        // SMS reply is still pending, and a card number in a subject.
        #expect(!leftTokens.subtracting(pendingTokens).isEmpty)
        #expect(!leftTokens.intersection(pendingTokens).isEmpty)
        #expect(!DatabaseFiles(path: path).holding(Self.card).isEmpty)

        // Opened the way the app opens it: the redactor hashes tokens, so each keeps its link's id.
        let bot = try TestBot(seed: false, clock: ManualClock(Self.fixtureTime), dbPath: path)
        let store = bot.app.store
        #expect(try store.integrityProblems().isEmpty)
        let after = try store.read { c in
            try c.outbox(status: nil, limit: 100).map { ($0.id, $0.status, $0.body, $0.subject) }
        }
        for (id, status, body, _) in after {
            let old = try #require(before.outbox[id])
            if status == .pending {
                #expect(body == old.body, "pending item \(id) keeps its tokens: it is still to be delivered")
                continue
            }
            #expect(linkTokens(in: body).isEmpty, "item \(id) (\(status.rawValue)) still holds a token")
            for token in linkTokens(in: old.body) {
                let link = try #require(try store.read { try $0.link(tokenHash: LinkToken.hash(token)) })
                #expect(body.contains("/l/[link \(link.id)]"))
            }
        }
        let texts = try store.read { c in try (1...12).compactMap { try c.message(id: $0) } }
        for message in texts {
            let old = before.texts[message.id] ?? ""
            #expect(linkTokens(in: message.text ?? "").isEmpty, "message \(message.id) still holds a token")
            for token in linkTokens(in: old) {
                let link = try #require(try store.read { try $0.link(tokenHash: LinkToken.hash(token)) })
                #expect(message.text == old.replacingOccurrences(of: token, with: "[link \(link.id)]"))
                #expect(link.action == "payment_method.update")
            }
        }
        let subjects = texts.compactMap(\.subject) + after.compactMap(\.3)
        #expect(subjects.contains("new card •••• 4242 exp 12/29"))
        #expect(subjects.contains("Re: new card •••• 4242 exp 12/29"))

        // Nothing else changed.
        let upgraded = try OldDatabase.snapshot(path, columns: columns)
        for (table, rows) in snapshot where !["outbox", "messages"].contains(table) {
            #expect(upgraded[table] == rows, "table \(table) changed in the upgrade")
        }

        // The files: no token that has left (the pending ones are still there), no card number.
        let files = DatabaseFiles(path: path)
        for token in leftTokens.subtracting(pendingTokens) {
            #expect(files.holding(token).isEmpty, "a token that has left is still in \(files.holding(token))")
        }
        for token in pendingTokens {
            #expect(!files.holding(token).isEmpty)
        }
        for form in [Self.card, Self.card.replacingOccurrences(of: " ", with: "")] {
            #expect(files.holding(form).isEmpty, "the card number is still in \(files.holding(form))")
        }

        // Once the pending replies leave, no token is left at all.
        let worker = OutboxWorker(
            store: try StoreOutbox(store: store), senders: [.sms: RecordingSender(), .email: RecordingSender()],
            clock: bot.clock)
        let run = try worker.runOnce(now: bot.clock.now())
        #expect(run.sent == after.filter { $0.1 == .pending }.count)
        for token in leftTokens.union(pendingTokens) {
            #expect(files.holding(token).isEmpty, "a token is still in \(files.holding(token))")
        }
    }

    @Test func textTheOlderReleaseDeletedWithoutScrubbingDoesNotSurviveTheUpgrade() throws {
        let path = try OldDatabase.copy(Self.fixture)
        let secret = "5555 5555 5555 4444"
        do {
            // As the older release wrote: secure_delete off, so a deleted row's bytes stay in the file.
            let c = try SQLiteStore.open(path)
            try c.executeScript("PRAGMA secure_delete = OFF")
            try c.execute(
                """
                INSERT INTO messages (direction, channel, provider, provider_message_id, from_address, to_address,
                  extracted_text, created_at)
                VALUES ('in', 'sms', 'stale', 'stale-1', '+15550101001', '+15550100000', ?, '2026-12-03T12:58:00Z')
                """, "my card is \(secret)")
            try c.execute("DELETE FROM messages WHERE provider = 'stale'")
            try c.executeScript("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        #expect(!DatabaseFiles(path: path).holding(secret).isEmpty)
        _ = try SQLiteStore(path: path)
        #expect(DatabaseFiles(path: path).holding(secret).isEmpty)
    }

    @Test func aStoreOpenedWithoutTheAppsRedactorStillRemovesTokensWithoutTheirIDs() throws {
        let path = try OldDatabase.copy(Self.fixture)
        let before = try Self.rows(path)
        let store = try SQLiteStore(path: path)
        try store.read { c in
            for item in try c.outbox(status: nil, limit: 100) where item.status != .pending {
                let old = try #require(before.outbox[item.id])
                #expect(linkTokens(in: item.body).isEmpty)
                if !linkTokens(in: old.body).isEmpty {
                    #expect(item.body.contains("/l/[link]"))
                }
            }
            #expect(try c.message(id: 3)?.text?.contains("/l/[link] but then lost it") == true)
        }
    }
}

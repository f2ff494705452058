import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskApp

@Suite("A client's data: export, erasure, retention", .serialized)
struct PrivacyTests {
    let phone = "+15550101001"
    let email = "alice@example.com"

    func cli(_ bot: TestBot, _ args: [String]) -> (code: Int32, out: String) { bot.cli(args) }

    /// Alice's history: SMS and email messages, a card link, a handoff to staff, an opt-out, a staff note naming her.
    func aliceTalks(_ bot: TestBot) throws -> Int {
        try bot.say("when is my next billing date?", from: phone)
        try bot.say("new card", from: phone)
        try bot.say("talk to a person", from: email, subject: "Alice Johnson here")
        try bot.say("STOP", from: phone)
        try bot.say("send my receipts", from: "ben.carter@example.com", subject: "Invoices")
        return try bot.app.store.write { c in
            let business = try #require(try c.business(slug: Demo.slug))
            let alice = try #require(try c.client(businessID: business.id, address: phone, channel: .sms))
            try c.audit(
                businessID: business.id, clientID: alice.id, actor: "staff:1", via: "email", action: "client.note",
                before: nil, after: "called Alice Johnson back on \(phone)", now: bot.clock.now())
            return alice.id
        }
    }

    @Test func exportHoldsEverythingButSecretsAndIsWrittenPrivately() throws {
        let bot = try TestBot()
        let alice = try aliceTalks(bot)
        let dir = NSTemporaryDirectory() + "fd-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/alice.json"
        let run = cli(bot, ["client", "export", "--business", "demo", "--client", String(alice), "--out", file])
        #expect(run.code == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["format"] as? String == "frontdesk.client_export.v1")
        #expect((json["client"] as? [String: Any])?["last_name"] as? String == "Johnson")
        let addresses = try #require(json["addresses"] as? [String: [String]])
        #expect(addresses["sms"] == [phone] && addresses["email"] == [email])
        let conversations = try #require(json["conversations"] as? [[String: Any]])
        let texts = conversations.flatMap { ($0["messages"] as? [[String: Any]]) ?? [] }.compactMap {
            $0["text"] as? String
        }
        #expect(texts.contains("new card") && texts.contains("talk to a person"))
        #expect(!texts.contains("send my receipts"))  // Ben's
        #expect((json["invoices"] as? [Any])?.isEmpty == false)
        #expect((json["links"] as? [[String: Any]])?.first?["action"] as? String == "payment_method.update")
        let optOuts = (json["consent"] as? [String: Any])?["sms_opt_outs"] as? [[String: Any]]
        #expect(optOuts?.first?["address"] as? String == phone)
        let audit = try #require(json["audit"] as? [[String: Any]])
        #expect(audit.contains { $0["action"] as? String == "client.note" })
        #expect(!(json["outbox"] as? [Any] ?? []).isEmpty)
        // Never a processor's token nor a link's hash.
        let (tokens, hashes) = try bot.app.store.read { c in
            (try c.defaultProcessorToken(clientID: alice), try c.links(clientID: alice).map(\.tokenHash))
        }
        #expect(!text.contains(try #require(tokens)))
        for hash in hashes { #expect(!text.contains(hash)) }
        #expect(!text.contains("token_hash") && !text.contains("processor_token"))

        // An existing file is kept unless --force is given.
        try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
        #expect(
            cli(bot, ["client", "export", "--business", "demo", "--client", String(alice), "--out", file]).code == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep")
        let forced = cli(
            bot, ["client", "export", "--business", "demo", "--client", "\(alice)", "--out", file, "--force"])
        #expect(forced.code == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("{\"format\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["alice.json"])  // no temp file left
    }

    @Test func eraseWithoutYesChangesNothingThenErasureLeavesNoTraceOnDiskButKeepsInvoices() throws {
        let bot = try TestBot()
        let alice = try aliceTalks(bot)
        let invoices = try bot.app.store.read { try $0.invoices(clientID: alice, limit: 100) }
        #expect(!invoices.isEmpty)
        let files = DatabaseFiles(path: bot.dbPath)
        for text in [email, phone, "Alice Johnson"] { #expect(!files.holding(text).isEmpty, "\(text) not stored") }

        let counts = try bot.app.store.tableCounts()
        let dry = cli(bot, ["client", "erase", "--business", "demo", "--client", String(alice)])
        #expect(dry.code == 0)
        #expect(dry.out.contains("would erase client \(alice)") && dry.out.contains("nothing changed"))
        #expect(try bot.app.store.tableCounts() == counts)
        #expect(try bot.app.store.read { try $0.client(id: alice)?.lastName } == "Johnson")

        let erased = cli(bot, ["client", "erase", "--business", "demo", "--client", String(alice), "--yes"])
        #expect(erased.code == 0, "\(erased.out)")
        // The database file and its WAL, read as bytes, no longer hold her email, phone or name.
        for text in [email, phone, "Alice Johnson", "Johnson"] {
            #expect(files.holding(text).isEmpty, "\(text) still in \(files.holding(text))")
        }
        try bot.app.store.read { c in
            #expect(try c.invoices(clientID: alice, limit: 100) == invoices)
            #expect(try c.client(id: alice)?.fullName == "erased client \(alice)")
            #expect(try c.addresses(clientID: alice, channel: .sms).isEmpty)
            #expect(try c.conversations(clientID: alice).isEmpty)
            #expect(try c.links(clientID: alice).isEmpty)
            #expect(try c.defaultProcessorToken(clientID: alice) == "")
            #expect(try c.memberships(clientID: alice).allSatisfy { $0.status == .cancelled })
            let card = try #require(try c.paymentMethods(clientID: alice).first)
            #expect(card.last4.count == 4)
            let business = try #require(try c.business(slug: Demo.slug))
            #expect(try !c.isOptedOut(businessID: business.id, address: phone))
            // Ben's conversation is untouched.
            let ben = try #require(
                try c.client(businessID: business.id, address: "ben.carter@example.com", channel: .email))
            #expect(try c.conversations(clientID: ben.id).count == 1)
            // The erasure's own entry names the client by id only; the staff note keeps who did what, not her data.
            let entries = try c.auditEntries(businessID: business.id, clientID: alice, since: nil, limit: 100)
            let erase = try #require(entries.first)
            #expect(erase.action == "client.erase" && erase.after == "client:\(alice) erased")
            let note = try #require(entries.first { $0.action == "client.note" })
            #expect(note.after == "called [erased] back on [erased]")
        }
    }

    @Test func retentionRemovesOldTextsOnlyAndIsAudited() throws {
        let bot = try TestBot()
        let old = try bot.say("when is my next billing date?", from: email, subject: "Billing question")
        try bot.say("how many sessions do I have left?", from: "+15550101002")
        let sent = try #require(try bot.outbox().first { $0.recipient == "+15550101002" })
        try bot.app.store.write { try $0.markOutboxSent(id: sent.id, providerMessageID: "SM1", now: bot.clock.now()) }
        bot.clock.advance(minutes: 40 * 24 * 60)
        let recent = try bot.say("how many sessions do I have left?", from: phone)
        #expect(cli(bot, ["retention", "show", "--business", "demo"]).out.hasPrefix("days=off"))
        #expect(cli(bot, ["retention", "set", "days=0", "--business", "demo"]).code == 2)
        #expect(cli(bot, ["retention", "set", "days=30", "--business", "demo"]).code == 0)
        #expect(cli(bot, ["retention", "show", "--business", "demo"]).out == "days=30")
        let applied = cli(bot, ["retention", "apply"])
        #expect(applied.code == 0)
        #expect(applied.out.contains("demo: "))
        let oldID = try #require(old.messageID)
        let recentID = try #require(recent.messageID)
        try bot.app.store.read { c in
            let gone = try #require(try c.message(id: oldID))
            #expect(gone.text == nil && gone.subject == nil)
            #expect(gone.intent != nil)  // what was asked stays, not the words
            #expect(try c.message(id: recentID)?.text == "how many sessions do I have left?")
        }
        let audit = try bot.audit("retention.apply")
        #expect(audit.count == 1)
        #expect(audit.first?.after?.contains("older than 30 days") == true)
        // Nor is the old text left on disk; the reply still waiting in the outbox keeps its body until it leaves.
        #expect(DatabaseFiles(path: bot.dbPath).holding("when is my next billing date?").isEmpty)
        let pending = try #require(try bot.outbox().first { $0.recipient == email })
        #expect(pending.status == .pending && pending.subject == "Re: Billing question" && !pending.body.isEmpty)
        #expect(try bot.app.store.read { try $0.outboxItem(id: sent.id)?.body } == "")
        // Nothing more to remove: no second entry.
        #expect(cli(bot, ["retention", "apply", "--business", "demo"]).code == 0)
        #expect(try bot.audit("retention.apply").count == 1)
        #expect(cli(bot, ["retention", "set", "days=off", "--business", "demo"]).code == 0)
        #expect(try bot.app.store.read { try $0.retentionDays(businessID: 1) } == nil)
    }

    @Test func serveAppliesRetentionShortlyAfterStart() throws {
        let bot = try TestBot()
        let old = try bot.say("when is my next billing date?", from: phone)
        bot.clock.advance(minutes: 10 * 24 * 60)
        #expect(cli(bot, ["retention", "set", "days=7", "--business", "demo"]).code == 0)
        let schedule = RetentionSchedule(store: bot.app.store, clock: bot.clock, log: .silent, firstDelay: 0.05)
        schedule.start()
        let deadline = Date().addingTimeInterval(10)
        while try bot.audit("retention.apply").isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        schedule.stop()
        #expect(try bot.audit("retention.apply").first?.actor == "system")
        let oldID = try #require(old.messageID)
        #expect(try bot.app.store.read { try $0.message(id: oldID)?.text } == nil)
    }
}

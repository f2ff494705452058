import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

/// Issue 14, part 2: an address no client has proves it is a client's with a code sent to their contact on file.
@Suite("Unknown senders verify")
struct VerificationTests {
    let stranger = "+15559990000"
    let alice = "alice@example.com"  // client 1, phone +15550101001

    /// The codes sent so far, oldest first, with where they went.
    func codes(_ bot: TestBot) throws -> [(recipient: String, code: String)] {
        try bot.outbox().filter { $0.kind == "verification" }.map { row in
            let digits = row.body.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
            return (row.recipient, digits ?? "")
        }
    }

    func addresses(_ bot: TestBot, client: Int) throws -> [String] {
        try bot.app.store.read { try $0.addresses(clientID: client, channel: .sms) }
    }

    @Test func askContactCodeToTheContactOnFileFiveWrongCodesLockThenTheRightOneLinks() throws {
        let bot = try TestBot()
        let ask = try bot.say("when is my next billing date?", from: stranger)
        #expect(ask.reply?.contains("reply with the phone number or email address we have on file") == true)
        #expect(ask.state == "awaiting_verify_contact")
        #expect(!(ask.reply ?? "").contains("Yoga"))

        let sent = try bot.say("sure, it's \(alice)", from: stranger)
        #expect(
            sent.reply
                == "Thanks. If that matches our records, we've sent a 6-digit code to it. Reply here with the code within 10 minutes."
        )
        #expect(sent.state == "awaiting_verify_code")
        let first = try #require(try codes(bot).first)
        #expect(first.recipient == alice && first.code.count == 6)
        // The code went to the contact on file only, never to the new address.
        #expect(try bot.outbox().filter { $0.recipient == stranger }.allSatisfy { !$0.body.contains(first.code) })
        #expect(try bot.audit("verification.code_sent").first?.clientID == 1)

        let wrong = first.code == "000000" ? "111111" : "000000"
        for left in [4, 3, 2, 1] {
            let out = try bot.say(wrong, from: stranger)
            #expect(out.reply == "That code isn't right. Please check it and try again (\(left) tries left).")
        }
        let locked = try bot.say(wrong, from: stranger)
        #expect(locked.reply?.hasPrefix("That code was entered wrongly too many times") == true)
        #expect(try addresses(bot, client: 1) == ["+15550101001"])

        // A new code, to the same contact on file; the locked one no longer works, the right one links the number
        // and answers the first question.
        _ = try bot.say("my phone on file is (555) 010-1001", from: stranger)
        let second = try #require(try codes(bot).last)
        #expect(second.recipient == "+15550101001")
        #expect(try codes(bot).count == 2)
        if first.code != second.code {
            #expect(try bot.say(first.code, from: stranger).reply?.hasPrefix("That code isn't right") == true)
        }
        let done = try bot.say("my code is \(second.code)", from: stranger)
        #expect(done.reply?.hasPrefix("Thanks, Alice: you're verified") == true)
        #expect(done.reply?.contains("Unlimited Yoga") == true)
        #expect(done.intent == "verification" && done.intents == ["verification", "membership.show"])
        #expect(try addresses(bot, client: 1) == ["+15550101001", stranger])
        let audit = try #require(try bot.audit("client.address_verified").first)
        #expect(audit.actor == "client:1" && audit.clientID == 1 && audit.after?.contains(stranger) == true)
        // From now on the number is Alice's.
        #expect(try bot.say("new card", from: stranger).links.count == 1)
        // The code worked once: it cannot be used again, and a code never rests in the outbox once it has left.
        let verificationIDs = try bot.app.store.read { c in
            try (1...3).compactMap { try c.verification(id: $0) }
        }
        let used = try #require(verificationIDs.first { $0.usedAt != nil })
        #expect(try bot.app.store.write { try $0.useVerification(id: used.id, now: bot.clock.now()) } == false)
        let row = try #require(try bot.outbox().last { $0.kind == "verification" })
        try bot.app.store.write { try $0.markOutboxSent(id: row.id, providerMessageID: "x", now: bot.clock.now()) }
        #expect(try bot.app.store.read { try $0.outboxItem(id: row.id)?.body } == "[verification code]")
        // The search does find what is there (their own message quoting it)...
        #expect(!DatabaseFiles(path: bot.dbPath).holding("my code is \(second.code)").isEmpty)
        try bot.app.store.scrubRedactedText()
        // ...and not the message that carried the code.
        #expect(DatabaseFiles(path: bot.dbPath).holding("verification code is \(second.code)").isEmpty)
    }

    @Test func aContactNobodyHasGetsTheSameWordsAndNoCode() throws {
        let bot = try TestBot()
        let other = "+15559990001"
        var replies: [[String]] = [[], []]
        for (i, (sender, contact)) in [(stranger, alice), (other, "nobody@nowhere.example")].enumerated() {
            replies[i].append(try bot.say("new card", from: sender).reply ?? "")
            replies[i].append(try bot.say(contact, from: sender).reply ?? "")
            for _ in 0..<5 { replies[i].append(try bot.say("123 456", from: sender).reply ?? "") }
        }
        #expect(replies[0] == replies[1])
        #expect(try codes(bot).map(\.recipient) == [alice])  // the real contact only
        #expect(try bot.outbox().filter { $0.recipient == "nobody@nowhere.example" }.isEmpty)
        #expect(try bot.count("links") == 0)
    }

    @Test func codesAreLimitedPerSenderAndPerClient() throws {
        let bot = try TestBot()
        let sent =
            "Thanks. If that matches our records, we've sent a 6-digit code to it. Reply here with the code within 10 minutes."
        // One sender: three codes an hour, then a polite refusal that says nothing about the contact.
        _ = try bot.say("new card", from: stranger)
        for _ in 0..<3 { #expect(try bot.say(alice, from: stranger).reply == sent) }
        _ = try bot.say("new card", from: stranger)
        #expect(try bot.say(alice, from: stranger).reply?.hasPrefix("You've asked for several codes already") == true)
        #expect(try codes(bot).map(\.recipient) == [alice, alice, alice])
        // One client: Alice got three codes this hour, so another sender naming her phone is told exactly what anyone
        // is told, and no code is sent.
        let other = "+15559992001"
        _ = try bot.say("new card", from: other)
        #expect(try bot.say("+1 555 010 1001", from: other).reply == sent)
        #expect(try codes(bot).count == 3)
        // Another client is not affected, and the next hour Alice can get codes again.
        _ = try bot.say("new card", from: "+15559992002")
        _ = try bot.say("ben.carter@example.com", from: "+15559992002")
        #expect(try codes(bot).last?.recipient == "ben.carter@example.com")
        bot.clock.advance(minutes: 61)
        _ = try bot.say("new card", from: other)
        #expect(try bot.say("+1 555 010 1001", from: other).reply == sent)
        #expect(try codes(bot).last?.recipient == "+15550101001")
    }

    @Test func aLateOrReusedCodeFails() throws {
        let bot = try TestBot()
        _ = try bot.say("when is my next billing date?", from: stranger)
        _ = try bot.say(alice, from: stranger)
        let code = try #require(try codes(bot).first).code
        bot.clock.advance(minutes: 11)
        let late = try bot.say(code, from: stranger)
        #expect(late.reply?.hasPrefix("That code has expired") == true)
        #expect(try addresses(bot, client: 1) == ["+15550101001"])
        // Another address cannot use someone else's code either.
        _ = try bot.say("when is my next billing date?", from: "+15559990002")
        _ = try bot.say(alice, from: "+15559990002")
        let wrong = try bot.say(code, from: "+15559990002")
        #expect(wrong.reply?.contains("you're verified") != true)
    }

    @Test func byEmailTooAndTheCodeGoesByText() throws {
        let bot = try TestBot()
        let newEmail = "alice.new@mail.example"
        _ = try bot.say("send my receipts", from: newEmail, subject: "Receipts")
        _ = try bot.say("555-010-1001", from: newEmail, subject: "Re: Receipts")
        let code = try #require(try codes(bot).first)
        #expect(code.recipient == "+15550101001")
        let done = try bot.say(code.code, from: newEmail, subject: "Re: Receipts")
        #expect(done.intents == ["verification", "invoices.list"])
        #expect(try bot.app.store.read { try $0.addresses(clientID: 1, channel: .email) } == [alice, newEmail])
    }
}

import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

/// Issue 14, part 1: a verified staff member forwarding a client's email, or naming a client, acts for that client.
/// What goes to the client goes to their contact on file; staff get a staff-facing account.
@Suite("Staff act for clients")
struct StaffForwardTests {
    static let owner = "owner@maple-studio.example"
    static let admin = "admin@maple-studio.example"
    static let sara = "sara@maple-studio.example"  // role staff
    let alice = "alice@example.com"  // client 1, Unlimited Yoga, Visa 4242
    let mia = "mia@example.com"  // client 13, Massage Club

    /// The client menu and the SMS opt-out line are never said to staff, nor a greeting meant for the client.
    func expectStaffFacing(_ body: String?, notGreeting name: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let body = body ?? ""
        #expect(!body.isEmpty, sourceLocation: sourceLocation)
        for text in ["Hi \(name)", "STOP", "You can:", "/l/", "didn't quite get that"] {
            #expect(!body.contains(text), "staff reply holds \(text): \(body)", sourceLocation: sourceLocation)
        }
    }

    @Test func theOwnersNoteAsksForACardLinkThatGoesToTheClientNeverToStaff() throws {
        let bot = try TestBot()
        let forwarded = ForwardedMessage(
            fromName: "Alice Johnson", fromAddress: alice, subject: "my card", body: "Hi, my card expired last week.")
        let out = try bot.say(
            "Can you send her a link to update her card?", from: Self.owner, subject: "Fwd: my card",
            forwarded: forwarded)
        #expect(out.intent == "payment_method.update")
        #expect(out.reply == "Sent Alice Johnson a card-update link by email to a•••@example.com.")
        #expect(out.links.isEmpty)  // the link is the client's, not shown to whoever runs the command
        let rows = try bot.outbox()
        #expect(rows.map(\.recipient) == [alice, Self.owner])
        let toAlice = rows[0]
        #expect(out.clientOutboxIDs == [toAlice.id])
        #expect(toAlice.kind == "reply" && toAlice.channel == .email && toAlice.subject == "Re: my card")
        #expect(toAlice.body.hasPrefix("Hi Alice, update your card here (current: Visa •••• 4242)"))
        #expect(linkTokens(in: toAlice.body).count == 1)
        expectStaffFacing(rows[1].body, notGreeting: "Alice")
        // The link is Alice's, and the audit says the owner acted for her.
        let links = try bot.app.store.read { try $0.links(clientID: 1) }
        #expect(links.map(\.action) == ["payment_method.update"])
        let issued = try #require(try bot.audit("link.issued").first)
        #expect(issued.actor == "staff:1" && issued.clientID == 1)
    }

    @Test(arguments: [owner, admin, sara])
    func aNoteThatAsksNothingActsOnTheClientsOwnWords(_ staff: String) throws {
        let bot = try TestBot()
        let forwarded = ForwardedMessage(
            fromName: "Mia Nguyen", fromAddress: mia, subject: "card", body: "my card was stolen, I need to change it")
        let out = try bot.say("see below", from: staff, subject: "Fwd: card", forwarded: forwarded)
        #expect(out.intent == "payment_method.update")
        #expect(out.reply == "Sent Mia Nguyen a card-update link by email to m•••@example.com.")
        expectStaffFacing(out.reply, notGreeting: "Mia")
        let rows = try bot.outbox()
        #expect(rows.map(\.recipient) == [mia, staff])
        #expect(rows[0].body.contains("Hi Mia") && linkTokens(in: rows[0].body).count == 1)
        #expect(try bot.app.store.read { try $0.links(clientID: 13) }.count == 1)
    }

    @Test(arguments: ["FYI", "", "Hi team, see the email below from Mia", "thanks!"])
    func notesThatAskNothing(_ note: String) throws {
        let bot = try TestBot()
        let forwarded = ForwardedMessage(
            fromName: "Mia Nguyen", fromAddress: mia, body: "when is my next billing date?")
        let out = try bot.say(note, from: Self.sara, subject: "Fwd: billing", forwarded: forwarded)
        #expect(out.intent == "membership.show")
        // The client asked, so the answer is hers, at her address.
        #expect(out.reply == "Sent Mia Nguyen their membership details by email to m•••@example.com.")
        let toMia = try #require(try bot.outbox().first { $0.recipient == mia })
        #expect(toMia.body.contains("Massage Club") && toMia.body.hasPrefix("Hi Mia"))
    }

    @Test func aStaffQuestionAboutANamedClientIsAnsweredToStaff() throws {
        let bot = try TestBot()
        let out = try bot.say("What is Alice Johnson's next billing date?", from: Self.sara)
        #expect(out.intent == "membership.show")
        let reply = try #require(out.reply)
        #expect(reply.hasPrefix("Alice Johnson's membership:"))
        #expect(reply.contains("Unlimited Yoga (active)") && reply.contains("Next billing date:"))
        expectStaffFacing(reply, notGreeting: "Alice")
        #expect(try bot.outbox().map(\.recipient) == [Self.sara])  // nothing to Alice
        // The same question by a staff member's registered phone.
        let sms = try bot.say("when is alice johnson's next billing date", from: "+15550100003")
        #expect(sms.reply?.contains("Unlimited Yoga") == true)
    }

    @Test func aNoteNamingTheClientByEmailOrPhoneFindsThem() throws {
        let bot = try TestBot()
        let byEmail = try bot.say("please send a card update link to ben.carter@example.com", from: Self.admin)
        #expect(byEmail.reply == "Sent Ben Carter a card-update link by email to b•••@example.com.")
        // A forward whose sender is not on file, signed with a phone that is.
        let forwarded = ForwardedMessage(
            fromName: "C. D.", fromAddress: "chloe.new@elsewhere.example",
            body: "how many classes do I have left?\n\nChloe\n(555) 010-1003")
        let byPhone = try bot.say("", from: Self.admin, subject: "Fwd: classes", forwarded: forwarded)
        #expect(byPhone.reply == "Sent Chloe Davis their membership details by email to c•••@example.com.")
    }

    @Test func severalMatchingClientsAreAChoiceForStaff() throws {
        let bot = try TestBot()
        let other = try bot.addClient("Alice", "Johnson", emails: ["ajohnson@work.example"])
        let forwarded = ForwardedMessage(
            fromName: "Alice Johnson", fromAddress: "alice.j@gmail.example", body: "please send me my receipts")
        let ask = try bot.say("see below", from: Self.owner, subject: "Fwd: receipts", forwarded: forwarded)
        #expect(ask.state == "awaiting_client_choice")
        #expect(
            ask.reply
                == "Several clients match: 1) Alice Johnson (a•••@example.com), 2) Alice Johnson (a•••@work.example). Which one do you mean? Reply 1 or 2."
        )
        #expect(try bot.outbox().map(\.recipient) == [Self.owner])
        #expect(try bot.app.store.read { try $0.links(clientID: 1) + $0.links(clientID: other) }.isEmpty)
        let chosen = try bot.say("2", from: Self.owner, subject: "Re: Fwd: receipts")
        #expect(chosen.intent == "invoices.list")
        #expect(chosen.reply?.hasPrefix("Sent Alice Johnson ") == true)
        #expect(chosen.reply?.hasSuffix("by email to a•••@work.example.") == true)
        #expect(try bot.outbox().last { $0.recipient != Self.owner }?.recipient == "ajohnson@work.example")
        #expect(try bot.app.store.read { try $0.links(clientID: 1) }.isEmpty)
        #expect(chosen.state == "idle")
    }

    @Test func aClientWhoCannotBeFoundIsSaidSoNamingWhatWasSearched() throws {
        let bot = try TestBot()
        let forwarded = ForwardedMessage(
            fromName: "Zed Quill", fromAddress: "zed@nowhere.example", body: "can I get a new card link?")
        let out = try bot.say("Can you help her?", from: Self.admin, subject: "Fwd: card", forwarded: forwarded)
        #expect(
            out.reply
                == "I couldn't find that client at Maple Street Studio: I looked for the email zed@nowhere.example, the name \"Zed Quill\". Write their full name, email or phone on file in your note and forward it again."
        )
        #expect(try bot.outbox().map(\.recipient) == [Self.admin])
        #expect(try bot.count("links") == 0)
    }

    @Test func whatEachRoleMayDoIsTheBusinesssChoiceWithManifestDefaults() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let forwarded = ForwardedMessage(
            fromName: "Alice Johnson", fromAddress: alice, body: "I want to cancel my membership")
        // By default staff may not cancel for a client (the cancel manifest gives owner and admin).
        let denied = try bot.say("see below", from: Self.sara, subject: "Fwd: cancel", forwarded: forwarded)
        #expect(denied.reply?.hasPrefix("Your role (staff) may not ask for that (membership.cancel)") == true)
        #expect(try bot.outbox().map(\.recipient) == [Self.sara])
        // The owner may: Alice is asked to confirm at her own address, and her YES is what cancels.
        let asked = try bot.say("see below", from: Self.owner, subject: "Fwd: cancel", forwarded: forwarded)
        #expect(
            asked.reply
                == "Sent Alice Johnson a request to confirm the cancellation of Unlimited Yoga by replying YES by email to a•••@example.com."
        )
        #expect(try bot.outbox().last { $0.recipient == alice }?.body.contains("Reply YES") == true)
        #expect(try bot.membership(clientID: 1)?.status == .active)
        let yes = try bot.say("YES", from: alice, subject: "Re: cancel")
        #expect(yes.reply?.contains("cancelled at the end of your billing period") == true)
        #expect(try bot.membership(clientID: 1)?.status == .pendingCancel)

        // The business lets only its owner send card links for clients.
        try bot.app.store.write {
            try $0.setStaffRoles(businessID: 1, intent: "payment_method.update", roles: [.owner])
        }
        let card = ForwardedMessage(fromName: "Mia Nguyen", fromAddress: mia, body: "new card please")
        for staff in [Self.sara, Self.admin] {
            let out = try bot.say("see below", from: staff, subject: "Fwd: card", forwarded: card)
            #expect(out.reply?.contains("may not ask for that (payment_method.update)") == true)
        }
        #expect(try bot.app.store.read { try $0.links(clientID: 13) }.isEmpty)
        let owner = try bot.say("see below", from: Self.owner, subject: "Fwd: card", forwarded: card)
        #expect(owner.reply == "Sent Mia Nguyen a card-update link by email to m•••@example.com.")
        // Clients keep what the manifest gives them whatever the staff roles.
        #expect(try bot.say("new card", from: "+15550101013").links.count == 1)
    }

    @Test func whatStaffAskForThatCannotBeDoneIsToldToThemNotToTheClient() throws {
        let bot = try TestBot()
        try bot.enable("payment", false)
        let off = try bot.say("Send Alice Johnson a link to update her card", from: Self.owner)
        #expect(
            off.reply
                == "Maple Street Studio doesn't offer that by message (its plugin is turned off), so nothing was sent to Alice Johnson."
        )
        let cancel = try bot.say("please cancel Alice Johnson's membership", from: Self.owner)  // allowed=false
        #expect(
            cancel.reply?.hasPrefix(
                "Cancellations by message are turned off at Maple Street Studio, so Alice Johnson's Unlimited Yoga membership was not changed"
            ) == true)
        let none = try bot.say("Send Isla Jones her receipts", from: Self.owner)  // no membership, no invoices
        #expect(none.reply == "Isla Jones has no invoices yet.")
        #expect(try bot.outbox().allSatisfy { $0.recipient == Self.owner || $0.kind == "staff_notice" })
        #expect(try bot.membership(clientID: 1)?.status == .active)
    }

    @Test func staffAskingWithoutNamingAClientAreAskedWhich() throws {
        let bot = try TestBot()
        let out = try bot.say("new card", from: Self.sara)
        #expect(out.reply?.hasPrefix("Which client is this for?") == true)
        #expect(try bot.count("links") == 0)
        #expect(!(out.reply ?? "").contains("needs a member of staff"))
    }

    @Test func anSMSOnlyClientGetsTheirLinkByTextAndStaffAreToldSo() throws {
        let bot = try TestBot()
        let phoneOnly = try bot.addClient("Pia", "Lund", phones: ["+15550107777"])
        let out = try bot.say("Send Pia Lund a link to update her card", from: Self.admin)
        #expect(out.reply == "Sent Pia Lund a card-update link by text to •••7777.")
        let row = try #require(try bot.outbox().first { $0.recipient == "+15550107777" })
        #expect(row.channel == .sms && linkTokens(in: row.body).count == 1)
        #expect(try bot.app.store.read { try $0.links(clientID: phoneOnly) }.count == 1)
    }
}

import Foundation
import FrontdeskChannels
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskApp

/// Issue 14, part 3: "delete my account and data" and "what data do you have on me" become privacy requests that
/// staff approve or reject (`frontdesk privacy`); the client is told when it is received and when it is done.
@Suite("Privacy requests staff decide", .serialized)
struct PrivacyRequestTests {
    let phone = "+15550101001"
    let email = "alice@example.com"
    let owner = "owner@maple-studio.example"

    func cli(_ bot: TestBot, _ args: [String]) -> (code: Int32, out: String) { bot.cli(args) }

    /// Delivers every due outbox item; returns what each channel sent.
    func deliver(_ bot: TestBot) throws -> (sms: RecordingSender, email: RecordingSender) {
        let (sms, email) = (RecordingSender(), RecordingSender())
        var policy = OutboxPolicy()
        policy.ratePerRecipient = 1000
        let worker = OutboxWorker(
            store: try StoreOutbox(store: bot.app.store), senders: [.sms: sms, .email: email], policy: policy,
            clock: bot.clock)
        try worker.runOnce(now: bot.clock.now())
        return (sms, email)
    }

    @Test func anErasureRequestWaitsForAnOwnerThenErasesAndLeavesNoTraceOnDisk() throws {
        let bot = try TestBot()
        try bot.say("when is my next billing date?", from: phone)
        try bot.say("new card", from: email, subject: "Card")
        let asked = try bot.say("Please delete my account and all my data", from: email, subject: "Alice Johnson here")
        #expect(asked.intent == "privacy")
        #expect(
            asked.reply?.hasPrefix(
                "Thanks, Alice. We've received your request to erase your account and data (request 1)") == true)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(notices.count == 3)
        #expect(notices.allSatisfy { $0.body.contains("frontdesk privacy approve 1 --by") })
        // Asking again does not open a second request.
        #expect(
            try bot.say("delete my account and data", from: phone).reply?.contains("already have your request (1)")
                == true)
        #expect(cli(bot, ["privacy", "list", "--business", "demo"]).out.contains("1\t"))
        // Nothing is erased before staff decide; a staff member (role staff) may not decide.
        #expect(try bot.app.store.read { try $0.client(id: 1)?.lastName } == "Johnson")
        let refused = cli(bot, ["privacy", "approve", "1", "--by", "sara@maple-studio.example"])
        #expect(refused.code == 1)
        #expect(try bot.app.store.read { try $0.privacyRequest(id: 1)?.status } == .pending)

        let approved = cli(bot, ["privacy", "approve", "1", "--by", owner])
        #expect(approved.code == 0, "\(approved.out)")
        #expect(approved.out.hasPrefix("approved erase request 1: client 1 erased; told by email to a•••@example.com"))
        try bot.app.store.read { c in
            let request = try #require(try c.privacyRequest(id: 1))
            #expect(request.status == .done && request.decidedBy == "staff:1" && request.doneAt != nil)
            #expect(try c.client(id: 1)?.fullName == "erased client 1")
            #expect(try c.addresses(clientID: 1, channel: .email).isEmpty)
        }
        #expect(try bot.audit("privacy.approved").first?.actor == "staff:1")
        #expect(try bot.audit("client.erase").first?.after == "client:1 erased")
        #expect(cli(bot, ["privacy", "approve", "1", "--by", owner]).code == 1)  // already done

        // The client is told it is done, at the address they had; then that message goes too.
        let sent = try deliver(bot)
        let last = try #require(sent.email.sent.first { $0.to == email })
        #expect(last.body.contains("your account and personal data have been erased"))
        #expect(try bot.outbox().allSatisfy { $0.recipient != email && $0.recipient != phone })
        let files = DatabaseFiles(path: bot.dbPath)
        for text in [email, phone, "Alice Johnson", "Johnson", "delete my account"] {
            #expect(files.holding(text).isEmpty, "\(text) still in \(files.holding(text))")
        }
        #expect(!files.holding("ben.carter@example.com").isEmpty)  // the search finds what is there
    }

    @Test func anExportIsApprovedWithALinkToTheClientsOwnContactOnly() throws {
        let bot = try TestBot()
        // Ben asks by text; his email is his contact on file for the link.
        let asked = try bot.say("what data do you have on me?", from: "+15550101002")
        #expect(asked.reply?.contains("request for a copy of your data (request 1)") == true)
        let approved = cli(
            bot, ["privacy", "approve", "1", "--by", "admin@maple-studio.example", "--business", "demo"])
        #expect(approved.code == 0, "\(approved.out)")
        #expect(
            approved.out.hasPrefix(
                "approved export request 1: a one-time download link went by email to b•••@example.com"))
        let row = try #require(try bot.outbox().last)
        #expect(row.recipient == "ben.carter@example.com" && row.kind == "privacy")
        #expect(row.subject == "Your data from Maple Street Studio")
        #expect(linkTokens(in: row.body).count == 1 && row.body.contains("within 72 hours"))
        let link = try #require(try bot.app.store.read { try $0.links(clientID: 2) }.first)
        #expect(link.action == "privacy.export" && link.resource == "privacy_request:1")
        #expect(try bot.app.store.read { try $0.privacyRequest(id: 1)?.status } == .approved)
        #expect(
            cli(bot, ["privacy", "list", "--business", "demo", "--status", "approved", "--json"]).out.contains(
                "\"kind\":\"export\""))
    }

    @Test func aRejectionTellsTheClientWithTheReasonAndIsFinal() throws {
        let bot = try TestBot()
        _ = try bot.say("Please delete my account and all my data", from: email, subject: "Delete")
        let rejected = cli(
            bot, ["privacy", "reject", "1", "--by", owner, "--reason", "you still owe an open invoice, call us first"])
        #expect(rejected.code == 0, "\(rejected.out)")
        let row = try #require(try bot.outbox().last)
        #expect(row.recipient == email && row.kind == "privacy")
        #expect(row.body.contains("(request 1): you still owe an open invoice, call us first."))
        #expect(try bot.audit("privacy.rejected").count == 1)
        #expect(try bot.app.store.read { try $0.client(id: 1)?.lastName } == "Johnson")
        #expect(cli(bot, ["privacy", "approve", "1", "--by", owner]).code == 1)
        // A new request may be made after a rejection.
        #expect(try bot.say("delete my account and data", from: email).reply?.contains("(request 2)") == true)
    }

    @Test func anUnknownSenderMustVerifyBeforeAnyRequestExists() throws {
        let bot = try TestBot()
        let out = try bot.say("delete all my data", from: "+15559990000")
        #expect(out.reply?.contains("we have on file") == true)
        #expect(try bot.app.store.read { try $0.privacyRequests(businessID: 1, status: nil, limit: 10) }.isEmpty)
    }

    @Test func badPrivacyCommandsAreUsageErrors() throws {
        let bot = try TestBot()
        #expect(cli(bot, ["privacy"]).code == 2)
        #expect(cli(bot, ["privacy", "approve", "x", "--by", owner]).code == 2)
        #expect(cli(bot, ["privacy", "approve", "1"]).code == 2)
        #expect(cli(bot, ["privacy", "approve", "1", "--by", "not-an-email"]).code == 2)
        #expect(cli(bot, ["privacy", "approve", "1", "--by", owner, "--reason", "x"]).code == 2)
        #expect(cli(bot, ["privacy", "list", "--business", "demo", "--status", "odd"]).code == 2)
        #expect(cli(bot, ["privacy", "approve", "9", "--by", owner]).code == 1)
        #expect(cli(bot, ["privacy", "list", "--business", "demo"]).out == "no privacy requests for demo")
    }

    @Test func rolesAreShownAndSetPerBusinessAndAudited() throws {
        let bot = try TestBot()
        let shown = cli(bot, ["roles", "show", "--business", "demo"])
        #expect(shown.out.contains("membership.cancel\tadmin,owner\tdefault"))
        #expect(shown.out.contains("payment_method.update\tstaff,admin,owner\tdefault"))
        #expect(cli(bot, ["roles", "set", "payment_method.update", "owner", "--business", "demo"]).code == 0)
        #expect(cli(bot, ["roles", "show", "--business", "demo"]).out.contains("payment_method.update\towner\tset"))
        let forwarded = ForwardedMessage(
            fromName: "Mia Nguyen", fromAddress: "mia@example.com", body: "new card please")
        let out = try bot.say("see below", from: "admin@maple-studio.example", forwarded: forwarded)
        #expect(out.reply?.contains("Your role (admin) may not") == true)
        #expect(try bot.audit("roles.set").first?.after == "payment_method.update: owner")
        #expect(cli(bot, ["roles", "set", "payment_method.update", "default", "--business", "demo"]).code == 0)
        #expect(cli(bot, ["roles", "set", "payment_method.update", "client", "--business", "demo"]).code == 2)
        #expect(cli(bot, ["roles", "set", "no.such", "owner", "--business", "demo"]).code == 1)
        let again = try bot.say("see below", from: "admin@maple-studio.example", forwarded: forwarded)
        #expect(again.reply?.hasPrefix("Sent Mia Nguyen a card-update link") == true)
    }
}

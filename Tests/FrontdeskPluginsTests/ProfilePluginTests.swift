import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskPlugins

/// The profile plugin called directly (`handle`, `resume`, `linkPage`, `submitLink`) over the real store of the demo
/// business: a new contact is proved by a code sent to it, and only the right code changes anything.
@Suite("Profile plugin: contact changes proved by a code, name and address on a page")
struct ProfilePluginTests {
    let plugin = ProfilePlugin()
    let alice = "+15550101001"  // Alice Johnson, alice@example.com
    let newEmail = "alice.new@example.org"

    func addresses(_ h: PluginHarness, _ channel: Channel) throws -> [String] {
        try h.bot.app.store.read { try $0.addresses(clientID: 1, channel: channel) }
    }

    func handle(_ h: PluginHarness, _ text: String) throws -> PluginReply {
        try h.run("profile", as: alice) { try plugin.handle(h.request("profile.update", text), in: $0) }
    }

    /// Asks for `newEmail` and returns the pending question and the code the message to the new contact holds.
    func ask(_ h: PluginHarness) throws -> (pending: PendingAction, code: String) {
        let asked = try handle(h, "my new email is \(newEmail)")
        #expect(asked.template == "profile/code_sent")
        #expect(asked.values["new"] == "a•••@example.org")
        let message = try #require(asked.messages.first)
        #expect(asked.messages.count == 1)
        #expect(message.address == newEmail && message.channel == .email, "the code goes to the NEW contact")
        #expect(message.kind == OutboxRecord.verificationKind)
        let code = try #require(message.values["code"])
        #expect(code.count == 6 && code.allSatisfy(\.isNumber))
        #expect(asked.values["code"] == nil, "the reply to the conversation never holds the code")
        return (try #require(asked.pending), code)
    }

    @Test func theRightCodeChangesTheEmailAuditsItAndTellsTheOldAddress() throws {
        let h = try PluginHarness()
        let (pending, code) = try ask(h)
        #expect(pending.action == "profile:code")
        #expect(try addresses(h, .email) == ["alice@example.com"], "nothing changes before the code")

        let done = try h.run("profile", as: alice) { try plugin.resume(pending, answer: .text(code), in: $0) }
        #expect(done.template == "profile/changed")
        #expect(done.values["old"] == "a•••@example.com")
        #expect(done.auditAction == "profile.contact_changed")
        #expect(done.auditBefore == "email a•••@example.com")
        #expect(done.auditAfter?.contains(newEmail) == false, "the audit keeps addresses masked")
        let notice = try #require(done.messages.first)
        #expect(notice.address == "alice@example.com" && notice.template == "profile/changed_notice")
        #expect(notice.kind == OutboxRecord.securityKind)
        #expect(try addresses(h, .email) == [newEmail])
        #expect(try addresses(h, .sms) == [alice], "the phone is untouched")

        // The code works once.
        let again = try h.run("profile", as: alice) { try plugin.resume(pending, answer: .text(code), in: $0) }
        #expect(again.template == "profile/code_expired")
    }

    @Test func wrongCodesCountDownThenLockAndNothingChanges() throws {
        let h = try PluginHarness()
        let (pending, code) = try ask(h)
        let wrong = code == "000000" ? "111111" : "000000"
        for left in stride(from: 4, through: 1, by: -1) {
            let reply = try h.run("profile", as: alice) { try plugin.resume(pending, answer: .text(wrong), in: $0) }
            #expect(reply.template == "profile/code_wrong")
            #expect(reply.values["left"] == String(left))
            #expect(reply.pending == pending, "the question keeps waiting, until its first expiry")
        }
        let locked = try h.run("profile", as: alice) { try plugin.resume(pending, answer: .text(wrong), in: $0) }
        #expect(locked.template == "profile/code_locked")
        #expect(locked.auditAction == "profile.code_locked")
        // Even the right code no longer works.
        let late = try h.run("profile", as: alice) { try plugin.resume(pending, answer: .text(code), in: $0) }
        #expect(late.template == "profile/code_locked")
        #expect(try addresses(h, .email) == ["alice@example.com"])
    }

    @Test func anExpiredCodeOrANoChangesNothing() throws {
        let h = try PluginHarness()
        let (pending, code) = try ask(h)
        h.bot.clock.advance(minutes: 11)
        let late = try h.run("profile", as: alice) { try plugin.resume(pending, answer: .text(code), in: $0) }
        #expect(late.template == "profile/code_expired")
        let (again, _) = try ask(h)
        let no = try h.run("profile", as: alice) { try plugin.resume(again, answer: .no, in: $0) }
        #expect(no.template == "profile/code_cancelled")
        #expect(try addresses(h, .email) == ["alice@example.com"])
    }

    @Test func anAddressAnotherClientHasIsRefusedWithoutSayingWhose() throws {
        let h = try PluginHarness()
        for (text, kind) in [
            ("please change my email to ben.carter@example.com", "email address"),
            ("my new number is 555-010-1002", "phone number"),
            ("new email: owner@maple-studio.example", "email address"),  // a staff member's
        ] {
            let reply = try handle(h, text)
            #expect(reply.template == "profile/taken", "\(text)")
            #expect(reply.values["kind"] == kind)
            #expect(reply.messages.isEmpty && reply.pending == nil, "no code is sent")
            let values = reply.values.merging(["contact": "hello@maple-studio.example"]) { $1 }
            let rendered = try h.run("profile", as: alice) { try $0.render(reply.template, values) }
            #expect(!rendered.contains("Ben") && !rendered.contains("Carter") && !rendered.contains("Olivia"))
        }
        let own = try handle(h, "my email is alice@example.com")
        #expect(own.template == "profile/already_yours")
    }

    @Test func aRequestWithoutANewValueAsksAndTheAnswerGetsTheCode() throws {
        let h = try PluginHarness()
        let vague = try handle(h, "I need to update my details")
        #expect(vague.template == "profile/what")
        #expect(vague.pending?.action == "profile:contact")
        let email = try handle(h, "I want to change my email")
        #expect(email.template == "profile/ask_email")
        let phone = try handle(h, "cambié de número de teléfono")
        #expect(phone.template == "profile/ask_phone")
        let pending = try #require(email.pending)
        let answered = try h.run("profile", as: alice) {
            try plugin.resume(pending, answer: .text("it's \(newEmail)"), in: $0)
        }
        #expect(answered.template == "profile/code_sent")
        #expect(answered.messages.first?.address == newEmail)
    }

    @Test func aNewPhoneThatOptedOutCannotGetACode() throws {
        let h = try PluginHarness()
        try h.bot.app.store.write { _ = try $0.optOut(businessID: 1, address: "+15550109999", now: h.bot.clock.now()) }
        let reply = try handle(h, "new number 555 010 9999")
        #expect(reply.template == "profile/opted_out")
        #expect(reply.messages.isEmpty)
    }

    @Test func codesAreLimitedPerHour() throws {
        let h = try PluginHarness()
        for _ in 1...ContactCodes.perSenderPerHour { _ = try ask(h) }
        let fourth = try handle(h, "my new email is \(newEmail)")
        #expect(fourth.template == "profile/limited")
        #expect(fourth.messages.isEmpty)
    }

    @Test func nameAndAddressChangeOnALinkPageThatValidatesAndAudits() throws {
        let h = try PluginHarness()
        let reply = try handle(h, "I got married, please change my last name")
        #expect(reply.template == "profile/link")
        let link = try #require(reply.links.first)
        #expect(link.action == ProfilePlugin.action)
        let request = LinkRequest(action: ProfilePlugin.action, resource: "client:1", linkID: 1)
        let page = try h.run("profile", as: alice) { try plugin.linkPage(request, in: $0) }
        #expect(page.title == "Update your details")
        let fields = try #require(page.form?.fields)
        #expect(fields.map(\.name) == ["first_name", "last_name", "postal_address"])
        let onFile = "12 Maple Street\nSpringfield, IL 62701"  // the demo's
        #expect(fields.map(\.value) == ["Alice", "Johnson", onFile])
        #expect(fields.allSatisfy { !$0.label.isEmpty })

        let empty = try h.run("profile", as: alice) {
            try plugin.submitLink(request, form: ["first_name": "  ", "last_name": "Smith"], in: $0)
        }
        #expect(!empty.spendsLink && empty.page.status == 422)
        #expect(empty.page.error == "Please enter your first name.")
        let same = try h.run("profile", as: alice) {
            try plugin.submitLink(
                request, form: ["first_name": "Alice", "last_name": "Johnson", "postal_address": onFile + "\r\n"],
                in: $0)
        }
        #expect(!same.spendsLink && same.page.error?.hasPrefix("Nothing was changed") == true)

        let done = try h.run("profile", as: alice) {
            try plugin.submitLink(
                request,
                form: [
                    "first_name": " Alice ", "last_name": "Smith", "postal_address": "12 Elm St\r\n\r\nSpringfield",
                ],
                in: $0)
        }
        #expect(done.spendsLink)
        #expect(done.page.title == "Details updated")
        #expect(done.auditAction == "profile.details_changed")
        #expect(done.auditAfter == "name and postal address changed", "the audit never holds the values")
        #expect(done.clientNotice?.template == "profile/details_notice")
        let stored = try h.bot.app.store.read { c in (try c.client(id: 1), try c.postalAddress(clientID: 1)) }
        #expect(stored.0?.fullName == "Alice Smith")
        #expect(stored.1 == "12 Elm St\nSpringfield")

        // A link bound to another client's record is not this client's page.
        let other = LinkRequest(action: ProfilePlugin.action, resource: "client:2", linkID: 2)
        #expect(throws: PluginError.self) { try h.run("profile", as: alice) { try plugin.linkPage(other, in: $0) } }
    }

    @Test func throughThePipelineTheCodeAndTheNoticeLeaveByTheOutboxInGSM7() throws {
        let bot = try TestBot()
        let asked = try bot.say("new number 555-010-7788", from: alice)
        #expect(asked.state == "awaiting_code")
        let code = try #require(try bot.outbox().last { $0.kind == OutboxRecord.verificationKind })
        #expect(code.recipient == "+15550107788" && code.channel == .sms)
        let digits = try #require(code.body.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 })
        #expect(!(asked.reply ?? "").contains(String(digits)), "the code goes to the new number only")
        let done = try bot.say(String(digits), from: alice)
        #expect(done.reply?.hasPrefix("Done: your phone number is now ***7788.") == true, "\(done.reply ?? "")")
        let notice = try #require(try bot.outbox().last { $0.kind == OutboxRecord.securityKind })
        #expect(notice.recipient == alice)
        #expect(notice.body.contains("changed to ***7788") && SMSText.isGSM7(notice.body), "\(notice.body)")
        #expect(try bot.audit("profile.contact_changed").count == 1)
    }
}

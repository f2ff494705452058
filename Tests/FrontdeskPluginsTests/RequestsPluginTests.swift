import FrontdeskCore
import FrontdeskEngine
import FrontdeskPlugins
import FrontdeskTesting
import Testing

/// The requests plugin through the real pipeline: staff get a summary, the client one line, nothing else happens.
@Suite("Requests for staff")
struct RequestsPluginTests {
    let alice = "+15550101001"  // Alice Johnson, active

    @Test func aFreezeGoesToStaffWithASummaryAndIsNeverACancellation() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let text = "can I freeze my membership for a month? going on vacation"
        let out = try bot.say(text, from: alice)
        #expect(out.intent == "membership.pause")
        #expect(out.state == "idle")
        #expect(out.links.isEmpty)
        let reply = try #require(out.reply)
        #expect(reply.contains("membership pause request") && reply.contains("within 24 hours"))
        #expect(!reply.contains("\n"), "one line")
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(notices.count == 3)  // owner, admin, staff
        for notice in notices {
            #expect(notice.body.contains("Alice Johnson"))
            #expect(notice.body.contains(alice))
            #expect(notice.body.contains("membership pause"))
            #expect(notice.body.contains(text))
        }
        #expect(try bot.audit("request.membership.pause").count == 1)
        // A "yes" afterwards confirms nothing: no cancellation was offered.
        let yes = try bot.say("YES", from: alice)
        #expect(yes.intent != "membership.cancel")
        #expect(try bot.membership(clientID: 1)?.status.rawValue == "active")
    }

    @Test(arguments: [
        ("you charged me twice this month, I want a refund", "refund.request", "refund"),
        ("cancel my 3pm tomorrow", "appointment.request", "appointment"),
        // A copy or an erasure becomes a privacy request staff decide (PrivacyRequestTests); anything else about
        // personal data goes to staff as a summary.
        ("please stop using my personal data for marketing", "privacy", "personal data"),
    ])
    func eachRequestIsNamedInWords(_ text: String, _ intent: String, _ kind: String) throws {
        let bot = try TestBot()
        let out = try bot.say(text, from: alice)
        #expect(out.intent == intent)
        #expect(out.reply?.contains("your \(kind) request") == true, "\(out.reply ?? "nil")")
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(!notices.isEmpty && notices.allSatisfy { $0.body.contains(kind) && $0.body.contains(text) })
    }

    @Test func anUnknownSenderIsNamedByTheirAddress() throws {
        let bot = try TestBot()
        let stranger = "+15559990000"
        _ = try bot.say("I was charged twice, please refund me", from: stranger)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(!notices.isEmpty && notices.allSatisfy { $0.body.contains(stranger) })
    }

    @Test func aCancelledClientsRejoinGoesToStaffByDefault() throws {
        let bot = try TestBot()
        let text = "I cancelled last spring and would like to rejoin"
        let out = try bot.say(text, from: "+15550101007")  // Grace, cancelled
        #expect(out.intent == "membership.reactivate")
        #expect(out.reply?.contains("your membership reactivation request") == true, "\(out.reply ?? "nil")")
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(!notices.isEmpty && notices.allSatisfy { $0.body.contains("Grace Hall") && $0.body.contains(text) })
    }

    @Test func disabledPausingIsNotAvailableAndNotifiesNobody() throws {
        let bot = try TestBot()
        try bot.enable("lifecycle", false)
        let out = try bot.say("please put my membership on hold for two months", from: alice)
        #expect(out.reply?.contains("doesn't offer that") == true)
        #expect(try bot.outbox().filter { $0.kind == "staff_notice" }.isEmpty)
    }
}

/// Thanks, acknowledgements and greetings get one short line, never the menu.
@Suite("Small talk")
struct SmalltalkPluginTests {
    let alice = "+15550101001"

    @Test(arguments: [
        ("ok thanks", "You're welcome!"), ("thank you so much!!", "You're welcome!"), ("🙏", "You're welcome!"),
        // A client with no language stored is answered in the language of the message.
        ("merci beaucoup", "Avec plaisir !"), ("hi there", "Hi! How can I help?"),
        ("hola", "¡Hola! ¿En qué te puedo ayudar?"),
        ("no thanks", "Got it!"), ("👍", "Got it!"), ("ok", "Got it!"),
    ])
    func oneShortLine(_ text: String, _ expected: String) throws {
        let bot = try TestBot()
        let out = try bot.say(text, from: alice)
        #expect(out.intent == "smalltalk")
        let reply = try #require(out.reply)
        #expect(reply.hasPrefix(expected), "\(reply)")
        #expect(!reply.contains("didn't quite get that") && !reply.contains("\n"))
    }

    @Test func kindsAreToldApart() {
        #expect(SmalltalkPlugin.kind(of: "Thanks a lot!") == .thanks)
        #expect(SmalltalkPlugin.kind(of: "muchas gracias") == .thanks)
        #expect(SmalltalkPlugin.kind(of: "Good morning") == .greeting)
        #expect(SmalltalkPlugin.kind(of: "Bonjour !") == .greeting)
        #expect(SmalltalkPlugin.kind(of: "no thanks") == .ack)
        #expect(SmalltalkPlugin.kind(of: "non merci") == .ack)
        #expect(SmalltalkPlugin.kind(of: "sounds good") == .ack)
    }

    @Test func aThankYouUnderARequestIsNotSmalltalk() throws {
        let bot = try TestBot()
        let out = try bot.say(
            "Hi,\n\nCould you send me my receipts for the last three months?\n\nThanks so much,\nAlice",
            from: "alice@example.com")
        #expect(out.intent == "invoices.list")
    }
}

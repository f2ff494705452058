import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskEngine

@Suite("Pending questions")
struct PendingTests {
    let ben = "+15550101002"  // Massage Club, active: client 2

    static let reader = Result { Reader(lexicon: try Catalog.load(root: TestBot.root).lexicon) }

    @Test(arguments: [
        ("yes", Reader.Confirmation.yes(detail: "")), ("YES moving away", .yes(detail: "moving away")),
        ("Yes, too expensive!", .yes(detail: "too expensive")), ("ok fine yes", .yes(detail: "")),
        ("yes please", .yes(detail: "")), ("sí", .yes(detail: "")), ("Oui", .yes(detail: "")),
        ("confirm", .yes(detail: "")), ("ok", .acknowledgement), ("OK!", .acknowledgement), ("👍", .acknowledgement),
        ("sure", .acknowledgement), ("ok thanks", .acknowledgement), ("vale", .acknowledgement),
        ("d'accord", .acknowledgement), ("no", .no), ("NO thanks", .no), ("non", .no), ("nope, keep it", .no),
        ("yes but what happens to my massages?", .other), ("yes what about my massages", .other),
        ("ok what happens if I cancel", .other), ("no, what?", .other), ("when is my next billing date?", .other),
        ("new card", .other),
    ])
    func onlyAnExplicitYesOrNoAnswers(_ text: String, _ expected: Reader.Confirmation) throws {
        #expect(try Self.reader.get().confirmation(text) == expected)
    }

    @Test func okAndThumbsUpGetTheQuestionAgainAndNeverCancel() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true), "mode": .string("immediate")])
        let ask = try bot.say("I want to cancel my membership", from: ben)
        #expect(ask.reply?.contains("Cancel Massage Club immediately: you lose access today") == true)
        for answer in ["ok", "👍", "sure", "okay!", "ok 👍"] {
            let out = try bot.say(answer, from: ben)
            #expect(out.state == "awaiting_confirmation", "\(answer)")
            #expect(
                out.reply
                    == "Still waiting for your answer: reply YES to cancel Massage Club immediately (you lose access today), or NO to keep it.",
                "\(answer)")
        }
        #expect(try bot.membership(clientID: 2)?.status == .active)
        #expect(try bot.audit("membership.cancel").isEmpty)
        let done = try bot.say("yes", from: ben)
        #expect(done.reply?.contains("Done") == true)
        #expect(try bot.membership(clientID: 2)?.status == .cancelled)
    }

    @Test func aSideQuestionIsAnsweredAndTheConfirmationWaitsUntilItExpires() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("I want to cancel my membership", from: ben)
        bot.clock.advance(minutes: 10)
        let side = try bot.say("when is my next billing date?", from: ben)
        #expect(side.intent == "membership.show")
        let reply = try #require(side.reply)
        let lines = reply.split(separator: "\n")
        #expect(lines.first?.contains("here is your membership") == true)
        #expect(lines.last?.hasPrefix("Still waiting for your answer: reply YES to cancel Massage Club") == true)
        #expect(reply.components(separatedBy: "Still waiting").count == 2)  // one reminder line
        #expect(side.state == "awaiting_confirmation")
        // A request with a link is answered too, and the YES still counts: the expiry did not move.
        let card = try bot.say("new card", from: ben)
        #expect(card.links.count == 1)
        #expect(card.state == "awaiting_confirmation")
        bot.clock.advance(minutes: 19)
        let yes = try bot.say("YES", from: ben)
        #expect(yes.reply?.contains("Done") == true)
        #expect(try bot.membership(clientID: 2)?.status == .pendingCancel)
    }

    @Test func anUnansweredConfirmationExpiresOnItsOriginalTime() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("I want to cancel my membership", from: ben)
        bot.clock.advance(minutes: 20)
        #expect(try bot.say("what are my invoices", from: ben).state == "awaiting_confirmation")
        bot.clock.advance(minutes: 11)
        let late = try bot.say("yes", from: ben)
        #expect(late.reply?.contains("expired") == true)
        #expect(late.state == "idle")
        #expect(try bot.membership(clientID: 2)?.status == .active)
    }

    @Test func aQuestionAboutThePendingActionGetsItAgainWithItsEffect() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("I want to cancel my membership", from: ben)
        let out = try bot.say("hmm what happens to my remaining massages if I cancel?", from: ben)
        #expect(out.reply?.contains("didn't quite get that") == false)
        #expect(out.reply?.contains("at the end of your billing period on") == true)
        #expect(out.reply?.contains("you keep access until then") == true)
        #expect(out.state == "awaiting_confirmation")
        #expect(try bot.membership(clientID: 2)?.status == .active)
    }

    @Test(arguments: ["ok fine yes", "yes", "no", "ok", "thanks", "👍", "No thanks"])
    func aReasonPromptNeverStoresYesNoOrAcknowledgements(_ answer: String) throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("I want to cancel my membership", from: ben)
        let done = try bot.say("YES", from: ben)
        #expect(done.state == "awaiting_reason")
        let out = try bot.say(answer, from: ben)
        #expect(out.state == "idle")
        #expect(out.reply?.contains("noted your feedback") == false)
        #expect(try bot.membership(clientID: 2)?.cancelReason == nil)
        #expect(try bot.audit("membership.cancel_reason").isEmpty)
    }

    @Test(arguments: [("too expensive", "too expensive"), ("yes, I'm moving away", "I'm moving away")])
    func aReasonIsStoredAsWritten(_ answer: String, _ stored: String) throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try bot.say("I want to cancel my membership", from: ben)
        _ = try bot.say("YES", from: ben)
        let out = try bot.say(answer, from: ben)
        #expect(out.reply?.contains("noted your feedback") == true)
        #expect(try bot.membership(clientID: 2)?.cancelReason == stored)
    }
}

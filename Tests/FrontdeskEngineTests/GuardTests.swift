import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskEngine

/// A classifier that answers what the test chose, whatever the text: the guard must hold even when the
/// classifier is sure of the wrong thing.
struct ChosenClassifier: IntentClassifier {
    var intent: IntentID
    var confidence: Double
    func classify(_ text: String, channel: Channel) -> Classification {
        Classification(intent: intent, confidence: confidence)
    }
}

extension TestBot {
    /// The demo business's pipeline with another classifier (the same store, catalog and clock).
    func pipeline(_ classifier: any IntentClassifier) -> Pipeline {
        Pipeline(
            store: app.store, catalog: app.catalog, classifier: classifier, clock: clock,
            links: LinkIssuer(baseURL: "https://desk.example.test"))
    }
}

extension Pipeline {
    func say(_ text: String, from: String, channel: Channel = .sms, subject: String? = nil) throws -> PipelineOutcome {
        try handle(
            InboundMessage(
                provider: "test", providerMessageID: UUID().uuidString, channel: channel, from: from,
                to: channel == .sms ? Demo.smsNumber : Demo.inbox, subject: subject, text: text))
    }
}

@Suite("Guard on destructive intents")
struct GuardTests {
    let umar = "+15550101020"  // Gym Basic, active: client 20
    let emma = "+15550101005"  // Massage Club, paused: client 5

    func allowing(_ bot: TestBot, mode: String = "immediate") throws {
        try bot.set("cancel", ["allowed": .bool(true), "mode": .string(mode)])
    }

    func status(_ bot: TestBot, client: Int) throws -> MembershipStatus? {
        try bot.membership(clientID: client)?.status
    }

    @Test(arguments: [
        "can I freeze my membership for a month? going on vacation", "reactivate my membership pls",
        "resume my membership", "stop charging me", "I'd like to cancel",
    ])
    func aSureClassifierWithoutAnExplicitRequestOnlyAsks(_ text: String) throws {
        let bot = try TestBot()
        try allowing(bot)
        let pipeline = bot.pipeline(ChosenClassifier(intent: "membership.cancel", confidence: 0.99))
        let out = try pipeline.say(text, from: umar)
        #expect(out.intent == .clarify)
        #expect(out.state == "awaiting_choice")
        #expect(out.reply?.contains("Do you want to: 1) cancel your membership") == true)
        #expect(out.reply?.contains("Reply YES") == false)
        for answer in ["yes", "ok", "YES"] {
            _ = try pipeline.say(answer, from: umar)
            #expect(try status(bot, client: 20) == .active, "\(answer)")
        }
    }

    @Test func anExplicitRequestNeedsTheHigherThresholdWhichIsASetting() throws {
        let bot = try TestBot()
        try allowing(bot)
        let unsure = bot.pipeline(ChosenClassifier(intent: "membership.cancel", confidence: 0.79))
        let asked = try unsure.say("please cancel my membership", from: umar)
        #expect(asked.intent == .clarify)
        // Cancel, an appointment, texts, and (the lifecycle plugin owns it) a pause.
        #expect(asked.reply?.contains("Reply 1, 2, 3 or 4") == true)
        // At the default 80% an explicit request is offered, named with its effect.
        let sure = bot.pipeline(ChosenClassifier(intent: "membership.cancel", confidence: 0.8))
        let offered = try sure.say("please cancel my membership", from: umar)
        #expect(offered.intent == "membership.cancel")
        #expect(offered.reply?.contains("Cancel Gym Basic immediately: you lose access today") == true)
        #expect(offered.state == "awaiting_confirmation")
        // A business that lowers min_confidence to 75 gets the offer at 0.79.
        try bot.set("cancel", ["min_confidence": .int(75)])
        _ = try unsure.say("no", from: umar)
        #expect(try unsure.say("please cancel my membership", from: umar).state == "awaiting_confirmation")
    }

    @Test(arguments: [
        "cancel my appointment tomorrow at 3pm", "I need to cancel my class on friday", "cancel my card",
        "cancel the charge from last week", "cancel my subscription to your texts", "cancel my membership appointment",
        "stop the reminders for my membership", "cancelar mi cita del martes", "annuler mon cours de yoga",
        "don't cancel my membership", "I do not want to cancel my membership",
    ])
    func otherThingsCancelledAreNeverTheMembership(_ text: String) throws {
        let bot = try TestBot()
        try allowing(bot)
        for classifier in [
            ChosenClassifier(intent: "membership.cancel", confidence: 0.99) as any IntentClassifier,
            try TestBot.sharedClassifier(),
        ] {
            let out = try bot.pipeline(classifier).say(text, from: umar)
            #expect(out.intent != "membership.cancel", "\(text)")
            #expect(out.state != "awaiting_confirmation", "\(text)")
            _ = try bot.pipeline(classifier).say("yes", from: umar)
            #expect(try status(bot, client: 20) == .active, "\(text)")
        }
    }

    @Test(arguments: ["unknown", "membership.pause", "membership.reactivate", "refund.request", "smalltalk"])
    func noOtherIntentIsEverTurnedIntoACancellation(_ intent: String) throws {
        let bot = try TestBot()
        try allowing(bot)
        let pipeline = bot.pipeline(ChosenClassifier(intent: intent, confidence: 0.99))
        for text in ["reactivate my membership pls", "ok", "please end it", "yes"] {
            let out = try pipeline.say(text, from: emma)
            #expect(out.intent != "membership.cancel", "\(text)")
            // Reactivating a paused membership offers to resume it (its own YES), never to cancel it.
            #expect(out.reply?.contains("Cancel") == false, "\(text)")
        }
        #expect(try [.paused, .active].contains(status(bot, client: 5)))
        #expect(try bot.audit("membership.cancel").isEmpty)
    }

    @Test func aPlanNameIsTheMembershipEvenWhenItHoldsAnotherWord() throws {
        let bot = try TestBot()
        try allowing(bot)
        let pipeline = bot.pipeline(ChosenClassifier(intent: "membership.cancel", confidence: 0.95))
        // Massage Club (client 2) and Class Pack 10 (client 12): "massage" and "class" name other things.
        #expect(try pipeline.say("please cancel Massage Club", from: "+15550101002").state == "awaiting_confirmation")
        #expect(try pipeline.say("end my Class Pack 10", from: "+15550101012").state == "awaiting_confirmation")
        #expect(try pipeline.say("cancel my massage on friday", from: "+15550101008").intent == .clarify)
    }

    @Test func theChoiceIsAnsweredByNumberOrWordAndOnlyEnabledThingsAreOffered() throws {
        let bot = try TestBot()
        try allowing(bot)
        let pipeline = bot.pipeline(ChosenClassifier(intent: "membership.cancel", confidence: 0.5))
        _ = try pipeline.say("stop charging me", from: umar)
        let picked = try pipeline.say("the first one", from: umar)
        #expect(picked.intent == "membership.cancel")
        #expect(picked.reply?.contains("Reply YES") == true)
        _ = try pipeline.say("NO", from: umar)
        _ = try pipeline.say("stop charging me", from: umar)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }.count
        let staff = try pipeline.say("2", from: umar)
        #expect(["appointment.request", "handoff"].contains(staff.intent))  // staff take appointments
        #expect(try bot.outbox().filter { $0.kind == "staff_notice" }.count > notices)
        _ = try pipeline.say("stop charging me", from: umar)
        let texts = try pipeline.say("3", from: umar)
        #expect(texts.intent == "optout")
        #expect(try bot.app.store.read { try $0.isOptedOut(businessID: 1, address: umar) })
        #expect(try status(bot, client: 20) == .active)

        // With handoff, requests and pausing off the choice shrinks to what remains (and by email it is automated
        // emails that stop).
        try bot.enable("handoff", false)
        try bot.enable("requests", false)
        try bot.enable("lifecycle", false)
        let email = try pipeline.say("stop charging me", from: "umar@example.com", channel: .email)
        #expect(email.reply?.contains("1) cancel your membership, 2) stop automated emails? Reply 1 or 2.") == true)
        #expect(email.reply?.contains("appointment") == false)
        // Anything but a number is a new message: the choice no longer waits.
        let real = bot.pipeline(try TestBot.sharedClassifier())
        let other = try real.say("when is my next billing date?", from: "umar@example.com", channel: .email)
        #expect(other.intent == "membership.show")
        #expect(other.state == "idle")
    }
}

import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskEngine

@Suite("Several requests, the email subject, the SMS menu")
struct TurnTests {
    let alice = "+15550101001"  // Unlimited Yoga, active, invoices INV-1001…1004 (Jul to Oct 2026)

    @Test(arguments: [
        (
            "what's my billing date and can you send my october invoice",
            [
                "what's my billing date", "can you send my october invoice",
            ]
        ),
        (
            "new card. Also when is my next billing date? And can you send my receipts",
            [
                "new card", "when is my next billing date", "can you send my receipts",
            ]
        ),
        ("send my receipts, and also cancel my membership", ["send my receipts", "cancel my membership"]),
        ("my january and february invoices", ["my january and february invoices"]),
        ("the total is $12.50 for INV-1.2", ["the total is $12.50 for INV-1.2"]),
        (
            "¿cuándo es mi próximo cobro? y también mándame mis facturas",
            [
                "cuándo es mi próximo cobro", "mándame mis facturas",
            ]
        ),
    ])
    func clausesAreSentencesAndJoinedRequests(_ text: String, _ expected: [String]) throws {
        #expect(try PendingTests.reader.get().clauses(text) == expected)
    }

    @Test(arguments: [
        ("unsubscribe", "optout"), ("Please unsubscribe me, thanks!", "optout"), ("stop emailing me", "optout"),
        ("désabonnez-moi", "optout"), ("darme de baja", "optout"), ("subscribe", "optin"), ("START", "optin"),
        ("how do I unsubscribe?", nil), ("I don't want to unsubscribe, just update my card", nil),
        ("stop charging me", nil),
    ])
    func emailConsentWordsMustBeTheWholeEmail(_ text: String, _ intent: String?) throws {
        #expect(try PendingTests.reader.get().emailConsent(text) == intent)
    }

    @Test func aHugeBodyIsReadFromItsHeadAtACharacterBoundary() throws {
        let bot = try TestBot()
        let body = "new card please.\n" + String(repeating: "lorem ipsum dolor sit amet. ", count: 40_000)
        let out = try bot.say(body, from: "alice@example.com", subject: "card")
        #expect(out.intent == "payment_method.update")
        let head = Pipeline.head(String(repeating: "a", count: Pipeline.readBytes - 1) + "😀 tail")
        #expect(head.utf8.count == Pipeline.readBytes - 1)
    }

    @Test func eachRequestIsAnsweredInOneReplyInTheOrderAsked() throws {
        let bot = try TestBot()
        let out = try bot.say("new card. Also when is my next billing date? And can you send my receipts", from: alice)
        #expect(out.intents == ["payment_method.update", "membership.show", "invoices.list"])
        #expect(out.intent == "payment_method.update")
        let reply = try #require(out.reply)
        let card = try #require(reply.range(of: "update your card here"))
        let billing = try #require(reply.range(of: "Next billing date"))
        let invoices = try #require(reply.range(of: "your latest invoices"))
        #expect(card.lowerBound < billing.lowerBound && billing.lowerBound < invoices.lowerBound)
        #expect(out.links.count == 4)  // the card link and three invoices
        #expect(try bot.outbox().count == 1)  // one reply
        let stored = try bot.app.store.read { try $0.message(id: out.messageID ?? -1) }
        #expect(stored?.intent == "payment_method.update")
    }

    @Test func atMostThreeRequestsAreAnswered() throws {
        let bot = try TestBot()
        let out = try bot.say(
            "new card. And when is my next billing date? And send my receipts. And can I talk to a person?", from: alice
        )
        #expect(out.intents == ["payment_method.update", "membership.show", "invoices.list"])
    }

    @Test func aCancellationAmongOtherRequestsIsAskedLastAndStillNeedsItsYes() throws {
        let bot = try TestBot()
        try bot.set("cancel", ["allowed": .bool(true)])
        let out = try bot.say("cancel my membership and can you send my receipts", from: alice)
        #expect(out.intents == ["invoices.list", "membership.cancel"])
        let reply = try #require(out.reply)
        #expect(reply.hasPrefix("Hi Alice, your latest invoices"))
        #expect(reply.hasSuffix("This request expires in 30 minutes."))
        #expect(out.state == "awaiting_confirmation")
        #expect(try bot.membership(clientID: 1)?.status == .active)
        #expect(try bot.say("YES", from: alice).reply?.contains("Done") == true)
        #expect(try bot.membership(clientID: 1)?.status == .pendingCancel)
    }

    @Test(arguments: ["see subject", "See subject line.", "see above", "", "Hi,\n\nThanks!"])
    func anEmailWhoseBodyHoldsNoRequestIsReadFromItsSubject(_ body: String) throws {
        let bot = try TestBot()
        let out = try bot.say(body, from: "alice@example.com", subject: "Update card")
        #expect(out.intent == "payment_method.update")
        #expect(out.links.first?.action == "payment_method.update")
        #expect(try bot.outbox().last?.subject == "Re: Update card")
    }

    @Test func aBodyThatAsksWinsAndAThankYouInAThreadIsNotReadFromItsSubject() throws {
        let bot = try TestBot()
        let asks = try bot.say("when is my next billing date?", from: "alice@example.com", subject: "Update card")
        #expect(asks.intent == "membership.show")
        let thanks = try bot.say("Thanks!", from: "alice@example.com", subject: "Re: Update card")
        #expect(thanks.intent != "payment_method.update")
        #expect(thanks.links.isEmpty)
    }

    /// GSM 03.38 default alphabet (basic set and the escaped extension characters counting twice).
    static func gsmLength(_ text: String) -> Int? {
        let basic = Set(
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        )
        let extended = Set("^{}\\[~]|€")
        var n = 0
        for ch in text {
            if basic.contains(ch) {
                n += 1
            } else if extended.contains(ch) {
                n += 2
            } else {
                return nil
            }
        }
        return n
    }

    @Test func theSMSMenuFitsTwoSegmentsAndNamesOnlyEnabledCapabilities() throws {
        let bot = try TestBot()
        let all = try #require(try bot.say("what's the weather", from: alice).reply)
        let length = try #require(Self.gsmLength(all), "not GSM-7: \(all)")
        #expect(length <= 306)
        for short in [
            "\"billing date\"", "\"new card\"", "\"receipts\"", "\"cancel membership\"", "\"talk to a person\"",
        ] {
            #expect(all.contains(short))
        }
        try bot.enable("payment", false)
        try bot.enable("handoff", false)
        let fewer = try #require(try bot.say("what's the weather", from: alice).reply)
        #expect(!fewer.contains("new card"))
        #expect(!fewer.contains("talk to a person"))
        #expect(fewer.contains("\"billing date\""))
        #expect(fewer.hasSuffix("\"cancel membership\"."))
        // Email keeps the fuller list, still only what is enabled.
        let email = try #require(try bot.say("what's the weather", from: "alice@example.com").reply)
        #expect(!email.contains("new card"))
        #expect(email.contains("send my receipts"))
    }

    @Test func theSMSOptOutConfirmationSaysHowToCancelTheMembershipInOneMessage() throws {
        let bot = try TestBot()
        let out = try bot.say("CANCEL", from: alice)
        #expect(out.intent == "optout")
        let reply = try #require(out.reply)
        #expect(reply.contains("no more texts"))
        #expect(reply.contains("To cancel your membership instead, reply START, then \"cancel membership\""))
        #expect(Self.gsmLength(reply) ?? 999 <= 306)
        #expect(try bot.outbox().filter { $0.recipient == alice }.count == 1)
        #expect(try bot.say("cancel membership", from: alice).disposition == .silent)
        #expect(try bot.membership(clientID: 1)?.status == .active)
    }
}

/// A `smalltalk` plugin as the other half adds it: one short line for thanks and greetings.
struct ShortLinePlugin: Plugin {
    let id = "smalltalk"
    func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "smalltalk/ack")
    }
}

@Suite("Acknowledgements with a smalltalk plugin")
struct AcknowledgementTests {
    /// The real plugins and prompts plus a `smalltalk` manifest and its one template, in a temporary root.
    static func root() throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("fd-smalltalk-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        for folder in ["plugins", "prompts"] {
            try fm.copyItem(at: TestBot.root.appendingPathComponent(folder), to: dir.appendingPathComponent(folder))
        }
        let plugin = dir.appendingPathComponent("plugins/smalltalk")
        try fm.createDirectory(at: plugin, withIntermediateDirectories: true)
        let manifest = """
            {"id": "smalltalk", "description": "One short line for thanks and greetings.", "always_on": true,
             "intents": [{"id": "smalltalk", "roles": ["client", "staff", "admin", "owner"], "templates": ["smalltalk/ack"]}]}
            """
        try Data(manifest.utf8).write(to: plugin.appendingPathComponent("plugin.json"))
        try fm.createDirectory(
            at: dir.appendingPathComponent("prompts/en/smalltalk"), withIntermediateDirectories: true)
        try Data("You're welcome!\n".utf8).write(to: dir.appendingPathComponent("prompts/en/smalltalk/ack.txt"))
        return dir
    }

    @Test func thanksAndThumbsUpGetOneShortLineButStillNeverConfirm() throws {
        let bot = try TestBot()
        // The checkout's own smalltalk plugin once it has one; until then this test's.
        let builtin = bot.app.catalog.owner(of: "smalltalk") != nil
        let root = builtin ? TestBot.root : try Self.root()
        defer { if !builtin { try? FileManager.default.removeItem(at: root) } }
        let pipeline = Pipeline(
            store: bot.app.store, catalog: try Catalog.load(root: root), classifier: try TestBot.sharedClassifier(),
            clock: bot.clock, links: LinkIssuer(baseURL: "https://desk.example.test"),
            plugins: builtin ? BuiltinPlugins.all : BuiltinPlugins.all + [ShortLinePlugin()])
        for text in ["ok thanks", "no thanks", "👍", "Thank you!"] {
            let out = try pipeline.say(text, from: "+15550101001")
            #expect(out.intent == "smalltalk", "\(text)")
            let reply = try #require(out.reply, "\(text)")
            #expect(!reply.contains("\n") && !reply.contains("didn't quite get that"), "\(text): \(reply)")
            if !builtin { #expect(reply == "You're welcome!") }
        }
        try bot.set("cancel", ["allowed": .bool(true)])
        _ = try pipeline.say("I want to cancel my membership", from: "+15550101001")
        let ok = try pipeline.say("👍", from: "+15550101001")
        #expect(ok.reply?.hasPrefix("Still waiting for your answer") == true)
        #expect(try bot.membership(clientID: 1)?.status == .active)
    }
}

import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskText

/// One catalog and classifier for all tests (training takes a moment in debug builds).
enum ClassifierFixture {
    static let root = ResourceRoot.fromSource(#filePath)
    static let catalog: Catalog = {
        do { return try Catalog.load(root: root) } catch { fatalError("catalog: \(error)") }
    }()
    static let classifier = ExampleClassifier(examples: catalog.examples)
}

@Suite struct ClassifierTests {
    let classifier = ClassifierFixture.classifier

    func intent(_ text: String, _ channel: Channel = .sms) -> IntentID {
        classifier.classify(text, channel: channel).intent
    }

    @Test func learnsEveryIntentFromTheExamplesOnly() {
        let declared = Set(ClassifierFixture.catalog.intentIDs)
        #expect(Set(classifier.intents) == declared)
    }

    @Test func everyIntentHasEnoughExamplesPerLanguage() {
        var counts: [String: Int] = [:]
        for e in ClassifierFixture.catalog.examples { counts["\(e.intent) \(e.locale)", default: 0] += 1 }
        for intent in ClassifierFixture.catalog.intentIDs {
            #expect((counts["\(intent) en"] ?? 0) >= 40, "\(intent) en")
            #expect((counts["\(intent) es"] ?? 0) >= 15, "\(intent) es")
            #expect((counts["\(intent) fr"] ?? 0) >= 15, "\(intent) fr")
        }
    }

    @Test func negationIsNotTheNegatedIntent() {
        #expect(intent("don't cancel, just update my card") == "payment_method.update")
        #expect(intent("Please do NOT cancel anything. I only need to change my card") == "payment_method.update")
        #expect(intent("no cancelen nada, solo quiero cambiar mi tarjeta") == "payment_method.update")
        #expect(intent("n'annulez rien, je veux juste changer ma carte") == "payment_method.update")
    }

    @Test func appointmentAndClassCancellationIsNotMembershipCancellation() {
        for text in [
            "cancel my appointment tomorrow", "can't make my 6pm class", "I need to cancel my class on Tuesday",
            "cancelar mi cita del martes", "annuler mon cours de demain",
        ] {
            #expect(intent(text) != "membership.cancel", "\(text)")
        }
        #expect(intent("cancel my membership") == "membership.cancel")
    }

    @Test func typosAndShorthand() {
        #expect(intent("i wnat to cancle my membershp") == "membership.cancel")
        #expect(intent("pls cncl my mbrship") == "membership.cancel")
        #expect(intent("updat my crdit card") == "payment_method.update")
        #expect(intent("snd me my reciepts plz") == "invoices.list")
        #expect(intent("wen is my nxt paymnt") == "membership.show")
    }

    @Test func spanishAndFrench() {
        #expect(intent("quiero cancelar mi membresía") == "membership.cancel")
        #expect(intent("¿me envían mis facturas?") == "invoices.list")
        #expect(intent("je voudrais résilier mon abonnement") == "membership.cancel")
        #expect(intent("ma carte bancaire a changé") == "payment_method.update")
        #expect(intent("arrêtez de m'envoyer des SMS") == "optout")
    }

    @Test func longEmailWithOneRequest() {
        let email = """
            Hi team,

            I hope you are all doing well. The new studio looks great and I really enjoyed the class on Saturday.
            My bank sent me a new card last week because of some fraud on my account.
            Could you send me a link so I can update the card you charge for my membership?

            Thanks so much,
            Jenny
            Sent from my iPhone
            """
        #expect(intent(email, .email) == "payment_method.update")
    }

    @Test func hugeInputIsReadFromTheTop() {
        let filler = String(repeating: "é😀 the studio was lovely and the class was great. ", count: 30_000)
        #expect(intent("I need to update my credit card. " + filler, .email) == "payment_method.update")
        let head = ExampleClassifier.head(of: filler)
        #expect(head.utf8.count <= ExampleClassifier.maxBytes)
        #expect(filler.hasPrefix(head))
    }

    @Test func outOfScopeIsUnknown() {
        for text in ["what's the weather like tomorrow", "do you sell smoothies", "asdkjh qwpoeiru", ""] {
            #expect(intent(text) == IntentID.unknown, "\(text)")
        }
    }

    @Test func acknowledgementsAreSmalltalkNotTheMenu() {
        for text in [
            "ok thanks", "no thanks", "👍", "lol ok", "🙂", "thank you!!", "gracias!", "merci beaucoup", "hello",
        ] {
            #expect(intent(text) == "smalltalk", "\(text)")
        }
    }

    @Test func aSignOffNeverOutweighsTheRequestOrTheQuestion() {
        let request = "Hi Anna,\n\nCould you send me my receipts for March please?\n\nThanks so much!\nLaura"
        #expect(intent(request, .email) == "invoices.list")
        let question = "Hi,\nIs the pool going to be open on Sunday morning?\nThanks,\nAmy"
        #expect(intent(question, .email) == IntentID.unknown)
    }

    @Test func backgroundIntentsAnswerOnlyWhenNothingElseIsAsked() {
        let examples = [
            IntentExample(intent: "invoices.list", text: "send my invoices", locale: "en"),
            IntentExample(intent: "invoices.list", text: "I need my receipts", locale: "en"),
            IntentExample(intent: "smalltalk", text: "thanks a lot", locale: "en", background: true),
            IntentExample(intent: "smalltalk", text: "many thanks", locale: "en", background: true),
            IntentExample(intent: IntentID.unknown, text: "the weather is nice today", locale: "en"),
        ]
        let small = ExampleClassifier(examples: examples)
        #expect(small.classify("thanks a lot", channel: .sms).intent == "smalltalk")
        // The sign-off scores higher on its own than the request does, and still does not win.
        #expect(small.classify("receipts please. thanks a lot. many thanks", channel: .email).intent == "invoices.list")
    }

    @Test func theNewRequestsAreTheirOwnIntentsNeverACancellation() {
        let cases: [(String, IntentID)] = [
            ("could I put my membership on hold for 3 weeks while I travel", "membership.pause"),
            ("please end the freeze on my account, I'm back", "membership.resume"),
            ("I cancelled last spring and would like to rejoin", "membership.reactivate"),
            ("I'd like to move to the unlimited plan", "plan.change"),
            ("my email address has changed, please update it", "profile.update"),
            ("I was charged twice, I'd like my money back", "refund.request"),
            ("please move my Thursday massage to Friday", "appointment.request"),
            ("delete all the personal data you hold on me", "privacy"),
            ("quiero congelar mi membresía durante el verano", "membership.pause"),
            ("je voudrais être remboursée du double prélèvement", "refund.request"),
        ]
        for (text, expected) in cases {
            #expect(intent(text) == expected, "\(text)")
        }
    }

    @Test func decoysAreNeverMembershipCancellation() {
        for text in [
            "cancel my 4pm", "cancel the old card and put my new one on", "cancel that payment, it was a mistake",
            "stop texting me", "can I freeze my membership for a month", "membrship status pls",
            "could you confirm the renewal date of my annual membership?", "how much is my membership renewal",
        ] {
            let d = classifier.distribution(text)
            let cancel = d.first { $0.intent == "membership.cancel" }?.probability ?? 0
            #expect(intent(text) != "membership.cancel" && cancel < 0.4, "\(text): \(cancel)")
        }
    }

    @Test func bareCancelIsNeverMembershipCancellation() {
        // SPEC §2: a bare "cancel" is an opt-out; the pipeline's keyword step sees it first, this is the backstop.
        #expect(intent("cancel") == "optout")
        #expect(intent("Cancel.", .email) != "membership.cancel")
    }

    @Test func distributionSumsToOne() {
        let d = classifier.distribution("new card please")
        #expect(d.first?.intent == "payment_method.update")
        #expect(abs(d.map(\.probability).reduce(0, +) - 1) < 1e-3)
    }

    @Test func stopTextingSentencesAreOptOut() {
        #expect(intent("stop texting me please") == "optout")
        #expect(intent("please stop sending me messages") == "optout")
        #expect(intent("text me again") == "optin")
    }

    @Test func confidenceIsAProbability() {
        for text in ["cancel my membership", "what's the weather", "", "asdkjh qwpoeiru"] {
            let c = classifier.classify(text, channel: .sms).confidence
            #expect(c >= 0 && c <= 1)
        }
        #expect(classifier.classify("I want to cancel my membership", channel: .sms).confidence >= 0.8)
    }

    @Test func entities() {
        let e = classifier.classify("please resend invoice INV-1042 from March 5, 2024", channel: .sms).entities
        #expect(e["invoice_number"] == "INV-1042")
        #expect(e["date"] == "2024-03-05")
        #expect(e["month"] == "03")
        #expect(classifier.classify("receipt for #1187", channel: .sms).entities["invoice_number"] == "1187")
        #expect(classifier.classify("factura de marzo", channel: .sms).entities["month"] == "03")
        #expect(classifier.classify("la facture de février", channel: .sms).entities["month"] == "02")
        #expect(classifier.classify("may I have my invoices", channel: .sms).entities["month"] == nil)
        #expect(classifier.classify("invoices for may", channel: .sms).entities["month"] == "05")
    }

    @Test func deterministic() {
        let again = ExampleClassifier(examples: ClassifierFixture.catalog.examples)
        for text in ["new card", "cancel my appointment", "help"] {
            #expect(again.classify(text, channel: .sms) == classifier.classify(text, channel: .sms))
        }
    }

    @Test func emptyExampleSetAnswersUnknown() {
        let empty = ExampleClassifier(examples: [])
        #expect(empty.classify("cancel my membership", channel: .sms).intent == IntentID.unknown)
    }
}

import Foundation
import FrontdeskCore
import FrontdeskTesting
import Testing

@Suite("Words per locale (prompts/<locale>/words.json)")
struct LexiconTests {
    @Test func everyLocaleLoadsAndEnglishSpanishAndFrenchAreThere() throws {
        let lexicon = try Catalog.load(root: TestBot.root).lexicon
        #expect(Set(lexicon.monthNames.keys) == ["en", "es", "fr"])
        #expect(lexicon.monthName(10, locale: "es") == "octubre")
        #expect(lexicon.monthName(10, locale: "de") == "October")  // a locale without words falls back to English
        for yes in [["yes"], ["si"], ["oui"]] { #expect(lexicon.yes.contains(yes)) }
        #expect(!lexicon.yes.contains(["ok"]))
        #expect(lexicon.acknowledgements.contains(["ok"]))
        #expect(lexicon.explicit["membership.cancel"]?.verbs.contains(["resilier"]) == true)
    }

    @Test func tokensAreFoldedAndSplitTheWayPhrasesAre() {
        let words = Lexicon.tokens("Ok 👍 — RÉSILIER l'abonnement d'octobre, what's jan-mar?").map(\.text)
        #expect(words == ["ok", "👍", "-", "resilier", "l", "abonnement", "d", "octobre", "what", "jan", "-", "mar"])
        // A decomposed accent stays in its word; a skin tone belongs to its emoji.
        #expect(Lexicon.tokens("Re\u{301}silier 👍🏽 ok").map(\.text) == ["resilier", "👍", "ok"])
        #expect(Lexicon.covers([["ok"], ["👍"]], ["ok", "👍", "ok"]))
        #expect(!Lexicon.covers([["ok"]], ["ok", "yes"]))
        #expect(Lexicon.match([["no"], ["no", "thanks"]], ["no", "thanks"], at: 0) == 2)
    }

    @Test func faultsNameTheFileAndLine() {
        var lexicon = Lexicon()
        let text = """
            {
              "yes": ["yes"],
              "question_words": ["what", "how come"],
              "colour": ["red"],
              "months": [["January"]]
            }
            """
        let faults = lexicon.merge(text, locale: "xx", file: "prompts/xx/words.json")
        #expect(faults.map(\.line).sorted() == [3, 4, 5])
        #expect(faults.contains { $0.message.contains("question_words must hold single words") })
        #expect(faults.contains { $0.message.contains("unknown key colour") })
        #expect(faults.contains { $0.message.contains("months must list 12 months") })
        #expect(lexicon.yes.isEmpty)  // nothing is taken from a file with faults
        #expect(lexicon.merge("{\"yes\": [", locale: "xx", file: "f").count == 1)
    }

    @Test func aMissingEnglishFileIsAFault() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("en"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: Diagnostics.self) { try Lexicon.load(prompts: dir) }
        try Data("{\"yes\": [\"yes\"]}".utf8).write(to: dir.appendingPathComponent("en/words.json"))
        #expect(try Lexicon.load(prompts: dir).yes == [["yes"]])
    }
}

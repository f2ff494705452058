import Testing

@testable import FrontdeskText

@Suite struct NormalizeTests {
    let plain = TextNormalizer()

    @Test func foldsCaseAccentsAndEmoji() {
        #expect(plain.normalize("Ça VA? Très BIEN 🚀") == "ca va | tres bien")
        // Emoji that people send for a word become that word; others only separate words.
        #expect(plain.normalize("Ça VA? Très BIEN 😀👍🏽") == "ca va | tres bien smiley ok")
        #expect(plain.normalize("🙏") == "thanks")
        #expect(plain.normalize("¿Cuándo es mi próximo cobro?") == "cuando es mi proximo cobro")
        #expect(plain.normalize("Straße Œuvre") == "strasse oeuvre")
        // Decomposed accents (NFD) fold like composed ones.
        #expect(plain.normalize("re\u{301}silier") == "resilier")
    }

    @Test func collapsesElongatedWords() {
        #expect(plain.normalize("pleeease") == "please")
        #expect(plain.normalize("cancelll") == "cancel")
        #expect(plain.normalize("soooo good") == "so good")
        // Doubles are normal spelling and stay.
        #expect(plain.normalize("billing address") == "billing address")
    }

    @Test func expandsShorthand() {
        #expect(plain.normalize("pls cncl my mbrship thx") == "please cancel my membership thanks")
        #expect(plain.normalize("plz update acct") == "please update account")
        #expect(plain.normalize("c u 2moro") == "c you tomorrow")
        #expect(plain.normalize("q plan tengo xfa") == "que plan tengo por favor")
        #expect(plain.normalize("mon abo svp") == "mon abonnement s il vous plait")
        // Elongated shorthand: "plzzz" is "plz".
        #expect(plain.normalize("plzzz") == "please")
    }

    @Test func contractionsAndElisions() {
        #expect(plain.normalize("I don’t want it") == "i dont not_want not_it")
        #expect(plain.normalize("l'abonnement d'octobre") == "l abonnement d octobre")
        #expect(plain.normalize("what's my plan") == "whats my plan")
    }

    @Test func digitsAreGeneralised() {
        #expect(plain.normalize("INV-1042 at 6pm, $5.99") == "inv0 at 0pm 0")
    }

    @Test func negationScopeEndsAtContrastAndPunctuation() {
        #expect(plain.normalize("don't cancel, just update my card") == "dont not_cancel just update my card")
        #expect(plain.normalize("no cancelar solo cambiar la tarjeta") == "no not_cancelar solo cambiar la tarjeta")
        #expect(plain.normalize("je ne veux pas annuler") == "je ne not_veux pas not_annuler")
        #expect(plain.normalize("I do not want to cancel my plan") == "i do not not_want not_to not_cancel my plan")
    }

    @Test func sentencesAndLines() {
        #expect(plain.normalize("Hi Anna,\nthanks.\n\nNew card please") == "hi anna | thanks | new card please")
        // Salutation and sign-off lines stand apart; a hard-wrapped sentence stays one.
        #expect(plain.normalize("Good morning\nsend my invoices") == "good morning | send my invoices")
        #expect(
            plain.normalize("I would like to update the card that you have\non file for me")
                == "i would like to update the card that you have on file for me")
        #expect(plain.normalize("Hello!!! Stop") == "hello | stop")
    }

    @Test func typosAreCorrectedTowardsTheVocabulary() {
        let n = TextNormalizer(vocabulary: ["membership": 5, "cancel": 9, "card": 7, "update": 3, "please": 4])
        #expect(n.normalize("cancle my membrship") == "cancel my membership")
        #expect(n.normalize("updte crad") == "update card")
        #expect(n.normalize("pleeeease") == "please")
        // Short words and unknown words far from the vocabulary stay as written.
        #expect(n.normalize("my dog") == "my dog")
        #expect(n.normalize("zebra") == "zebra")
    }

    @Test func emptyAndSymbolsOnly() {
        #expect(plain.normalize("") == "")
        #expect(plain.normalize("🚀🚀 ... !!!") == "")
        #expect(plain.tokens("  ").isEmpty)
    }

    @Test func nonLatinScriptsAreKept() {
        #expect(plain.normalize("Привет МИР") == "привет мир")
        #expect(plain.normalize("会員を解約") == "会員を解約")
    }
}

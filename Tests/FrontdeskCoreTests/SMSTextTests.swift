import FrontdeskCore
import Testing

/// GSM-7 and segment counts as 3GPP TS 23.038 and 23.040 define them.
@Suite("SMS encoding and segments")
struct SMSTextTests {
    @Test func theBasicSetAndTheExtensionTableAreGSM7() {
        #expect(!SMSText.isGSM7("Ñandú"))  // Ñ is GSM-7, ú is not
        #expect(SMSText.isGSM7("Visa ending 4242: $49.00, 5 déc. 2026 à 10h, ¡año! Ñ ü ß Ø Å Δ §"))
        #expect(SMSText.isGSM7("{curly} [square] ~tilde~ |pipe| ^caret^ \\backslash € euro"))
        for ch in ["á", "í", "ó", "ú", "ç", "ê", "â", "œ", "’", "“", "…", "—", "•", "\u{00A0}", "😀"] {
            #expect(!SMSText.isGSM7("a\(ch)b"), "\(ch) is not GSM-7")
        }
        #expect(SMSText.nonGSM7("où ça? l’été…") == ["ç", "’", "…"])
    }

    @Test func extensionCharactersCountTwoSeptets() {
        #expect(SMSText.size("€").units == 2)
        #expect(SMSText.size("[a]").units == 5)
        // 80 euro signs are 160 septets: one segment; one more is two.
        let euros = SMSText.size(String(repeating: "€", count: 80))
        #expect(euros == SMSText.Size(encoding: .gsm7, units: 160, segments: 1))
        #expect(SMSText.size(String(repeating: "€", count: 81)).segments == 2)
    }

    @Test(arguments: [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
    func gsm7SegmentsHold160Then153(_ length: Int, _ segments: Int) {
        let size = SMSText.size(String(repeating: "a", count: length))
        #expect(size.encoding == .gsm7)
        #expect(size.units == length)
        #expect(size.segments == segments)
    }

    @Test(arguments: [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
    func ucs2SegmentsHold70Then67(_ length: Int, _ segments: Int) {
        let size = SMSText.size(String(repeating: "ç", count: length))
        #expect(size.encoding == .ucs2)
        #expect(size.units == length)
        #expect(size.segments == segments)
    }

    @Test func anEscapeOrASurrogatePairIsNeverSplitAcrossParts() {
        // 152 + 2 + 152 = 306 septets would fit two parts of 153 if the euro sign could be split; it cannot.
        let gsm = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        #expect(SMSText.size(gsm) == SMSText.Size(encoding: .gsm7, units: 306, segments: 3))
        // An emoji is two UTF-16 units and stays in one part.
        let ucs = String(repeating: "ç", count: 66) + "😀" + String(repeating: "ç", count: 66)
        #expect(SMSText.size(ucs) == SMSText.Size(encoding: .ucs2, units: 134, segments: 3))
        #expect(SMSText.size("😀").units == 2)
    }

    @Test func typographicPunctuationBecomesGSM7AndLettersStay() {
        let plain = SMSText.plainPunctuation("“Gym – Basic” isn’t… • Visa\u{00A0}: 5\u{202F}€ «oui»")
        #expect(plain == "\"Gym - Basic\" isn't... * Visa : 5 € \"oui\"")
        #expect(SMSText.isGSM7(plain))
        #expect(SMSText.plainPunctuation("próximo cobro") == "próximo cobro")
        #expect(SMSText.plainPunctuation("plain") == "plain")
    }

    @Test func aLongTextIsCutAtALineWithinTheBudgetAndNeverInsideALink() throws {
        let url = "https://desk.example/l/" + String(repeating: "x", count: 43)
        let rows = (1...8).map { "- INV-100\($0), Dec \($0), 2026, $149.00, paid: \(url)" }
        let text = "Hi Alice, your invoices:\n" + rows.joined(separator: "\n")
        let note = "Reply MORE for the rest."
        let (kept, rest) = try #require(SMSText.cut(text, note: note, maxSegments: 3))
        #expect(SMSText.size(kept + "\n" + note).segments <= 3)
        #expect(kept.hasPrefix("Hi Alice"))
        #expect(kept.hasSuffix(url))
        #expect(rest.hasPrefix("- INV-"))
        #expect((kept + "\n" + rest).components(separatedBy: url).count == 9)  // every row whole, in one place or other
        #expect(SMSText.cut("short enough", note: note, maxSegments: 3) == nil)
    }

    @Test func withoutLinesTheCutFallsBackToASentenceThenAWord() throws {
        let sentences = Array(repeating: "This sentence is about forty characters.", count: 15).joined(separator: " ")
        let (kept, _) = try #require(SMSText.cut(sentences, note: "MORE", maxSegments: 1))
        #expect(kept.hasSuffix("characters."))
        #expect(SMSText.size(kept + "\nMORE").segments == 1)
        let words = Array(repeating: "word", count: 100).joined(separator: " ")
        let (cut, rest) = try #require(SMSText.cut(words, note: "MORE", maxSegments: 1))
        #expect(cut.hasSuffix("word") && rest.hasPrefix("word"))
        // One word longer than the budget is cut at the last character that fits.
        let long = String(repeating: "x", count: 500)
        let (head, tail) = try #require(SMSText.cut(long, note: "MORE", maxSegments: 1))
        #expect(head.count == 155 && head + tail == long)
    }
}

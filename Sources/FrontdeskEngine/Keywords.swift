import Foundation
import FrontdeskCore
import FrontdeskPlugins

/// Words that are answered before any classification.
enum Keywords {
    /// The intent of a whole-body SMS keyword (CTIA; each locale's in `keywords` of its `words.json`: STOP, ARRET,
    /// ALTO, START, HELP, AIDE, AYUDA), or nil. A bare "cancel" is an opt-out, never a membership cancellation
    /// (SPEC §2).
    static func match(_ text: String, in lexicon: Lexicon) -> IntentID? {
        // Keywords are single short words; skip the work for every ordinary sentence.
        guard text.utf8.count <= 16 else { return nil }
        let words = Lexicon.tokens(text)
        guard words.count == 1, let word = words.first?.text else { return nil }
        // Punctuation around the word is fine ("STOP!"), anything else inside it is not ("OPT-OUT", "STOP 👍").
        let letters = { (s: Substring) in
            s.unicodeScalars.reduce(0) { n, c in isLetterOrSymbol(c) ? n + 1 : n }
        }
        guard letters(Substring(text)) == letters(text[words[0].range]) else { return nil }
        return lexicon.keywords[word]
    }

    /// Neither whitespace nor punctuation; ASCII answered from the byte (its Unicode properties are fixed).
    static func isLetterOrSymbol(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            switch UInt8(c.value) {
            case 0x09...0x0D, 0x20: return false
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "$"), UInt8(ascii: "+"), UInt8(ascii: "<"),
                UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "|"),
                UInt8(ascii: "~"):
                return true
            case 0x00...0x1F, 0x7F: return true  // control characters are neither (Cc)
            default: return false  // the rest of ASCII is punctuation
            }
        }
        return !c.properties.isWhitespace && !Reader.isPunctuation(c)
    }
}

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
            s.unicodeScalars.filter { !$0.properties.isWhitespace && !Reader.isPunctuation($0) }.count
        }
        guard letters(Substring(text)) == letters(text[words[0].range]) else { return nil }
        return lexicon.keywords[word]
    }
}

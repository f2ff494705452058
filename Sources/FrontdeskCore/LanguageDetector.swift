/// Which of the catalog's languages a message is written in, from the words only one locale uses.
///
/// Each locale's vocabulary is the words of its examples, its `words.json` and its templates; a word two locales
/// share ("plan", "no", "club") tells nothing and is dropped, and so are the languageless words (yes, no and
/// acknowledgements: "ok", "YES", "merci" answer a question in whatever language it was asked). A message scores
/// one point per remaining word for the locale that owns it. Numbers, phone numbers and single letters score
/// nothing. The classifier reads numeric dates day-first by the same scores.
public struct LanguageDetector: Sendable {
    /// A message's language, and whether it is sure enough to change the language stored for the client.
    public struct Guess: Sendable, Equatable {
        public var locale: String
        /// At least `confidentWords` words of this locale and `confidentRatio` times as many as of any other.
        public var confident: Bool

        public init(locale: String, confident: Bool) {
            self.locale = locale
            self.confident = confident
        }
    }

    /// A client's stored language changes only on this many words of the new one...
    public static let confidentWords = 2
    /// ...and this many times as many as of any other language in the same message.
    public static let confidentRatio = 3

    /// Folded word → the one locale whose vocabulary holds it.
    private let owner: [String: String]

    public init(vocabularies: [String: Set<String>], ignoring: Set<String> = []) {
        var owners: [String: String?] = [:]
        for (locale, words) in vocabularies {
            for word in words where Self.isWord(word) && !ignoring.contains(word) {
                if let seen = owners[word], seen != locale { owners[word] = .some(nil) } else { owners[word] = locale }
            }
        }
        owner = owners.compactMapValues { $0 }
    }

    /// A detector over the examples' words alone (the classifier's).
    public init(examples: [IntentExample]) {
        var vocabularies: [String: Set<String>] = [:]
        for e in examples { vocabularies[e.locale, default: []].formUnion(Lexicon.tokens(e.text).map(\.text)) }
        self.init(vocabularies: vocabularies)
    }

    /// Two letters or more and no digit: "y", "a", "42" and "1st" say nothing about a language.
    static func isWord(_ word: String) -> Bool {
        word.unicodeScalars.count > 1 && !word.unicodeScalars.contains { $0.properties.numericType != nil }
    }

    /// Points per locale: the words of `text` only that locale uses.
    public func scores(_ text: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for token in Lexicon.tokens(text) {
            if let locale = owner[token.text] { out[locale, default: 0] += 1 }
        }
        return out
    }

    /// The language with the most points, if one leads; nil for "ok", "YES", a number or a tie.
    public func detect(_ text: String) -> Guess? {
        let ranked = scores(text).sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard let best = ranked.first, best.value > 0 else { return nil }
        let second = ranked.dropFirst().first?.value ?? 0
        guard best.value > second else { return nil }
        let confident = best.value >= Self.confidentWords && best.value >= Self.confidentRatio * second
        return Guess(locale: best.key, confident: confident)
    }

    /// Whether the words lean towards a language that writes the day before the month (every one but English).
    public func readsDayFirst(_ text: String) -> Bool {
        let points = scores(text)
        let english = points["en"] ?? 0
        return points.filter { $0.key != "en" }.values.reduce(0, +) > english
    }
}

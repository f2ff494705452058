import FrontdeskCore

/// How the engine reads what a client wrote, with the words kept as data in `prompts/<locale>/words.json`
/// (every locale at once: a client may write in another language than the business's).
struct Reader: Sendable {
    let lexicon: Lexicon

    /// Answers, acknowledgements, unsubscribes and choices are short: longer text is never read as one.
    static let shortBytes = 1024
    private static func isShort(_ text: String) -> Bool { text.utf8.count <= shortBytes }

    /// A message read as the answer to a pending YES/NO question.
    enum Confirmation: Equatable {
        /// An explicit yes word first; what follows it on the same line is kept ("YES moving away").
        case yes(detail: String)
        case no
        /// Only "ok", "fine", "👍", "thanks": not a yes.
        case acknowledgement
        /// Anything else: a question (even one that also says yes), a new request.
        case other
    }

    func confirmation(_ text: String) -> Confirmation {
        guard Self.isShort(text) else { return .other }
        let tokens = Lexicon.tokens(text)
        let words = tokens.map(\.text)
        let question = asks(text)
        var i = 0
        // Leading acknowledgements ("ok fine yes") are passed over: what follows decides.
        while i < words.count, Lexicon.match(lexicon.yes, words, at: i) == nil,
            Lexicon.match(lexicon.no, words, at: i) == nil,
            let n = Lexicon.match(lexicon.acknowledgements, words, at: i)
        {
            i += n
        }
        guard i < words.count else { return question ? .other : .acknowledgement }
        let filler = lexicon.acknowledgements + lexicon.yes + lexicon.no
        if let n = Lexicon.match(lexicon.yes, words, at: i) {
            let after = Array(words[(i + n)...])
            if question { return .other }
            if after.isEmpty || Lexicon.covers(filler, after) { return .yes(detail: "") }
            if lexicon.questionWords.contains(after[0]) || Lexicon.match(lexicon.no, after, at: 0) != nil {
                return .other
            }
            // The detail is the rest of the line; later lines may be quoted history.
            let rest = text[tokens[i + n - 1].range.upperBound...].prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
            return .yes(detail: rest.trimmingScalars { $0.properties.isWhitespace || Self.isPunctuation($0) })
        }
        if let n = Lexicon.match(lexicon.no, words, at: i) {
            let after = Array(words[(i + n)...])
            if question || after.contains(where: lexicon.questionWords.contains) { return .other }
            return .no
        }
        return .other
    }

    /// A `?` anywhere, or a question word first ("what happens if I cancel").
    func asks(_ text: String) -> Bool {
        if text.contains(where: { $0 == "?" || $0 == "¿" }) { return true }
        let words = Lexicon.tokens(String(text.prefix(200))).map(\.text)
        var i = 0
        while i < words.count, let n = Lexicon.match(lexicon.acknowledgements, words, at: i) { i += n }
        return i < words.count && lexicon.questionWords.contains(words[i])
    }

    /// Whether a clause of a longer message may be a request of its own: it asks, or it does not open like a
    /// statement about the writer ("I really enjoyed the class", "My daughter starts school"). A statement can
    /// still be the message's one request; it just does not split the message into several.
    func mayBeRequest(_ clause: String) -> Bool {
        if asks(clause) { return true }
        let words = Lexicon.tokens(String(clause.prefix(80))).map(\.text)
        guard let first = words.first else { return false }
        if Self.statementOpeners.contains(first) {
            return words.dropFirst().prefix(2).contains(where: Self.wantWords.contains)
        }
        return true
    }

    /// Openers of a statement about the writer, and the words that turn one into a request ("I want…",
    /// "je voudrais…", "mi solicitud…" does not). Kept small on purpose: a clause that is not split off is
    /// still read with the whole message.
    static let statementOpeners: Set<String> = [
        "i", "i'm", "im", "my", "we", "our", "je", "j", "mon", "ma", "mes", "mi", "mis", "yo",
    ]
    static let wantWords: Set<String> = [
        "want", "need", "would", "d", "like", "wanna", "wish", "veux", "voudrais", "souhaite", "aimerais", "quiero",
        "necesito", "quisiera", "gustaría",
    ]

    /// Whether the message is only acknowledgements or a polite no ("ok thanks", "👍", "no thanks").
    func isAcknowledgement(_ text: String) -> Bool {
        Self.isShort(text) && !asks(text)
            && Lexicon.covers(lexicon.acknowledgements + lexicon.no, Lexicon.tokens(text).map(\.text))
    }

    // MARK: Destructive requests

    /// Whether `text` explicitly asks for `intent` by its rule: a verb and an object in the clause, or one of the
    /// phrases, with no other object named ("cancel my class") and no negation in the four words before the verb. The
    /// client's plan names count as the object (and their words never as another object: "Massage Club").
    /// Intents without a rule need nothing more.
    func isExplicit(_ text: String, intent: IntentID, planNames: [String]) -> Bool {
        guard let rule = lexicon.explicit[intent] else { return true }
        let (words, namesPlan) = withoutPlanNames(Lexicon.tokens(text).map(\.text), planNames)
        if Lexicon.contains(rule.otherObjects, words) { return false }
        if Lexicon.contains(rule.phrases, words) { return true }
        guard namesPlan || Lexicon.contains(rule.objects, words) else { return false }
        return hasVerb(rule, words)
    }

    /// Whether the text uses one of the rule's verbs (not negated), with or without an object: "stop charging me"
    /// is not an explicit cancellation, but it is worth asking which thing is meant.
    func usesVerb(of intent: IntentID, _ words: [String]) -> Bool {
        guard let rule = lexicon.explicit[intent] else { return false }
        return hasVerb(rule, words)
    }

    private func hasVerb(_ rule: Lexicon.ExplicitRule, _ words: [String]) -> Bool {
        words.indices.contains { i in
            Lexicon.match(rule.verbs, words, at: i) != nil
                && !words[max(0, i - 4)..<i].contains(where: lexicon.negations.contains)
                && !(i > 0 && lexicon.determiners.contains(words[i - 1]))
        }
    }

    private func withoutPlanNames(_ words: [String], _ planNames: [String]) -> ([String], Bool) {
        let plans = planNames.map { Lexicon.tokens($0).map(\.text) }.filter { !$0.isEmpty }
        var out: [String] = []
        var found = false
        var i = 0
        while i < words.count {
            if let n = Lexicon.match(plans, words, at: i) {
                out.append("\u{1}plan")
                found = true
                i += n
            } else {
                out.append(words[i])
                i += 1
            }
        }
        return (out, found)
    }

    // MARK: Several requests in one message

    /// The clauses of a message, in order: its sentences, and inside a sentence the parts a joiner opens
    /// ("…billing date and can you also send…", "…, can you…"). At most `limit` are returned.
    func clauses(_ text: String, limit: Int = 12) -> [String] {
        var out: [String] = []
        for part in sentences(text) where out.count < limit {
            let sentence = String(part)
            let tokens = Lexicon.tokens(sentence)
            let words = tokens.map(\.text)
            // A sentence that opens with a joiner ("And can you…") starts after it.
            let opening = words.firstIndex { !lexicon.clauseJoiners.contains($0) } ?? words.count
            var start = opening < words.count ? tokens[opening].range.lowerBound : sentence.endIndex
            var i = opening + 1
            while i < words.count {
                let gap = sentence[tokens[i - 1].range.upperBound..<tokens[i].range.lowerBound]
                let joiner = lexicon.clauseJoiners.contains(words[i])
                let comma = gap.contains(where: { $0 == "," }) && (joiner || lexicon.clauseStarters.contains(words[i]))
                var next = i
                if joiner { while next < words.count, lexicon.clauseJoiners.contains(words[next]) { next += 1 } }
                let opens = next < words.count && lexicon.clauseStarters.contains(words[next])
                if comma || (joiner && opens) {
                    out.append(String(sentence[start..<tokens[i].range.lowerBound]))
                    start = next < words.count ? tokens[next].range.lowerBound : sentence.endIndex
                    i = next + 1
                } else {
                    i += 1
                }
            }
            out.append(String(sentence[start...]))
        }
        let trimmed = out.map { $0.trimmingScalars { $0.properties.isWhitespace || Self.isPunctuation($0) } }
        return Array(trimmed.filter { !$0.isEmpty }.prefix(limit))
    }

    /// Sentences end at `!`, `?`, `;`, a line break, or a `.` before a space (not "12.50", not "INV-1.2").
    private func sentences(_ text: String) -> [Substring] {
        var out: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            let next = text.index(after: i)
            let ends =
                ch == "!" || ch == "?" || ch == ";" || ch.isNewline
                || (ch == "." && (next == text.endIndex || text[next].isWhitespace))
            if ends {
                out.append(text[start..<next])
                start = next
            }
            i = next
        }
        if start < text.endIndex { out.append(text[start...]) }
        return out
    }

    // MARK: Email

    /// The email's whole body means "no more automated email" (`optout`) or "email me again" (`optin`).
    func emailConsent(_ text: String) -> IntentID? {
        guard Self.isShort(text) else { return nil }
        let words = Lexicon.tokens(text).map(\.text)
        guard !words.isEmpty, words.count <= 12, !asks(text) else { return nil }
        for (intent, phrases) in [("optout", lexicon.emailOptOut), ("optin", lexicon.emailOptIn)]
        where Lexicon.contains(phrases, words) && Lexicon.covers(phrases + lexicon.acknowledgements, words) {
            return intent
        }
        return nil
    }

    /// Whether an email body holds no request of its own: empty, a pointer to the subject ("see subject",
    /// "see above"), or, when the subject starts a thread rather than answering one, only a greeting or thanks.
    func bodyHoldsNoRequest(_ body: String, subject: String) -> Bool {
        guard Self.isShort(body) else { return false }
        let words = Lexicon.tokens(body).map(\.text)
        if words.isEmpty { return true }
        if Lexicon.contains(lexicon.noRequest, words) {
            return Lexicon.covers(lexicon.noRequest + lexicon.acknowledgements, words)
        }
        return !Self.isReplySubject(subject) && Lexicon.covers(lexicon.acknowledgements, words) && !asks(body)
    }

    /// The subject without reply and forward prefixes ("Re: Fwd: Update card" → "Update card").
    static func cleanSubject(_ subject: String) -> String {
        var s = Substring(subject.trimmedWhitespace())
        while let colon = s.firstIndex(of: ":"), s.distance(from: s.startIndex, to: colon) <= 4,
            replyPrefixes.contains(s[..<colon].lowercased())
        {
            s = Substring(s[s.index(after: colon)...].trimmedWhitespace())
        }
        return String(s)
    }

    static func isReplySubject(_ subject: String) -> Bool { cleanSubject(subject) != subject.trimmedWhitespace() }

    static let replyPrefixes: Set<String> = ["re", "fw", "fwd", "aw", "wg", "tr", "rv", "res", "sv", "vs"]

    // MARK: The rest of a cut SMS

    /// "MORE", "más", "la suite": the client asks for the rest of a reply cut to fit an SMS.
    func isMore(_ text: String) -> Bool {
        guard Self.isShort(text) else { return false }
        let words = Lexicon.tokens(text).map(\.text)
        return Lexicon.contains(lexicon.more, words) && Lexicon.covers(lexicon.more + lexicon.acknowledgements, words)
    }

    // MARK: Choices

    /// The number a client picked from a numbered list ("2", "2)", "the second one", "dos"), or nil.
    func choice(_ text: String) -> Int? {
        guard Self.isShort(text) else { return nil }
        let words = Lexicon.tokens(text).map(\.text)
        // "the second one": "one" points at the choice; alone it is the choice.
        let meaningful = words.filter { !Self.pointing.contains($0) }
        let candidates = meaningful.isEmpty ? words : meaningful
        let picked = candidates.compactMap { lexicon.choiceNumbers[$0] }
        guard picked.count == 1 else { return nil }
        let rest = candidates.filter { lexicon.choiceNumbers[$0] == nil }
        guard rest.isEmpty || Lexicon.covers(lexicon.acknowledgements, rest) else { return nil }
        return picked[0]
    }

    private static let pointing: Set<String> = ["the", "one", "number", "option", "el", "la", "le", "opcion"]

    /// Which ASCII characters are punctuation (Pc, Pd, Ps, Pe, Pi, Pf, Po): `!"#%&'()*,-./:;?@[\]_{}`.
    static let asciiPunctuation: [Bool] = (0..<128).map { byte in
        switch Unicode.Scalar(UInt8(byte)).properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        // ASCII from a table of its general categories (the property lookup costs more than the rest of a word).
        if s.isASCII { return asciiPunctuation[Int(s.value)] }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }
}

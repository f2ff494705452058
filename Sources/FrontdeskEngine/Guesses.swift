import FrontdeskCore

/// The classifier's answers for a message, worked out before the store's writer is taken.
///
/// Classifying is pure and the costliest step of understanding a message, so `Pipeline.handle` classifies what the
/// transaction will most likely ask about — the text it will read (card numbers masked, trimmed, the email's subject
/// when its body holds no request) and each clause that may be a request — on the caller's thread. Inside the
/// transaction, `classify` answers from what was worked out, and classifies anything else on the spot (a text that
/// reads differently there, say once a quoted link token is redacted), so answers are always those of the classifier.
///
/// One message's: used by one thread at a time (its caller, then the writer while the caller waits).
final class Guesses {
    private let classifier: any IntentClassifier
    private var known: [Key: Classification] = [:]
    /// Texts classified inside the transaction because they were not worked out before (for tests).
    private(set) var misses = 0

    private struct Key: Hashable {
        var text: String
        var channel: Channel
    }

    /// The clauses of a text, and which of them may be requests, as `prepare` read them (read once, used again by
    /// `Pipeline.understand` in the transaction).
    private var clauseReadings: [String: [(clause: String, mayBeRequest: Bool)]] = [:]

    init(_ classifier: any IntentClassifier) { self.classifier = classifier }

    /// `reader.clauses(text)` with `reader.mayBeRequest` of each, read once per text.
    func clauses(_ text: String, _ reader: Reader) -> [(clause: String, mayBeRequest: Bool)] {
        if let known = clauseReadings[text] { return known }
        let clauses = reader.clauses(text)
        // A single clause is classified as the whole text: whether it may be a request is not asked.
        let readings = clauses.map { ($0, clauses.count > 1 && reader.mayBeRequest($0)) }
        clauseReadings[text] = readings
        return readings
    }

    /// The classifier's answer for `text` on `channel`.
    func classify(_ text: String, channel: Channel) -> Classification {
        let key = Key(text: text, channel: channel)
        if let answer = known[key] { return answer }
        misses += 1
        let answer = classifier.classify(text, channel: channel)
        known[key] = answer
        return answer
    }

    /// Classifies ahead what `Pipeline.understand` will ask for this message, unless a keyword or an email
    /// unsubscribe will answer it first.
    func prepare(_ message: InboundMessage, _ pipeline: Pipeline) {
        let channel = message.channel
        let masked = message.maskingCardNumbers().message
        let body = masked.text.trimmedWhitespace()
        if channel == .sms, Keywords.match(body, in: pipeline.catalog.lexicon) != nil { return }
        let text = pipeline.requestText(body, channel: channel, subject: masked.subject)
        if channel == .email, pipeline.reader.emailConsent(text) != nil { return }
        let clauses = self.clauses(text, pipeline.reader)
        if clauses.count > 1 {
            for (clause, mayBeRequest) in clauses where mayBeRequest { _ = classify(clause, channel: channel) }
        }
        _ = classify(text, channel: channel)
        misses = 0
    }
}

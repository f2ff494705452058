import FrontdeskCore

/// The intent classifier, learned only from the plugins' example utterances.
///
/// Text is normalised (`TextNormalizer`, with typo correction towards the examples' vocabulary), split
/// into sentences, and each sentence is scored by a multinomial logistic regression over word unigrams,
/// bigrams (negation-aware) and character n-grams. The sentence that asks for something most clearly
/// wins, so a long email with one request is read like a short SMS. Below the threshold, or when every
/// sentence looks out of scope, the answer is `unknown`.
///
/// Confidence is the model's probability for the answer: for an intent, that intent's probability; for
/// `unknown`, the probability that the text is out of scope (low when `unknown` comes from the threshold,
/// i.e. "probably something, but not sure what"). Training takes ~0.1 s (release) and is deterministic.
/// The channel is not used: SMS and email examples train one model. Tune with `swift run -c release Eval --sweep`.
public struct ExampleClassifier: IntentClassifier {
    /// Tuning knobs; the defaults are what the dev set was measured with.
    public struct Options: Sendable {
        /// Below this probability the best intent is not trusted and the answer is `unknown`.
        public var threshold: Double = 0.40
        /// Softmax temperature applied to the model's scores (above 1 flattens over-confident answers).
        public var temperature: Double = 0.8
        /// Passes of stochastic gradient descent over the examples.
        public var epochs: Int = 60
        /// Initial step size (it decays with each epoch).
        public var learningRate: Float = 4.0
        /// Weight decay on the feature weights.
        public var l2: Float = 1e-4
        /// Weigh features by inverse document frequency over the examples.
        public var inverseDocumentFrequency = true
        /// Weights of word, word-pair and character n-gram features.
        public var unigramWeight: Float = 1.0
        public var bigramWeight: Float = 1.0
        public var charWeight: Float = 0.5

        var weights: Features.Weights {
            Features.Weights(unigram: unigramWeight, bigram: bigramWeight, char: charWeight)
        }

        public init() {}
    }

    /// The intents learned, in a stable order (sorted ids).
    public let intents: [IntentID]
    public let options: Options
    /// The normaliser with the examples' vocabulary (exposed for `frontdesk` diagnostics and tests).
    public let normalizer: TextNormalizer
    private let model: LinearModel
    private let unknownIndex: Int?
    /// Intents answered only when no sentence asks for anything else (from `IntentExample.background`).
    private let backgroundIndices: Set<Int>
    /// Numeric dates are read day-first when the text's words are of a language other than English.
    private let language: LanguageDetector

    /// Learns from `examples` (all locales together).
    public init(examples: [IntentExample]) {
        self.init(examples: examples, options: Options())
    }

    /// Learns from `examples` with explicit options.
    public init(examples: [IntentExample], options: Options) {
        self.options = options
        let labels = Array(Set(examples.map(\.intent))).sorted()
        intents = labels
        unknownIndex = labels.firstIndex(of: .unknown)
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        backgroundIndices = Set(examples.filter(\.background).compactMap { labelIndex[$0.intent] })

        // The vocabulary is the examples' own words, seen through the same shorthand and folding rules.
        let plain = TextNormalizer()
        var counts: [String: Int] = [:]
        var words: [TextNormalizer.Word] = []
        for example in examples {
            plain.analyze(example.text, into: &words)
            for w in words { counts[String(decoding: w.bytes, as: UTF8.self), default: 0] += 1 }
        }
        normalizer = TextNormalizer(vocabulary: counts)
        language = LanguageDetector(examples: examples)

        var model = LinearModel(classes: max(labels.count, 1), featureCount: counts.count * 24 + 64)
        // First pass: feature rows per example and how many examples hold each feature.
        var encoded: [(rows: [Int32], values: [Float], label: Int)] = []
        encoded.reserveCapacity(examples.count)
        var documentFrequency: [Int32: Int] = [:]
        for example in examples {
            guard let label = labelIndex[example.intent] else { continue }
            normalizer.analyze(example.text, into: &words)
            var rows: [Int32] = []
            var values: [Float] = []
            Features.visit(words[...], options.weights) { key, value in
                rows.append(model.row(key, insert: true))
                values.append(value)
            }
            for r in Set(rows) { documentFrequency[r, default: 0] += 1 }
            encoded.append((rows, values, label))
        }
        // Inverse document frequency: words in every kind of request ("my", "I", "please") weigh less.
        // A feature never seen in training weighs like the rarest, so unfamiliar text lowers every score.
        let n = Float(encoded.count)
        var idf = [Float](repeating: 1, count: model.rowCount)
        if options.inverseDocumentFrequency {
            for (r, df) in documentFrequency { idf[Int(r)] = logf((n + 1) / Float(df + 1)) + 1 }
        }
        model.idf = idf
        model.unseenWeight = options.inverseDocumentFrequency ? logf(n + 1) + 1 : 1
        var samples: [LinearModel.Sample] = []
        samples.reserveCapacity(encoded.count)
        for e in encoded {
            var values = e.values
            var sumsq: Float = 0
            for k in values.indices {
                values[k] *= idf[Int(e.rows[k])]
                sumsq += values[k] * values[k]
            }
            guard sumsq > 0 else { continue }
            let norm = 1 / sumsq.squareRoot()
            samples.append(LinearModel.Sample(rows: e.rows, values: values.map { $0 * norm }, label: e.label))
        }
        model.train(samples, epochs: options.epochs, learningRate: options.learningRate, l2: options.l2)
        self.model = model
    }

    /// The best intent for `text`, its confidence and the entities found.
    public func classify(_ text: String, channel: Channel) -> Classification {
        let text = Self.head(of: text)
        var words: [TextNormalizer.Word] = []
        normalizer.analyze(text, into: &words)
        var result = decide(score(words))
        result.entities = EntityExtractor.extract(text, words: words) { language.readsDayFirst(text) }
        return result
    }

    /// Every intent's probability for the sentence that decided, highest first (for diagnostics).
    public func distribution(_ text: String) -> [(intent: IntentID, probability: Double)] {
        var words: [TextNormalizer.Word] = []
        normalizer.analyze(Self.head(of: text), into: &words)
        let segments = score(words)
        guard let best = pick(segments) ?? segments.last else { return [] }
        return zip(intents, best.probabilities).map { ($0, Double($1)) }.sorted { $0.1 > $1.1 }
    }

    /// How much of a message is read: people put the request first, and a cap keeps a 1 MB body
    /// (pasted logs, a whole thread) to a fraction of a millisecond.
    public static let maxBytes = 8192

    /// The first `maxBytes` of `text`, cut at a scalar boundary.
    static func head(of text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count > maxBytes else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    // MARK: - Scoring

    private struct Segment {
        var probabilities: [Float]
        var top: Int
        var words: Int
    }

    private func decide(_ segments: [Segment]) -> Classification {
        guard !intents.isEmpty, let whole = segments.last else {
            return Classification(intent: .unknown, confidence: 0)
        }
        if let best = pick(segments) {
            let p = Double(best.probabilities[best.top])
            if p >= options.threshold { return Classification(intent: intents[best.top], confidence: p) }
            // Not sure enough: unknown, as sure as the model is that nothing else fits.
            return Classification(intent: .unknown, confidence: unknownConfidence(whole, fallback: 1 - p))
        }
        return Classification(intent: .unknown, confidence: unknownConfidence(whole, fallback: 0))
    }

    private func unknownConfidence(_ segment: Segment, fallback: Double) -> Double {
        guard let u = unknownIndex else { return fallback }
        return Double(segment.probabilities[u])
    }

    /// The segment whose best intent is a real one and most probable; nil when all say `unknown`.
    /// A background intent (thanks, greetings) is the answer only when no segment asks for anything else
    /// above the threshold and the whole text is not out of scope, so "Thanks, Laura" under a question never
    /// outweighs the question.
    private func pick(_ segments: [Segment]) -> Segment? {
        var best: Segment?
        var background: Segment?
        for s in segments where s.top != unknownIndex {
            if backgroundIndices.contains(s.top) {
                if background.map({ s.probabilities[s.top] > $0.probabilities[$0.top] }) ?? true { background = s }
            } else if best.map({ s.probabilities[s.top] > $0.probabilities[$0.top] }) ?? true {
                best = s
            }
        }
        if let b = best, Double(b.probabilities[b.top]) >= options.threshold { return b }
        // "Hi, is the studio open on Monday? Thanks, Amy": the sign-off is not the message; the whole text decides.
        // An out-of-scope sentence of four words or more outweighs a greeting; a name under "Thanks," does not.
        let substantive = segments.dropLast().contains { $0.top == unknownIndex && $0.words >= 4 }
        if let background, !substantive, segments.last?.top != unknownIndex { return background }
        return best
    }

    /// One segment per sentence (when there are several) and the whole text last.
    private func score(_ words: [TextNormalizer.Word]) -> [Segment] {
        guard !words.isEmpty, !intents.isEmpty else { return [] }
        let classes = model.classes
        let weights = options.weights
        var total = [Float](repeating: 0, count: classes)
        var totalSumsq: Float = 0
        var segments: [Segment] = []
        var sentence = [Float](repeating: 0, count: classes)
        var start = 0
        var sentences = 0
        while start < words.count {
            var end = start + 1
            while end < words.count, words[end].breakBefore != .sentence { end += 1 }
            for c in 0..<classes { sentence[c] = 0 }
            var sumsq: Float = 0
            sentence.withUnsafeMutableBufferPointer { buffer in
                Features.visit(words[start..<end], weights) { key, base in
                    let r = model.row(key)
                    if r >= 0 {
                        let value = base * model.idf[Int(r)]
                        sumsq += value * value
                        model.accumulate(row: r, value: value, into: buffer)
                    } else {
                        let value = base * model.unseenWeight
                        sumsq += value * value
                    }
                }
            }
            for c in 0..<classes { total[c] += sentence[c] }
            totalSumsq += sumsq
            sentences += 1
            if start > 0 || end < words.count {
                segments.append(finish(sentence, sumsq: sumsq, words: end - start))
            }
            start = end
        }
        segments.append(finish(total, sumsq: totalSumsq, words: words.count))
        return segments
    }

    private func finish(_ raw: [Float], sumsq: Float, words: Int) -> Segment {
        let norm = sumsq > 0 ? 1 / sumsq.squareRoot() : 0
        let inverseTemperature = Float(1 / options.temperature)
        let bias = model.bias
        var p = [Float](repeating: 0, count: raw.count)
        for c in 0..<raw.count { p[c] = (raw[c] * norm + bias[c]) * inverseTemperature }
        softmax(&p)
        var top = 0
        for c in 1..<max(p.count, 1) where p[c] > p[top] { top = c }
        return Segment(probabilities: p, top: top, words: words)
    }
}

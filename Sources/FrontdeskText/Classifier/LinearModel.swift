/// Feature hashes of a run of normalised words: word unigrams and bigrams (negation-aware) and
/// character 3- and 4-grams (which carry typos and inflections the vocabulary does not know).
enum Features {
    /// Relative weights of the three kinds of feature (before inverse document frequency).
    struct Weights: Sendable {
        var unigram: Float = 1.0
        var bigram: Float = 1.0
        var char: Float = 0.5
    }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        // splitmix64 finaliser over a combined key.
        var z = a &* 0x9E37_79B9_7F4A_7C15 ^ b
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func visit(
        _ words: ArraySlice<TextNormalizer.Word>, _ weights: Weights, _ body: (UInt64, Float) -> Void
    ) {
        let unigramWeight = weights.unigram
        let bigramWeight = weights.bigram
        let charWeight = weights.char
        var previous: UInt64 = 0x5EED  // sentence start
        var previousNegated = false
        for word in words {
            let negated = word.negated
            body(mix(word.hash, negated ? 2 : 1), unigramWeight)
            body(mix(mix(previous, word.hash), (negated || previousNegated) ? 4 : 3), bigramWeight)
            previous = word.hash
            previousNegated = negated
            let bytes = word.bytes
            let n = bytes.count
            guard n >= 3 else { continue }
            // Character n-grams over "<word>"; index 0 and n+1 are the boundary marks.
            @inline(__always) func at(_ i: Int) -> UInt64 {
                i == 0 ? UInt64(ASCII.lessThan) : (i == n + 1 ? UInt64(ASCII.greaterThan) : UInt64(bytes[i - 1]))
            }
            for gram in 3...4 {
                var start = 0
                while start + gram <= n + 2 {
                    var h: UInt64 = FNV1a.offsetBasis
                    for i in start..<(start + gram) { h = (h ^ at(i)) &* FNV1a.prime }
                    body(mix(h, UInt64(gram) + 8), charWeight)
                    start += 1
                }
            }
        }
    }
}

/// A multinomial logistic regression over hashed sparse features, trained once at init.
struct LinearModel: Sendable {
    let classes: Int
    private var keys: [UInt64]
    private var rows: [Int32]
    private var mask: Int
    private(set) var weights: [Float]
    private(set) var bias: [Float]
    /// Per-row feature weight (inverse document frequency) and the weight of a feature never trained on.
    var idf: [Float] = []
    var unseenWeight: Float = 1

    var rowCount: Int { classes == 0 ? 0 : weights.count / classes }

    /// Sparse training vector: feature rows and values, L2-normalised.
    struct Sample {
        var rows: [Int32]
        var values: [Float]
        var label: Int
    }

    init(classes: Int, featureCount: Int) {
        self.classes = classes
        var capacity = 16
        while capacity < featureCount * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        rows = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        weights = []
        bias = [Float](repeating: 0, count: classes)
    }

    /// The row of a feature, adding it when `insert` (training only).
    @inline(__always)
    mutating func row(_ key: UInt64, insert: Bool) -> Int32 {
        let k = key == 0 ? 1 : key
        var slot = Int(truncatingIfNeeded: k) & mask
        while true {
            if keys[slot] == k { return rows[slot] }
            if keys[slot] == 0 {
                guard insert else { return -1 }
                keys[slot] = k
                let r = Int32(weights.count / classes)
                rows[slot] = r
                weights.append(contentsOf: repeatElement(0, count: classes))
                return r
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    func row(_ key: UInt64) -> Int32 {
        let k = key == 0 ? 1 : key
        var slot = Int(truncatingIfNeeded: k) & mask
        while true {
            let stored = keys[slot]
            if stored == k { return rows[slot] }
            if stored == 0 { return -1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `value` times the weights of `row` to `scores`.
    @inline(__always)
    func accumulate(row: Int32, value: Float, into scores: UnsafeMutableBufferPointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            let base = Int(row) * classes
            for c in 0..<classes { scores[c] += value * w[base + c] }
        }
    }

    /// Stochastic gradient descent on the softmax loss with L2 decay; deterministic order.
    mutating func train(_ samples: [Sample], epochs: Int, learningRate: Float, l2: Float) {
        guard !samples.isEmpty else { return }
        var order = Array(samples.indices)
        var seed: UInt64 = 0x1234_5678
        var logits = [Float](repeating: 0, count: classes)
        for epoch in 0..<epochs {
            // Fisher–Yates with a fixed LCG so every run learns the same weights.
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                order.swapAt(i, Int((seed >> 33) % UInt64(i + 1)))
            }
            let rate = learningRate / (1 + Float(epoch) * 0.15)
            for index in order {
                let s = samples[index]
                for c in 0..<classes { logits[c] = bias[c] }
                for (k, r) in s.rows.enumerated() {
                    let base = Int(r) * classes
                    for c in 0..<classes { logits[c] += s.values[k] * weights[base + c] }
                }
                softmax(&logits)
                logits[s.label] -= 1  // now the gradient of the loss wrt the logits
                for c in 0..<classes { bias[c] -= rate * logits[c] }
                for (k, r) in s.rows.enumerated() {
                    let base = Int(r) * classes
                    let v = s.values[k]
                    for c in 0..<classes {
                        weights[base + c] -= rate * (v * logits[c] + l2 * weights[base + c])
                    }
                }
            }
        }
    }
}

/// In-place softmax.
func softmax(_ x: inout [Float]) {
    guard let top = x.max() else { return }
    var sum: Float = 0
    for i in x.indices {
        x[i] = expf(x[i] - top)
        sum += x[i]
    }
    for i in x.indices { x[i] /= sum }
}

@inline(__always)
func expf(_ x: Float) -> Float { Float(exp(Double(x))) }

@inline(__always)
func logf(_ x: Float) -> Float { Float(log(Double(x))) }

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

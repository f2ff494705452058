import Foundation

/// One word after normalisation, with the break that precedes it.
public struct NormalizedToken: Sendable, Equatable {
    /// Where a token stands relative to the one before it.
    public enum Break: UInt8, Sendable {
        case none
        /// A comma, colon or line break: ends a negation scope.
        case clause
        /// A full stop, question or exclamation mark, semicolon or blank line: starts a new sentence.
        case sentence
    }

    /// Folded ASCII (or lower-cased non-Latin) text of the word; digit runs become `0`.
    public var text: String
    /// Inside the scope of a negation ("don't *cancel*", "no *quiero* cancelar").
    public var negated: Bool
    public var breakBefore: Break

    public init(text: String, negated: Bool = false, breakBefore: Break = .none) {
        self.text = text
        self.negated = negated
        self.breakBefore = breakBefore
    }
}

/// Normalises SMS and email text for matching: case, accents, emoji, elongated words ("pleeease"),
/// shorthand (pls, thx, cncl, acct), negation scope and, given a vocabulary, typos by edit distance.
///
/// Works on Unicode scalars and bytes; all tables are built once at init.
public struct TextNormalizer: Sendable {
    let vocabulary: Vocabulary
    let abbreviations: [UInt64: [[UInt8]]]
    let negators: Set<UInt64>
    let scopeEnders: Set<UInt64>
    let elisions: Set<UInt64>

    /// A normaliser that corrects typos towards `vocabulary` (word → how often it was seen); empty: no correction.
    public init(vocabulary: [String: Int] = [:]) {
        self.vocabulary = Vocabulary(vocabulary)
        var abbreviations: [UInt64: [[UInt8]]] = [:]
        for (key, value) in NormalizeTables.abbreviations {
            abbreviations[fnv(Array(key.utf8))] = value.split(separator: " ").map { Array($0.utf8) }
        }
        self.abbreviations = abbreviations
        negators = Set(NormalizeTables.negators.map { fnv(Array($0.utf8)) })
        scopeEnders = Set(NormalizeTables.scopeEnders.map { fnv(Array($0.utf8)) })
        elisions = Set(NormalizeTables.elisions.map { fnv(Array($0.utf8)) })
    }

    /// The normalised words of `text` joined by single spaces (sentences by ` | `); negated words get `not_`.
    public func normalize(_ text: String) -> String {
        var out = ""
        for (index, token) in tokens(text).enumerated() {
            if index > 0 { out += token.breakBefore == .sentence ? " | " : " " }
            if token.negated { out += "not_" }
            out += token.text
        }
        return out
    }

    /// The normalised words of `text`.
    public func tokens(_ text: String) -> [NormalizedToken] {
        var words: [Word] = []
        analyze(text, into: &words)
        return words.map {
            NormalizedToken(
                text: String(decoding: $0.bytes, as: UTF8.self), negated: $0.negated, breakBefore: $0.breakBefore)
        }
    }

    // MARK: - Internal fast path

    /// A normalised word as bytes, with its hash for feature lookup.
    struct Word {
        var bytes: [UInt8]
        var hash: UInt64
        var negated: Bool
        var breakBefore: NormalizedToken.Break
        /// The word was found in (or corrected to) the vocabulary.
        var known: Bool
    }

    /// Lexes, resolves shorthand and typos, and marks negation scope.
    func analyze(_ text: String, into words: inout [Word]) {
        words.removeAll(keepingCapacity: true)
        var lexer = Lexer()
        lexer.run(text) { raw, brk in resolve(raw, breakBefore: brk, into: &words) }
        markNegation(&words)
    }

    private func resolve(_ raw: [UInt8], breakBefore: NormalizedToken.Break, into words: inout [Word]) {
        // Apostrophes: French/Spanish elisions split ("l'abonnement"), English contractions join ("don't").
        if let apostrophe = raw.firstIndex(of: ASCII.apostrophe) {
            let head = Array(raw[..<apostrophe])
            let tail = Array(raw[(apostrophe + 1)...])
            if !head.isEmpty, elisions.contains(fnv(head)) {
                resolve(head, breakBefore: breakBefore, into: &words)
                if !tail.isEmpty { resolve(tail, breakBefore: .none, into: &words) }
                return
            }
            let joined = raw.filter { $0 != ASCII.apostrophe }
            if !joined.isEmpty { resolve(joined, breakBefore: breakBefore, into: &words) }
            return
        }
        var brk = breakBefore
        if let expansion = abbreviations[fnv(raw)] {
            for part in expansion {
                appendWord(part, breakBefore: brk, into: &words)
                brk = .none
            }
            return
        }
        let generalized = generalizeDigits(raw)
        let (two, one) = collapseRepeats(generalized)
        if let one, let expansion = abbreviations[fnv(one)] {
            for part in expansion {
                appendWord(part, breakBefore: brk, into: &words)
                brk = .none
            }
            return
        }
        if vocabulary.isEmpty {
            appendWord(one ?? two, breakBefore: brk, into: &words)
            return
        }
        let twoHash = fnv(two)
        if vocabulary.contains(twoHash) {
            words.append(Word(bytes: two, hash: twoHash, negated: false, breakBefore: brk, known: true))
            return
        }
        if let one {
            let oneHash = fnv(one)
            if vocabulary.contains(oneHash) {
                words.append(Word(bytes: one, hash: oneHash, negated: false, breakBefore: brk, known: true))
                return
            }
        }
        if let fixed = vocabulary.correct(one ?? two) ?? (one == nil ? nil : vocabulary.correct(two)) {
            words.append(Word(bytes: fixed.bytes, hash: fixed.hash, negated: false, breakBefore: brk, known: true))
            return
        }
        let bytes = one ?? two
        words.append(Word(bytes: bytes, hash: fnv(bytes), negated: false, breakBefore: brk, known: false))
    }

    private func appendWord(_ bytes: [UInt8], breakBefore: NormalizedToken.Break, into words: inout [Word]) {
        let hash = fnv(bytes)
        words.append(
            Word(
                bytes: bytes, hash: hash, negated: false, breakBefore: breakBefore,
                known: vocabulary.isEmpty || vocabulary.contains(hash)))
    }

    /// Marks up to `negationScope` words after a negator, until punctuation or a contrast word.
    private func markNegation(_ words: inout [Word]) {
        var remaining = 0
        for i in words.indices {
            if words[i].breakBefore != .none { remaining = 0 }
            let hash = words[i].hash
            if negators.contains(hash) {
                remaining = NormalizeTables.negationScope
                continue
            }
            if scopeEnders.contains(hash) {
                remaining = 0
                continue
            }
            if remaining > 0 {
                words[i].negated = true
                remaining -= 1
            }
        }
    }
}

/// Digit runs become a single `0`: "6pm" → "0pm", "INV-1042" → "inv0".
func generalizeDigits(_ raw: [UInt8]) -> [UInt8] {
    guard raw.contains(where: { ASCII.isDigit($0) }) else { return raw }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var inDigits = false
    for b in raw {
        if ASCII.isDigit(b) {
            if !inDigits { out.append(ASCII.digitZero) }
            inDigits = true
        } else {
            out.append(b)
            inDigits = false
        }
    }
    return out
}

/// Letters repeated three times or more: (runs cut to two, runs cut to one) — nil when nothing was elongated.
func collapseRepeats(_ raw: [UInt8]) -> ([UInt8], [UInt8]?) {
    var elongated = false
    var i = 0
    while i + 2 < raw.count {
        if raw[i] == raw[i + 1], raw[i] == raw[i + 2], raw[i] >= ASCII.smallA, raw[i] <= ASCII.smallZ {
            elongated = true
            break
        }
        i += 1
    }
    guard elongated else { return (raw, nil) }
    var two: [UInt8] = []
    var one: [UInt8] = []
    var start = 0
    while start < raw.count {
        let b = raw[start]
        var end = start + 1
        while end < raw.count, raw[end] == b { end += 1 }
        let n = end - start
        let letter = b >= ASCII.smallA && b <= ASCII.smallZ
        for _ in 0..<(letter ? min(n, 2) : n) { two.append(b) }
        for _ in 0..<(letter && n >= 3 ? 1 : n) { one.append(b) }
        start = end
    }
    return (two, one)
}

/// 64-bit FNV-1a: stable across runs (Swift's `Hasher` is seeded per process).
@inline(__always)
func fnv(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = FNV1a.offsetBasis
    for b in bytes {
        h ^= UInt64(b)
        h = h &* FNV1a.prime
    }
    return h
}

/// Splits text into folded words and the breaks between them.
struct Lexer {
    private var current: [UInt8] = []
    private var pending: NormalizedToken.Break = .none
    private var newlines = 0
    private var lineWords = 0
    private var lineEndsWithComma = false

    /// Accent and case folding for U+00C0…U+024F, built once (Foundation at init, never in the hot path).
    static let latinFold: [[UInt8]] = {
        var table: [[UInt8]] = []
        let overrides: [UInt32: String] = [
            0xC6: "ae", 0xE6: "ae", 0x152: "oe", 0x153: "oe", 0xD8: "o", 0xF8: "o", 0x141: "l", 0x142: "l",
            0x110: "d", 0x111: "d", 0xD0: "d", 0xF0: "d", 0xDE: "th", 0xFE: "th", 0xDF: "ss", 0x131: "i",
        ]
        for value in UInt32(0xC0)...UInt32(0x24F) {
            guard let scalar = Unicode.Scalar(value) else {
                table.append([])
                continue
            }
            if let o = overrides[value] {
                table.append(Array(o.utf8))
                continue
            }
            guard scalar.properties.isAlphabetic else {
                table.append([])
                continue
            }
            let folded = String(scalar).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            let ascii = folded.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }
            let kept = String(String.UnicodeScalarView(ascii))
            table.append(ascii.isEmpty ? Array(folded.lowercased().utf8) : Array(kept.utf8))
        }
        return table
    }()

    mutating func run(_ text: String, emit: ([UInt8], NormalizedToken.Break) -> Void) {
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        var previousWasDigit = false
        while index < scalars.endIndex {
            let s = scalars[index]
            let v = s.value
            scalars.formIndex(after: &index)
            let next: UInt32 = index < scalars.endIndex ? scalars[index].value : 0
            if v < ASCII.upperBound {
                let b = UInt8(v)
                switch b {
                case ASCII.smallA...ASCII.smallZ, ASCII.digitZero...ASCII.digitNine:
                    append(b)
                    newlines = 0
                    previousWasDigit = b <= ASCII.digitNine
                    continue
                case ASCII.capitalA...ASCII.capitalZ:
                    append(b | ASCII.lowerCaseBit)
                    newlines = 0
                    previousWasDigit = false
                    continue
                case ASCII.apostrophe, ASCII.graveAccent:  // ' `
                    if !current.isEmpty, isWordScalar(next) { current.append(ASCII.apostrophe) } else { flush(emit) }
                case ASCII.hyphen:  // - joins codes (INV-1042) but splits words (réabonnez-moi, combien-t-il)
                    if previousWasDigit || (ASCII.isDigit(next) && !current.isEmpty) {
                        continue
                    }
                    flush(emit)
                case ASCII.fullStop, ASCII.comma:  // . , inside a number: 5.99, 1,000
                    if previousWasDigit, ASCII.isDigit(next) { continue }
                    flush(emit)
                    raise(b == ASCII.fullStop ? .sentence : .clause)
                    if b == ASCII.comma { lineEndsWithComma = true }
                case ASCII.exclamationMark, ASCII.questionMark, ASCII.semicolon:  // ! ? ;
                    flush(emit)
                    raise(.sentence)
                case ASCII.colon, ASCII.leftParenthesis, ASCII.rightParenthesis, ASCII.quotationMark, ASCII.slash:  // : ( ) " /
                    flush(emit)
                    raise(.clause)
                case ASCII.lineFeed:
                    flush(emit)
                    newlines += 1
                    // A blank line ends a sentence, and so does the end of a salutation or sign-off line
                    // ("Good morning," / "Hi Anna" / "Thanks,"), so a greeting is not read with the request.
                    let salutation = lineEndsWithComma || (lineWords > 0 && lineWords <= 3)
                    raise(newlines >= 2 || salutation ? .sentence : .clause)
                    lineWords = 0
                    lineEndsWithComma = false
                    previousWasDigit = false
                    continue
                case ASCII.carriageReturn:
                    continue
                default:
                    flush(emit)
                }
                previousWasDigit = false
                if b != ASCII.space && b != ASCII.tab { newlines = 0 }
                continue
            }
            previousWasDigit = false
            newlines = 0
            switch v {
            case 0x2019, 0x2BC, 0xB4, 0x2018:
                if !current.isEmpty, isWordScalar(next) { current.append(ASCII.apostrophe) } else { flush(emit) }
            case 0xC0...0x24F:
                let folded = Lexer.latinFold[Int(v - 0xC0)]
                if folded.isEmpty { flush(emit) } else { for b in folded { append(b) } }
            case 0x300...0x36F, 0xFE00...0xFE0F, 0x200D:
                continue  // combining accents (NFD input), variation selectors, zero-width joiners
            case 0x2026, 0xA1, 0xBF, 0x3002, 0xFF01, 0xFF1F:  // … ¡ ¿ 。！？
                flush(emit)
                raise(v == 0xA1 || v == 0xBF ? .clause : .sentence)
            case 0x2028, 0x2029:
                flush(emit)
                raise(.sentence)
            default:
                if let word = NormalizeTables.emoji[v] {
                    flush(emit)
                    for b in word.utf8 { append(b) }
                    flush(emit)
                } else if s.properties.isAlphabetic || s.properties.numericType != nil {
                    if s.properties.isEmojiPresentation {
                        flush(emit)
                    } else {
                        for b in s.properties.lowercaseMapping.utf8 { append(b) }
                    }
                } else {
                    flush(emit)  // emoji, symbols and other punctuation separate words
                }
            }
        }
        flush(emit)
    }

    @inline(__always)
    private mutating func append(_ b: UInt8) {
        current.append(b)
    }

    private mutating func raise(_ b: NormalizedToken.Break) {
        if b.rawValue > pending.rawValue { pending = b }
    }

    private mutating func flush(_ emit: ([UInt8], NormalizedToken.Break) -> Void) {
        while current.last == ASCII.apostrophe { current.removeLast() }
        guard !current.isEmpty else { return }
        lineWords += 1
        lineEndsWithComma = false
        emit(current, pending)
        current.removeAll(keepingCapacity: true)
        pending = .none
    }

    private func isWordScalar(_ v: UInt32) -> Bool {
        ASCII.isLetter(v) || ASCII.isDigit(v) || (v >= 0xC0 && v <= 0x24F)
    }
}

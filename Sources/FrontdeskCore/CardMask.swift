/// Card numbers typed into a message are masked before storage and never echoed (SPEC §7).
///
/// A card number is 13 to 19 digits (ISO/IEC 7812) passing the Luhn check, written in any decimal digits
/// (ASCII, full-width `４２４２`, Arabic-Indic, ...), in groups separated by spaces of any kind (NBSP, thin,
/// ideographic), dashes, dots, slashes, underscores or invisible format characters. Line breaks end a
/// number: two figures on separate lines are not read as one card.
public enum CardMask {
    /// Digits in a card number (ISO/IEC 7812 primary account numbers).
    public static let lengths = 13...19
    /// At most this many separator characters between two groups of digits (`4242 - 4242`).
    static let longestSeparator = 3

    /// Replaces every card number with `•••• last4`. Returns the text and whether anything was masked.
    public static func mask(_ text: String) -> (text: String, masked: Bool) {
        if fewerDigitsThanACard(text) { return (text, false) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var masked = false
        var i = 0
        while i < scalars.count {
            guard digit(scalars[i]) != nil else {
                out.append(scalars[i])
                i += 1
                continue
            }
            let groups = digitGroups(scalars, from: i)
            var copied = i
            var first = 0
            while first < groups.count {
                guard let last = longestCard(groups, from: first) else {
                    first += 1
                    continue
                }
                let digits = groups[first...last].flatMap(\.digits)
                out.append(contentsOf: scalars[copied..<groups[first].range.lowerBound])
                out.append(contentsOf: "•••• \(digits.suffix(4).map(String.init).joined())".unicodeScalars)
                masked = true
                copied = groups[last].range.upperBound
                first = last + 1
            }
            let end = groups[groups.count - 1].range.upperBound
            out.append(contentsOf: scalars[copied..<end])
            i = end
        }
        return (String(out), masked)
    }

    /// True for ASCII text with fewer digits than the shortest card number (nearly every message): nothing to mask.
    static func fewerDigitsThanACard(_ text: String) -> Bool {
        var digits = 0
        for byte in text.utf8 {
            if byte >= 0x80 { return false }
            if byte >= 0x30, byte <= 0x39 { digits += 1 }
        }
        return digits < lengths.lowerBound
    }

    /// A run of digits, and where it lies in the text.
    struct Group {
        var range: Range<Int>
        var digits: [UInt8]
    }

    /// The groups of digits from `start` on, as long as short runs of separators join them.
    static func digitGroups(_ scalars: [Unicode.Scalar], from start: Int) -> [Group] {
        var groups: [Group] = []
        var i = start
        while true {
            var digits: [UInt8] = []
            let begin = i
            while i < scalars.count, let d = digit(scalars[i]) {
                digits.append(d)
                i += 1
            }
            groups.append(Group(range: begin..<i, digits: digits))
            var j = i
            while j < scalars.count, j - i < longestSeparator, isSeparator(scalars[j]) { j += 1 }
            guard j > i, j < scalars.count, digit(scalars[j]) != nil else { return groups }
            i = j
        }
    }

    /// The last group of the longest card number that starts with group `first`, if any.
    static func longestCard(_ groups: [Group], from first: Int) -> Int? {
        var digits: [UInt8] = []
        var found: Int?
        for last in first..<groups.count {
            digits += groups[last].digits
            if digits.count > lengths.upperBound { break }
            if lengths.contains(digits.count), luhn(digits) { found = last }
        }
        return found
    }

    /// The value of a decimal digit in any script (Unicode `Numeric_Type=Decimal`), or nil.
    static func digit(_ s: Unicode.Scalar) -> UInt8? {
        if s.isASCII {
            return s.value >= 48 && s.value <= 57 ? UInt8(s.value - 48) : nil
        }
        guard s.properties.numericType == .decimal, let value = s.properties.numericValue else { return nil }
        return UInt8(value)
    }

    /// Characters people put between the groups of a card number.
    static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case " ", "-", ".", "/", "_": return true
        case "\u{2212}", "\u{2215}", "\u{2044}", "\u{00B7}", "\u{2024}", "\u{30FB}", "\u{FF0E}", "\u{FF0F}", "\u{FF3F}":
            // minus sign, division and fraction slashes, middle dots, one-dot leader, full-width . / _
            return true
        default:
            if s.isASCII { return false }  // tabs and line breaks included
            switch s.properties.generalCategory {
            // Unicode spaces (NBSP, thin, ideographic, ...), dashes (en, em, hyphen, full-width) and invisible
            // format characters (zero-width space, word joiner, soft hyphen).
            case .spaceSeparator, .dashPunctuation, .format: return true
            default: return false
            }
        }
    }

    /// The Luhn check (ISO/IEC 7812-1 annex B) over digit values, most significant first.
    public static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (index, d) in digits.reversed().enumerated() {
            var v = Int(d)
            if index % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return sum % 10 == 0
    }
}

extension InboundMessage {
    /// The message with card numbers masked in everything a person wrote: subject, text and the forwarded
    /// message's fields. `masked` tells whether there was one (the reply then says cards are never taken
    /// by message).
    public func maskingCardNumbers() -> (message: InboundMessage, masked: Bool) {
        var copy = self
        var masked = false
        func clean(_ text: String?) -> String? {
            guard let text else { return nil }
            let result = CardMask.mask(text)
            masked = masked || result.masked
            return result.text
        }
        copy.subject = clean(subject)
        copy.text = clean(text) ?? ""
        if var forwarded {
            forwarded.fromName = clean(forwarded.fromName)
            forwarded.subject = clean(forwarded.subject)
            forwarded.date = clean(forwarded.date)
            forwarded.body = clean(forwarded.body) ?? ""
            copy.forwarded = forwarded
        }
        return (copy, masked)
    }
}

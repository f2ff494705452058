/// How a text travels as SMS: its encoding, the segments it takes, and the typographic characters that would
/// force it out of GSM-7.
///
/// 3GPP TS 23.038 §6.2.1: the GSM 7-bit default alphabet holds 128 characters; its extension table holds nine more,
/// each sent as an escape plus the character (two septets). Anything else makes the whole message UCS-2 (UTF-16).
/// 3GPP TS 23.040 §9.2.3.24.1: a long message carries a 6-byte concatenation header in each part, so a single
/// message holds 160 septets or 70 UCS-2 units, and each part of a longer one 153 septets or 67 units. A part never
/// ends between an escape and its character, or between the two halves of a surrogate pair.
public enum SMSText {
    /// The two encodings a phone can receive.
    public enum Encoding: String, Sendable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    /// What a text costs as one SMS.
    public struct Size: Sendable, Equatable {
        public var encoding: Encoding
        /// Septets (GSM-7, an extension character counting two) or UTF-16 code units (UCS-2).
        public var units: Int
        public var segments: Int

        public init(encoding: Encoding, units: Int, segments: Int) {
            self.encoding = encoding
            self.units = units
            self.segments = segments
        }
    }

    /// The GSM 7-bit default alphabet (3GPP TS 23.038 table 6.2.1), without the escape itself.
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    /// The default extension table (3GPP TS 23.038 table 6.2.1.1): form feed, ^ { } \ [ ~ ] | €.
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets and units of one segment: (single message, each part of a longer one).
    static let gsmCapacity = (single: 160, part: 153)
    static let ucsCapacity = (single: 70, part: 67)

    /// Septets of each ASCII character (1, or 2 from the extension table), 0 for those GSM-7 lacks (`` ` ``, tab,
    /// control characters): most replies are ASCII, read without hashing a scalar.
    static let asciiSeptets: [UInt8] = (0..<128).map { byte in
        let s = Unicode.Scalar(UInt8(byte))
        return basic.contains(s) ? 1 : extended.contains(s) ? 2 : 0
    }

    /// Septets of one character in GSM-7, 0 when it is not GSM-7.
    @inline(__always)
    static func septets(_ s: Unicode.Scalar) -> Int {
        if s.value < 0x80 { return Int(asciiSeptets[Int(s.value)]) }
        return basic.contains(s) ? 1 : extended.contains(s) ? 2 : 0
    }

    /// Whether every character of `text` is in the GSM 7-bit alphabet or its extension table.
    public static func isGSM7(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { septets($0) != 0 }
    }

    /// The characters of `text` that are not GSM-7, once each, in order (what makes a message UCS-2).
    public static func nonGSM7(_ text: String) -> [Character] {
        var seen: [Character] = []
        for ch in text where !isGSM7(String(ch)) && !seen.contains(ch) { seen.append(ch) }
        return seen
    }

    /// The encoding, size and segment count of `text` sent as one SMS (an empty text still takes one segment).
    public static func size(_ text: String) -> Size {
        // One pass, counting the parts of a long message as it goes (`segments`, without an array of widths).
        var parts = Parts(gsmCapacity)
        for s in text.unicodeScalars {
            let n = septets(s)
            guard n != 0 else { return ucs2Size(text) }
            parts.add(n)
        }
        return Size(encoding: .gsm7, units: parts.units, segments: parts.segments)
    }

    static func ucs2Size(_ text: String) -> Size {
        // A scalar outside the Basic Multilingual Plane (an emoji) is a surrogate pair: two units, never split.
        var parts = Parts(ucsCapacity)
        for s in text.unicodeScalars { parts.add(s.value > 0xFFFF ? 2 : 1) }
        return Size(encoding: .ucs2, units: parts.units, segments: parts.segments)
    }

    /// `segments` counted one character at a time.
    struct Parts {
        let capacity: (single: Int, part: Int)
        var units = 0
        var count = 1
        var used = 0

        init(_ capacity: (single: Int, part: Int)) { self.capacity = capacity }

        @inline(__always)
        mutating func add(_ width: Int) {
            units += width
            if used + width > capacity.part {
                count += 1
                used = 0
            }
            used += width
        }

        var segments: Int { units > capacity.single ? count : 1 }
    }

    /// Segments needed for characters of these widths, none split across two parts.
    static func segments(_ widths: [Int], _ capacity: (single: Int, part: Int)) -> Int {
        let total = widths.reduce(0, +)
        guard total > capacity.single else { return 1 }
        var count = 1
        var used = 0
        for w in widths {
            if used + w > capacity.part {
                count += 1
                used = 0
            }
            used += w
        }
        return count
    }

    /// Typographic characters and their GSM-7 stand-ins: quotes, apostrophes, dashes, the ellipsis, bullets and the
    /// no-break and thin spaces French puts before `:` or `?`. Any one of them would make a whole reply UCS-2
    /// (70 characters a segment instead of 160) without changing what it says. Letters are never changed.
    static let plain: [Unicode.Scalar: String] = [
        "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'", "\u{201B}": "'", "\u{2032}": "'", "\u{00B4}": "'",
        "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"", "\u{201F}": "\"", "\u{2033}": "\"",
        "\u{00AB}": "\"", "\u{00BB}": "\"",
        "\u{2026}": "...", "\u{2010}": "-", "\u{2011}": "-", "\u{2012}": "-", "\u{2013}": "-", "\u{2014}": "-",
        "\u{2015}": "-", "\u{2212}": "-", "\u{2022}": "*", "\u{00B7}": "*",
        "\u{00A0}": " ", "\u{2007}": " ", "\u{2009}": " ", "\u{200A}": " ", "\u{202F}": " ",
    ]

    /// `text` with typographic punctuation replaced by its GSM-7 stand-in (`plain`); everything else as it was.
    public static func plainPunctuation(_ text: String) -> String {
        // Every stand-in replaces a non-ASCII character: ASCII text is returned as it is, without a lookup.
        guard text.utf8.contains(where: { $0 >= 0x80 }),
            text.unicodeScalars.contains(where: { $0.value >= 0x80 && plain[$0] != nil })
        else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if let replacement = plain[s] { out.append(contentsOf: replacement.unicodeScalars) } else { out.append(s) }
        }
        return String(out)
    }

    /// Cuts `text` so that what is kept, followed by a line holding `note`, fits in `maxSegments`: at the last line
    /// break that fits, else the last sentence end, else the last space (a link is never cut in two). Returns nil when
    /// the whole text already fits without the note; `rest` is what was left out, trimmed.
    public static func cut(_ text: String, note: String, maxSegments: Int) -> (kept: String, rest: String)? {
        guard size(text).segments > maxSegments else { return nil }
        let fits = { (end: String.Index) in
            size(text[..<end].trimmedWhitespace() + "\n" + note).segments <= maxSegments
        }
        var lines: [String.Index] = []
        var sentences: [String.Index] = []
        var spaces: [String.Index] = []
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            let next = text.index(after: i)
            if ch.isNewline {
                lines.append(i)
            } else if ch == " " {
                let before = i > text.startIndex ? text[text.index(before: i)] : " "
                if ".!?".contains(before) { sentences.append(i) } else { spaces.append(i) }
            }
            i = next
        }
        for candidates in [lines, sentences, spaces] {
            if let end = candidates.reversed().first(where: { fits($0) && !text[..<$0].trimmedWhitespace().isEmpty }) {
                return (text[..<end].trimmedWhitespace(), text[end...].trimmedWhitespace())
            }
        }
        // One word longer than the budget: cut inside it, at the last character that fits (what fits only grows
        // shorter as the cut moves left, so a binary search finds it).
        let ends = Array(text.indices)
        var (low, high) = (0, ends.count)
        while low < high {
            let mid = (low + high + 1) / 2
            if mid < ends.count, fits(ends[mid]) { low = mid } else { high = mid - 1 }
        }
        let end = ends.isEmpty ? text.endIndex : ends[low]
        return (text[..<end].trimmedWhitespace(), text[end...].trimmedWhitespace())
    }
}

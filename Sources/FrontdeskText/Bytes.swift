/// ASCII bytes by name, for code that reads UTF-8 text a byte at a time: every byte below `upperBound` is an ASCII
/// character, and every byte of a multi-byte UTF-8 sequence is at or above it (RFC 3629 §3).
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let verticalTab: UInt8 = 0x0B
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let exclamationMark: UInt8 = 0x21
    static let quotationMark: UInt8 = 0x22
    static let numberSign: UInt8 = 0x23
    static let percentSign: UInt8 = 0x25
    static let ampersand: UInt8 = 0x26
    static let apostrophe: UInt8 = 0x27
    static let leftParenthesis: UInt8 = 0x28
    static let rightParenthesis: UInt8 = 0x29
    static let asterisk: UInt8 = 0x2A
    static let plusSign: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let hyphen: UInt8 = 0x2D
    static let fullStop: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let digitZero: UInt8 = 0x30
    static let digitNine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equalsSign: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let questionMark: UInt8 = 0x3F
    static let atSign: UInt8 = 0x40
    static let capitalA: UInt8 = 0x41
    static let capitalF: UInt8 = 0x46
    static let capitalX: UInt8 = 0x58
    static let capitalZ: UInt8 = 0x5A
    static let leftSquareBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightSquareBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let graveAccent: UInt8 = 0x60
    static let smallA: UInt8 = 0x61
    static let smallB: UInt8 = 0x62
    static let smallE: UInt8 = 0x65
    static let smallF: UInt8 = 0x66
    static let smallO: UInt8 = 0x6F
    static let smallQ: UInt8 = 0x71
    static let smallS: UInt8 = 0x73
    static let smallX: UInt8 = 0x78
    static let smallZ: UInt8 = 0x7A
    static let verticalLine: UInt8 = 0x7C
    static let tilde: UInt8 = 0x7E
    /// The first byte that is not ASCII.
    static let upperBound: UInt8 = 0x80
    /// The bit that tells an ASCII letter's lower case from its capital ("A" 0x41, "a" 0x61).
    static let lowerCaseBit: UInt8 = 0x20

    /// "0" to "9"; `b` is a byte or a code point.
    @inline(__always)
    static func isDigit(_ b: some BinaryInteger) -> Bool { b >= digitZero && b <= digitNine }

    /// "A" to "Z" and "a" to "z"; `b` is a byte or a code point.
    @inline(__always)
    static func isLetter(_ b: some BinaryInteger) -> Bool {
        (b >= capitalA && b <= capitalZ) || (b >= smallA && b <= smallZ)
    }
}

/// The non-ASCII characters the extractor recognises on bytes, as their UTF-8 bytes.
enum UTF8Bytes {
    /// U+00A0 NO-BREAK SPACE.
    static let noBreakSpace: [UInt8] = [0xC2, 0xA0]
    /// U+FF1A FULLWIDTH COLON ("：").
    static let fullwidthColon: [UInt8] = [0xEF, 0xBC, 0x9A]
    /// U+FF0C FULLWIDTH COMMA ("，").
    static let fullwidthComma: [UInt8] = [0xEF, 0xBC, 0x8C]
    /// U+3001 IDEOGRAPHIC COMMA ("、").
    static let ideographicComma: [UInt8] = [0xE3, 0x80, 0x81]
    /// U+2014 EM DASH ("—").
    static let emDash: [UInt8] = [0xE2, 0x80, 0x94]
    /// U+200E LEFT-TO-RIGHT MARK and U+200F RIGHT-TO-LEFT MARK.
    static let leftToRightMark: [UInt8] = [0xE2, 0x80, 0x8E]
    static let rightToLeftMark: [UInt8] = [0xE2, 0x80, 0x8F]

    /// Whether `sequence` is in `b` at `i`, wholly inside `bounds`.
    @inline(__always)
    static func has(_ sequence: [UInt8], at i: Int, in b: UnsafeBufferPointer<UInt8>, within bounds: Range<Int>) -> Bool
    {
        guard i >= bounds.lowerBound, i + sequence.count <= bounds.upperBound else { return false }
        for k in 0..<sequence.count where b[i + k] != sequence[k] { return false }
        return true
    }

    /// Appends the UTF-8 bytes of the Latin-1 byte `v` (code points below U+0100 are the Latin-1 bytes).
    @inline(__always)
    static func appendLatin1(_ v: UInt8, to out: inout [UInt8]) {
        UTF8.encode(Unicode.Scalar(v)) { out.append($0) }
    }
}

/// FNV-1a, the 64-bit byte hash the tables and the classifier's features use: start from `offsetBasis`, then for each
/// byte xor it in and multiply by `prime` (Fowler, Noll, Vo).
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3
}

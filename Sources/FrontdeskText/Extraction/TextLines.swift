#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small byte-level helpers over lines; the extractor avoids Foundation and regular expressions on hot paths.
package enum TextLines {
    /// Splits on LF after dropping CRs; a line is a Substring of the normalised text.
    package static func split(_ text: String) -> [Substring] {
        var normalised = text
        normalised.makeContiguousUTF8()
        if hasByte(normalised, ASCII.carriageReturn) { normalised = normalised.replacingCRLF() }
        let utf8 = normalised.utf8
        var lines: [Substring] = []
        var start = utf8.startIndex
        // Lines are cut as memchr finds each "\n": no array of offsets to grow first.
        utf8.withContiguousStorageIfAvailable { buf in
            guard let base = buf.baseAddress else { return }
            lines.reserveCapacity(buf.count / 48 + 4)
            var p = UnsafeRawPointer(base)
            var left = buf.count
            while left > 0, let hit = memchr(p, Int32(ASCII.lineFeed), left) {
                let off = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                let end = utf8.index(utf8.startIndex, offsetBy: off)
                lines.append(normalised[start..<end])
                start = utf8.index(after: end)
                p = UnsafeRawPointer(hit) + 1
                left = buf.count - off - 1
            }
        }
        lines.append(normalised[start..<normalised.endIndex])
        return lines
    }

    /// The offset of the first ":" or full-width "：" (EF BC 9A) starting in `b[from ..< from + within]`, or -1.
    /// memchr finds the ASCII colon; the full-width colon's rare lead byte is looked for only before it.
    static func firstColon(_ b: UnsafeBufferPointer<UInt8>, from: Int, within: Int) -> Int {
        let window = min(b.count - from, within)
        guard window > 0, let base = b.baseAddress else { return -1 }
        let start = base + from
        var limit = window
        var colon = -1
        if let hit = memchr(start, Int32(ASCII.colon), window) {
            limit = UnsafeRawPointer(hit) - UnsafeRawPointer(start)
            colon = from + limit
        }
        var k = 0
        let lead = Int32(UTF8Bytes.fullwidthColon[0])
        while k < limit, let hit = memchr(start + k, lead, limit - k) {
            let off = from + (UnsafeRawPointer(hit) - UnsafeRawPointer(start))
            if UTF8Bytes.has(UTF8Bytes.fullwidthColon, at: off, in: b, within: 0..<b.count) { return off }
            k = off - from + 1
        }
        return colon
    }

    /// True when the string's UTF-8 holds `byte` (memchr over contiguous storage).
    static func hasByte(_ s: String, _ byte: UInt8) -> Bool {
        if let r = s.utf8.withContiguousStorageIfAvailable({ buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return memchr(base, Int32(byte), buf.count) != nil
        }) {
            return r
        }
        return s.utf8.contains(byte)
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == ASCII.space || b == ASCII.tab || b == ASCII.carriageReturn || b == ASCII.formFeed || b == ASCII.verticalTab
    }

    /// First byte that is not ASCII whitespace (and not a UTF-8 NBSP lead), or nil for a blank line.
    package static func firstByte(_ s: Substring) -> UInt8? {
        if let first = firstUTF8(s), !isSpace(first) { return first }
        for b in s.utf8 where !isSpace(b) { return b }
        return nil
    }

    @inline(__always) package static func isBlank(_ s: Substring) -> Bool {
        // Most lines open with a visible ASCII byte: answered from that byte alone, inlined at the caller.
        guard let first = firstUTF8(s) else { return true }
        if first < ASCII.upperBound && !isSpace(first) { return false }
        return isBlankScan(s)
    }

    static func isBlankScan(_ s: Substring) -> Bool {
        var ascii = true
        for b in s.utf8 {
            if b >= ASCII.upperBound {
                ascii = false
                break
            }
            if !isSpace(b) { return false }
        }
        if ascii { return true }
        for scalar in s.unicodeScalars where !isIgnorable(scalar) { return false }
        return true
    }

    /// Whitespace, NBSP, zero-width and bidi marks: invisible in a mail client (Unicode code points).
    @inline(__always) static func isIgnorable(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x20, 0x09, 0x0D, 0x0A, 0x0B, 0x0C, 0xA0, 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF,
            0x1427:
            return true
        default: return false
        }
    }

    /// First and last UTF-8 byte of a line, read through its base string's view: that subscript inlines, while
    /// the Substring view's is a call into the runtime.
    @inline(__always) static func firstUTF8(_ s: Substring) -> UInt8? {
        s.startIndex < s.endIndex ? s.base.utf8[s.startIndex] : nil
    }

    @inline(__always) static func lastUTF8(_ s: Substring) -> UInt8? {
        s.startIndex < s.endIndex ? s.base.utf8[s.base.utf8.index(before: s.endIndex)] : nil
    }

    package static func trimmed(_ s: Substring) -> Substring {
        // Most lines start and end with a visible ASCII byte: nothing to trim, nothing to decode.
        if let f = firstUTF8(s), let l = lastUTF8(s), f < ASCII.upperBound, l < ASCII.upperBound, f > ASCII.space,
            l > ASCII.space
        {
            return s
        }
        var t = s
        while let f = t.unicodeScalars.first, isIgnorable(f) { t = t[t.unicodeScalars.index(after: t.startIndex)...] }
        while let l = t.unicodeScalars.last, isIgnorable(l) { t = t[..<t.unicodeScalars.index(before: t.endIndex)] }
        return t
    }

    /// A String from Characters; String.init over a Character sequence goes a slow generic way.
    static func string(_ chars: ArraySlice<Character>) -> String {
        var s = ""
        for c in chars { s.append(c) }
        return s
    }

    /// A String from scalars, encoded by hand (UnicodeScalarView.append(contentsOf:) goes a slow generic way).
    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for u in scalars { UTF8.encode(u) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lower-cases; ASCII-only text takes a byte fast path.
    static func lower<S: StringProtocol>(_ s: S) -> String {
        var ascii = true
        var hasUpper = false
        for b in s.utf8 {
            if b >= ASCII.upperBound {
                ascii = false
                break
            }
            if b >= ASCII.capitalA && b <= ASCII.capitalZ { hasUpper = true }
        }
        if ascii {
            if !hasUpper { return String(s) }
            let utf8 = s.utf8
            return String(unsafeUninitializedCapacity: utf8.count) { buf in
                var n = 0
                for b in utf8 {
                    buf[n] = lowerByte(b)
                    n += 1
                }
                return n
            }
        }
        // Scalar by scalar, as String.lowercased() maps them, but without its per-call overhead; NBSP becomes a space.
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            let v = u.value
            if v < ASCII.upperBound {
                out.append(lowerByte(UInt8(truncatingIfNeeded: v)))
            } else if v == 0xA0 {
                out.append(ASCII.space)
            } else if v < 0x100 {
                // Latin-1: only À–Þ (less ×) have lower-case forms, in the same bit as ASCII's.
                let l = (v >= 0xC0 && v <= 0xDE && v != 0xD7) ? v | UInt32(ASCII.lowerCaseBit) : v
                UTF8Bytes.appendLatin1(UInt8(truncatingIfNeeded: l), to: &out)
            } else if Self.caseless(v) || !u.properties.changesWhenLowercased {
                UTF8.encode(u) { out.append($0) }
            } else {
                for m in u.properties.lowercaseMapping.unicodeScalars { UTF8.encode(m) { out.append($0) } }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Blocks of scripts without case (Hebrew to NKo, Indic to Myanmar, general punctuation, CJK, kana, Hangul,
    /// Yi): their scalars lower-case to themselves, so no Unicode property lookup is needed.
    @inline(__always) static func caseless(_ v: UInt32) -> Bool {
        (v >= 0x0590 && v < 0x0800) || (v >= 0x0900 && v < 0x10A0) || (v >= 0x2000 && v < 0x2070)
            || (v >= 0x3000 && v < 0xA640) || (v >= 0xAC00 && v < 0xD7B0) || (v >= 0xF900 && v < 0xFB00)
    }

    /// Where `n` first occurs in `h` (memchr for its first byte, memcmp for the rest); 0 for an empty needle.
    static func firstOffset(of n: UnsafeBufferPointer<UInt8>, in h: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = n.first else { return 0 }
        guard n.count <= h.count, let hb = h.baseAddress, let nb = n.baseAddress else { return nil }
        var p = UnsafeRawPointer(hb)
        let end = UnsafeRawPointer(hb) + (h.count - n.count + 1)
        while p < end, let hit = memchr(p, Int32(first), end - p) {
            if memcmp(hit, nb, n.count) == 0 { return UnsafeRawPointer(hit) - UnsafeRawPointer(hb) }
            p = UnsafeRawPointer(hit) + 1
        }
        return nil
    }

    /// `firstOffset` over any two byte collections; contiguous ones (native strings, arrays) are not copied.
    static func firstOffset<H: Collection<UInt8>, N: Collection<UInt8>>(of n: N, in h: H) -> Int? {
        // Outer optional: the haystack is contiguous; middle: the needle is; inner: the answer.
        let found = h.withContiguousStorageIfAvailable { hb in
            n.withContiguousStorageIfAvailable { nb in firstOffset(of: nb, in: hb) }
        }
        if let found, let answer = found { return answer }
        return Array(h).withUnsafeBufferPointer { hb in
            Array(n).withUnsafeBufferPointer { nb in firstOffset(of: nb, in: hb) }
        }
    }

    /// Byte-level substring test (Foundation's `contains` goes through CFString and is far slower).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        firstOffset(of: needle.utf8, in: haystack.utf8) != nil
    }

    /// Substring test on a byte buffer.
    static func contains(_ h: UnsafeBufferPointer<UInt8>, _ n: [UInt8]) -> Bool { firstOffset(of: n, in: h) != nil }

    static func hasPrefix(_ h: UnsafeBufferPointer<UInt8>, _ p: [UInt8]) -> Bool {
        guard p.count <= h.count else { return false }
        for k in 0..<p.count where h[k] != p[k] { return false }
        return true
    }

    static func hasSuffix(_ h: UnsafeBufferPointer<UInt8>, _ p: [UInt8]) -> Bool {
        guard p.count <= h.count else { return false }
        let off = h.count - p.count
        for k in 0..<p.count where h[off + k] != p[k] { return false }
        return true
    }

    /// The scalar that ends at `hi` in UTF-8 `b` (not before `lo`), and where it starts.
    static func lastScalar(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> (Unicode.Scalar, Int)? {
        guard hi > lo else { return nil }
        var s = hi - 1
        while s > lo && UTF8.isContinuation(b[s]) { s -= 1 }
        var bytes = UnsafeBufferPointer(rebasing: b[s..<hi]).makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&bytes) else { return ("\u{FFFD}", s) }
        return (scalar, s)
    }

    /// Substring test on bytes already extracted.
    static func contains(_ h: [UInt8], _ n: [UInt8]) -> Bool { firstOffset(of: n, in: h) != nil }

    static func hasPrefix(_ s: String, _ p: String) -> Bool {
        let a = s.utf8
        let b = p.utf8
        guard b.count <= a.count else { return false }
        if let r = a.withContiguousStorageIfAvailable({ x in
            b.withContiguousStorageIfAvailable { y in memcmp(x.baseAddress!, y.baseAddress!, y.count) == 0 }
        }), let r {
            return r
        }
        return a.starts(with: b)
    }

    /// ASCII case-insensitive equality (header names), without Foundation.
    static func equalsFolded<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lowerByte($0) == lowerByte($1) }
    }

    /// `s` without surrounding whitespace and invisible marks, as a String.
    static func strip<S: StringProtocol>(_ s: S) -> String {
        String(trimmed(Substring(s)))
    }

    /// The first occurrence of `needle` in `s`, byte for byte (no Foundation bridging); nil for an empty needle.
    static func range(of needle: String, in s: Substring) -> Range<String.Index>? {
        guard !needle.isEmpty, let offset = firstOffset(of: needle.utf8, in: s.utf8) else { return nil }
        let lower = s.utf8.index(s.startIndex, offsetBy: offset)
        return lower..<s.utf8.index(lower, offsetBy: needle.utf8.count)
    }

    /// Removes every `open … close` span that starts with `open` (e.g. "<mailto:" … ">"); no regular expressions.
    static func removingSpans(_ s: String, open: String, close: UInt8, replacement: (Substring) -> String = { _ in "" })
        -> String
    {
        var out = ""
        var rest = Substring(s)
        while let r = range(of: open, in: rest) {
            out += rest[..<r.lowerBound]
            let after = rest[r.upperBound...]
            guard let end = after.utf8.firstIndex(of: close) else {
                out += rest[r.lowerBound...]
                return out
            }
            out += replacement(after[..<end])
            rest = after[after.utf8.index(after: end)...]
        }
        out += rest
        return out
    }

    @inline(__always) static func lowerByte(_ b: UInt8) -> UInt8 {
        (b >= ASCII.capitalA && b <= ASCII.capitalZ) ? b | ASCII.lowerCaseBit : b
    }

    /// True when `s` starts with `p` (lower-case bytes): ASCII letters compared without case, and an NBSP in `s`
    /// read as the space it shows.
    static func hasPrefixFolded(_ s: Substring, _ p: [UInt8]) -> Bool {
        var k = 0
        var nbsp = false  // an NBSP's first byte just matched a space of `p`; its second must follow
        for b in s.utf8 {
            if nbsp {
                nbsp = false
                if b == UTF8Bytes.noBreakSpace[1] { continue }
                return false
            }
            if k == p.count { return true }
            if b == UTF8Bytes.noBreakSpace[0] && p[k] == ASCII.space {
                nbsp = true
                k += 1
                continue
            }
            if lowerByte(b) != p[k] { return false }
            k += 1
        }
        return k == p.count && !nbsp
    }

    /// True when `s` contains any needle of `set`, ASCII letters compared without case. Candidates are picked by
    /// their first byte, so a line costs about one table look-up per byte.
    package static func containsFolded(_ s: Substring, _ set: FoldedNeedles) -> Bool {
        if let r = s.utf8.withContiguousStorageIfAvailable({ containsFolded($0, set) }) { return r }
        return Array(s.utf8).withUnsafeBufferPointer { containsFolded($0, set) }
    }

    /// `containsFolded` on bytes.
    static func containsFolded(_ h: UnsafeBufferPointer<UInt8>, _ set: FoldedNeedles) -> Bool {
        let n = h.count
        if set.needles.isEmpty || n == 0 { return false }
        if set.nonASCIIFirst {
            // Every needle starts with a non-ASCII byte (which folding leaves as it is): an ASCII line has none.
            var any = false
            for b in h where b >= ASCII.upperBound {
                any = true
                break
            }
            if !any { return false }
        }
        var i = 0
        while i < n {
            let f = lowerByte(h[i])
            if i + 1 < n {
                let pair = Int(f) << 8 | Int(lowerByte(h[i + 1]))
                if set.bigram[pair >> 6] & (1 << UInt64(pair & 63)) == 0 {
                    i += 1
                    continue
                }
            }
            for idx in set.byFirst[Int(f)] {
                let needle = set.needles[idx]
                if i + needle.count > n { continue }
                var k = 1
                while k < needle.count && lowerByte(h[i + k]) == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    static func hasSuffix(_ s: String, _ p: String) -> Bool {
        let a = s.utf8
        let b = p.utf8
        guard b.count <= a.count else { return false }
        if b.isEmpty { return true }
        if let r = a.withContiguousStorageIfAvailable({ x in
            b.withContiguousStorageIfAvailable { y in
                memcmp(x.baseAddress! + (x.count - y.count), y.baseAddress!, y.count) == 0
            }
        }), let r {
            return r
        }
        return a[a.index(a.endIndex, offsetBy: -b.count)...].elementsEqual(b)
    }

    /// True when the last visible character is ":" or a full-width "：".
    static func endsWithColon(_ s: Substring) -> Bool {
        // Bytes from the end: an ASCII last byte (most lines) decides without decoding anything.
        if let last = lastUTF8(s), last < ASCII.upperBound, last > ASCII.space { return last == ASCII.colon }
        for u in s.unicodeScalars.reversed() {
            if isIgnorable(u) { continue }
            return u == ":" || u == "："
        }
        return false
    }

    /// Lines from `split` are consecutive slices of one string, so a run of them is one slice of it.
    static func joined(_ lines: ArraySlice<Substring>) -> String {
        // Every caller passes lines cut from one string by `split` (or slices of them).
        guard let head = lines.first, let tail = lines.last else { return "" }
        if head.startIndex <= tail.endIndex && contiguous(lines) {
            return String(head.base[head.startIndex..<tail.endIndex])
        }
        var out = ""
        var first = true
        for l in lines {
            if !first { out += "\n" }
            out += l
            first = false
        }
        return out
    }

    /// True when each line starts one byte after the previous one ends (the "\n" between them).
    static func contiguous(_ lines: ArraySlice<Substring>) -> Bool {
        guard var previousEnd = lines.first?.endIndex, let base = lines.first?.base.utf8 else { return true }
        for l in lines.dropFirst() {
            // The next line starts one byte (the "\n") after this one ends; the index step inlines for native
            // strings, where a distance would be a call.
            guard previousEnd < base.endIndex, l.startIndex == base.index(after: previousEnd) else { return false }
            previousEnd = l.endIndex
        }
        return true
    }

    /// Joins lines and drops leading and trailing blank lines and trailing spaces.
    package static func text(_ lines: ArraySlice<Substring>) -> String {
        var lo = lines.startIndex
        var hi = lines.endIndex
        while lo < hi && isBlank(lines[lo]) { lo += 1 }
        while hi > lo && isBlank(lines[hi - 1]) { hi -= 1 }
        // Trailing spaces and invisible marks come off the last lines before joining: slicing a Substring is
        // free, while removing from a String's end one scalar at a time copies it each time.
        while lo < hi {
            let line = lines[hi - 1]
            if let b = lastUTF8(line), b > ASCII.space, b < ASCII.upperBound { return joined(lines[lo..<hi]) }
            var last = line
            while let u = last.unicodeScalars.last, isIgnorable(u) { last = Substring(last.unicodeScalars.dropLast()) }
            if last.isEmpty {
                hi -= 1
                continue
            }
            if hi - lo == 1 { return String(last) }
            var run = Array(lines[lo..<(hi - 1)])
            run.append(last)
            return joined(run[...])
        }
        return ""
    }
}

/// Lower-case byte needles indexed by first byte, for `TextLines.containsFolded`.
package struct FoldedNeedles: Sendable {
    var needles: [[UInt8]] = []
    var byFirst: [[Int]] = Array(repeating: [], count: 256)
    /// Which first two bytes start some needle, as a bit set of 65,536 pairs (8 KiB, cache-friendly); a one-byte
    /// needle marks every pair it starts.
    var bigram = [UInt64](repeating: 0, count: 1024)
    /// True when every needle starts with a non-ASCII byte.
    var nonASCIIFirst = false

    init(_ phrases: [String]) {
        for p in phrases {
            let bytes = Array(TextLines.lower(p).utf8)
            guard let f = bytes.first else { continue }
            if bytes.count > 1 {
                mark(Int(f) << 8 | Int(bytes[1]))
            } else {
                for b in 0..<256 { mark(Int(f) << 8 | b) }
            }
            byFirst[Int(f)].append(needles.count)
            needles.append(bytes)
        }
        nonASCIIFirst = !needles.isEmpty && needles.allSatisfy { $0[0] >= ASCII.upperBound }
    }

    private mutating func mark(_ pair: Int) { bigram[pair >> 6] |= 1 << UInt64(pair & 63) }

    init() {}
}

extension String {
    func replacingCRLF() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var previousCR = false
        for b in utf8 {
            if b == ASCII.carriageReturn {
                bytes.append(ASCII.lineFeed)
                previousCR = true
                continue
            }
            if b == ASCII.lineFeed && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

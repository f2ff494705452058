/// Small byte-level helpers over lines; the extractor avoids Foundation and regular expressions on hot paths.
enum TextLines {
    /// Splits on LF after dropping CRs; a line is a Substring of the normalised text.
    static func split(_ text: String) -> [Substring] {
        let normalised: String
        if text.utf8.contains(0x0D) {
            normalised = text.replacingCRLF()
        } else {
            normalised = text
        }
        var lines: [Substring] = []
        var start = normalised.startIndex
        let utf8 = normalised.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex {
            if utf8[i] == 0x0A {
                lines.append(normalised[start..<i])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        lines.append(normalised[start..<normalised.endIndex])
        return lines
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0C || b == 0x0B }

    /// First byte that is not ASCII whitespace (and not a UTF-8 NBSP lead), or nil for a blank line.
    static func firstByte(_ s: Substring) -> UInt8? {
        for b in s.utf8 where !isSpace(b) { return b }
        return nil
    }

    static func isBlank(_ s: Substring) -> Bool {
        var ascii = true
        for b in s.utf8 {
            if b >= 0x80 {
                ascii = false
                break
            }
            if !isSpace(b) { return false }
        }
        if ascii { return true }
        for scalar in s.unicodeScalars where !isIgnorable(scalar) { return false }
        return true
    }

    /// Whitespace, NBSP, zero-width and bidi marks: invisible in a mail client.
    @inline(__always) static func isIgnorable(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x20, 0x09, 0x0D, 0x0A, 0x0B, 0x0C, 0xA0, 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF, 0x1427:
            return true
        default: return false
        }
    }

    static func trimmed(_ s: Substring) -> Substring {
        var t = s
        while let f = t.unicodeScalars.first, isIgnorable(f) { t = t[t.unicodeScalars.index(after: t.startIndex)...] }
        while let l = t.unicodeScalars.last, isIgnorable(l) { t = t[..<t.unicodeScalars.index(before: t.endIndex)] }
        return t
    }

    /// Lower-cases; ASCII-only text takes a byte fast path.
    static func lower<S: StringProtocol>(_ s: S) -> String {
        var ascii = true
        var hasUpper = false
        for b in s.utf8 {
            if b >= 0x80 {
                ascii = false
                break
            }
            if b >= 0x41 && b <= 0x5A { hasUpper = true }
        }
        if ascii {
            if !hasUpper { return String(s) }
            return String(decoding: s.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for u in s.lowercased().unicodeScalars { out.append(u == "\u{00A0}" ? " " : u) }
        return String(out)
    }

    /// Byte-level substring test (Foundation's `contains` goes through CFString and is far slower).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let h = Array(haystack.utf8)
        if n.count > h.count { return false }
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var k = 1
                while k < n.count && h[i + k] == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }

    /// Substring test on bytes already extracted.
    static func contains(_ h: [UInt8], _ n: [UInt8]) -> Bool {
        guard let first = n.first else { return true }
        if n.count > h.count { return false }
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var k = 1
                while k < n.count && h[i + k] == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }

    static func hasPrefix(_ s: String, _ p: String) -> Bool { s.utf8.starts(with: p.utf8) }

    static func hasSuffix(_ s: String, _ p: String) -> Bool {
        let a = s.utf8
        let b = p.utf8
        guard b.count <= a.count else { return false }
        return a[a.index(a.endIndex, offsetBy: -b.count)...].elementsEqual(b)
    }

    /// True when the last visible character is ":" or a full-width "：".
    static func endsWithColon(_ s: Substring) -> Bool {
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
        var previous: Substring? = nil
        for l in lines {
            if let p = previous {
                let gap = p.base.utf8.distance(from: p.endIndex, to: l.startIndex)
                if gap != 1 { return false }
            }
            previous = l
        }
        return true
    }

    /// Joins lines and drops leading and trailing blank lines and trailing spaces.
    static func text(_ lines: ArraySlice<Substring>) -> String {
        var lo = lines.startIndex
        var hi = lines.endIndex
        while lo < hi && isBlank(lines[lo]) { lo += 1 }
        while hi > lo && isBlank(lines[hi - 1]) { hi -= 1 }
        var out = joined(lines[lo..<hi])
        while let l = out.unicodeScalars.last, isIgnorable(l) { out.unicodeScalars.removeLast() }
        return out
    }
}

extension String {
    func replacingCRLF() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var previousCR = false
        for b in utf8 {
            if b == 0x0D {
                bytes.append(0x0A)
                previousCR = true
                continue
            }
            if b == 0x0A && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Splits a plain-text email body into new text, sign-off, signature and quoted history.
///
/// One forward pass finds where quoted history begins; a bounded backward pass over the last lines of the
/// new text finds the signature. Expensive checks run only on candidate lines, so time is linear in the input.
public enum ReplyParser {
    /// What ended the new text.
    public enum Boundary: String, Sendable {
        case quoteMarker, attribution, headerBlock, separator, forwardMarker
    }

    /// The layers of one body.
    public struct Layers: Sendable, Equatable {
        /// Quoted history removed, everything else kept (signatures too).
        public var unquoted: String = ""
        /// Quotes, signature block, mobile footer and legal footer removed; the sign-off kept.
        public var reply: String = ""
        /// `reply` without the sign-off and name.
        public var replyWithoutSignature: String = ""
        public var signature: String = ""
        public var quoted: String = ""
        public var boundary: Boundary?
        /// Line index (in the normalised body) where quoted history starts.
        public var boundaryLine: Int?
    }

    static var patterns: Patterns { Patterns.shared }

    /// Parses `text`; `senderName` (display name of From) helps spot a bare name at the end.
    public static func parse(_ text: String, senderName: String? = nil) -> Layers {
        let lines = TextLines.split(text)
        return parse(lines: lines[...], senderName: senderName)
    }

    static func parse(
        lines: ArraySlice<Substring>, senderName: String?, boundary: (line: Int, kind: Boundary)?? = nil
    ) -> Layers {
        var layers = Layers()
        let found = boundary ?? findBoundary(lines)
        var newEnd = found?.line ?? lines.endIndex
        var newStart = lines.startIndex
        if let found {
            layers.boundary = found.kind
            layers.boundaryLine = found.line
            layers.quoted = TextLines.text(lines[found.line...])
            // Bottom-posting: nothing above the quote, so the new text is what follows the quoted block.
            if found.kind == .quoteMarker || found.kind == .attribution,
                TextLines.text(lines[lines.startIndex..<found.line]).isEmpty
            {
                var j = found.line
                while j < lines.endIndex {
                    let l = lines[j]
                    if TextLines.isBlank(l) || TextLines.firstByte(l) == 0x3E { j += 1; continue }
                    if let end = attributionEnd(lines, j) { j = end; continue }
                    break
                }
                if j < lines.endIndex {
                    let rest = parse(lines: lines[j...], senderName: senderName)
                    var merged = rest
                    merged.quoted = TextLines.text(lines[found.line..<j]) + (rest.quoted.isEmpty ? "" : "\n" + rest.quoted)
                    merged.boundary = found.kind
                    merged.boundaryLine = found.line
                    return merged
                }
            }
        }
        while newEnd > newStart && TextLines.isBlank(lines[newEnd - 1]) { newEnd -= 1 }
        while newStart < newEnd && TextLines.isBlank(lines[newStart]) { newStart += 1 }
        layers.unquoted = TextLines.text(lines[newStart..<newEnd])
        guard newStart < newEnd else { return layers }
        let hard = hardSignatureStart(lines, from: newStart, to: newEnd)
        var replyEnd = hard
        while replyEnd > newStart && TextLines.isBlank(lines[replyEnd - 1]) { replyEnd -= 1 }
        let signOff = signOffStart(lines, from: newStart, to: replyEnd, senderName: senderName)
        layers.reply = TextLines.text(lines[newStart..<replyEnd])
        layers.replyWithoutSignature = TextLines.text(lines[newStart..<signOff])
        layers.signature = TextLines.text(lines[signOff..<newEnd])
        return layers
    }

    // MARK: - Where quoted history begins

    static func findBoundary(_ lines: ArraySlice<Substring>) -> (line: Int, kind: Boundary)? {
        var colon = [Bool](repeating: false, count: lines.count + 3)
        var k = 0
        for l in lines {
            colon[k] = l.utf8.count < 400 && (TextLines.endsWithColon(l) || endsWithWrote(l))
            k += 1
        }
        let base = lines.startIndex
        var i = lines.startIndex
        while i < lines.endIndex {
            let line = lines[i]
            guard let fb = TextLines.firstByte(line) else {
                i += 1
                continue
            }
            let r = i - base
            if fb == 0x3E {  // ">"
                if let kind = separatorKind(line) { return (i, kind == .forwardMarker ? .forwardMarker : .separator) }
                if headerBlock(lines, at: i) { return (i, .headerBlock) }
                return (i, .quoteMarker)
            }
            if colon[r] || colon[r + 1] || colon[r + 2], attributionEnd(lines, i) != nil {
                return (i, .attribution)
            }
            if fb == 0x2D, dashedAttribution(line) { return (i, .attribution) }
            if headerBlock(lines, at: i) { return (dividerBefore(lines, i), .headerBlock) }
            if fb == 0x2D || fb == 0x5F || fb == 0x3D || fb == 0x2A || fb == 0x23 || fb == 0x7E || fb == 0x5B || colon[r] {
                if let kind = separatorKind(line) { return (i, kind) }
            }
            if isDivider(line) {
                // A divider directly above a header block belongs to the quoted history.
                var j = i + 1
                var seen = 0
                while j < lines.endIndex && seen < 3 {
                    if TextLines.isBlank(lines[j]) {
                        j += 1
                        continue
                    }
                    if headerBlock(lines, at: j) { return (i, .headerBlock) }
                    seen += 1
                    j += 1
                    break
                }
            }
            i += 1
        }
        return nil
    }

    /// Walks back over blank lines to a divider or "Original Message" line right above a header block.
    static func dividerBefore(_ lines: ArraySlice<Substring>, _ i: Int) -> Int {
        var j = i - 1
        while j >= lines.startIndex && TextLines.isBlank(lines[j]) { j -= 1 }
        if j >= lines.startIndex && (isDivider(lines[j]) || separatorKind(lines[j]) != nil) { return j }
        return i
    }

    /// A line made only of `-_=*~` (at least 5), e.g. Outlook's "________________________________".
    static func isDivider(_ s: Substring) -> Bool {
        var n = 0
        for b in s.utf8 {
            switch b {
            case 0x2D, 0x5F, 0x3D, 0x2A, 0x7E: n += 1
            case 0x20, 0x09: continue
            default: return false
            }
        }
        return n >= 5
    }

    static let separatorStrip: Set<Character> = [" ", "-", "_", "=", "*", "~", "#", "<", ">", ":", "\t", "\u{00A0}", "：", "[", "]"]

    /// "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:".
    static func separatorKind(_ s: Substring) -> Boundary? {
        guard s.utf8.count < 120 else { return nil }
        let lowered = TextLines.lower(TextLines.trimmed(s))
        var inner = Substring(lowered)
        while let f = inner.first, separatorStrip.contains(f) { inner.removeFirst() }
        while let l = inner.last, separatorStrip.contains(l) { inner.removeLast() }
        if inner.isEmpty { return nil }
        let key = String(inner)
        if patterns.forwardMarkers.contains(key) && !patterns.separatorPhrases.contains(key) { return .forwardMarker }
        if patterns.separatorPhrases.contains(key) {
            // "original message" is a forward when it is the whole text's first line; the caller decides.
            return .separator
        }
        return nil
    }

    /// The header-field name of a line like "*From:* x" or "> De : y", when it is a known header word.
    static func headerKey(_ s: Substring) -> (key: String, isFrom: Bool)? {
        var t = s.utf8[...]
        while let f = t.first, f == 0x20 || f == 0x09 || f == 0x3E || f == 0x2A { t = t.dropFirst() }
        // Find ":" or "：" within the first 40 bytes.
        var end: Substring.UTF8View.Index? = nil
        var n = 0
        var idx = t.startIndex
        while idx != t.endIndex && n < 40 {
            let b = t[idx]
            if b == 0x3A { end = idx; break }
            if b == 0xEF {
                let n1 = t.index(after: idx)
                if n1 != t.endIndex, t[n1] == 0xBC {
                    let n2 = t.index(after: n1)
                    if n2 != t.endIndex, t[n2] == 0x9A { end = idx; break }
                }
            }
            idx = t.index(after: idx)
            n += 1
        }
        guard let colonAt = end else { return nil }
        let rawKey = Substring(t[t.startIndex..<colonAt])
        if rawKey.isEmpty { return nil }
        var key = TextLines.lower(rawKey)
        key.removeAll { $0 == "*" }
        key = String(TextLines.trimmed(Substring(key)))
        guard patterns.headerAll.contains(key) else { return nil }
        return (key, patterns.headerFrom.contains(key))
    }

    /// Two or more header fields (one of them From) or three of any kind, within a few lines: a quoted header block.
    /// A single header-like line in the body never counts.
    static func headerBlock(_ lines: ArraySlice<Substring>, at i: Int) -> Bool {
        guard let first = headerKey(lines[i]) else { return false }
        var count = 1
        var hasFrom = first.isFrom
        var keys: Set<String> = [first.key]
        var j = i + 1
        var blanks = 0
        var others = 0
        while j < lines.endIndex && j < i + 12 {
            let l = lines[j]
            if TextLines.isBlank(l) {
                blanks += 1
                if blanks >= 2 { break }
            } else if let h = headerKey(l) {
                blanks = 0
                if keys.insert(h.key).inserted { count += 1 }
                hasFrom = hasFrom || h.isFrom
            } else {
                blanks = 0
                others += 1
                if others > 1 || count >= 3 { break }
            }
            j += 1
        }
        return (count >= 2 && hasFrom) || count >= 3
    }

    /// If an attribution line ("On … wrote:", possibly over up to three lines) starts at `i`, the index after it.
    static func attributionEnd(_ lines: ArraySlice<Substring>, _ i: Int) -> Int? {
        var joined = ""
        var span = 0
        var j = i
        while j < lines.endIndex && span < 3 {
            let l = lines[j]
            if TextLines.isBlank(l) { return nil }
            if span > 0 && TextLines.firstByte(l) == 0x3E { return nil }
            if !joined.isEmpty { joined += " " }
            joined += TextLines.trimmed(l)
            if joined.utf8.count > 400 { return nil }
            span += 1
            j += 1
            if TextLines.endsWithColon(l) || endsWithWrote(l) {
                if isAttribution(joined) {
                    // The reply's own last line must not be glued onto an attribution that starts below it.
                    if span > 1, !looksLikeAttributionStart(lines[i]), attributionEnd(lines, i + 1) == j { return nil }
                    return j
                }
                if span == 1 && TextLines.endsWithColon(l) { continue }
            }
        }
        return nil
    }

    /// A first line that opens an attribution: a lead word ("On", "Le", "Am"…), a date, or an open bracket.
    static func looksLikeAttributionStart(_ s: Substring) -> Bool {
        let t = TextLines.trimmed(s)
        guard let first = t.utf8.first else { return false }
        if first >= 0x30 && first <= 0x39 { return true }
        if let last = t.last, last == "<" || last == "(" || last == "," || last == "\"" { return true }
        if t.utf8.contains(0x40) { return true }
        let l = TextLines.lower(t.prefix(12))
        return patterns.attributionLeads.contains { TextLines.hasPrefix(l, $0) }
    }

    static func endsWithWrote(_ s: Substring) -> Bool {
        let t = TextLines.trimmed(s)
        return t.hasSuffix("wrote") || t.hasSuffix("writes")
    }

    /// Zoho and Android: "---- On Wed, 24 Feb 2021 … wrote ----", "---- John Smith wrote ----".
    static func dashedAttribution(_ s: Substring) -> Bool {
        guard s.utf8.count < 300 else { return false }
        var t = TextLines.trimmed(s)
        guard t.hasSuffix("-") else { return false }
        while let f = t.first, f == "-" || f == " " { t.removeFirst() }
        while let l = t.last, l == "-" || l == " " { t.removeLast() }
        let l = TextLines.lower(t)
        return TextLines.hasSuffix(l, "wrote") || TextLines.hasSuffix(l, "wrote:") || TextLines.hasSuffix(l, "schrieb")
            || TextLines.hasSuffix(l, "a écrit") || TextLines.hasSuffix(l, "escribió")
    }

    static func isAttribution(_ joined: String) -> Bool {
        var text = TextLines.lower(joined)
        while let f = text.first, f == ">" || f == " " { text.removeFirst() }
        while let l = text.unicodeScalars.last, TextLines.isIgnorable(l) { text.unicodeScalars.removeLast() }
        let hasDigit = text.unicodeScalars.contains { u in
            let v = u.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x660 && v <= 0x669) || (v >= 0x6F0 && v <= 0x6F9)
                || (v >= 0xFF10 && v <= 0xFF19) || v == 0x5E74 || v == 0x6708 || v == 0x65E5
        }
        let hasAt = text.utf8.contains(0x40)
        if !(hasDigit || hasAt) {
            // "Something wrote:" inside a paragraph is not a quote header: ask for a date or an address too.
            return false
        }
        let scalars = Array(text.unicodeScalars.suffix(3))
        var key = String.UnicodeScalarView()
        key.append(contentsOf: scalars)
        for trailer in patterns.trailersBySuffix[String(key)] ?? [] where TextLines.hasSuffix(text, trailer) {
            return true
        }
        // "Am 25.06.2015 um 10:55 schrieb Test user:": the verb comes before the name.
        if TextLines.hasSuffix(text, ":") && patterns.attributionLeads.contains(where: { TextLines.hasPrefix(text, $0) }) {
            for verb in [" schrieb ", " wrote ", " skrev ", " escribió ", " a écrit ", " ha scritto ", " escreveu ", " napisał "]
            where TextLines.contains(text, verb) {
                return true
            }
        }
        // Gmail in many locales: "2014-03-20 8:48 GMT+01:00 Name <addr>:".
        if hasAt && (TextLines.hasSuffix(text, ">:") || TextLines.hasSuffix(text, "> :") || TextLines.hasSuffix(text, ">：")) {
            return true
        }
        return false
    }

    // MARK: - Signature

    /// The first line of a `-- ` block, mobile footer or legal footer near the end, or `end` when there is none.
    static func hardSignatureStart(_ lines: ArraySlice<Substring>, from start: Int, to end: Int) -> Int {
        // Only the tail can hold a signature; bounding it keeps long bodies cheap.
        var tailStart = end
        var nonBlank = 0
        while tailStart > start && nonBlank < 15 {
            tailStart -= 1
            if !TextLines.isBlank(lines[tailStart]) { nonBlank += 1 }
        }
        var mobileFrom = end
        nonBlank = 0
        while mobileFrom > start && nonBlank < 4 {
            mobileFrom -= 1
            if !TextLines.isBlank(lines[mobileFrom]) { nonBlank += 1 }
        }
        var fence = false
        var i = start
        while i < end {
            let line = lines[i]
            if line.hasPrefix("```") { fence.toggle() }
            if fence || i == start {
                i += 1
                continue
            }
            if i >= tailStart {
                let t = TextLines.trimmed(line)
                if isDelimiter(t) { return i }
                if i >= mobileFrom && isMobileFooter(t) { return i }
                if t.utf8.count >= 20 && isLegalFooter(t) {
                    var p = i
                    while p > start + 1 && !TextLines.isBlank(lines[p - 1]) { p -= 1 }
                    return p
                }
            }
            i += 1
        }
        return end
    }

    /// `-- `, `--`, `__`, `***`, `====` and the like on a line of their own (RFC 3676 §4.3 names "-- ").
    static func isDelimiter(_ t: Substring) -> Bool {
        if t == "--" || t == "—" && false { return true }
        var n = 0
        var kind: UInt8 = 0
        for b in t.utf8 {
            switch b {
            case 0x2D, 0x5F, 0x3D, 0x2A, 0x7E, 0x23, 0x2B:
                if kind == 0 { kind = b }
                n += 1
            case 0x20, 0x2E: continue
            default: return false
            }
        }
        if kind == 0x2D { return n >= 2 }
        return n >= 3 || (kind == 0x5F && n >= 2)
    }

    static func isMobileFooter(_ t: Substring) -> Bool {
        guard t.utf8.count < 120, !t.isEmpty else { return false }
        let l = TextLines.lower(t)
        for f in patterns.mobileFooters {
            if TextLines.hasPrefix(l, f) { return true }
            if f.utf8.first.map({ $0 >= 0x80 }) == true && TextLines.contains(l, f) { return true }
        }
        if TextLines.hasPrefix(l, "von ") && TextLines.contains(l, "gesendet") { return true }
        return false
    }

    static func isLegalFooter(_ t: Substring) -> Bool {
        guard t.utf8.count > 12 else { return false }
        let l = Array(TextLines.lower(t).utf8)
        for p in patterns.legalFooterBytes where TextLines.contains(l, p) { return true }
        return false
    }

    /// Where the sign-off ("Thanks,\nBob") or a bare sender name at the end begins; `end` when there is none.
    static func signOffStart(_ lines: ArraySlice<Substring>, from start: Int, to end: Int, senderName: String?) -> Int {
        var tail: [Int] = []
        var i = end - 1
        while i > start && tail.count < 6 {
            if !TextLines.isBlank(lines[i]) { tail.append(i) }
            i -= 1
        }
        // tail is newest-first; look for the earliest sign-off whose following lines all look like a name block.
        var best = end
        for (k, idx) in tail.enumerated() {
            let t = TextLines.trimmed(lines[idx])
            if isSignOff(t) {
                let after = tail[0..<k]
                if after.allSatisfy({ isNameLike(TextLines.trimmed(lines[$0])) }) { best = idx }
            }
        }
        if best != end { return best }
        if let last = tail.first {
            let t = TextLines.trimmed(lines[last])
            if isNameLike(t) && (t.hasPrefix("-") && !t.hasPrefix("--") || matchesSender(t, senderName)) {
                var s = last
                // "Diane\nx-37059": a name line followed by one short contact line.
                if tail.count > 1 {
                    let prev = TextLines.trimmed(lines[tail[1]])
                    if !matchesSender(t, senderName) && matchesSender(prev, senderName) && isNameLike(prev) {
                        s = tail[1]
                    }
                }
                return s
            }
            if tail.count > 1 {
                let prev = TextLines.trimmed(lines[tail[1]])
                if matchesSender(prev, senderName) && isNameLike(prev) && t.utf8.count < 30 && isNameLike(t) {
                    return tail[1]
                }
            }
        }
        return end
    }

    static func isSignOff(_ t: Substring) -> Bool {
        guard t.utf8.count < 60 else { return false }
        var l = TextLines.lower(t)
        while let c = l.last, c == "," || c == "." || c == "!" || c == ";" || c == " " || c == "-" || c == "—" || c == "，" || c == "、" { l.removeLast() }
        if l.isEmpty { return false }
        if patterns.signOffs.contains(l) { return true }
        if let comma = l.firstIndex(of: ",") {
            let head = String(l[..<comma]).trimmingSpaces()
            let rest = l[l.index(after: comma)...]
            if patterns.signOffs.contains(head) && rest.split(separator: " ").count <= 3 { return true }
        }
        return false
    }

    static func isNameLike(_ t: Substring) -> Bool {
        guard t.utf8.count <= 60 else { return false }
        let words = t.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.count > 6 { return false }
        if let last = t.last, last == "?" { return false }
        return true
    }

    static func matchesSender(_ t: Substring, _ senderName: String?) -> Bool {
        guard let senderName, !senderName.isEmpty, t.utf8.count <= 40 else { return false }
        let tokens = TextLines.lower(senderName).split(whereSeparator: { !$0.isLetter }).filter { $0.count >= 3 }
        if tokens.isEmpty { return false }
        let words = TextLines.lower(t).split(whereSeparator: { !$0.isLetter })
        guard !words.isEmpty, words.count <= 4 else { return false }
        return words.contains { w in tokens.contains { String($0) == String(w) } }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}

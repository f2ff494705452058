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
        parse(lines: lines(text)[...], senderName: senderName)
    }

    /// The lines of `text` as the parser reads them: CRs dropped, a reply sharing its line with an attribution split.
    package static func lines(_ text: String) -> [Substring] {
        let lines = TextLines.split(text)
        if let split = splitSharedAttributionLines(lines) { return TextLines.split(split) }
        return lines
    }

    /// Parses `lines`; `boundary` is where quoted history begins, when the caller has found it already.
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
            if let j = textBelowOpeningHistory(lines, found) {
                return bottomPosted(lines, found, below: j, senderName: senderName)
            }
        }
        while newEnd > newStart && TextLines.isBlank(lines[newEnd - 1]) { newEnd -= 1 }
        while newStart < newEnd && TextLines.isBlank(lines[newStart]) { newStart += 1 }
        layers.unquoted = TextLines.text(lines[newStart..<newEnd])
        guard newStart < newEnd else { return layers }
        let hard = hardSignatureStart(lines, from: newStart, to: newEnd)
        var replyEnd = hard
        while replyEnd > newStart && TextLines.isBlank(lines[replyEnd - 1]) { replyEnd -= 1 }
        let block = signatureBlockStart(lines, from: newStart, to: replyEnd, senderName: senderName)
        let signOff = signOffStart(lines, from: newStart, to: block, senderName: senderName)
        layers.reply = TextLines.text(lines[newStart..<replyEnd])
        layers.replyWithoutSignature = TextLines.text(lines[newStart..<signOff])
        // The signature is its lines, as the signature corpora label them: blank lines inside it are not part of
        // it, and neither is a sign-off alone at the end ("Thanks!"), which the product still leaves out.
        if signOff < newEnd {
            let signature = lines[signOff..<newEnd].filter { !TextLines.isBlank($0) }
            let bare =
                signature.count == 1
                && signature.first.map { isSignOff(TextLines.trimmed($0)) && isBareSignOff(TextLines.trimmed($0)) }
                    == true
            layers.signature = bare ? "" : TextLines.text(signature[...])
        }
        return layers
    }

    /// Bottom-posting: when nothing stands above the quoted history found at `found` (">" lines, an attribution,
    /// or a bare header block with no divider), the line where the sender's text below it starts; nil otherwise.
    /// The skip never stands still, and the text it stops at opens no history of its own, so a parse that starts
    /// again there recurses once at most.
    package static func textBelowOpeningHistory(_ lines: ArraySlice<Substring>, _ found: (line: Int, kind: Boundary))
        -> Int?
    {
        let opensWithHistory =
            found.kind == .quoteMarker || found.kind == .attribution
            || (found.kind == .headerBlock && headerKey(lines[found.line]) != nil)
        guard opensWithHistory, lines[lines.startIndex..<found.line].allSatisfy(TextLines.isBlank) else { return nil }
        let j = endOfLeadingHistory(lines, from: found.line)
        return j > found.line && j < lines.endIndex ? j : nil
    }

    /// The layers of the text below quoted history that opens the body at `found`; that history joins `quoted`.
    private static func bottomPosted(
        _ lines: ArraySlice<Substring>, _ found: (line: Int, kind: Boundary), below j: Int, senderName: String?
    ) -> Layers {
        var merged = parse(lines: lines[j...], senderName: senderName)
        merged.quoted = TextLines.text(lines[found.line..<j]) + (merged.quoted.isEmpty ? "" : "\n" + merged.quoted)
        merged.boundary = found.kind
        merged.boundaryLine = found.line
        return merged
    }

    /// The first line of the sender's text below history that opens the body at `start`: blank lines, ">" lines,
    /// attributions (dashed ones too) and bare header blocks are skipped, however many are stacked.
    static func endOfLeadingHistory(_ lines: ArraySlice<Substring>, from start: Int) -> Int {
        var j = start
        while j < lines.endIndex {
            let l = lines[j]
            let first = TextLines.firstByte(l)
            if TextLines.isBlank(l) || first == ASCII.greaterThan {
                j += 1
            } else if let end = attributionEnd(lines, j) {
                j = end
            } else if first == ASCII.hyphen, dashedAttribution(l) {
                j += 1
            } else if headerKey(l) != nil, headerBlock(lines, at: j) {
                j = headerBlockEnd(lines, j)
            } else {
                break
            }
        }
        return j
    }

    /// The line after a header block starting at `i`: header lines, single blank lines between them, and
    /// indented continuation lines belong to it.
    static func headerBlockEnd(_ lines: ArraySlice<Substring>, _ i: Int) -> Int {
        var end = i
        var j = i
        while j < lines.endIndex && j < i + 24 {
            let l = lines[j]
            if TextLines.isBlank(l) {
                if j + 1 < lines.endIndex, TextLines.isBlank(lines[j + 1]) { break }
            } else if headerKey(l) != nil {
                end = j + 1
            } else if end == j, let f = l.utf8.first, f == ASCII.space || f == ASCII.tab {
                end = j + 1
            } else {
                break
            }
            j += 1
        }
        return end
    }

    // MARK: - Where quoted history begins

    package static func findBoundary(_ lines: ArraySlice<Substring>) -> (line: Int, kind: Boundary)? {
        // Whether a line ends like an attribution ("…:" or "… wrote"). Asked of each line up to four times as the scan
        // passes it; both tests read the line's end only, so they are not worth remembering.
        func colonAt(_ j: Int) -> Bool {
            guard j < lines.endIndex else { return false }
            let l = lines[j]
            return l.utf8.count < 400 && (TextLines.endsWithColon(l) || endsWithWrote(l))
        }
        var i = lines.startIndex
        while i < lines.endIndex {
            let line = lines[i]
            guard let fb = TextLines.firstByte(line) else {
                i += 1
                continue
            }
            if fb == ASCII.greaterThan {  // ">"
                if let kind = separatorKind(line) { return (i, kind == .forwardMarker ? .forwardMarker : .separator) }
                if headerBlock(lines, at: i) { return (i, .headerBlock) }
                if let k = attributionAbove(lines, i) { return (k, .attribution) }
                // One quoted line closing a message, with no attribution, is a quotation in the text, not history.
                if i > lines.startIndex, lines[(i + 1)...].allSatisfy(TextLines.isBlank) { return nil }
                return (i, .quoteMarker)
            }
            // "| " quoting (some list software) counts only right under an attribution.
            if fb == ASCII.verticalLine, let k = attributionAbove(lines, i), dateFirstWithAddress(lines[k]) {
                return (k, .attribution)
            }
            if colonAt(i) || colonAt(i + 1) || colonAt(i + 2), let end = attributionEnd(lines, i) {
                // A wrapped attribution may have opened a few lines above ("On … John Smith\n\n<\nmailto:…").
                var s = max(lines.startIndex, i - 4)
                while s < i {
                    if opensWithLeadAndDigit(lines[s]), attributionEnd(lines, s) == end { return (s, .attribution) }
                    s += 1
                }
                return (i, .attribution)
            }
            if fb == ASCII.hyphen, dashedAttribution(line) { return (i, .attribution) }
            if headerBlock(lines, at: i) { return (dividerBefore(lines, i), .headerBlock) }
            if fb == ASCII.hyphen || fb == ASCII.underscore || fb == ASCII.equalsSign || fb == ASCII.asterisk
                || fb == ASCII.numberSign || fb == ASCII.tilde || fb == ASCII.leftSquareBracket
                || colonAt(i)
            {
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
            case ASCII.hyphen, ASCII.underscore, ASCII.equalsSign, ASCII.asterisk, ASCII.tilde: n += 1
            case ASCII.space, ASCII.tab: continue
            default: return false
            }
        }
        return n >= 5
    }

    static let separatorStripBytes: [Bool] = (0..<256).map { b in
        [
            ASCII.space, ASCII.hyphen, ASCII.underscore, ASCII.equalsSign, ASCII.asterisk, ASCII.tilde,
            ASCII.numberSign, ASCII.lessThan, ASCII.greaterThan, ASCII.colon, ASCII.tab, ASCII.leftSquareBracket,
            ASCII.rightSquareBracket,
        ].contains(UInt8(b))
    }

    /// Non-ASCII decoration around a separator line.
    static let separatorStripSequences = [UTF8Bytes.noBreakSpace, UTF8Bytes.fullwidthColon]

    /// "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:".
    package static func separatorKind(_ s: Substring) -> Boundary? {
        guard s.utf8.count < 120 else { return nil }
        if !s.utf8.contains(where: { $0 >= ASCII.upperBound }) {
            // ASCII line: strip the decoration and lower-case in a small buffer; most lines fail the length test.
            let found: Int? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 120) { buf in
                var n = 0
                for b in s.utf8 {
                    buf[n] = TextLines.lowerByte(b)
                    n += 1
                }
                var lo = 0
                while lo < n && Self.separatorStripBytes[Int(buf[lo])] { lo += 1 }
                while n > lo && Self.separatorStripBytes[Int(buf[n - 1])] { n -= 1 }
                guard n > lo, n - lo <= patterns.separatorMaxBytes, patterns.separatorFirstBytes[Int(buf[lo])] else {
                    return nil
                }
                return patterns.separatorTable.id(of: UnsafeBufferPointer(rebasing: buf[lo..<n]))
            }
            guard let id = found else { return nil }
            return patterns.separatorIsForwardMarker[id] ? .forwardMarker : .separator
        }
        var lowered = TextLines.lower(TextLines.trimmed(s))
        let key: Int? = lowered.withUTF8 { b in
            // The decoration, NBSP and the full-width colon come off both ends.
            var lo = 0
            var hi = b.count
            while lo < hi {
                if Self.separatorStripBytes[Int(b[lo])] {
                    lo += 1
                } else if let strip = Self.separatorStripSequences.first(where: {
                    UTF8Bytes.has($0, at: lo, in: b, within: lo..<hi)
                }) {
                    lo += strip.count
                } else {
                    break
                }
            }
            while hi > lo {
                if Self.separatorStripBytes[Int(b[hi - 1])] {
                    hi -= 1
                } else if let strip = Self.separatorStripSequences.first(where: {
                    UTF8Bytes.has($0, at: hi - $0.count, in: b, within: lo..<hi)
                }) {
                    hi -= strip.count
                } else {
                    break
                }
            }
            guard hi > lo, hi - lo <= patterns.separatorMaxBytes else { return nil }
            return patterns.separatorTable.id(of: UnsafeBufferPointer(rebasing: b[lo..<hi]))
        }
        // "original message" is a forward when it is the whole text's first line; the caller decides.
        guard let key else { return nil }
        return patterns.separatorIsForwardMarker[key] ? .forwardMarker : .separator
    }

    /// The header-field name of a line like "*From:* x" or "> De : y", when it is a known header word.
    package static func headerKey(_ s: Substring) -> (key: String, isFrom: Bool, id: Int)? {
        if let r = s.utf8.withContiguousStorageIfAvailable({ headerKey(bytes: $0) }) { return r }
        var copy = String(s)
        return copy.withUTF8 { headerKey(bytes: $0) }
    }

    static func headerKey(bytes b: UnsafeBufferPointer<UInt8>) -> (key: String, isFrom: Bool, id: Int)? {
        let count = b.count
        var i = 0
        while i < count, b[i] == ASCII.space || b[i] == ASCII.tab || b[i] == ASCII.greaterThan || b[i] == ASCII.asterisk
        { i += 1 }
        // Right-to-left and left-to-right marks (U+200E, U+200F) lead Arabic and Hebrew header lines.
        while UTF8Bytes.has(UTF8Bytes.leftToRightMark, at: i, in: b, within: 0..<count)
            || UTF8Bytes.has(UTF8Bytes.rightToLeftMark, at: i, in: b, within: 0..<count)
        {
            i += UTF8Bytes.leftToRightMark.count
        }
        // Find ":" or "：" within the first 40 bytes.
        let colon = TextLines.firstColon(b, from: i, within: 40)
        guard colon > i else { return nil }
        let rawKey = UnsafeBufferPointer(rebasing: b[i..<colon])
        // ASCII keys (most lines): lower-case into a small buffer; keys of 15 bytes or less make no heap string.
        var ascii = true
        for x in rawKey where x >= ASCII.upperBound {
            ascii = false
            break
        }
        if ascii {
            guard let f = rawKey.first(where: { $0 != ASCII.asterisk }), patterns.headerFirstBytes[Int(f)] else {
                return nil
            }
            let found: Int? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf in
                var n = 0
                for x in rawKey where x != ASCII.asterisk {
                    if n == 40 { return nil }
                    buf[n] = TextLines.lowerByte(x)
                    n += 1
                }
                var lo = 0
                while lo < n && TextLines.isSpace(buf[lo]) { lo += 1 }
                while n > lo && TextLines.isSpace(buf[n - 1]) { n -= 1 }
                guard n - lo <= patterns.headerMaxBytes, n > lo else { return nil }
                return patterns.headerTable.id(of: UnsafeBufferPointer(rebasing: buf[lo..<n]))
            }
            guard let id = found else { return nil }
            return (patterns.headerWords[id], patterns.headerWordIsFrom[id], id)
        }
        // Bold marks come off on bytes; the rest is lower-cased by Unicode rules.
        let key = TextLines.lower(String(decoding: rawKey.filter { $0 != ASCII.asterisk }, as: UTF8.self))
        guard let id = patterns.headerTable.id(of: String(TextLines.trimmed(Substring(key)))) else { return nil }
        return (patterns.headerWords[id], patterns.headerWordIsFrom[id], id)
    }

    /// Two or more header fields (one of them From) or three of any kind, within a few lines: a quoted header block.
    /// A single header-like line in the body never counts.
    package static func headerBlock(_ lines: ArraySlice<Substring>, at i: Int) -> Bool {
        guard let first = headerKey(lines[i]) else { return false }
        var count = 1
        var hasFrom = first.isFrom
        // At most a dozen keys: a small array beats a Set that would allocate on every call.
        var keys: [Int] = [first.id]
        keys.reserveCapacity(12)
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
                if !keys.contains(h.id) {
                    keys.append(h.id)
                    count += 1
                }
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
    package static func attributionEnd(_ lines: ArraySlice<Substring>, _ i: Int) -> Int? {
        var joined = ""
        var firstLine: Substring = ""
        var span = 0
        var j = i
        // An attribution holds a date or an address (isAttribution asks for one): without a digit, "@" or any
        // non-ASCII byte (other scripts' digits) in the first three lines, nothing needs building.
        var evidence = false
        var k = i
        while k < lines.endIndex && k < i + 3 && !evidence {
            for b in lines[k].utf8
            where ASCII.isDigit(b) || b == ASCII.atSign || b >= ASCII.upperBound {
                evidence = true
                break
            }
            k += 1
        }
        if !evidence { return nil }
        // Gmail wraps long attributions and Polymail splits them over blank lines ("On … John Smith\n\n<\n
        // mailto:… <a@b>\n> wrote:"); that is allowed only when the first line opens like an attribution.
        let extended = opensWithLeadAndDigit(lines[i])
        var blanks = 0
        while j < lines.endIndex && span < (extended ? 5 : 3) {
            let l = lines[j]
            if TextLines.isBlank(l) {
                guard extended, span > 0, blanks < 2 else { return nil }
                blanks += 1
                j += 1
                continue
            }
            if span > 0 && TextLines.firstByte(l) == ASCII.greaterThan && !isClosingFragment(l) { return nil }
            // One line (most attributions) is tested as it stands; the joined text is built from the second on.
            let t = TextLines.trimmed(l)
            if span == 0 {
                firstLine = t
                if t.utf8.count > 400 { return nil }
            } else {
                if joined.isEmpty { joined = String(firstLine) }
                joined += " "
                joined += t
                if joined.utf8.count > 400 { return nil }
            }
            span += 1
            j += 1
            if TextLines.endsWithColon(l) || endsWithWrote(l) {
                if span == 1 ? isAttribution(line: firstLine) : isAttribution(joined) {
                    // The reply's own last line must not be glued onto an attribution that starts below it.
                    if span > 1 {
                        // "Hi,\nOn Tue, … wrote:": a later line that opens with "On" and a date starts it.
                        let openerOnly = looksLikeAttributionStart(lines[i])
                        var m = i + 1
                        while m < j {
                            if !TextLines.isBlank(lines[m]), !openerOnly || opensWithLeadAndDigit(lines[m]),
                                attributionEnd(lines, m) == j
                            {
                                return nil
                            }
                            m += 1
                        }
                    }
                    return j
                }
                if span == 1 && TextLines.endsWithColon(l) { continue }
            }
        }
        return nil
    }

    /// Talon's "reply On Wed, Apr 4, 2012 at 3:59 PM, bob@x.com wrote:" above a quote: the reply and the
    /// attribution share a line. Returns the text with such lines broken in two, or nil when there is none.
    static func splitSharedAttributionLines(_ lines: [Substring]) -> String? {
        var cuts: [Int: (String, String)] = [:]
        for k in lines.indices where k + 1 < lines.count && TextLines.endsWithColon(lines[k]) {
            guard TextLines.firstByte(lines[k + 1]) == ASCII.greaterThan, let parts = sharedAttribution(lines[k]) else {
                continue
            }
            cuts[k] = parts
        }
        if cuts.isEmpty { return nil }
        var out: [String] = []
        for (k, l) in lines.enumerated() {
            if let (reply, attribution) = cuts[k] {
                out.append(reply)
                out.append(attribution)
            } else {
                out.append(String(l))
            }
        }
        return out.joined(separator: "\n")
    }

    /// ("reply", "On … wrote:") when an attribution starts after some words of the line.
    static func sharedAttribution(_ line: Substring) -> (String, String)? {
        let t = TextLines.trimmed(line)
        guard t.utf8.count < 300, let f = t.utf8.first, !ASCII.isDigit(f) else {
            return nil
        }
        // A line that opens as an attribution is one whole; checked on its first bytes before anything is built.
        let head = TextLines.lower(t.prefix(12))
        if patterns.attributionLeads.contains(where: { TextLines.hasPrefix(head, $0) }) { return nil }
        guard isAttribution(String(t)) else { return nil }
        switch t.utf8.withContiguousStorageIfAvailable({ sharedAttributionASCII(t, $0) }) ?? .notASCII {
        case .none: return nil
        case .split(let reply, let attribution): return (reply, attribution)
        case .notASCII: break
        }
        let lowered = TextLines.lower(t)
        guard lowered.count == t.count else { return nil }
        let leads = sharedAttributionLeads
        // Walk both strings' Character indices together; Strings are sliced only where a lead matches.
        var li = lowered.startIndex
        var oi = t.startIndex
        var before = lowered[li]
        lowered.formIndex(after: &li)
        t.formIndex(after: &oi)
        while li < lowered.endIndex {
            if before == " " || before == "-" {
                let rest = lowered.utf8[li...]
                if leads.contains(where: { rest.starts(with: $0) }), isAttribution(String(lowered[li...])) {
                    var head = String(t[..<oi])
                    while let c = head.last, c == " " || c == "-" { head.removeLast() }
                    if head.isEmpty { return nil }
                    return (head, String(t[oi...]))
                }
            }
            before = lowered[li]
            lowered.formIndex(after: &li)
            t.formIndex(after: &oi)
        }
        return nil
    }

    /// Attribution leads that can follow reply words on the same line ("on ", "le "), as bytes.
    static let sharedAttributionLeads: [[UInt8]] = patterns.attributionLeads
        .filter { $0.hasSuffix(" ") && $0.utf8.count > 2 }.map { Array($0.utf8) }

    /// The same leads by first byte (all are lower-case).
    static let sharedAttributionLeadsByFirst: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for lead in sharedAttributionLeads { table[Int(lead[0])].append(lead) }
        return table
    }()

    enum SharedSplit {
        case notASCII, none
        case split(String, String)
    }

    /// `sharedAttribution` on an ASCII line, where a Character is a byte and lower-casing keeps every offset: the
    /// split is searched on bytes. A non-ASCII line is left to the general way.
    static func sharedAttributionASCII(_ t: Substring, _ b: UnsafeBufferPointer<UInt8>) -> SharedSplit {
        let n = b.count
        for x in b where x >= ASCII.upperBound { return .notASCII }
        guard n > 1 else { return .none }
        var p = 1
        while p < n {
            let before = b[p - 1]
            if before == ASCII.space || before == ASCII.hyphen {
                let f = TextLines.lowerByte(b[p])
                for lead in sharedAttributionLeadsByFirst[Int(f)] where p + lead.count <= n {
                    var k = 1
                    while k < lead.count && TextLines.lowerByte(b[p + k]) == lead[k] { k += 1 }
                    guard k == lead.count else { continue }
                    // isAttribution lower-cases what it is given, so the original bytes do.
                    let rest = t.utf8.index(t.utf8.startIndex, offsetBy: p)
                    guard isAttribution(String(t[rest...])) else { break }
                    var end = p
                    while end > 0 && (b[end - 1] == ASCII.space || b[end - 1] == ASCII.hyphen) { end -= 1 }
                    if end == 0 { return .none }
                    let head = String(decoding: UnsafeBufferPointer(rebasing: b[0..<end]), as: UTF8.self)
                    return .split(head, String(t[rest...]))
                }
            }
            p += 1
        }
        return .none
    }

    /// "On Tue, Apr 11, 2017 …": an attribution lead word and a digit.
    static func opensWithLeadAndDigit(_ s: Substring) -> Bool {
        let t = TextLines.trimmed(s)
        guard t.utf8.count < 300, t.utf8.contains(where: { ASCII.isDigit($0) }) else {
            return false
        }
        // ASCII leads ("on ", "le ") by the line's first byte, compared on bytes; the few leads with other
        // scripts in them are lower-cased by Unicode rules.
        if let f = t.utf8.first, f < ASCII.upperBound {
            for lead in openingLeadsASCIIByFirst[Int(TextLines.lowerByte(f))] where TextLines.hasPrefixFolded(t, lead) {
                return true
            }
        }
        guard !openingLeadsOther.isEmpty else { return false }
        let l = TextLines.lower(t.prefix(12))
        return openingLeadsOther.contains { TextLines.hasPrefix(l, $0) }
    }

    /// Attribution leads of two or more bytes and at most twelve characters (what `opensWithLeadAndDigit` reads):
    /// the all-ASCII ones by first byte, and the rest.
    static let openingLeads = patterns.attributionLeads.filter { $0.utf8.count > 1 && $0.count <= 12 }
    static let openingLeadsASCIIByFirst: [[[UInt8]]] = {
        var by = [[[UInt8]]](repeating: [], count: 256)
        for lead in openingLeads where lead.utf8.allSatisfy({ $0 < ASCII.upperBound }) {
            by[Int(lead.utf8.first!)].append(Array(lead.utf8))
        }
        return by
    }()
    static let openingLeadsOther = openingLeads.filter { $0.utf8.contains { $0 >= ASCII.upperBound } }

    /// The quoted last line of a wrapped attribution: ">:" after "<a@b", or Polymail's "> wrote:".
    static func isClosingFragment(_ s: Substring) -> Bool {
        guard s.utf8.count < 40, TextLines.endsWithColon(s) else { return false }
        var t = TextLines.trimmed(s)
        while let f = t.first, f == ">" || f == " " { t = t.dropFirst() }
        if t == ":" { return true }
        let l = TextLines.lower(t)
        return patterns.attributionTrailers.contains { $0.hasSuffix(":") && l == $0 }
    }

    /// The attribution that ends on, or sits right above, the quoted line `i`: "2011/4/7 Name <a@b>" then a quote,
    /// or an attribution closed by a quoted fragment (see `isClosingFragment`).
    static func attributionAbove(_ lines: ArraySlice<Substring>, _ i: Int) -> Int? {
        var k = i - 1
        var blanks = 0
        while k >= lines.startIndex && TextLines.isBlank(lines[k]) && blanks < 2 {
            k -= 1
            blanks += 1
        }
        guard k >= lines.startIndex, !TextLines.isBlank(lines[k]), TextLines.firstByte(lines[k]) != ASCII.greaterThan
        else {
            return nil
        }
        if dateFirstWithAddress(lines[k]) { return k }
        if isClosingFragment(lines[i]) {
            var s = max(lines.startIndex, i - 6)
            while s < i {
                if attributionEnd(lines, s) == i + 1 { return s }
                s += 1
            }
        }
        return nil
    }

    /// Gmail without "wrote:": "2013/7/20 sam via Discourse <info@discourse.org>" (a date, then a mailbox).
    static func dateFirstWithAddress(_ s: Substring) -> Bool {
        let t = TextLines.trimmed(s)
        guard t.utf8.count < 200, let f = t.utf8.first, ASCII.isDigit(f),
            t.utf8.last == ASCII.greaterThan,
            t.utf8.contains(ASCII.atSign), t.utf8.contains(ASCII.lessThan)
        else { return false }
        return true
    }

    /// A first line that opens an attribution: a lead word ("On", "Le", "Am"…), a date, or an open bracket.
    static func looksLikeAttributionStart(_ s: Substring) -> Bool {
        let t = TextLines.trimmed(s)
        guard let first = t.utf8.first else { return false }
        if ASCII.isDigit(first) { return true }
        if let last = t.last, last == "<" || last == "(" || last == "," || last == "\"" { return true }
        if t.utf8.contains(ASCII.atSign) { return true }
        let l = TextLines.lower(t.prefix(12))
        return patterns.attributionLeads.contains { TextLines.hasPrefix(l, $0) }
    }

    static func endsWithWrote(_ s: Substring) -> Bool {
        // Bytes from the end, spaces skipped: "wrote" or "writes". Read through the base string's view (its
        // subscript inlines), within the line's bounds.
        let u = s.base.utf8
        let start = s.startIndex
        var end = s.endIndex
        while end > start, TextLines.isSpace(u[u.index(before: end)]) { end = u.index(before: end) }
        guard end > start else { return false }
        let last = u[u.index(before: end)]
        guard last == ASCII.smallE || last == ASCII.smallS else { return false }
        func endsWith(_ word: [UInt8]) -> Bool {
            var k = word.count
            var p = end
            while k > 0 {
                guard p > start else { return false }
                p = u.index(before: p)
                k -= 1
                if u[p] != word[k] { return false }
            }
            return true
        }
        return endsWith(Self.wroteBytes) || endsWith(Self.writesBytes)
    }

    static let wroteBytes = Array("wrote".utf8)
    static let writesBytes = Array("writes".utf8)

    /// Zoho and Android: "---- On Wed, 24 Feb 2021 … wrote ----", "---- John Smith wrote ----".
    package static func dashedAttribution(_ s: Substring) -> Bool {
        guard s.utf8.count < 300 else { return false }
        let t = TextLines.trimmed(s)
        guard t.utf8.last == ASCII.hyphen else { return false }
        // Dashes and spaces off both ends, then the verb at the end, compared on lower-cased bytes.
        var lowered = TextLines.lower(t)
        return lowered.withUTF8 { b in
            var lo = 0
            var hi = b.count
            while lo < hi && (b[lo] == ASCII.hyphen || b[lo] == ASCII.space) { lo += 1 }
            while hi > lo && (b[hi - 1] == ASCII.hyphen || b[hi - 1] == ASCII.space) { hi -= 1 }
            let inner = UnsafeBufferPointer(rebasing: b[lo..<hi])
            return Self.dashedVerbs.contains { TextLines.hasSuffix(inner, $0) }
        }
    }

    static let dashedVerbs: [[UInt8]] = ["wrote", "wrote:", "schrieb", "a écrit", "escribió"].map { Array($0.utf8) }

    package static func isAttribution(_ joined: String) -> Bool {
        var copy = joined
        return copy.withUTF8 { isAttribution(bytes: $0) }
    }

    static func isAttribution(line: Substring) -> Bool {
        if let r = line.utf8.withContiguousStorageIfAvailable({ isAttribution(bytes: $0) }) { return r }
        return isAttribution(String(line))
    }

    /// `isAttribution` on UTF-8: lower-cased into a small buffer (ASCII) or through `TextLines.lower`, then every
    /// test is a byte comparison.
    static func isAttribution(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
        // Digits and "@" survive lower-casing and trimming, so this test runs on the input before anything is built.
        var hasDigit = false
        var hasAt = false
        var ascii = true
        for x in b {
            if ASCII.isDigit(x) {
                hasDigit = true
            } else if x == ASCII.atSign {
                hasAt = true
            } else if x >= ASCII.upperBound {
                ascii = false
            }
        }
        if !hasDigit && !ascii {
            // Arabic, Persian and full-width digits, and the CJK date characters 年月日.
            hasDigit = String(decoding: b, as: UTF8.self).unicodeScalars.contains { u in
                let v = u.value
                return (v >= 0x660 && v <= 0x669) || (v >= 0x6F0 && v <= 0x6F9) || (v >= 0xFF10 && v <= 0xFF19)
                    || v == 0x5E74 || v == 0x6708 || v == 0x65E5
            }
        }
        if !(hasDigit || hasAt) {
            // "Something wrote:" inside a paragraph is not a quote header: ask for a date or an address too.
            return false
        }
        if ascii {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: b.count) { buf in
                for (k, x) in b.enumerated() { buf[k] = TextLines.lowerByte(x) }
                return loweredIsAttribution(UnsafeBufferPointer(buf), hasDigit: hasDigit, hasAt: hasAt)
            }
        }
        var lowered = TextLines.lower(String(decoding: b, as: UTF8.self))
        return lowered.withUTF8 { loweredIsAttribution($0, hasDigit: hasDigit, hasAt: hasAt) }
    }

    private static func loweredIsAttribution(_ l: UnsafeBufferPointer<UInt8>, hasDigit: Bool, hasAt: Bool) -> Bool {
        var lo = 0
        var hi = l.count
        while lo < hi && (l[lo] == ASCII.greaterThan || l[lo] == ASCII.space) { lo += 1 }
        while hi > lo, let (u, start) = TextLines.lastScalar(l, lo, hi), TextLines.isIgnorable(u) { hi = start }
        let text = UnsafeBufferPointer(rebasing: l[lo..<hi])
        // The last three scalars pick the trailers worth comparing.
        var keyStart = text.count
        for _ in 0..<3 {
            guard keyStart > 0, let (_, s) = TextLines.lastScalar(text, 0, keyStart) else { break }
            keyStart = s
        }
        let key = String(decoding: UnsafeBufferPointer(rebasing: text[keyStart...]), as: UTF8.self)
        for trailer in Self.trailerBytesBySuffix[key] ?? [] where TextLines.hasSuffix(text, trailer) {
            return true
        }
        let colon = text.last == ASCII.colon
        // "Am 25.06.2015 um 10:55 schrieb Test user:": the verb comes before the name.
        if colon && Self.leadBytes.contains(where: { TextLines.hasPrefix(text, $0) }) {
            for verb in Self.verbsBeforeName where TextLines.contains(text, verb) { return true }
        }
        // Outlook in many locales puts the verb mid-line: "John Doe <a@b> kirjoitti 28/10/2021 12.46:",
        // "Op 28/10/2021 12:46 heeft John Doe <a@b> geschreven:". A date, an address and a final colon are required.
        if hasDigit && hasAt && colon && text.count < 300 {
            for verb in Self.spacedAttributionVerbs where TextLines.contains(text, verb) { return true }
        }
        // Gmail in many locales: "2014-03-20 8:48 GMT+01:00 Name <addr>:".
        if hasAt {
            for end in Self.gmailEnds where TextLines.hasSuffix(text, end) { return true }
        }
        return false
    }

    static let trailerBytesBySuffix: [String: [[UInt8]]] = patterns.trailersBySuffix.mapValues {
        $0.map { Array($0.utf8) }
    }
    static let leadBytes: [[UInt8]] = patterns.attributionLeads.map { Array($0.utf8) }
    static let gmailEnds: [[UInt8]] = [">:", "> :", ">："].map { Array($0.utf8) }

    /// "wrote" in the languages whose attribution puts the verb before the name.
    static let verbsBeforeName: [[UInt8]] = [
        " schrieb ", " wrote ", " skrev ", " escribió ", " a écrit ", " ha scritto ", " escreveu ", " napisał ",
    ].map { Array($0.utf8) }
    /// The attribution verbs as whole words (" verb "), built once.
    static let spacedAttributionVerbs: [[UInt8]] = patterns.attributionVerbs.map { Array((" " + $0 + " ").utf8) }

    // MARK: - Signature

    /// The first line of a `-- ` block, mobile footer or legal footer near the end, or `end` when there is none.
    package static func hardSignatureStart(_ lines: ArraySlice<Substring>, from start: Int, to end: Int) -> Int {
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
            if line.utf8.count >= 3, line.utf8.starts(with: Self.fenceBytes) { fence.toggle() }
            if fence || i == start {
                i += 1
                continue
            }
            if i >= tailStart {
                let t = TextLines.trimmed(line)
                if isDelimiter(t) && !isTableRule(lines, i, t) { return i }
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
    package static func isDelimiter(_ t: Substring) -> Bool {
        if t == "--" { return true }
        var n = 0
        var kind: UInt8 = 0
        for b in t.utf8 {
            switch b {
            case ASCII.hyphen, ASCII.underscore, ASCII.equalsSign, ASCII.asterisk, ASCII.tilde, ASCII.numberSign,
                ASCII.plusSign:
                if kind == 0 { kind = b }
                n += 1
            case ASCII.space, ASCII.fullStop: continue
            default: return false
            }
        }
        if kind == ASCII.hyphen { return n >= 2 }
        return n >= 3 || (kind == ASCII.underscore && n >= 2)
    }

    static let fenceBytes: [UInt8] = [ASCII.graveAccent, ASCII.graveAccent, ASCII.graveAccent]

    /// A long rule between a line of several words and more text underlines a table's column titles
    /// ("Service  Expire Date  Description\n-----…\nRegistration …"); a signature rule stands apart.
    static func isTableRule(_ lines: ArraySlice<Substring>, _ i: Int, _ t: Substring) -> Bool {
        guard t.utf8.count >= 20, i > lines.startIndex, i + 1 < lines.endIndex,
            !TextLines.isBlank(lines[i - 1]), !TextLines.isBlank(lines[i + 1])
        else { return false }
        let above = lines[i - 1].split(whereSeparator: { $0 == " " || $0 == "\t" })
        return above.count >= 3
    }

    package static func isMobileFooter(_ t: Substring) -> Bool {
        guard t.utf8.count < 120, !t.isEmpty else { return false }
        if patterns.hasEmptyMobileFooterPrefix { return true }
        guard let first = t.utf8.first else { return false }
        for f in patterns.mobileFooterPrefixesByFirst[Int(TextLines.lowerByte(first))]
        where TextLines.hasPrefixFolded(t, f) {
            return true
        }
        if TextLines.containsFolded(t, patterns.mobileFooterAnywhere) { return true }
        if TextLines.hasPrefixFolded(t, Self.von) && TextLines.containsFolded(t, Self.gesendet) { return true }
        return false
    }

    static let von = Array("von ".utf8)
    static let gesendet = FoldedNeedles(["gesendet"])

    static func isLegalFooter(_ t: Substring) -> Bool {
        guard t.utf8.count > 12 else { return false }
        return TextLines.containsFolded(t, patterns.legalFooterNeedles)
    }

    /// Where the sign-off ("Thanks,\nBob") or a bare sender name at the end begins; `end` when there is none.
    static func signOffStart(_ lines: ArraySlice<Substring>, from start: Int, to end: Int, senderName: String?) -> Int {
        var tail: [Int] = []
        tail.reserveCapacity(6)
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
            // "-Bob", "- roman", "-Lev." and the Scandinavian "/John" sign a mail with the name alone;
            // "- Rowing.mpeg" lists a file.
            let first = t.utf8.first
            var marked = false
            if first == ASCII.hyphen || first == ASCII.slash {
                let dashed = first == ASCII.hyphen && !t.hasPrefix("--")
                let slashed = first == ASCII.slash && t.dropFirst().first?.isLetter == true
                var name = t.dropFirst().drop { $0 == " " }
                if name.last == "." { name = name.dropLast() }
                marked = (dashed || slashed) && !name.isEmpty && name.allSatisfy { $0.isLetter || $0 == " " }
            }
            // A first name alone under a blank line ("...\n\nBert"); right under a sentence it may be the text.
            let apart = TextLines.isBlank(lines[last - 1])
            if isNameLike(t) && (marked || matchesSender(t, senderName) || (apart && isFirstName(t))) {
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

    /// For a sign-off line: nothing follows it ("Thanks!", "Best regards,"), unlike "Thanks, Ana" or "Thanks. BT".
    static func isBareSignOff(_ t: Substring) -> Bool {
        let bytes = Array(t.utf8)
        for (i, b) in bytes.enumerated() where b == ASCII.comma || b == ASCII.fullStop {
            if bytes[(i + 1)...].contains(where: {
                ASCII.isLetter($0)
            }) {
                return false
            }
        }
        return true
    }

    /// A first name or initials alone on a line ("Bert", "Ed", "BT"), not a word that ends a message ("Done",
    /// "Svar.").
    static func isFirstName(_ t: Substring) -> Bool {
        let bytes = t.utf8
        guard let first = bytes.first, first >= ASCII.capitalA, first <= ASCII.capitalZ, bytes.last != ASCII.fullStop,
            bytes.count <= 12
        else {
            return false
        }
        // "Bert" (capitalised) or "BT" (initials, at most three).
        var lower = 0
        var upper = 0
        for b in bytes.dropFirst() {
            if b >= ASCII.smallA && b <= ASCII.smallZ {
                lower += 1
            } else if b >= ASCII.capitalA && b <= ASCII.capitalZ {
                upper += 1
            } else {
                return false
            }
        }
        guard (upper == 0 && lower >= 1) || (lower == 0 && upper >= 1 && upper <= 2) else { return false }
        return !patterns.notNames.contains(TextLines.lower(t))
    }

    // MARK: - Signature block without a delimiter

    /// Where a signature block written without `-- ` starts at the end of the text ("Carolyn Graham\nVendor
    /// Management\n713-345-8008"), or `end`. The block is the run of short lines at the end that read like a
    /// name, a title, a company, an address or contact details, set apart from the text by a blank line or a
    /// sign-off; it starts with a name-like line, and a phone, an address, a title or company word, or the
    /// sender's name shows it is a signature rather than a short closing line.
    static func signatureBlockStart(
        _ lines: ArraySlice<Substring>, from start: Int, to end: Int, senderName: String?
    ) -> Int {
        var top = end
        var count = 0
        var evidence = false
        var i = end - 1
        while i > start && count < 12 {
            let line = lines[i]
            if TextLines.isBlank(line) {
                i -= 1
                continue
            }
            let t = TextLines.trimmed(line)
            guard let kind = signatureLineKind(t), !isSignOff(t) else { break }
            if kind != .name { evidence = true }
            top = i
            count += 1
            i -= 1
        }
        guard count >= 2, top > start else { return end }
        let above = TextLines.trimmed(lines[top - 1])
        guard TextLines.isBlank(lines[top - 1]) || isSignOff(above) else { return end }
        let first = TextLines.trimmed(lines[top])
        guard isNameLike(first), evidence || matchesSender(first, senderName) else { return end }
        return top
    }

    enum SignatureLine { case name, title, contact }

    /// What a line of a signature block holds, or nil when it reads like a sentence of the message.
    /// One pass over the bytes decides most lines; words are looked up only on a line that could be a title.
    static func signatureLineKind(_ t: Substring) -> SignatureLine? {
        guard t.utf8.count <= 80, let last = t.utf8.last, last != ASCII.questionMark, last != ASCII.exclamationMark
        else { return nil }
        var words = 0
        var lowerStarts = 0
        var digits = 0
        var other = 0
        var alphanumeric = false
        var at = false
        var atWord = false
        var dotAfterAt = false
        var previous: UInt8 = ASCII.space
        for b in t.utf8 {
            let space = b == ASCII.space || b == ASCII.tab
            if !space && (previous == ASCII.space || previous == ASCII.tab) {
                words += 1
                if b >= ASCII.smallA && b <= ASCII.smallZ { lowerStarts += 1 }
                atWord = false
            }
            if ASCII.isDigit(b) {
                digits += 1
                alphanumeric = true
            } else if ASCII.isLetter(b) {
                alphanumeric = true
                other += 1
            } else if !(space || b == ASCII.hyphen || b == ASCII.fullStop || b == ASCII.leftParenthesis
                || b == ASCII.rightParenthesis || b == ASCII.plusSign)
            {
                other += 1
            }
            if b == ASCII.atSign {
                at = true
                atWord = true
            } else if b == ASCII.fullStop && atWord {
                dotAfterAt = true
            }
            previous = b
        }
        // A line of symbols ("—", "***") is a divider, not a signature line; letters may be non-ASCII ("Grüße").
        if !alphanumeric, other > 0 {
            alphanumeric = t.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        }
        guard alphanumeric, words > 0, words <= 10 else { return nil }
        let webAddress = at && dotAfterAt || TextLines.containsFolded(t, Self.webNeedles)
        // A phone number, an extension ("3-7060") or an e-mail / web address.
        if webAddress || digits >= 7 || (digits >= 4 && other == 0) {
            return lowerStarts <= 2 ? .contact : nil
        }
        guard lowerStarts == 0 || (lowerStarts == 1 && words >= 3) else { return nil }
        if hasSignatureWord(t) { return .title }
        // Capitalised words only ("Carolyn Graham", "J. E. McGrath", "40 East Broadway", "Parking & Desk"); a
        // longer one that ends with a full stop is a sentence. (Lower-case non-ASCII initials are rare here.)
        guard lowerStarts == 0, words <= 4 || (words <= 6 && last != ASCII.fullStop) else { return nil }
        return .name
    }

    static let webNeedles = FoldedNeedles(["www.", "http"])

    /// Whether a word of `t`, lower-cased and without `,;:()`, is a title or company word ("Manager,", "(LLC)").
    static func hasSignatureWord(_ t: Substring) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: t.utf8.count + 1) { buffer in
            var n = 0
            var found = false
            func lookUp() {
                if n > 0, patterns.signatureWords.id(of: UnsafeBufferPointer(rebasing: buffer[0..<n])) != nil {
                    found = true
                }
                n = 0
            }
            for b in t.utf8 {
                switch b {
                case ASCII.space, ASCII.tab: lookUp()
                case ASCII.comma, ASCII.semicolon, ASCII.colon, ASCII.leftParenthesis, ASCII.rightParenthesis: continue
                default:
                    buffer[n] = TextLines.lowerByte(b)
                    n += 1
                }
                if found { return true }
            }
            lookUp()
            return found
        }
    }

    /// Whether `t` is a sign-off line ("Best regards,", "Thanks, Ana"); `table` narrows the languages.
    package static func isSignOff(_ t: Substring, table: ByteTable? = nil) -> Bool {
        let count = t.utf8.count
        guard count < 60, count > 0 else { return false }
        let signOffs = table ?? patterns.signOffTable
        // ASCII lines (most) are lower-cased into a small stack buffer; others by Unicode rules.
        var ascii = true
        for b in t.utf8 where b >= ASCII.upperBound {
            ascii = false
            break
        }
        if ascii {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buf in
                var n = 0
                for b in t.utf8 {
                    buf[n] = TextLines.lowerByte(b)
                    n += 1
                }
                return isSignOff(lowered: UnsafeBufferPointer(rebasing: buf[0..<n]), signOffs)
            }
        }
        let l = Array(TextLines.lower(t).utf8)
        return l.withUnsafeBufferPointer { isSignOff(lowered: $0, signOffs) }
    }

    /// Punctuation of other scripts that may end a sign-off line: "—", "，", "、".
    static let signOffTrailingSequences = [UTF8Bytes.emDash, UTF8Bytes.fullwidthComma, UTF8Bytes.ideographicComma]

    private static func isSignOff(lowered l: UnsafeBufferPointer<UInt8>, _ signOffs: ByteTable) -> Bool {
        // Trailing punctuation and the comma are fixed byte sequences.
        var end = l.count
        while end > 0 {
            let b = l[end - 1]
            if b == ASCII.comma || b == ASCII.fullStop || b == ASCII.exclamationMark || b == ASCII.semicolon
                || b == ASCII.space || b == ASCII.hyphen
            {
                end -= 1
            } else if b >= ASCII.upperBound,
                let mark = Self.signOffTrailingSequences.first(where: {
                    UTF8Bytes.has($0, at: end - $0.count, in: l, within: 0..<end)
                })
            {
                end -= mark.count
            } else {
                break
            }
        }
        if end == 0 { return false }
        if signOffs.id(of: UnsafeBufferPointer(rebasing: l[0..<end])) != nil { return true }
        // "Thanks, Ana": a sign-off, a comma and at most three words.
        guard let comma = l[0..<end].firstIndex(of: ASCII.comma) else { return false }
        var words = 0
        var inWord = false
        for b in l[(comma + 1)..<end] {
            if b == ASCII.space {
                inWord = false
            } else if !inWord {
                inWord = true
                words += 1
            }
        }
        guard words <= 3 else { return false }
        var lo = 0
        var hi = comma
        while lo < hi && l[lo] == ASCII.space { lo += 1 }
        while hi > lo && l[hi - 1] == ASCII.space { hi -= 1 }
        return signOffs.id(of: UnsafeBufferPointer(rebasing: l[lo..<hi])) != nil
    }

    static func isNameLike(_ t: Substring) -> Bool {
        guard t.utf8.count <= 60 else { return false }
        var words = 0
        var inWord = false
        for b in t.utf8 {
            if b == ASCII.space || b == ASCII.tab {
                inWord = false
            } else if !inWord {
                inWord = true
                words += 1
            }
        }
        if words > 6 { return false }
        return t.utf8.last != ASCII.questionMark
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
        // On bytes: a space is one byte, and most strings have none to trim.
        let u = utf8
        var lo = u.startIndex
        var hi = u.endIndex
        while lo < hi && u[lo] == ASCII.space { lo = u.index(after: lo) }
        while hi > lo && u[u.index(before: hi)] == ASCII.space { hi = u.index(before: hi) }
        if lo == u.startIndex && hi == u.endIndex { return self }
        return String(Substring(u[lo..<hi]))
    }
}

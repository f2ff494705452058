import FrontdeskText

/// Other parsers' answers, rebuilt from the extractor's own pieces so each corpus record can be scored under the
/// semantics of the library it came from. The product never calls these: it reads `EmailExtractor.extract`.
package enum LibrarySemantics {
    /// talon's `reply_without_quotes` and the github family's visible text: every fragment outside quoted blocks
    /// (text written between quotes too), and the same without the signature block (sign-off kept). The
    /// extractor's first cut keeps only the text above the first quote; this reads on below it.
    package static func interleaved(_ parts: EmailExtractor.Parts) -> (text: String, reply: String) {
        let e = parts.extraction
        // A forward's reply layers are the forwarder's note, which has nothing below it to gather.
        if parts.forward != nil, e.kind == .forward { return (e.unquoted, e.reply) }
        return interleaved(parts.replyLines[...], unquoted: e.unquoted, reply: e.reply)
    }

    /// `interleaved` over `lines`, whose first-cut layers are `unquoted` and `reply`. Finds the new text the way
    /// `ReplyParser.parse` does, skipping history that opens the body.
    static func interleaved(_ lines: ArraySlice<Substring>, unquoted: String, reply: String) -> (
        text: String, reply: String
    ) {
        let found = ReplyParser.findBoundary(lines)
        if let found, let j = ReplyParser.textBelowOpeningHistory(lines, found) {
            return interleaved(lines[j...], unquoted: unquoted, reply: reply)
        }
        var newStart = lines.startIndex
        while newStart < lines.endIndex && TextLines.isBlank(lines[newStart]) { newStart += 1 }
        guard let found, found.kind == .quoteMarker || found.kind == .attribution, newStart < found.line,
            endOfQuoteBlock(lines, found.line) < lines.endIndex
        else { return (unquoted, reply) }
        // Text continues below the quote: gather every unquoted fragment.
        var kept = Array(lines[newStart..<found.line])
        kept += interleavedLines(lines[endOfQuoteBlock(lines, found.line)...])
        var hi = kept.count
        while hi > 0 && TextLines.isBlank(kept[hi - 1]) { hi -= 1 }
        let all = kept[0..<hi]
        return (TextLines.text(all), TextLines.text(all[0..<ReplyParser.hardSignatureStart(all, from: 0, to: hi)]))
    }

    /// Discourse's trimming: quotes that have the sender's text below them stay (they give it context); the
    /// trailing quoted history, intro lines, header blocks, mobile footers and anything after a delimiter go. A
    /// message of nothing but quotes is kept as it is.
    package static func discourseTrimmed(_ text: String) -> String {
        let lines = ReplyParser.lines(text)
        enum Mark { case text, blank, quote, intro }
        var marked: [(Substring, Mark)] = []
        var i = 0
        scan: while i < lines.count {
            let l = lines[i]
            let t = TextLines.trimmed(l)
            if TextLines.isBlank(l) {
                marked.append((l, .blank))
            } else if TextLines.firstByte(l) == 0x3E {
                marked.append((l, .quote))
            } else if i > 0 && ReplyParser.isDelimiter(t) {
                break scan
            } else if ReplyParser.headerBlock(lines[...], at: i) || ReplyParser.separatorKind(l) != nil {
                break scan
            } else if let end = ReplyParser.attributionEnd(lines[...], i) {
                for k in i..<end { marked.append((lines[k], .intro)) }
                i = end
                continue
            } else if TextLines.firstByte(l) == 0x2D, ReplyParser.dashedAttribution(l) {
                marked.append((l, .intro))
            } else if !ReplyParser.isMobileFooter(t) {
                marked.append((l, .text))
            }
            i += 1
        }
        guard marked.contains(where: { $0.1 == .text }) else {
            // Only quotes: keep those that say something, not quoted intro lines or bare ">" markers.
            func content(_ l: Substring) -> Substring {
                var t = TextLines.trimmed(l)
                while let f = t.first, f == ">" || f == " " { t = t.dropFirst() }
                return t
            }
            let said = marked.filter {
                $0.1 == .quote && !content($0.0).isEmpty && !ReplyParser.isAttribution(String(content($0.0)))
            }
            if said.isEmpty { return "" }
            return TextLines.text(ArraySlice(marked.filter { $0.1 == .quote || $0.1 == .blank }.map(\.0)))
        }
        var hi = marked.count
        while hi > 0 && marked[hi - 1].1 != .text { hi -= 1 }
        let kept = marked[0..<hi].filter { $0.1 != .intro }.map(\.0)
        return TextLines.text(ArraySlice(kept))
    }

    /// The original github parser's visible text (and fiedl's ExtendedEmailReplyParser): only the trailing quoted
    /// history (and a signature block) is hidden; quotes with the sender's text below them stay, intro lines
    /// included.
    package static func githubVisibleText(_ text: String) -> String {
        let all = ReplyParser.lines(text)[...]
        var slice = all
        var end = all.endIndex
        var blocks = 0
        while blocks < 2000 {
            blocks += 1
            guard let b = ReplyParser.findBoundary(slice) else { break }
            guard b.kind == .quoteMarker || b.kind == .attribution else {
                end = b.line
                break
            }
            let j = max(endOfQuoteBlock(slice, b.line), b.line + 1)
            if j >= slice.endIndex {
                end = b.line
                break
            }
            slice = slice[j...]
        }
        var hi = end
        while hi > all.startIndex && TextLines.isBlank(all[hi - 1]) { hi -= 1 }
        var lo = all.startIndex
        while lo < hi && TextLines.isBlank(all[lo]) { lo += 1 }
        guard lo < hi else { return "" }
        return TextLines.text(all[lo..<ReplyParser.hardSignatureStart(all, from: lo, to: hi)])
    }

    /// fiedl's parser given an HTML-only message: the new content as the sender's HTML, markup and entities as
    /// written (what `<body>` holds up to the first quoted-history element).
    package static func fiedlReplyHTML(_ parts: EmailExtractor.Parts) -> String? {
        guard let html = parts.html else { return nil }
        let u = html.source.utf8
        let lo = u.index(u.startIndex, offsetBy: html.htmlBeforeQuoteRange.lowerBound)
        let hi = u.index(u.startIndex, offsetBy: html.htmlBeforeQuoteRange.upperBound)
        return String(Substring(u[lo..<hi]))
    }

    /// The languages EdgeTier's cut_off_at_signature finds sign-offs in: its documentation names English,
    /// French, German, Romanian, Spanish and Italian, and its sign-off pattern also has Polish.
    package static let edgeTierSignOffs = signOffTable(languages: ["en", "fr", "de", "ro", "es", "it", "pl"])

    /// The sign-offs of these languages (codes of the sign-off tables, "en", "de") by bytes.
    static func signOffTable(languages: [String]) -> ByteTable {
        ByteTable(languages.flatMap { (Patterns.shared.signOffsByLanguage[$0] ?? []).sorted() })
    }

    /// EdgeTier's cut_off_at_signature: the text up to the first sign-off ("Best wishes,") and, with `include`,
    /// the sign-off and the name under it; leading mobile footers and gateway banners are dropped. Without a
    /// sign-off it is the reply without signature block. `text` is the unquoted body. `languages` (codes of the
    /// sign-off tables) limits which sign-offs count; nil counts every language.
    package static func edgeTierCut(_ text: String, include: Bool, languages: [String]? = nil) -> String {
        edgeTierCut(text, include: include, table: languages.map(signOffTable))
    }

    /// `edgeTierCut` with the sign-offs given as a table; nil counts every language.
    package static func edgeTierCut(_ text: String, include: Bool, table: ByteTable?) -> String {
        let lines = TextLines.split(text)
        var start = 0
        while start < lines.count {
            let t = TextLines.trimmed(lines[start])
            if TextLines.isBlank(lines[start]) || ReplyParser.isMobileFooter(t)
                || TextLines.containsFolded(t, Patterns.shared.bannerNeedles)
            {
                start += 1
                continue
            }
            break
        }
        guard start < lines.count else { return "" }
        var i = start + 1
        while i < lines.count {
            let t = TextLines.trimmed(lines[i])
            if ReplyParser.isSignOff(t, table: table) {
                guard include else { return TextLines.text(lines[start..<i]) }
                var end = i + 1
                var k = end
                while k < lines.count && TextLines.isBlank(lines[k]) { k += 1 }
                if k < lines.count {
                    let n = TextLines.trimmed(lines[k])
                    let words = n.split(separator: " ").count
                    if words <= 4, n.utf8.count <= 40, let last = n.last, !".?!:;".contains(last),
                        !ReplyParser.isMobileFooter(n), !ReplyParser.isSignOff(n, table: table),
                        !ReplyParser.isDelimiter(n), ReplyParser.headerKey(lines[k]) == nil, !n.utf8.contains(0x40)
                    {
                        end = k + 1
                    }
                }
                return TextLines.text(lines[start..<end])
            }
            if ReplyParser.isDelimiter(t) || ReplyParser.isMobileFooter(t) { return TextLines.text(lines[start..<i]) }
            i += 1
        }
        return TextLines.text(lines[start...])
    }

    /// The first line after a quoted block: attribution lines, ">" lines and blank lines are skipped. A block
    /// without any ">" line is unmarked history that runs to the end, so the end of `lines` is returned for it.
    static func endOfQuoteBlock(_ lines: ArraySlice<Substring>, _ start: Int) -> Int {
        var j = start
        if j < lines.endIndex, TextLines.firstByte(lines[j]) == 0x2D, ReplyParser.dashedAttribution(lines[j]) { j += 1 }
        var quoted = false
        while j < lines.endIndex {
            let l = lines[j]
            if TextLines.isBlank(l) {
                j += 1
                continue
            }
            if TextLines.firstByte(l) == 0x3E {
                quoted = true
                j += 1
                continue
            }
            // A long line the client wrapped without its ">" (a link, say) stays in the quote.
            if j > start, j + 1 < lines.endIndex, TextLines.firstByte(lines[j - 1]) == 0x3E,
                TextLines.firstByte(lines[j + 1]) == 0x3E
            {
                j += 1
                continue
            }
            if !quoted, let end = ReplyParser.attributionEnd(lines, j) {
                j = end
                continue
            }
            break
        }
        return quoted ? j : lines.endIndex
    }

    /// Lines outside quoted blocks, from `lines` on; stops for good at a header block or separator (history
    /// that is not ">"-quoted has no end marker).
    static func interleavedLines(_ lines: ArraySlice<Substring>) -> [Substring] {
        var out: [Substring] = []
        var slice = lines
        // Past this many quoted blocks the rest is taken as history: a bound on work for absurd inputs.
        var blocks = 0
        while !slice.isEmpty && blocks < 2000 {
            blocks += 1
            guard let b = ReplyParser.findBoundary(slice) else {
                out += slice
                break
            }
            out += slice[slice.startIndex..<b.line]
            guard b.kind == .quoteMarker || b.kind == .attribution else { break }
            // Always move on: a dashed attribution ("---- On … wrote ----") is not skipped by endOfQuoteBlock.
            let j = max(endOfQuoteBlock(slice, b.line), b.line + 1)
            if j >= slice.endIndex { break }
            slice = slice[j...]
        }
        return out
    }
}

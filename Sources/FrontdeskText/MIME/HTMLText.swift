/// HTML to plain text for HTML-only mail. Not a browser: tags are dropped, block elements become line breaks,
/// entities are decoded, and the first element that marks quoted history is remembered.
public enum HTMLText {
    /// The visible text, and the text before the first quoted-history element (nil when there is none).
    public struct Result: Sendable {
        public var text: String
        public var beforeQuote: String?
        /// The converted HTML and, as UTF-8 offsets into it, where the new content's own markup lies: what
        /// `<body>` holds (the whole input without a body tag) up to the first quoted-history element, outer
        /// whitespace trimmed. Found in the same pass; only the evaluation cuts the markup out.
        package let source: String
        package let htmlBeforeQuoteRange: Range<Int>
    }

    static let blockTags: Set<String> = [
        "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
        "hr", "section", "article", "header", "footer", "dl", "dt", "dd", "address", "center", "form", "tbody", "thead",
    ]
    static let skipTags: Set<String> = ["style", "script", "head", "title", "xml", "template"]
    /// Block and skipped tag names by bytes; ids below `blockTagCount` are block tags, the rest skipped ones.
    static let tagTable = ByteTable(blockTags.sorted() + skipTags.sorted())
    static let blockTagCount = blockTags.count

    /// Converts `html`; runs in one pass over the bytes.
    public static func convert(_ html: String) -> Result {
        let b = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var quoteAt: Int? = nil
        var bodyStart = 0
        var sourceQuoteAt: Int? = nil
        var i = 0
        var skipUntil: Int? = nil  // the tag table id of the skipped element
        var preDepth = 0
        func newline() {
            // Collapse to at most one blank line.
            var n = 0
            var k = out.count - 1
            while k >= 0 && (out[k] == ASCII.space) {
                out.removeLast()
                k -= 1
            }
            k = out.count - 1
            while k >= 0 && out[k] == ASCII.lineFeed {
                n += 1
                k -= 1
            }
            if out.isEmpty || n >= 2 { return }
            out.append(ASCII.lineFeed)
        }
        while i < b.count {
            let c = b[i]
            if c == ASCII.lessThan {  // <
                // Comments and declarations.
                if i + 3 < b.count && b[i + 1] == ASCII.exclamationMark && b[i + 2] == ASCII.hyphen
                    && b[i + 3] == ASCII.hyphen
                {
                    var j = i + 4
                    while j + 2 < b.count
                        && !(b[j] == ASCII.hyphen && b[j + 1] == ASCII.hyphen && b[j + 2] == ASCII.greaterThan)
                    { j += 1 }
                    i = min(b.count, j + 3)
                    continue
                }
                var j = i + 1
                var quote: UInt8 = 0
                while j < b.count {
                    let d = b[j]
                    if quote != 0 {
                        if d == quote { quote = 0 }
                    } else if d == ASCII.quotationMark || d == ASCII.apostrophe {
                        quote = d
                    } else if d == ASCII.greaterThan {
                        break
                    }
                    j += 1
                }
                if j >= b.count {
                    // Unclosed "<": treat as text.
                    out.append(c)
                    i += 1
                    continue
                }
                let tag = b[(i + 1)..<j]
                let tagStart = i
                i = j + 1
                var k = tag.startIndex
                let closing = k < tag.endIndex && tag[k] == ASCII.slash
                if closing { k += 1 }
                var nameEnd = k
                while nameEnd < tag.endIndex, isNameByte(tag[nameEnd]) { nameEnd += 1 }
                // Tag names are short: lower-cased into a small buffer, they make a String without a heap copy.
                let (name, tagID): (String, Int?) = withUnsafeTemporaryAllocation(
                    of: UInt8.self, capacity: max(1, nameEnd - k)
                ) { buf in
                    var n = 0
                    for x in tag[k..<nameEnd] {
                        buf[n] = TextLines.lowerByte(x)
                        n += 1
                    }
                    let bytes = UnsafeBufferPointer(rebasing: buf[0..<n])
                    return (String(decoding: bytes, as: UTF8.self), tagTable.id(of: bytes))
                }
                if let until = skipUntil {
                    if closing && tagID == until { skipUntil = nil }
                    continue
                }
                if !closing, let id = tagID, id >= blockTagCount, tag.last != ASCII.slash {
                    skipUntil = id
                    continue
                }
                if name == "pre" { preDepth += closing ? -1 : 1 }
                if name == "body" {
                    if closing {
                        if sourceQuoteAt == nil { sourceQuoteAt = tagStart }
                    } else if sourceQuoteAt == nil {
                        bodyStart = i
                    }
                }
                if !closing && quoteAt == nil && marksQuote(name: name, attributes: tag[nameEnd...]) {
                    newline()
                    quoteAt = out.count
                    sourceQuoteAt = tagStart
                }
                if let id = tagID, id < blockTagCount {
                    if name == "br" {
                        while let last = out.last, last == ASCII.space { out.removeLast() }
                        out.append(ASCII.lineFeed)
                    } else {
                        newline()
                    }
                } else if name == "td" || name == "th" {
                    if let last = out.last, last != ASCII.lineFeed && last != ASCII.space { out.append(ASCII.space) }
                }
                continue
            }
            if skipUntil != nil {
                i += 1
                continue
            }
            if c == ASCII.ampersand {  // &
                if let (scalar, next) = entity(b, at: i) {
                    if scalar == "\u{00A0}" {
                        out.append(ASCII.space)
                    } else {
                        UTF8.encode(scalar) { out.append($0) }
                    }
                    i = next
                    continue
                }
            }
            if preDepth <= 0 && (c == ASCII.lineFeed || c == ASCII.carriageReturn || c == ASCII.tab || c == ASCII.space)
            {
                // Whitespace collapses outside <pre>.
                if let last = out.last, last != ASCII.space && last != ASCII.lineFeed { out.append(ASCII.space) }
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        let text = String(decoding: out, as: UTF8.self)
        let before = quoteAt.map { String(decoding: out[0..<$0], as: UTF8.self) }
        var lo = bodyStart
        var hi = max(lo, sourceQuoteAt ?? b.count)
        while lo < hi && b[lo] <= ASCII.space { lo += 1 }
        while hi > lo && b[hi - 1] <= ASCII.space { hi -= 1 }
        return Result(
            text: trimLines(text), beforeQuote: before.map(trimLines), source: html, htmlBeforeQuoteRange: lo..<hi)
    }

    @inline(__always) static func isNameByte(_ c: UInt8) -> Bool {
        ASCII.isLetter(c)
            || ASCII.isDigit(c) || c == ASCII.colon || c == ASCII.hyphen
    }

    /// Elements that mail clients use to wrap quoted history.
    static func marksQuote(name: String, attributes: ArraySlice<UInt8>) -> Bool {
        if name == "blockquote" { return true }
        guard name == "div" || name == "hr" || name == "span" || name == "table" else { return false }
        return attributes.withContiguousStorageIfAvailable { a in
            if TextLines.containsFolded(a, quoteMarkers) { return true }
            // Outlook's reply divider: <div style="border:none;border-top:solid #E1E1E1 1.0pt...">.
            return name == "div" && TextLines.containsFolded(a, outlookBorder)
                && TextLines.containsFolded(a, outlookPadding)
        } ?? false
    }

    /// Class, id and name values that mail clients give the element wrapping quoted history (compared without case).
    static let quoteMarkers = FoldedNeedles([
        "gmail_quote", "yahoo_quoted", "moz-cite-prefix", "divrplyfwdmsg", "appendonsend", "outlookmessageheader",
        "zmail_extra", "protonmail_quote", "stopspelling", "mail-reply-to", "applemailquote", "quote_container",
        "reply-container", "x_divrplyfwdmsg", "oldmessage",
        // GMX and web.de wrap the quoted message in <div name="quote">.
        "name=\"quote\"", "name='quote'",
    ])
    static let outlookBorder = FoldedNeedles(["border-top:solid"])
    static let outlookPadding = FoldedNeedles(["padding:3.0pt"])

    static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "copy": "©", "reg": "®",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "bull": "•",
        "middot": "·", "eacute": "é", "egrave": "è", "ecirc": "ê", "aacute": "á", "agrave": "à", "acirc": "â",
        "iacute": "í", "oacute": "ó", "uacute": "ú", "ntilde": "ñ", "ccedil": "ç", "auml": "ä", "ouml": "ö",
        "uuml": "ü", "szlig": "ß", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "Eacute": "É", "euro": "€", "pound": "£",
        "trade": "™", "zwnj": "\u{200C}", "zwj": "\u{200D}", "shy": "\u{00AD}", "laquo": "«", "raquo": "»",
        "iexcl": "¡", "iquest": "¿", "deg": "°", "times": "×", "aring": "å", "oslash": "ø", "aelig": "æ",
    ]

    /// Decodes `&name;`, `&#123;`, `&#x1F;` at `i`.
    static func entity(_ b: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        var j = i + 1
        let limit = min(b.count, i + 12)
        while j < limit && b[j] != ASCII.semicolon { j += 1 }
        guard j < limit, j > i + 1 else { return nil }
        let body = b[(i + 1)..<j]
        if body.first == ASCII.numberSign {
            let digits = body.dropFirst()
            let value: UInt32?
            if let f = digits.first, f == ASCII.smallX || f == ASCII.capitalX {
                value = UInt32(String(decoding: digits.dropFirst(), as: UTF8.self), radix: 16)
            } else {
                value = UInt32(String(decoding: digits, as: UTF8.self))
            }
            guard let v = value, let scalar = Unicode.Scalar(v) else { return nil }
            return (scalar, j + 1)
        }
        guard let scalar = named[String(decoding: body, as: UTF8.self)] else { return nil }
        return (scalar, j + 1)
    }

    static func trimLines(_ s: String) -> String {
        // Byte path: Character-wise splitting costs far more, and without "\r" lines split the same on bytes.
        if !s.utf8.contains(ASCII.carriageReturn) {
            let bytes = Array(s.utf8)
            var ranges: [Range<Int>] = []
            var start = 0
            for k in 0...bytes.count where k == bytes.count || bytes[k] == ASCII.lineFeed {
                var end = k
                while end > start && (bytes[end - 1] == ASCII.space || bytes[end - 1] == ASCII.tab) { end -= 1 }
                ranges.append(start..<end)
                start = k + 1
            }
            func blank(_ r: Range<Int>) -> Bool { bytes[r].allSatisfy { $0 == ASCII.space } }
            var lo = 0
            var hi = ranges.count
            while lo < hi && blank(ranges[lo]) { lo += 1 }
            while hi > lo && blank(ranges[hi - 1]) { hi -= 1 }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for n in lo..<hi {
                var r = ranges[n]
                // One leading space goes, unless a combining mark makes it part of a larger character.
                if r.count > 0 && bytes[r.lowerBound] == ASCII.space
                    && (r.count == 1 || bytes[r.lowerBound + 1] < ASCII.upperBound
                        || String(decoding: bytes[r], as: UTF8.self).hasPrefix(" "))
                {
                    r = (r.lowerBound + 1)..<r.upperBound
                }
                if n > lo { out.append(ASCII.lineFeed) }
                out.append(contentsOf: bytes[r])
            }
            return String(decoding: out, as: UTF8.self)
        }
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingTrailingSpaces()
        }
        while let f = lines.first, f.allSatisfy({ $0 == " " }) { lines.removeFirst() }
        while let l = lines.last, l.allSatisfy({ $0 == " " }) { lines.removeLast() }
        return lines.map { $0.hasPrefix(" ") ? String($0.dropFirst()) : String($0) }.joined(separator: "\n")
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var s = self
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return s
    }
}

import Foundation
import FrontdeskCore

/// Finds a forwarded message inside a body: Gmail's "---------- Forwarded message ---------", Apple Mail's
/// "Begin forwarded message:", Outlook's header blocks (From/Sent/To/Subject in many languages), Thunderbird's
/// "-------- Original Message --------", and "On … wrote:" when the subject says it is a forward.
public enum ForwardParser {
    /// Everything known about one forwarded message.
    public struct Details: Sendable, Equatable {
        /// The forwarder's own note above the forwarded message.
        public var note: String = ""
        public var fromName: String?
        public var fromAddress: String?
        public var fromRaw: String?
        public var date: String?
        public var subject: String?
        public var toRaw: String?
        public var ccRaw: String?
        /// Recipients, parsed on demand (the extractor itself never needs them).
        public var to: [MailAddress] { toRaw.map(ForwardParser.addressList) ?? [] }
        public var cc: [MailAddress] { ccRaw.map(ForwardParser.addressList) ?? [] }
        public var replyToRaw: String?
        public var body: String = ""
        /// From the first header line (or intro line) to the end, as the client showed it.
        public var embeddedBlock: String = ""
        /// Unquoted text after a quoted forward (Apple Mail users sometimes write below it).
        public var textBottom: String = ""
        /// How many forwards were unwrapped to reach this one (1 = a single forward).
        public var depth: Int = 1
    }

    static var patterns: Patterns { Patterns.shared }

    /// True when `subject` starts with a forward prefix such as "Fwd:", "FW:", "TR:", "WG:", "RV:".
    public static func subjectLooksForwarded(_ subject: String?) -> Bool {
        guard let subject else { return false }
        let l = TextLines.lower(subject.prefix(40))
        guard let colon = l.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return false }
        let head = l[..<colon].trimmingScalars { $0 == " " || $0 == "[" || $0 == "]" }
        return patterns.subjectForwardPrefixes.contains(head)
    }

    /// Parses `text`; `subject` (when known) decides whether a quoted header block is a forward or a reply.
    public static func parse(_ text: String, subject: String?) -> Details? {
        let lines = TextLines.split(text)
        return parse(lines: lines[...], subject: subject, depth: 1)
    }

    static func parse(
        lines: ArraySlice<Substring>, subject: String?, depth: Int,
        boundary known: (line: Int, kind: ReplyParser.Boundary)?? = nil
    ) -> Details? {
        guard let boundary = known ?? ReplyParser.findBoundary(lines) else { return nil }
        let before = TextLines.text(lines[lines.startIndex..<boundary.line])
        let forwardedSubject = subjectLooksForwarded(subject)
        switch boundary.kind {
        case .forwardMarker: break
        case .headerBlock, .separator:
            // Without a subject to go by, a full header block is taken as a forward (replies say "Re:").
            guard forwardedSubject || before.isEmpty || subject == nil else { return nil }
        case .attribution, .quoteMarker:
            guard forwardedSubject else { return nil }
        }
        guard var details = unwrap(lines: lines[boundary.line...], depth: depth) else { return nil }
        details.note = before
        // "On … wrote:" intros carry no subject; the forward's own subject, minus "Fwd:", is the best guess.
        if details.subject == nil, forwardedSubject, let subject,
            let colon = subject.firstIndex(where: { $0 == ":" || $0 == "：" })
        {
            details.subject = String(TextLines.trimmed(subject[subject.index(after: colon)...]))
        }
        return details
    }

    /// Parses from the intro (marker, divider, header block or attribution) to the end.
    static func unwrap(lines: ArraySlice<Substring>, depth: Int) -> Details? {
        var current = lines
        // Text written below a quoted forward; the innermost that has any is kept.
        var bottom = ""
        for _ in 0..<maxQuoteLevels {
            var i = current.startIndex
            // Skip marker, divider and blank lines before the headers.
            while i < current.endIndex {
                let l = current[i]
                guard
                    TextLines.isBlank(l) || ReplyParser.isDivider(l)
                        || (ReplyParser.headerKey(l) == nil && ReplyParser.separatorKind(l) != nil)
                else { break }
                i += 1
            }
            guard i < current.endIndex else { return nil }
            guard TextLines.firstByte(current[i]) == ASCII.greaterThan else {
                guard var d = unwrapHeaders(current, from: i, depth: depth) else { return nil }
                if d.textBottom.isEmpty { d.textBottom = bottom }
                return d
            }
            // A quoted forward: remove one level of quoting and look again (a loop, so deep quoting costs no stack).
            let (inner, below) = dequote(current[i...])
            if !below.isEmpty { bottom = below }
            current = inner[...]
        }
        return nil
    }

    /// Quoting deeper than this around a forward is not a mail client's; such input is not unwrapped.
    static let maxQuoteLevels = 100

    /// `unwrap` from the intro at `i` (marker, divider and quoting already passed).
    private static func unwrapHeaders(_ lines: ArraySlice<Substring>, from start: Int, depth: Int) -> Details? {
        var i = start
        var d = Details()
        d.depth = depth
        let headerStart = i
        if let end = ReplyParser.attributionEnd(lines, i) {
            parseAttribution(TextLines.joined(lines[i..<end]), into: &d)
            i = end
        } else if ReplyParser.headerKey(lines[i]) != nil {
            var lastField: Int? = nil
            // By field (Patterns.fieldNames): an array, not a dictionary hashing "from" and "subject" each time.
            var values = [String?](repeating: nil, count: Patterns.fieldNames.count)
            while i < lines.endIndex {
                let l = lines[i]
                if TextLines.isBlank(l) { break }
                if let (id, value) = headerLine(l) {
                    let field = patterns.headerWordField[id]
                    if values[field] == nil { values[field] = value }
                    lastField = field
                } else if let field = lastField, Self.wrappingFields.contains(field),
                    i + 1 < lines.endIndex, ReplyParser.headerKey(lines[i + 1]) != nil
                {
                    // A long value wrapped onto the next line.
                    values[field] = (values[field] ?? "") + " " + TextLines.trimmed(l)
                    lastField = nil
                } else {
                    break
                }
                i += 1
            }
            apply(values, to: &d)
        } else {
            return nil
        }
        d.embeddedBlock = TextLines.text(lines[headerStart...])
        // Body: after the headers; an all-quoted or all-indented body is unwrapped.
        while i < lines.endIndex && TextLines.isBlank(lines[i]) { i += 1 }
        var bodyLines = lines[i...]
        var anyText = false
        var allQuoted = true
        var allIndented = true
        for l in bodyLines where !TextLines.isBlank(l) {
            anyText = true
            let u = l.utf8
            if u.first != ASCII.greaterThan { allQuoted = false }
            if !(u.first == ASCII.tab || u.starts(with: Self.fourSpaces)) { allIndented = false }
            if !allQuoted && !allIndented { break }
        }
        if anyText && allQuoted {
            bodyLines = dequote(bodyLines).inner[...]
        } else if anyText && allIndented {
            bodyLines =
                bodyLines.map { l in
                    if l.utf8.first == ASCII.tab { return l.dropFirst() }
                    return l.utf8.starts(with: Self.fourSpaces) ? l.dropFirst(4) : l
                }[...]
        }
        // Nested forward: the body is itself nothing but another forward.
        if depth < 8, let inner = ReplyParser.findBoundary(bodyLines),
            bodyLines[bodyLines.startIndex..<inner.line].allSatisfy(TextLines.isBlank),
            inner.kind == .forwardMarker || inner.kind == .headerBlock || inner.kind == .separator,
            let nested = unwrap(lines: bodyLines[inner.line...], depth: depth + 1)
        {
            return nested
        }
        d.body = TextLines.text(bodyLines)
        return d
    }

    static let fourSpaces: [UInt8] = [ASCII.space, ASCII.space, ASCII.space, ASCII.space]

    /// Fields whose long values mail clients wrap onto the next line.
    static let wrappingFields = ["subject", "to", "cc", "from"].map(Patterns.field)

    /// Splits "Key: value" (with "*Key:*" bold and full-width colons) into the header word's id and the value.
    static func headerLine(_ l: Substring) -> (Int, String)? {
        guard let (_, _, key) = ReplyParser.headerKey(l) else { return nil }
        let t = TextLines.trimmed(l)
        if let found = t.utf8.withContiguousStorageIfAvailable({ headerValue($0) }) {
            return found.map { (key, $0) }
        }
        var copy = String(t)
        return copy.withUTF8 { headerValue($0) }.map { (key, $0) }
    }

    /// What follows the first ":" or full-width "：" (EF BC 9A) without bold marks, spaces, tabs or NBSP (C2 A0).
    static func headerValue(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        let colon = TextLines.firstColon(b, from: 0, within: b.count)
        guard colon >= 0 else { return nil }
        var v = colon + (b[colon] == ASCII.colon ? 1 : 3)
        while v < b.count {
            let x = b[v]
            if x == ASCII.asterisk || x == ASCII.space || x == ASCII.tab {
                v += 1
            } else if UTF8Bytes.has(UTF8Bytes.noBreakSpace, at: v, in: b, within: 0..<b.count) {
                v += UTF8Bytes.noBreakSpace.count
            } else {
                break
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: b[v...]), as: UTF8.self)
    }

    static func apply(_ values: [String?], to d: inout Details) {
        if let from = values[Self.fromField] {
            d.fromRaw = from
            let m = mailbox(from)
            d.fromName = m.name
            d.fromAddress = m.address
        }
        d.date = values[Self.fields.date]
        d.subject = values[Self.fields.subject]
        d.toRaw = values[Self.fields.to]
        d.ccRaw = values[Self.fields.cc]
        d.replyToRaw = values[Self.fields.replyTo]
    }

    static let fromField = Patterns.field("from")
    static let fields = (
        date: Patterns.field("date"), subject: Patterns.field("subject"), to: Patterns.field("to"),
        cc: Patterns.field("cc"), replyTo: Patterns.field("reply_to")
    )

    /// Outlook writes "Name [mailto:a@b]" and Exchange "Name <a@b<mailto:a@b>>"; both mean Name and a@b.
    static func mailbox(_ raw: String) -> (name: String?, address: String?) {
        var s = raw
        if TextLines.contains(s, "mailto:") {
            // Exchange: "Name<mailto:a@b> <a@b<mailto:a@b>>"; Outlook: "Name [mailto:a@b]".
            s = TextLines.removingSpans(s, open: "<mailto:", close: ASCII.greaterThan)
            s = TextLines.removingSpans(s, open: "[mailto:", close: ASCII.rightSquareBracket)
        }
        // Outlook: "Name <a@b> on behalf of c@d": the person is the first mailbox.
        if let r = TextLines.range(of: " on behalf of ", in: Substring(s)) {
            s = String(s[..<r.lowerBound])
        }
        guard let m = MIMEHeaders.mailbox(s) else { return (nil, nil) }
        var address: String? = m.address.isEmpty ? nil : m.address
        var name = m.name
        if address == nil, let n = name, n.contains("@"), !n.contains(" ") {
            address = n
            name = nil
        }
        if let n = name, let a = address, n == a { name = nil }
        if address == nil, let open = TextLines.range(of: "mailto:", in: Substring(raw)) {
            let rest = raw[open.upperBound...].prefix { $0 != "]" && $0 != ">" && $0 != " " }
            address = String(rest)
        }
        return (name, address)
    }

    /// A recipient list as a mail client displays it. Names may hold unquoted commas ("Bessie, Berry <b@x>"), so a
    /// comma or semicolon ends an entry only once the entry holds an address.
    static func addressList(_ raw: String) -> [MailAddress] {
        var cleaned = raw
        if cleaned.contains("mailto:") {
            cleaned = TextLines.removingSpans(cleaned, open: "<mailto:", close: ASCII.greaterThan)
            cleaned = TextLines.removingSpans(cleaned, open: "[mailto:", close: ASCII.rightSquareBracket) {
                "<" + $0 + ">"
            }
        }
        var items: [String] = []
        var current = ""
        var angle = 0
        var quote: Character? = nil
        for ch in cleaned {
            if let q = quote {
                current.append(ch)
                if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "\"": quote = "\""
            case "<": angle += 1
            case ">": angle = max(0, angle - 1)
            default: break
            }
            if (ch == "," || ch == ";") && angle == 0 && current.contains("@") {
                items.append(current)
                current = ""
                continue
            }
            current.append(ch)
        }
        items.append(current)
        return items.compactMap { item in
            guard var m = MIMEHeaders.mailbox(item) else { return nil }
            if var n = m.name {
                // 'Bessie, Berry' and "'a@b'": single quotes are the client's, not part of the name.
                if n.count >= 2, n.hasPrefix("'"), n.hasSuffix("'") { n = String(n.dropFirst().dropLast()) }
                m.name = n.isEmpty ? nil : n
            }
            if m.address.isEmpty, let n = m.name, n.contains("@"), !n.contains(" ") {
                m.address = n
                m.name = nil
            }
            if let n = m.name, n == m.address { m.name = nil }
            if m.address.isEmpty && m.name == nil { return nil }
            return m
        }
    }

    /// "On 28/10/2021 12:46, "John Doe" <john.doe@acme.com> wrote:" gives the name, address and date; so do
    /// "John Doe (john.doe@acme.com) ezt írta:" and "Dnia …, 12:46 użytkownik „John Doe” <a@b> napisał:".
    static func parseAttribution(_ text: String, into d: inout Details) {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        var addressRange: Range<String.Index>? = nil
        if let lt = flat.lastIndex(of: "<"), let gt = flat[lt...].firstIndex(of: ">") {
            addressRange = lt..<flat.index(after: gt)
            d.fromAddress = String(flat[flat.index(after: lt)..<gt])
        } else if let lp = flat.lastIndex(of: "("), let rp = flat[lp...].firstIndex(of: ")"),
            flat[lp..<rp].contains("@")
        {
            addressRange = lp..<flat.index(after: rp)
            d.fromAddress = String(flat[flat.index(after: lp)..<rp])
        }
        guard let range = addressRange else { return }
        var head = TextLines.strip(flat[..<range.lowerBound])
        // "John Doe (<a@b>)": the bracket left open before the address.
        if head.hasSuffix("(") { head = TextLines.strip(head.dropLast()) }
        let closers: [Character: Character] = ["\"": "\"", "»": "«", "”": "„", "'": "'", "“": "”"]
        if let last = head.last, let opener = closers[last] {
            let inner = head.dropLast()
            var open = inner.lastIndex(of: opener)
            if open == nil, last == "”" { open = inner.lastIndex(of: "“") }
            if let q = open {
                d.fromName = TextLines.strip(inner[inner.index(after: q)...])
                d.date = cleanDate(String(inner[..<q]))
                return
            }
        }
        if let comma = head.lastIndex(of: ","), !head[comma...].contains(where: { $0.isNumber }) {
            d.fromName = TextLines.strip(head[head.index(after: comma)...])
            d.date = cleanDate(String(head[..<comma]))
            return
        }
        // No quotes or comma: the name is the run of capitalised words right before the address.
        let words = head.split(separator: " ")
        var k = words.endIndex
        while k > words.startIndex, let f = words[k - 1].first, f.isUppercase,
            !words[k - 1].contains(where: { $0.isNumber })
        {
            k -= 1
        }
        if k < words.endIndex { d.fromName = words[k...].joined(separator: " ") }
    }

    static func cleanDate(_ s: String) -> String {
        var t = s.trimmingScalars { $0 == " " || $0 == "," || $0 == "\u{FEFF}" }
        for lead in ["On ", "Le ", "El ", "Am ", "Il ", "Op ", "Em ", "Den "] where t.hasPrefix(lead) {
            t.removeFirst(lead.count)
        }
        return t.trimmingScalars { $0 == " " || $0 == "," }
    }

    /// Removes one level of ">" quoting from the leading quoted run; returns it and the unquoted text after it.
    static func dequote(_ lines: ArraySlice<Substring>) -> (inner: [Substring], bottom: String) {
        var inner: [Substring] = []
        var i = lines.startIndex
        var lastQuoted = i
        while i < lines.endIndex {
            let l = lines[i]
            if l.utf8.first == ASCII.greaterThan {  // ">", then one space, dropped on bytes
                var d = Substring(l.utf8.dropFirst())
                if d.utf8.first == ASCII.space { d = Substring(d.utf8.dropFirst()) }
                inner.append(d)
                lastQuoted = i
            } else if TextLines.isBlank(l) {
                inner.append(l)
            } else if i == lastQuoted + 1 {
                // A wrapped line without its ">" (some clients do this) stays in the quote.
                inner.append(l)
            } else {
                break
            }
            i += 1
        }
        let bottom = TextLines.text(lines[i...])
        return (inner, bottom)
    }
}

// MARK: - Run-on header lines

extension ForwardParser {
    /// Yahoo writes a forward's marker and headers on one line: "----- Forwarded Message ----- From: A <a@x>To: …
    /// Subject: s". Returns the text with such a line broken into a marker line and one line per header field, or
    /// nil when no line needs it. Only lines that start with a dashed forward marker are looked at.
    static func expandRunOnHeaders(_ lines: [Substring]) -> String? {
        // Most bodies have no such line: look before building anything.
        var found: [Int: [String]] = [:]
        for (k, line) in lines.enumerated() where TextLines.firstByte(line) == ASCII.hyphen {
            if let expanded = splitRunOnHeaderLine(line) { found[k] = expanded }
        }
        if found.isEmpty { return nil }
        var out: [String] = []
        var afterExpanded = false
        for (k, line) in lines.enumerated() {
            if let expanded = found[k] {
                out.append(contentsOf: expanded)
                afterExpanded = true
            } else {
                // The body's first line keeps the space that separated it from the run-on headers; drop it.
                out.append(afterExpanded ? String(TextLines.trimmed(line)) : String(line))
                afterExpanded = false
            }
        }
        return out.joined(separator: "\n")
    }

    /// "----- Marker ----- Key: v Key: v" → ["----- Marker -----", "Key: v", …] when the marker is a known forward
    /// marker and the first field is From.
    static func splitRunOnHeaderLine(_ line: Substring) -> [String]? {
        guard line.utf8.count < 2000, line.utf8.count > 20 else { return nil }
        // Cheap byte test first: three leading dashes, a colon somewhere, and text (not dashes) at the end.
        var dashes = 0
        var sawColon = false
        var last: UInt8 = 0
        for b in line.utf8 {
            if dashes >= 0 {
                if b == ASCII.hyphen {
                    dashes += 1
                    continue
                }
                if b == ASCII.space || b == ASCII.tab, dashes == 0 { continue }
                if dashes < 3 { return nil }
                dashes = -1
            }
            // A full-width colon shows by its middle byte, which no ASCII or Latin text has.
            if b == ASCII.colon || b == UTF8Bytes.fullwidthColon[1] { sawColon = true }
            if !TextLines.isSpace(b) { last = b }
        }
        guard sawColon, last != ASCII.hyphen else { return nil }
        // The marker must be a known forward marker: tested on bytes before any scalar array is built.
        let trimmedLine = TextLines.trimmed(line)
        let known =
            trimmedLine.utf8.withContiguousStorageIfAvailable(startsWithForwardMarker)
            ?? Array(trimmedLine.utf8).withUnsafeBufferPointer(startsWithForwardMarker)
        guard known else { return nil }
        // Scalars, not Characters: no grapheme breaking, and every test below looks at one scalar at a time.
        let chars = Array(trimmedLine.unicodeScalars)
        func text(_ r: ArraySlice<Unicode.Scalar>) -> String { TextLines.string(r) }
        var i = 0
        while i < chars.count && chars[i] == "-" { i += 1 }
        guard i >= 3 else { return nil }
        let markerStart = i
        // The marker runs to the next run of three dashes.
        var j = i
        while j + 2 < chars.count && !(chars[j] == "-" && chars[j + 1] == "-" && chars[j + 2] == "-") { j += 1 }
        guard j + 2 < chars.count else { return nil }
        let marker = TextLines.lower(text(chars[markerStart..<j]).trimmingSpaces())
        guard patterns.isForwardMarker(marker) else { return nil }
        var k = j
        while k < chars.count && chars[k] == "-" { k += 1 }
        let markerLine = text(chars[0..<k])
        let rest = chars[k...]
        let base = k
        // Header keys: a known header word, starting with a capital, right before ":" (or " :").
        var starts: [(keyStart: Int, valueStart: Int)] = []
        var c = base
        while c < rest.endIndex {
            if rest[c] == ":" || rest[c] == "：" {
                var keyEnd = c
                if keyEnd > base && rest[keyEnd - 1] == " " { keyEnd -= 1 }
                var s = keyEnd
                var best: Int? = nil
                while s > base && keyEnd - s < 24 {
                    let p = rest[s - 1]
                    guard isLetter(p) || p == " " || p == "-" else { break }
                    s -= 1
                    let u = rest[s]
                    let capital =
                        u.isASCII
                        ? (u.value >= ASCII.capitalA && u.value <= ASCII.capitalZ)
                        : (u.properties.isUppercase || (isLetter(u) && !u.properties.isCased))
                    if capital, patterns.headerTable.id(of: TextLines.lower(text(rest[s..<keyEnd]))) != nil { best = s }
                }
                if let best { starts.append((best, c + 1)) }
            }
            c += 1
        }
        guard let first = starts.first,
            rest[base..<first.keyStart].allSatisfy({ $0 == " " }),
            let firstKey = ReplyParser.headerKey(Substring(text(rest[first.keyStart..<first.valueStart]))),
            firstKey.isFrom, starts.count >= 2
        else { return nil }
        var result = [markerLine]
        for (n, field) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1].keyStart : rest.endIndex
            let key = text(rest[field.keyStart..<field.valueStart])
            let value = text(rest[field.valueStart..<end]).trimmingSpaces()
            result.append(key + " " + value)
        }
        return result
    }

    /// Whether the text between the leading dashes and the next run of three dashes is a known forward marker.
    static func startsWithForwardMarker(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var mi = 0
        while mi < b.count && b[mi] == ASCII.hyphen { mi += 1 }
        var mj = mi
        var run = 0
        while mj < b.count {
            if b[mj] == ASCII.hyphen {
                run += 1
                if run == 3 { break }
            } else {
                run = 0
            }
            mj += 1
        }
        guard run == 3 else { return false }
        var lo = mi
        var hi = mj - 2
        while lo < hi && b[lo] == ASCII.space { lo += 1 }
        while hi > lo && b[hi - 1] == ASCII.space { hi -= 1 }
        let marker = UnsafeBufferPointer(rebasing: b[lo..<hi])
        guard marker.allSatisfy({ $0 < ASCII.upperBound }) else {
            // Non-ASCII markers are lower-cased by Unicode rules.
            return patterns.isForwardMarker(TextLines.lower(String(decoding: marker, as: UTF8.self)))
        }
        guard marker.count <= 120 else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, marker.count)) { buf in
            for (n, x) in marker.enumerated() { buf[n] = TextLines.lowerByte(x) }
            return patterns.isForwardMarker(
                patterns.separatorTable.id(of: UnsafeBufferPointer(rebasing: buf[0..<marker.count])))
        }
    }

    /// Character.isLetter for one scalar: a letter of any general category.
    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        if u.isASCII { return ASCII.isLetter(UInt8(u.value)) }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}

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
        let head = l[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: " []"))
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
        if details.subject == nil, forwardedSubject, let subject, let colon = subject.firstIndex(where: { $0 == ":" || $0 == "：" }) {
            details.subject = String(TextLines.trimmed(subject[subject.index(after: colon)...]))
        }
        return details
    }

    /// Parses from the intro (marker, divider, header block or attribution) to the end.
    static func unwrap(lines: ArraySlice<Substring>, depth: Int) -> Details? {
        var i = lines.startIndex
        // Skip marker, divider and blank lines before the headers.
        while i < lines.endIndex {
            let l = lines[i]
            if TextLines.isBlank(l) || ReplyParser.isDivider(l) || (ReplyParser.headerKey(l) == nil && ReplyParser.separatorKind(l) != nil) {
                i += 1
                continue
            }
            if TextLines.firstByte(l) == 0x3E {
                // A quoted forward: remove one level of quoting and start again.
                let (inner, bottom) = dequote(lines[i...])
                guard var d = unwrap(lines: inner[...], depth: depth) else { return nil }
                if d.textBottom.isEmpty { d.textBottom = bottom }
                return d
            }
            break
        }
        guard i < lines.endIndex else { return nil }
        var d = Details()
        d.depth = depth
        let headerStart = i
        if let end = ReplyParser.attributionEnd(lines, i) {
            parseAttribution(TextLines.joined(lines[i..<end]), into: &d)
            i = end
        } else if ReplyParser.headerKey(lines[i]) != nil {
            var lastField: String? = nil
            var values: [String: String] = [:]
            while i < lines.endIndex {
                let l = lines[i]
                if TextLines.isBlank(l) { break }
                if let (key, value) = headerLine(l), let field = patterns.headerField[key] {
                    if values[field] == nil { values[field] = value }
                    lastField = field
                } else if let field = lastField, field == "subject" || field == "to" || field == "cc" || field == "from",
                    i + 1 < lines.endIndex, ReplyParser.headerKey(lines[i + 1]) != nil
                {
                    // A long value wrapped onto the next line.
                    values[field, default: ""] += (field == "subject" ? " " : " ") + TextLines.trimmed(l)
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
        var bodyLines = Array(lines[i...])
        while let f = bodyLines.first, TextLines.isBlank(f) { bodyLines.removeFirst() }
        let nonBlank = bodyLines.filter { !TextLines.isBlank($0) }
        if !nonBlank.isEmpty && nonBlank.allSatisfy({ $0.hasPrefix(">") }) {
            bodyLines = dequote(bodyLines[...]).inner
        } else if !nonBlank.isEmpty && nonBlank.allSatisfy({ $0.hasPrefix("    ") || $0.hasPrefix("\t") }) {
            bodyLines = bodyLines.map { l in
                if l.hasPrefix("\t") { return l.dropFirst() }
                return l.hasPrefix("    ") ? l.dropFirst(4) : l
            }
        }
        // Nested forward: the body is itself nothing but another forward.
        if depth < 8, let inner = ReplyParser.findBoundary(bodyLines[...]),
            TextLines.text(bodyLines[0..<inner.line]).isEmpty,
            inner.kind == .forwardMarker || inner.kind == .headerBlock || inner.kind == .separator,
            let nested = unwrap(lines: bodyLines[inner.line...], depth: depth + 1)
        {
            return nested
        }
        d.body = TextLines.text(bodyLines[...])
        return d
    }

    /// Splits "Key: value" (with "*Key:*" bold and full-width colons).
    static func headerLine(_ l: Substring) -> (String, String)? {
        guard let (key, _) = ReplyParser.headerKey(l) else { return nil }
        let t = TextLines.trimmed(l)
        guard let colon = t.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        var value = t[t.index(after: colon)...]
        while let f = value.first, f == "*" || f == " " || f == "\t" || f == "\u{00A0}" { value.removeFirst() }
        return (key, String(value))
    }

    static func apply(_ values: [String: String], to d: inout Details) {
        if let from = values["from"] {
            d.fromRaw = from
            let m = mailbox(from)
            d.fromName = m.name
            d.fromAddress = m.address
        }
        d.date = values["date"]
        d.subject = values["subject"]
        d.toRaw = values["to"]
        d.ccRaw = values["cc"]
        d.replyToRaw = values["reply_to"]
    }

    /// Outlook writes "Name [mailto:a@b]" and Exchange "Name <a@b<mailto:a@b>>"; both mean Name and a@b.
    static func mailbox(_ raw: String) -> (name: String?, address: String?) {
        var s = raw
        if TextLines.contains(s, "mailto:") {
            s = s.replacingOccurrences(of: "<mailto:", with: "[mailto:")
            // "a@b[mailto:a@b]>" -> keep the part before the bracket.
            s = s.replacingOccurrences(of: #"\[mailto:[^\]]*\]"#, with: "", options: .regularExpression)
        }
        guard let m = MIMEHeaders.mailbox(s) else { return (nil, nil) }
        var address: String? = m.address.isEmpty ? nil : m.address
        var name = m.name
        if address == nil, let n = name, n.contains("@"), !n.contains(" ") {
            address = n
            name = nil
        }
        if let n = name, let a = address, n == a { name = nil }
        if address == nil, let open = raw.range(of: "mailto:") {
            let rest = raw[open.upperBound...].prefix { $0 != "]" && $0 != ">" && $0 != " " }
            address = String(rest)
        }
        return (name, address)
    }

    static func addressList(_ raw: String) -> [MailAddress] {
        var cleaned = raw
        if cleaned.contains("mailto:") {
            cleaned = cleaned.replacingOccurrences(of: #"<mailto:[^>]*>"#, with: "", options: .regularExpression)
            cleaned = cleaned.replacingOccurrences(of: #"\[mailto:([^\]]*)\]"#, with: "<$1>", options: .regularExpression)
        }
        return MIMEHeaders.addresses(cleaned).compactMap { m in
            var m = m
            if m.address.isEmpty, let n = m.name, n.contains("@") {
                m.address = n
                m.name = nil
            }
            if let n = m.name, n == m.address { m.name = nil }
            return m.address.isEmpty ? nil : m
        }
    }

    /// "On 28/10/2021 12:46, "John Doe" <john.doe@acme.com> wrote:" gives the name, address and date.
    static func parseAttribution(_ text: String, into d: inout Details) {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        if let lt = flat.lastIndex(of: "<"), let gt = flat[lt...].firstIndex(of: ">") {
            d.fromAddress = String(flat[flat.index(after: lt)..<gt])
            var head = flat[..<lt].trimmingCharacters(in: .whitespaces)
            if head.hasSuffix("\"") {
                head.removeLast()
                if let q = head.lastIndex(of: "\"") {
                    d.fromName = String(head[head.index(after: q)...])
                    d.date = cleanDate(String(head[..<q]))
                }
            } else if let comma = head.lastIndex(of: ",") {
                d.fromName = head[head.index(after: comma)...].trimmingCharacters(in: .whitespaces)
                d.date = cleanDate(String(head[..<comma]))
            }
        }
    }

    static func cleanDate(_ s: String) -> String {
        var t = s.trimmingCharacters(in: CharacterSet(charactersIn: " ,\u{FEFF}"))
        for lead in ["On ", "Le ", "El ", "Am ", "Il ", "Op ", "Em ", "Den "] where t.hasPrefix(lead) {
            t.removeFirst(lead.count)
        }
        return t.trimmingCharacters(in: CharacterSet(charactersIn: " ,"))
    }

    /// Removes one level of ">" quoting from the leading quoted run; returns it and the unquoted text after it.
    static func dequote(_ lines: ArraySlice<Substring>) -> (inner: [Substring], bottom: String) {
        var inner: [Substring] = []
        var i = lines.startIndex
        var lastQuoted = i
        while i < lines.endIndex {
            let l = lines[i]
            if l.hasPrefix(">") {
                var d = l.dropFirst()
                if d.hasPrefix(" ") { d = d.dropFirst() }
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

import Foundation

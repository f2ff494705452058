import Foundation
import FrontdeskCore

/// One header field, unfolded; `value` has RFC 2047 encoded words still encoded (see `decodedValue`).
public struct MIMEHeaderField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The value with encoded words decoded.
    public var decodedValue: String { EncodedWords.decode(value) }
}

/// A mailbox from an address list: display name (decoded) and address.
public struct MailAddress: Sendable, Equatable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }
}

/// Header section helpers (RFC 5322 §2.2: fields are "name: value"; a line starting with WSP continues the last).
public enum MIMEHeaders {
    /// Caps keep hostile input bounded: no more than this many fields, each no longer than `maxFieldLength`.
    static let maxFields = 1000
    static let maxFieldLength = 64 * 1024

    /// Parses a header block (bytes before the blank line).
    public static func parse<C: Collection>(_ bytes: C) -> [MIMEHeaderField] where C.Element == UInt8, C.Index == Int {
        if let fields = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0) }) { return fields }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// `parse` over contiguous bytes: memchr finds each line end and colon.
    static func parse(buffer bytes: UnsafeBufferPointer<UInt8>) -> [MIMEHeaderField] {
        var fields: [MIMEHeaderField] = []
        var name: [UInt8] = []
        var value: [UInt8] = []
        var haveField = false
        func flush() {
            guard haveField, fields.count < maxFields else { return }
            let n = TextLines.strip(String(decoding: name, as: UTF8.self))
            let v = TextLines.strip(Charset.decode(value, charset: "utf-8"))
            if !n.isEmpty { fields.append(MIMEHeaderField(name: n, value: v)) }
        }
        guard let base = bytes.baseAddress else { return [] }
        func find(_ byte: UInt8, _ from: Int, _ to: Int) -> Int? {
            guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        var i = 0
        let end = bytes.count
        while i < end {
            let j = find(ASCII.lineFeed, i, end) ?? end
            var lineEnd = j
            if lineEnd > i && bytes[lineEnd - 1] == ASCII.carriageReturn { lineEnd -= 1 }
            if lineEnd > i {
                let first = bytes[i]
                if (first == ASCII.space || first == ASCII.tab) && haveField {
                    // Folded continuation: unfolding removes the CRLF only (RFC 5322 §2.2.3).
                    if value.count < maxFieldLength { value.append(contentsOf: bytes[i..<lineEnd]) }
                } else if let colon = find(ASCII.colon, i, lineEnd) {
                    flush()
                    name = Array(bytes[i..<colon])
                    value = Array(bytes[(colon + 1)..<min(lineEnd, colon + 1 + maxFieldLength)])
                    haveField = true
                }
            }
            i = j + 1
        }
        flush()
        return fields
    }

    /// The first value of `name` (case-insensitive), raw.
    public static func value(_ name: String, in fields: [MIMEHeaderField]) -> String? {
        fields.first { TextLines.equalsFolded($0.name, name) }?.value
    }

    /// Splits `type/subtype; a=b; c="d"` into the lower-cased value and its parameters (RFC 2045 §5.1, RFC 2231 lite).
    public static func parameterized(_ raw: String) -> (value: String, parameters: [String: String]) {
        // Split on bytes: the quote, backslash and semicolon are ASCII, and bytes of other characters pass through.
        var parts: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var escaped = false
        for b in raw.utf8 {
            if escaped {
                current.append(b)
                escaped = false
                continue
            }
            if b == ASCII.backslash && inQuotes {
                escaped = true
                continue
            }
            if b == ASCII.quotationMark {
                inQuotes.toggle()
                continue
            }
            if b == ASCII.semicolon && !inQuotes {
                parts.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                continue
            }
            current.append(b)
        }
        parts.append(String(decoding: current, as: UTF8.self))
        let value = TextLines.lower(parts[0].trimmingBlanks())
        var parameters: [String: String] = [:]
        var continued: [String: [(Int, String)]] = [:]
        for part in parts.dropFirst() {
            guard let eq = part.firstIndex(of: "=") else { continue }
            var key = TextLines.lower(part[..<eq].trimmingBlanks())
            var val = part[part.index(after: eq)...].trimmingBlanks()
            // RFC 2231: name*=charset'lang'percent-encoded, and name*0=, name*1= continuations.
            var extended = false
            if key.hasSuffix("*") {
                key.removeLast()
                extended = true
            }
            if extended, let decoded = rfc2231(val) { val = decoded }
            if let star = key.firstIndex(of: "*"), let n = Int(key[key.index(after: star)...]) {
                continued[String(key[..<star]), default: []].append((n, val))
                continue
            }
            parameters[key] = val
        }
        for (key, pieces) in continued where parameters[key] == nil {
            parameters[key] = pieces.sorted { $0.0 < $1.0 }.map(\.1).joined()
        }
        return (value, parameters)
    }

    static func rfc2231(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return value.removingPercentEncoding }
        var bytes: [UInt8] = []
        var utf8 = Array(pieces[2].utf8)[...]
        while let b = utf8.popFirst() {
            if b == ASCII.percentSign, utf8.count >= 2,
                let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return Charset.decode(bytes, charset: String(pieces[0]))
    }

    /// Parses an address list such as `"Doe, J" <j@x.org>, k@y.org (Kay), Group: a@b.c;`.
    public static func addresses(_ raw: String) -> [MailAddress] {
        var result: [MailAddress] = []
        var current = ""
        var depthAngle = 0
        var inQuotes = false
        var comment = 0
        var items: [String] = []
        for ch in raw {
            if inQuotes {
                current.append(ch)
                if ch == "\"" { inQuotes = false }
                continue
            }
            switch ch {
            case "\"": inQuotes = true
            case "(": comment += 1
            case ")": comment = max(0, comment - 1)
            case "<": depthAngle += 1
            case ">": depthAngle = max(0, depthAngle - 1)
            default: break
            }
            if (ch == "," || ch == ";") && depthAngle == 0 && comment == 0 {
                items.append(current)
                current = ""
                continue
            }
            current.append(ch)
        }
        items.append(current)
        for var item in items {
            // Group syntax "Name: a@b, c@d;" keeps only the members.
            if let colon = item.firstIndex(of: ":"), !item[..<colon].contains("<"), !item[..<colon].contains("\""),
                !item[..<colon].contains("@")
            {
                item = String(item[item.index(after: colon)...])
            }
            if let address = mailbox(item) { result.append(address) }
        }
        return result
    }

    /// Parses one mailbox: `Name <addr>`, `addr (Name)`, `addr`, `"Name" [mailto:addr]`.
    public static func mailbox(_ raw: String) -> MailAddress? {
        var text = String(TextLines.trimmed(Substring(raw)))
        if text.isEmpty { return nil }
        // Delimiters are ASCII: found on bytes, and the parts cut at them are whole characters.
        return text.withUTF8 { b -> MailAddress in
            func part(_ lo: Int, _ hi: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self)
            }
            if let open = b.lastIndex(of: ASCII.lessThan) {
                let close = b[(open + 1)...].firstIndex(of: ASCII.greaterThan) ?? b.count
                let address = String(TextLines.trimmed(Substring(part(open + 1, close))))
                return MailAddress(name: cleanName(part(0, open)), address: stripMailto(address))
            }
            if b.last == ASCII.rightSquareBracket, let open = b.lastIndex(of: ASCII.leftSquareBracket) {
                return MailAddress(name: cleanName(part(0, open)), address: stripMailto(part(open + 1, b.count - 1)))
            }
            if let open = b.firstIndex(of: ASCII.leftParenthesis), let close = b.lastIndex(of: ASCII.rightParenthesis),
                open < close
            {
                return MailAddress(
                    name: cleanName(part(open + 1, close)), address: TextLines.strip(Substring(part(0, open))))
            }
            let all = part(0, b.count)
            if b.contains(ASCII.atSign) && !b.contains(ASCII.space) {
                return MailAddress(name: nil, address: stripMailto(all))
            }
            return MailAddress(name: cleanName(all), address: "")
        }
    }

    static func stripMailto(_ s: String) -> String {
        var s = TextLines.trimmed(Substring(s))
        if TextLines.hasPrefix(TextLines.lower(s.prefix(7)), "mailto:") { s = s.dropFirst(7) }
        return String(s)
    }

    static func cleanName(_ raw: String) -> String? {
        var s = TextLines.trimmed(Substring(EncodedWords.decode(raw)))
        // Surrounding quotes come off on bytes (they are ASCII): no Character walk over the name.
        let u = s.utf8
        if u.count >= 2, let f = u.first, let l = u.last, f == l, f == ASCII.quotationMark || f == ASCII.apostrophe {
            s = Substring(u.dropFirst().dropLast())
        }
        var out = String(s)
        if out.utf8.contains(ASCII.backslash) { out = out.replacingOccurrences(of: "\\\"", with: "\"") }
        out = String(TextLines.trimmed(Substring(out)))
        return out.isEmpty ? nil : out
    }
}

/// RFC 2047 encoded words: `=?charset?B?base64?=` and `=?charset?Q?quoted?=`.
public enum EncodedWords {
    /// Decodes every encoded word in a header value; whitespace between adjacent encoded words is dropped (§6.2).
    public static func decode(_ value: String) -> String {
        guard TextLines.contains(value, "=?") else { return value }
        let bytes = Array(value.utf8)
        var out = ""
        var i = 0
        var lastWasEncoded = false
        var literalStart = 0
        func flushLiteral(_ upTo: Int) {
            if upTo > literalStart { out += String(decoding: bytes[literalStart..<upTo], as: UTF8.self) }
        }
        while i < bytes.count {
            if bytes[i] == ASCII.equalsSign, i + 1 < bytes.count, bytes[i + 1] == ASCII.questionMark,
                let (decoded, next) = word(bytes, at: i)
            {
                // Whitespace between two encoded words is not displayed.
                let between = bytes[literalStart..<i]
                if lastWasEncoded
                    && between.allSatisfy({
                        $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.carriageReturn || $0 == ASCII.lineFeed
                    })
                {
                    // skip it
                } else {
                    flushLiteral(i)
                }
                out += decoded
                i = next
                literalStart = next
                lastWasEncoded = true
                continue
            }
            i += 1
        }
        flushLiteral(bytes.count)
        return out
    }

    /// Decodes the encoded word starting at `start`, returning the text and the index after `?=`.
    static func word(_ b: [UInt8], at start: Int) -> (String, Int)? {
        var i = start + 2
        let limit = min(b.count, start + 4096)
        guard let q1 = (i..<limit).first(where: { b[$0] == ASCII.questionMark }) else { return nil }
        var charset = String(decoding: b[i..<q1], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        guard q1 + 2 < limit, b[q1 + 2] == ASCII.questionMark else { return nil }
        let enc = b[q1 + 1] | ASCII.lowerCaseBit
        i = q1 + 3
        var j = i
        while j + 1 < limit && !(b[j] == ASCII.questionMark && b[j + 1] == ASCII.equalsSign) { j += 1 }
        guard j + 1 < limit else { return nil }
        let payload = b[i..<j]
        let raw: [UInt8]
        if enc == ASCII.smallB {
            raw = Base64Decoder.decode(payload)
        } else if enc == ASCII.smallQ {
            raw = QuotedPrintable.decode(payload, underscoreIsSpace: true)
        } else {
            return nil
        }
        return (Charset.decode(raw, charset: charset), j + 2)
    }
}

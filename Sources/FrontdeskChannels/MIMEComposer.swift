import Foundation

/// An RFC 5322 message ready for SMTP DATA: CRLF line ends, no line over 998 octets.
public struct ComposedEmail: Sendable, Equatable {
    /// The Message-ID we gave it, with angle brackets.
    public var messageID: String
    /// The whole message, headers and body.
    public var bytes: [UInt8]

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Builds the email for an `OutgoingMessage`: threading headers, RFC 3834 marking, RFC 2047 encoded words and a
/// quoted-printable UTF-8 body. Refuses anything that could inject a header or name a second recipient.
public struct MIMEComposer: Sendable {
    /// Headers the composer writes itself; extra headers may not set them (no second To, no Bcc smuggling).
    static let reservedHeaders: Set<String> = [
        "from", "to", "cc", "bcc", "sender", "reply-to", "subject", "date", "message-id", "in-reply-to", "references",
        "auto-submitted", "mime-version", "content-type", "content-transfer-encoding", "return-path", "received",
    ]

    public init() {}

    /// Composes `message`, dated `date`; `messageID` is generated at the From domain when nil.
    public func compose(_ message: OutgoingMessage, date: Date = Date(), messageID: String? = nil) throws
        -> ComposedEmail
    {
        let from = try Self.plainAddress(message.from, field: "From")
        let to = try Self.plainAddress(message.to, field: "To")
        let id =
            try (messageID ?? message.messageID).map { try Self.messageID($0, field: "Message-ID") }
            ?? Self.newMessageID(domain: from)
        let threading = try Self.threading(message)

        var lines: [String] = []
        if let name = message.fromName, !name.isEmpty {
            lines.append("From: " + (try Self.displayName(name)) + " <" + from + ">")
        } else {
            lines.append("From: " + from)
        }
        lines.append("To: " + to)
        if let replyTo = message.replyTo {
            lines.append("Reply-To: " + (try Self.plainAddress(replyTo, field: "Reply-To")))
        }
        if let subject = try Self.subject(message) {
            lines.append(Self.fold("Subject: " + (try Self.unstructured(subject, field: "Subject", used: 9))))
        }
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: " + id)
        if let inReplyTo = threading.inReplyTo { lines.append("In-Reply-To: " + inReplyTo) }
        if !threading.references.isEmpty {
            lines.append(Self.fold("References: " + threading.references.joined(separator: " ")))
        }
        // RFC 3834 §5: replies are "auto-replied"; other automatic messages "auto-generated".
        lines.append("Auto-Submitted: " + (message.isReply ? "auto-replied" : "auto-generated"))
        for header in message.headers {
            let name = try Self.headerName(header.name)
            lines.append(
                Self.fold(name + ": " + (try Self.unstructured(header.value, field: name, used: name.utf8.count + 2))))
        }
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")

        var text = lines.joined(separator: "\r\n") + "\r\n\r\n"
        text += Self.quotedPrintable(message.body)
        return ComposedEmail(messageID: id, bytes: Array(text.utf8))
    }

    // MARK: - Validation

    /// The address, checked to be one plain `local@domain` (ASCII dot-atoms): no display name, list, comment,
    /// brackets, whitespace or control character.
    public static func plainAddress(_ raw: String, field: String) throws -> String {
        let s = raw.trimmingCharacters(in: .whitespaces)
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, isDotAtom(parts[0], allowed: atext), isDotAtom(parts[1], allowed: domainText),
            parts[1].contains(".") || parts[1] == "localhost", s.utf8.count <= 254
        else {
            throw SendError.invalid("\(field) is not a single plain email address")
        }
        return s
    }

    /// A Message-ID in angle brackets (brackets added when missing); no whitespace, controls or nested brackets.
    public static func messageID(_ raw: String, field: String) throws -> String {
        var s = Substring(raw.trimmingCharacters(in: .whitespaces))
        if s.hasPrefix("<"), s.hasSuffix(">"), s.count >= 2 { s = s.dropFirst().dropLast() }
        guard !s.isEmpty, s.utf8.count <= 900,
            s.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && $0 != "<" && $0 != ">" })
        else {
            throw SendError.invalid("\(field) is not a valid Message-ID")
        }
        return "<" + s + ">"
    }

    /// The header value, rejected if it holds CR, LF or another control character (header injection), encoded
    /// as RFC 2047 words when it is not ASCII.
    static func unstructured(_ value: String, field: String, used: Int = 0) throws -> String {
        guard !value.unicodeScalars.contains(where: { ($0.value < 32 && $0 != "\t") || $0.value == 127 }) else {
            throw SendError.invalid("\(field) contains a line break or control character")
        }
        return value.unicodeScalars.allSatisfy(\.isASCII) ? value : encodedWords(value, used: used)
    }

    static func headerName(_ name: String) throws -> String {
        // RFC 5322 §2.2: a field name is printable US-ASCII except colon.
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value >= 33 && $0.value <= 126 && $0 != ":" })
        else { throw SendError.invalid("extra header name is not a valid field name") }
        guard !reservedHeaders.contains(name.lowercased()) else {
            throw SendError.invalid("extra header \(name) may not be set")
        }
        return name
    }

    static func displayName(_ name: String) throws -> String {
        let value = try unstructured(name, field: "From name", used: 6)
        if value.hasPrefix("=?") { return value }
        // RFC 5322 §3.2.4 quoted-string: escape backslash and double quote.
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escaped + "\""
    }

    static func subject(_ message: OutgoingMessage) throws -> String? {
        guard let raw = message.subject else { return message.isReply ? "Re:" : nil }
        let subject = raw.trimmingCharacters(in: .whitespaces)
        guard message.isReply else { return subject }
        // "Re: " once: an answer to "Re: x" stays "Re: x" (RFC 5322 §3.6.5 suggests exactly one "Re: ").
        let lower = subject.lowercased()
        if lower.hasPrefix("re:") || lower.hasPrefix("re :") { return subject }
        return subject.isEmpty ? "Re:" : "Re: " + subject
    }

    static func threading(_ m: OutgoingMessage) throws -> (inReplyTo: String?, references: [String]) {
        let inReplyTo = try m.inReplyTo.map { try messageID($0, field: "In-Reply-To") }
        var references = try m.references.map { try messageID($0, field: "References") }
        // RFC 5322 §3.6.4: the reply's References is the parent's References followed by the parent's Message-ID.
        if let inReplyTo, references.last != inReplyTo { references.append(inReplyTo) }
        return (inReplyTo, references)
    }

    static let atext = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".unicodeScalars)
    static let domainText = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".unicodeScalars)

    static func isDotAtom(_ s: Substring, allowed: Set<Unicode.Scalar>) -> Bool {
        guard !s.isEmpty else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.unicodeScalars.allSatisfy { allowed.contains($0) }
        }
    }

    // MARK: - Encoding

    /// A random Message-ID at the sender's domain (RFC 5322 §3.6.4 asks for a unique id with a domain).
    static func newMessageID(domain address: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let left = (0..<2).map { _ in String(rng.next() as UInt64, radix: 36) }.joined(separator: ".")
        let domain = address.split(separator: "@").last.map(String.init) ?? "localhost"
        return "<" + left + ".frontdesk@" + domain + ">"
    }

    /// `Tue, 01 Jul 2025 10:00:00 +0000` (RFC 5322 §3.3), always in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String {
            let v = n ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        let day = days[((c.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((c.month ?? 1) - 1 + 12) % 12]
        return "\(day), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// RFC 2047 B-encoded words, never splitting a UTF-8 sequence, folded with CRLF SP between words (the space
    /// between adjacent encoded words is ignored by decoders, §6.2). §2: "each line of a header field that
    /// contains one or more 'encoded-word's is limited to 76 characters"; `used` is what precedes the first word.
    static func encodedWords(_ value: String, used: Int = 0) -> String {
        let prefix = "=?UTF-8?B?"
        // A line is " " + "=?UTF-8?B?" + base64 + "?=": 76 - 13 = 63 → 60 base64 characters → 45 bytes.
        let maxBytes = 45
        // The first line also holds the field name; with no room left, start on a folded line.
        let firstBytes = max(0, (76 - used - 12) / 4 * 3)
        var words: [String] = firstBytes < 3 ? [""] : []
        var chunk: [UInt8] = []
        for ch in value {
            let bytes = Array(String(ch).utf8)
            let limit = words.isEmpty ? firstBytes : maxBytes
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append(prefix + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Folds a header line longer than 78 characters at spaces (RFC 5322 §2.2.3); lines already holding encoded
    /// words are folded by `encodedWords`.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 78, !line.contains("\r\n") else { return line }
        var out = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.utf8.count + 1 + word.utf8.count > 78 {
                out += current + "\r\n"
                current = " " + word
            } else {
                current += " " + word
            }
        }
        return out + current
    }

    /// Quoted-printable (RFC 2045 §6.7) of the UTF-8 text with CRLF line ends; encoded lines stay within 76
    /// characters using soft line breaks, and trailing whitespace is encoded so transports cannot strip it.
    public static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var out = ""
        let hex = Array("0123456789ABCDEF")
        for (index, line) in normalized.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { out += "\r\n" }
            let bytes = Array(line.utf8)
            var current = ""
            for (i, b) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                let token: String
                if (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !isLast) {
                    token = String(UnicodeScalar(b))
                } else {
                    token = "=" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
                }
                // Leave room for the "=" of a soft line break.
                if current.utf8.count + token.utf8.count > 75 {
                    out += current + "=\r\n"
                    current = ""
                }
                current += token
            }
            out += current
        }
        return out.hasSuffix("\r\n") ? out : out + "\r\n"
    }
}

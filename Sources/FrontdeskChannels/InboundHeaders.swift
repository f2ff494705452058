import FrontdeskCore
import FrontdeskText

/// Header fields of an inbound email, in their order in the message (topmost first).
public struct InboundHeaders: Sendable, Equatable {
    /// One header field, value unfolded.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields, topmost first.
    public var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// The header block of a raw message (or a provider's `headers` field): everything up to the first empty line,
    /// folded lines joined (RFC 5322 §2.2.3 "unfolding"). CRLF and bare LF are both accepted.
    public init(block: String) {
        // The block ends at the first empty line; FrontdeskText's header parser does the unfolding.
        let bytes = Array(block.utf8)
        var end = bytes.count
        var lineStart = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            let line = bytes[lineStart..<i]
            if line.isEmpty || line == [0x0D] {
                end = lineStart
                break
            }
            lineStart = i + 1
        }
        fields = MIMEHeaders.parse(Array(bytes[..<end]))
            .filter { !$0.name.contains(" ") }
            .map { Field(name: $0.name, value: $0.value.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).joined()) }
    }

    /// Name/value pairs in the shape `EmailExtractor.extract(text:html:headers:)` takes.
    public var pairs: [(name: String, value: String)] { fields.map { (name: $0.name, value: $0.value) } }

    /// The first (topmost) value of a header, names compared case-insensitively.
    public func first(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// Every value of a header, topmost first.
    public func all(_ name: String) -> [String] {
        let lower = name.lowercased()
        return fields.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// `<id@host>` tokens of a Message-ID, In-Reply-To or References value (RFC 5322 §3.6.4).
    public static func messageIDs(_ value: String?) -> [String] {
        guard let value else { return [] }
        var ids: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[open...close]
            if id.count > 2, !id.contains(" ") { ids.append(String(id)) }
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }
}

/// Finding addresses in header values such as `"Name, Jr." <a@b.example>, c@d.example`.
enum MailAddresses {
    /// The first address in a list that normalises, or nil.
    static func first(in value: String?) -> String? {
        guard let value else { return nil }
        for part in split(value) {
            if let address = Address.email(part) { return address }
        }
        // Some providers drop the angle brackets ("Sender Name a@b.example"): take the token with an '@'.
        for token in value.split(whereSeparator: { " ,;\t".contains($0) }) where token.contains("@") {
            let trimmed = token.inboundTrimmed("<>\"'()[]")
            if let address = Address.email(trimmed) { return address }
        }
        return nil
    }

    /// The domain of an address or of a bare domain (`@example.com`, `example.com`), lower-cased.
    static func domain(_ value: String?) -> String? {
        guard var s = value?.inboundTrimmed().lowercased(), !s.isEmpty else { return nil }
        if let at = s.lastIndex(of: "@") { s = String(s[s.index(after: at)...]) }
        s = s.inboundTrimmed("<>\"'.")
        return s.isEmpty || !s.contains(".") ? nil : s
    }

    /// Splits an address list on commas outside quotes, comments and angle brackets.
    static func split(_ value: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var depth = 0
        var angle = false
        var escaped = false
        for ch in value {
            if escaped {
                escaped = false
            } else if ch == "\\" && inQuotes {
                escaped = true
            } else if ch == "\"" {
                inQuotes.toggle()
            } else if !inQuotes {
                switch ch {
                case "(": depth += 1
                case ")": depth = max(0, depth - 1)
                case "<": angle = true
                case ">": angle = false
                case ",":
                    if depth == 0, !angle {
                        parts.append(current)
                        current = ""
                        continue
                    }
                default: break
                }
            }
            current.append(ch)
        }
        parts.append(current)
        return parts.map { $0.inboundTrimmed() }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    func inboundTrimmed() -> String {
        inboundTrimmed(" \t\r\n")
    }

    func inboundTrimmed(_ set: String) -> String {
        guard let start = firstIndex(where: { !set.contains($0) }) else { return "" }
        guard let end = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[start...end])
    }
}

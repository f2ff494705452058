import FrontdeskCore
import FrontdeskDomains

/// Turns what the receiving side reports about SPF, DKIM and DMARC into an `AuthVerdict` about the From address.
///
/// Only the receiving side's verdict counts: the provider's own verdict fields (`ProviderEvidence`), and
/// Authentication-Results headers whose authserv-id the operator trusts. Anything else in the header block may have
/// been written by the sender: an Authentication-Results from another host, a lower copy of a trusted one,
/// `Received-SPF`, `X-Spam-*` scores. Those count for nothing.
///
/// An SPF or DKIM pass counts only when its domain is aligned with the From domain (DMARC relaxed alignment,
/// RFC 7489 §3.1: the same organizational domain, found through the Public Suffix List). A pass for someone else's
/// domain, or for no named domain, says nothing about who wrote From, so it becomes `.none`.
public enum InboundAuthentication {
    /// One `method=result` of an Authentication-Results header (RFC 8601), with the domain it is about.
    public struct MethodResult: Sendable, Equatable {
        public var method: String
        public var result: AuthVerdict.Result
        /// `smtp.mailfrom` (or `smtp.helo`) for SPF, `header.d` (or `header.i`) for DKIM, `header.from` for DMARC.
        public var domain: String?

        public init(method: String, result: AuthVerdict.Result, domain: String?) {
            self.method = method
            self.result = result
            self.domain = domain
        }
    }

    /// A parsed Authentication-Results header.
    public struct Results: Sendable, Equatable {
        /// Lower-cased.
        public var authservID: String
        public var methods: [MethodResult]

        /// The results of one method (`spf`, `dkim`, `dmarc`), in header order.
        public func results(_ method: String) -> [MethodResult] { methods.filter { $0.method == method } }
    }

    /// What a provider reports in its own fields, outside the message's headers.
    public struct ProviderEvidence: Sendable {
        /// SendGrid `SPF` or Mailgun `X-Mailgun-Spf` (e.g. "pass", "SoftFail").
        public var spf: String?
        /// The envelope sender the SPF result is about, as the provider reports it.
        public var envelopeFrom: String?
        /// DKIM results with the signing domain when the provider names it (SendGrid `dkim`); Mailgun's
        /// `X-Mailgun-Dkim-Check-Result` names none (see `verdict`).
        public var dkim: [(domain: String?, result: AuthVerdict.Result)]

        public init(
            spf: String? = nil, envelopeFrom: String? = nil, dkim: [(domain: String?, result: AuthVerdict.Result)] = []
        ) {
            self.spf = spf
            self.envelopeFrom = envelopeFrom
            self.dkim = dkim
        }
    }

    /// The verdict for `from` given the provider's fields and the headers.
    /// - Parameter trustedAuthServIDs: lower-case authserv-ids whose Authentication-Results count; empty: none does.
    public static func verdict(
        from: String?, headers: InboundHeaders, provider: ProviderEvidence = ProviderEvidence(),
        trustedAuthServIDs: Set<String> = []
    ) -> AuthVerdict {
        let fromDomain = MailAddresses.domain(from)
        let receiving = receivingResults(headers, trusted: trustedAuthServIDs)
        var verdict = AuthVerdict()

        // SPF: the provider's own field, else the trusted Authentication-Results.
        if let spf = provider.spf, !spf.inboundTrimmed().isEmpty {
            verdict.spf = aligned(result(spf), domain: bareDomain(provider.envelopeFrom), with: fromDomain)
        } else {
            let spf = receiving.flatMap { $0.results("spf") }
            if !spf.isEmpty { verdict.spf = worst(spf.map { aligned($0.result, domain: $0.domain, with: fromDomain) }) }
        }

        // DKIM (RFC 7489 §4.2: any aligned passing signature is enough). A provider check that names no domain
        // passes only when every DKIM-Signature in the message is for the From domain, so whichever one it
        // verified is aligned: a signature by the sender's own domain next to a From of someone else's proves nothing.
        let signers = signingDomains(headers)
        let signersAligned =
            !signers.isEmpty && signers.allSatisfy { aligned(.pass, domain: $0, with: fromDomain) == .pass }
        var dkim = provider.dkim.map { entry -> AuthVerdict.Result in
            guard entry.domain == nil, entry.result == .pass else {
                return aligned(entry.result, domain: entry.domain, with: fromDomain)
            }
            return signersAligned ? .pass : .none
        }
        dkim += receiving.flatMap { $0.results("dkim") }.map { aligned($0.result, domain: $0.domain, with: fromDomain) }
        if !dkim.isEmpty {
            verdict.dkim =
                dkim.contains(.pass)
                ? .pass : dkim.contains(.fail) ? .fail : dkim.contains(.none) ? .none : .unknown
        }

        // DMARC is about the From domain already; a result about another domain (header.from) is none of ours.
        let dmarc = receiving.flatMap { $0.results("dmarc") }.map { r -> AuthVerdict.Result in
            guard let about = r.domain, let fromDomain else { return r.result }
            return about == fromDomain ? r.result : .none
        }
        if !dmarc.isEmpty { verdict.dmarc = worst(dmarc) }
        return verdict
    }

    /// The Authentication-Results headers that count: the topmost one whose authserv-id is trusted, and those of the
    /// same authserv-id directly below it (an MTA that writes one header per check).
    ///
    /// RFC 8601 §5: the receiving MTA prepends its results, and "an MTA ... MUST delete or otherwise obscure any
    /// instance of this header field that claims, by virtue of its authentication service identifier, to have been
    /// added within its trust boundary". Anything further down arrived with the message and may be the sender's own.
    static func receivingResults(_ headers: InboundHeaders, trusted: Set<String>) -> [Results] {
        guard !trusted.isEmpty else { return [] }
        let fields = headers.fields
        var counted: [Results] = []
        for field in fields.indices where isAuthenticationResults(fields[field]) {
            let parsed = parseAuthenticationResults(fields[field].value)
            guard trusted.contains(parsed.authservID) else { continue }
            counted.append(parsed)
            var next = fields.index(after: field)
            while next < fields.endIndex, isAuthenticationResults(fields[next]) {
                let below = parseAuthenticationResults(fields[next].value)
                guard below.authservID == parsed.authservID else { break }
                counted.append(below)
                next = fields.index(after: next)
            }
            break
        }
        return counted
    }

    private static func isAuthenticationResults(_ field: InboundHeaders.Field) -> Bool {
        field.name.lowercased() == "authentication-results"
    }

    /// Maps a result keyword (RFC 8601 §2.7) to the verdict's scale.
    public static func result(_ word: String) -> AuthVerdict.Result {
        let first = word.inboundTrimmed().split(whereSeparator: { " \t(;".contains($0) }).first ?? ""
        switch first.lowercased() {
        case "pass": return .pass
        case "fail", "softfail", "hardfail", "permerror": return .fail
        case "none", "neutral": return .none
        default: return .unknown  // temperror, policy, unknown words
        }
    }

    /// One result from several reports of the same check (a header repeated, say): a failure anywhere wins,
    /// then a pass, then none.
    static func worst(_ results: [AuthVerdict.Result]) -> AuthVerdict.Result {
        if results.contains(.fail) { return .fail }
        if results.contains(.pass) { return .pass }
        if results.contains(.none) { return .none }
        return .unknown
    }

    /// The provider's verdict when it reaches us more than once (a form field and a header copy): the words must
    /// agree, or the least favourable one counts, so a copy the sender wrote can only lower trust.
    static func agreed(_ values: [String?]) -> String? {
        let words = values.compactMap { $0?.inboundTrimmed() }.filter { !$0.isEmpty }
        guard let first = words.first else { return nil }
        let results = words.map(result)
        if Set(results).count == 1 { return first }
        return worst(results) == .fail ? "fail" : "none"
    }

    /// Parses `authserv-id [version]; method=result reason="…" ptype.property=value …; …` (RFC 8601 §2.2).
    ///
    /// Comments (nested, with quoted pairs) are dropped and quoted strings kept whole, so text the sender controls
    /// inside them (an envelope address echoed as `smtp.mailfrom="a;dmarc=pass"@x`) cannot start a clause of its own.
    /// Properties belong to the clause they are written in.
    public static func parseAuthenticationResults(_ value: String) -> Results {
        var clauses = clauses(of: value)
        let head = clauses.isEmpty ? [] : clauses.removeFirst()
        var methods: [MethodResult] = []
        for tokens in clauses {
            guard let first = tokens.first, let eq = first.firstIndex(of: "=") else { continue }
            // "dkim/1=pass": the version after '/' is not part of the method name.
            let method = first[..<eq].split(separator: "/").first.map { $0.lowercased() } ?? ""
            let value = String(first[first.index(after: eq)...])
            var properties: [String: String] = [:]
            for token in tokens.dropFirst() {
                guard let e = token.firstIndex(of: "=") else { continue }
                let key = token[..<e].lowercased()
                if properties[key] == nil { properties[key] = unquoted(token[token.index(after: e)...]) }
            }
            let domain: String?
            switch method {
            case "spf": domain = properties["smtp.mailfrom"] ?? properties["smtp.helo"]
            case "dkim": domain = properties["header.d"] ?? properties["header.i"]
            case "dmarc": domain = properties["header.from"]
            default: domain = nil
            }
            methods.append(MethodResult(method: method, result: result(value), domain: bareDomain(domain)))
        }
        return Results(authservID: unquoted(head.first ?? "").lowercased(), methods: methods)
    }

    /// The `;`-separated clauses of a header value, each as its whitespace-separated tokens, with comments removed,
    /// quoted strings kept as single tokens and the spaces RFC 8601 allows around `=` closed up.
    static func clauses(of value: String) -> [[String]] {
        var clauses: [[String]] = []
        var tokens: [String] = []
        var token = ""
        var depth = 0
        var inQuotes = false
        var escaped = false
        var joinNext = false  // after '=', the next token continues this one
        func endToken() {
            guard !token.isEmpty else { return }
            if joinNext, let last = tokens.popLast() {
                tokens.append(last + token)
            } else {
                tokens.append(token)
            }
            joinNext = token.hasSuffix("=")
            token = ""
        }
        for ch in value {
            if escaped {
                if depth == 0 { token.append(ch) }
                escaped = false
            } else if ch == "\\" && (inQuotes || depth > 0) {
                escaped = true
                if depth == 0 { token.append(ch) }
            } else if inQuotes {
                token.append(ch)
                if ch == "\"" { inQuotes = false }
            } else if depth > 0 {
                if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            } else if ch == "(" {
                endToken()
                depth = 1
            } else if ch == "\"" {
                token.append(ch)
                inQuotes = true
            } else if ch == ";" {
                endToken()
                joinNext = false
                clauses.append(tokens)
                tokens = []
            } else if ch == " " || ch == "\t" || ch == "\r" || ch == "\n" {
                endToken()
            } else if ch == "=" {
                if token.isEmpty, let last = tokens.popLast() {
                    token = last  // "spf =pass": the '=' belongs to the token before the space
                    joinNext = false
                }
                token.append(ch)
            } else {
                token.append(ch)
            }
        }
        endToken()
        clauses.append(tokens)
        return clauses
    }

    /// SendGrid's `dkim` field: `{@example.com : pass}` or `{@a.example : pass, @b.example : fail}` or `none`.
    /// The domain is kept as written (`{@com : pass}` names `com`); alignment decides what it is worth.
    public static func parseSendGridDKIM(_ value: String?) -> [(domain: String?, result: AuthVerdict.Result)] {
        guard let value else { return [] }
        let inner = value.inboundTrimmed().inboundTrimmed("{}")
        var out: [(domain: String?, result: AuthVerdict.Result)] = []
        for entry in inner.split(separator: ",") {
            let kv = entry.split(separator: ":", maxSplits: 1)
            if kv.count == 2 {
                out.append((bareDomain(String(kv[0])), result(String(kv[1]))))
            } else if !entry.inboundTrimmed().isEmpty {
                out.append((nil, result(String(entry))))
            }
        }
        return out
    }

    /// The `d=` of every DKIM-Signature header (RFC 6376 §3.5), lower-cased; a signature without one counts as nil.
    static func signingDomains(_ headers: InboundHeaders) -> [String?] {
        headers.all("DKIM-Signature").map { signature in
            for tag in signature.split(separator: ";") {
                let kv = tag.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, kv[0].inboundTrimmed().lowercased() == "d" else { continue }
                return bareDomain(kv[1].filter { !$0.isWhitespace })
            }
            return nil
        }
    }

    /// An SPF or DKIM result about `domain`, seen from the From domain: a pass for an unaligned or unnamed domain is
    /// `.none`; other results stand.
    private static func aligned(_ result: AuthVerdict.Result, domain: String?, with fromDomain: String?)
        -> AuthVerdict.Result
    {
        guard result == .pass else { return result }
        guard let domain, let fromDomain, Domains.aligned(domain, fromDomain) else { return .none }
        return .pass
    }

    /// The domain of an address or a bare domain (`@example.com`, `user@example.com`, `example.com`, `com`),
    /// lower-cased, or nil when nothing is left.
    static func bareDomain(_ value: String?) -> String? {
        guard var s = value.map({ unquoted($0) })?.lowercased() else { return nil }
        if let at = s.lastIndex(of: "@") { s = String(s[s.index(after: at)...]) }
        s = s.inboundTrimmed("<>\"' \t.")
        return s.isEmpty ? nil : s
    }

    private static func unquoted<S: StringProtocol>(_ value: S) -> String {
        value.inboundTrimmed().inboundTrimmed("\"")
    }
}

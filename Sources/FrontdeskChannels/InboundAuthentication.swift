import FrontdeskCore

/// Turns what an email provider reports about SPF, DKIM and DMARC into an `AuthVerdict` about the From address.
///
/// An SPF or DKIM pass counts only when its domain is aligned with the From domain (relaxed alignment, RFC 7489
/// §3.1): a pass for someone else's domain says nothing about who wrote From, so it becomes `.none`. Evidence
/// without a domain is taken as given. The topmost header of each kind is used, because the receiving provider
/// prepends its own and anything below could have been written by the sender.
public enum InboundAuthentication {
    /// One `method=result` of an Authentication-Results header (RFC 8601), with the domain it is about.
    public struct MethodResult: Sendable, Equatable {
        public var method: String
        public var result: AuthVerdict.Result
        /// `smtp.mailfrom` for SPF, `header.d` (or `header.i`) for DKIM, `header.from` for DMARC.
        public var domain: String?

        public init(method: String, result: AuthVerdict.Result, domain: String?) {
            self.method = method
            self.result = result
            self.domain = domain
        }
    }

    /// A parsed Authentication-Results header.
    public struct Results: Sendable, Equatable {
        public var authservID: String
        public var methods: [MethodResult]

        /// The results of one method (`spf`, `dkim`, `dmarc`), in header order.
        public func results(_ method: String) -> [MethodResult] { methods.filter { $0.method == method } }
    }

    /// Evidence that a provider supplies outside the headers.
    public struct ProviderEvidence: Sendable {
        /// SendGrid `SPF` or Mailgun `X-Mailgun-Spf` (e.g. "pass", "SoftFail").
        public var spf: String?
        /// The envelope sender the SPF result is about.
        public var envelopeFrom: String?
        /// DKIM results with the signing domain when known (SendGrid `dkim`, Mailgun `X-Mailgun-Dkim-Check-Result`).
        public var dkim: [(domain: String?, result: AuthVerdict.Result)]

        public init(
            spf: String? = nil, envelopeFrom: String? = nil, dkim: [(domain: String?, result: AuthVerdict.Result)] = []
        ) {
            self.spf = spf
            self.envelopeFrom = envelopeFrom
            self.dkim = dkim
        }
    }

    /// The verdict for `from` given the headers and any provider fields.
    /// - Parameter trustedAuthServIDs: when not empty, only Authentication-Results headers from these hosts count.
    public static func verdict(
        from: String?, headers: InboundHeaders, provider: ProviderEvidence = ProviderEvidence(),
        trustedAuthServIDs: Set<String> = []
    ) -> AuthVerdict {
        let fromDomain = MailAddresses.domain(from)
        let authResults: Results? = headers.all("Authentication-Results").lazy.map(parseAuthenticationResults)
            .first { trustedAuthServIDs.isEmpty || trustedAuthServIDs.contains($0.authservID.lowercased()) }
        let spamTests = Set(
            (headers.first("X-Spam-Tests") ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map {
                $0.uppercased()
            })

        var verdict = AuthVerdict()

        // SPF: the provider's own field, then Authentication-Results, then the topmost Received-SPF.
        if let spf = provider.spf, !spf.inboundTrimmed().isEmpty {
            verdict.spf = aligned(result(spf), domain: MailAddresses.domain(provider.envelopeFrom), with: fromDomain)
        } else if let spf = authResults?.results("spf").first {
            verdict.spf = aligned(spf.result, domain: spf.domain, with: fromDomain)
        } else if let received = headers.first("Received-SPF") {
            let parsed = parseReceivedSPF(received)
            verdict.spf = aligned(parsed.result, domain: parsed.envelopeDomain, with: fromDomain)
        }

        // DKIM: any aligned pass wins; otherwise a failure is reported; otherwise nothing useful.
        var dkim: [(domain: String?, result: AuthVerdict.Result)] = provider.dkim
        if dkim.isEmpty, let results = authResults?.results("dkim") { dkim = results.map { ($0.domain, $0.result) } }
        if dkim.isEmpty, spamTests.contains("DKIM_VALID_AU") {
            // SpamAssassin: "Message has a valid DKIM or DK signature from author's domain" (aligned by definition).
            dkim = [(fromDomain, .pass)]
        }
        if !dkim.isEmpty {
            let results = dkim.map { aligned($0.result, domain: $0.domain, with: fromDomain) }
            verdict.dkim =
                results.contains(.pass)
                ? .pass
                : results.contains(.fail) ? .fail : results.contains(.none) ? .none : .unknown
        }

        // DMARC already is about the From domain.
        if let dmarc = authResults?.results("dmarc").first {
            verdict.dmarc = dmarc.result
        } else if spamTests.contains("DMARC_PASS") {
            verdict.dmarc = .pass
        } else if !spamTests.isDisjoint(with: ["DMARC_REJECT", "DMARC_QUAR", "DMARC_NONE"]) {
            verdict.dmarc = .fail
        }
        return verdict
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

    /// Parses `authserv-id; method=result prop.type=value ...; ...`, comments removed.
    public static func parseAuthenticationResults(_ value: String) -> Results {
        let clean = removingComments(value)
        var sections = clean.split(separator: ";").map { $0.inboundTrimmed() }
        let authserv = sections.isEmpty ? "" : sections.removeFirst()
        var methods: [MethodResult] = []
        for section in sections {
            let tokens = section.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let head = tokens.first, let eq = head.firstIndex(of: "=") else { continue }
            // "dkim/1=pass": the version after '/' is not part of the method name.
            let method = head[..<eq].split(separator: "/").first.map { $0.lowercased() } ?? ""
            let value = String(head[head.index(after: eq)...])
            var properties: [String: String] = [:]
            for token in tokens.dropFirst() {
                guard let e = token.firstIndex(of: "=") else { continue }
                properties[token[..<e].lowercased()] = token[token.index(after: e)...].inboundTrimmed("\"")
            }
            let domain: String?
            switch method {
            case "spf": domain = properties["smtp.mailfrom"] ?? properties["smtp.helo"]
            case "dkim": domain = properties["header.d"] ?? properties["header.i"]
            case "dmarc": domain = properties["header.from"]
            default: domain = nil
            }
            methods.append(MethodResult(method: method, result: result(value), domain: MailAddresses.domain(domain)))
        }
        let id = authserv.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        return Results(authservID: id, methods: methods)
    }

    /// `Received-SPF: Pass (comment) client-ip=…; envelope-from=user@example.com; …` (RFC 7208 §9.1).
    public static func parseReceivedSPF(_ value: String) -> (result: AuthVerdict.Result, envelopeDomain: String?) {
        let clean = removingComments(value)
        var envelope: String?
        for part in clean.split(whereSeparator: { $0 == ";" || $0 == " " }) {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == "envelope-from" { envelope = String(kv[1]) }
        }
        return (result(clean), MailAddresses.domain(envelope))
    }

    /// SendGrid's `dkim` field: `{@example.com : pass}` or `{@a.example : pass, @b.example : fail}` or `none`.
    public static func parseSendGridDKIM(_ value: String?) -> [(domain: String?, result: AuthVerdict.Result)] {
        guard let value else { return [] }
        let inner = value.inboundTrimmed().inboundTrimmed("{}")
        var out: [(domain: String?, result: AuthVerdict.Result)] = []
        for entry in inner.split(separator: ",") {
            let kv = entry.split(separator: ":", maxSplits: 1)
            if kv.count == 2 {
                out.append((MailAddresses.domain(String(kv[0])), result(String(kv[1]))))
            } else if !entry.inboundTrimmed().isEmpty {
                out.append((nil, result(String(entry))))
            }
        }
        return out
    }

    private static func aligned(_ result: AuthVerdict.Result, domain: String?, with fromDomain: String?)
        -> AuthVerdict.Result
    {
        guard result == .pass, let domain, let fromDomain else { return result }
        return MailAddresses.aligned(domain, fromDomain) ? .pass : .none
    }

    private static func removingComments(_ value: String) -> String {
        var out = ""
        var depth = 0
        var inQuotes = false
        for ch in value {
            if ch == "\"", depth == 0 { inQuotes.toggle() }
            if !inQuotes {
                if ch == "(" {
                    depth += 1
                    continue
                }
                if ch == ")", depth > 0 {
                    depth -= 1
                    continue
                }
            }
            if depth == 0 { out.append(ch) }
        }
        return out
    }
}

import FrontdeskCore
import Testing

@testable import FrontdeskChannels

@Suite struct InboundAuthenticationTests {
    static let gmail =
        "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=Ab12; "
        + "spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) "
        + "smtp.mailfrom=a@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com"

    static func headers(_ pairs: [(String, String)]) -> InboundHeaders {
        InboundHeaders(pairs.map { .init(name: $0.0, value: $0.1) })
    }

    static func verdict(_ pairs: [(String, String)], from: String = "a@example.com", trusted: Set<String>)
        -> AuthVerdict
    {
        InboundAuthentication.verdict(from: from, headers: headers(pairs), trustedAuthServIDs: trusted)
    }

    @Test func parsesAuthenticationResults() {
        let r = InboundAuthentication.parseAuthenticationResults(Self.gmail)
        #expect(r.authservID == "mx.google.com")
        #expect(r.methods.map(\.method) == ["dkim", "spf", "dmarc"])
        #expect(r.methods.map(\.result) == [.pass, .pass, .pass])
        #expect(r.methods.map(\.domain) == ["example.com", "example.com", "example.com"])
        #expect(Self.verdict([("Authentication-Results", Self.gmail)], trusted: ["mx.google.com"]) == .trusted)
    }

    @Test func anAuthservIDNobodyConfiguredCountsForNothing() {
        // The sender can write any Authentication-Results it likes; only the configured receiving hosts count.
        let forged = "attacker.example; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com"
        #expect(Self.verdict([("Authentication-Results", forged)], trusted: ["mx.google.com"]) == AuthVerdict())
        #expect(Self.verdict([("Authentication-Results", Self.gmail)], trusted: []) == AuthVerdict())
        #expect(Self.verdict([("Authentication-Results", Self.gmail)], trusted: ["mx.example.net"]) == AuthVerdict())
        // The configured host's pass is honoured, and its id is compared without case.
        let upper = Self.gmail.replacingOccurrences(of: "mx.google.com;", with: "MX.Google.COM;")
        #expect(Self.verdict([("Authentication-Results", upper)], trusted: ["mx.google.com"]).trust == .verified)
    }

    @Test func spamScoresAndReceivedSPFNeverCount() {
        let pairs = [
            ("X-Spam-Tests", "DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,SPF_PASS,DMARC_PASS"),
            ("X-Spam-Status", "No, score=-2.0 tests=DKIM_VALID_AU,DMARC_PASS"),
            ("Received-SPF", "Pass (sender SPF authorized) identity=mailfrom; envelope-from=a@example.com"),
        ]
        let v = Self.verdict(pairs, trusted: ["mx.google.com"])
        #expect(v == AuthVerdict())
        #expect(v.trust == .unknown)
    }

    @Test func onlyTheTopmostHeaderOfTheReceivingHostCounts() {
        // The receiving MTA prepends; a copy of its id further down arrived with the message (RFC 8601 §5).
        let real = "mx.provider.example; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"
        let forged = "mx.provider.example; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
        let below = [
            ("Authentication-Results", real), ("Received", "from attacker.example by mx.provider.example"),
            ("Authentication-Results", forged),
        ]
        let v = Self.verdict(below, trusted: ["mx.provider.example"])
        #expect(v == AuthVerdict(spf: .fail, dkim: .unknown, dmarc: .fail))
        #expect(v.trust == .unverified)
        // Results of an upstream host the operator trusts are read past the provider's own untrusted header...
        let upstream = [
            ("Authentication-Results", "mx.provider.example; spf=fail smtp.mailfrom=example.com"),
            ("Received", "from mail.example.com by mx.provider.example"), ("Authentication-Results", Self.gmail),
        ]
        #expect(Self.verdict(upstream, trusted: ["mx.google.com"]).dmarc == .pass)
        // ...but two headers of one host count together only when adjacent, and a failure in either beats a pass.
        let split = [
            ("Authentication-Results", "mx.provider.example; dmarc=fail header.from=example.com"),
            ("Authentication-Results", "mx.provider.example; dmarc=pass header.from=example.com"),
        ]
        #expect(Self.verdict(split, trusted: ["mx.provider.example"]).dmarc == .fail)
        let milters = [
            ("Authentication-Results", "mx.provider.example; dkim=pass header.d=example.com"),
            ("Authentication-Results", "mx.provider.example; dmarc=pass header.from=example.com"),
        ]
        #expect(
            Self.verdict(milters, trusted: ["mx.provider.example"])
                == AuthVerdict(spf: .unknown, dkim: .pass, dmarc: .pass))
    }

    @Test func alignmentUsesOrganizationalDomains() {
        func dkim(_ domain: String, from: String) -> AuthVerdict.Result {
            Self.verdict(
                [("Authentication-Results", "mx.example.net; dkim=pass header.d=\(domain)")], from: from,
                trusted: ["mx.example.net"]
            ).dkim
        }
        #expect(dkim("mail.example.co.uk", from: "a@example.co.uk") == .pass)
        #expect(dkim("example.co.uk", from: "a@news.example.co.uk") == .pass)
        #expect(dkim("other.co.uk", from: "a@example.co.uk") == .none)
        #expect(dkim("co.uk", from: "a@example.co.uk") == .none)
        #expect(dkim("com", from: "a@example.com") == .none)  // a public suffix signs for nobody
        #expect(dkim("notexample.com", from: "a@example.com") == .none)
        #expect(dkim("attacker.example", from: "a@example.com") == .none)

        let ar =
            "mx.example.net; spf=pass smtp.mailfrom=bounce@attacker.example; dkim=pass header.d=attacker.example;"
            + " dmarc=fail header.from=bank.example"
        let v = Self.verdict([("Authentication-Results", ar)], from: "ceo@bank.example", trusted: ["mx.example.net"])
        #expect(v == AuthVerdict(spf: .none, dkim: .none, dmarc: .fail))
        #expect(v.trust == .unverified)
        // A DMARC result about another domain than From's says nothing about From.
        let other = "mx.example.net; dmarc=pass header.from=attacker.example"
        #expect(Self.verdict([("Authentication-Results", other)], trusted: ["mx.example.net"]).dmarc == .none)
    }

    @Test func textTheSenderControlsCannotStartAClause() {
        // The envelope sender is echoed into smtp.mailfrom and the comment: quoted, it stays one value.
        let quoted =
            #"mx.example.net; spf=pass (domain of "a;dmarc=pass header.from=bank.example"@evil.example) "#
            + #"smtp.mailfrom="a;dmarc=pass header.from=bank.example"@evil.example; dmarc=fail header.from=bank.example"#
        let r = InboundAuthentication.parseAuthenticationResults(quoted)
        #expect(r.methods.map(\.method) == ["spf", "dmarc"])
        #expect(r.methods.map(\.domain) == ["evil.example", "bank.example"])
        #expect(r.results("dmarc").map(\.result) == [.fail])
        // A quoted ')' inside a comment does not end it; nested comments stay comments.
        let comments = #"mx.example.net; spf=fail (note "a) dmarc=pass (b" (x (y) dmarc=pass)) smtp.mailfrom=x.example"#
        let c = InboundAuthentication.parseAuthenticationResults(comments)
        #expect(c.methods.map(\.method) == ["spf"])
        #expect(c.methods.map(\.result) == [.fail])
        // A repeated method: the failure stands.
        let twice = "mx.example.net; dmarc=fail header.from=example.com; dmarc=pass header.from=example.com"
        #expect(Self.verdict([("Authentication-Results", twice)], trusted: ["mx.example.net"]).dmarc == .fail)
        // Properties belong to their own clause: the bare pass does not inherit the failed clause's domain.
        let clauses = "mx.example.net; dkim=fail header.d=example.com; dkim=pass"
        #expect(Self.verdict([("Authentication-Results", clauses)], trusted: ["mx.example.net"]).dkim == .fail)
        // RFC 8601 allows spaces around '=' and a version after the id.
        let spaced = "mx.example.net 1; dkim = pass header.d = example.com"
        let s = InboundAuthentication.parseAuthenticationResults(spaced)
        #expect(s.authservID == "mx.example.net")
        #expect(s.methods == [.init(method: "dkim", result: .pass, domain: "example.com")])
    }

    @Test func aProviderDKIMCheckWithoutADomainNeedsEverySignatureAligned() {
        let pass = InboundAuthentication.ProviderEvidence(dkim: [(nil, .pass)])
        func dkim(_ signatures: [String]) -> AuthVerdict.Result {
            InboundAuthentication.verdict(
                from: "a@example.com", headers: Self.headers(signatures.map { ("DKIM-Signature", $0) }),
                provider: pass
            ).dkim
        }
        #expect(dkim([]) == .none)
        #expect(dkim(["v=1; a=rsa-sha256; d=example.com; s=s1; b=x"]) == .pass)
        #expect(dkim(["v=1; a=rsa-sha256; d=mail.example.com; s=s1", "v=1; d = example.com ; s=s2"]) == .pass)
        // The sender's own valid signature beside a From of someone else's: the check may have verified either.
        #expect(dkim(["v=1; d=example.com; s=s1", "v=1; d=attacker.example; s=s1"]) == .none)
        #expect(dkim(["v=1; d=com; s=s1"]) == .none)
    }

    @Test func repeatedProviderVerdictsMustAgree() {
        #expect(InboundAuthentication.agreed(["Pass", nil, "pass"]) == "Pass")
        #expect(InboundAuthentication.agreed(["Pass", "Fail"]) == "fail")
        #expect(InboundAuthentication.agreed(["Pass", "Neutral"]) == "none")
        #expect(InboundAuthentication.agreed([nil, " "]) == nil)
    }

    @Test(arguments: [
        ("pass", AuthVerdict.Result.pass), ("Pass", .pass), ("fail", .fail), ("SoftFail", .fail), ("permerror", .fail),
        ("neutral", .none), ("none", .none), ("temperror", .unknown), ("policy", .unknown), ("", .unknown),
    ])
    func resultWords(_ word: String, _ expected: AuthVerdict.Result) {
        #expect(InboundAuthentication.result(word) == expected)
    }

    @Test func sendGridDKIMField() {
        let d = InboundAuthentication.parseSendGridDKIM("{@a.example : pass, @b.example : fail}")
        #expect(d.map(\.domain) == ["a.example", "b.example"])
        #expect(d.map(\.result) == [.pass, .fail])
        // The domain is kept as written; alignment, not parsing, decides that `com` vouches for nobody.
        #expect(InboundAuthentication.parseSendGridDKIM("{@com : pass}").map(\.domain) == ["com"])
        #expect(InboundAuthentication.parseSendGridDKIM("none").map(\.result) == [.none])
        #expect(InboundAuthentication.parseSendGridDKIM(nil).isEmpty)
    }

    @Test func headerBlockUnfoldsAndFindsIDs() {
        let h = InboundHeaders(
            block: "Subject: a\r\n long subject\r\nReferences: <a@x>\r\n\t<b@y> junk <bad id>\r\n\r\nBody: no")
        #expect(h.first("subject") == "a long subject")
        #expect(InboundHeaders.messageIDs(h.first("References")) == ["<a@x>", "<b@y>"])
        #expect(h.first("Body") == nil)
        #expect(MailAddresses.first(in: "\"Doe, Jane\" <Jane@Example.com>, b@c.example") == "jane@example.com")
        #expect(MailAddresses.first(in: "Sender Name example@example.com") == "example@example.com")
        #expect(MailAddresses.first(in: "nobody") == nil)
    }
}

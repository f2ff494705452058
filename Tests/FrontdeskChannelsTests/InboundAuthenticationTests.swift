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

    @Test func parsesAuthenticationResults() {
        let r = InboundAuthentication.parseAuthenticationResults(Self.gmail)
        #expect(r.authservID == "mx.google.com")
        #expect(r.methods.map(\.method) == ["dkim", "spf", "dmarc"])
        #expect(r.methods.map(\.result) == [.pass, .pass, .pass])
        #expect(r.methods.map(\.domain) == ["example.com", "example.com", "example.com"])
        let v = InboundAuthentication.verdict(
            from: "a@example.com", headers: Self.headers([("Authentication-Results", Self.gmail)]))
        #expect(v == .trusted)
    }

    @Test func unalignedPassesProveNothing() {
        let ar =
            "mx.example.net; spf=pass smtp.mailfrom=bounce@attacker.example; dkim=pass header.d=attacker.example;"
            + " dmarc=fail header.from=bank.example"
        let v = InboundAuthentication.verdict(
            from: "ceo@bank.example", headers: Self.headers([("Authentication-Results", ar)]))
        #expect(v == AuthVerdict(spf: .none, dkim: .none, dmarc: .fail))
        #expect(!v.passes)
        // Subdomains align (relaxed mode).
        let sub = "mx.example.net; dkim=pass header.d=mail.bank.example"
        #expect(
            InboundAuthentication.verdict(
                from: "a@bank.example", headers: Self.headers([("Authentication-Results", sub)])
            ).dkim
                == .pass)
        #expect(
            InboundAuthentication.verdict(
                from: "a@notbank.example", headers: Self.headers([("Authentication-Results", sub)])
            ).dkim
                == .none)
    }

    @Test func onlyTheTopmostOrTrustedHeaderCounts() {
        // A sender can write its own Authentication-Results below the provider's.
        let forged = "mx.google.com; dmarc=pass header.from=example.com"
        let real = "mx.provider.example; dmarc=fail header.from=example.com"
        let h = Self.headers([("Authentication-Results", real), ("Authentication-Results", forged)])
        #expect(InboundAuthentication.verdict(from: "a@example.com", headers: h).dmarc == .fail)
        #expect(
            InboundAuthentication.verdict(from: "a@example.com", headers: h, trustedAuthServIDs: ["mx.google.com"])
                .dmarc
                == .pass)
        #expect(
            InboundAuthentication.verdict(from: "a@example.com", headers: h, trustedAuthServIDs: ["other"])
                == AuthVerdict())
    }

    @Test(arguments: [
        ("pass", AuthVerdict.Result.pass), ("Pass", .pass), ("fail", .fail), ("SoftFail", .fail), ("permerror", .fail),
        ("neutral", .none), ("none", .none), ("temperror", .unknown), ("policy", .unknown), ("", .unknown),
    ])
    func resultWords(_ word: String, _ expected: AuthVerdict.Result) {
        #expect(InboundAuthentication.result(word) == expected)
    }

    @Test func receivedSPFAndSendGridDKIM() {
        let r = InboundAuthentication.parseReceivedSPF(
            "SoftFail (mx: domain of transitioning a@x.example does not designate 192.0.2.1) client-ip=192.0.2.1; "
                + "envelope-from=a@x.example; helo=mail.x.example")
        #expect(r.result == .fail)
        #expect(r.envelopeDomain == "x.example")
        let d = InboundAuthentication.parseSendGridDKIM("{@a.example : pass, @b.example : fail}")
        #expect(d.map(\.domain) == ["a.example", "b.example"])
        #expect(d.map(\.result) == [.pass, .fail])
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

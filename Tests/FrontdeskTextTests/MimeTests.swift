import Foundation
import Testing

@testable import FrontdeskText

@Suite struct MimeTests {
    @Test func foldedHeadersUnfold() {
        let fields = MIMEHeaders.parse(Array("Subject: a long\r\n  subject line\r\nFrom: x@y.z\r\n".utf8)[...])
        #expect(fields.count == 2)
        #expect(fields[0].value == "a long  subject line")
        #expect(fields[1].name == "From")
    }

    @Test func encodedWordsBase64AndQ() {
        #expect(EncodedWords.decode("=?UTF-8?B?Q2Fmw6k=?=") == "Café")
        #expect(EncodedWords.decode("=?iso-8859-1?Q?Caf=E9_cr=E8me?=") == "Café crème")
        // Whitespace between adjacent encoded words is not displayed (RFC 2047 §6.2).
        #expect(EncodedWords.decode("=?UTF-8?Q?a?= =?UTF-8?Q?b?=") == "ab")
        #expect(EncodedWords.decode("Re: =?UTF-8?Q?r=C3=A9sum=C3=A9?= ok") == "Re: résumé ok")
        // Malformed words stay as they are.
        #expect(EncodedWords.decode("=?UTF-8?X?abc?=") == "=?UTF-8?X?abc?=")
        #expect(EncodedWords.decode("=?broken") == "=?broken")
    }

    @Test func addressLists() {
        let list = MIMEHeaders.addresses(#""Doe, Jane" <jane@example.com>, bob@example.org (Bob), Team: a@b.c, d@e.f;"#)
        #expect(list.map(\.address) == ["jane@example.com", "bob@example.org", "a@b.c", "d@e.f"])
        #expect(list[0].name == "Doe, Jane")
        #expect(list[1].name == "Bob")
        #expect(MIMEHeaders.mailbox("=?UTF-8?B?SsO2cmc=?= <j@x.de>")?.name == "Jörg")
    }

    @Test func quotedPrintable() {
        let out = QuotedPrintable.decode(Array("caf=C3=A9 =\r\nsoft break, bad =ZZ, end=".utf8))
        #expect(String(decoding: out, as: UTF8.self) == "café soft break, bad =ZZ, end")
    }

    @Test func base64IgnoresJunk() {
        #expect(String(decoding: Base64Decoder.decode(Array("SGVs\r\nbG8h".utf8)), as: UTF8.self) == "Hello!")
        #expect(Base64Decoder.decode(Array("!!!".utf8)).isEmpty)
    }

    @Test func charsets() {
        #expect(Charset.decode([0x63, 0x61, 0x66, 0xE9], charset: "iso-8859-1") == "café")
        #expect(Charset.decode([0x80, 0x31], charset: "windows-1252") == "€1")
        #expect(Charset.decode([0xC0, 0xE9], charset: "windows-1251") == "Ай")
        #expect(Charset.decode([0xB1], charset: "iso-8859-2") == "ą")
        // Invalid UTF-8 falls back to Latin-1 instead of failing.
        #expect(Charset.decode([0x61, 0xE9], charset: "utf-8") == "aé")
        #expect(Charset.decode([0x61], charset: "x-unknown-charset") == "a")
    }

    @Test func multipartAlternativePrefersPlainText() {
        let raw = """
            From: Ann <ann@example.com>\r
            Subject: =?UTF-8?Q?Hola_se=C3=B1or?=\r
            Content-Type: multipart/alternative; boundary="b1"\r
            \r
            preamble\r
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Se=C3=B1or, cancel please\r
            --b1\r
            Content-Type: text/html\r
            \r
            <p>HTML version</p>\r
            --b1--\r
            epilogue\r
            """
        let e = EmailExtractor.extract(raw: raw)
        #expect(e.reply == "Señor, cancel please")
        #expect(e.subject == "Hola señor")
        #expect(e.from == "ann@example.com")
    }

    @Test func nestedMultipartAndBase64() {
        let body = Data("Bonjour\n".utf8).base64EncodedString()
        let raw = """
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/related; boundary="inner"

            --inner
            Content-Type: text/plain; charset=ISO-8859-1
            Content-Transfer-Encoding: base64

            \(body)
            --inner--
            --outer
            Content-Type: application/pdf; name="a.pdf"
            Content-Disposition: attachment; filename="a.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0=
            --outer--
            """
        let root = MIMEParser.parse(raw)
        #expect(root.parts.count == 2)
        #expect(root.parts[1].filename == "a.pdf")
        #expect(EmailExtractor.extract(raw: raw).reply == "Bonjour")
    }

    @Test func formDataParts() {
        let body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\nworld\r\n--XyZ\r\nContent-Disposition: form-data; name=\"attachment1\"; filename=\"n.txt\"\r\nContent-Type: text/plain\r\n\r\nfile\r\n--XyZ--\r\n"
        let parts = MIMEParser.parseMultipart(body: Data(body.utf8), boundary: "XyZ")
        #expect(parts.count == 2)
        #expect(parts[0].name == "text")
        #expect(parts[0].text == "hello\r\nworld")
        #expect(parts[1].filename == "n.txt")
        #expect(parts[1].text == "file")
    }

    @Test func htmlToTextMarksQuotes() {
        let html = """
            <html><head><style>p{color:red}</style></head><body><div>Yes, &amp; thanks&nbsp;&#8212; Ann<br>Line two</div>
            <div class="gmail_quote"><div class="gmail_attr">On Mon, Bob wrote:</div><blockquote>old text</blockquote></div></body></html>
            """
        let r = HTMLText.convert(html)
        #expect(r.beforeQuote == "Yes, & thanks — Ann\nLine two")
        #expect(r.text.contains("old text"))
        #expect(!r.text.contains("color"))
        let e = EmailExtractor.extract(text: "", html: html, headers: [])
        #expect(e.reply == "Yes, & thanks — Ann\nLine two")
    }

    @Test func outlookHTMLDividerMarksQuote() {
        let html =
            #"<p>Please cancel.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p><b>From:</b> Gym</p></div>"#
        #expect(HTMLText.convert(html).beforeQuote == "Please cancel.")
    }

    @Test func messageRFC822ForwardAsAttachment() {
        let raw = """
            From: Staff <staff@gym.example>
            Subject: Fwd: help
            Content-Type: multipart/mixed; boundary=m

            --m
            Content-Type: text/plain

            Can you cancel this for her?
            --m
            Content-Type: message/rfc822

            From: Client Name <client@example.com>
            Subject: help
            Date: Mon, 6 Jan 2025 10:00:00 +0000

            Please cancel my membership.
            --m--
            """
        let e = EmailExtractor.extract(raw: raw)
        #expect(e.kind == .forward)
        #expect(e.reply == "Can you cancel this for her?")
        #expect(e.forwarded?.fromAddress == "client@example.com")
        #expect(e.forwarded?.fromName == "Client Name")
        #expect(e.forwarded?.body == "Please cancel my membership.")
    }

    @Test func malformedInputNeverCrashes() {
        let inputs = [
            "", "\r\n\r\n", "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--",
            "Content-Type: multipart/mixed; boundary=a\n\n--a\n",
            "Content-Transfer-Encoding: base64\n\n====", "Content-Transfer-Encoding: quoted-printable\n\n=",
            "Subject: =?utf-8?B?",
            "<<<<>>>>", "&#99999999999;&#x110000;&;", String(repeating: "Content-Type: message/rfc822\n\n", count: 50),
        ]
        for input in inputs {
            _ = EmailExtractor.extract(raw: input)
            _ = EmailExtractor.extract(text: input, html: input, headers: [])
        }
        var nested = "x"
        for k in 0..<40 { nested = "Content-Type: multipart/mixed; boundary=b\(k)\n\n--b\(k)\n\(nested)\n--b\(k)--\n" }
        _ = MIMEParser.parse(nested)
    }
}

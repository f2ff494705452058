import Testing

@testable import FrontdeskText

@Suite struct AutoReplyTests {
    func kind(_ headers: [(name: String, value: String)]) -> String {
        EmailExtractor.extract(text: "I am out of the office.", html: nil, headers: headers).kind.rawValue
    }

    @Test func rfc3834AndCommonHeaders() {
        #expect(kind([("Auto-Submitted", "auto-replied")]) == "auto_reply")
        #expect(kind([("Auto-Submitted", "auto-generated; owner-email=x@y")]) == "auto_reply")
        #expect(kind([("Auto-Submitted", "no")]) == "reply")
        #expect(kind([("Precedence", "bulk")]) == "auto_reply")
        #expect(kind([("Precedence", "junk")]) == "auto_reply")
        #expect(kind([("Precedence", "list")]) == "auto_reply")
        #expect(kind([("X-Autoreply", "yes")]) == "auto_reply")
        #expect(kind([("X-Autorespond", "yes")]) == "auto_reply")
        #expect(kind([("X-Auto-Response-Suppress", "All")]) == "auto_reply")
        #expect(kind([("Return-Path", "<>")]) == "auto_reply")
        #expect(kind([("From", "MAILER-DAEMON@mx.example.com")]) == "auto_reply")
        #expect(kind([("From", "Mail System <postmaster@example.com>")]) == "auto_reply")
        #expect(kind([("List-Unsubscribe", "<mailto:u@example.com>")]) == "auto_reply")
        #expect(kind([("List-Id", "members.example.com")]) == "auto_reply")
        #expect(kind([("Subject", "Automatic reply: your message")]) == "auto_reply")
        #expect(kind([("From", "Jane <jane@example.com>"), ("Subject", "Re: renewal")]) == "reply")
    }

    @Test func multipartReportIsABounce() {
        let raw = """
            From: Mail Delivery <mailer@example.com>
            Content-Type: multipart/report; report-type=delivery-status; boundary=r

            --r
            Content-Type: text/plain

            Delivery failed.
            --r--
            """
        #expect(EmailExtractor.extract(raw: raw).kind == .autoReply)
    }

    @Test func headersAreFilled() {
        let raw =
            "From: Jane <jane@example.com>\nSubject: Re: hi\nMessage-ID: <a1@x>\nIn-Reply-To: <b2@y>\nReferences: <c3@z> <b2@y>\n\nok"
        let e = EmailExtractor.extract(raw: raw)
        #expect(e.from == "jane@example.com")
        #expect(e.subject == "Re: hi")
        #expect(e.messageID == "a1@x")
        #expect(e.inReplyTo == "b2@y")
        #expect(e.references == ["c3@z", "b2@y"])
        #expect(e.reply == "ok")
    }
}

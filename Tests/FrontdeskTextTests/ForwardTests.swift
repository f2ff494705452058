import Testing

@testable import FrontdeskText

@Suite struct ForwardTests {
    let body = "Please cancel my membership."

    @Test func yahooHeadersOnOneLine() {
        let text =
            "Note\n  ----- Weitergeleitete Nachricht ----- Von: Jane Client <jane@example.com>An: desk@gym.example"
            + "CC: Ann, Lee <a@b.c>; d@e.f Gesendet: Dienstag, 2. November 2021, 09:26:50 MEZBetreff: Cancel\n \(body)"
        let e = EmailExtractor.extract(text: text, html: nil, headers: [])
        #expect(e.kind == .forward)
        #expect(e.reply == "Note")
        #expect(e.forwarded?.fromName == "Jane Client")
        #expect(e.forwarded?.subject == "Cancel")
        #expect(e.forwarded?.body == body)
        let d = EmailExtractor.parts(text: text, html: nil, headers: []).forward
        #expect(d?.cc.map(\.address) == ["a@b.c", "d@e.f"])
        #expect(d?.cc.first?.name == "Ann, Lee")
    }

    @Test func dashedMarkerWithoutHeadersIsNotExpanded() {
        let text = "----- Forwarded Message ----- see below: nothing here"
        #expect(ForwardParser.splitRunOnHeaderLine(Substring(text)) == nil)
    }

    @Test func outlookAttributionWithVerbMidLine() {
        for intro in [
            "Jane Client <jane@example.com> kirjoitti 28/10/2021 12.46:",
            "Op 28/10/2021 12:46 heeft Jane Client <jane@example.com> geschreven:",
            "28/10/2021 12:46 időpontban Jane Client (jane@example.com) ezt írta:",
            "Dnia 28/10/2021, 12:46 użytkownik „Jane Client” <jane@example.com> napisał:",
        ] {
            let d = ForwardParser.parse(intro + "\n\n    \(body)\n", subject: "FW: Cancel")
            #expect(d?.fromName == "Jane Client", "\(intro)")
            #expect(d?.fromAddress == "jane@example.com", "\(intro)")
            #expect(d?.body == body, "\(intro)")
        }
    }

    @Test func gmail() {
        let text =
            "Can you handle this?\n\n---------- Forwarded message ---------\nFrom: Jane Client <jane@example.com>\nDate: Wed, Oct 27, 2021 at 9:31 AM\nSubject: Cancel\nTo: <desk@gym.example>\n\n\(body)\n"
        let e = EmailExtractor.extract(text: text, html: nil, headers: [(name: "Subject", value: "Fwd: Cancel")])
        #expect(e.kind == .forward)
        #expect(e.reply == "Can you handle this?")
        #expect(e.forwarded?.fromName == "Jane Client")
        #expect(e.forwarded?.fromAddress == "jane@example.com")
        #expect(e.forwarded?.subject == "Cancel")
        #expect(e.forwarded?.date == "Wed, Oct 27, 2021 at 9:31 AM")
        #expect(e.forwarded?.body == body)
    }

    @Test func appleMailQuoted() {
        let text =
            "Note\n\n> Begin forwarded message:\n>\n> From: Jane <jane@example.com>\n> Subject: Cancel\n> Date: 25 October 2021 at 11:17:21 EEST\n> To: desk@gym.example\n>\n> \(body)\n"
        let d = ForwardParser.parse(text, subject: "Fwd: Cancel")
        #expect(d?.fromAddress == "jane@example.com")
        #expect(d?.body == body)
        #expect(d?.note == "Note")
    }

    @Test func outlookDesktopWithMailto() {
        let text =
            "From: Jane Client [mailto:jane@example.com]\nSent: 25 October 2021 11:17\nTo: desk@gym.example\nSubject: Cancel\n\n\(body)"
        let d = ForwardParser.parse(text, subject: "FW: Cancel")
        #expect(d?.fromName == "Jane Client")
        #expect(d?.fromAddress == "jane@example.com")
        #expect(d?.note == "")
    }

    @Test func outlookWebWithDivider() {
        let text =
            "________________________________\nFrom: Jane Client <jane@example.com>\nSent: Wednesday, October 27, 2021 15:14\nTo: desk@gym.example <desk@gym.example>\nCc: A <a@b.c>; d@e.f\nSubject: Cancel\n\n\(body)"
        let d = ForwardParser.parse(text, subject: "Fw: Cancel")
        #expect(d?.body == body)
        #expect(d?.cc.map(\.address) == ["a@b.c", "d@e.f"])
    }

    @Test func thunderbirdAndLocales() {
        let tb =
            "-------- Forwarded Message --------\nSubject: Cancel\nDate: Mon, 25 Oct 2021 11:17:21 +0300\nFrom: Jane <jane@example.com>\nTo: desk@gym.example\n\n\(body)"
        #expect(ForwardParser.parse(tb, subject: "Fwd: Cancel")?.fromAddress == "jane@example.com")
        let es =
            "---------- Mensaje reenviado ---------\nDe: Juana <juana@example.es>\nDate: mié, 27 oct 2021\nSubject: Baja\nTo: <desk@gym.example>\n\n\(body)"
        #expect(ForwardParser.parse(es, subject: "Fwd: Baja")?.fromName == "Juana")
        let de =
            "-------- Weitergeleitete Nachricht --------\nBetreff: Kündigung\nDatum: Mon, 25 Oct 2021\nVon: Jana <jana@example.de>\nAn: desk@gym.example\n\n\(body)"
        #expect(ForwardParser.parse(de, subject: "WG: Kündigung")?.subject == "Kündigung")
    }

    @Test func nestedForwardGivesInnermost() {
        let text =
            "FYI\n\n---------- Forwarded message ---------\nFrom: Boss <boss@gym.example>\nDate: Tue\nSubject: Fwd: Cancel\nTo: me\n\n---------- Forwarded message ---------\nFrom: Jane <jane@example.com>\nDate: Mon\nSubject: Cancel\nTo: boss\n\n\(body)"
        let d = ForwardParser.parse(text, subject: "Fwd: Fwd: Cancel")
        #expect(d?.fromAddress == "jane@example.com")
        #expect(d?.depth == 2)
        #expect(d?.body == body)
        #expect(d?.note == "FYI")
    }

    @Test func replyWithHeaderBlockIsNotAForward() {
        let text =
            "Yes.\n\nFrom: Gym <desk@gym.example>\nSent: Monday\nTo: Jane\nSubject: Renewal\n\nDo you want to renew?"
        let e = EmailExtractor.extract(text: text, html: nil, headers: [(name: "Subject", value: "RE: Renewal")])
        #expect(e.kind == .reply)
        #expect(e.reply == "Yes.")
    }

    @Test func quotedForwardsUnwrapLevelByLevelWithoutRecursion() throws {
        // Three levels of quoting around a forward unwrap as before; the innermost text below a quote is kept.
        let quoted =
            "---------- Forwarded message ---------\n>>> From: Ann <ann@example.com>\n>>> Subject: Hi\n>>>\n"
            + ">>> Please cancel.\n\nthanks"
        let d = try #require(ForwardParser.parse(quoted, subject: "Fwd: Hi"))
        #expect(d.fromAddress == "ann@example.com")
        #expect(d.body == "Please cancel.")
        #expect(d.textBottom == "thanks")
        // 300,000 levels (600 KB of ">") used to recurse once per level and overflow the stack; now it ends.
        let deep =
            "---------- Forwarded message ---------\n" + String(repeating: ">", count: 300_000)
            + "From: Ann <ann@example.com>\n" + String(repeating: ">", count: 300_000) + "Sent: Monday\nhello\n"
        #expect(ForwardParser.parse(deep, subject: "Fwd: x") == nil)
        #expect(EmailExtractor.extract(text: deep, html: nil, headers: []).kind == .reply)
    }
}

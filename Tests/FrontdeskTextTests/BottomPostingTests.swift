import Testing

@testable import FrontdeskText

/// Replies written under a quoted header block, sign-offs by language, and the new content of HTML-only mail.
@Suite struct BottomPostingTests {
    @Test func replyBelowABareHeaderBlockAtTheTop() {
        let text =
            "Od: Jan Kowalski <jan@example.com>\nWysłano: środa, 1 marca 2023 12:00\nTemat: Test\n\n"
            + "Czesc Anno,\n\nJak się masz?\n\nPozdrawiam,\nJan\n"
        let l = ReplyParser.parse(text)
        #expect(l.replyWithoutSignature == "Czesc Anno,\n\nJak się masz?")
        #expect(l.signature == "Pozdrawiam,\nJan")
        #expect(l.quoted.hasPrefix("Od: Jan Kowalski"))
        #expect(l.boundary == .headerBlock)
    }

    @Test func boldHeaderFieldsSeparatedByBlankLines() {
        let text =
            "**Gesendet:** Mittwoch, 3. Juni 2026 um 09:43\n\n**Von:**\"Support\" <s@example.com>\n\n"
            + "**An:**\"Max\" <max@example.com>\n\n**Betreff:** Ihre Anfrage\n\n\n\nGuten Tag,\n\nBitte erstatten Sie das Geld.\n"
        let l = ReplyParser.parse(text)
        #expect(l.reply == "Guten Tag,\n\nBitte erstatten Sie das Geld.")
        #expect(!l.quoted.contains("Guten Tag"))
    }

    @Test func aDividedHeaderBlockAtTheTopIsAllHistory() {
        // "Original Message" above the headers says everything below is the old message: nothing new was written.
        let text = "-----Original Message-----\nFrom: Ann <ann@example.com>\nSent: Monday\nSubject: Hi\n\nOld text.\n"
        let l = ReplyParser.parse(text)
        #expect(l.reply.isEmpty)
        #expect(l.quoted.contains("Old text."))
    }

    @Test func aDashedAttributionOpeningTheBodyKeepsTheTextBelowIt() {
        // This used to recurse on the same lines until the stack ran out.
        let l = ReplyParser.parse("----- John Smith wrote -----\n\nhello there\n")
        #expect(l.reply == "hello there")
        #expect(l.quoted.hasPrefix("----- John Smith wrote -----"))
        let raw = "From: a@example.com\nSubject: Re: x\n\n----- Ann wrote -----\n\nPlease cancel.\n"
        #expect(EmailExtractor.extract(raw: raw).reply == "Please cancel.")
    }

    @Test func stackedHistoryAboveTheReplyIsSkippedWithoutRecursing() {
        // Some 1 MB of quoted lines, dashed attributions and header blocks stacked above one line of reply: one
        // pass skips them all (a recursion per block would overflow the stack).
        let unit = "> quoted\n----- Ann wrote -----\nFrom: Ann <a@example.com>\nSent: Monday\nSubject: Hi\n\n"
        let text = String(repeating: unit, count: 1_000_000 / unit.utf8.count) + "My reply.\n"
        let l = ReplyParser.parse(text)
        #expect(l.reply == "My reply.")
        #expect(l.quoted.utf8.count > 900_000)
    }

    @Test func headerBlockEndTakesContinuationsAndSingleBlankLines() {
        let lines = TextLines.split("From: Ann\nTo: Bob,\n  Carol\n\nSubject: Hi\n\n\nBody")
        #expect(ReplyParser.headerBlockEnd(lines[...], 0) == 5)
        let tight = TextLines.split("From: Ann\nSent: Monday\nBody right under")
        #expect(ReplyParser.headerBlockEnd(tight[...], 0) == 2)
    }

    @Test func signOffsWithoutDiacriticsAndByLanguage() {
        #expect(ReplyParser.isSignOff("Z powazaniem,"))
        #expect(ReplyParser.isSignOff("Cu stima,"))
        #expect(ReplyParser.isSignOff("Mit freundlichen Gruessen"))
        let portuguese = ReplyParser.patterns.signOffsByLanguage["pt"] ?? []
        #expect(ReplyParser.isSignOff("Cumprimentos", table: ByteTable(portuguese)))
        let english = ReplyParser.patterns.signOffsByLanguage["en"] ?? []
        #expect(!ReplyParser.isSignOff("Cumprimentos", table: ByteTable(english)))
        #expect(ReplyParser.isSignOff("Kind regards,", table: ByteTable(english)))
    }

    @Test func outlookAppFootersInSeveralLanguages() {
        for footer in [
            "Obter o Outlook para Android", "Obtener Outlook para iOS", "Télécharger Outlook pour Android",
            "Get Outlook for iOS", "Scarica Outlook per Android",
        ] {
            #expect(ReplyParser.isMobileFooter(Substring(footer)), "\(footer)")
        }
        #expect(!ReplyParser.isMobileFooter("Outlook is down again for me"))
    }

}

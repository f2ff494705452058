import Testing

@testable import FrontdeskText

@Suite struct ExtractionTests {
    func reply(_ text: String, from: String? = nil) -> ReplyParser.Layers {
        ReplyParser.parse(text, senderName: from)
    }

    @Test func quoteMarkers() {
        let l = reply("Yes please.\n\n> Do you want to renew?\n> Thanks")
        #expect(l.reply == "Yes please.")
        #expect(l.quoted.hasPrefix("> Do you want"))
        #expect(l.boundary == .quoteMarker)
    }

    @Test func attributionLinesInManyLanguages() {
        let cases = [
            "On Mon, Jan 6, 2025 at 9:00 AM Ann <ann@example.com> wrote:",
            "Le 19 mars 2014 10:37, Cédric <c@example.fr> a écrit :",
            "El 19/03/2014 11:34, Juan Pérez <juan@example.es> escribió:",
            "Am 25.06.2015 um 10:55 schrieb Test user <t@example.de>:",
            "Il giorno 8 dic 2016, alle ore 10:00, Anna <a@example.it> ha scritto:",
            "Em 10 de jan de 2023, às 12:03, Ana <a@example.pt> escreveu:",
            "Op 12 december 2016 19:05 schreef Company <q@example.nl>:",
            "Den 8 juni 2015 kl. 21:21 skrev Test user <test@example.se>:",
            "W dniu 7 stycznia 2015 15:24 użytkownik Paweł <p@example.pl> napisał:",
            "2016/11/08 14:26、Test user <test@example.com> のメッセージ:",
            "在 2016年11月8日，下午2:23，Test user <test@example.com> 写道：",
        ]
        for header in cases {
            let l = reply("Sounds good.\n\n\(header)\n\n> old")
            #expect(l.reply == "Sounds good.", "\(header)")
            #expect(l.boundary == .attribution, "\(header)")
        }
    }

    @Test func attributionOverTwoLines() {
        let l = reply(
            "Hello world.\n\nOn 2012-10-16 at 17:02 , Someone <\nsomeone@example.com> wrote:\n\nSome quoted text")
        #expect(l.reply == "Hello world.")
    }

    @Test func attributionWrappedOntoQuotedLine() {
        let text = "Ok.\n\ntir. 18. apr. 2017 kl. 13:09 skrev Test user <test@example.com\n>:\n\n> Ok. Thanks."
        #expect(reply(text).reply == "Ok.")
        let polymail =
            "Test reply\n\nOn Tue, Apr 11, 2017 at 10:07 PM John Smith\n\n<\nmailto:John Smith <js@x.com>\n> wrote:\nold"
        #expect(reply(polymail).reply == "Test reply")
    }

    @Test func dateAndMailboxAboveQuote() {
        #expect(reply("Replying ok\n2011/4/7 Nathan <support@example.com>\n\n>  Cool beans").reply == "Replying ok")
        #expect(reply("Fine.\n\n2013/7/20 sam <info@x.org>\n\n| old text\n|").reply == "Fine.")
        // Without a quote below, such a line is the sender's own text.
        let kept = "Fine.\n\n2013/7/20 sam <info@x.org>\n\nmore"
        #expect(reply(kept).reply == kept)
    }

    @Test func replyAndAttributionOnOneLine() {
        #expect(reply("reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:\n> Hi").reply == "reply")
        let two = "reply\nbla-bla - bla--- On Wed, Apr 4, 2012 at 3:59 PM, me@domain.com wrote:\n> Hi"
        #expect(reply(two).reply == "reply\nbla-bla - bla")
    }

    @Test func textBelowAQuoteIsNotTheReply() {
        let text = "Test reply\n\nOn 04/19/2011 07:10 AM, Roman wrote:\n\n>\n> Test\n\nRegards, Roman"
        #expect(reply(text).reply == "Test reply")
    }

    @Test func greetingAboveAttributionIsKept() {
        let text = "Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:\n> Hi folks\n\nDelete each key."
        #expect(reply(text).reply == "Hi,")
    }

    @Test func arabicHeaderBlockWithDirectionMarks() {
        let text = "شكرا\n\nمن: Lucky <info@client.com>\n\u{200F}\u{200F}تم الإرسال: Monday, May 20, 2024\nإلى: a@b.com"
        #expect(reply(text).reply == "شكرا")
    }

    @Test func somebodyWroteInsideTextIsNotAQuote() {
        let text = "Para one.\n\nSomething wrote:\nthis stays here."
        #expect(reply(text).reply == text)
    }

    @Test func outlookHeaderBlocks() {
        let en = reply(
            "Thank you.\n\nFrom: Gym [mailto:desk@gym.example]\nSent: Tuesday, 14 May 2013 6:18 AM\nTo: Me\nSubject: Hi\n\nold"
        )
        #expect(en.reply == "Thank you.")
        let de = reply(
            "Danke.\n\n-----Ursprüngliche Nachricht-----\nVon: Gym\nGesendet: Mo 11.2.2016\nAn: Ich\nBetreff: Hallo\n\nalt"
        )
        #expect(de.reply == "Danke.")
        let fr = reply(
            "Merci\n\n      De : Someone <s@yahoo.fr>\n À : gym <q@gym.fr>\n Envoyé le : Mercredi 30 novembre 2016\n Objet : Re: x\n\nold"
        )
        #expect(fr.reply == "Merci")
        let ja = reply("了解です。\n\n差出人: Gym\n送信日時: 2020年1月1日\n宛先: 私\n件名: テスト\n\n古い")
        #expect(ja.reply == "了解です。")
        let divider = reply(
            "Ok.\n________________________________\nFrom: A <a@b.c>\nSent: today\nTo: me\nSubject: s\n\nold")
        #expect(divider.reply == "Ok.")
    }

    @Test func singleHeaderLikeLineIsKept() {
        let text = "Please update my card.\nFrom: tomorrow on, bill the new one.\nThanks"
        #expect(reply(text).reply == text)
    }

    @Test func originalMessageSeparator() {
        #expect(reply("Yes\n\n-----Original Message-----\nblah").reply == "Yes")
        #expect(reply("Sí\n\n-----Mensaje original-----\nbla").reply == "Sí")
    }

    @Test func signatureLayers() {
        let l = reply("Please cancel my plan.\n\nThanks,\nBob\n\n-- \nBob Smith\nCEO, Acme\n+1 555 0100")
        #expect(l.unquoted.hasSuffix("+1 555 0100"))
        #expect(l.reply == "Please cancel my plan.\n\nThanks,\nBob")
        #expect(l.replyWithoutSignature == "Please cancel my plan.")
        #expect(l.signature.hasPrefix("Thanks,\nBob"))
        #expect(l.signature.hasSuffix("+1 555 0100"))
    }

    @Test func mobileFooters() {
        for footer in [
            "Sent from my iPhone", "Enviado desde mi iPhone", "Envoyé de mon iPad", "Von meinem iPhone gesendet",
            "Get Outlook for iOS",
        ] {
            let l = reply("New card please\n\n\(footer)")
            #expect(l.reply == "New card please", "\(footer)")
        }
        // A sentence that merely mentions it is not a footer.
        let s = "Here is what I sent from my phone yesterday.\nIt did not work."
        #expect(reply(s).reply == s)
    }

    @Test func legalFooter() {
        let l = reply(
            "Cancel please.\n\nThis email and any attachments are confidential and intended solely for the addressee.")
        #expect(l.reply == "Cancel please.")
    }

    @Test func signatureBlocksWithoutADelimiter() {
        let block = reply(
            "Please cancel my membership at the end of the month.\n\nThanks,\n\nCarolyn Graham\nAccount Manager\n"
                + "Acme Foods Ltd\n40 East Broadway\n(555) 201-4477\ncarolyn@acme.example")
        #expect(block.replyWithoutSignature == "Please cancel my membership at the end of the month.")
        #expect(block.signature.hasPrefix("Thanks,\nCarolyn Graham\nAccount Manager"))
        #expect(block.signature.hasSuffix("carolyn@acme.example"))
        let titleOnly = reply("Please call me if there are any questions.\n\nBarry  Tycholiz\nVice President, Sales")
        #expect(titleOnly.replyWithoutSignature == "Please call me if there are any questions.")
        // A first name alone under a blank line signs the mail; a closing word or a sentence does not.
        #expect(reply("I'll be there at five.\n\nBert").replyWithoutSignature == "I'll be there at five.")
        #expect(reply("Hej,\n\nSvar.").replyWithoutSignature == "Hej,\n\nSvar.")
        #expect(reply("Can you check my billing date?\n\nDone").replyWithoutSignature.hasSuffix("Done"))
        // Short capitalised lines without a name, a title or contact details stay text.
        let list = "What I need:\n\nNew Card\nMy Receipts"
        #expect(reply(list).replyWithoutSignature == list)
        // A lone "Thanks!" is left out of what is classified but is not a signature.
        let thanks = reply("Please send my receipts.\n\nThanks!")
        #expect(thanks.replyWithoutSignature == "Please send my receipts.")
        #expect(thanks.signature.isEmpty)
    }

    @Test func senderNameAtEnd() {
        let l = reply("Here is the schedule.\n\nGrigsby", from: "Mike Grigsby")
        #expect(l.signature == "Grigsby")
        #expect(l.replyWithoutSignature == "Here is the schedule.")
    }

    @Test func neverEmptyWhenSenderWrote() {
        #expect(reply("Thanks!").replyWithoutSignature == "Thanks!")
        #expect(reply("-- \nonly a signature").reply == "-- \nonly a signature")
        // Bottom-posted reply under the quote.
        let l = reply("> Do you want to cancel?\n\nYes, cancel it.")
        #expect(l.reply == "Yes, cancel it.")
    }

    @Test func codeFencesAreNotDelimiters() {
        let text = "Look:\n\n```\n####\n---\n```\n\nEnd."
        #expect(reply(text).reply == text)
    }

    @Test func oneMegabyteFinishes() {
        var quoted = "Fine.\n\nOn Mon, Jan 6, 2025 at 9:00 AM Ann <ann@example.com> wrote:\n"
        while quoted.utf8.count < 1_000_000 { quoted += "> > old line of the thread, quoted again and again.\n" }
        #expect(reply(quoted).reply == "Fine.")
        var plain = ""
        while plain.utf8.count < 1_000_000 { plain += "From: looks like a header\nJust text: with colon wrote:\n\n" }
        #expect(!reply(plain).reply.isEmpty)
        var html = "<div>Yes</div><div class=\"gmail_quote\">"
        while html.utf8.count < 1_000_000 { html += "<blockquote><p>old &amp; older" }
        #expect(HTMLText.convert(html).beforeQuote == "Yes")
    }
}

@Test func lowerMatchesStandardLowercasing() {
    let samples = [
        "ÀÉÎÕÜ Ñ Ç ß ÿ × Þ", "Am 25.06.2015 um 10:55 schrieb Müller <m@x.de>:", "ΣΊΣΥΦΟΣ Ω", "İstanbul ŞİŞLİ",
        "Le lun. 6 janv. 2025 à 09:00, Éric <e@x.fr> a écrit :", "АННА написала", "２０２５年1月6日 ＡＢＣ", "plain ascii",
    ]
    for s in samples {
        #expect(TextLines.lower(s) == s.lowercased())
        #expect(TextLines.lower(s[...]) == s.lowercased())
    }
    #expect(TextLines.lower("A\u{00A0}É") == "a é")
}

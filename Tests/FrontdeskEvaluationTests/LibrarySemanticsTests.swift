import Testing

@testable import FrontdeskEvaluation

/// The other libraries' semantics the corpus records are scored under.
@Suite struct LibrarySemanticsTests {
    func interleaved(_ text: String) -> String { Analysis(text: text, html: nil, headers: []).interleaved }

    @Test func interleavedKeepsTextBelowAQuote() {
        let text = "Test reply\n\nOn 04/19/2011 07:10 AM, Roman wrote:\n\n>\n> Test\n\nRegards, Roman"
        #expect(interleaved(text) == "Test reply\n\nRegards, Roman")
        // Unquoted history under an attribution has no end: nothing below it is the sender's.
        let history = "Thanks.\n\nOn Wed, May 18, 2016 at 11:10 PM Steven <n@x.com> wrote:\n\nold text"
        #expect(interleaved(history) == "Thanks.")
        // A wrapped quoted line between ">" lines stays in the quote.
        let wrapped = "Blah\n\nOn Mon, 1 Jan 2020, A <a@b.c> wrote:\n> see\n (http://x.com/c) >\n> end"
        #expect(interleaved(wrapped) == "Blah")
    }

    @Test func greetingAboveAttributionIsKept() {
        let text = "Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:\n> Hi folks\n\nDelete each key."
        #expect(interleaved(text) == "Hi,\nDelete each key.")
    }

    @Test func interleavedBelowHistoryThatOpensTheBody() {
        // Bottom-posted: the new text starts below the opening quote, and goes on below the next one.
        let text =
            "> old\n\nFirst answer.\n\nOn Mon, 1 Jan 2020, A <a@b.c> wrote:\n> older\n\nSecond answer.\n\n-- \nAnn"
        let a = Analysis(text: text, html: nil, headers: [])
        #expect(a.extraction.reply == "First answer.")
        #expect(a.interleaved == "First answer.\n\nSecond answer.\n\n-- \nAnn")
        #expect(a.interleavedReply == "First answer.\n\nSecond answer.")
    }

    @Test func discourseKeepsInlineQuotes() {
        #expect(
            LibrarySemantics.discourseTrimmed("> This is a quote.\n\nAnd this is some text.\n")
                == "> This is a quote.\n\nAnd this is some text.")
        #expect(LibrarySemantics.discourseTrimmed("> Email with only quote.\n") == "> Email with only quote.")
        #expect(
            LibrarySemantics.discourseTrimmed("> On Thu, Apr 30, 2020 at 10:07 AM, A <a@b.c> wrote:\n>\n") == "")
        let trailing = "Top.\n\nOn Mon, 1 Jan 2020, A <a@b.c> wrote:\n> old\n"
        #expect(LibrarySemantics.discourseTrimmed(trailing) == "Top.")
    }

    @Test func edgeTierCutsAtTheSignOff() {
        let text = "Dear George Best,\n\nYou are my favourite player\n\nAll the best,\n\nPhil\n\nMore text"
        #expect(
            LibrarySemantics.edgeTierCut(text, include: true)
                == "Dear George Best,\n\nYou are my favourite player\n\nAll the best,\n\nPhil")
        #expect(
            LibrarySemantics.edgeTierCut(text, include: false) == "Dear George Best,\n\nYou are my favourite player")
        let phone = "Sent from iPhone\n\nHi,\n\nBody here.\n\nRegards,\n\nKate\n\n____\n\nold"
        #expect(LibrarySemantics.edgeTierCut(phone, include: true) == "Hi,\n\nBody here.\n\nRegards,\n\nKate")
    }

    @Test func edgeTierCountsOnlyTheGivenLanguages() {
        let text =
            "Boa tarde,\n\nGostava de saber o que se passou.\n\nObrigado.\n\nCumprimentos\nPedro Mota\n\n"
            + "Obter o Outlook para Android"
        // Every language: "Obrigado." is the first sign-off.
        #expect(
            LibrarySemantics.edgeTierCut(text, include: false) == "Boa tarde,\n\nGostava de saber o que se passou.")
        // English only: no sign-off, so the text runs to the mobile footer.
        #expect(
            LibrarySemantics.edgeTierCut(text, include: false, languages: ["en"])
                == "Boa tarde,\n\nGostava de saber o que se passou.\n\nObrigado.\n\nCumprimentos\nPedro Mota")
    }

    @Test func githubVisibleTextKeepsInlineQuotes() {
        let text =
            "Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:\n> Hi folks\n\nDelete each key.\n\n"
            + "On Wed, 2011-03-02 at 09:00 +0530, Abhishek Kona wrote:\n> Thanks\n"
        #expect(
            LibrarySemantics.githubVisibleText(text)
                == "Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:\n> Hi folks\n\nDelete each key.")
        let outlook = "Fine.\n\nFrom: Ann <ann@example.com>\nSent: Monday\nTo: b@c.d\nSubject: x\n\n> old\nmore old"
        #expect(LibrarySemantics.githubVisibleText(outlook) == "Fine.")
    }

    @Test func fiedlReplyHTMLKeepsTheSendersMarkup() {
        func replyHTML(_ html: String) -> String? { Analysis(text: "", html: html, headers: []).replyHTML }
        let html =
            "<html><head><title>x</title></head><body>\n<div>Hi &amp; thanks</div>\n"
            + "<div name=\"quote\"><b>Von:</b> support@example.org</div></body></html>"
        #expect(replyHTML(html) == "<div>Hi &amp; thanks</div>")
        #expect(Analysis(text: "", html: html, headers: []).extraction.reply == "Hi & thanks")
        // No quote: everything in the body; no body tag: the whole input.
        #expect(replyHTML("<body><p>One</p></body>") == "<p>One</p>")
        #expect(replyHTML("  <p>Two</p> ") == "<p>Two</p>")
        #expect(replyHTML("<p>Three</p><blockquote>old</blockquote>") == "<p>Three</p>")
    }

    @Test func replyHTMLOnlyForHTMLOnlyMail() {
        let htmlOnly =
            "From: a@example.com\nSubject: Re: x\nContent-Type: text/html; charset=utf-8\n\n"
            + "<html><body><div>Cancel please</div><blockquote>old</blockquote></body></html>\n"
        let a = Analysis(raw: htmlOnly)
        #expect(a.replyHTML == "<div>Cancel please</div>")
        #expect(a.extraction.reply == "Cancel please")
        let plain = "From: a@example.com\nSubject: Re: x\n\nCancel please\n"
        #expect(Analysis(raw: plain).replyHTML == nil)
    }
}

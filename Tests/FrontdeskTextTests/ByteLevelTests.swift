import Testing

@testable import FrontdeskText

/// The byte-level tests that replaced Character-level ones on the hot path, each against the cases it must keep.
@Suite struct ByteLevelTests {
    @Test(arguments: [
        ("On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:", true),
        ("> On Thu, Apr 30, 2020 at 10:07 AM, \"someone\" <someone@example.com> wrote:", true),
        ("Am 25.06.2015 um 10:55 schrieb Test user:", true),
        ("Le 12 mars 2021 à 10:00, Marie <marie@example.fr> a écrit :", true),
        ("El 3 de mayo de 2020, Ana <ana@example.es> escribió:", true),
        ("John Doe <john@acme.com> kirjoitti 28/10/2021 12.46:", true),
        ("2014-03-20 8:48 GMT+01:00 Name <name@example.com>:", true),
        ("在 2020年5月1日，张三 写道：", true),
        ("Someone wrote:", false),
        ("I wrote about this on Tuesday:", false),
        ("Call me at 555-0100 tomorrow", false),
    ])
    func attribution(_ line: String, _ expected: Bool) {
        #expect(ReplyParser.isAttribution(line) == expected, "\(line)")
    }

    @Test func sharedAttributionSplitsAnASCIILine() throws {
        let line: Substring = "Yes please. On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:"
        let (reply, attribution) = try #require(ReplyParser.sharedAttribution(line))
        #expect(reply == "Yes please.")
        #expect(attribution == "On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:")
        #expect(ReplyParser.sharedAttribution("On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:") == nil)
        #expect(ReplyParser.sharedAttribution("Nothing here to split, at all:") == nil)
    }

    @Test func sharedAttributionSplitsANonASCIILine() throws {
        let line: Substring = "Très bien. Le 12 mars 2021 à 10:00, Marie <marie@example.fr> a écrit :"
        let (reply, attribution) = try #require(ReplyParser.sharedAttribution(line))
        #expect(reply == "Très bien.")
        #expect(attribution.hasPrefix("Le 12 mars"))
    }

    @Test func lineEnds() {
        #expect(TextLines.endsWithColon("Subject:"))
        #expect(TextLines.endsWithColon("件名："))
        #expect(TextLines.endsWithColon("wrote:\u{200B} "))
        #expect(!TextLines.endsWithColon("no colon here"))
        #expect(ReplyParser.endsWithWrote("Bob wrote  "))
        #expect(ReplyParser.endsWithWrote("Bob writes"))
        #expect(!ReplyParser.endsWithWrote("rewrote the plan."))
        #expect(!ReplyParser.endsWithWrote("e"))
        #expect(TextLines.trimmed("  x \u{00A0}") == "x")
        #expect(TextLines.trimmed("plain") == "plain")
    }

    @Test func dashedAttributions() {
        #expect(ReplyParser.dashedAttribution("---- On Wed, 24 Feb 2021 10:00 John Smith wrote ----"))
        #expect(ReplyParser.dashedAttribution("---- Marie a écrit ----"))
        #expect(!ReplyParser.dashedAttribution("---- Original message ----"))
        #expect(!ReplyParser.dashedAttribution("---- John wrote"))
    }

    @Test func separatorsWithNonASCIIDecoration() {
        #expect(ReplyParser.separatorKind("-----Original Message-----") == .separator)
        #expect(ReplyParser.separatorKind("\u{00A0}-----Ursprüngliche Nachricht-----\u{00A0}") == .separator)
        #expect(ReplyParser.separatorKind("---------- Forwarded message ---------") == .forwardMarker)
        #expect(ReplyParser.separatorKind("Just a sentence about a message.") == nil)
    }

    @Test func messageIDsSplitOnBytes() {
        #expect(
            EmailExtractor.messageIDs("<a@x>  <b@y>,<c@z>\n\t<>") == ["a@x", "b@y", "c@z"])
    }

    @Test func latin1IsTheFirst256CodePoints() {
        #expect(Charset.decode([0x63, 0x61, 0x66, 0xE9, 0xA0, 0xFF], charset: "iso-8859-1") == "café\u{00A0}ÿ")
    }

    @Test func runOnForwardHeadersSplitWithCyrillicKeys() throws {
        let line: Substring =
            "----- Пересылаемое сообщение ----- От: John Doe <john@example.com>Кому: Jane <jane@example.com>Тема: Привет"
        let parts = try #require(ForwardParser.splitRunOnHeaderLine(line))
        #expect(parts.first == "----- Пересылаемое сообщение -----")
        #expect(parts.dropFirst().first?.hasPrefix("От:") == true)
        #expect(parts.count >= 3)
    }

    @Test func headerValuesAfterBoldAndFullWidthColons() throws {
        let a = try #require(ForwardParser.headerLine("*From:* *Ann* <ann@example.com>"))
        #expect(ReplyParser.patterns.headerWords[a.0] == "from" && a.1 == "Ann* <ann@example.com>")
        #expect(ReplyParser.patterns.headerWordField[a.0] == Patterns.field("from"))
        let b = try #require(ForwardParser.headerLine("差出人： 山田 <yamada@example.jp>"))
        #expect(b.1 == "山田 <yamada@example.jp>")
    }
}

@Suite struct ByteTableTests {
    func id(_ t: ByteTable, _ s: String) -> Int? {
        var copy = s
        return copy.withUTF8 { t.id(of: $0) }
    }

    @Test func findsEveryKeyAndNothingElse() {
        // Enough keys to make the table grow several times; ids follow first insertion, duplicates keep theirs.
        let words = (0..<300).map { "key\($0)" } + ["von", "de", "", "gesendet", "von"]
        let t = ByteTable(words)
        #expect(t.keys.count == 304)
        for (i, w) in words.prefix(300).enumerated() { #expect(id(t, w) == i) }
        #expect(id(t, "von") == 300)
        #expect(id(t, "") == 302)
        for miss in ["key300", "ke", "Von", "von ", "gesendet:", "d"] { #expect(id(t, miss) == nil, "\(miss)") }
        #expect(t.contains("gesendet"))
    }

    @Test func nonASCIIKeys() {
        let t = ByteTable(["betreff", "betréff", "主题", "від"])
        #expect(id(t, "主题") == 2)
        #expect(id(t, "від") == 3)
        #expect(id(t, "betréff") == 1)
        #expect(id(t, "主") == nil)
    }
}

@Suite struct OpeningLeadTests {
    @Test func leadsByFirstByteAndOtherScripts() {
        #expect(ReplyParser.opensWithLeadAndDigit("On Tue, 3 Jun 2025 John"))
        #expect(ReplyParser.opensWithLeadAndDigit("ON TUE, 3 JUN"))
        #expect(ReplyParser.opensWithLeadAndDigit("On\u{00A0}Tue, 3 Jun 2025"))
        #expect(ReplyParser.opensWithLeadAndDigit("  Le 3 juin 2025, Marie"))
        #expect(ReplyParser.opensWithLeadAndDigit("El día 3 de junio de 2025"))
        #expect(ReplyParser.opensWithLeadAndDigit("在 2016年11月8日"))
        #expect(!ReplyParser.opensWithLeadAndDigit("On Tuesday John said"))  // no digit
        #expect(!ReplyParser.opensWithLeadAndDigit("Once 3 people came"))
        #expect(!ReplyParser.opensWithLeadAndDigit("O"))
    }
}

@Suite struct FirstColonTests {
    func colon(_ s: String, from: Int = 0, within: Int = 40) -> Int {
        var copy = s
        return copy.withUTF8 { TextLines.firstColon($0, from: from, within: within) }
    }

    @Test func asciiAndFullWidthColonsInTheWindow() {
        #expect(colon("From: Ann") == 4)
        #expect(colon("差出人： 山田") == 9)  // three 3-byte scalars, then EF BC 9A
        #expect(colon("件名：a: b") == 6)  // the full-width colon comes first
        #expect(colon("a: 件名：") == 1)
        #expect(colon("no colon here at all") == -1)
        #expect(colon(String(repeating: "x", count: 45) + ":") == -1)  // beyond 40 bytes
        #expect(colon("  > Von: x", from: 4) == 7)
        #expect(colon("abc\u{FF1A}") == 3)  // a full-width colon as the last three bytes
        #expect(colon("abcï") == -1)  // C3 AF: no EF lead byte
        #expect(colon("") == -1)
    }
}

@Suite struct ByteRangeTests {
    @Test func firstOccurrenceByBytes() throws {
        let s: Substring = "Ann <a@b<mailto:a@b>> on behalf of c@d"
        let r = try #require(TextLines.range(of: "<mailto:", in: s))
        #expect(s[r] == "<mailto:")
        #expect(s[..<r.lowerBound] == "Ann <a@b")
        #expect(TextLines.range(of: " on behalf of ", in: s).map { String(s[$0.upperBound...]) } == "c@d")
        #expect(TextLines.range(of: "mailto:x", in: s) == nil)
        #expect(TextLines.range(of: "a much longer needle than the text", in: "short") == nil)
        #expect(TextLines.range(of: "", in: s) == nil)
        // Inside a slice of a longer string, and after non-ASCII text.
        let base = "Élodie «x» [mailto:e@x.fr] end"
        let slice = base[base.index(after: base.startIndex)...]
        let m = try #require(TextLines.range(of: "[mailto:", in: slice))
        #expect(slice[m.upperBound...].hasPrefix("e@x.fr]"))
        #expect(TextLines.removingSpans(base, open: "[mailto:", close: 0x5D) == "Élodie «x»  end")
    }
}

@Suite struct CaselessRangeTests {
    @Test func everyScalarInTheCaselessBlocksLowerCasesToItself() {
        var checked = 0
        for v in UInt32(0x80)..<0x1_0000 where TextLines.caseless(v) {
            guard let u = Unicode.Scalar(v) else { continue }
            #expect(!u.properties.changesWhenLowercased, "U+\(String(v, radix: 16))")
            checked += 1
        }
        #expect(checked > 40_000)
        #expect(TextLines.lower("ÉCOLE Шалом שלום 東京 ΣΟΦΙΑ") == "école шалом שלום 東京 σοφια")
    }
}

@Suite struct FoldedPrefixTests {
    @Test func caseAndNonBreakingSpaces() {
        let p = Array("sent from my ".utf8)
        #expect(TextLines.hasPrefixFolded("Sent from my iPhone", p))
        #expect(TextLines.hasPrefixFolded("SENT\u{00A0}FROM\u{00A0}MY iPad", p))
        #expect(!TextLines.hasPrefixFolded("Sent from me", p))
        #expect(!TextLines.hasPrefixFolded("Sent\u{00A9}from my", p))  // C2 A9 is ©, not a space
        #expect(!TextLines.hasPrefixFolded("Sent from my", p))  // shorter than the prefix
        #expect(ReplyParser.isMobileFooter("Sent\u{00A0}from my iPhone"))
    }
}

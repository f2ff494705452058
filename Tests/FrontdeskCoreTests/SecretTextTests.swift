import FrontdeskCore
import Testing

@Suite("Card numbers masked in every form")
struct CardMaskFormTests {
    /// A card number as people type it, and the last four digits the mask keeps.
    static let forms: [(typed: String, last4: String)] = [
        ("4242424242424242", "4242"),
        ("4242 4242 4242 4242", "4242"),
        ("5555-5555-5555-4444", "4444"),
        ("4242.4242.4242.4242", "4242"),
        ("6011/1111/1111/1117", "1117"),
        ("4000_0566_5566_5556", "5556"),
        ("3782\u{00A0}822463\u{00A0}10005", "0005"),  // NBSP, Amex groups 4-6-5
        ("5200\u{202F}8282\u{202F}8282\u{202F}8210", "8210"),  // narrow NBSP
        ("3566\u{2009}0020\u{2009}2036\u{2009}0505", "0505"),  // thin space
        ("6200\u{3000}0000\u{3000}0000\u{3000}0005", "0005"),  // ideographic space
        ("4111\u{2013}1111\u{2013}1111\u{2013}1111", "1111"),  // en dash
        ("4242 - 4242 - 4242 - 4242", "4242"),  // a short run of separators
        ("42\u{200B}42424242424242", "4242"),  // a zero-width space hidden inside
        ("４２４２４２４２４２４２４２４２", "4242"),  // full-width digits
        ("５５５５－５５５５－５５５５－４４４４", "4444"),  // full-width digits and hyphen-minus
        ("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", "4242"),  // Arabic-Indic digits
        ("4222222222222", "2222"),  // 13 digits
        ("3056 9300 0902 0004", "0004"),  // 16-digit Diners
        ("378282246310005", "0005"),  // 15 digits
        ("4000 0000 0000 0000 006", "0006"),  // 19 digits
    ]

    @Test(arguments: forms)
    func everyFormIsMasked(_ form: (typed: String, last4: String)) {
        let (text, masked) = CardMask.mask("my card is \(form.typed), thanks")
        #expect(masked)
        #expect(text == "my card is •••• \(form.last4), thanks")
    }

    @Test func aNumberFollowedByItsExpiryIsStillFound() {
        let (text, masked) = CardMask.mask("4242 4242 4242 4242 12/29 cvc 123")
        #expect(masked)
        #expect(!text.contains("4242 4242"))
        #expect(text.hasPrefix("•••• "))
    }

    @Test func twoCardsInOneMessageAreBothMasked() {
        let (text, masked) = CardMask.mask("old 4242-4242-4242-4242, new ５５５５５５５５５５５５４４４４")
        #expect(masked)
        #expect(text == "old •••• 4242, new •••• 4444")
    }

    @Test func figuresThatAreNotCardsStay() {
        let kept = [
            "order 1234567890123 and phone +15550101001",  // fails Luhn; too short
            "4242424242424241",  // one digit off: fails Luhn
            "42424242424",  // 11 digits
            "tracking 4242424242424242424242424",  // 25 digits in one piece: a reference, not a card
            "4242 4242\n4242 4242",  // a line break ends a number
            "call 555 0101 or 555 0102 on 12/05/2026",
        ]
        for text in kept {
            let result = CardMask.mask(text)
            #expect(!result.masked, "\(text)")
            #expect(result.text == text)
        }
    }

    @Test func everyFieldAPersonWroteIsMasked() {
        let message = InboundMessage(
            provider: "test", providerMessageID: "m1", channel: .email, from: "ben.carter@example.com",
            to: "desk@example.com", subject: "new card 4242.4242.4242.4242", text: "see below",
            forwarded: ForwardedMessage(
                fromName: "Ben 5555555555554444", fromAddress: "ben@example.com", subject: "card ４２４２４２４２４２４２４２４２",
                date: "Mon, 1 Dec 2026", body: "use 6011-1111-1111-1117 please"))
        let (clean, masked) = message.maskingCardNumbers()
        #expect(masked)
        #expect(clean.subject == "new card •••• 4242")
        #expect(clean.text == "see below")
        #expect(clean.forwarded?.fromName == "Ben •••• 4444")
        #expect(clean.forwarded?.subject == "card •••• 4242")
        #expect(clean.forwarded?.body == "use •••• 1117 please")
        #expect(clean.forwarded?.fromAddress == "ben@example.com")
        #expect(message.maskingCardNumbers().message.from == "ben.carter@example.com")
        let plain = InboundMessage(
            provider: "test", providerMessageID: "m2", channel: .sms, from: "+15550101001", to: "+15550100000",
            text: "when is my next billing date?")
        #expect(plain.maskingCardNumbers().masked == false)
    }
}

@Suite("Link tokens found in text")
struct LinkRedactionTests {
    static let token = "q4o3l9s1E1NGig_yIFkF-knd2MYs8ASlyhnrWkpdKcU"

    @Test func aTokenAfterALinkPathIsReplacedByItsLinkID() {
        var asked: [String] = []
        let text = "I opened https://desk.example.test/l/\(Self.token) but lost it"
        let redacted = LinkRedaction.redact(text) { token in
            asked.append(token)
            return 17
        }
        #expect(redacted == "I opened https://desk.example.test/l/[link 17] but lost it")
        #expect(asked == [Self.token])
        #expect(LinkRedaction.containsRedaction(redacted))
        #expect(!LinkRedaction.containsRedaction(text))
    }

    @Test func percentEncodedLinksInsideScannerURLsAreFound() {
        let wrapped = "https://safelinks.example/?url=https%3A%2F%2Fdesk.example.test%2Fl%2F\(Self.token)&data=1"
        let redacted = LinkRedaction.redact(wrapped) { _ in nil }
        #expect(redacted == "https://safelinks.example/?url=https%3A%2F%2Fdesk.example.test%2Fl%2F[link]&data=1")
    }

    @Test func onlyExactlyATokensLengthAfterTheLinkPathIsTouched() {
        let texts = [
            "https://x.test/l/\(Self.token)A",  // one character too many
            "https://x.test/l/\(Self.token.dropLast())",  // one too few
            "https://x.test/p/\(Self.token)",  // not a link path
            "no links here",
        ]
        for text in texts {
            #expect(LinkRedaction.redact(text) { _ in 1 } == text)
        }
        let two = "a /l/\(Self.token) b /l/\(String(Self.token.reversed())) c"
        var ids = [3, 4].makeIterator()
        #expect(LinkRedaction.redact(two) { _ in ids.next() } == "a /l/[link 3] b /l/[link 4] c")
    }
}

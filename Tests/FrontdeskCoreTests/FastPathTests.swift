import Foundation
import FrontdeskTesting
import Testing

@testable import FrontdeskCore

/// The hot path's shortcuts (issue 20) answer exactly what the plain forms they replaced answered.
@Suite("Fast paths agree with the plain forms")
struct FastPathTests {
    /// Texts of every kind an SMS reply holds: ASCII, the extension table, accented GSM-7 letters, typographic
    /// punctuation, other scripts and emoji, short and long.
    static func texts(count: Int, seed: UInt64, gsmOnly: Bool = false) -> [String] {
        var rng = SeededGenerator(seed: seed)
        let all = [
            "a", "Z", "7", " ", "\n", "\r", ".", "$", "@", "_", "`", "\t", "[", "]", "{", "}", "^", "~", "|", "\\", "€",
            "é", "Ñ", "ü", "Δ", "ß", "ç", "’", "“", "…", "—", "\u{00A0}", "😀", "中", "\u{0C}", "Visa ending 4242 ",
            "Your next payment is $49.00 on Dec 1, 2026. ",
        ]
        let pieces = gsmOnly ? all.filter { $0.unicodeScalars.allSatisfy { SMSText.septets($0) != 0 } } : all
        return (0..<count).map { _ in
            let n = Int.random(in: 0...120, using: &rng)
            return (0..<n).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
        }
    }

    /// What `SMSText.size` answered before its single pass: every scalar looked up in the sets, then the widths.
    static func plainSize(_ text: String) -> SMSText.Size {
        func segments(_ widths: [Int], _ capacity: (single: Int, part: Int)) -> Int {
            guard widths.reduce(0, +) > capacity.single else { return 1 }
            var (count, used) = (1, 0)
            for w in widths {
                if used + w > capacity.part { (count, used) = (count + 1, 0) }
                used += w
            }
            return count
        }
        let scalars = text.unicodeScalars
        if scalars.allSatisfy({ SMSText.basic.contains($0) || SMSText.extended.contains($0) }) {
            let widths = scalars.map { SMSText.extended.contains($0) ? 2 : 1 }
            return SMSText.Size(encoding: .gsm7, units: widths.reduce(0, +), segments: segments(widths, (160, 153)))
        }
        let widths = scalars.map { $0.value > 0xFFFF ? 2 : 1 }
        return SMSText.Size(encoding: .ucs2, units: widths.reduce(0, +), segments: segments(widths, (70, 67)))
    }

    @Test func theASCIITableIsTheGSMAlphabet() {
        for byte in 0..<128 {
            let s = Unicode.Scalar(UInt8(byte))
            let expected = SMSText.basic.contains(s) ? 1 : SMSText.extended.contains(s) ? 2 : 0
            #expect(Int(SMSText.asciiSeptets[byte]) == expected, "byte \(byte)")
        }
        #expect(SMSText.septets("`") == 0)
        #expect(SMSText.septets("€") == 2)
        #expect(SMSText.septets("é") == 1)
    }

    @Test func sizeAndPunctuationAgreeWithThePlainForms() {
        let texts = Self.texts(count: 2000, seed: 20) + Self.texts(count: 1000, seed: 21, gsmOnly: true)
        #expect(texts.contains { SMSText.size($0).segments > 2 }, "long texts are among them")
        #expect(texts.contains { SMSText.size($0).encoding == .gsm7 && $0.utf8.count > 170 })
        for text in texts {
            #expect(SMSText.size(text) == Self.plainSize(text), "\(text.debugDescription)")
            // The stand-ins, one scalar at a time, as before the ASCII shortcut.
            var plain = String.UnicodeScalarView()
            for s in text.unicodeScalars {
                if let r = SMSText.plain[s] { plain.append(contentsOf: r.unicodeScalars) } else { plain.append(s) }
            }
            #expect(SMSText.plainPunctuation(text) == String(plain))
        }
        // 160 ASCII septets are one segment, 161 are two; 153 + 1 septets of a long message start a third part.
        #expect(SMSText.size(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSText.size(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSText.size(String(repeating: "a", count: 307)).segments == 3)
        // An escape and its character never straddle two parts: 306 septets, yet three parts.
        let straddling = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        #expect(SMSText.size(straddling) == SMSText.Size(encoding: .gsm7, units: 306, segments: 3))
    }

    @Test func dayArithmeticMatchesTheGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var rng = SeededGenerator(seed: 7)
        var days = Array(Format.gregorianStart..<(Format.gregorianStart + 400)) + Array(-800...800)
        days += (0..<3000).map { _ in Int.random(in: Format.gregorianStart...200_000, using: &rng) }
        for day in days {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            let civil = Format.civil(fromDays: day)
            #expect([civil.year, civil.month, civil.day] == [c.year, c.month, c.day], "day \(day)")
        }
    }

    @Test func datesInZonesMatchTheCalendarAcrossDaylightSaving() {
        let style = LocaleStyle(
            date: "{month} {day}, {year} ({dd})", shortMonths: LocaleStyle.neutral.shortMonths, decimal: ".",
            group: ",", money: [:])
        var rng = SeededGenerator(seed: 11)
        for zoneID in ["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "UTC"] {
            let zone = TimeZone(identifier: zoneID)!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            // Around midnight and the changes of offset: every half hour of 2026, then anywhere from 1583 to 2400.
            var instants = stride(from: 1_767_225_600.0, to: 1_798_761_600, by: 1800).map { $0 }
            instants += (0..<2000).map { _ in Double.random(in: -12_200_000_000...13_600_000_000, using: &rng) }
            for t in instants {
                let date = Date(timeIntervalSince1970: t)
                let c = calendar.dateComponents([.year, .month, .day], from: date)
                let dd = c.day! < 10 ? "0\(c.day!)" : "\(c.day!)"
                let expected = "\(style.shortMonths[c.month! - 1]) \(c.day!), \(c.year!) (\(dd))"
                #expect(Format.date(date, in: zone, style: style) == expected, "\(zoneID) \(t)")
                #expect(
                    Format.isoDate(date, in: zone)
                        == String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
            }
        }
        // Before the Gregorian calendar began, Foundation's calendar (Julian there) still answers.
        let old = Date(timeIntervalSince1970: -12_300_000_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: old)
        #expect(Format.isoDate(old, in: calendar.timeZone) == String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
    }

    @Test func fillReplacesEachMarkerOnce() {
        let values = ["day": "5", "month": "déc.", "year": "2026", "amount": "{day}"]
        #expect(Format.fill("{day} {month} {year}", values) == "5 déc. 2026")
        #expect(Format.fill("{month} {day}, {year}", values) == "déc. 5, 2026")
        #expect(Format.fill("{{day}} {unknown} {", values) == "{5} {unknown} {")
        #expect(Format.fill("no markers", values) == "no markers")
        #expect(Format.fill("", values) == "")
        #expect(Format.fill("{amount}", values) == "{day}", "a value is not searched for markers")
        #expect(Format.padded(7, 2) == "07" && Format.padded(2026, 4) == "2026" && Format.padded(-5, 3) == "-05")
        #expect(Format.padded(12345, 4) == "12345")
    }

    @Test func phonesReadTheSameWithTheASCIIShortcut() {
        let samples = [
            "+1 (555) 010-1001", "555.010.1001", "5550101001", "0044 20 7946 0958", "+44 20 7946 0958", "+1666123",
            "+15550101001\r\n", "++15550101001", "1+5550101001", "+1 555 010 1001 ext 2", "", "+", "0555010100",
            "+1５５５0101001", "+1 555 010 1001", "+1\u{00A0}555 010 1001",
        ]
        for raw in samples {
            #expect(Address.phone(raw) == Self.plainPhone(raw), "\(raw.debugDescription)")
        }
    }

    /// `Address.phone` before its ASCII shortcut: by Character.
    static func plainPhone(_ raw: String, defaultCountryCode: String = "1") -> String? {
        var digits = ""
        var sawPlus = false
        for ch in raw {
            if ch == "+", digits.isEmpty, !sawPlus {
                sawPlus = true
            } else if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if " -().".contains(ch) {
                continue
            } else {
                return nil
            }
        }
        if !sawPlus {
            if digits.count == 10 {
                digits = defaultCountryCode + digits
            } else if digits.hasPrefix("00") {
                digits.removeFirst(2)
            }
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }

    @Test func noASCIICharacterIsAnEmojiToken() {
        for byte in 0..<128 {
            let c = Unicode.Scalar(UInt8(byte))
            #expect(Lexicon.isEmoji(c) == (c.properties.isEmojiPresentation || (c.value > 0x2000 && c.properties.isEmoji)))
        }
        #expect(Lexicon.isEmoji("😀") && Lexicon.isEmoji("\u{2764}") == "\u{2764}".unicodeScalars.first!.properties.isEmoji)
    }

    @Test func cardMaskSkipsOnlyTextsThatCannotHoldACard() {
        #expect(CardMask.fewerDigitsThanACard("call me at 555 010 1001"))
        #expect(!CardMask.fewerDigitsThanACard("4242 4242 4242 4242"))
        #expect(!CardMask.fewerDigitsThanACard("４２４２"), "non-ASCII text takes the full reading")
        #expect(CardMask.mask("card 4242 4242 4242 4242 please").masked)
        #expect(CardMask.mask("12 digits 1234 5678 9012").text == "12 digits 1234 5678 9012")
    }

    @Test func templatesResolveAsByTheirFileKeys() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        let store = catalog.templates
        let ids = Set(store.ids.map { key -> String in
            let file = key.drop { $0 != "/" }.dropFirst()
            if let dot = file.lastIndex(of: "."), Channel(rawValue: String(file[file.index(after: dot)...])) != nil {
                return String(file[..<dot])
            }
            return String(file)
        })
        #expect(ids.count > 50)
        for id in ids.sorted() {
            for locale in store.locales + ["xx"] {
                for channel in [nil] + Channel.allCases {
                    // The order of the keys before the index: the locale's channel file, its neutral file, then English's.
                    var expected: TemplateStore.Template?
                    for l in locale == "en" ? ["en"] : [locale, "en"] where expected == nil {
                        if let channel { expected = store.template("\(id).\(channel.rawValue)", locale: l) }
                        expected = expected ?? store.template(id, locale: l)
                    }
                    let found = store.resolve(id, channel: channel, locale: locale)
                    #expect(found?.file == expected?.file, "\(id) \(locale) \(String(describing: channel))")
                }
            }
        }
        #expect(store.resolve("no/such", channel: .sms, locale: "fr") == nil)
    }
}

/// A deterministic generator (SplitMix64) so a failing text can be found again.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

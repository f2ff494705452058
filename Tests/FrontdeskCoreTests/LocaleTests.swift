import Foundation
import FrontdeskCore
import FrontdeskTesting
import Testing

/// Dates, money and keywords per locale (`formats` and `keywords` in `prompts/<locale>/words.json`), telling a
/// message's language, and how the catalog's locales cover each other.
@Suite("Locales: formats, keywords, languages, coverage")
struct LocaleTests {
    static let catalog = Result { try Catalog.load(root: TestBot.root) }

    @Test func datesReadInEachLocaleInTheBusinessZone() throws {
        let lexicon = try Self.catalog.get().lexicon
        let ny = try #require(TimeZone(identifier: "America/New_York"))
        let date = Date(timeIntervalSince1970: 1_796_443_200)  // 2026-12-05 04:00 UTC: still Dec 4 in New York
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(Format.date(date, in: utc, style: lexicon.style("en")) == "Dec 5, 2026")
        #expect(Format.date(date, in: utc, style: lexicon.style("fr")) == "5 déc. 2026")
        #expect(Format.date(date, in: utc, style: lexicon.style("es")) == "5 dic 2026")
        #expect(Format.date(date, in: ny, style: lexicon.style("fr")) == "4 déc. 2026")
        #expect(Format.date(date, in: utc, style: lexicon.style("de")) == "Dec 5, 2026")  // no German: English
        #expect(Format.date(date, in: utc, style: .neutral) == "2026-12-05")
    }

    @Test func moneyReadsPerLocaleAndCurrency() throws {
        let lexicon = try Self.catalog.get().lexicon
        let (en, es, fr) = (lexicon.style("en"), lexicon.style("es"), lexicon.style("fr"))
        #expect(Format.money(4900, currency: "USD", style: en) == "$49.00")
        #expect(Format.money(4900, currency: "EUR", style: fr) == "49,00 €")
        #expect(Format.money(4900, currency: "EUR", style: es) == "49,00 €")
        #expect(Format.money(4900, currency: "USD", style: es) == "$49.00")  // dollars keep their own separators
        #expect(Format.money(4900, currency: "USD", style: fr) == "49,00 $ US")
        #expect(Format.money(123_456, currency: "EUR", style: fr) == "1 234,56 €")
        #expect(Format.money(123_456, currency: "EUR", style: es) == "1.234,56 €")
        #expect(Format.money(123_456, currency: "SEK", style: en) == "1,234.56 SEK")
        #expect(Format.money(1200, currency: "JPY", style: fr) == "1 200 JPY")
        #expect(Format.number(1_234_567, style: en) == "1,234,567")
    }

    @Test func keywordsOfEveryLocaleAreData() throws {
        let lexicon = try Self.catalog.get().lexicon
        for (word, intent) in [
            ("stop", "optout"), ("arret", "optout"), ("alto", "optout"), ("baja", "optout"), ("start", "optin"),
            ("alta", "optin"), ("help", "help"), ("aide", "help"), ("ayuda", "help"),
        ] {
            #expect(lexicon.keywords[word] == intent, "\(word)")
        }
        #expect(lexicon.keywords["cancelar"] == nil)  // a bare "cancelar" is asked about, not an opt-out
        #expect(lexicon.more.contains(["suite"]) && lexicon.more.contains(["mas"]) && lexicon.more.contains(["more"]))
    }

    @Test func badFormatsAndKeywordsAreNamedByLine() {
        var lexicon = Lexicon()
        let text = """
            {
              "yes": ["yes"],
              "keywords": {"optout": ["stop"], "optin": ["stop"]},
              "formats": {"date": "{day}/{month}", "short_months": [], "decimal": ".", "group": ",", "money": {}}
            }
            """
        let faults = lexicon.merge(text, locale: "xx", file: "prompts/xx/words.json")
        #expect(faults.map(\.line) == [3, 4])
        #expect(faults.contains { $0.message.contains("keyword stop is both optin and optout") })
        #expect(faults.contains { $0.message.contains("formats.date must hold {day}, {month} and {year}") })
    }

    @Test func aMessageCarriesALanguageOnlyWhenItsWordsSaySo() throws {
        let detector = try Self.catalog.get().languageDetector()
        for languageless in ["ok", "OK", "YES", "yes!", "sí", "oui", "no", "non", "👍", "+1 555 010 1001", "42", ""] {
            #expect(detector.detect(languageless) == nil, "\(languageless)")
        }
        let cases: [(String, String)] = [
            ("¿cuándo es mi próximo cobro?", "es"), ("quiero cancelar mi membresía", "es"),
            ("envoyez-moi mes factures", "fr"), ("quand est mon prochain prélèvement ?", "fr"),
            ("when is my next billing date?", "en"), ("please send me my receipts", "en"),
        ]
        for (text, locale) in cases {
            #expect(detector.detect(text) == LanguageDetector.Guess(locale: locale, confident: true), "\(text)")
        }
        // One word is the message's language, not enough to change a client's.
        #expect(detector.detect("gracias") == LanguageDetector.Guess(locale: "es", confident: false))
        #expect(detector.detect("merci !") == LanguageDetector.Guess(locale: "fr", confident: false))
        #expect(detector.detect("hola, factura") == LanguageDetector.Guess(locale: "es", confident: true))
        #expect(detector.readsDayFirst("mi factura del 3/4") && !detector.readsDayFirst("my invoice of 3/4"))
    }

    @Test func theRealCatalogCoversEveryLocale() throws {
        let catalog = try Self.catalog.get()
        #expect(catalog.locales == ["en", "es", "fr"])
        #expect(catalog.localeFaults() == [])
        #expect(catalog.replyLocale("fr", business: "en") == "fr")
        #expect(catalog.replyLocale("de", business: "es") == "es")
        #expect(catalog.replyLocale(nil, business: "pt") == "en")
    }

    @Test func aMissingCopyAndADifferentPlaceholderAreFaults() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fd-locales-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = [
            "en/cancel/confirm.txt": "Cancel {{plan}}? Expires in {{minutes}} minutes.",
            "fr/cancel/confirm.txt": "Résilier {{plan}} ?", "en/cancel/kept.txt": "Kept.",
        ]
        for (path, text) in files {
            let url = root.appendingPathComponent("prompts/" + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let templates = try TemplateStore.load(directory: root.appendingPathComponent("prompts"), relativeTo: root)
        var lexicon = try Self.catalog.get().lexicon
        lexicon.styles["fr"] = nil
        let catalog = Catalog(
            manifests: [], examples: [], templates: templates, lexicon: lexicon, locales: ["en", "fr"])
        let faults = catalog.localeFaults().map(\.description)
        #expect(faults.contains("prompts/fr/words.json:1: no formats: dates and money would read as in English"))
        #expect(
            faults.contains(
                "prompts/fr/cancel/kept.txt:0: missing: prompts/en/cancel/kept.txt has no fr copy"
                    + " (fr replies fall back to English)"))
        #expect(
            faults.contains(
                "prompts/fr/cancel/confirm.txt:1: placeholder {{minutes}} is used in prompts/en/cancel/confirm.txt"
                    + " but not here"))
        #expect(faults.count == 3, "\(faults)")
    }
}

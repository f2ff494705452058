import Foundation
import FrontdeskCore
import FrontdeskTesting
import Testing

@Suite("Core values")
struct CoreTests {
    @Test(arguments: [
        ("+1 (555) 010-1001", "+15550101001"), ("555-010-1001", "+15550101001"), ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
    ])
    func phonesBecomeE164(_ raw: String, _ expected: String) {
        #expect(Address.phone(raw) == expected)
    }

    @Test func badPhonesAndEmailsAreRefused() {
        #expect(Address.phone("hello") == nil)
        #expect(Address.phone("123") == nil)
        #expect(Address.email("not an email") == nil)
        #expect(Address.email("a@b.c\r\nBcc: x@y.z") == nil)
        #expect(Address.email("Alice <Alice@Example.COM>") == "alice@example.com")
    }

    @Test func moneyIsMinorUnitsPlusCurrency() throws {
        let en = try Catalog.load(root: TestBot.root).lexicon.style("en")
        #expect(Format.money(14900, currency: "USD", style: en) == "$149.00")
        #expect(Format.money(5, currency: "EUR", style: en) == "€0.05")
        #expect(Format.money(1200, currency: "JPY", style: en) == "1,200 JPY")
        #expect(Format.money(1234, currency: "KWD", style: en) == "1.234 KWD")
        #expect(Format.money(-120_000, currency: "USD", style: en) == "-$1,200.00")
    }

    @Test func datesAreShownInTheBusinessZone() throws {
        let utcEarly = Date(timeIntervalSince1970: 1_795_320_000)  // 2026-11-22T04:00Z = Nov 21 in New York
        let ny = try #require(TimeZone(identifier: "America/New_York"))
        let en = try Catalog.load(root: TestBot.root).lexicon.style("en")
        #expect(Format.date(utcEarly, in: ny, style: en) == "Nov 21, 2026")
        #expect(Format.isoDate(utcEarly, in: TimeZone(identifier: "UTC")!) == "2026-11-22")
    }

    @Test func cardNumbersAreMaskedOnlyWhenTheyPassLuhn() {
        let (masked, hit) = CardMask.mask("my card is 4111-1111-1111-1111 thanks")
        #expect(hit)
        #expect(masked == "my card is •••• 1111 thanks")
        let (plain, none) = CardMask.mask("order 1234567890123 and phone +15550101001")
        #expect(!none)
        #expect(plain == "order 1234567890123 and phone +15550101001")
    }

    @Test func settingsParseAgainstTheirSchema() throws {
        let spec = SettingSpec(
            key: "count", kind: .int, defaultValue: .int(3), minimum: 1, maximum: 12, values: [], description: "")
        #expect(try spec.parse("5").get() == .int(5))
        #expect(throws: SettingError.self) { try spec.parse("50").get() }
        #expect(throws: SettingError.self) { try spec.parse("many").get() }
        let mode = SettingSpec(
            key: "mode", kind: .enumeration, defaultValue: .string("a"), minimum: nil, maximum: nil,
            values: ["a", "b"], description: "")
        #expect(throws: SettingError.self) { try mode.parse("c").get() }
        #expect(SettingValue(json: SettingValue.string("x\"y").json) == .string("x\"y"))
    }

    @Test func theRealCatalogLoadsAndEveryIntentHasTemplatesAndExamples() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        #expect(
            Set(catalog.intentIDs) == [
                "membership.show", "payment_method.update", "membership.cancel", "invoices.list", "help", "handoff",
                "optout",
                "optin", "unknown", "membership.pause", "membership.resume", "membership.reactivate", "plan.change",
                "profile.update", "refund.request", "appointment.request", "privacy", "smalltalk",
            ])
        for intent in catalog.intentIDs {
            #expect(catalog.examples.contains { $0.intent == intent }, "no examples for \(intent)")
        }
    }

    @Test func templatesPreferTheChannelVariantAndFallBack() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        let values = ["business": "B", "items": "• x", "contact": "C", "short": "\"x\""]
        let sms = try catalog.templates.render("help/menu", channel: .sms, values)
        let email = try catalog.templates.render("help/menu", channel: .email, values)
        #expect(sms.contains("STOP"))
        #expect(!email.contains("STOP"))
        #expect(throws: TemplateStore.RenderError.self) {
            try catalog.templates.render("help/menu", channel: .sms, [:])
        }
        #expect(throws: TemplateStore.RenderError.self) {
            try catalog.templates.render("nope/nothing", channel: nil, [:])
        }
    }

    @Test func faultsAreNamedByFileAndLine() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "fd-catalog-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(
            at: root.appendingPathComponent("plugins/demo/examples"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("prompts/en/demo"), withIntermediateDirectories: true)
        try """
        {
          "id": "demo",
          "description": "A test plugin",
          "intents": [{"id": "demo.show", "templates": ["demo/show", "demo/missing"]}],
          "settings": {}
        }
        """.write(to: root.appendingPathComponent("plugins/demo/plugin.json"), atomically: true, encoding: .utf8)
        try fm.createDirectory(at: root.appendingPathComponent("plugins/bad"), withIntermediateDirectories: true)
        try """
        {
          "id": "bad",
          "description": "A plugin with a bad default",
          "intents": [{"id": "bad.show"}],
          "settings": {
            "count": {"type": "int", "default": 99, "min": 1, "max": 12}
          }
        }
        """.write(to: root.appendingPathComponent("plugins/bad/plugin.json"), atomically: true, encoding: .utf8)
        try "show me\nshow me\n".write(
            to: root.appendingPathComponent("plugins/demo/examples/demo.show.en.txt"), atomically: true, encoding: .utf8
        )
        try "hello".write(
            to: root.appendingPathComponent("plugins/demo/examples/other.intent.en.txt"), atomically: true,
            encoding: .utf8)
        try "Hi {{name}\n".write(
            to: root.appendingPathComponent("prompts/en/demo/show.txt"), atomically: true, encoding: .utf8)
        do {
            _ = try Catalog.load(root: root)
            Issue.record("faults were not reported")
        } catch let error as Diagnostics {
            let text = error.description
            #expect(text.contains("plugins/bad/plugin.json:6: setting count: default"), "\(text)")
            #expect(text.contains("plugins/demo/examples/demo.show.en.txt:2: duplicate example"), "\(text)")
            #expect(text.contains("other.intent.en.txt:0: intent other.intent is not declared"), "\(text)")
            #expect(text.contains("prompts/en/demo/show.txt:1: unclosed {{"), "\(text)")
            #expect(text.contains("template demo/missing (intent demo.show) has no file"), "\(text)")
        }
        try "{ \"id\": \"demo\",\n  \"description\": \n}".write(
            to: root.appendingPathComponent("plugins/demo/plugin.json"), atomically: true, encoding: .utf8)
        #expect(throws: Diagnostics.self) { _ = try Catalog.load(root: root) }
    }

    @Test func jsonKeepsKeyOrderAndEscapes() {
        let j = JSON.object([("b", 1), ("a", .string("x\"\n"))])
        #expect(j.serialized() == #"{"b":1,"a":"x\"\n"}"#)
    }
}

@Suite("Trimming")
struct TrimTests {
    @Test(arguments: [
        ("  a b \n", "a b"), ("abc", "abc"), ("\n\t\u{00A0}x\u{2003}", "x"), ("   ", ""), ("", ""), ("é ", "é"),
    ])
    func trimsWhitespaceAtBothEnds(_ input: String, _ expected: String) {
        #expect(input.trimmedWhitespace() == expected)
        #expect(input[...].trimmedWhitespace() == expected)
    }
}

import Foundation
import FrontdeskCore
import FrontdeskTesting
import Testing

/// `frontdesk check` guards the catalog's locales: a template missing from one, a placeholder one locale uses and
/// another does not; `--sms` prints what each SMS template costs.
@Suite("frontdesk check and the locales")
struct CheckLocalesTests {
    /// A copy of the real plugins/, prompts/ and web/ (the console's templates, which `check` checks too) to break.
    func copiedCatalog() throws -> URL {
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fd-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        for folder in ["plugins", "prompts", "web"] {
            try FileManager.default.copyItem(
                at: TestBot.root.appendingPathComponent(folder), to: home.appendingPathComponent(folder))
        }
        return home
    }

    @Test func aMissingFrenchTemplateFailsTheCheckAndIsNamed() throws {
        let bin = try Binary()
        let home = try copiedCatalog()
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try bin.run(["check"], env: ["FRONTDESK_HOME": home.path]).code == 0)
        try FileManager.default.removeItem(at: home.appendingPathComponent("prompts/fr/cancel/confirm.txt"))
        let r = try bin.run(["check"], env: ["FRONTDESK_HOME": home.path])
        #expect(r.code == 1)
        #expect(
            r.err.contains(
                "frontdesk: prompts/fr/cancel/confirm.txt:0: missing: prompts/en/cancel/confirm.txt has no fr copy"
                    + " (fr replies fall back to English)"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
        // Start-up does not stop on it: a French client gets the English copy, as a last resort.
        #expect(try bin.run(["demo"], env: ["FRONTDESK_HOME": home.path]).code == 0)
    }

    @Test func aPlaceholderOneLocaleDropsIsNamed() throws {
        let bin = try Binary()
        let home = try copiedCatalog()
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent("prompts/es/payment/link.txt")
        try Data("Hola {{name}}, cambia tu tarjeta: {{url}}\n".utf8).write(to: file)
        let r = try bin.run(["check"], env: ["FRONTDESK_HOME": home.path])
        #expect(r.code == 1)
        for name in ["current", "minutes"] {
            #expect(
                r.err.contains(
                    "prompts/es/payment/link.txt:1: placeholder {{\(name)}} is used in prompts/en/payment/link.txt"
                        + " but not here"), "\(r.err)")
        }
    }

    @Test func theSMSReportListsEveryTemplateInEveryLocale() throws {
        let bin = try Binary()
        let r = try bin.run(["check", "--sms"])
        #expect(r.code == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        for locale in ["en", "es", "fr"] {
            #expect(lines.contains { $0.hasPrefix(locale) && $0.contains("membership/card ") && $0.contains("GSM-7") })
            let summary = try #require(lines.first { $0.hasPrefix("\(locale): ") })
            #expect(summary.contains("0 UCS-2"), "\(summary)")
            #expect(summary.hasSuffix("at most 3"), "\(summary)")
        }
        // Staff notices, email variants and pages never go by SMS.
        #expect(!r.out.contains("core/unverified_notice") && !r.out.contains("handoff/staff"))
        #expect(!r.out.contains("pages/"))
        #expect(lines.last?.hasPrefix("ok: ") == true)
    }
}

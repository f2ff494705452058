import FrontdeskCore
import FrontdeskTesting
import Testing

@testable import FrontdeskPlugins

@Suite("Invoice periods")
struct InvoicePeriodTests {
    static let lexicon = Result { try Catalog.load(root: TestBot.root).lexicon }
    static let november2026 = InvoicePeriod.Month(year: 2026, month: 11)

    func parse(_ text: String, today: InvoicePeriod.Month = november2026) throws -> String? {
        guard let p = InvoicePeriod.parse(text, lexicon: try Self.lexicon.get(), today: { today }) else { return nil }
        func f(_ m: InvoicePeriod.Month) -> String { "\(m.year)-\(m.month < 10 ? "0" : "")\(m.month)" }
        return "\(f(p.first))..\(f(p.last))"
    }

    @Test(arguments: [
        ("my october invoice", "2026-10..2026-10"), ("march 2026", "2026-03..2026-03"),
        ("send my invoice for March 2026", "2026-03..2026-03"), ("december", "2025-12..2025-12"),
        ("invoices from january to march", "2026-01..2026-03"), ("from november to february", "2025-11..2026-02"),
        ("jan-mar 2025", "2025-01..2025-03"), ("between july and september 2026", "2026-07..2026-09"),
        ("my receipts for 2025", "2025-01..2025-12"), ("invoices from 2024 to 2025", "2024-01..2025-12"),
        ("my invoices from last year", "2025-01..2025-12"), ("this year's receipts", "2026-01..2026-12"),
        ("last month's invoice", "2026-10..2026-10"), ("invoices for may", "2026-05..2026-05"),
        ("mis facturas de octubre", "2026-10..2026-10"), ("facturas de enero a marzo de 2025", "2025-01..2025-03"),
        ("las facturas del año pasado", "2025-01..2025-12"), ("mes factures d'octobre", "2026-10..2026-10"),
        ("factures de janvier à mars", "2026-01..2026-03"), ("mes factures de l'année dernière", "2025-01..2025-12"),
        ("le reçu du mois dernier", "2026-10..2026-10"),
    ])
    func periodsAreReadFromTheWords(_ text: String, _ expected: String) throws {
        #expect(try parse(text) == expected, "\(text)")
    }

    @Test(arguments: ["send my receipts", "may I have my invoices", "my invoices please", "mar y playa"])
    func noPeriodIsReadWhereNoneIsNamed(_ text: String) throws {
        #expect(try parse(text) == nil, "\(text)")
    }

    @Test func aMonthWithoutAYearIsTheLatestOneNotAfterThisMonth() throws {
        #expect(try parse("my october invoice", today: .init(year: 2026, month: 2)) == "2025-10..2025-10")
        #expect(try parse("my february invoice", today: .init(year: 2026, month: 2)) == "2026-02..2026-02")
    }
}

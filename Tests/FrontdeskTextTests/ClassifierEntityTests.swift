import Testing

@testable import FrontdeskText

@Suite struct ClassifierEntityTests {
    func e(_ text: String, dayFirst: Bool = false) -> [String: String] {
        EntityExtractor.extract(text) { dayFirst }
    }

    @Test func invoiceNumbers() {
        #expect(e("copy of INV-1042 please")["invoice_number"] == "INV-1042")
        #expect(e("inv1042")["invoice_number"] == "INV-1042")
        #expect(e("invoice #2031")["invoice_number"] == "2031")
        #expect(e("invoice no. 55012")["invoice_number"] == "55012")
        #expect(e("factura número 778")["invoice_number"] == "778")
        #expect(e("facture n° 4410")["invoice_number"] == "4410")
        #expect(e("my invoices from 2023")["invoice_number"] == nil)
        #expect(e("I paid 120 last month")["invoice_number"] == nil)
    }

    @Test func months() {
        #expect(e("the January invoice")["month"] == "01")
        #expect(e("recibo de septiembre")["month"] == "09")
        #expect(e("facture d'août")["month"] == "08")
        #expect(e("sept. charge")["month"] == "09")
        #expect(e("you may send it")["month"] == nil)
        #expect(e("the mar is calm")["month"] == nil)
    }

    @Test func dates() {
        #expect(e("on 2024-03-05")["date"] == "2024-03-05")
        #expect(e("March 5th, 2024")["date"] == "2024-03-05")
        #expect(e("5 de marzo de 2024")["date"] == "2024-03-05")
        #expect(e("le 1er mars 2024")["date"] == "2024-03-01")
        #expect(e("03/05/2024")["date"] == "2024-03-05")
        #expect(e("03/05/2024", dayFirst: true)["date"] == "2024-05-03")
        #expect(e("25/12/2023")["date"] == "2023-12-25")
        #expect(e("31/02/2024")["date"] == nil)
        #expect(e("March 5")["date"] == nil)
    }
}

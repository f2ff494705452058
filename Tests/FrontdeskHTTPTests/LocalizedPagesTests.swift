import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

/// The link pages speak the client's stored language (the owning plugin's `prompts/<locale>/<plugin>/page_*.txt` and
/// the engine's `prompts/<locale>/core/page_*.txt`), with dates and money in that language's style, whatever the
/// business's locale (the demo's is English); a link nobody can place is in English.
@Suite("Link pages in the client's language")
struct LocalizedPagesTests {
    static let form = ["Content-Type": "application/x-www-form-urlencoded"]

    func path(_ url: String) throws -> String {
        let path = try #require(url.components(separatedBy: "https://desk.example.test").last)
        #expect(path.hasPrefix("/l/"))
        return path
    }

    @Test func aFrenchClientsCardPageIsInFrench() async throws {
        let f = try WebFixture()
        let liam = "+15550101012"
        let link = try #require(try f.bot.say("je voudrais changer ma carte bancaire", from: liam).links.first)
        let page = try await fetch(f.server, try path(link.url))
        #expect(page.status == 200)
        #expect(page.text.contains("<html lang=\"fr\">"))
        #expect(page.text.contains("Mettez à jour votre carte"))
        #expect(page.text.contains("Visa •••• 9424, expire fin 07/2027"))
        #expect(page.text.contains("120,00 $ US/mois"))
        #expect(!page.text.contains("Update your card"))
        let typo = try await fetch(
            f.server, try path(link.url), method: "POST", headers: Self.form,
            body: formEncode([
                ("number", "4242 4242 4242 4241"), ("exp_month", "12"), ("exp_year", "2030"), ("cvc", "1"),
            ]))
        #expect(typo.status == 422)
        #expect(typo.text.contains("Vérifiez le numéro de carte."))
        let done = try await fetch(
            f.server, try path(link.url), method: "POST", headers: Self.form,
            body: formEncode([
                ("number", "4242 4242 4242 4242"), ("exp_month", "12"), ("exp_year", "2030"), ("cvc", "123"),
            ]))
        #expect(done.text.contains("Carte mise à jour"))
        #expect(done.text.contains("Votre Visa se terminant par 4242 (expire fin 12/2030)"))
        let again = try await fetch(f.server, try path(link.url))
        #expect(again.status == 410)
        #expect(again.text.contains("Ce lien a déjà été utilisé"))
        #expect(again.text.contains("<html lang=\"fr\">"))
        #expect(again.text.contains("contactez-nous : +1 555 010 0000 / hello@maple-studio.example"))
    }

    @Test func aSpanishClientCancelsOnASpanishPage() async throws {
        let f = try WebFixture()
        try f.bot.set("cancel", ["allowed": .bool(true), "confirm": .string("link")])
        let link = try #require(try f.bot.say("quiero cancelar mi plan", from: "+15550101017").links.first)
        let page = try await fetch(f.server, try path(link.url))
        #expect(page.text.contains("<html lang=\"es\">"))
        #expect(page.text.contains("Cancela tu membresía"))
        #expect(page.text.contains("<strong>Class Pack 10</strong> ($120.00/mes)"))
        #expect(page.text.contains("Sigue activa hasta el <strong>"))
        #expect(page.text.contains(" dic 2026</strong>") || page.text.contains(" ene 2027</strong>"))
        let done = try await fetch(
            f.server, try path(link.url), method: "POST", headers: Self.form, body: formEncode([("reason", "me mudo")]))
        #expect(done.text.contains("Membresía cancelada"))
        #expect(done.text.contains("No se te cobrará nada más."))
    }

    @Test func anInvoiceIsShownInFrench() async throws {
        let f = try WebFixture()
        let link = try #require(try f.bot.say("envoyez-moi mes factures", from: "+15550101012").links.first)
        let summary = try await fetch(f.server, try path(link.url))
        #expect(summary.text.contains("Votre facture"))
        #expect(summary.text.contains("émise le"))
        #expect(summary.text.contains("(payée)"))
        let printable = try await fetch(f.server, try path(link.url), method: "POST", headers: Self.form, body: Data())
        #expect(printable.text.contains("<html lang=\"fr\">"))
        #expect(printable.text.contains("<th scope=\"row\">Facturée à</th><td>Liam Moore</td>"))
        #expect(printable.text.contains("<th scope=\"row\">Montant</th><td>120,00 $ US</td>"))
        #expect(printable.text.contains("<th scope=\"row\">Statut</th><td>payée</td>"))
        #expect(!printable.text.contains("Billed to"))
    }

    @Test func anExpiredLinkSaysSoInItsClientsLanguage() async throws {
        let f = try WebFixture()
        let french = try #require(
            try f.bot.say("je voudrais changer ma carte bancaire", from: "+15550101012").links.first)
        let english = try #require(try f.bot.say("new card", from: "+15550101001").links.first)
        f.bot.clock.advance(minutes: 31)
        let expiredFR = try await fetch(f.server, try path(french.url))
        #expect(expiredFR.status == 410)
        #expect(expiredFR.text.contains("<html lang=\"fr\">"))
        #expect(expiredFR.text.contains("Ce lien a expiré"))
        #expect(expiredFR.text.contains("répondez à notre dernier message de Maple Street Studio"))
        let expiredEN = try await fetch(f.server, try path(english.url))
        #expect(expiredEN.status == 410)
        #expect(expiredEN.text.contains("<html lang=\"en\">"))
        #expect(expiredEN.text.contains("This link has expired"))
        // A token nobody issued names no client or business: English, whatever the browser asks for.
        let forged = "/l/" + String(repeating: "A", count: 43)
        let unknown = try await fetch(f.server, forged, headers: ["Accept-Language": "es-MX,es;q=0.9"])
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("This link is not valid"))
    }

    @Test func anImportedClientsLanguageAndABusinessLocaleMustBeTheCatalogs() async throws {
        let f = try WebFixture()
        let json = ["Content-Type": "application/json", "Authorization": "Bearer admin-token-0123456789abcdef"]
        let clients = "/admin/businesses/demo/clients"
        let german = try await fetch(
            f.server, clients, method: "POST", headers: json,
            body: Data(#"[{"first_name":"Zoe","phone":"+15550109998","language":"de"}]"#.utf8))
        #expect(german.status == 422)
        #expect(german.text.contains("client 0: language must be one of en, es, fr"))
        let french = try await fetch(
            f.server, clients, method: "POST", headers: json,
            body: Data(#"[{"first_name":"Zoé","phone":"+15550109998","language":"fr"}]"#.utf8))
        #expect(french.status == 201)
        // Her first reply, to a languageless "ok", is French.
        #expect(
            try f.bot.say("ok", from: "+15550109998").reply == "C'est noté ! Écrivez-nous quand vous voulez si besoin.")
        let business = try await fetch(
            f.server, "/admin/businesses", method: "POST", headers: json,
            body: Data(#"{"slug":"berlin","name":"Studio B","time_zone":"Europe/Berlin","locale":"de"}"#.utf8))
        #expect(business.status == 422)
        #expect(business.text.contains("locale must be one of en, es, fr"))
    }

    @Test func everyTemplateIsInEveryLocale() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        let faults = catalog.localeFaults()
        #expect(faults.isEmpty, "\(faults.prefix(20).map(\.message))")
    }
}

import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The link pages plugins own (issue 16), through the real server: the closed past-due loop, the retry that
/// declines an expired card, invoices, rejoining, and links whose plugin is off.
@Suite struct BillingPageTests {
    let daniel = "+15550101004"  // Gym Basic, past due (INV-1012), card valid until 01/2028
    let grace = "+15550101007"  // Class Pack 10, cancelled, Discover •••• 1117
    let paul = "+15550101016"  // Gym Basic, past due (INV-1054), card expired 10/2026
    let form = ["Content-Type": "application/x-www-form-urlencoded"]

    func path(_ url: String) throws -> String {
        let path = try #require(url.components(separatedBy: "https://desk.example.test").last)
        #expect(path.hasPrefix("/l/"))
        return path
    }

    /// Where the page's form posts (a follow-on one-time link).
    func formTarget(_ html: String) throws -> String {
        let start = try #require(html.range(of: "<form method=\"post\" action=\""))
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    func invoice(_ f: WebFixture, _ phone: String, _ number: String) throws -> Invoice {
        try f.bot.app.store.read { c in
            let client = try #require(try c.client(businessID: 1, address: phone, channel: .sms))
            return try #require(try c.invoices(clientID: client.id, limit: 100).first { $0.number == number })
        }
    }

    @Test func thePastDueLoopUpdatesTheCardThenAsksThenPaysAndTellsTheClient() async throws {
        let f = try WebFixture()
        let status = try f.bot.say("when is my next billing date?", from: paul)
        #expect(status.reply?.contains("$39.00 is owed (invoice INV-1054)") == true)
        let link = try #require(status.links.first)
        #expect(link.action == "payment_method.update")
        let cardPath = try path(link.url)

        let page = try await fetch(f.server, cardPath)
        #expect(page.status == 200)
        #expect(page.text.contains("Visa •••• 0341 (expires 10/2026)"))
        #expect(page.text.contains("<label for=\"number\">Card number</label>"))
        let saved = try await fetch(
            f.server, cardPath, method: "POST", headers: form,
            body: formEncode([
                ("number", "4242 4242 4242 4242"), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123"),
            ]))
        #expect(saved.status == 200)
        #expect(saved.text.contains("Card updated"))
        #expect(saved.text.contains("$39.00 is still owed (invoice INV-1054)"))
        #expect(saved.text.contains("Pay $39.00 now"))
        #expect(try invoice(f, paul, "INV-1054").status == .failed, "the page asks first")

        let payPath = try formTarget(saved.text)
        #expect(payPath.hasPrefix("/l/") && payPath != cardPath)
        let paid = try await fetch(f.server, payPath, method: "POST", headers: form)
        #expect(paid.status == 200)
        #expect(paid.text.contains("Payment received"))
        #expect(paid.text.contains("Your Gym Basic membership is active again"))
        #expect(try invoice(f, paul, "INV-1054").status == .paid)
        #expect(try f.bot.membership(clientID: 16)?.status == .active)
        // Told by message too, on the channel they wrote from.
        let notice = try #require(try f.bot.outbox().last)
        #expect(notice.kind == "notice")
        #expect(notice.recipient == paul)
        #expect(notice.body.contains("your payment of $39.00 for invoice INV-1054 went through"))
        #expect(try f.bot.audit("payment_method.updated").first?.via == "link")
        #expect(try f.bot.audit("invoice.paid").count == 1)
        #expect(try await fetch(f.server, payPath, method: "POST", headers: form).status == 410)
        #expect(try await fetch(f.server, cardPath, method: "POST", headers: form).status == 410)
        #expect(!f.allLogs.contains(String(payPath.dropFirst(3))))
    }

    @Test func aRetryWithAnExpiredCardIsDeclinedAndTheClientIsTold() async throws {
        let f = try WebFixture()
        let out = try f.bot.say("please send me my invoices", from: paul)
        let retry = try path(try #require(out.links.first { $0.action == "invoice.retry" }).url)
        let page = try await fetch(f.server, retry)
        #expect(page.text.contains("Your card Visa •••• 0341 (expires 10/2026) has expired, so it cannot be charged"))
        #expect(!page.text.contains("Pay $39.00 now"))

        // Submitted anyway (no "update my card"): the billing provider declines it without charging.
        let declined = try await fetch(f.server, retry, method: "POST", headers: form)
        #expect(declined.status == 402)
        #expect(declined.text.contains("Payment declined"))
        #expect(declined.text.contains("has expired, so it was not charged"))
        let row = try invoice(f, paul, "INV-1054")
        #expect(row.status == .failed)
        #expect(row.attemptCount == 1)
        #expect(row.lastPaymentError == "expired_card")
        #expect(try f.bot.membership(clientID: 16)?.status == .pastDue)
        #expect(try f.bot.audit("invoice.payment_failed").first?.after == "expired_card")
        let notice = try #require(try f.bot.outbox().last)
        #expect(notice.kind == "notice" && notice.body.contains("did not go through"))
        #expect(try await fetch(f.server, retry, method: "POST", headers: form).status == 410)
        // The declined page leads to the card page.
        let card = try await fetch(f.server, try formTarget(declined.text))
        #expect(card.text.contains("Update your card"))
    }

    @Test func theExpiredCardButtonGoesToTheCardPageAndKeepsTheRetryLink() async throws {
        let f = try WebFixture()
        let out = try f.bot.say("please send me my invoices", from: paul)
        let retry = try path(try #require(out.links.first { $0.action == "invoice.retry" }).url)
        let page = try await fetch(f.server, retry)
        #expect(page.text.contains("<input type=\"hidden\" name=\"next\" value=\"card\">"))
        // 303 to a new card link (followed): nothing is charged and the retry link stays for after.
        let moved = try await fetch(
            f.server, retry, method: "POST", headers: form, body: formEncode([("next", "card")]))
        #expect(moved.status == 200)
        #expect(moved.text.contains("Update your card"))
        #expect(try invoice(f, paul, "INV-1054").attemptCount == 0)
        #expect(try await fetch(f.server, retry).status == 200)
    }

    @Test func aRetryWithACardThatCanBeChargedPaysAndInvoicesPrint() async throws {
        let f = try WebFixture()
        let out = try f.bot.say("please send me my invoices", from: daniel)
        let view = try path(try #require(out.links.first { $0.action == "invoice.view" }).url)
        let retry = try path(try #require(out.links.first { $0.action == "invoice.retry" }).url)

        #expect(try await fetch(f.server, view).text.contains("Open the printable invoice"))
        let printable = try await fetch(f.server, view, method: "POST")
        #expect(printable.status == 200)
        #expect(printable.text.contains("<th scope=\"row\">Invoice</th>"))
        #expect(printable.text.contains("Daniel Evans"))
        #expect(try await fetch(f.server, view, method: "POST").status == 410)

        let page = try await fetch(f.server, retry)
        #expect(page.text.contains("Pressing the button charges $39.00 to your Mastercard •••• 4444 (expires 01/2028)"))
        let paid = try await fetch(f.server, retry, method: "POST")
        #expect(paid.status == 200)
        #expect(paid.text.contains("Payment received"))
        #expect(try invoice(f, daniel, "INV-1012").status == .paid)
        #expect(try await fetch(f.server, retry, method: "POST").status == 410)
        // Nothing left to pay: the page says so.
        let again = try f.bot.say("please send me my invoices", from: daniel)
        #expect(again.links.allSatisfy { $0.action == "invoice.view" })
    }

    @Test func eightSubmissionsRacingForOneRetryLinkChargeOnce() async throws {
        let f = try WebFixture()
        let out = try f.bot.say("please send me my invoices", from: daniel)
        let retry = try path(try #require(out.links.first { $0.action == "invoice.retry" }).url)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await fetch(f.server, retry, method: "POST").status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.sorted() == [200] + Array(repeating: 410, count: 7))
        let row = try invoice(f, daniel, "INV-1012")
        #expect(row.status == .paid)
        #expect(row.attemptCount == 1)
        #expect(try f.bot.audit("invoice.paid").count == 1)
        #expect(try f.bot.outbox().filter { $0.kind == "notice" }.count == 1)
    }

    @Test func aCancelledClientRejoinsOnTheLinkOnce() async throws {
        let f = try WebFixture()
        try f.bot.set("lifecycle", ["rejoin": .string("link")])
        let out = try f.bot.say("I'd like to rejoin", from: grace)
        let rejoin = try path(try #require(out.links.first { $0.action == "membership.rejoin" }).url)
        let page = try await fetch(f.server, rejoin)
        #expect(page.status == 200)
        #expect(page.text.contains("Rejoin Class Pack 10"))
        #expect(page.text.contains("$120.00 is charged today to your Discover •••• 1117 (expires 09/2027)"))
        #expect(page.text.contains("Rejoin and pay $120.00"))
        let before = try f.count("memberships")
        #expect(try f.count("memberships") == before, "opening the page changes nothing")
        let joined = try await fetch(f.server, rejoin, method: "POST", headers: form)
        #expect(joined.status == 200)
        #expect(joined.text.contains("Welcome back"))
        #expect(joined.text.contains("(invoice INV-1079)"))
        #expect(try f.count("memberships") == before + 1)
        #expect(try f.bot.audit("membership.rejoin").count == 1)
        #expect(try await fetch(f.server, rejoin, method: "POST", headers: form).status == 410)
    }

    @Test func aLinkStopsWorkingWhenItsPolicyOrPluginIsTurnedOff() async throws {
        let f = try WebFixture()
        try f.bot.set("lifecycle", ["rejoin": .string("link")])
        let rejoin = try path(try #require(try f.bot.say("I'd like to rejoin", from: grace).links.first).url)
        try f.bot.set("lifecycle", ["rejoin": .string("staff")])
        let off = try await fetch(f.server, rejoin, method: "POST", headers: form)
        #expect(off.text.contains("Rejoining online is not offered"))
        #expect(try f.count("memberships") == 22, "nothing was started")

        let card = try path(try #require(try f.bot.say("new card", from: "+15550101001").links.first).url)
        try f.bot.enable("payment", false)
        let gone = try await fetch(f.server, card)
        #expect(gone.status == 410)
        #expect(gone.text.contains("Maple Street Studio no longer offers this online"))
    }

    @Test func emphasisInTemplatesIsTheOnlyMarkup() {
        #expect(
            LinkHTML.emphasis("ends on **Dec 5** for **Ann**")
                == "ends on <strong>Dec 5</strong> for <strong>Ann</strong>")
        #expect(LinkHTML.emphasis("a ** b") == "a ** b")
        #expect(LinkHTML.emphasis("**a** and ** b") == "<strong>a</strong> and ** b")
        let page = LinkHTML.render(
            LinkPage(title: "T", paragraphs: ["**<script>x</script>**"]), business: nil)
        #expect(String(decoding: page.body, as: UTF8.self).contains("<strong>&lt;script&gt;x&lt;/script&gt;</strong>"))
    }

    @Test func aLinkForAnActionNoPluginOwnsIsNotValid() async throws {
        let f = try WebFixture()
        let token = String(repeating: "Q", count: 43)
        try f.bot.app.store.write { c in
            try c.insertLink(
                tokenHash: LinkToken.hash(token), businessID: 1, clientID: 1,
                action: "membership.teleport", resource: "membership:1", now: f.bot.clock.now(),
                expiresAt: f.bot.clock.now().addingTimeInterval(600))
        }
        let page = try await fetch(f.server, "/l/" + token)
        #expect(page.status == 404)
        #expect(page.text.contains("This link is not valid"))
    }
}

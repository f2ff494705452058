import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The new link pages of issue 16 through the real server: the details page (name and postal address) and the
/// cancellation page with a save offer as an equal button.
@Suite struct ProfileAndOfferPageTests {
    let alice = "+15550101001"
    let katie = "+15550101011"  // Gym Basic, active
    let form = ["Content-Type": "application/x-www-form-urlencoded"]

    func path(_ url: String) throws -> String {
        try #require(url.components(separatedBy: "https://desk.example.test").last)
    }

    @Test func theDetailsPageHasLabelledFieldsValidatesThenSavesOnce() async throws {
        let f = try WebFixture()
        let out = try f.bot.say("I moved, please update my address", from: alice)
        #expect(out.intent == "profile.update")
        let link = try path(try #require(out.links.first { $0.action == "profile.edit" }).url)
        let page = try await fetch(f.server, link)
        #expect(page.status == 200)
        #expect(page.text.contains("<html lang=\"en\">"))
        #expect(page.text.contains("<h1>Update your details</h1>"))
        for (id, label) in [
            ("first_name", "First name"), ("last_name", "Last name"), ("postal_address", "Postal address (optional)"),
        ] {
            #expect(page.text.contains("<label for=\"\(id)\">\(label)</label>"), "\(id)")
        }
        #expect(page.text.contains("autocomplete=\"given-name\""))
        #expect(page.text.contains("value=\"Alice\""))

        let missing = try await fetch(
            f.server, link, method: "POST", headers: form,
            body: formEncode([("first_name", ""), ("last_name", "Smith")]))
        #expect(missing.status == 422)
        #expect(missing.text.contains("role=\"alert\">Please enter your first name."))
        #expect(missing.text.contains("value=\"Smith\""), "what was typed is shown again")

        let saved = try await fetch(
            f.server, link, method: "POST", headers: form,
            body: formEncode([
                ("first_name", "Alice"), ("last_name", "Smith"), ("postal_address", "12 Elm St\nSpringfield"),
            ]))
        #expect(saved.status == 200)
        #expect(saved.text.contains("Details updated"))
        #expect(try f.bot.app.store.read { try $0.client(id: 1)?.fullName } == "Alice Smith")
        #expect(try f.bot.audit("profile.details_changed").first?.after == "name and postal address changed")
        let notice = try #require(try f.bot.outbox().last { $0.kind == "notice" })
        #expect(notice.recipient == alice && notice.body.contains("your name or postal address was updated"))
        #expect(
            try await fetch(f.server, link, method: "POST", headers: form, body: formEncode([("first_name", "Eve")]))
                .status == 410)
        #expect(try f.bot.app.store.read { try $0.client(id: 1)?.firstName } == "Alice")
    }

    @Test func theCancelPageShowsTheOfferAsAnEqualButtonAndPausingSpendsTheLink() async throws {
        let f = try WebFixture()
        try f.bot.set(
            "cancel", ["allowed": .bool(true), "confirm": .string("link"), "save_offer": .string("pause")])
        let out = try f.bot.say("please cancel my membership", from: katie)
        let link = try path(try #require(out.links.first { $0.action == "membership.cancel" }).url)
        let page = try await fetch(f.server, link)
        #expect(page.status == 200)
        #expect(
            page.text.contains(
                "<div class=\"buttons\"><button type=\"submit\">Cancel my membership</button><button type=\"submit\""
                    + " name=\"choice\" value=\"pause\">Pause until Dec 22, 2026 instead</button></div>"))
        let paused = try await fetch(
            f.server, link, method: "POST", headers: form, body: formEncode([("choice", "pause")]))
        #expect(paused.status == 200)
        #expect(paused.text.contains("Membership paused"))
        #expect(try f.bot.audit("cancel.offer_accepted").count == 1)
        #expect(try f.bot.audit("membership.cancel").isEmpty)
        let again = try await fetch(f.server, link, method: "POST", headers: form)
        #expect(again.status == 410, "either button spends the one link")
    }
}

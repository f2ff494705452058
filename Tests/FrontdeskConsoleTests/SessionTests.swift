import Foundation
import FrontdeskApp
import FrontdeskConsole
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Console sign-in and sessions")
struct SessionTests {
    @Test func aSignInLinkOpensOneSessionInAHardenedCookie() throws {
        let f = try ConsoleFixture()
        let link = try #require(try f.console.signInLink(businessSlug: "demo", email: "owner@maple-studio.example"))
        let path = String(link.dropFirst(consoleBase.count))
        // GET shows whom it signs in and never spends the link (mail scanners open links).
        let page = try f.send("GET", path)
        #expect(page.status == 200)
        #expect(page.body.contains("Olivia Owner"))
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(try f.send("GET", path).status == 200)
        let signedIn = try f.send("POST", path)
        #expect(signedIn.status == 303)
        let cookie = try #require(signedIn.header("Set-Cookie"))
        for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/admin"] { #expect(cookie.contains(flag)) }
        let token = try #require(signedIn.sessionCookie)
        #expect(token.count == 43)
        // Only the session id's hash is stored.
        #expect(try f.bot.app.store.read { try $0.session(tokenHash: token) } == nil)
        #expect(try f.send("GET", "/admin/overview", cookie: token).status == 200)
        // The link works once.
        #expect(try f.send("POST", path).status == 410)
        #expect(try f.send("GET", path).status == 410)
        #expect(try f.send("GET", "/admin/l/" + String(repeating: "A", count: 43)).status == 404)
    }

    @Test func anExpiredLinkSignsNobodyIn() throws {
        let f = try ConsoleFixture()
        let link = try #require(try f.console.signInLink(businessSlug: "demo", email: "owner@maple-studio.example"))
        f.bot.clock.advance(minutes: 16)
        let response = try f.send("POST", String(link.dropFirst(consoleBase.count)))
        #expect(response.status == 410)
        #expect(response.sessionCookie == nil)
    }

    @Test func askingForALinkSendsItToTheAddressOnFileAndSaysTheSameForAnyone() throws {
        let f = try ConsoleFixture()
        let known = try f.send("POST", "/admin/sign-in", form: [("address", "Sara@Maple-Studio.example")])
        let unknown = try f.send("POST", "/admin/sign-in", form: [("address", "nobody@example.com")])
        #expect(known.status == 200)
        #expect(unknown.status == 200)
        #expect(known.body == unknown.body)
        let sent = try f.bot.outbox().filter { $0.kind == "console_sign_in" }
        #expect(sent.map(\.recipient) == ["sara@maple-studio.example"])
        #expect(sent.first?.body.contains(consoleBase + "/admin/l/") == true)
        #expect(try f.send("POST", "/admin/sign-in", form: [("address", "")]).status == 422)
    }

    @Test func signingInGivesANewSessionIDWhateverCookieTheBrowserBrought() throws {
        let f = try ConsoleFixture()
        // An id an attacker planted is never adopted: the session gets a fresh one, and the planted one opens nothing.
        let planted = "fixedByAnAttacker0000000000000000000000000A"
        #expect(planted.count == 43)
        let issued = try f.signIn(presenting: planted)
        #expect(issued != planted)
        #expect(try f.send("GET", "/admin/overview", cookie: planted).status == 303)
        #expect(try f.send("GET", "/admin/overview", cookie: issued).status == 200)
        // Signing in again on a browser that holds a session ends that session.
        let next = try f.signIn(presenting: issued)
        #expect(next != issued)
        #expect(try f.send("GET", "/admin/overview", cookie: issued).status == 303)
        #expect(try f.send("GET", "/admin/overview", cookie: next).status == 200)
    }

    @Test func aSessionEndsWhenIdleForTooLong() throws {
        let f = try ConsoleFixture(idleMinutes: 30, sessionHours: 12)
        let cookie = try f.signIn()
        f.bot.clock.advance(minutes: 29)
        #expect(try f.send("GET", "/admin/overview", cookie: cookie).status == 200)
        f.bot.clock.advance(minutes: 29)
        #expect(try f.send("GET", "/admin/overview", cookie: cookie).status == 200)
        f.bot.clock.advance(minutes: 31)
        let refused = try f.send("GET", "/admin/overview", cookie: cookie)
        #expect(refused.status == 303)
        #expect(refused.header("Location") == "/admin")
        #expect(refused.header("Set-Cookie")?.contains("Max-Age=0") == true)
    }

    @Test func aSessionEndsAtItsAbsoluteTimeHoweverActive() throws {
        let f = try ConsoleFixture(idleMinutes: 30, sessionHours: 2)
        let cookie = try f.signIn()
        for _ in 0..<5 {
            f.bot.clock.advance(minutes: 20)
            #expect(try f.send("GET", "/admin/overview", cookie: cookie).status == 200)
        }
        f.bot.clock.advance(minutes: 21)
        #expect(try f.send("GET", "/admin/overview", cookie: cookie).status == 303)
    }

    @Test func signingOutEndsTheSession() throws {
        let f = try ConsoleFixture()
        let cookie = try f.signIn()
        let csrf = try f.csrf(cookie)
        let out = try f.send("POST", "/admin/sign-out", cookie: cookie, form: [("csrf", csrf)])
        #expect(out.status == 303)
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try f.send("GET", "/admin/overview", cookie: cookie).status == 303)
        #expect(try f.bot.audit("console.sign_out").count == 1)
    }

    @Test func aFormWithoutTheSessionsCSRFTokenChangesNothing() throws {
        let f = try ConsoleFixture()
        let cookie = try f.signIn()
        let other = try f.signIn("admin@maple-studio.example")
        let id = try f.demoID
        func enabled() throws -> Bool? {
            try f.bot.app.store.read { try $0.pluginSettings(businessID: id, plugin: "lifecycle").enabled }
        }
        let path = "/admin/capabilities/lifecycle/disable"
        #expect(try f.send("POST", path, cookie: cookie, form: []).status == 403)
        #expect(try f.send("POST", path, cookie: cookie, form: [("csrf", "not-the-token")]).status == 403)
        // Another session's token is not this session's.
        #expect(try f.send("POST", path, cookie: cookie, form: [("csrf", try f.csrf(other))]).status == 403)
        #expect(try enabled() == nil)
        // Posted from another site, even with the token.
        let csrf = try f.csrf(cookie)
        let crossSite = try f.send("POST", path, cookie: cookie, form: [("csrf", csrf)], headers: ["Origin": "https://evil.example"])
        #expect(crossSite.status == 403)
        #expect(try enabled() == nil)
        #expect(try f.send("POST", path, cookie: cookie, form: [("csrf", csrf)], headers: ["Origin": consoleBase]).status == 303)
        #expect(try enabled() == false)
        #expect(try f.bot.audit("plugin.disable").first?.actor.hasPrefix("staff:") == true)
    }

    @Test func theStaffRoleSeesConversationsAndClientsButNotTheAdminPages() throws {
        let f = try ConsoleFixture()
        let cookie = try f.signIn("sara@maple-studio.example")
        for path in ["/admin/overview", "/admin/conversations", "/admin/clients", "/admin/clients/1"] {
            #expect(try f.send("GET", path, cookie: cookie).status == 200, "\(path)")
        }
        for path in ["/admin/capabilities", "/admin/audit", "/admin/outbox"] {
            #expect(try f.send("GET", path, cookie: cookie).status == 403, "\(path)")
        }
        let csrf = try f.csrf(cookie)
        #expect(try f.send("POST", "/admin/clients/1/export", cookie: cookie, form: [("csrf", csrf)]).status == 403)
        #expect(!(try f.send("GET", "/admin/overview", cookie: cookie).body.contains("/admin/capabilities")))
    }

    @Test func theOperatorInvitesABusinesssOwnerWhoSignsInWithTheLink() throws {
        let f = try ConsoleFixture()
        let body = #"{"name": "Nina New", "email": "Nina@Owner.example"}"#
        let path = "/admin/businesses/demo/owners"
        #expect(try f.send("POST", path, json: body).status == 403)
        #expect(try f.send("POST", path, headers: ["Authorization": "Bearer wrong-token-0123456789"], json: body).status == 403)
        let bearer = ["Authorization": "Bearer " + operatorToken]
        #expect(try f.send("POST", path, headers: bearer, json: #"{"name": "Nina"}"#).status == 422)
        #expect(try f.send("POST", "/admin/businesses/nope/owners", headers: bearer, json: body).status == 404)
        let invited = try f.send("POST", path, headers: bearer, json: body)
        #expect(invited.status == 201)
        #expect(invited.body.contains("nina@owner.example"))
        #expect(try f.send("POST", path, headers: bearer, json: body).status == 409)
        let mail = try #require(try f.bot.outbox().last)
        #expect(mail.recipient == "nina@owner.example")
        #expect(mail.kind == "console_sign_in")
        let start = try #require(mail.body.range(of: consoleBase + "/admin/l/"))
        let token = mail.body[start.upperBound...].prefix(43)
        let signedIn = try f.send("POST", "/admin/l/" + token)
        #expect(signedIn.status == 303)
        let cookie = try #require(signedIn.sessionCookie)
        #expect(try f.send("GET", "/admin/capabilities", cookie: cookie).status == 200)
        #expect(try f.bot.audit("staff.invite").first?.actor == "operator")
    }
}

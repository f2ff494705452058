import Foundation
import FrontdeskApp
import FrontdeskConsole
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("Console pages")
struct ConsolePagesTests {
    /// A second business with its own staff member, client, conversation and outbox item.
    func otherBusiness(_ f: ConsoleFixture) throws -> (conversation: Int, client: Int, outbox: Int) {
        let now = f.bot.clock.now()
        return try f.bot.app.store.write { c in
            let b = try c.insertBusiness(NewBusiness(slug: "other", name: "Other Gym"), now: now)
            try c.addBusinessAddress(businessID: b, channel: .sms, address: "+15550190000")
            _ = try c.insertStaff(NewStaff(businessID: b, name: "Otto", role: .owner, email: "otto@other.example", phone: nil))
            let client = try c.insertClient(
                NewClient(businessID: b, firstName: "Zoe", lastName: "Zed", phones: ["+15550190001"]), now: now)
            let conversation = try c.conversation(
                businessID: b, channel: .sms, address: "+15550190001", clientID: client, now: now)
            let outbox = try c.enqueue(
                businessID: b, messageID: nil, channel: .sms, kind: "reply", recipient: "+15550190001",
                sender: "+15550190000", subject: nil, body: "hello", headers: [:], status: .dead, now: now)
            return (conversation.id, client, outbox)
        }
    }

    @Test func anotherBusinessesRecordsAreNotFoundAndNothingIsWritten() throws {
        let f = try ConsoleFixture()
        let other = try otherBusiness(f)
        let cookie = try f.signIn()
        let csrf = try f.csrf(cookie)
        let outboxBefore = try f.bot.count("outbox")
        for path in ["/admin/conversations/\(other.conversation)", "/admin/clients/\(other.client)",
            "/admin/clients/\(other.client)/erase"]
        {
            let response = try f.send("GET", path, cookie: cookie)
            #expect(response.status == 404, "\(path)")
            #expect(!response.body.contains("Zoe"))
        }
        for (path, form) in [
            ("/admin/conversations/\(other.conversation)/take", [("csrf", csrf)]),
            ("/admin/conversations/\(other.conversation)/reply", [("csrf", csrf), ("text", "hi from demo")]),
            ("/admin/clients/\(other.client)/export", [("csrf", csrf)]),
            ("/admin/clients/\(other.client)/erase", [("csrf", csrf), ("confirm", "yes")]),
            ("/admin/outbox/\(other.outbox)/retry", [("csrf", csrf)]),
        ] {
            #expect(try f.send("POST", path, cookie: cookie, form: form).status == 404, "\(path)")
        }
        #expect(try f.bot.count("outbox") == outboxBefore)
        #expect(try f.bot.count("takeovers") == 0)
        #expect(try f.bot.app.store.read { try $0.client(id: other.client)?.firstName } == "Zoe")
        #expect(try f.bot.app.store.read { try $0.outboxItem(id: other.outbox)?.status } == .dead)
        // Lists show the visitor's business only.
        #expect(!(try f.send("GET", "/admin/clients?q=zoe", cookie: cookie).body.contains("Zoe")))
        #expect(!(try f.send("GET", "/admin/outbox", cookie: cookie).body.contains("+15550190001")))
    }

    @Test func takingOverSilencesTheBotAndTheReplyGoesOutOnTheClientsChannel() throws {
        let f = try ConsoleFixture()
        let alice = "+15550101001"
        let handoff = try f.bot.say("I want to talk to a person", from: alice)
        #expect(handoff.intent == "handoff")
        // Staff are told with the client's contact details and a reply address.
        let notices = try f.bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(notices.count == 3)
        #expect(notices.allSatisfy { $0.body.contains(alice) && $0.body.contains("alice@example.com") })
        #expect(notices.allSatisfy { ($0.headers["Reply-To"] ?? "").hasPrefix("desk+r") })
        let conversation = try #require(
            try f.bot.app.store.read { try $0.conversationSummaries(businessID: 1, filter: ConversationFilter(needsPerson: true)) }
                .first?.conversation)
        let cookie = try f.signIn("sara@maple-studio.example")
        #expect(try f.send("GET", "/admin/conversations?needs=1", cookie: cookie).body.contains("Alice Johnson"))
        let csrf = try f.csrf(cookie)
        let take = try f.send("POST", "/admin/conversations/\(conversation.id)/take", cookie: cookie, form: [("csrf", csrf)])
        #expect(take.status == 303)
        // The bot is silent on it now: the message is stored, nothing answers it.
        let quiet = try f.bot.say("when is my next billing date?", from: alice)
        #expect(quiet.disposition == .silent)
        #expect(quiet.reason == "taken_over")
        #expect(try f.bot.outbox().filter { $0.recipient == alice }.count == 1)
        // The person's reply goes to Alice's number by SMS, through the outbox.
        let sent = try f.send(
            "POST", "/admin/conversations/\(conversation.id)/reply", cookie: cookie,
            form: [("csrf", csrf), ("text", "Hi Alice, it's Sara. Your next billing date is the 5th.")])
        #expect(sent.status == 303)
        let reply = try #require(try f.bot.outbox().last)
        #expect(reply.channel == .sms)
        #expect(reply.recipient == alice)
        #expect(reply.status == .pending)
        #expect(reply.body.hasPrefix("Hi Alice, it's Sara."))
        let thread = try f.send("GET", "/admin/conversations/\(conversation.id)", cookie: cookie).body
        #expect(thread.contains("Sara Staff"))
        #expect(thread.contains("when is my next billing date?"))
        #expect(try f.bot.audit("conversation.reply").first?.actor.hasPrefix("staff:") == true)
        // The handoff is answered; past the business's idle time the bot answers again.
        #expect(try f.bot.app.store.read { try $0.openHandoffCount(businessID: 1) } == 0)
        f.bot.clock.advance(minutes: 61)
        let back = try f.bot.say("when is my next billing date?", from: alice)
        #expect(back.disposition == .replied)
        #expect(try f.bot.audit("conversation.release").first?.after == "idle")
    }

    @Test func aStaffReplyToAHandoffNoticeByEmailReachesTheClient() throws {
        let f = try ConsoleFixture()
        try f.bot.say("can I talk to someone?", from: "ben.carter@example.com", subject: "Help", messageID: "<ben-1@example.com>")
        let notices = try f.bot.outbox().filter { $0.kind == "staff_notice" }
        let sara = try #require(notices.first { $0.recipient == "sara@maple-studio.example" })
        let replyTo = try #require(sara.headers["Reply-To"])
        let adminAddress = try #require(notices.first { $0.recipient == "admin@maple-studio.example" }?.headers["Reply-To"])
        func mail(_ from: String, to: String, _ text: String, id: String) throws -> PipelineOutcome {
            try f.bot.app.pipeline.handle(
                InboundMessage(
                    provider: "test", providerMessageID: id, channel: .email, from: from, to: to,
                    subject: "Re: Help", text: text, verdict: .trusted))
        }
        // Sara's address routes to Ben only from Sara; anyone else writing to it gets nothing sent.
        let forged = try mail("admin@maple-studio.example", to: replyTo, "I'll take this", id: "x1")
        #expect(forged.reason == "reply_route_refused")
        // A well-formed address we never issued: stored, nothing sent.
        let at = try #require(replyTo.firstIndex(of: "@"))
        let guessed = replyTo[..<replyTo.index(before: at)] + (replyTo[replyTo.index(before: at)] == "0" ? "1" : "0")
            + replyTo[at...]
        let made = try mail("sara@maple-studio.example", to: String(guessed), "hm", id: "x2")
        #expect(made.reason == "reply_route_refused")
        let relayed = try mail("sara@maple-studio.example", to: replyTo, "Hi Ben, Sara here. Happy to help.", id: "x3")
        #expect(relayed.reason == "relayed_to_client")
        let out = try #require(try f.bot.outbox().last)
        #expect(out.recipient == "ben.carter@example.com")
        #expect(out.channel == .email)
        #expect(out.body == "Hi Ben, Sara here. Happy to help.")
        #expect(out.subject == "Re: Help")
        #expect(out.headers["In-Reply-To"] == "<ben-1@example.com>")
        #expect(try f.bot.outbox().filter { $0.body.contains("I'll take this") }.isEmpty)
        #expect(adminAddress != replyTo)
    }

    @Test func aClientImportIsPreviewedAndCommittedAllOrNothing() throws {
        let f = try ConsoleFixture()
        let cookie = try f.signIn()
        let csrf = try f.csrf(cookie)
        let before = try f.bot.count("clients")
        let header = "first_name,last_name,phone,email,language,sms_consent,email_consent\n"
        let bad = header + "Nora,Night,+1 555 010 9001,nora@example.net,en,yes,no\nOmar,,not a phone,omar@example.net,,yes,maybe\n"
        // The commit checks every row again: a bad file posted straight to it imports nothing.
        let forced = try f.send("POST", "/admin/clients/import/commit", cookie: cookie, form: [("csrf", csrf), ("csv", bad)])
        #expect(forced.status == 422)
        #expect(forced.body.contains("not a phone"))
        #expect(forced.body.contains("sms_consent") && forced.body.contains("email_consent must be yes or no"))
        #expect(try f.bot.count("clients") == before)
        let good = header + "Nora,Night,+1 555 010 9001,nora@example.net,fr,yes,no\nOmar,Ode,,omar@example.net,,no,yes\n"
        let committed = try f.send("POST", "/admin/clients/import/commit", cookie: cookie, form: [("csrf", csrf), ("csv", good)])
        #expect(committed.status == 303)
        #expect(try f.bot.count("clients") == before + 2)
        let nora = try #require(try f.bot.app.store.read { try $0.client(businessID: 1, address: "+15550109001", channel: .sms) })
        #expect(nora.language == "fr")
        // Consent as the file says: Nora gets no automated email, Omar no texts.
        #expect(try f.bot.app.store.read { try $0.isEmailOptedOut(businessID: 1, address: "nora@example.net") })
        #expect(try f.bot.app.store.read { try $0.smsConsent(clientID: nora.id) })
        let omar = try #require(try f.bot.app.store.read { try $0.client(businessID: 1, address: "omar@example.net", channel: .email) })
        #expect(!(try f.bot.app.store.read { try $0.smsConsent(clientID: omar.id) }))
        // The same file again: every address is taken now, nothing is added.
        let again = try f.send("POST", "/admin/clients/import/commit", cookie: cookie, form: [("csrf", csrf), ("csv", good)])
        #expect(again.status == 422)
        #expect(try f.bot.count("clients") == before + 2)
    }

    @Test func aBadSettingIsRefusedWithTheSchemasMessageAndNothingIsSaved() throws {
        let f = try ConsoleFixture()
        let cookie = try f.signIn()
        let csrf = try f.csrf(cookie)
        let refused = try f.send(
            "POST", "/admin/capabilities/handoff/settings", cookie: cookie,
            form: [("csrf", csrf), ("response_hours", "500"), ("hours", ""), ("takeover_idle_minutes", "60")])
        #expect(refused.status == 422)
        #expect(refused.body.contains("response_hours must be at most 168"))
        #expect(try f.bot.app.store.read { try $0.pluginSettings(businessID: 1, plugin: "handoff").values }.isEmpty)
        let hours = try f.send(
            "POST", "/admin/capabilities/handoff/settings", cookie: cookie,
            form: [("csrf", csrf), ("response_hours", "12"), ("hours", "mon-fri 9-5")])
        #expect(hours.body.contains("hours must be days and times"))
        let saved = try f.send(
            "POST", "/admin/capabilities/handoff/settings", cookie: cookie,
            form: [("csrf", csrf), ("response_hours", "12"), ("hours", "mon-fri 09:00-17:00")])
        #expect(saved.status == 303)
        let values = try f.bot.app.store.read { try $0.pluginSettings(businessID: 1, plugin: "handoff").values }
        #expect(values["response_hours"] == .int(12))
        #expect(values["hours"] == .string("mon-fri 09:00-17:00"))
    }

    @Test func outsideBusinessHoursAHandoffSaysWhenAPersonWillAnswer() throws {
        let f = try ConsoleFixture()
        // The test clock starts on Sunday 2026-11-22 at 10:00 in New York.
        try f.bot.set("handoff", ["hours": .string("mon-fri 09:00-17:00")])
        let closed = try f.bot.say("talk to a person please")
        #expect(closed.reply?.contains("closed") == true)
        #expect(closed.reply?.contains("Nov 23, 2026 at 09:00") == true)
        f.bot.clock.advance(minutes: 24 * 60)
        let open = try f.bot.say("talk to a person please")
        #expect(open.reply?.contains("within 24 hours") == true)
    }

    @Test func theNoticesPageShowsWhatWasSentScheduledAndSuppressedAndWhyForAdminsOnly() throws {
        let f = try ConsoleFixture()
        try f.bot.enable("reminders", true)
        try f.bot.set("reminders", ["quiet_start": .int(0), "quiet_end": .int(0)])
        _ = try f.bot.say("STOP", from: "+15550101001")  // Alice opts out of texts
        let notices = try f.bot.app.store.write { c in
            try [1, 2].map { client in
                try f.bot.app.pipeline.notices.send(
                    NoticeRequest(
                        kind: .custom, clientID: client, channel: .sms, values: ["text": "Studio closed Monday"],
                        source: "api", actor: "test"),
                    businessID: 1, now: f.bot.clock.now(), c
                ).notice
            }
        }
        #expect(notices.map(\.status) == [.suppressed, .queued])
        let other = try otherBusiness(f)
        _ = other
        let cookie = try f.signIn()
        let page = try f.send("GET", "/admin/notices", cookie: cookie)
        #expect(page.status == 200)
        #expect(page.body.contains("Alice Johnson") && page.body.contains("opted_out"))
        #expect(page.body.contains("<td>queued</td>") && page.body.contains("<td>suppressed</td>"))
        #expect(try f.send("GET", "/admin/overview", cookie: cookie).body.contains("href=\"/admin/notices\""))
        // Filters narrow the list; nothing matching says so.
        let suppressed = try f.send("GET", "/admin/notices?status=suppressed", cookie: cookie).body
        #expect(suppressed.contains("opted_out") && !suppressed.contains("<td>queued</td>"))
        let none = try f.send("GET", "/admin/notices?kind=trial_ending", cookie: cookie).body
        #expect(none.contains("No notices match.") && !none.contains("Alice Johnson"))
        // Staff do not see it.
        let staff = try f.signIn("sara@maple-studio.example")
        #expect(try f.send("GET", "/admin/notices", cookie: staff).status == 403)
    }

    @Test func everyPageRendersInEveryLocale() throws {
        let f = try ConsoleFixture()
        try f.bot.say("I want to talk to a person")
        let cookie = try f.signIn()
        for path in [
            "/admin/overview", "/admin/conversations", "/admin/conversations/1", "/admin/clients", "/admin/clients/1",
            "/admin/clients/1/erase", "/admin/capabilities", "/admin/audit", "/admin/outbox", "/admin/notices",
        ] {
            let page = try f.send("GET", path, cookie: cookie)
            #expect(page.status == 200, "\(path)")
            #expect(page.body.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        }
        // A business's console speaks its locale.
        for (locale, word) in [("es", "Conversaciones"), ("fr", "Journal d'audit")] {
            let now = f.bot.clock.now()
            try f.bot.app.store.write { c in
                let b = try c.insertBusiness(NewBusiness(slug: "b" + locale, name: "B " + locale, locale: locale), now: now)
                _ = try c.insertStaff(NewStaff(businessID: b, name: "O", role: .owner, email: "o@\(locale).example", phone: nil))
            }
            let other = try f.signIn("o@\(locale).example", business: "b" + locale)
            for path in ["/admin/overview", "/admin/conversations", "/admin/clients", "/admin/capabilities", "/admin/audit",
                "/admin/outbox", "/admin/notices"]
            {
                let page = try f.send("GET", path, cookie: other)
                #expect(page.status == 200, "\(path)")
                #expect(page.body.contains("<html lang=\"\(locale)\">"))
                #expect(page.body.replacingOccurrences(of: "&#39;", with: "'").contains(word))
            }
        }
        #expect(try f.send("GET", "/admin", headers: ["Accept-Language": "fr-CA,fr;q=0.9"]).body.contains("lang=\"fr\""))
        // The mail preview exists only in the demo.
        #expect(try f.send("GET", "/admin/mail", cookie: cookie).status == 404)
    }
}

@Suite("Console templates")
struct ConsoleTemplateTests {
    @Test func theShippedTemplatesHaveNoFaultsAndABrokenOneIsNamed() throws {
        let bot = try TestBot()
        #expect(Console.templateFaults(root: TestBot.root, catalog: bot.app.catalog).isEmpty)
        let root = URL(fileURLWithPath: NSTemporaryDirectory() + "fd-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("web/console")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "<p>{{t_no_such_copy}}</p>\n<p>{{ broken</p>".write(
            to: dir.appendingPathComponent("page.html"), atomically: true, encoding: .utf8)
        try "<p>\n{{t_nav_overview}} {{t_not_there}}</p>".write(
            to: dir.appendingPathComponent("other.html"), atomically: true, encoding: .utf8)
        let faults = Console.templateFaults(root: root, catalog: bot.app.catalog)
        #expect(faults.contains { $0.file == "web/console/page.html" })
        #expect(faults.contains { $0.file == "web/console/other.html" && $0.line == 2 && $0.message.contains("not_there") })
    }
}

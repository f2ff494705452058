import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

/// Replies in the client's language: stored on the client, changed only when a message shows it clearly; otherwise
/// the message's language, then the business's. Staff notices stay in the business's language.
@Suite("The client's language")
struct LanguageTests {
    let rosa = "+15550101017"

    func language(_ bot: TestBot, _ phone: String) throws -> String? {
        try bot.app.store.read { try $0.client(businessID: 1, address: phone, channel: .sms)?.language }
    }

    @Test func theStoredLanguageSticksUntilAMessageClearlySaysOtherwise() throws {
        let bot = try TestBot()
        #expect(try language(bot, rosa) == nil)
        let first = try bot.say("¿cuándo es mi próximo cobro?", from: rosa)
        #expect(first.reply?.contains("Siguiente cobro") == true)
        #expect(try language(bot, rosa) == "es")
        // "ok", "YES", a number or a phone number carry no language: the stored one stays and the reply follows it.
        for languageless in ["ok", "YES", "👍", "42", "+1 555 010 1001", "merci"] {
            let out = try bot.say(languageless, from: rosa)
            #expect(try language(bot, rosa) == "es", "\(languageless) changed the language")
            #expect(
                out.reply.map { !$0.contains("Got it") && !$0.contains("You're welcome") } ?? true, "\(languageless)")
        }
        #expect(try bot.say("ok", from: rosa).reply == "¡Entendido! Escribe cuando necesites algo.")
        // One word of English is not enough to change it...
        let hello = try bot.say("thanks", from: rosa)
        #expect(hello.reply == "¡De nada!")
        #expect(try language(bot, rosa) == "es")
        // ...a clearly English message is.
        let english = try bot.say("when is my next billing date?", from: rosa)
        #expect(english.reply?.contains("Next billing date") == true)
        #expect(try language(bot, rosa) == "en")
        #expect(try bot.say("gracias", from: rosa).reply == "You're welcome!")
    }

    @Test func withoutAStoredLanguageTheMessageDecidesThenTheBusiness() throws {
        let bot = try TestBot(seed: false)
        let business = try bot.app.store.write { c in
            let b = try c.insertBusiness(
                NewBusiness(
                    slug: "paris", name: "Studio Lumière", timeZone: "Europe/Paris", locale: "fr", currency: "EUR"),
                now: bot.clock.now())
            try c.addBusinessAddress(businessID: b, channel: .sms, address: "+33100000000")
            _ = try c.insertClient(
                NewClient(businessID: b, firstName: "Ana", lastName: "Ruiz", phones: ["+33611111111"]),
                now: bot.clock.now())
            _ = try c.insertStaff(
                NewStaff(businessID: b, name: "Léa", role: .owner, email: "lea@lumiere.example", phone: nil))
            return b
        }
        var n = 0
        func say(_ text: String) throws -> PipelineOutcome {
            n += 1
            return try bot.app.pipeline.handle(
                InboundMessage(
                    provider: "test", providerMessageID: "paris-\(n)", channel: .sms, from: "+33611111111",
                    to: "+33100000000", text: text))
        }
        func stored() throws -> String? {
            try bot.app.store.read {
                try $0.client(businessID: business, address: "+33611111111", channel: .sms)?.language
            }
        }
        // Nothing stored, no language in "ok": the business's French.
        #expect(try say("ok").reply == "C'est noté ! Écrivez-nous quand vous voulez si besoin.")
        #expect(try stored() == nil)
        // A word of Spanish: the reply follows the message, the client keeps no language yet.
        #expect(try say("¿ayuda?").reply?.hasPrefix("Studio Lumière: escribe") == true)
        #expect(try stored() == nil)
        // A clear Spanish message is stored.
        #expect(try say("quiero hablar con una persona").reply?.contains("Alguien de nuestro equipo") == true)
        #expect(try stored() == "es")
        // Her request reaches the French business's staff in French.
        let notice = try #require(try bot.outbox().last { $0.kind == "staff_notice" })
        #expect(notice.subject == "[Studio Lumière] Demande d'un client")
        #expect(notice.body.hasPrefix("Ana Ruiz a demandé à parler à quelqu'un : répondez d'ici 24 heures"))
        #expect(notice.body.contains("Demandé le ") && notice.body.contains("« quiero hablar con una persona »"))
    }

    @Test func staffNoticesStayInTheBusinessLanguage() throws {
        let bot = try TestBot()
        let out = try bot.say("quiero pausar mi membresía por dos meses", from: rosa)
        #expect(out.intent == "membership.pause")
        #expect(out.reply?.contains("pausar el plan") == true)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(!notices.isEmpty)
        for notice in notices {
            #expect(notice.body.contains("New membership pause request"), "\(notice.body)")
            #expect(notice.body.contains("Asked on "), "the summary is in the business's English too")
        }
    }

    @Test func whatStaffWriteForAClientNeverSetsTheClientsLanguage() throws {
        let bot = try TestBot()
        let forwarded = ForwardedMessage(fromName: "Rosa Reyes", fromAddress: "rosa@example.com", body: "hi")
        let out = try bot.say(
            "Bonjour, pouvez-vous envoyer ses factures de septembre à cette cliente ?",
            from: "owner@maple-studio.example",
            forwarded: forwarded)
        #expect(out.disposition == .replied)
        #expect(try language(bot, rosa) == nil)
        // Nor does an out-of-office her mail server writes.
        let away = try bot.say(
            "Je suis absente du bureau jusqu'au 3 janvier et je lirai vos messages à mon retour.",
            from: "rosa@example.com",
            autoReply: true)
        #expect(away.disposition == .silent)
        #expect(try language(bot, rosa) == nil)
    }

    @Test func theRestOfACutSMSWaitsWithoutItsLinkTokens() throws {
        let bot = try TestBot()
        let out = try bot.say("send me my receipts for 2026", from: "+15550101001")
        let reply = try #require(out.reply)
        #expect(reply.hasSuffix("Reply MORE for the rest."))
        #expect(SMSText.size(reply).segments <= Pipeline.maxSMSSegments)
        #expect(out.state == "awaiting_more")
        let conversation = try bot.app.store.write { c in
            try c.conversation(businessID: 1, channel: .sms, address: "+15550101001", clientID: 1, now: bot.clock.now())
        }
        let payload = try #require(conversation.pendingPayload)
        #expect(payload.contains("/l/[link "))
        for link in out.links {
            let token = try #require(link.url.components(separatedBy: "/l/").last)
            #expect(!payload.contains(token))
        }
        let more = try bot.say("more", from: "+15550101001")
        #expect(more.intent == "more")
        #expect(more.reply?.contains("INV-1001") == true)
        #expect(!(more.reply ?? "").contains("[link"))
        #expect(!more.links.isEmpty)
        // The fresh links open the same invoices until the first ones would have expired.
        #expect(Set(more.links.map(\.expiresAt)).isSubset(of: Set(out.links.map(\.expiresAt))))
        #expect(more.state == "idle")
    }
}

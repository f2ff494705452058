import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

/// Every notice staff get carries the same structured summary (`core/staff_summary`): the client's name, phone AND
/// email on file, their memberships, what they asked in their own words, and when, in the business's time zone.
@Suite("Structured staff summaries")
struct StaffSummaryTests {
    let daniel = "+15550101004"  // Daniel Evans, daniel.evans@example.com, Gym Basic past due

    /// The summary lines every notice must hold for Daniel.
    func expectSummary(_ body: String, asked: String, _ comment: Comment? = nil) {
        for line in [
            "Client: Daniel Evans", "Phone: +15550101004", "Email: daniel.evans@example.com",
            "Membership: Gym Basic (payment overdue)",
            "Asked on Nov 22, 2026, 10:00 AM (America/New_York), by sms: \"\(asked)\"",
        ] {
            #expect(body.contains(line), "\(comment?.description ?? "") \(line) missing from:\n\(body)")
        }
    }

    @Test(arguments: [
        ("you charged me twice this month, I want a refund", "refund.request", "New refund request"),
        ("can I book a massage for Friday at 3pm?", "appointment.request", "New appointment request"),
        ("I'd like to talk to a person please", "handoff", "asked to talk to a person"),
        ("please send me a copy of the personal data you hold about me", "privacy", "Privacy request"),
        ("can I freeze my membership for a month?", "membership.pause", "New membership pause request"),
        ("please cancel my membership", "membership.cancel", "Cancelling by message is off"),
    ])
    func everyStaffNoticeCarriesTheSameSummary(_ text: String, _ intent: String, _ headline: String) throws {
        let bot = try TestBot()
        let out = try bot.say(text, from: daniel)
        #expect(out.intent == intent)
        let notices = try bot.outbox().filter { $0.kind == "staff_notice" }
        #expect(notices.count == 3, "owner, admin and staff each get it")
        for notice in notices {
            #expect(notice.body.contains(headline), "\(notice.body)")
            expectSummary(notice.body, asked: text, "\(intent)")
        }
    }

    @Test func aClientWithoutAnEmailOrMembershipSaysSo() throws {
        let bot = try TestBot()
        let id = try bot.addClient("Zoe", "Young", phones: ["+15550109000"])
        #expect(id > 0)
        _ = try bot.say("I want a refund for last month", from: "+15550109000")
        let notice = try #require(try bot.outbox().first { $0.kind == "staff_notice" })
        #expect(notice.body.contains("Email: none on file"))
        #expect(notice.body.contains("Membership: none on file"))
        #expect(notice.body.contains("Phone: +15550109000"))
    }

    @Test func aLongMessageIsTrimmedInTheSummary() throws {
        let bot = try TestBot()
        let long =
            "I was charged twice and I want a refund. " + String(repeating: "More details follow here. ", count: 40)
        _ = try bot.say(long, from: daniel)
        let notice = try #require(try bot.outbox().first { $0.kind == "staff_notice" })
        #expect(notice.body.contains("I was charged twice and I want a refund."))
        #expect(notice.body.contains("…\""))
        #expect(!notice.body.contains(long.trimmedWhitespace()))
    }
}

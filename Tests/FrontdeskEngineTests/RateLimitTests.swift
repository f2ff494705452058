import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite struct RateLimitTests {
    let alice = "+15550101001"
    let ben = "+15550101002"

    func limit(_ bot: TestBot, sender: Int? = nil, business: Int? = nil) throws {
        try bot.app.store.write {
            try $0.setRateLimits(businessID: 1, RateLimits(senderPerHour: sender, businessPerMinute: business))
        }
    }

    @Test func aSendersFloodIsDroppedSilentlyNotStoredAndAuditedOnce() throws {
        let bot = try TestBot()
        try limit(bot, sender: 3)
        for _ in 0..<3 { #expect(try bot.say("when is my next billing date?", from: alice).disposition == .replied) }
        let messagesBefore = try bot.count("messages")
        let outboxBefore = try bot.count("outbox")
        for _ in 0..<5 {
            let dropped = try bot.say("when is my next billing date?", from: alice)
            #expect(dropped.disposition == .silent)
            #expect(dropped.reason == "rate_limited")
        }
        #expect(try bot.count("messages") == messagesBefore)
        #expect(try bot.count("outbox") == outboxBefore)
        let audit = try bot.audit("rate_limit.drop")
        #expect(audit.count == 1)
        #expect(audit.first?.after?.contains("sender:\(alice)") == true)
        // Another sender is not affected; the next hour's window admits Alice again.
        #expect(try bot.say("new card", from: ben).disposition == .replied)
        bot.clock.advance(minutes: 60)
        #expect(try bot.say("new card", from: alice).disposition == .replied)
    }

    @Test func theBusinessLimitCapsEverySenderTogether() throws {
        let bot = try TestBot()
        try limit(bot, sender: 0, business: 4)
        let phones = (1...6).map { String(format: "+155501010%02d", $0) }
        let outcomes = try phones.map { try bot.say("help", from: $0).disposition }
        #expect(outcomes.filter { $0 == .replied }.count == 4)
        #expect(outcomes.suffix(2).allSatisfy { $0 == .silent })
        #expect(try bot.audit("rate_limit.drop").first?.after?.contains("business over 4 a minute") == true)
        bot.clock.advance(minutes: 1)
        #expect(try bot.say("help", from: phones[5]).disposition == .replied)
    }

    @Test func countsSurviveARestartAndProviderRetriesDoNotCount() throws {
        let bot = try TestBot()
        try limit(bot, sender: 2)
        #expect(try bot.say("help", from: alice, providerID: "SM1").disposition == .replied)
        #expect(try bot.say("help", from: alice, providerID: "SM1").disposition == .duplicate)
        #expect(try bot.say("help", from: alice, providerID: "SM2").disposition == .replied)
        // A new process on the same database keeps the window's count.
        let again = try TestBot(seed: false, clock: bot.clock, dbPath: bot.dbPath)
        #expect(try again.say("help", from: alice, providerID: "SM3").reason == "rate_limited")
    }

    @Test func defaultsApplyAndZeroTurnsALimitOff() throws {
        let bot = try TestBot()
        let limits = try bot.app.store.read { try $0.rateLimits(businessID: 1) }
        #expect(limits.effectiveSenderPerHour == RateLimits.defaultSenderPerHour)
        #expect(limits.effectiveBusinessPerMinute == RateLimits.defaultBusinessPerMinute)
        try limit(bot, sender: 0, business: 0)
        for i in 0..<(RateLimits.defaultSenderPerHour + 5) {
            #expect(try bot.say("help", from: alice, providerID: "SMoff\(i)").disposition == .replied)
        }
    }
}

@Suite struct ConsentBeforeLimitsTests {
    @Test func aStopOverTheLimitStillTakesEffect() throws {
        let bot = try TestBot()
        try bot.app.store.write {
            try $0.setRateLimits(businessID: 1, RateLimits(senderPerHour: 1, businessPerMinute: 0))
        }
        #expect(try bot.say("help", from: "+15550101001").disposition == .replied)
        #expect(try bot.say("help", from: "+15550101001").reason == "rate_limited")
        let stop = try bot.say("STOP", from: "+15550101001")
        #expect(stop.disposition == .replied)
        #expect(try bot.app.store.read { try $0.isOptedOut(businessID: 1, address: "+15550101001") })
    }

    @Test func anEmailedUnsubscribeStillAnswersTheRestOfTheMessage() throws {
        let bot = try TestBot()
        let out = try bot.say("unsubscribe me. Also, please send me my invoices", from: "alice@example.com")
        #expect(out.reply?.contains("automated emails") == true)
        #expect(out.reply?.contains("INV-") == true)
    }
}

import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskChannels

@Suite struct OutboxTests {
    let t0 = Date(timeIntervalSince1970: 1_751_364_000)

    func sms(_ to: String = "+15551230001", body: String = "Your plan renews July 15.") -> OutgoingMessage {
        OutgoingMessage(channel: .sms, to: to, from: "+15559990000", body: body)
    }

    func worker(
        _ store: OutboxMemoryStore, _ sender: ScriptedSender, seed: UInt64 = 42, policy: OutboxPolicy = OutboxPolicy()
    ) -> OutboxWorker {
        let random = SeededRandom(seed: seed)
        return OutboxWorker(
            store: store, senders: [.sms: sender, .email: sender], policy: policy, random: random.nextUnit)
    }

    static let unavailable = SendError(
        kind: .rejected, retryable: true, status: 503, message: "Twilio answered HTTP 503")

    @Test func backoffCeilingDoublesUpToTheCap() {
        let b = Backoff(base: 30, cap: 3600)
        #expect((1...9).map { b.ceiling(afterAttempt: $0) } == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(b.ceiling(afterAttempt: 1000) == 3600)
        #expect(b.delay(afterAttempt: 3, unit: 0.5) == 60)
        #expect(b.delay(afterAttempt: 3, unit: 0) == 0)
    }

    @Test func retryScheduleFollowsSeededFullJitter() throws {
        let store = OutboxMemoryStore()
        let id = store.enqueue(sms(), at: t0)
        let w = worker(store, ScriptedSender([.failure(Self.unavailable)]), seed: 7)
        let expected = SeededRandom(seed: 7)
        var now = t0
        var waits: [TimeInterval] = []
        for attempt in 1...7 {
            let summary = try w.runOnce(now: now)
            #expect(summary.retrying == 1)
            let record = try #require(store.record(id))
            #expect(record.item.attempts == attempt)
            let wait = record.nextAttempt.timeIntervalSince(now)
            let ceiling = Backoff().ceiling(afterAttempt: attempt)
            #expect(wait >= 0 && wait < ceiling)
            #expect(abs(wait - ceiling * expected.nextUnit()) < 1e-6)
            waits.append(wait)
            // Not due before its time.
            #expect(try w.runOnce(now: record.nextAttempt.addingTimeInterval(-0.001)).total == 0)
            now = record.nextAttempt
        }
        print("outbox backoff schedule (seed 7), seconds:", waits.map { Int($0) })
    }

    @Test func deadLetterAfterMaxAttempts() throws {
        let store = OutboxMemoryStore()
        let id = store.enqueue(sms(), at: t0)
        let sender = ScriptedSender([.failure(Self.unavailable)])
        let w = worker(store, sender)
        var now = t0
        var summaries: [OutboxRunSummary] = []
        while let record = store.record(id), record.status == .pending, summaries.count < 20 {
            now = max(now, record.nextAttempt)
            summaries.append(try w.runOnce(now: now))
        }
        #expect(sender.count == 8)
        #expect(summaries.count == 8)
        #expect(summaries.last?.dead == 1)
        let record = try #require(store.record(id))
        #expect(record.status == .dead)
        #expect(record.item.attempts == 8)
        #expect(record.lastError == "rejected 503: Twilio answered HTTP 503")
        #expect(try w.runOnce(now: now.addingTimeInterval(86400)).total == 0)
    }

    @Test func permanentFailureIsDeadAtOnce() throws {
        let store = OutboxMemoryStore()
        let id = store.enqueue(sms(), at: t0)
        let bad = SendError(
            kind: .rejected, retryable: false, status: 400, message: "Twilio answered HTTP 400 (error 21211)")
        let sender = ScriptedSender([.failure(bad)])
        let summary = try worker(store, sender).runOnce(now: t0)
        #expect(summary.dead == 1 && sender.count == 1)
        #expect(store.record(id)?.status == .dead)
    }

    @Test func successRecordsProviderID() throws {
        let store = OutboxMemoryStore()
        let id = store.enqueue(sms(), at: t0)
        let sender = ScriptedSender([.success(SendResult(providerMessageID: "SM1"))])
        #expect(try worker(store, sender).runOnce(now: t0).sent == 1)
        #expect(store.record(id)?.status == .sent)
        #expect(store.record(id)?.providerID == "SM1")
        #expect(store.record(id)?.sentAt == t0)
    }

    @Test func perRecipientRateLimitPostponesWithoutFailing() throws {
        let store = OutboxMemoryStore()
        let ids = (0..<7).map { store.enqueue(sms("+15551230001", body: "message \($0)"), at: t0) }
        let other = store.enqueue(sms("+15551230002"), at: t0)
        let sender = ScriptedSender([.success(SendResult())])
        let w = worker(store, sender)

        let first = try w.runOnce(now: t0)
        #expect(first.sent == 6 && first.postponed == 2)
        #expect(store.record(other)?.status == .sent)
        for id in ids[5...] {
            let record = try #require(store.record(id))
            #expect(record.status == .pending)
            #expect(record.item.attempts == 0, "a postponement is not an attempt")
            #expect(record.lastError == nil)
            #expect(record.nextAttempt == t0.addingTimeInterval(60))
        }
        #expect(try w.runOnce(now: t0.addingTimeInterval(30)).total == 0)
        let second = try w.runOnce(now: t0.addingTimeInterval(60))
        #expect(second.sent == 2)
        #expect(sender.count == 8)
        // Sends stay in order per recipient.
        #expect(sender.sent.filter { $0.to == "+15551230001" }.map(\.body) == (0..<7).map { "message \($0)" })
    }

    @Test func optedOutRecipientIsSuppressedNeverSent() throws {
        let store = OutboxMemoryStore()
        store.optOut(.sms, "+15551230001")
        let id = store.enqueue(sms("(555) 123-0001"), at: t0)  // normalized to E.164 before the check
        let ok = store.enqueue(sms("+15551230002"), at: t0)
        let sender = ScriptedSender([.success(SendResult())])
        let summary = try worker(store, sender).runOnce(now: t0)
        #expect(summary.suppressed == 1 && summary.sent == 1)
        #expect(sender.sent.map(\.to) == ["+15551230002"])
        let record = try #require(store.record(id))
        #expect(record.status == .suppressed)
        #expect(record.lastError?.contains("opted out") == true)
        #expect(store.record(ok)?.status == .sent)
    }

    @Test func storedErrorsCarryNoSecretsOrBodies() throws {
        let store = OutboxMemoryStore()
        let id = store.enqueue(sms(body: "my card is 4242"), at: t0)
        let leaky = SendError(
            kind: .transport, retryable: true, message: "Failed to connect to smtps://user:hunter2@mail.example:465/")
        _ = try worker(store, ScriptedSender([.failure(leaky)])).runOnce(now: t0)
        let error = try #require(store.record(id)?.lastError)
        #expect(!error.contains("hunter2") && !error.contains("user:"))
        #expect(error.contains("smtps://mail.example:465/"))
        #expect(!error.contains("4242"))
    }

    @Test func missingSenderIsRetried() throws {
        let store = OutboxMemoryStore()
        let id = store.enqueue(sms(), at: t0)
        let w = OutboxWorker(store: store, senders: [:], random: { 0.5 })
        #expect(try w.runOnce(now: t0).retrying == 1)
        #expect(store.record(id)?.lastError?.contains("no sender configured for sms") == true)
    }

    @Test func backgroundThreadSendsAndStopDrains() throws {
        let store = OutboxMemoryStore()
        let sender = ScriptedSender([.success(SendResult(providerMessageID: "SM9"))])
        var policy = OutboxPolicy()
        policy.pollInterval = 0.05
        let w = OutboxWorker(store: store, senders: [.sms: sender], policy: policy)
        w.start()
        w.start()  // idempotent
        let id = store.enqueue(sms(), at: Date(timeIntervalSince1970: 0))
        w.wake()
        // Wait (not a timed assertion: the bound only keeps a broken worker from hanging the run).
        var spins = 0
        while store.record(id)?.status != .sent, spins < 400 {
            Thread.sleep(forTimeInterval: 0.01)
            spins += 1
        }
        w.stop()
        w.stop()  // idempotent
        #expect(store.record(id)?.status == .sent)
        // After stop nothing more is sent.
        let later = store.enqueue(sms("+15551230003"), at: Date(timeIntervalSince1970: 0))
        Thread.sleep(forTimeInterval: 0.1)
        #expect(store.record(later)?.status == .pending)
        #expect(sender.count == 1)
    }
}

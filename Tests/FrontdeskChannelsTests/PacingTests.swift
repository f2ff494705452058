import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskChannels

/// Sends paced per sending number and a provider's Retry-After honoured (issue 17), and a notice's Message-ID kept.
@Suite struct PacingTests {
    let t0 = Date(timeIntervalSince1970: 1_751_364_000)

    func sms(_ to: String, from: String = "+15559990000") -> OutgoingMessage {
        OutgoingMessage(channel: .sms, to: to, from: from, body: "Your plan renews July 15.")
    }

    func paced(_ store: OutboxMemoryStore, _ sender: ScriptedSender) -> OutboxWorker {
        var policy = OutboxPolicy()
        policy.senderInterval[.sms] = 1
        return OutboxWorker(
            store: store, senders: [.sms: sender], policy: policy, random: SeededRandom(seed: 3).nextUnit)
    }

    @Test func aLongCodeSendsAboutOneTextASecondAndOtherNumbersAreNotHeldBack() throws {
        let store = OutboxMemoryStore()
        let ids = (1...3).map { store.enqueue(sms("+1555123000\($0)"), at: t0) }
        let other = store.enqueue(sms("+15551230009", from: "+15558880000"), at: t0)
        let sender = ScriptedSender([.success(SendResult())])
        let worker = paced(store, sender)
        let first = try worker.runOnce(now: t0)
        #expect(first.sent == 2 && first.postponed == 2)
        #expect(store.record(ids[0])?.status == .sent && store.record(other)?.status == .sent)
        // The others wait until the number is free, without counting an attempt, and then go one a second.
        #expect(store.record(ids[1])?.nextAttempt == t0.addingTimeInterval(1))
        #expect(store.record(ids[2])?.nextAttempt == t0.addingTimeInterval(1))
        #expect(store.record(ids[1])?.item.attempts == 0)
        let second = try worker.runOnce(now: t0.addingTimeInterval(1))
        #expect(second.sent == 1 && second.postponed == 1)
        #expect(store.record(ids[1])?.status == .sent)
        #expect(store.record(ids[2])?.nextAttempt == t0.addingTimeInterval(2))
        #expect(try worker.runOnce(now: t0.addingTimeInterval(1.5)).total == 0)
        #expect(try worker.runOnce(now: t0.addingTimeInterval(2)).sent == 1)
        #expect(sender.count == 4)
    }

    @Test func withoutAPaceEverythingDueGoesAtOnce() throws {
        let store = OutboxMemoryStore()
        for n in 1...3 { store.enqueue(sms("+1555123000\(n)"), at: t0) }
        let sender = ScriptedSender([.success(SendResult())])
        let worker = OutboxWorker(store: store, senders: [.sms: sender])
        #expect(try worker.runOnce(now: t0).sent == 3)
    }

    @Test func aProviders429RetryAfterHoldsTheItemAndItsNumberUntilThen() throws {
        let store = OutboxMemoryStore()
        let first = store.enqueue(sms("+15551230001"), at: t0)
        let second = store.enqueue(sms("+15551230002"), at: t0)
        let limited = SendError(
            kind: .rejected, retryable: true, status: 429, message: "Twilio answered HTTP 429", retryAfter: 120)
        let sender = ScriptedSender([.failure(limited), .success(SendResult())])
        let worker = paced(store, sender)
        let run = try worker.runOnce(now: t0)
        #expect(run.retrying == 1 && run.postponed == 1)
        let held = try #require(store.record(first))
        #expect(held.nextAttempt >= t0.addingTimeInterval(120))
        #expect(held.item.attempts == 1 && held.lastError == "rejected 429: Twilio answered HTTP 429")
        #expect(try #require(store.record(second)).nextAttempt >= t0.addingTimeInterval(120))
        #expect(try worker.runOnce(now: t0.addingTimeInterval(60)).total == 0)
        #expect(sender.count == 1)
        // Then the number's pace again: one now, the other a second later.
        let later = try worker.runOnce(now: t0.addingTimeInterval(200))
        #expect(later.sent == 1 && later.postponed == 1)
        #expect(try worker.runOnce(now: t0.addingTimeInterval(201)).sent == 1)
    }

    @Test func libcurlReadsTwiliosRetryAfter() throws {
        let server = try FakeHTTPServer([
            .init(status: 429, body: #"{"code": 20429}"#, headers: ["Retry-After": "37"]),
            .init(status: 503, body: "{}"),
        ])
        defer { server.stop() }
        let sender = try TwilioRESTSender(accountSID: "AC0123abc", authToken: "secret-token", baseURL: server.baseURL)
        #expect(throws: SendError.self) { try sender.send(sms("+15551230001")) }
        do {
            _ = try sender.send(sms("+15551230001"))
        } catch let error as SendError {
            #expect(error.status == 503 && error.retryAfter == nil)
        }
        let server2 = try FakeHTTPServer([.init(status: 429, body: "{}", headers: ["Retry-After": "37"])])
        defer { server2.stop() }
        let limited = try TwilioRESTSender(accountSID: "AC0123abc", authToken: "secret-token", baseURL: server2.baseURL)
        do {
            _ = try limited.send(sms("+15551230001"))
            Issue.record("a 429 was taken as sent")
        } catch let error as SendError {
            #expect(error.status == 429 && error.retryable && error.retryAfter == 37)
        }
    }

    @Test func aNoticesMessageIDIsTheSameOnEveryAttempt() throws {
        var message = OutgoingMessage(
            channel: .email, to: "alice@example.com", from: "desk@maple-studio.example", subject: "Renewal", body: "Hi")
        message.messageID = "<notice-1b2c@maple-studio.example>"
        let composer = MIMEComposer()
        let one = try composer.compose(message)
        let two = try composer.compose(message, date: Date().addingTimeInterval(600))
        #expect(one.messageID == "<notice-1b2c@maple-studio.example>" && two.messageID == one.messageID)
        #expect(one.text.contains("\r\nMessage-ID: <notice-1b2c@maple-studio.example>\r\n"))
        #expect(one.text.contains("\r\nAuto-Submitted: auto-generated\r\n"))
        let mailgun = try MailgunSender(domain: "mg.maple-studio.example", apiKey: "key-123")
        let fields = try mailgun.fields(for: message)
        #expect(fields.contains { $0.0 == "h:Message-Id" && $0.1 == "<notice-1b2c@maple-studio.example>" })
        // Without one, each compose makes its own.
        message.messageID = nil
        #expect(try composer.compose(message).messageID != (try composer.compose(message).messageID))
    }
}

import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskChannels

/// TwilioRESTSender and MailgunSender against a real HTTP server on a loopback port, through libcurl.
@Suite struct TwilioLiveTests {
    let token = "tok-Secret-123"
    let body = "Hi Ana & co: 50% off = great? café ✓ +1"

    func message() -> OutgoingMessage {
        OutgoingMessage(channel: .sms, to: "+15551230001", from: "+15559990000", body: body)
    }

    @Test func failsWith500ThenSucceedsOnRetryThroughTheWorker() throws {
        let server = try FakeHTTPServer([
            .init(status: 500, body: #"{"code": 20500, "message": "Internal Server Error"}"#),
            .init(status: 201, body: #"{"sid": "SM0123456789abcdef", "status": "queued"}"#),
        ])
        defer { server.stop() }
        let sender = try TwilioRESTSender(accountSID: "AC0123abc", authToken: token, baseURL: server.baseURL + "/")
        let store = OutboxMemoryStore()
        let t0 = Date(timeIntervalSince1970: 1_751_364_000)
        let id = store.enqueue(message(), at: t0)
        let worker = OutboxWorker(store: store, senders: [.sms: sender], random: SeededRandom(seed: 1).nextUnit)

        let first = try worker.runOnce(now: t0)
        #expect(first.retrying == 1)
        let failed = try #require(store.record(id))
        #expect(failed.status == .pending && failed.item.attempts == 1)
        let error = try #require(failed.lastError)
        #expect(error == "rejected 500: Twilio answered HTTP 500 (error 20500)")
        #expect(!error.contains(token) && !error.contains("Ana"))
        #expect(failed.nextAttempt > t0 && failed.nextAttempt < t0.addingTimeInterval(30))

        let second = try worker.runOnce(now: failed.nextAttempt)
        #expect(second.sent == 1)
        #expect(store.record(id)?.status == .sent)
        #expect(store.record(id)?.providerID == "SM0123456789abcdef")

        let requests = server.requests
        #expect(requests.count == 2)
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.path == "/2010-04-01/Accounts/AC0123abc/Messages.json")
            let basic = "Basic " + Data("AC0123abc:\(token)".utf8).base64EncodedString()
            #expect(request.headers["authorization"] == basic)
            #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(request.form == ["To": "+15551230001", "From": "+15559990000", "Body": body])
        }
    }

    @Test(arguments: [(400, false), (401, false), (404, false), (429, true), (500, true), (503, true)])
    func statusDecidesRetry(status: Int, retryable: Bool) throws {
        let server = try FakeHTTPServer([.init(status: status, body: #"{"code": 21211}"#)])
        defer { server.stop() }
        let sender = try TwilioRESTSender(accountSID: "AC1", authToken: token, baseURL: server.baseURL)
        do {
            _ = try sender.send(message())
            Issue.record("expected a failure for HTTP \(status)")
        } catch let error as SendError {
            #expect(error.retryable == retryable)
            #expect(error.status == status)
            #expect(!error.description.contains(token))
        }
    }

    @Test func refusedConnectionIsRetryableTransport() throws {
        let server = try FakeHTTPServer([])
        let url = server.baseURL
        server.stop()  // nothing listens on the port any more
        let sender = try TwilioRESTSender(accountSID: "AC1", authToken: token, baseURL: url)
        #expect {
            try sender.send(message())
        } throws: { error in
            guard let e = error as? SendError else { return false }
            return e.retryable && e.kind == .transport && !e.description.contains(token)
        }
    }

    @Test func timeoutIsRetryable() throws {
        let server = try FakeHTTPServer([.init(status: 200, body: "", hang: true)])
        defer { server.stop() }
        let sender = try TwilioRESTSender(accountSID: "AC1", authToken: token, baseURL: server.baseURL, timeout: 0.3)
        #expect {
            try sender.send(message())
        } throws: { error in
            guard let e = error as? SendError else { return false }
            return e.retryable && e.kind == .transport && e.message.contains("timed out")
        }
    }

    @Test func rejectsBadConfigurationAndChannel() throws {
        #expect(throws: SendError.self) { try TwilioRESTSender(accountSID: "AC1/../x", authToken: token) }
        #expect(throws: SendError.self) { try TwilioRESTSender(accountSID: "AC1", authToken: "") }
        let sender = try TwilioRESTSender(accountSID: "AC1", authToken: token, baseURL: "http://127.0.0.1:9")
        var email = message()
        email.channel = .email
        #expect(throws: SendError.self) { try sender.send(email) }
        var injected = message()
        injected.to = "+1555 123"
        #expect(throws: SendError.self) { try sender.send(injected) }
    }

    @Test func mailgunPostsThreadedFields() throws {
        let server = try FakeHTTPServer([
            .init(status: 200, body: #"{"id": "<20250701.1@mg.spa.example>", "message": "Queued"}"#)
        ])
        defer { server.stop() }
        let sender = try MailgunSender(domain: "mg.spa.example", apiKey: "key-abc", baseURL: server.baseURL)
        let mail = OutgoingMessage(
            channel: .email, to: "ana@client.example", from: "bot@mg.spa.example", fromName: "Lotus Spa",
            subject: "Billing", body: "Next billing: July 15.", inReplyTo: "<m1@client.example>",
            headers: [OutgoingHeader(name: "X-Frontdesk", value: "1")])
        let result = try sender.send(mail)
        #expect(result.providerMessageID == "<20250701.1@mg.spa.example>")
        let request = try #require(server.requests.first)
        #expect(request.path == "/v3/mg.spa.example/messages")
        #expect(request.headers["authorization"] == "Basic " + Data("api:key-abc".utf8).base64EncodedString())
        #expect(
            request.form == [
                "from": "\"Lotus Spa\" <bot@mg.spa.example>", "to": "ana@client.example", "subject": "Re: Billing",
                "text": "Next billing: July 15.", "h:In-Reply-To": "<m1@client.example>",
                "h:References": "<m1@client.example>", "h:Auto-Submitted": "auto-replied", "h:X-Frontdesk": "1",
            ])
        var injected = mail
        injected.subject = "x\r\nBcc: a@evil.example"
        #expect(throws: SendError.self) { try sender.send(injected) }
        #expect(server.requests.count == 1)
    }
}

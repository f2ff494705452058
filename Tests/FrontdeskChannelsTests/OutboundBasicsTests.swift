import Foundation
import Testing

@testable import FrontdeskChannels

@Suite struct OutboundBasicsTests {
    @Test func redactsUserinfo() {
        #expect(
            Redact.userinfo(in: "failed smtp://u:p@host:587/x and https://a@b/c")
                == "failed smtp://host:587/x and https://b/c")
        #expect(Redact.userinfo(in: "no url here, a@b.example") == "no url here, a@b.example")
        #expect(Redact.secrets(["s3cret", ""], in: "login s3cret denied") == "login *** denied")
    }

    @Test func formEncodingUsesCurlEscape() throws {
        let body = try CurlClient.formEncode([("To", "+1 555"), ("Body", "a&b=c é/?")])
        #expect(String(decoding: body, as: UTF8.self) == "To=%2B1%20555&Body=a%26b%3Dc%20%C3%A9%2F%3F")
        #expect(try CurlClient.escape("") == "")
    }

    @Test func smtpURLParsing() throws {
        let remote = try SMTPConfiguration(url: "smtp://bot%40spa.example:p%3Ass@mail.example.com:587")
        #expect(remote.url == "smtp://mail.example.com:587")
        #expect(remote.username == "bot@spa.example")
        #expect(remote.password == "p:ss")
        #expect(remote.tls == .required)
        #expect(try SMTPConfiguration(url: "smtps://u:p@mail.example.com").tls == .required)
        #expect(try SMTPConfiguration(url: "smtp://localhost:25").tls == .opportunistic)
        #expect(try SMTPConfiguration(url: "smtp://127.0.0.1:2525").tls == .opportunistic)
        #expect(try SMTPConfiguration(url: "smtp://[::1]:2525").tls == .opportunistic)
        #expect(try SMTPConfiguration(url: "smtp://localhost.evil.example:25").tls == .required)
        for bad in ["http://mail.example.com", "mail.example.com:587", "smtp://", "file:///etc/passwd"] {
            #expect(throws: SendError.self) { try SMTPConfiguration(url: bad) }
        }
        #expect(try SMTPSender.fromEnvironment([:]) == nil)
        #expect(try SMTPSender.fromEnvironment(["FRONTDESK_SMTP_URL": "smtp://localhost:25"]) != nil)
        #expect(try TwilioRESTSender.fromEnvironment(["FRONTDESK_TWILIO_ACCOUNT_SID": "AC1"]) == nil)
    }

    @Test(arguments: [
        (451, 55, true, SendError.Kind.rejected), (550, 55, false, .rejected), (535, 67, false, .configuration),
        (0, 7, true, .transport), (0, 28, true, .transport), (0, 64, false, .configuration),
        (0, 3, false, .configuration),
    ])
    func smtpFailureClassification(reply: Int, curlCode: Int, retryable: Bool, kind: SendError.Kind) {
        let error = SMTPSender.classify(
            CurlError(code: curlCode, message: "transfer: failed for smtp://u:pw@h/ pw", responseCode: reply),
            secrets: ["pw"])
        #expect(error.retryable == retryable)
        #expect(error.kind == kind)
        #expect(!error.description.contains("pw"))
    }

    @Test func smtpRefusesSMSAndBadAddressesBeforeConnecting() throws {
        let sender = SMTPSender(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:9"))
        let sms = OutgoingMessage(channel: .sms, to: "+15551230001", from: "+15559990000", body: "x")
        #expect(throws: SendError.self) { try sender.send(sms) }
        let bad = OutgoingMessage(
            channel: .email, to: "a@b.example\r\nRCPT TO:<c@d.example>", from: "x@y.example", body: "x")
        #expect(throws: SendError.self) { try sender.send(bad) }
    }
}

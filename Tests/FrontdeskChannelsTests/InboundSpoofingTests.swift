import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskChannels

/// What an attacker sent (issue 12): a From of a real client, with passes written into headers the sender controls.
/// Only the receiving side's verdict counts; these payloads must not come out `.verified`.
@Suite struct InboundSpoofingTests {
    static let forgedAR =
        "attacker.example; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; "
        + "dmarc=pass header.from=example.com"

    /// SendGrid parsed mode with the provider's own fields saying SPF fail and DKIM fail for example.com.
    static func sendgridFields(spf: String = "fail", dkim: String = "{@example.com : fail}", headers: String)
        -> [String: String]
    {
        [
            "from": "Alice Johnson <alice@example.com>", "to": "frontdesk@maple.example", "subject": "Membership",
            "text": "I want to cancel my membership", "SPF": spf, "dkim": dkim,
            "envelope": #"{"to":["frontdesk@maple.example"],"from":"alice@example.com"}"#,
            "headers": "Message-ID: <spoof-1@attacker.example>\nFrom: Alice Johnson <alice@example.com>\n" + headers,
        ]
    }

    @Test func sendgridFailingFieldsAreNotOverriddenByAForgedHeader() throws {
        let fields = Self.sendgridFields(headers: "Authentication-Results: \(Self.forgedAR)\n")
        for options in [InboundOptions(), InboundOptions(authservIDs: ["mx.sendgrid.net"])] {
            let m = try InboundMapping.sendgrid(fields: fields, options: options)
            #expect(m.from == "alice@example.com")
            #expect(m.verdict == AuthVerdict(spf: .fail, dkim: .fail, dmarc: .unknown))
            #expect(m.verdict.trust == .unverified)
        }
    }

    @Test func sendgridDKIMForAPublicSuffixAlignsWithNobody() throws {
        let fields = Self.sendgridFields(spf: "none", dkim: "{@com : pass}", headers: "")
        let m = try InboundMapping.sendgrid(fields: fields)
        #expect(m.verdict.dkim == .none)
        #expect(m.verdict.trust == .unknown)
        // The same field naming the From's own domain (or a subdomain of it) is a real pass.
        for dkim in ["{@example.com : pass}", "{@mail.example.com : pass}"] {
            let real = try InboundMapping.sendgrid(fields: Self.sendgridFields(spf: "none", dkim: dkim, headers: ""))
            #expect(real.verdict.trust == .verified, "\(dkim)")
        }
    }

    @Test func mailgunMessageHeadersCannotVouchForTheSender() throws {
        var fields = try InboundCorpus.mailgunFields("mailgun_forward_parsed_doc_sample.txt")
        fields["from"] = "Alice Johnson <alice@example.com>"
        fields["sender"] = "alice@example.com"
        let forged = try JSONSerialization.data(withJSONObject: [["Authentication-Results", Self.forgedAR]])
        fields["message-headers"] = String(decoding: forged, as: UTF8.self)
        #expect(try InboundMapping.mailgun(fields: fields).verdict.trust == .unknown)

        // Mailgun's own host names count by default, but only the topmost header: a copy the sender wrote
        // below Mailgun's (after its Received line) is ignored, and Mailgun's own fields stand.
        let headers: [[String]] = [
            ["X-Mailgun-Spf", "Fail"],
            ["Authentication-Results", "mxa.mailgun.org; dmarc=fail header.from=example.com"],
            ["Received", "from attacker.example by mxa.mailgun.org"], ["X-Mailgun-Spf", "Pass"],
            [
                "Authentication-Results",
                "mxa.mailgun.org; dkim=pass header.d=example.com; dmarc=pass header.from=example.com",
            ],
        ]
        fields["message-headers"] = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        fields["X-Mailgun-Spf"] = "Pass"  // the form field may be the sender's copy: copies must agree
        let m = try InboundMapping.mailgun(fields: fields)
        #expect(m.verdict == AuthVerdict(spf: .fail, dkim: .unknown, dmarc: .fail))
        #expect(m.verdict.trust == .unverified)
    }

    @Test func mailgunHostsAreTrustedByDefaultAndTheOperatorCanNameOthers() throws {
        var fields = try InboundCorpus.mailgunFields("mailgun_store_notify_doc_sample.txt")
        fields["from"] = "Alice Johnson <alice@example.com>"
        fields["sender"] = "bounce@lists.example.org"
        let headers = [["Authentication-Results", "mxb.mailgun.org; dkim=pass header.d=example.com"]]
        fields["message-headers"] = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        #expect(try InboundMapping.mailgun(fields: fields).verdict.trust == .verified)
        // FRONTDESK_AUTHSERV_ID replaces the defaults: naming another host (or none) stops trusting Mailgun's.
        let other = InboundOptions(authservIDs: ["mx.example.net"])
        #expect(try InboundMapping.mailgun(fields: fields, options: other).verdict.trust == .unknown)
        #expect(
            try InboundMapping.mailgun(fields: fields, options: InboundOptions(authservIDs: [])).verdict
                == AuthVerdict())
    }

    static func postmark(headers: [[String: String]]) throws -> Data {
        let json = try InboundCorpus.data("postmark_inbound_docs_example_RECONSTRUCTED.json")
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["FromFull"] = ["Email": "alice@example.com", "Name": "Alice Johnson"]
        object["From"] = "alice@example.com"
        object["Headers"] = headers
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func postmarkHeadersAreNoVerdictUnlessTheOperatorNamesTheHost() throws {
        for id in ["attacker.example", "mx.google.com", "inbound.postmarkapp.com"] {
            let ar = Self.forgedAR.replacingOccurrences(of: "attacker.example;", with: "\(id);")
            let json = try Self.postmark(headers: [["Name": "Authentication-Results", "Value": ar]])
            #expect(try InboundMapping.postmark(json: json).verdict == AuthVerdict(), "\(id)")
        }
        let spam = try Self.postmark(headers: [
            ["Name": "X-Spam-Tests", "Value": "DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,SPF_PASS"],
            ["Name": "Received-SPF", "Value": "Pass (sender SPF authorized) envelope-from=alice@example.com"],
        ])
        #expect(try InboundMapping.postmark(json: spam).verdict.trust == .unknown)

        // Mail that reaches Postmark through the operator's Google Workspace carries Google's results on top.
        let google =
            "mx.google.com; dkim=pass header.i=@example.com; spf=pass smtp.mailfrom=alice@example.com; "
            + "dmarc=pass header.from=example.com"
        let json = try Self.postmark(headers: [
            ["Name": "Authentication-Results", "Value": google],
            ["Name": "Received", "Value": "from mail.example.com by mx.google.com"],
            ["Name": "Authentication-Results", "Value": "mx.google.com; dmarc=fail header.from=example.com"],
        ])
        let trusting = InboundOptions(authservIDs: ["mx.google.com"])
        #expect(try InboundMapping.postmark(json: json, options: trusting).verdict == .trusted)
        #expect(try InboundMapping.postmark(json: json).verdict.trust == .unknown)
    }
}

import Foundation
import FrontdeskCore
import FrontdeskText
import Testing

@testable import FrontdeskChannels

@Suite struct InboundTwilioTests {
    static func docTable() throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(
            with: InboundCorpus.data("twilio_incoming_message_params_doc_table.json"))
        var params = try #require(object as? [String: String])
        params["_source"] = nil
        return params
    }

    @Test func docTableParams() throws {
        let m = try InboundMapping.twilio(params: Self.docTable())
        #expect(m.provider == "twilio")
        #expect(m.channel == .sms)
        #expect(m.providerMessageID == "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
        #expect(m.from == "+14017122661")
        #expect(m.to == "+15558675310")
        #expect(m.text == "Ahoy! Let's build something amazing.")
        #expect(m.verdict == .trusted)
        #expect(!m.isAutoReply)
        #expect(m.subject == nil && m.messageID == nil && m.forwarded == nil)
        #expect(m.rawSize > m.text.utf8.count)
        #expect(try InboundMapping.twilio(params: Self.docTable(), rawSize: 812).rawSize == 812)
    }

    @Test func fallbacksAndRefusals() throws {
        var p = try Self.docTable()
        p["MessageSid"] = nil
        p["SmsSid"] = "SMold"
        #expect(try InboundMapping.twilio(params: p).providerMessageID == "SMold")
        p["SmsSid"] = nil
        #expect(try InboundMapping.twilio(params: p).providerMessageID == "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
        p["SmsMessageSid"] = ""
        #expect(throws: InboundMappingError(.missingField, field: "MessageSid")) {
            try InboundMapping.twilio(params: p)
        }

        p = try Self.docTable()
        p["From"] = "(401) 712-2661"
        p["To"] = "12345"
        p["Body"] = nil
        let m = try InboundMapping.twilio(params: p)
        #expect(m.from == "+14017122661")
        #expect(m.to == "12345")  // a short code stays as sent
        #expect(m.text == "")  // MMS without text
        p["From"] = "whatsapp:+14017122661"
        #expect(throws: InboundMappingError(.invalidAddress, field: "From")) { try InboundMapping.twilio(params: p) }
        p["From"] = nil
        #expect(throws: InboundMappingError(.missingField, field: "From")) { try InboundMapping.twilio(params: p) }
        p = try Self.docTable()
        p["To"] = " "
        #expect(throws: InboundMappingError(.missingField, field: "To")) { try InboundMapping.twilio(params: p) }
    }
}

@Suite struct InboundMailgunTests {
    static let messageID = "<CABPem2N_Ucj3wRRZnLVpVF_fRjkTBXHZReZC3zY-hHsRa=T51g@samples.mailgun.com>"

    @Test(arguments: ["mailgun_forward_parsed_doc_sample.txt", "mailgun_store_notify_doc_sample.txt"])
    func docSamples(_ file: String) throws {
        let fields = try InboundCorpus.mailgunFields(file)
        #expect(fields["message-headers"] != nil && fields["signature"] != nil)
        let m = try InboundMapping.mailgun(fields: fields)
        #expect(m.provider == "mailgun")
        #expect(m.channel == .email)
        #expect(m.providerMessageID == Self.messageID)
        #expect(m.messageID == Self.messageID)
        #expect(m.from == "user@samples.mailgun.com")
        #expect(m.to == "hook@sandboxdb91ab935a414789809f96c91229a0ee.mailgun.org")
        #expect(m.subject == "Message Routes")
        #expect(m.text == "Testing Mailgun's forwarded and stored message routes :)")
        let expected = EmailExtractor.extract(
            text: fields["body-plain"] ?? "", html: fields["body-html"],
            headers: try InboundMapping.mailgunHeaders(fields["message-headers"] ?? "").pairs)
        #expect(m.text == expected.replyWithoutSignature)
        #expect(m.references.isEmpty)
        #expect(m.verdict == AuthVerdict())  // the samples carry no SPF/DKIM results
        #expect(!m.verdict.passes)
        #expect(!m.isAutoReply)
    }

    @Test func providerVerdictFieldsAndThreading() throws {
        var fields = try InboundCorpus.mailgunFields("mailgun_forward_parsed_doc_sample.txt")
        let headers =
            #"[["X-Mailgun-Spf", "Pass"], ["X-Mailgun-Dkim-Check-Result", "Pass"], "#
            + #"["Message-Id", "<m2@samples.mailgun.com>"], ["In-Reply-To", "<out1@frontdesk.example>"], "#
            + #"["References", "<out0@frontdesk.example> <out1@frontdesk.example>"]]"#
        fields["message-headers"] = headers
        fields["Message-Id"] = nil
        let m = try InboundMapping.mailgun(fields: fields)
        // SPF passed for the envelope sender, whose domain is From's. Mailgun's DKIM check names no domain, and
        // the message carries no DKIM-Signature saying whose it was: it proves nothing about From.
        #expect(m.verdict == AuthVerdict(spf: .pass, dkim: .none, dmarc: .unknown))
        #expect(m.verdict.passes)
        #expect(m.providerMessageID == "<m2@samples.mailgun.com>")
        #expect(m.references == ["<out0@frontdesk.example>", "<out1@frontdesk.example>"])

        // Signed by the From domain only: the check's pass is about From.
        var signed = fields
        signed["message-headers"] =
            String(headers.dropLast()) + #", ["DKIM-Signature", "v=1; d=samples.mailgun.com; s=k1"]]"#
        #expect(try InboundMapping.mailgun(fields: signed).verdict.dkim == .pass)

        // SPF for an envelope sender of another domain says nothing about From.
        fields["sender"] = "bounce@elsewhere.example"
        fields["X-Mailgun-Dkim-Check-Result"] = "Fail"
        let n = try InboundMapping.mailgun(fields: fields)
        #expect(n.verdict.spf == .none)
        #expect(n.verdict.dkim == .fail)
        #expect(!n.verdict.passes)
    }

    @Test func bouncesAndSpamAreNeverAnswered() throws {
        var fields = try InboundCorpus.mailgunFields("mailgun_store_notify_doc_sample.txt")
        fields["sender"] = ""
        #expect(try InboundMapping.mailgun(fields: fields).isAutoReply)
        fields = try InboundCorpus.mailgunFields("mailgun_store_notify_doc_sample.txt")
        fields["X-Mailgun-Sflag"] = "Yes"
        #expect(try InboundMapping.mailgun(fields: fields).isAutoReply)
    }

    @Test func rawMIMEInBodyMime() throws {
        let sendgrid = try InboundCorpus.multipartFields("sendgrid_raw_data.form")
        let raw = try #require(sendgrid["email"])
        let fields = [
            "body-mime": raw, "recipient": "inbound@inbound.inbound.com", "sender": "test@example.com",
            "X-Mailgun-Spf": "Pass",
        ]
        let m = try InboundMapping.mailgun(fields: fields)
        #expect(m.from == "test@example.com")
        #expect(m.subject == "Inbound Parse Test Raw Data")
        #expect(m.text == "Hello Twilio SendGrid!")
        #expect(m.text == EmailExtractor.extract(raw: raw).replyWithoutSignature)
        #expect(m.verdict.spf == .pass)
        #expect(m.providerMessageID.hasPrefix("mailgun-"))  // the sample has no Message-ID
    }

    @Test func refusals() throws {
        var fields = try InboundCorpus.mailgunFields("mailgun_forward_parsed_doc_sample.txt")
        fields["message-headers"] = "[not json"
        #expect(throws: InboundMappingError(.malformedJSON, field: "message-headers")) {
            try InboundMapping.mailgun(fields: fields)
        }
        fields = try InboundCorpus.mailgunFields("mailgun_forward_parsed_doc_sample.txt")
        fields["from"] = "nobody"
        fields["message-headers"] = "[]"
        #expect(throws: InboundMappingError(.invalidAddress, field: "from")) {
            try InboundMapping.mailgun(fields: fields)
        }
        fields = try InboundCorpus.mailgunFields("mailgun_forward_parsed_doc_sample.txt")
        fields["recipient"] = nil
        fields["message-headers"] = "[]"
        #expect(throws: InboundMappingError(.missingField, field: "to")) { try InboundMapping.mailgun(fields: fields) }
    }
}

@Suite struct InboundSendGridTests {
    @Test func parsedMode() throws {
        let fields = try InboundCorpus.multipartFields("sendgrid_default_data.form")
        #expect(fields.count == 12)
        let m = try InboundMapping.sendgrid(fields: fields)
        #expect(m.provider == "sendgrid")
        #expect(m.channel == .email)
        #expect(m.from == "test@example.com")
        #expect(m.to == "inbound@inbound.example.com")
        #expect(m.subject == "Testing non-raw")
        #expect(m.text == "Hello Twilio SendGrid!")
        // SPF passed for the envelope sender test@example.com (aligned with From); DKIM passed for sendgrid.com,
        // which is not the From domain, so it proves nothing about the author.
        #expect(m.verdict == AuthVerdict(spf: .pass, dkim: .none, dmarc: .unknown))
        #expect(m.verdict.passes)
        #expect(m.messageID == nil)
        // No Message-ID: a derived id, the same on a provider retry, different for another message.
        #expect(m.providerMessageID.hasPrefix("sendgrid-") && m.providerMessageID.count == 41)
        #expect(try InboundMapping.sendgrid(fields: fields).providerMessageID == m.providerMessageID)
        var other = fields
        other["text"] = "Cancel my membership"
        #expect(try InboundMapping.sendgrid(fields: other).providerMessageID != m.providerMessageID)
        #expect(!m.isAutoReply)
    }

    @Test(arguments: ["sendgrid_raw_data.form", "sendgrid_raw_data_with_attachments.form"])
    func rawMode(_ file: String) throws {
        let fields = try InboundCorpus.multipartFields(file)
        let raw = try #require(fields["email"])
        let m = try InboundMapping.sendgrid(fields: fields)
        #expect(m.from == "test@example.com")
        #expect(m.to == "inbound@inbound.inbound.com")
        #expect(m.subject == fields["subject"])
        #expect(m.text == "Hello Twilio SendGrid!")
        #expect(m.text == EmailExtractor.extract(raw: raw).replyWithoutSignature)
        #expect(m.verdict == AuthVerdict(spf: .pass, dkim: .none, dmarc: .unknown))
        #expect(m.rawSize >= raw.utf8.count)
    }

    @Test func messageIDAndVerdictFromTheHeaderBlock() throws {
        var fields = try InboundCorpus.multipartFields("sendgrid_default_data.form")
        fields["headers"] =
            (fields["headers"] ?? "")
            + "Message-ID: <abc@mail.example.com>\nAuthentication-Results: mx.sendgrid.net;\n"
            + "\tdmarc=fail (p=reject) header.from=example.com\n"
        fields["dkim"] = "{@example.com : pass, @sendgrid.com : fail}"
        let m = try InboundMapping.sendgrid(fields: fields)
        #expect(m.providerMessageID == "<abc@mail.example.com>")
        #expect(m.messageID == "<abc@mail.example.com>")
        // SendGrid names no authserv-id of its own: by default no Authentication-Results header counts on it.
        #expect(m.verdict == AuthVerdict(spf: .pass, dkim: .pass, dmarc: .unknown))
        // Once the operator trusts that host, its DMARC failure overrides the passes.
        let trusting = InboundOptions(authservIDs: ["mx.sendgrid.net"])
        let t = try InboundMapping.sendgrid(fields: fields, options: trusting)
        #expect(t.verdict == AuthVerdict(spf: .pass, dkim: .pass, dmarc: .fail))
        #expect(!t.verdict.passes)
        fields["envelope"] = "{\"to\":[\"inbound@inbound.example.com\"],\"from\":\"\"}"
        #expect(try InboundMapping.sendgrid(fields: fields).isAutoReply)  // null sender: a bounce
        fields["envelope"] = "{oops"
        #expect(throws: InboundMappingError(.malformedJSON, field: "envelope")) {
            try InboundMapping.sendgrid(fields: fields)
        }
    }
}

@Suite struct InboundPostmarkTests {
    @Test func docsExample() throws {
        let json = try InboundCorpus.data("postmark_inbound_docs_example_RECONSTRUCTED.json")
        let m = try InboundMapping.postmark(json: json)
        #expect(m.provider == "postmark")
        #expect(m.channel == .email)
        #expect(m.providerMessageID == "73e6d360-66eb-11e1-8e72-a8904824019b")
        #expect(m.from == "support@postmarkapp.com")
        #expect(m.to == "yourhash+samplehash@inbound.postmarkapp.com")
        #expect(m.subject == "Test subject")
        #expect(m.text == "This is a test text body.")
        #expect(m.rawSize == json.count)
        // X-Spam-Tests (DKIM_VALID_AU, SPF_PASS) is a spam score any sender can write: it is no verdict.
        #expect(m.verdict == AuthVerdict())
        #expect(m.verdict.trust == .unknown)
        #expect(!m.isAutoReply)
        #expect(m.messageID == nil)
    }

    @Test func gemSpecExample() throws {
        let json = try InboundCorpus.data("postmark_inbound_postmark-gem_spec.json")
        let m = try InboundMapping.postmark(json: json)
        #expect(m.providerMessageID == "22c74902-a0c1-4511-804f2-341342852c90")
        #expect(m.from == "myuser@theirdomain.com")
        #expect(m.to == "451d9b70cf9364d23ff6f9d51d870251569e+ahoy@inbound.postmarkapp.com")
        #expect(m.subject == "This is an inbound message")
        #expect(m.text == "[ASCII]")
        #expect(m.messageID == "<CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG+5AXUovfEFL6DjWBJSyZaA@mail.gmail.com>")
        // Received-SPF carries no authserv-id and X-Spam-Tests is a score: neither is the receiving side's verdict.
        #expect(m.verdict == AuthVerdict())
        #expect(m.verdict.trust == .unknown)
    }

    @Test func spamStrippedReplyAndRefusals() throws {
        let json = try InboundCorpus.data("postmark_inbound_docs_example_RECONSTRUCTED.json")
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["Headers"] = [["Name": "X-Spam-Status", "Value": "Yes, score=9.1"]]
        object["TextBody"] = ""
        object["HtmlBody"] = ""
        var m = try InboundMapping.postmark(json: JSONSerialization.data(withJSONObject: object))
        #expect(m.isAutoReply)
        #expect(m.text == "This is the reply text")  // Postmark's StrippedTextReply when our extraction is empty
        #expect(m.verdict == AuthVerdict())
        object["OriginalRecipient"] = nil
        m = try InboundMapping.postmark(json: JSONSerialization.data(withJSONObject: object))
        #expect(m.to == "yourhash+samplehash@inbound.postmarkapp.com")  // from ToFull
        object["MessageID"] = nil
        let noID = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: InboundMappingError(.missingField, field: "MessageID")) {
            try InboundMapping.postmark(json: noID)
        }
        #expect(throws: InboundMappingError(.malformedJSON, field: "body")) {
            try InboundMapping.postmark(json: Data("[1,2".utf8))
        }
    }
}

@Suite struct InboundSendGridDocsTests {
    @Test func docsDefaultPayload() throws {
        let fields = try InboundCorpus.varDumpFields("sendgrid_docs_example_default_payload.txt")
        #expect(fields.count == 16)
        let m = try InboundMapping.sendgrid(fields: fields)
        #expect(m.from == "example@example.com")  // "Sender Name example@example.com": the docs lost the brackets
        #expect(m.to == "example@example.comom")
        #expect(m.subject == "Different File Types")
        #expect(m.text.hasPrefix("Here's an email with multiple attachments"))
        #expect(m.messageID == "<CAN_P_JMvV7ZpAQhOnDienypLrJmuhN=LQWweu4yScw4jQyXY2w@mail.gmail.com>")
        #expect(m.providerMessageID == m.messageID)
        #expect(m.verdict == AuthVerdict(spf: .pass, dkim: .none, dmarc: .unknown))
    }

    @Test func docsRawPayload() throws {
        let fields = try InboundCorpus.varDumpFields("sendgrid_docs_example_raw_payload.txt")
        #expect(fields.count == 11)
        let raw = try #require(fields["email"])
        let m = try InboundMapping.sendgrid(fields: fields)
        #expect(m.from == "example@example.com")
        #expect(m.subject == "Hello")
        #expect(m.messageID == "<CAN_P_JNa25--hzm5=-ES9cnxgWa+h+E49OOAS7sPpV0gsoXCOw@mail.gmail.com>")
        #expect(m.text == EmailExtractor.extract(raw: raw).replyWithoutSignature)
        #expect(m.verdict.spf == .pass)
    }
}

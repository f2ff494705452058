import Foundation
import FrontdeskCore
import FrontdeskText

/// Why a provider's POST could not become an `InboundMessage` (the HTTP layer answers 400).
/// Carries the field name only: values may be personal data.
public struct InboundMappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the field.
    public enum Reason: String, Sendable {
        case missingField = "missing_field"
        case invalidAddress = "invalid_address"
        case malformedJSON = "malformed_json"
    }

    public var reason: Reason
    public var field: String

    public init(_ reason: Reason, field: String) {
        self.reason = reason
        self.field = field
    }

    public var description: String { "\(reason.rawValue): \(field)" }
}

/// Options for the email mappers.
public struct InboundOptions: Sendable {
    /// The authserv-ids (lower-case) whose Authentication-Results headers count, whatever the provider
    /// (`FRONTDESK_AUTHSERV_ID`); nil: each provider's default (`defaultAuthServIDs`). Empty: none counts.
    public var authservIDs: Set<String>?

    public init(authservIDs: Set<String>? = nil) {
        self.authservIDs = authservIDs
    }

    /// The receiving hosts each provider is known to name in the Authentication-Results it adds (README,
    /// "Whose word counts"). Mailgun receives on mxa/mxb.mailgun.org (and .eu.mailgun.org in its EU region) and
    /// stamps the receiving MX; SendGrid and Postmark document no Authentication-Results of their own, so none
    /// counts there unless the operator names one.
    public static let defaultAuthServIDs: [String: Set<String>] = [
        "mailgun": ["mxa.mailgun.org", "mxb.mailgun.org", "mxa.eu.mailgun.org", "mxb.eu.mailgun.org"],
        "sendgrid": [],
        "postmark": [],
    ]

    /// The authserv-ids that count for one provider's webhook.
    public func authservIDs(for provider: String) -> Set<String> {
        authservIDs ?? Self.defaultAuthServIDs[provider] ?? []
    }
}

/// Turns a provider's already-decoded webhook fields into an `InboundMessage`. Pure: no network, no store.
public enum InboundMapping {
    // MARK: Twilio

    /// A Twilio incoming-message webhook (form fields) → an SMS; Twilio has authenticated the number.
    /// - Parameter rawSize: the HTTP body's size in bytes, when the caller knows it.
    public static func twilio(params: [String: String], rawSize: Int? = nil) throws(InboundMappingError)
        -> InboundMessage
    {
        guard
            let sid = nonEmpty(params["MessageSid"]) ?? nonEmpty(params["SmsSid"]) ?? nonEmpty(params["SmsMessageSid"])
        else { throw InboundMappingError(.missingField, field: "MessageSid") }
        guard let rawFrom = nonEmpty(params["From"]) else { throw InboundMappingError(.missingField, field: "From") }
        guard let from = Address.phone(rawFrom) else { throw InboundMappingError(.invalidAddress, field: "From") }
        guard let rawTo = nonEmpty(params["To"]) else { throw InboundMappingError(.missingField, field: "To") }
        // Short codes ("12345") are not E.164; they stay as sent so the business can still be found by them.
        let to = Address.phone(rawTo) ?? rawTo.inboundTrimmed()
        let size = rawSize ?? params.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 }
        return InboundMessage(
            provider: "twilio", providerMessageID: sid, channel: .sms, from: from, to: to, text: params["Body"] ?? "",
            rawSize: size, verdict: .trusted)
    }

    // MARK: Mailgun

    /// A Mailgun route POST (forward or store/notify, parsed fields, or `body-mime` for raw MIME) → an email.
    public static func mailgun(fields: [String: String], rawSize: Int? = nil, options: InboundOptions = .init())
        throws(InboundMappingError) -> InboundMessage
    {
        let raw = nonEmpty(fields["body-mime"])
        var headers = InboundHeaders()
        if let json = fields["message-headers"] {
            headers = try mailgunHeaders(json)
        } else if let raw {
            headers = InboundHeaders(block: raw)
        }
        let envelopeFrom = fields["sender"]
        let fromHeader = nonEmpty(fields["from"]) ?? headers.first("From")
        // Mailgun adds these only when the domain's spam filter marks spam with MIME headers; it posts every
        // header as a field too, so each copy is read and a copy the sender wrote can only lower trust.
        let spf = InboundAuthentication.agreed([fields["X-Mailgun-Spf"]] + headers.all("X-Mailgun-Spf"))
        let dkimCheck = InboundAuthentication.agreed(
            [fields["X-Mailgun-Dkim-Check-Result"]] + headers.all("X-Mailgun-Dkim-Check-Result"))
        let evidence = InboundAuthentication.ProviderEvidence(
            spf: spf, envelopeFrom: envelopeFrom,
            dkim: dkimCheck.map { [(nil, InboundAuthentication.result($0))] } ?? [])
        let spam =
            (headers.first("X-Mailgun-Sflag") ?? fields["X-Mailgun-Sflag"])?.lowercased().hasPrefix("yes") ?? false
        let parts = EmailParts(
            provider: "mailgun", providerID: nonEmpty(fields["Message-Id"]) ?? headers.first("Message-Id"),
            from: fromHeader, envelopeFrom: envelopeFrom,
            recipient: nonEmpty(fields["recipient"]) ?? headers.first("To"),
            subject: fields["subject"] ?? headers.first("Subject"), text: fields["body-plain"],
            html: fields["body-html"],
            providerStripped: fields["stripped-text"], raw: raw, headers: headers, evidence: evidence,
            flaggedAutomatic: spam || isNullSender(envelopeFrom),
            rawSize: rawSize ?? fields.reduce(0) { $0 + $1.value.utf8.count })
        return try parts.message(options: options)
    }

    /// Mailgun's `message-headers`: a JSON array of `[name, value]` pairs.
    static func mailgunHeaders(_ json: String) throws(InboundMappingError) -> InboundHeaders {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)), let pairs = object as? [Any] else {
            throw InboundMappingError(.malformedJSON, field: "message-headers")
        }
        var fields: [InboundHeaders.Field] = []
        for case let pair as [Any] in pairs {
            guard pair.count == 2, let name = pair[0] as? String, let value = pair[1] as? String else { continue }
            fields.append(.init(name: name, value: value))
        }
        return InboundHeaders(fields)
    }

    // MARK: SendGrid

    /// A SendGrid Inbound Parse POST, parsed mode (`text`, `html`, `headers`) or raw mode (`email`) → an email.
    public static func sendgrid(fields: [String: String], rawSize: Int? = nil, options: InboundOptions = .init())
        throws(InboundMappingError) -> InboundMessage
    {
        let raw = nonEmpty(fields["email"])
        let headers = InboundHeaders(block: raw ?? fields["headers"] ?? "")
        var envelopeFrom: String?
        var envelopeTo: [String] = []
        if let json = nonEmpty(fields["envelope"]) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                throw InboundMappingError(.malformedJSON, field: "envelope")
            }
            envelopeFrom = object["from"] as? String
            envelopeTo = object["to"] as? [String] ?? (object["to"] as? String).map { [$0] } ?? []
        }
        let evidence = InboundAuthentication.ProviderEvidence(
            spf: fields["SPF"], envelopeFrom: envelopeFrom,
            dkim: InboundAuthentication.parseSendGridDKIM(fields["dkim"]))
        let recipient =
            envelopeTo.lazy.compactMap { MailAddresses.first(in: $0) }.first ?? fields["to"] ?? headers.first("To")
        let parts = EmailParts(
            provider: "sendgrid", providerID: nil, from: nonEmpty(fields["from"]) ?? headers.first("From"),
            envelopeFrom: envelopeFrom, recipient: recipient, subject: fields["subject"] ?? headers.first("Subject"),
            text: fields["text"], html: fields["html"], providerStripped: nil, raw: raw, headers: headers,
            evidence: evidence, flaggedAutomatic: envelopeFrom.map(isNullSender) ?? false,
            rawSize: rawSize ?? fields.reduce(0) { $0 + $1.value.utf8.count })
        return try parts.message(options: options)
    }

    // MARK: Postmark

    /// A Postmark inbound webhook (JSON body) → an email.
    public static func postmark(json: Data, options: InboundOptions = .init()) throws(InboundMappingError)
        -> InboundMessage
    {
        let payload: PostmarkInbound
        do { payload = try JSONDecoder().decode(PostmarkInbound.self, from: json) } catch {
            throw InboundMappingError(.malformedJSON, field: "body")
        }
        guard let id = nonEmpty(payload.MessageID) else { throw InboundMappingError(.missingField, field: "MessageID") }
        let headers = InboundHeaders((payload.Headers ?? []).map { .init(name: $0.Name, value: $0.Value ?? "") })
        let spam = headers.first("X-Spam-Status")?.lowercased().hasPrefix("yes") ?? false
        let recipient =
            nonEmpty(payload.OriginalRecipient) ?? payload.ToFull?.lazy.compactMap({ nonEmpty($0.Email) }).first
            ?? payload.To
        let parts = EmailParts(
            provider: "postmark", providerID: id, from: nonEmpty(payload.FromFull?.Email) ?? payload.From,
            envelopeFrom: nil, recipient: recipient, subject: payload.Subject, text: payload.TextBody,
            html: payload.HtmlBody, providerStripped: payload.StrippedTextReply, raw: nil, headers: headers,
            evidence: .init(), flaggedAutomatic: spam, rawSize: json.count)
        return try parts.message(options: options)
    }

    // The JSON field names are Postmark's own.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct PostmarkInbound: Decodable {
        struct Mailbox: Decodable {
            var Email: String?
            var Name: String?
        }
        struct Header: Decodable {
            var Name: String
            var Value: String?
        }
        var MessageID: String?
        var From: String?
        var FromFull: Mailbox?
        var To: String?
        var ToFull: [Mailbox]?
        var OriginalRecipient: String?
        var Subject: String?
        var TextBody: String?
        var HtmlBody: String?
        var StrippedTextReply: String?
        var Headers: [Header]?
    }

    // MARK: Shared

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.inboundTrimmed().isEmpty else { return nil }
        return s
    }

    /// RFC 5321 §4.5.5: notifications (bounces) are sent with a null reverse-path, `<>`.
    static func isNullSender(_ envelopeFrom: String?) -> Bool {
        guard let envelopeFrom else { return false }
        let trimmed = envelopeFrom.inboundTrimmed()
        return trimmed.isEmpty || trimmed == "<>"
    }
}

/// What every email provider gives, before extraction.
struct EmailParts {
    var provider: String
    var providerID: String?
    var from: String?
    var envelopeFrom: String?
    var recipient: String?
    var subject: String?
    var text: String?
    var html: String?
    /// The provider's own quote-stripped text, used only when our extraction finds nothing.
    var providerStripped: String?
    var raw: String?
    var headers: InboundHeaders
    var evidence: InboundAuthentication.ProviderEvidence
    /// Bounce or spam as the provider says: stored, never answered.
    var flaggedAutomatic: Bool
    var rawSize: Int

    func message(options: InboundOptions) throws(InboundMappingError) -> InboundMessage {
        let extraction: EmailExtraction
        if let raw {
            extraction = EmailExtractor.extract(raw: raw)
        } else {
            extraction = EmailExtractor.extract(text: text ?? "", html: html, headers: headers.pairs)
        }
        guard InboundMapping.nonEmpty(from) != nil || extraction.from != nil else {
            throw InboundMappingError(.missingField, field: "from")
        }
        guard let fromAddress = MailAddresses.first(in: from) ?? MailAddresses.first(in: extraction.from) else {
            throw InboundMappingError(.invalidAddress, field: "from")
        }
        guard InboundMapping.nonEmpty(recipient) != nil else { throw InboundMappingError(.missingField, field: "to") }
        guard let to = MailAddresses.first(in: recipient) else {
            throw InboundMappingError(.invalidAddress, field: "to")
        }

        let messageID = InboundHeaders.messageIDs(headers.first("Message-ID")).first ?? extraction.messageID
        var references = InboundHeaders.messageIDs(headers.first("References"))
        if references.isEmpty { references = extraction.references }
        if references.isEmpty { references = InboundHeaders.messageIDs(headers.first("In-Reply-To")) }
        if references.isEmpty, let inReplyTo = extraction.inReplyTo { references = [inReplyTo] }

        var text = extraction.replyWithoutSignature
        if text.inboundTrimmed().isEmpty, let stripped = InboundMapping.nonEmpty(providerStripped) {
            text = stripped.inboundTrimmed()
        }
        let subject = InboundMapping.nonEmpty(subject) ?? extraction.subject
        let verdict = InboundAuthentication.verdict(
            from: fromAddress, headers: headers, provider: evidence,
            trustedAuthServIDs: options.authservIDs(for: provider))
        let id =
            InboundMapping.nonEmpty(providerID)?.inboundTrimmed() ?? messageID
            ?? derivedID(from: fromAddress, to: to, subject: subject)
        return InboundMessage(
            provider: provider, providerMessageID: id, channel: .email, from: fromAddress, to: to, subject: subject,
            text: text, rawSize: rawSize, verdict: verdict,
            isAutoReply: extraction.kind == .autoReply || flaggedAutomatic,
            forwarded: extraction.forwarded, messageID: messageID, references: references)
    }

    /// A stable id for a message that carries none (SendGrid without Message-ID): the same fields give the same id
    /// on a provider retry. Two FNV-1a 64-bit hashes with different offsets (not a security measure: the webhook
    /// is already authenticated; it only needs to tell messages apart).
    func derivedID(from: String, to: String, subject: String?) -> String {
        let material = [
            provider, from, to, subject ?? "", headers.first("Date") ?? "", raw ?? "", text ?? "", html ?? "",
        ]
        .joined(separator: "\u{1f}")
        func fnv(_ offset: UInt64) -> UInt64 {
            var h = offset
            for b in material.utf8 {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01b3
            }
            return h
        }
        let a = String(fnv(0xcbf2_9ce4_8422_2325), radix: 16)
        let b = String(fnv(0x8422_2325_cbf2_9ce4), radix: 16)
        return "\(provider)-" + String(repeating: "0", count: 16 - a.count) + a
            + String(repeating: "0", count: 16 - b.count) + b
    }
}

import Foundation

/// Sends email through Mailgun's messages API (`POST {base}/v3/{domain}/messages`, Basic auth `api:KEY`).
public struct MailgunSender: MessageSender {
    public let domain: String
    let apiKey: String
    /// `https://api.mailgun.net` (or `https://api.eu.mailgun.net`); tests point it at a local fake.
    public let baseURL: String
    var poster = FormPoster()

    public init(
        domain: String, apiKey: String, baseURL: String = "https://api.mailgun.net",
        timeout: TimeInterval = 20
    ) throws {
        guard !domain.isEmpty, MIMEComposer.isDotAtom(Substring(domain), allowed: MIMEComposer.domainText) else {
            throw SendError(kind: .configuration, retryable: false, message: "Mailgun domain is not a domain name")
        }
        guard !apiKey.isEmpty else {
            throw SendError(kind: .configuration, retryable: false, message: "Mailgun API key is empty")
        }
        self.domain = domain
        self.apiKey = apiKey
        self.baseURL = FormPoster.trimmed(baseURL)
        poster.timeout = timeout
    }

    public var messagesURL: String { baseURL + "/v3/" + domain + "/messages" }

    /// The form fields for `message`, validated by the same rules as the SMTP composer.
    public func fields(for message: OutgoingMessage) throws -> [(String, String)] {
        let from = try MIMEComposer.plainAddress(message.from, field: "From")
        let to = try MIMEComposer.plainAddress(message.to, field: "To")
        var fields: [(String, String)] = []
        if let name = message.fromName, !name.isEmpty {
            fields.append(("from", try MIMEComposer.displayName(name) + " <" + from + ">"))
        } else {
            fields.append(("from", from))
        }
        fields.append(("to", to))
        if let replyTo = message.replyTo {
            fields.append(("h:Reply-To", try MIMEComposer.plainAddress(replyTo, field: "Reply-To")))
        }
        if let subject = try MIMEComposer.subject(message) {
            // Mailgun encodes non-ASCII itself; still refuse CR/LF here.
            _ = try MIMEComposer.unstructured(subject, field: "Subject")
            fields.append(("subject", subject))
        }
        fields.append(("text", message.body))
        let threading = try MIMEComposer.threading(message)
        if let inReplyTo = threading.inReplyTo { fields.append(("h:In-Reply-To", inReplyTo)) }
        if !threading.references.isEmpty {
            fields.append(("h:References", threading.references.joined(separator: " ")))
        }
        fields.append(("h:Auto-Submitted", message.isReply ? "auto-replied" : "auto-generated"))
        if let id = message.messageID {
            fields.append(("h:Message-Id", try MIMEComposer.messageID(id, field: "Message-ID")))
        }
        for header in message.headers {
            let name = try MIMEComposer.headerName(header.name)
            _ = try MIMEComposer.unstructured(header.value, field: name)
            fields.append(("h:" + name, header.value))
        }
        return fields
    }

    public func send(_ message: OutgoingMessage) throws -> SendResult {
        guard message.channel == .email else { throw SendError.invalid("Mailgun sends email only") }
        let response = try poster.post(
            url: messagesURL, username: "api", password: apiKey, fields: try fields(for: message))
        if let failure = FormPoster.failure(response, provider: "Mailgun", detail: nil) { throw failure }
        return SendResult(providerMessageID: FormPoster.jsonField("id", in: response.body) as? String)
    }
}

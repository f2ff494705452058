import Foundation
import FrontdeskChannels
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// Secrets and settings for the provider webhooks (SPEC §6). A provider without its secret is refused with 503.
public struct WebhookSettings: Sendable {
    /// The public base URL (`FRONTDESK_BASE_URL`): Twilio signs the URL it called, which is this plus the target.
    public var baseURL: String
    public var twilioAuthToken: String?
    public var mailgunSigningKey: String?
    /// `user:password` expected in Postmark's Basic auth.
    public var postmarkBasicAuth: String?
    /// `user:password` expected in SendGrid Inbound Parse's Basic auth.
    public var sendgridBasicAuth: String?
    /// Twilio replies go back inline as TwiML (true when no REST credentials are configured).
    public var twilioInlineReplies: Bool
    public var inboundOptions: InboundOptions

    public init(
        baseURL: String, twilioAuthToken: String? = nil, mailgunSigningKey: String? = nil,
        postmarkBasicAuth: String? = nil, sendgridBasicAuth: String? = nil, twilioInlineReplies: Bool = true,
        inboundOptions: InboundOptions = InboundOptions()
    ) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.twilioAuthToken = twilioAuthToken
        self.mailgunSigningKey = mailgunSigningKey
        self.postmarkBasicAuth = postmarkBasicAuth
        self.sendgridBasicAuth = sendgridBasicAuth
        self.twilioInlineReplies = twilioInlineReplies
        self.inboundOptions = inboundOptions
    }
}

/// The four inbound webhooks: authenticate, map to an `InboundMessage`, run the pipeline (one transaction),
/// answer. A bad signature gets 403 before anything is stored; a repeated provider message id is acknowledged.
public final class WebhookRoutes: Sendable {
    public static let twilioPath = "/webhooks/twilio"
    public static let mailgunPath = "/webhooks/mailgun"
    public static let sendgridPath = "/webhooks/sendgrid"
    public static let postmarkPath = "/webhooks/postmark"

    let pipeline: Pipeline
    let settings: WebhookSettings
    let log: Logger
    private let twilioVerifier: TwilioSignatureVerifier?
    private let mailgunVerifier: MailgunSignatureVerifier?
    private let postmarkVerifier: BasicAuthVerifier?
    private let sendgridVerifier: BasicAuthVerifier?

    /// `replayCache` remembers Mailgun tokens already accepted; `clock` drives Mailgun's replay window.
    public init(
        pipeline: Pipeline, settings: WebhookSettings, clock: any Clock, log: Logger = .silent,
        replayCache: any ReplayCache = InMemoryReplayCache()
    ) {
        self.pipeline = pipeline
        self.settings = settings
        self.log = log
        twilioVerifier = settings.twilioAuthToken.map { TwilioSignatureVerifier(authToken: $0) }
        mailgunVerifier = settings.mailgunSigningKey.map {
            MailgunSignatureVerifier(signingKey: $0, clock: clock, replayCache: replayCache)
        }
        postmarkVerifier = settings.postmarkBasicAuth.flatMap { BasicAuthVerifier(credentials: $0) }
        sendgridVerifier = settings.sendgridBasicAuth.flatMap { BasicAuthVerifier(credentials: $0) }
    }

    /// Twilio's webhook is a small form (about 20 fields, a 1,600-character body, up to 10 media URLs: a few
    /// KiB); 64 KiB leaves room and refuses anything else before it costs memory.
    public static let twilioBodyLimit = BodyLimit(standard: 64 << 10, mime: 64 << 10)

    /// Adds the four POST routes. Email webhooks may carry attachments or raw MIME (25 MiB); Twilio's are forms.
    /// Where the credentials are headers (Postmark, SendGrid) they are checked before the body is read. Mailgun
    /// and SendGrid bodies past the server's spool threshold go to a temporary file, and their attachments
    /// (file parts, never used here) are not kept; their signature and text fields are read back from the file.
    public func register(in router: inout Router) {
        router.post(Self.twilioPath, bodyLimit: Self.twilioBodyLimit) { [self] in try twilio($0) }
        router.post(Self.mailgunPath, bodyLimit: .mime, spoolsBody: true, keepsFileParts: false) { [self] in
            try mailgun($0)
        }
        router.post(
            Self.sendgridPath, bodyLimit: .mime, headerCheck: { [self] in sendgridCredentials($0) }, spoolsBody: true,
            keepsFileParts: false
        ) { [self] in try sendgrid($0) }
        router.post(Self.postmarkPath, bodyLimit: .mime, headerCheck: { [self] in postmarkCredentials($0) }) {
            [self] in try postmark($0)
        }
    }

    /// Postmark's Basic auth, checked on the headers alone: nil when the request may send its body.
    public func postmarkCredentials(_ request: HTTPRequest) -> HTTPResponse? {
        basicAuthRefusal(request, verifier: postmarkVerifier, provider: "postmark")
    }

    /// SendGrid's Basic auth, checked on the headers alone: nil when the request may send its body.
    public func sendgridCredentials(_ request: HTTPRequest) -> HTTPResponse? {
        basicAuthRefusal(request, verifier: sendgridVerifier, provider: "sendgrid")
    }

    private func basicAuthRefusal(_ request: HTTPRequest, verifier: BasicAuthVerifier?, provider: String)
        -> HTTPResponse?
    {
        guard let verifier else { return notConfigured(provider) }
        guard verifier.verify(authorizationHeader: request.headers["Authorization"]) else {
            return refused(provider, .badSignature)
        }
        return nil
    }

    // MARK: Twilio

    /// Twilio form (or JSON with `bodySHA256`) webhook → SMS; answers TwiML.
    public func twilio(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let verifier = twilioVerifier else { return notConfigured("twilio") }
        let url = settings.baseURL + request.target
        let signature = request.headers["X-Twilio-Signature"]
        let params: [String: String]
        if request.mediaType == "application/json" {
            guard verifier.verify(url: url, jsonBody: [UInt8](request.body), signature: signature) else {
                return refused("twilio", .badSignature)
            }
            guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
                return .badRequest("Malformed JSON body.")
            }
            params = object.compactMapValues { value in
                if let text = value as? String { return text }
                if let number = value as? NSNumber { return number.stringValue }
                return nil
            }
        } else {
            guard let form = request.form else { return .unsupportedMediaType }
            let pairs = form.fields.map { (name: $0.name, value: $0.value) }
            guard verifier.verify(url: url, params: pairs, signature: signature) else {
                return refused("twilio", .badSignature)
            }
            params = form.firstValues
        }
        let message: InboundMessage
        do { message = try InboundMapping.twilio(params: params, rawSize: request.body.count) } catch {
            return unmappable("twilio", error)
        }
        let inline = settings.twilioInlineReplies
        return try process(message, provider: "twilio", inline: inline) { outcome in
            // A retried delivery gets the same inline reply again: its first response may never have arrived.
            let reply = inline && outcome.disposition != .silent ? outcome.reply : nil
            return Self.twiml(reply)
        }
    }

    /// `<Response><Message>…</Message></Response>`, or the empty `<Response/>` when there is nothing to say.
    public static func twiml(_ reply: String?) -> HTTPResponse {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        if let reply, !reply.isEmpty {
            xml += "<Response><Message>\(xmlEscaped(reply))</Message></Response>"
        } else {
            xml += "<Response/>"
        }
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/xml; charset=utf-8"], body: Data(xml.utf8))
    }

    static func xmlEscaped(_ text: String) -> String {
        // By UTF-8 byte: every character escaped or dropped is ASCII, and no byte of a longer character is below
        // 0x80 (appending scalar by scalar cost about 500 instructions a character).
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "'"): out += "&apos;".utf8
            // XML 1.0 forbids most C0 controls even as references; drop them.
            case 0..<0x20 where byte != 0x0A && byte != 0x0D && byte != 0x09: continue
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Email providers

    /// Mailgun route POST (form or multipart), signed with HMAC-SHA256 over timestamp + token.
    public func mailgun(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let verifier = mailgunVerifier else { return notConfigured("mailgun") }
        guard let form = request.form else { return .unsupportedMediaType }
        do {
            try verifier.verify(timestamp: form["timestamp"], token: form["token"], signature: form["signature"])
        } catch {
            return refused("mailgun", error.reason)
        }
        let message: InboundMessage
        do {
            message = try InboundMapping.mailgun(
                fields: Self.textFields(form), rawSize: request.bodyLength, options: settings.inboundOptions)
        } catch {
            return unmappable("mailgun", error)
        }
        return try process(message, provider: "mailgun", inline: false) { _ in .text("OK") }
    }

    /// SendGrid Inbound Parse (multipart, parsed or raw mode) behind Basic auth.
    public func sendgrid(_ request: HTTPRequest) throws -> HTTPResponse {
        if let refusal = sendgridCredentials(request) { return refusal }
        guard let form = request.form else { return .unsupportedMediaType }
        let message: InboundMessage
        do {
            message = try InboundMapping.sendgrid(
                fields: Self.textFields(form), rawSize: request.bodyLength, options: settings.inboundOptions)
        } catch {
            return unmappable("sendgrid", error)
        }
        return try process(message, provider: "sendgrid", inline: false) { _ in .text("OK") }
    }

    /// Postmark inbound JSON behind Basic auth.
    public func postmark(_ request: HTTPRequest) throws -> HTTPResponse {
        if let refusal = postmarkCredentials(request) { return refusal }
        let message: InboundMessage
        do { message = try InboundMapping.postmark(json: request.body, options: settings.inboundOptions) } catch {
            return unmappable("postmark", error)
        }
        return try process(message, provider: "postmark", inline: false) { _ in .text("OK") }
    }

    /// Text fields only: attachments (file parts) never become strings; the first of a repeated name wins.
    static func textFields(_ form: HTTPForm) -> [String: String] {
        var fields: [String: String] = [:]
        for field in form.fields where field.filename == nil && fields[field.name] == nil {
            fields[field.name] = field.value
        }
        return fields
    }

    // MARK: Shared

    /// Runs the pipeline; a duplicate is acknowledged like a success (the provider must stop retrying).
    private func process(
        _ message: InboundMessage, provider: String, inline: Bool, respond: (PipelineOutcome) -> HTTPResponse
    ) throws -> HTTPResponse {
        do {
            let outcome = try pipeline.handle(message, inline: inline)
            log.info(
                "webhook_processed",
                ["provider": provider, "disposition": outcome.disposition.rawValue, "intent": outcome.intent ?? "-"])
            return respond(outcome)
        } catch let error as PipelineError {
            log.warning("webhook_unroutable", ["provider": provider, "code": error.code.rawValue])
            switch error.code {
            case .unknownBusiness: return .text("No business for this recipient.", status: 404)
            case .invalidMessage: return .badRequest("Invalid message.")
            }
        } catch let error as StoreError where Self.retryLater.keys.contains(error.kind) {
            // Nothing of the message was kept: the provider is told to send it again (503), not that it arrived.
            log.error(
                "webhook_not_stored",
                [
                    "provider": provider, "reason": error.kind.rawValue, "code": String(error.code),
                    "detail": Self.retryLater[error.kind] ?? "",
                ])
            return .serviceUnavailable(
                "The message could not be stored now; nothing was kept. Retry later.", retryAfter: 30)
        }
    }

    /// Store failures a provider's retry can get past, with what the log says about each.
    static let retryLater: [StoreError.Kind: String] = [
        .full: "the disk or the database size limit (FRONTDESK_DB_MAX_SIZE) is full",
        .busy: "another process held the database past FRONTDESK_DB_BUSY_TIMEOUT",
        .unavailable: "the database file cannot be used",
    ]

    private func notConfigured(_ provider: String) -> HTTPResponse {
        log.warning("webhook_not_configured", ["provider": provider])
        return .serviceUnavailable("This webhook is not configured.")
    }

    private func refused(_ provider: String, _ reason: WebhookAuthError.Reason) -> HTTPResponse {
        log.warning("webhook_refused", ["provider": provider, "reason": reason.rawValue])
        return .forbidden("Invalid signature.")
    }

    private func unmappable(_ provider: String, _ error: InboundMappingError) -> HTTPResponse {
        // The field name only: values may be personal data.
        log.warning(
            "webhook_unmappable", ["provider": provider, "reason": error.reason.rawValue, "field": error.field])
        return .badRequest("Missing or invalid field: \(error.field).")
    }
}

import Foundation

/// Where and how to submit mail: parsed from `FRONTDESK_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`).
public struct SMTPConfiguration: Sendable, Equatable {
    /// The URL libcurl connects to, without userinfo (safe to log).
    public var url: String
    public var host: String
    public var username: String?
    public var password: String?
    /// STARTTLS required, except for a local relay (localhost, 127.0.0.1, ::1) where it is tried.
    public var tls: TLSRequirement
    public var timeout: TimeInterval = 30
    public var connectTimeout: TimeInterval = 10

    /// Parses an `smtp://` or `smtps://` URL; percent-escapes in user and password are decoded.
    public init(url raw: String) throws {
        guard let c = URLComponents(string: raw), let scheme = c.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps", let host = c.host, !host.isEmpty
        else {
            throw SendError(
                kind: .configuration, retryable: false, message: "SMTP URL must be smtp://host[:port] or smtps://…")
        }
        username = c.user.map { $0.removingPercentEncoding ?? $0 }
        password = c.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host
        var clean = URLComponents()
        clean.scheme = scheme
        clean.host = c.host
        clean.port = c.port
        clean.path = c.path  // libcurl uses the path as the EHLO domain.
        url = clean.string ?? "\(scheme)://\(host)"
        tls = Self.isLocalRelay(host) ? .opportunistic : .required
    }

    /// A relay on this machine: the message never crosses a network, so plain text is acceptable.
    public static func isLocalRelay(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "127.0.0.1" || h == "::1"
    }
}

/// Sends email by SMTP through libcurl: MAIL FROM / RCPT TO from the message, the composed RFC 5322 text as DATA.
public struct SMTPSender: MessageSender {
    public let configuration: SMTPConfiguration
    public let composer: MIMEComposer
    let client: CurlClient

    public init(configuration: SMTPConfiguration, composer: MIMEComposer = MIMEComposer()) {
        self.configuration = configuration
        self.composer = composer
        self.client = CurlClient()
    }

    /// Reads `FRONTDESK_SMTP_URL`; nil when it is unset or empty.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws
        -> SMTPSender?
    {
        guard let url = env["FRONTDESK_SMTP_URL"], !url.isEmpty else { return nil }
        return SMTPSender(configuration: try SMTPConfiguration(url: url))
    }

    public func send(_ message: OutgoingMessage) throws -> SendResult {
        guard message.channel == .email else { throw SendError.invalid("SMTP sends email only") }
        let email = try composer.compose(message)
        var request = CurlRequest(url: configuration.url)
        request.protocols = "smtp,smtps"
        request.tls = configuration.tls
        request.username = configuration.username
        request.password = configuration.password
        request.mailFrom = try MIMEComposer.plainAddress(message.from, field: "From")
        request.mailRecipients = [try MIMEComposer.plainAddress(message.to, field: "To")]
        request.upload = email.bytes
        request.timeout = configuration.timeout
        request.connectTimeout = configuration.connectTimeout
        do {
            _ = try client.perform(request)
        } catch let error as CurlError {
            throw Self.classify(error, secrets: [configuration.password ?? ""])
        }
        return SendResult(providerMessageID: email.messageID)
    }

    /// SMTP reply codes decide first (RFC 5321 §4.2.1: 4yz is transient, 5yz permanent); then libcurl's code.
    static func classify(_ error: CurlError, secrets: [String]) -> SendError {
        let message = Redact.secrets(secrets, in: error.message)
        let code = error.responseCode
        if (400..<500).contains(code) {
            return SendError(kind: .rejected, retryable: true, status: code, message: message)
        }
        if (500..<600).contains(code) {
            // 535 "authentication credentials invalid" and 530 are our set-up, not the message.
            let kind: SendError.Kind = (code == 530 || code == 535) ? .configuration : .rejected
            return SendError(kind: kind, retryable: false, status: code, message: message)
        }
        if error.isTransient {
            return SendError(kind: .transport, retryable: true, message: message)
        }
        return SendError(kind: .configuration, retryable: false, status: code == 0 ? nil : code, message: message)
    }
}

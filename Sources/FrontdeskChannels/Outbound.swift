import Foundation
import FrontdeskCore

/// One extra header on an outgoing email (e.g. `List-Unsubscribe`); validated by the composer.
public struct OutgoingHeader: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A reply or notice to send, whatever the provider.
///
/// Addresses are single plain addresses (`+15551234567`, `a@example.com`); an email's display name goes in
/// `fromName`. `inReplyTo` and `references` are Message-IDs (angle brackets optional) for email threading.
public struct OutgoingMessage: Sendable, Equatable, Codable {
    public var channel: Channel
    public var to: String
    public var from: String
    /// Display name for the email From header (e.g. the business name); ignored for SMS.
    public var fromName: String?
    public var subject: String?
    public var body: String
    /// The Message-ID being answered; its presence makes the email a reply ("Re:", `auto-replied`).
    public var inReplyTo: String?
    /// The parent's References; the composer appends `inReplyTo` when it is missing.
    public var references: [String]
    public var headers: [OutgoingHeader]
    /// The email's own Message-ID, when it must stay the same across retries (a notice); else one is generated.
    public var messageID: String?
    /// Where replies should go instead of `from` (a handoff notice's address that reaches the client), one plain
    /// address; email only.
    public var replyTo: String?

    public init(
        channel: Channel, to: String, from: String, fromName: String? = nil, subject: String? = nil,
        body: String, inReplyTo: String? = nil, references: [String] = [], headers: [OutgoingHeader] = [],
        messageID: String? = nil, replyTo: String? = nil
    ) {
        self.messageID = messageID
        self.replyTo = replyTo
        self.channel = channel
        self.to = to
        self.from = from
        self.fromName = fromName
        self.subject = subject
        self.body = body
        self.inReplyTo = inReplyTo
        self.references = references
        self.headers = headers
    }

    /// True when the message answers another one (email threading applies).
    public var isReply: Bool { inReplyTo != nil || !references.isEmpty }

    /// The reply to `inbound` on its channel, from the address it was sent to, threaded under it.
    /// `recipient` overrides the To address (email replies go to the client's address on file, not a forged From).
    public static func reply(
        to inbound: InboundMessage, body: String, recipient: String? = nil, fromName: String? = nil
    ) -> OutgoingMessage {
        let email = inbound.channel == .email
        return OutgoingMessage(
            channel: inbound.channel, to: recipient ?? inbound.from, from: inbound.to, fromName: email ? fromName : nil,
            subject: email ? (inbound.subject ?? "") : nil, body: body, inReplyTo: email ? inbound.messageID : nil,
            references: email ? inbound.references : [])
    }
}

/// What a provider said when it accepted a message.
public struct SendResult: Sendable, Equatable {
    /// The provider's id (Twilio `SM…` sid, Mailgun id, or the Message-ID we generated for SMTP); nil if none.
    public var providerMessageID: String?

    public init(providerMessageID: String? = nil) {
        self.providerMessageID = providerMessageID
    }
}

/// Why a send failed, and whether trying again later can help.
///
/// `description` is safe to store and log: it never holds a message body, a credential or a URL's userinfo.
public struct SendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, extensible category for the failure.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The message cannot be sent as written (bad address, header injection attempt, …).
        public static let invalidMessage = Kind(rawValue: "invalid_message")
        /// The sender is not set up correctly (bad URL, credentials refused, missing sender for a channel).
        public static let configuration = Kind(rawValue: "configuration")
        /// The network or TLS failed before the provider answered (timeouts, refused connections).
        public static let transport = Kind(rawValue: "transport")
        /// The provider answered with an error status.
        public static let rejected = Kind(rawValue: "rejected")
    }

    public var kind: Kind
    /// Whether a later attempt may succeed (timeouts, 5xx, 429, SMTP 4xx); false for permanent failures.
    public var retryable: Bool
    /// HTTP status or SMTP reply code, when the provider answered.
    public var status: Int?
    /// A short, sanitized explanation.
    public var message: String
    /// How long the provider asked us to wait (`Retry-After` on a 429 or 503), in seconds.
    public var retryAfter: TimeInterval?

    public init(kind: Kind, retryable: Bool, status: Int? = nil, message: String, retryAfter: TimeInterval? = nil) {
        self.retryAfter = retryAfter
        self.kind = kind
        self.retryable = retryable
        self.status = status
        self.message = Redact.userinfo(in: message)
    }

    public var description: String {
        var s = kind.rawValue
        if let status { s += " \(status)" }
        s += ": " + message
        return s
    }

    /// A message that can never be sent as written.
    public static func invalid(_ message: String) -> SendError {
        SendError(kind: .invalidMessage, retryable: false, message: message)
    }
}

/// Something that delivers an `OutgoingMessage` through one provider. Calls block until the provider answers.
public protocol MessageSender: Sendable {
    /// Sends one message; throws `SendError` on failure.
    func send(_ message: OutgoingMessage) throws -> SendResult
}

/// Removes secrets from text that may end up in logs or the outbox's `last_error`.
public enum Redact {
    /// Drops the `user:password@` part of every URL in `text`.
    public static func userinfo(in text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "://") {
            out += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            // The authority ends at the first '/', '?', '#' or whitespace; userinfo is whatever precedes its last '@'.
            let end =
                rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0.isWhitespace }) ?? rest.endIndex
            if let at = rest[..<end].lastIndex(of: "@") {
                rest = rest[rest.index(after: at)...]
            }
        }
        out += rest
        return out
    }

    /// Replaces each non-empty secret in `text` with `***`.
    public static func secrets(_ secrets: [String], in text: String) -> String {
        var s = text
        for secret in secrets where !secret.isEmpty {
            s = s.replacingOccurrences(of: secret, with: "***")
        }
        return s
    }
}

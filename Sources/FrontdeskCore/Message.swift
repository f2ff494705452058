import Foundation

/// The way a message reaches Frontdesk and leaves it.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case sms
    case email
}

/// What the email provider says about the sender's authenticity (SPF / DKIM / DMARC).
public struct AuthVerdict: Codable, Sendable, Equatable {
    public enum Result: String, Codable, Sendable { case pass, fail, none, unknown }
    public var spf: Result
    public var dkim: Result
    public var dmarc: Result

    public init(spf: Result = .unknown, dkim: Result = .unknown, dmarc: Result = .unknown) {
        self.spf = spf
        self.dkim = dkim
        self.dmarc = dmarc
    }

    /// SMS carriers authenticate the number; the command line is trusted by whoever runs it.
    public static let trusted = AuthVerdict(spf: .pass, dkim: .pass, dmarc: .pass)

    /// The From address may be acted on: DMARC passes, or SPF or DKIM passes with no DMARC failure.
    public var passes: Bool {
        if dmarc == .fail { return false }
        return dmarc == .pass || spf == .pass || dkim == .pass
    }

    /// What the pipeline may do for the sender.
    public enum Trust: String, Codable, Sendable {
        /// The receiving side verified the From domain: act for the sender.
        case verified
        /// A check failed (a forged From, most likely): store, never act, never reply (no backscatter).
        case unverified
        /// No verdict at all (a domain without SPF, DKIM or DMARC): no automated action and no reply;
        /// staff see it as an unverified message so a real client is not ignored.
        case unknown
    }

    public var trust: Trust {
        if passes { return .verified }
        if spf == .fail || dkim == .fail || dmarc == .fail { return .unverified }
        return .unknown
    }
}

/// A forwarded message found inside a staff member's email.
public struct ForwardedMessage: Codable, Sendable, Equatable {
    public var fromName: String?
    public var fromAddress: String?
    public var subject: String?
    public var date: String?
    public var body: String

    public init(
        fromName: String? = nil, fromAddress: String? = nil, subject: String? = nil, date: String? = nil,
        body: String
    ) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.subject = subject
        self.date = date
        self.body = body
    }
}

/// One inbound message, whatever the provider, after the webhook or CLI has parsed it.
///
/// `text` is what the person wrote (for email: the extracted new text, quotes and signature removed).
public struct InboundMessage: Sendable {
    public var provider: String
    /// Provider's message id; UNIQUE in the store so a provider retry is never processed twice.
    public var providerMessageID: String
    public var channel: Channel
    public var from: String
    public var to: String
    public var subject: String?
    public var text: String
    public var rawSize: Int
    public var verdict: AuthVerdict
    /// RFC 3834 auto-replies, bounces, list and bulk mail: stored, never answered.
    public var isAutoReply: Bool
    public var forwarded: ForwardedMessage?
    /// Email threading: the inbound Message-ID and References, for the reply's In-Reply-To/References.
    public var messageID: String?
    public var references: [String]

    public init(
        provider: String, providerMessageID: String, channel: Channel, from: String, to: String,
        subject: String? = nil, text: String, rawSize: Int? = nil, verdict: AuthVerdict = .trusted,
        isAutoReply: Bool = false, forwarded: ForwardedMessage? = nil, messageID: String? = nil,
        references: [String] = []
    ) {
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.channel = channel
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.rawSize = rawSize ?? text.utf8.count
        self.verdict = verdict
        self.isAutoReply = isAutoReply
        self.forwarded = forwarded
        self.messageID = messageID
        self.references = references
    }
}

/// What the email understanding layer found in one message (see `frontdesk extract`).
public struct EmailExtraction: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case reply, forward
        case autoReply = "auto_reply"
    }

    public var kind: Kind
    /// The new text with its sign-off kept (quotes removed).
    public var reply: String
    /// The new text without the signature: what the classifier reads.
    public var replyWithoutSignature: String
    public var signature: String
    public var quoted: String
    /// Quoted history removed but signature kept (the layer some parsers call "the reply").
    public var unquoted: String
    /// For a forward: the innermost forwarded message; `reply` is then the forwarder's note.
    public var forwarded: ForwardedMessage?
    public var from: String?
    public var subject: String?
    public var messageID: String?
    public var inReplyTo: String?
    public var references: [String]

    public init(
        kind: Kind, reply: String, replyWithoutSignature: String? = nil, signature: String = "", quoted: String = "",
        forwarded: ForwardedMessage? = nil, from: String? = nil, subject: String? = nil, messageID: String? = nil,
        inReplyTo: String? = nil, references: [String] = [], unquoted: String? = nil
    ) {
        self.unquoted = unquoted ?? reply
        self.kind = kind
        self.reply = reply
        self.replyWithoutSignature = replyWithoutSignature ?? reply
        self.signature = signature
        self.quoted = quoted
        self.forwarded = forwarded
        self.from = from
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
    }
}

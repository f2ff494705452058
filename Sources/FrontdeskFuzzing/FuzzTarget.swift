/// A check a fuzz target makes beyond "does not crash": what went wrong, never the input itself.
public struct FuzzFailure: Error, CustomStringConvertible, Sendable {
    public let target: FuzzTarget
    public let message: String

    public init(_ target: FuzzTarget, _ message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "fuzz target \(target.rawValue): \(message)" }
}

/// The parsers that read what strangers send, each driven from one byte string.
///
/// A target runs the product's own code on the input and checks what must hold whatever the input (a round trip,
/// a status code, a refusal); a crash, a hang or a failed check is a finding. `run` returns a short label of how far
/// the input got (for tests that prove the seeds reach the code, and for replays), never the input's content.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A raw RFC 5322 message through MIME parsing and the raw-MIME webhook mapping (Mailgun's `body-mime`).
    case mime
    /// A body (plain text, HTML, From, Subject) through the reply, signature and forward extractor.
    case extract
    /// `application/x-www-form-urlencoded` bodies through the HTTP server's form decoding.
    case form
    /// `multipart/form-data` bodies through the HTTP server's form decoding.
    case multipart
    /// JSON: the providers' JSON fields and bodies, and Frontdesk's own JSON writer read back.
    case json
    /// Requests to the Twilio, Mailgun, SendGrid and Postmark webhook handlers, signed or not.
    case webhooks

    /// Runs the target on one input; throws when a check fails.
    public func run(_ input: [UInt8]) throws(FuzzFailure) -> String {
        switch self {
        case .mime: return MIMEFuzz.mime(input)
        case .extract: return MIMEFuzz.extract(input)
        case .form: return try FormFuzz.shared().form(input)
        case .multipart: return try FormFuzz.shared().multipart(input)
        case .json: return try JSONFuzz.run(input)
        case .webhooks: return try WebhookFuzz.shared().run(input)
        }
    }

    /// The longest input worth trying: big enough for a real email or webhook, small enough to run fast.
    public var maxLength: Int {
        switch self {
        case .mime, .extract, .multipart, .webhooks: return 64 * 1024
        case .form, .json: return 16 * 1024
        }
    }
}

/// Structured inputs: fields cut at NUL bytes, so the fuzzer can grow, shrink and splice them independently.
enum FuzzInput {
    static let separator: UInt8 = 0x00

    /// The fields of `bytes` between NUL bytes (empty ones kept).
    static func fields(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: separator, omittingEmptySubsequences: false)
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The inverse of `fields`, for writing seeds.
    static func join(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(separator) }
            out += field.utf8.filter { $0 != separator }
        }
        return out
    }
}

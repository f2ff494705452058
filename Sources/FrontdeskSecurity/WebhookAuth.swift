import Foundation
import FrontdeskCore

/// Why a webhook was refused (the HTTP layer answers 403 whatever the reason).
public struct WebhookAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of refusal, stable strings for logs and metrics.
    public enum Reason: String, Sendable {
        /// A signature, timestamp, token or credential was absent.
        case missing
        /// Present but not of the expected shape (not hex, not a number, too long).
        case malformed
        /// Well-formed but does not verify.
        case badSignature = "bad_signature"
        /// The timestamp is outside the accepted window around now.
        case stale
        /// The same token was already accepted once.
        case replayed
    }

    /// Why the webhook was refused.
    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// Shorthands so callers can write `throw .missing` and `#expect(throws: WebhookAuthError.stale)`.
    public static let missing = WebhookAuthError(.missing)
    public static let malformed = WebhookAuthError(.malformed)
    public static let badSignature = WebhookAuthError(.badSignature)
    public static let stale = WebhookAuthError(.stale)
    public static let replayed = WebhookAuthError(.replayed)

    public var description: String { "webhook refused: \(reason.rawValue)" }
}

/// Checks Mailgun's webhook signature: hex(HMAC-SHA256(signing key, timestamp + token)), then a replay window
/// around an injected clock and a single use of each token
/// (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks).
public struct MailgunSignatureVerifier: Sendable {
    /// Default replay window either side of now, in seconds.
    public static let defaultWindow: TimeInterval = 300
    /// Longest token accepted (Mailgun's are 50 characters).
    public static let maxTokenLength = 256

    private let signingKeys: [String]
    private let clock: any Clock
    private let window: TimeInterval
    private let replayCache: (any ReplayCache)?

    /// A verifier for the HTTP webhook signing key (several, comma-separated, are each accepted: rotation);
    /// pass `replayCache: nil` only where replays are harmless.
    public init(
        signingKey: String, clock: any Clock = SystemClock(), window: TimeInterval = defaultWindow,
        replayCache: (any ReplayCache)? = InMemoryReplayCache()
    ) {
        self.signingKeys = SecretList.values(signingKey)
        self.clock = clock
        self.window = window
        self.replayCache = replayCache
    }

    /// The signature alone, without time or replay checks (the known-answer vectors are years old).
    public static func isValidSignature(signingKey: String, timestamp: String, token: String, signature: String)
        -> Bool
    {
        guard !signingKey.isEmpty, let presented = Encoding.fromHex(signature), presented.count == 32 else {
            return false
        }
        let expected = Crypto.hmacSHA256(key: signingKey, message: timestamp + token)
        return Crypto.constantTimeEquals(presented, expected)
    }

    /// Accepts a webhook's `timestamp`, `token` and `signature` fields or throws why not.
    /// The token is recorded only after the signature and the time check pass, so forgeries cannot fill the cache.
    public func verify(timestamp: String?, token: String?, signature: String?) throws(WebhookAuthError) {
        guard let timestamp, let token, let signature, !timestamp.isEmpty, !token.isEmpty, !signature.isEmpty
        else { throw .missing }
        guard timestamp.utf8.count <= 20, let seconds = Int64(timestamp), token.utf8.count <= Self.maxTokenLength,
            signature.utf8.count == 64
        else { throw .malformed }
        var valid = false
        for key in signingKeys
        where Self.isValidSignature(signingKey: key, timestamp: timestamp, token: token, signature: signature) {
            valid = true
        }
        guard valid else { throw .badSignature }
        let sent = Date(timeIntervalSince1970: TimeInterval(seconds))
        let now = clock.now()
        guard abs(sent.timeIntervalSince(now)) <= window else { throw .stale }
        if let replayCache {
            // After sent + window the time check refuses the token anyway, so it need not be kept longer.
            guard replayCache.insert(token, expiresAt: sent.addingTimeInterval(window), now: now) else {
                throw .replayed
            }
        }
    }
}

/// Compares an `Authorization: Basic` header with the configured `user:password` (Postmark, SendGrid Inbound
/// Parse): neither provider signs its webhooks, so the URL carries credentials (RFC 7617).
public struct BasicAuthVerifier: Sendable {
    private let expected: [String]

    /// A checker for `user:password` (several, comma-separated, are each accepted: rotation); nil when a value
    /// has no colon or an empty user.
    public init?(credentials: String) {
        let values = SecretList.values(credentials)
        guard !values.isEmpty,
            values.allSatisfy({ value in value.firstIndex(of: ":").map { $0 != value.startIndex } ?? false })
        else { return nil }
        expected = values
    }

    /// True when the header carries exactly one of the configured credentials (each compared through SHA-256 in
    /// constant time, so neither their content nor their length leaks).
    public func verify(authorizationHeader: String?) -> Bool {
        guard let presented = Self.credentials(fromAuthorization: authorizationHeader) else { return false }
        var valid = false
        for value in expected where Crypto.secretsEqual(presented, value) { valid = true }
        return valid
    }

    /// The decoded `user:password` of a Basic authorization header, or nil.
    public static func credentials(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingASCIIWhitespace()
        // RFC 7617: the scheme name is case-insensitive.
        guard trimmed.utf8.count > 6, trimmed.prefix(6).lowercased() == "basic " else { return nil }
        let encoded = String(trimmed.dropFirst(6)).trimmingASCIIWhitespace()
        guard encoded.utf8.count <= 4096, let bytes = Encoding.fromBase64(encoded),
            let text = String(validating: bytes, as: UTF8.self), text.contains(":")
        else { return nil }
        return text
    }
}

/// Postmark inbound webhooks are protected by Basic auth in the webhook URL.
public typealias PostmarkWebhookAuth = BasicAuthVerifier
/// SendGrid Inbound Parse has no signature by default; it is protected by Basic auth in the URL too.
public typealias SendGridWebhookAuth = BasicAuthVerifier

import FrontdeskCore

/// Finds the one-time link tokens in text the store keeps and replaces each by the id of its link
/// (`LinkRedaction`). Only a token's SHA-256 is stored and hashing is not the store's to do (it imports no
/// crypto), so whoever opens a store hands it one of these: the store redacts the bodies of replies that
/// have left (SPEC §7: once a reply is sent, its tokens are redacted) and, in a migration, older rows.
public protocol LinkTokenRedactor: Sendable {
    /// `text` with every link token replaced by `[link <id>]`, the id found in `links` by the token's hash.
    func redactLinkTokens(in text: String, links: any LinkRepository) throws -> String
}

/// The redactor a store uses when it was given none: tokens become `[link]`, without their link's id
/// (it cannot hash them). Secrets are removed all the same.
public struct LinkTokensWithoutIDs: LinkTokenRedactor {
    public init() {}

    public func redactLinkTokens(in text: String, links: any LinkRepository) throws -> String {
        LinkRedaction.redact(text) { _ in nil }
    }
}

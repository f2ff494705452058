import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore

/// Redacts one-time link tokens, keeping the link's id: a token is hashed the way `LinkIssuer` stored it
/// and looked up by that hash, so `https://host/l/<token>` becomes `https://host/l/[link 17]`. A token no
/// link has (never ours, or its client deleted) becomes `[link]`.
public struct LinkRedactor: LinkTokenRedactor {
    public init() {}

    public func redactLinkTokens(in text: String, links: any LinkRepository) throws -> String {
        try LinkRedaction.redact(text) { token in
            guard LinkToken.isWellFormed(token) else { return nil }
            return try links.link(tokenHash: LinkToken.hash(token))?.id
        }
    }
}

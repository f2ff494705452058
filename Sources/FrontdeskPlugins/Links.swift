import Foundation
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore

/// A link handed to a client: the URL holds the token; only its SHA-256 is stored.
public struct IssuedLink: Sendable, Equatable {
    public var action: String
    public var url: String
    public var expiresAt: Date

    /// `/l/<token>`: where a form on one of our own pages posts to reach this link.
    public var path: String {
        url.range(of: "/l/", options: .backwards).map { String(url[$0.lowerBound...]) } ?? url
    }
}

/// Issues one-time links bound to business + client + action + resource.
public struct LinkIssuer: Sendable {
    /// Public base URL (`FRONTDESK_BASE_URL`), without a trailing slash.
    public var baseURL: String

    public init(baseURL: String) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
    }

    /// Creates and stores a link that expires after `ttlMinutes`.
    public func issue(
        _ store: any UnitOfWork, businessID: Int, clientID: Int, action: String, resource: String, ttlMinutes: Int,
        now: Date
    ) throws -> IssuedLink {
        let (token, hash) = try LinkToken.generate()
        let expires = now.addingTimeInterval(TimeInterval(ttlMinutes * 60))
        try store.insertLink(
            tokenHash: hash, businessID: businessID, clientID: clientID, action: action, resource: resource, now: now,
            expiresAt: expires)
        return IssuedLink(action: action, url: "\(baseURL)/l/\(token)", expiresAt: expires)
    }

    /// The stored hash of a token from a URL, or nil when the token is not one we could have issued.
    public static func hash(ofToken token: String) -> String? {
        LinkToken.isWellFormed(token) ? LinkToken.hash(token) : nil
    }

    /// A new token for the same client, page and resource as `link`, expiring when it does (a link whose first token
    /// was never sent: the rest of an SMS cut to fit).
    public func reissue(_ link: LinkRecord, store: any UnitOfWork, now: Date) throws
        -> (link: IssuedLink, token: String)
    {
        let (token, hash) = try LinkToken.generate()
        try store.insertLink(
            tokenHash: hash, businessID: link.businessID, clientID: link.clientID, action: link.action,
            resource: link.resource, now: now, expiresAt: link.expiresAt)
        return (IssuedLink(action: link.action, url: "\(baseURL)/l/\(token)", expiresAt: link.expiresAt), token)
    }
}

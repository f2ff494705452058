import Foundation
import FrontdeskSecurity
import FrontdeskStore

/// A `ReplayCache` in the store's `webhook_replays` table, so a captured Mailgun request stays refused
/// after a restart and across processes sharing the database.
public struct StoreReplayCache: ReplayCache {
    let store: any Store
    let provider: String
    /// How long a token is kept; at least twice the verifier's window either side of now.
    let retention: TimeInterval

    public init(store: any Store, provider: String = "mailgun", retention: TimeInterval = 900) {
        self.store = store
        self.provider = provider
        self.retention = retention
    }

    /// Records `key`; false when it was seen within the retention (a replay) or the store failed (fail closed).
    public func insert(_ key: String, expiresAt: Date, now: Date) -> Bool {
        do {
            return try store.write {
                try $0.recordWebhookToken(provider: provider, token: key, now: now, retention: retention)
            }
        } catch {
            return false
        }
    }
}

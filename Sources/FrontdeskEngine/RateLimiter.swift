import Foundation
import FrontdeskStore

/// Inbound limits per business, kept in the store so they hold across restarts and nodes: messages per sender
/// per hour and per business per minute, in fixed windows. A message over a limit is dropped silently (the
/// provider gets its 200 and does not retry); the first drop of each window is audited.
enum RateLimiter {
    /// False when the message is over a limit and must be dropped.
    static func admit(businessID: Int, sender: String, now: Date, _ c: any UnitOfWork) throws -> Bool {
        let limits = try c.rateLimits(businessID: businessID)
        let checks: [(key: String, seconds: Double, limit: Int, unit: String)] = [
            ("sender:" + sender, 3600, limits.effectiveSenderPerHour, "hour"),
            ("business", 60, limits.effectiveBusinessPerMinute, "minute"),
        ]
        for check in checks where check.limit > 0 {
            let window = Date(
                timeIntervalSince1970: (now.timeIntervalSince1970 / check.seconds).rounded(.down) * check.seconds)
            let count = try c.countRateEvent(businessID: businessID, key: check.key, window: window)
            guard count > check.limit else { continue }
            if count == check.limit + 1 {
                try c.audit(
                    businessID: businessID, actor: "system", via: "rate_limit", action: "rate_limit.drop",
                    before: nil, after: "\(check.key) over \(check.limit) a \(check.unit)", now: now)
            }
            return false
        }
        return true
    }
}

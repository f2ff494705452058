import Foundation

/// Remembers webhook tokens already accepted so that a captured request cannot be replayed.
public protocol ReplayCache: Sendable {
    /// Records `key` until `expiresAt`; returns false when it is already recorded and not yet expired (a replay).
    func insert(_ key: String, expiresAt: Date, now: Date) -> Bool
}

/// A bounded in-memory `ReplayCache` for one process: expired keys are dropped first, then the oldest.
public final class InMemoryReplayCache: ReplayCache, @unchecked Sendable {
    /// Default number of keys kept (300 s of webhooks at over 30 per second).
    public static let defaultCapacity = 10_000

    private let capacity: Int
    // Guarded by `lock`: key → expiry, plus insertion order for eviction.
    private let lock = NSLock()
    private var expiries: [String: Date] = [:]
    private var order: [String] = []
    private var head = 0

    /// A cache that holds at most `capacity` keys.
    public init(capacity: Int = defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Records `key` unless it is held and unexpired; prunes expired keys, then evicts the oldest when full.
    public func insert(_ key: String, expiresAt: Date, now: Date) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let expiry = expiries[key], expiry > now { return false }
        pruneExpired(now: now)
        while expiries.count >= capacity { evictOldest() }
        if expiries.updateValue(expiresAt, forKey: key) == nil { order.append(key) }
        return true
    }

    /// Number of keys held (for tests and metrics).
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return expiries.count
    }

    // Keys arrive roughly in expiry order (timestamp + window), so the oldest inserted expire first.
    private func pruneExpired(now: Date) {
        while head < order.count {
            let key = order[head]
            guard let expiry = expiries[key] else {
                head += 1
                continue
            }
            guard expiry <= now else { break }
            expiries[key] = nil
            head += 1
        }
        compact()
    }

    private func evictOldest() {
        guard head < order.count else { return }
        expiries[order[head]] = nil
        head += 1
        compact()
    }

    private func compact() {
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

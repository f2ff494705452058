import Foundation
import FrontdeskCore

/// One queued message, as the outbox worker sees it.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var message: OutgoingMessage
    /// Attempts already made (0 for a new item).
    public var attempts: Int

    public init(id: Int64, message: OutgoingMessage, attempts: Int = 0) {
        self.id = id
        self.message = message
        self.attempts = attempts
    }
}

/// The durable queue the worker drains; FrontdeskStore conforms (or an adapter over it does).
///
/// Statuses implied: pending (due when `next attempt <= now`), sent, dead (no more attempts), and suppressed
/// (never sent: the recipient opted out). Error strings given here are sanitized: no bodies, no credentials.
public protocol OutboxStore: Sendable {
    /// Pending items whose next attempt is at or before `now`, oldest first, at most `limit`.
    func due(now: Date, limit: Int) throws -> [OutboxItem]
    /// The provider accepted the item.
    func markSent(id: Int64, providerID: String?, at: Date) throws
    /// One more failed attempt (attempts += 1, last error = `error`); retried at `nextAttempt`, or dead when `dead`.
    func markFailed(id: Int64, error: String, nextAttempt: Date?, dead: Bool) throws
    /// Not attempted now (per-recipient rate limit): only the next attempt moves; attempts are unchanged.
    func postpone(id: Int64, until: Date) throws
    /// Never to be sent (recipient opted out). Default: `markFailed(dead: true)` with the reason.
    func markSuppressed(id: Int64, reason: String) throws
    /// Whether the recipient has opted out of this channel (SMS STOP, email unsubscribe).
    func isOptedOut(channel: Channel, address: String) throws -> Bool
    /// The items `due` handed out were processed. Default: nothing.
    func finishBatch() throws
}

extension OutboxStore {
    public func finishBatch() throws {}

    public func markSuppressed(id: Int64, reason: String) throws {
        try markFailed(id: id, error: reason, nextAttempt: nil, dead: true)
    }
}

/// Exponential backoff with "full jitter": the n-th retry waits a uniform random time in
/// `[0, min(cap, base · 2^(n-1)))` (AWS Architecture Blog, "Exponential Backoff and Jitter").
public struct Backoff: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(base: TimeInterval = 30, cap: TimeInterval = 3600) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling of the wait after `attempt` failed attempts (attempt ≥ 1).
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        return min(cap, base * pow(2, exponent))
    }

    /// The wait after `attempt` failed attempts, given a uniform random `unit` in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double) -> TimeInterval {
        ceiling(afterAttempt: attempt) * min(max(unit, 0), 1)
    }
}

/// How the outbox worker behaves; the defaults suit one business on one machine.
public struct OutboxPolicy: Sendable {
    public var backoff = Backoff()
    /// After this many failed attempts the item is dead (kept for `frontdesk outbox retry`).
    public var maxAttempts = 8
    /// At most `ratePerRecipient` sends to one address per `rateWindow`; the rest are postponed, not failed.
    public var ratePerRecipient = 5
    public var rateWindow: TimeInterval = 60
    /// Least time between two sends from one sending address, by channel (a US long-code SMS number sends about one
    /// message a second); the rest wait their turn. None by default; `serve` paces SMS.
    public var senderInterval: [Channel: TimeInterval] = [:]
    /// Items taken per poll.
    public var batchSize = 50
    /// Seconds between polls of the background thread.
    public var pollInterval: TimeInterval = 1

    public init() {}
}

/// What one `runOnce` did.
public struct OutboxRunSummary: Sendable, Equatable {
    public var sent = 0
    /// Failed and scheduled for another attempt.
    public var retrying = 0
    public var dead = 0
    public var suppressed = 0
    /// Postponed by the per-recipient rate limit, or waiting for their sending number's turn.
    public var postponed = 0

    public init() {}

    public var total: Int { sent + retrying + dead + suppressed + postponed }
}

/// A sliding-window counter of sends per recipient (in memory: after a restart the window starts empty).
struct RecipientRateLimiter {
    var limit: Int
    var window: TimeInterval
    private var sends: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Records a send to `key` at `now` and returns nil, or returns when the next send would be allowed.
    mutating func reserve(_ key: String, now: Date) -> Date? {
        var recent = (sends[key] ?? []).filter { now.timeIntervalSince($0) < window }
        if recent.count >= limit, let oldest = recent.min() {
            sends[key] = recent
            return oldest.addingTimeInterval(window)
        }
        recent.append(now)
        sends[key] = recent
        return nil
    }

    /// Forgets recipients with no send inside the window, so memory stays bounded.
    mutating func prune(now: Date) {
        sends = sends.filter { _, dates in dates.contains { now.timeIntervalSince($0) < window } }
    }
}

/// When each sending address may send next: a send takes the address for `interval`, and a provider's `Retry-After`
/// holds it until then (in memory: after a restart the pace starts afresh). Items that find it taken wait until it is
/// free and then compete again, oldest first, so a backlog leaves one item per interval.
struct SenderPacer {
    private var nextFree: [String: Date] = [:]

    /// Nil when `key` may send at `now` (it is then taken for `interval`); else when it is free again.
    mutating func reserve(_ key: String, interval: TimeInterval, now: Date) -> Date? {
        if let free = nextFree[key], free > now { return free }
        nextFree[key] = now.addingTimeInterval(max(0, interval))
        return nil
    }

    /// Nothing leaves from `key` before `until` (the provider said to wait).
    mutating func hold(_ key: String, until: Date) {
        nextFree[key] = max(nextFree[key] ?? until, until)
    }

    mutating func prune(now: Date) {
        nextFree = nextFree.filter { $0.value > now }
    }
}

/// Drains the outbox: sends due items through the sender for their channel, retries with backoff, dead-letters,
/// rate-limits per recipient and never sends to an opted-out address.
public final class OutboxWorker: @unchecked Sendable {
    // @unchecked: mutable state is guarded by `runLock` (the run state) and `condition` (the thread's state).
    public let store: any OutboxStore
    public let policy: OutboxPolicy
    let senders: [Channel: any MessageSender]
    let clock: any Clock
    let random: @Sendable () -> Double
    let log: @Sendable (String) -> Void

    private let runLock = NSLock()
    private var limiter: RecipientRateLimiter
    private var pacer = SenderPacer()

    private let condition = NSCondition()
    private var running = false
    private var stopping = false
    private var wakeRequested = false
    private var threadDone = true

    /// - Parameters:
    ///   - random: uniform values in [0, 1) for the jitter; inject a seeded source in tests.
    ///   - log: one line per event; never given bodies or credentials.
    public init(
        store: any OutboxStore, senders: [Channel: any MessageSender], policy: OutboxPolicy = OutboxPolicy(),
        clock: any Clock = SystemClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.senders = senders
        self.policy = policy
        self.clock = clock
        self.random = random
        self.log = log
        self.limiter = RecipientRateLimiter(limit: policy.ratePerRecipient, window: policy.rateWindow)
    }

    /// Processes every item due at `now` (up to the batch size) and returns what happened.
    @discardableResult
    public func runOnce(now: Date) throws -> OutboxRunSummary {
        runLock.lock()
        defer { runLock.unlock() }
        var summary = OutboxRunSummary()
        limiter.prune(now: now)
        pacer.prune(now: now)
        for item in try store.due(now: now, limit: policy.batchSize) {
            if isStopping { break }  // Leave the rest queued: it is durable and will go after the restart.
            try process(item, now: now, summary: &summary)
        }
        try store.finishBatch()
        return summary
    }

    private func process(_ item: OutboxItem, now: Date, summary: inout OutboxRunSummary) throws {
        let message = item.message
        let address = Address.normalize(message.to, channel: message.channel) ?? message.to
        if try store.isOptedOut(channel: message.channel, address: address) {
            try store.markSuppressed(
                id: item.id, reason: "suppressed: recipient opted out of \(message.channel.rawValue)")
            summary.suppressed += 1
            log("outbox \(item.id): suppressed (opted out)")
            return
        }
        if let later = limiter.reserve(message.channel.rawValue + ":" + address, now: now) {
            try store.postpone(id: item.id, until: later)
            summary.postponed += 1
            return
        }
        let senderKey = message.channel.rawValue + ":" + message.from
        if let turn = pacer.reserve(senderKey, interval: policy.senderInterval[message.channel] ?? 0, now: now) {
            try store.postpone(id: item.id, until: turn)
            summary.postponed += 1
            return
        }
        let attempt = item.attempts + 1
        let failure: SendError
        do {
            guard let sender = senders[message.channel] else {
                // Retryable: configuring a sender and restarting should deliver the backlog.
                throw SendError(
                    kind: .configuration, retryable: true,
                    message: "no sender configured for \(message.channel.rawValue)")
            }
            let result = try sender.send(message)
            try store.markSent(id: item.id, providerID: result.providerMessageID, at: now)
            summary.sent += 1
            log("outbox \(item.id): sent on attempt \(attempt)")
            return
        } catch let error as SendError {
            failure = error
        } catch {
            // Unknown error types might describe anything; keep only their type name.
            failure = SendError(kind: .transport, retryable: true, message: "unexpected \(type(of: error))")
        }
        let text = Self.storableError(failure)
        if let asked = failure.retryAfter, failure.retryable {
            // The provider said when to come back (a 429's Retry-After): nothing leaves this number before then.
            pacer.hold(senderKey, until: now.addingTimeInterval(asked))
        }
        if failure.retryable && attempt < policy.maxAttempts {
            let wait = max(policy.backoff.delay(afterAttempt: attempt, unit: random()), failure.retryAfter ?? 0)
            try store.markFailed(id: item.id, error: text, nextAttempt: now.addingTimeInterval(wait), dead: false)
            summary.retrying += 1
            log("outbox \(item.id): attempt \(attempt) failed, retry in \(Int(wait)) s: \(text)")
        } else {
            try store.markFailed(id: item.id, error: text, nextAttempt: nil, dead: true)
            summary.dead += 1
            log("outbox \(item.id): dead after attempt \(attempt): \(text)")
        }
    }

    /// The error as stored: sanitized description, URLs without userinfo, at most 500 characters.
    static func storableError(_ error: SendError) -> String {
        let text = Redact.userinfo(in: error.description)
        return text.count > 500 ? String(text.prefix(500)) : text
    }

    // MARK: - Background thread

    /// Starts a thread that runs `runOnce(now: clock.now())` every `pollInterval` (or sooner after `wake()`).
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        stopping = false
        threadDone = false
        let thread = Thread { [self] in loop() }
        thread.name = "frontdesk-outbox"
        thread.start()
    }

    /// Asks the thread to poll now (e.g. right after a reply was queued).
    public func wake() {
        condition.lock()
        wakeRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the thread and waits for it: the send in flight completes, the rest stays queued in the store.
    public func stop() {
        condition.lock()
        guard running else {
            condition.unlock()
            return
        }
        stopping = true
        condition.broadcast()
        while !threadDone { condition.wait() }
        running = false
        stopping = false
        condition.unlock()
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func loop() {
        while !isStopping {
            do {
                try runOnce(now: clock.now())
            } catch {
                log("outbox: poll failed: \(type(of: error))")
            }
            condition.lock()
            let deadline = Date().addingTimeInterval(policy.pollInterval)
            while !stopping && !wakeRequested {
                if !condition.wait(until: deadline) { break }
            }
            wakeRequested = false
            condition.unlock()
        }
        condition.lock()
        threadDone = true
        condition.broadcast()
        condition.unlock()
    }
}

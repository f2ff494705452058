import Foundation
import FrontdeskCore
import FrontdeskStore

/// Per-business retention of message texts: messages (and outbox items that have left) older than the business's
/// `days` lose their text and subject; who wrote when, the intent and the delivery status stay.
enum Retention {
    /// What one business's run removed.
    struct Outcome: Equatable {
        var slug: String
        var days: Int?
        var rows: Int
    }

    /// Applies each business's retention (or one business's), audits each run that removed text, then truncates
    /// the WAL so no copy of the old texts stays on disk.
    static func apply(
        _ store: any Store, businessID only: Int? = nil, now: Date, actor: String, via: String
    ) throws -> [Outcome] {
        let outcomes = try store.write { c in
            try c.businesses().filter { only == nil || $0.id == only }.map { b in
                guard let days = try c.retentionDays(businessID: b.id) else {
                    return Outcome(slug: b.slug, days: nil, rows: 0)
                }
                let rows = try c.applyRetention(
                    businessID: b.id, cutoff: now.addingTimeInterval(-Double(days) * 86_400))
                if rows > 0 {
                    try c.audit(
                        businessID: b.id, actor: actor, via: via, action: "retention.apply", before: nil,
                        after: "\(rows) messages and replies older than \(days) days lost their text", now: now)
                }
                return Outcome(slug: b.slug, days: days, rows: rows)
            }
        }
        try store.scrubRedactedText()
        return outcomes
    }
}

/// Applies retention from `serve`: first shortly after start, then once a day, until stopped.
final class RetentionSchedule: Sendable {
    private let task: PeriodicTask

    init(
        store: any Store, clock: any Clock, log: Logger, firstDelay: TimeInterval = 60, interval: TimeInterval = 86_400
    ) {
        task = PeriodicTask(name: "frontdesk-retention", firstDelay: firstDelay, interval: interval) {
            do {
                for outcome in try Retention.apply(store, now: clock.now(), actor: "system", via: "schedule")
                where outcome.rows > 0 {
                    log.info("retention", ["business": outcome.slug, "rows": String(outcome.rows)])
                }
            } catch {
                log.error("retention", ["error": String(describing: type(of: error))])
            }
        }
    }

    func start() { task.start() }

    /// Stops the thread and waits for it (a run in progress completes).
    func stop() { task.stop() }
}

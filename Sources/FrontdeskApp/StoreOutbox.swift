import Foundation
import FrontdeskChannels
import FrontdeskCore
import FrontdeskStore

/// The store's outbox as the worker's queue.
public struct StoreOutbox: OutboxStore {
    let store: any Store
    /// Display names for email From headers, by business id.
    let names: [Int: String]

    public init(store: any Store) throws {
        self.store = store
        names = Dictionary(uniqueKeysWithValues: try store.read { try $0.businesses() }.map { ($0.id, $0.name) })
    }

    /// What a client's own message caused; an email unsubscribe never stops these (every other kind is
    /// automated: notices, marketing). A verification code and the outcome of a privacy request were asked for.
    public static let transactionalKinds: Set<String> = [
        "reply", "compliance", "staff_notice", OutboxRecord.verificationKind, OutboxRecord.privacyKind,
        OutboxRecord.erasureNoticeKind, OutboxRecord.securityKind,
    ]

    public func due(now: Date, limit: Int) throws -> [OutboxItem] {
        // A write: opted-out recipients' items are suppressed in the same step, and automated email to an
        // address that unsubscribed from it.
        try store.write { c in
            try c.dueOutbox(now: now, limit: limit).filter { r in
                guard r.channel == .email, !Self.transactionalKinds.contains(r.kind),
                    try c.isEmailOptedOut(businessID: r.businessID, address: r.recipient)
                else { return true }
                try c.markOutboxFailed(
                    id: r.id, error: "suppressed: recipient unsubscribed from automated email", nextAttempt: nil,
                    status: .suppressed)
                return false
            }
        }.map { r in
            let references = (r.headers["References"] ?? "").split(separator: " ").map(String.init)
            return OutboxItem(
                id: Int64(r.id),
                message: OutgoingMessage(
                    channel: r.channel, to: r.recipient, from: r.sender, fromName: names[r.businessID],
                    subject: r.subject,
                    body: r.body, inReplyTo: r.headers["In-Reply-To"], references: references,
                    headers: r.headers["List-Unsubscribe"].map { [OutgoingHeader(name: "List-Unsubscribe", value: $0)] }
                        ?? [],
                    messageID: r.headers["Message-ID"], replyTo: r.headers["Reply-To"]),
                attempts: r.attempts)
        }
    }

    public func markSent(id: Int64, providerID: String?, at: Date) throws {
        try store.write { try $0.markOutboxSent(id: Int(id), providerMessageID: providerID, now: at) }
    }

    public func markFailed(id: Int64, error: String, nextAttempt: Date?, dead: Bool) throws {
        try store.write {
            try $0.markOutboxFailed(id: Int(id), error: error, nextAttempt: dead ? nil : nextAttempt, status: .dead)
        }
    }

    public func postpone(id: Int64, until: Date) throws {
        try store.write { try $0.deferOutbox(id: Int(id), until: until) }
    }

    public func markSuppressed(id: Int64, reason: String) throws {
        try store.write { try $0.markOutboxFailed(id: Int(id), error: reason, nextAttempt: nil, status: .suppressed) }
    }

    /// Replies that left (or were given up) in the batch had their link tokens redacted; the store's older
    /// copies of them go now, once for the whole batch.
    public func finishBatch() throws {
        try store.scrubRedactedText()
    }

    /// Opt-outs are per business, so `due` already suppressed those items.
    public func isOptedOut(channel: Channel, address: String) throws -> Bool { false }
}

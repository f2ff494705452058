import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore

extension Commands {
    /// `notices list [--business SLUG] [--status S] [--kind K] [--client ID] [--limit N] [--json]` and
    /// `notices run [--business SLUG]`: what the reminders sent, scheduled and suppressed (and why), and one pass of
    /// the scheduler (what `serve` runs every `FRONTDESK_NOTICES_INTERVAL` seconds).
    func notices(_ args: [String]) throws {
        let a = try Arguments(
            args, options: ["db", "business", "status", "kind", "client", "limit"], switches: ["json"])
        guard let verb = a.positionals.first, ["list", "run"].contains(verb), a.positionals.count == 1 else {
            throw CLIError.usage("notices needs list or run; see `frontdesk notices --help`")
        }
        var query = NoticeQuery(limit: 50)
        if let s = a["status"] {
            guard let status = NoticeStatus(rawValue: s) else {
                throw CLIError.usage(
                    "--status must be one of \(NoticeStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.status = status
        }
        if let k = a["kind"] {
            guard let kind = NoticeKind(rawValue: k) else {
                throw CLIError.usage(
                    "--kind must be one of \(NoticeKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.kind = kind
        }
        if let c = a["client"] {
            guard let id = Int(c), id > 0 else { throw CLIError.usage("--client must be a client id") }
            query.clientID = id
        }
        if let l = a["limit"] {
            guard let n = Int(l), (1...10_000).contains(n) else { throw CLIError.usage("--limit must be 1 to 10000") }
            query.limit = n
        }
        let app = try app(a)
        let business = try a["business"].map { try app.business($0) }
        query.businessID = business?.id
        let now = clock.now()
        if verb == "run" {
            let summaries = try app.pipeline.notices.run(now: now, businessID: business?.id)
            if summaries.isEmpty { output("no business has the reminders plugin enabled") }
            for s in summaries {
                output(
                    "\(s.business): \(s.queued) queued, \(s.scheduled) scheduled, \(s.suppressed) suppressed, "
                        + "\(s.duplicates) already sent, \(s.skipped) skipped")
            }
            return
        }
        let (notices, slugs) = try app.store.read { c in
            (
                try c.notices(query, now: now),
                Dictionary(uniqueKeysWithValues: try c.businesses().map { ($0.id, $0.slug) })
            )
        }
        if a.has("json") {
            let rows: [[String: Any]] = notices.map { n in
                var row: [String: Any] = [
                    "id": n.id, "business": slugs[n.businessID] ?? "", "client_id": n.clientID, "kind": n.kind.rawValue,
                    "status": n.status.rawValue, "source": n.source, "send_at": UTC.format(n.sendAt),
                    "created_at": UTC.format(n.createdAt),
                ]
                row["channel"] = n.channel?.rawValue
                row["recipient"] = n.recipient
                row["reason"] = n.reason
                row["outbox_id"] = n.outboxID
                row["resource"] = n.resource
                return row
            }
            let data = try JSONSerialization.data(withJSONObject: ["notices": rows], options: [.sortedKeys])
            output(String(decoding: data, as: UTF8.self))
            return
        }
        if notices.isEmpty {
            output("no notices")
            return
        }
        for n in notices {
            let why = n.reason.map { " (\($0))" } ?? ""
            output(
                "\(n.id)  \(slugs[n.businessID] ?? "?")  client \(n.clientID)  \(n.kind.rawValue)  "
                    + "\(n.channel?.rawValue ?? "-") \(n.recipient ?? "-")  \(n.status.rawValue)\(why)  "
                    + "send \(UTC.format(n.sendAt))  via \(n.source)")
        }
    }

    /// `billing charge --business SLUG --invoice NUMBER|ID`: collects a failed or open invoice now, off-session, as a
    /// renewal run would. A decline is recorded as a failed payment, which the reminders turn into a notice.
    func billing(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business", "invoice"], switches: [])
        guard a.positionals == ["charge"] else {
            throw CLIError.usage("billing needs charge; see `frontdesk billing --help`")
        }
        let wanted = try a.required("invoice")
        let app = try app(a)
        let business = try app.business(try a.required("business"))
        let now = clock.now()
        let line: String = try app.store.write { c in
            let scope = BillingScope(store: c, businessID: business.id, zone: business.zone, now: now)
            var found: Invoice?
            var owner: Int?
            for client in try c.clients(businessID: business.id) where found == nil {
                found = try app.pipeline.billing.invoices(clientID: client.id, limit: 1000, in: scope).first {
                    $0.number == wanted || String($0.id) == wanted
                }
                owner = client.id
            }
            guard let invoice = found, let clientID = owner else {
                throw CLIError.failure("no invoice \(wanted) in business \(business.slug)")
            }
            let payment: InvoicePayment
            do {
                payment = try app.pipeline.billing.payInvoice(id: invoice.id, clientID: clientID, in: scope)
            } catch let error as BillingError {
                throw CLIError.failure("\(invoice.number): \(error.code.rawValue)")
            }
            try c.audit(
                businessID: business.id, clientID: clientID, actor: "cli", via: "cli",
                action: payment.paid ? "invoice.paid" : "invoice.payment_failed", before: invoice.status.rawValue,
                after: payment.decline?.rawValue ?? "paid", now: now)
            return payment.decline.map { "\(invoice.number): declined (\($0.rawValue))" } ?? "\(invoice.number): paid"
        }
        output(line)
    }
}

/// Runs the reminders from `serve`: a few seconds after start, then every `interval` seconds (none when 0).
final class NoticeSchedule: Sendable {
    private let task: PeriodicTask?

    init(notices: Notices, clock: any Clock, log: Logger, interval: TimeInterval) {
        guard interval > 0 else {
            task = nil
            return
        }
        task = PeriodicTask(name: "frontdesk-notices", firstDelay: min(interval, 5), interval: interval) {
            do {
                for s in try notices.run(now: clock.now()) where s.queued + s.scheduled + s.suppressed > 0 {
                    log.info(
                        "notices",
                        [
                            "business": s.business, "queued": String(s.queued), "scheduled": String(s.scheduled),
                            "suppressed": String(s.suppressed),
                        ])
                }
            } catch {
                log.error("notices", ["error": String(describing: type(of: error))])
            }
        }
    }

    /// `FRONTDESK_NOTICES_INTERVAL`: seconds between runs (default 60, 0 turns the scheduler off).
    static func interval(_ environment: [String: String]) throws -> TimeInterval {
        guard let raw = environment["FRONTDESK_NOTICES_INTERVAL"], !raw.isEmpty else { return 60 }
        guard let n = Int(raw), (0...86_400).contains(n) else {
            throw CLIError.failure("FRONTDESK_NOTICES_INTERVAL must be a number of seconds from 0 to 86400")
        }
        return TimeInterval(n)
    }

    /// `FRONTDESK_SMS_SEND_INTERVAL`: least milliseconds between two texts from one number (default 1000).
    static func smsInterval(_ environment: [String: String]) throws -> TimeInterval {
        guard let raw = environment["FRONTDESK_SMS_SEND_INTERVAL"], !raw.isEmpty else { return 1 }
        guard let n = Int(raw), (0...60_000).contains(n) else {
            throw CLIError.failure("FRONTDESK_SMS_SEND_INTERVAL must be milliseconds from 0 to 60000")
        }
        return TimeInterval(n) / 1000
    }

    func start() { task?.start() }

    /// Stops the thread and waits for it (a run in progress completes).
    func stop() { task?.stop() }
}

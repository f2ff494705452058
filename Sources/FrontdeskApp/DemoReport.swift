import Foundation
import FrontdeskCore
import FrontdeskStore

/// Whom to play in the demo: the business, its staff and each client's membership.
struct DemoReport {
    var json: JSON
    var table: String

    static func make(_ app: App) throws -> DemoReport {
        try app.store.read { c in
            guard let b = try c.business(slug: Demo.slug) else { throw CLIError.failure("demo business missing") }
            let sms = try c.businessAddress(b.id, channel: .sms) ?? ""
            let inbox = try c.businessAddress(b.id, channel: .email) ?? ""
            var rows: [[String]] = [["NAME", "PHONE", "EMAIL", "STATUS", "PLAN", "NEXT BILLING"]]
            var clients: [JSON] = []
            // The demo's own people were seeded first; extra clients (`--clients N`) are only counted.
            let everyone = try c.clients(businessID: b.id)
            for client in everyone.prefix(Demo.people.count) {
                let phone = try c.addresses(clientID: client.id, channel: .sms).first
                let emails = try c.addresses(clientID: client.id, channel: .email)
                let memberships = try c.memberships(clientID: client.id)
                let first = memberships.first
                let status = memberships.isEmpty ? "none" : memberships.map(\.status.rawValue).joined(separator: "+")
                let plan = memberships.map(\.planName).joined(separator: " + ")
                let next = first?.nextBillingAt.map { Format.isoDate($0, in: b.zone) }
                clients.append(
                    .object([
                        ("name", .string(client.fullName)), ("phone", .from(phone)), ("email", .from(emails.first)),
                        ("emails", .array(emails.map(JSON.string))),
                        ("membership_status", .string(status)), ("plan", plan.isEmpty ? .null : .string(plan)),
                        ("next_billing_date", .from(next)),
                    ]))
                rows.append([client.fullName, phone ?? "", emails.joined(separator: ", "), status, plan, next ?? ""])
            }
            let staff = try c.staff(businessID: b.id)
            let json = JSON.object([
                (
                    "business",
                    .object([
                        ("slug", .string(b.slug)), ("name", .string(b.name)), ("sms_number", .string(sms)),
                        ("inbox_address", .string(inbox)),
                    ])
                ),
                (
                    "staff",
                    .array(
                        staff.map {
                            .object([
                                ("name", .string($0.name)), ("email", .from($0.email)),
                                ("role", .string($0.role.rawValue)),
                            ])
                        })
                ),
                ("clients", .array(clients)),
            ])
            var widths = Array(repeating: 0, count: rows[0].count)
            for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
            var lines = [
                "\(b.name) (business \"\(b.slug)\") — SMS \(sms), email \(inbox), time zone \(b.timeZone)",
                "Staff: " + staff.map { "\($0.name) <\($0.email ?? "")> \($0.role.rawValue)" }.joined(separator: "; "),
                "",
            ]
            for r in rows {
                lines.append(
                    r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                        separator: "  "))
            }
            if everyone.count > Demo.people.count {
                let more = everyone.count - Demo.people.count
                lines.append("… and \(more) more clients (phones from \(Demo.extraClientPhone(1)))")
            }
            lines.append("")
            lines.append("Try: frontdesk say --business demo --from \(rows[1][1]) \"when is my next billing date?\"")
            return DemoReport(json: json, table: lines.joined(separator: "\n"))
        }
    }
}

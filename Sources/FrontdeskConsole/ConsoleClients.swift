import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskStore

/// Clients: search, a client's memberships and invoices, CSV import (previewed, then all or nothing), export and
/// erasure (owners and admins).
extension Console {
    func clients(_ v: Visit) throws -> HTTPResponse {
        let query = String((v.query("q") ?? "").prefix(100))
        let found: [(Client, [String], [Membership])] = try pipeline.store.read { c in
            try c.searchClients(businessID: v.business.id, query: query, limit: 200).map { client in
                (
                    client,
                    try c.addresses(clientID: client.id, channel: .sms) + c.addresses(clientID: client.id, channel: .email),
                    try c.memberships(clientID: client.id)
                )
            }
        }
        let rows = try found.map { client, addresses, memberships in
            try render(
                "client_row", v.locale,
                [
                    "id": .text(String(client.id)), "name": .text(client.fullName),
                    "contact": .text(addresses.joined(separator: ", ")),
                    "memberships": .text(
                        memberships.isEmpty ? "-" : memberships.map { "\($0.planName) (\($0.status.rawValue))" }
                            .joined(separator: ", ")),
                ])
        }
        let importForm = v.isAdmin ? try render("import_form", v.locale, ["csrf": try csrfField(v)]) : .empty
        let content = try render(
            "clients", v.locale,
            [
                "q": .text(query), "rows": HTML.join(rows), "import": importForm,
                "empty": rows.isEmpty ? try paragraph(copy("clients_none", v.locale)) : .empty,
            ])
        return try page(
            v, title: copy("nav_clients", v.locale), current: "/admin/clients",
            notice: v.query("imported").map { try copy("import_done", v.locale, ["count": $0]) }, content: content)
    }

    /// The client in the path, only when it is the visitor's business's.
    func ownClient(_ v: Visit, _ c: any UnitOfWork) throws -> Client {
        guard let id = v.idParameter, let client = try c.client(id: id), client.businessID == v.business.id else {
            throw NotFound()
        }
        return client
    }

    func client(_ v: Visit) throws -> HTTPResponse {
        struct Record {
            var client: Client
            var phones: [String]
            var emails: [String]
            var memberships: [Membership]
            var invoices: [Invoice]
            var smsConsent: Bool
            var emailOptedOut: [String]
        }
        let r: Record = try pipeline.store.read { c in
            let client = try ownClient(v, c)
            let emails = try c.addresses(clientID: client.id, channel: .email)
            return Record(
                client: client, phones: try c.addresses(clientID: client.id, channel: .sms), emails: emails,
                memberships: try c.memberships(clientID: client.id), invoices: try c.invoices(clientID: client.id, limit: 50),
                smsConsent: try c.smsConsent(clientID: client.id),
                emailOptedOut: try emails.filter { try c.isEmailOptedOut(businessID: v.business.id, address: $0) })
        }
        let yes = try copy("yes", v.locale)
        let no = try copy("no", v.locale)
        let facts = try [
            ("client_phones", r.phones.isEmpty ? "-" : r.phones.joined(separator: ", ")),
            ("client_emails", r.emails.isEmpty ? "-" : r.emails.joined(separator: ", ")),
            ("client_language", r.client.language ?? "-"), ("client_sms_consent", r.smsConsent ? yes : no),
            ("client_email_automated", r.emails.isEmpty ? "-" : (r.emailOptedOut.isEmpty ? yes : no)),
        ].map { key, value in
            try render("raw_row", v.locale, ["name": .text(try copy(key, v.locale)), "value": .text(value)])
        }
        let memberships = try r.memberships.map { m in
            try render(
                "membership_row", v.locale,
                [
                    "plan": .text(m.planName), "status": .text(m.status.rawValue),
                    "price": .text(money(m.priceMinor, m.currency, v) + " / " + m.interval),
                    "next": .text(day(m.nextBillingAt, v)),
                    "card": .text(m.paymentMethod.map { "\($0.brand) •••• \($0.last4)" } ?? "-"),
                ])
        }
        let invoices = try r.invoices.map { i in
            try render(
                "invoice_row", v.locale,
                [
                    "number": .text(i.number), "date": .text(day(i.issuedAt, v)),
                    "amount": .text(money(i.amountMinor, i.currency, v)), "status": .text(i.status.rawValue),
                ])
        }
        let privacy =
            v.isAdmin
            ? try render(
                "client_privacy", v.locale,
                [
                    "export": try button(
                        v, action: "/admin/clients/\(r.client.id)/export", label: try copy("client_export", v.locale)),
                    "erase_href": .text("/admin/clients/\(r.client.id)/erase"),
                ]) : .empty
        let none = try paragraph(copy("none_yet", v.locale))
        let content = try render(
            "client", v.locale,
            [
                "id": .text(String(r.client.id)), "facts": HTML.join(facts),
                "memberships": memberships.isEmpty ? none : try render("membership_table", v.locale, ["rows": HTML.join(memberships)]),
                "invoices": invoices.isEmpty ? none : try render("invoice_table", v.locale, ["rows": HTML.join(invoices)]),
                "privacy": privacy,
            ])
        return try page(v, title: r.client.fullName, current: "/admin/clients", content: content)
    }

    // MARK: Import

    /// Reads the uploaded CSV and shows every row with what is wrong with it; the commit form comes only when every
    /// row is good. Nothing is written here.
    func previewImport(_ v: Visit) throws -> HTTPResponse {
        guard let file = v.request.form?.field("file"), !file.data.isEmpty else {
            return try importError(v, try copy("import_no_file", v.locale))
        }
        guard let text = String(data: file.data, encoding: .utf8) else {
            return try importError(v, try copy("import_not_utf8", v.locale))
        }
        return try preview(v, csv: text)
    }

    func preview(_ v: Visit, csv text: String, error: String? = nil) throws -> HTTPResponse {
        let rows: [ImportRow]
        do {
            rows = try checkedRows(v, text)
        } catch let failure as ClientImport.Failure {
            return try importError(v, try failureText(failure, v))
        }
        let bad = rows.filter { !$0.problems.isEmpty }.count
        let rendered = try rows.map { row in
            let problems = try row.problems.map { try copy($0.key, v.locale, $0.values) }
            return try render(
                "import_row", v.locale,
                [
                    "line": .text(String(row.line)),
                    "cells": HTML.join(try row.written.map { try render("cell", v.locale, ["text": .text($0)]) }),
                    "problems": .text(problems.isEmpty ? try copy("import_ok", v.locale) : problems.joined(separator: "; ")),
                    "class": HTML(markup: problems.isEmpty ? "" : " class=\"bad\""),
                ])
        }
        let commit =
            bad == 0
            ? try render("import_commit", v.locale, ["csrf": try csrfField(v), "csv": .text(text)])
            : try paragraph(copy("import_fix", v.locale))
        let summary = try copy(
            bad == 0 ? "import_summary_ok" : "import_summary_bad", v.locale,
            ["rows": String(rows.count), "bad": String(bad)])
        let content = try render(
            "import_preview", v.locale, ["summary": .text(summary), "rows": HTML.join(rendered), "commit": commit])
        return try page(
            v, title: copy("import_title", v.locale), status: bad == 0 && error == nil ? 200 : 422,
            current: "/admin/clients", error: error, content: content)
    }

    /// The rows, checked against the file itself and against the business's clients.
    func checkedRows(_ v: Visit, _ text: String) throws -> [ImportRow] {
        var rows = try ClientImport.read(text, locales: pipeline.catalog.locales)
        try pipeline.store.read { c in
            for index in rows.indices {
                for (channel, address) in [(Channel.sms, rows[index].phone), (.email, rows[index].email)] {
                    guard let address, try c.addressTaken(businessID: v.business.id, channel: channel, address: address)
                    else { continue }
                    rows[index].problems.append(.init(key: "import_taken", values: ["value": address]))
                }
            }
        }
        return rows
    }

    func failureText(_ failure: ClientImport.Failure, _ v: Visit) throws -> String {
        switch failure {
        case .unreadable: return try copy("import_unreadable", v.locale)
        case .empty: return try copy("import_empty", v.locale)
        case .tooMany: return try copy("import_too_many", v.locale, ["max": String(ClientImport.maxRows)])
        case .missingColumns(let columns):
            return try copy("import_columns", v.locale, ["columns": columns.joined(separator: ", ")])
        }
    }

    func importError(_ v: Visit, _ text: String) throws -> HTTPResponse {
        let content = try paragraph(text) + render("import_form", v.locale, ["csrf": try csrfField(v)])
        return try page(v, title: copy("import_title", v.locale), status: 422, current: "/admin/clients", error: text,
            content: content)
    }

    /// Checks every row again and writes them all in one transaction, or none: one bad row (or an address taken
    /// meanwhile) and nothing is imported. A client without SMS consent is stored so (`sms_consent = 0`); one
    /// without email consent gets no automated email (their address is recorded as unsubscribed).
    func commitImport(_ v: Visit) throws -> HTTPResponse {
        let text = v.form["csv"] ?? ""
        let rows: [ImportRow]
        do {
            rows = try checkedRows(v, text)
        } catch let failure as ClientImport.Failure {
            return try importError(v, try failureText(failure, v))
        }
        guard rows.allSatisfy({ $0.problems.isEmpty }) else {
            return try preview(v, csv: text, error: try copy("import_refused", v.locale))
        }
        do {
            try pipeline.store.write { c in
                for row in rows {
                    let id = try c.insertClient(
                        NewClient(
                            businessID: v.business.id, firstName: row.first, lastName: row.last,
                            phones: row.phone.map { [$0] } ?? [], emails: row.email.map { [$0] } ?? [],
                            smsConsent: row.smsConsent),
                        now: v.now)
                    if let language = row.language { try c.setClientLanguage(clientID: id, language: language) }
                    if let email = row.email, !row.emailConsent {
                        try c.emailOptOut(businessID: v.business.id, address: email, now: v.now)
                    }
                }
                try c.audit(
                    businessID: v.business.id, actor: "staff:\(v.staff.id)", via: "console", action: "clients.import",
                    before: nil, after: String(rows.count), now: v.now)
            }
        } catch let error as StoreError where error.isConstraint {
            return try preview(v, csv: text, error: try copy("import_refused", v.locale))
        }
        log.info("console_clients_imported", ["count": String(rows.count)])
        return redirect("/admin/clients?imported=\(rows.count)")
    }

    // MARK: Privacy

    /// The client's data as `frontdesk client export` writes it, as a download that is never cached; audited.
    func export(_ v: Visit) throws -> HTTPResponse {
        let (client, text): (Client, String) = try pipeline.store.write { c in
            let client = try ownClient(v, c)
            let text = try ClientExport.make(client, business: v.business, c, now: v.now).serialized()
            try c.audit(
                businessID: v.business.id, clientID: client.id, actor: "staff:\(v.staff.id)", via: "console",
                action: "client.export", before: nil, after: "client:\(client.id)", now: v.now)
            return (client, text)
        }
        return HTTPResponse(
            status: 200,
            headers: [
                "Content-Type": "application/json; charset=utf-8",
                "Content-Disposition": "attachment; filename=\"client-\(client.id).json\"", "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            ], body: Data((text + "\n").utf8))
    }

    /// What erasing would remove and keep, and the button that does it.
    func eraseConfirm(_ v: Visit) throws -> HTTPResponse {
        let (client, plan) = try pipeline.store.read { c in
            let client = try ownClient(v, c)
            return (client, try c.erasurePlan(clientID: client.id))
        }
        let rows = try (plan.changes + plan.kept).map { item in
            try render("count_row", v.locale, ["name": .text(item.what), "count": .text(String(item.count))])
        }
        let content = try render(
            "erase", v.locale,
            [
                "intro": .text(try copy("erase_intro", v.locale, ["name": client.fullName])),
                "rows": HTML.join(rows), "csrf": try csrfField(v), "id": .text(String(client.id)),
            ])
        return try page(v, title: copy("erase_title", v.locale), current: "/admin/clients", content: content)
    }

    /// Erases the client as `frontdesk client erase --yes` does, in one transaction, then scrubs the log.
    func erase(_ v: Visit) throws -> HTTPResponse {
        guard v.form["confirm"] == "yes" else { return try eraseConfirm(v) }
        try pipeline.store.write { c in
            let client = try ownClient(v, c)
            _ = try c.eraseClient(id: client.id, actor: "staff:\(v.staff.id)", via: "console", now: v.now)
        }
        try pipeline.store.scrubRedactedText()
        return redirect("/admin/clients")
    }
}

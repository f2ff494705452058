import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskStore

/// Owners' and admins' pages: capabilities and their settings, the audit log, the outbox, the demo's mail preview.
extension Console {
    // MARK: Capabilities

    /// Each plugin's switch, and a settings form generated from its manifest's schema. `errors` and `typed` redisplay
    /// a form that was refused, with the schema's messages.
    func capabilities(
        _ v: Visit, failed plugin: String? = nil, errors: [String: String] = [:], typed: [String: String] = [:]
    ) throws -> HTTPResponse {
        let stored: [String: (enabled: Bool?, values: [String: SettingValue])] = try pipeline.store.read { c in
            var out: [String: (enabled: Bool?, values: [String: SettingValue])] = [:]
            for m in pipeline.catalog.manifests { out[m.id] = try c.pluginSettings(businessID: v.business.id, plugin: m.id) }
            return out
        }
        let cards = try pipeline.catalog.manifests.map { m in
            let saved = stored[m.id] ?? (nil, [:])
            let enabled = m.alwaysOn || (saved.enabled ?? m.enabledByDefault)
            let toggle =
                m.alwaysOn
                ? try paragraph(copy("cap_always_on", v.locale))
                : try button(
                    v, action: "/admin/capabilities/\(m.id)/" + (enabled ? "disable" : "enable"),
                    label: try copy(enabled ? "cap_turn_off" : "cap_turn_on", v.locale, ["name": m.name]))
            var form = HTML.empty
            if !m.settings.isEmpty {
                let fields = try m.settings.map { spec in
                    let current =
                        (plugin == m.id ? typed[spec.key] : nil)
                        ?? (saved.values[spec.key] ?? spec.defaultValue).description
                    return try field(spec, plugin: m.id, value: current, error: plugin == m.id ? errors[spec.key] : nil, v)
                }
                form = try render(
                    "settings_form", v.locale,
                    ["id": .text(m.id), "csrf": try csrfField(v), "fields": HTML.join(fields)])
            }
            return try render(
                "plugin", v.locale,
                [
                    "id": .text(m.id), "name": .text(m.name), "description": .text(m.description),
                    "state": .text(try copy(enabled ? "cap_on" : "cap_off", v.locale)), "toggle": toggle,
                    "settings": form,
                ])
        }
        let saved = v.query("saved").flatMap { pipeline.catalog.manifest($0)?.name }
        return try page(
            v, title: copy("nav_capabilities", v.locale), status: errors.isEmpty ? 200 : 422,
            current: "/admin/capabilities",
            notice: try saved.map { try copy("cap_saved", v.locale, ["name": $0]) },
            error: errors.isEmpty ? nil : try copy("cap_not_saved", v.locale), content: HTML.join(cards))
    }

    /// One setting's input: a choice for booleans and enumerations, text otherwise (checked by the server, so the
    /// schema's own message is what the admin reads).
    func field(_ spec: SettingSpec, plugin: String, value: String, error: String?, _ v: Visit) throws -> HTML {
        let id = "\(plugin)-\(spec.key)"
        var values: [String: HTML] = [
            "id": .text(id), "name": .text(spec.key), "label": .text(spec.key),
            "description": .text(spec.description.isEmpty ? spec.key : spec.description), "value": .text(value),
            "error": try error.map { try render("field_error", v.locale, ["id": .text(id), "text": .text($0)]) } ?? .empty,
            "invalid": HTML(markup: error == nil ? "" : " aria-invalid=\"true\""),
            "described": HTML(markup: error == nil ? "" : " \(id)-error"),
        ]
        switch spec.kind {
        case .bool, .enumeration:
            let choices =
                spec.kind == .bool
                ? [("true", try copy("yes", v.locale)), ("false", try copy("no", v.locale))]
                : spec.values.map { ($0, $0) }
            values["options"] = HTML.join(
                try choices.map { choice in
                    try render(
                        "option", v.locale,
                        [
                            "value": .text(choice.0), "label": .text(choice.1),
                            "selected": HTML(markup: choice.0 == value ? " selected" : ""),
                        ])
                })
            return try render("field_select", v.locale, values)
        case .int:
            values["mode"] = HTML(markup: " inputmode=\"numeric\"")
            return try render("field_text", v.locale, values)
        case .string, .hours:
            values["mode"] = .empty
            return try render("field_text", v.locale, values)
        }
    }

    func ownManifest(_ v: Visit) throws -> PluginManifest {
        guard let id = v.request.pathParameters["plugin"], let m = pipeline.catalog.manifest(id) else { throw NotFound() }
        return m
    }

    func setEnabled(_ v: Visit, _ enabled: Bool) throws -> HTTPResponse {
        let m = try ownManifest(v)
        if m.alwaysOn && !enabled { return try capabilities(v) }
        try pipeline.store.write { c in
            let before = try c.pluginSettings(businessID: v.business.id, plugin: m.id).enabled
            try c.setPluginEnabled(businessID: v.business.id, plugin: m.id, enabled: enabled)
            try c.audit(
                businessID: v.business.id, actor: "staff:\(v.staff.id)", via: "console",
                action: enabled ? "plugin.enable" : "plugin.disable", before: before.map { String($0) }, after: m.id,
                now: v.now)
        }
        return redirect("/admin/capabilities?saved=\(m.id)#\(m.id)")
    }

    /// Checks every field against the schema; one bad value and nothing is saved, the form coming back with the
    /// schema's message beside the field.
    func saveSettings(_ v: Visit) throws -> HTTPResponse {
        let m = try ownManifest(v)
        var changes: [String: SettingValue] = [:]
        var errors: [String: String] = [:]
        var typed: [String: String] = [:]
        for spec in m.settings {
            guard let raw = v.form[spec.key] else { continue }
            let text = spec.kind == .string || spec.kind == .hours ? raw.trimmedWhitespace() : raw.trimmedWhitespace()
            typed[spec.key] = text
            switch spec.parse(text) {
            case .success(let value): changes[spec.key] = value
            case .failure(let error): errors[spec.key] = error.message
            }
        }
        guard errors.isEmpty else { return try capabilities(v, failed: m.id, errors: errors, typed: typed) }
        try pipeline.store.write { c in
            let stored = try c.pluginSettings(businessID: v.business.id, plugin: m.id).values
            let changed = changes.filter { stored[$0.key] ?? m.setting($0.key)?.defaultValue != $0.value }
            guard !changed.isEmpty else { return }
            try c.setPluginSettings(
                businessID: v.business.id, plugin: m.id, values: stored.merging(changed) { _, new in new })
            try c.audit(
                businessID: v.business.id, actor: "staff:\(v.staff.id)", via: "console", action: "plugin.set",
                before: changed.keys.sorted().map { "\($0)=\(stored[$0]?.description ?? "default")" }
                    .joined(separator: " "),
                after: changed.keys.sorted().map { "\($0)=\(changed[$0]?.description ?? "")" }.joined(separator: " "),
                now: v.now)
        }
        return redirect("/admin/capabilities?saved=\(m.id)#\(m.id)")
    }

    // MARK: Audit

    func audit(_ v: Visit) throws -> HTTPResponse {
        var since: Date?
        var problem: String?
        if let text = v.query("since") {
            if let date = Self.day(text, zone: v.business.zone) { since = date } else {
                problem = try copy("audit_bad_date", v.locale)
            }
        }
        let filter = AuditFilter(
            action: v.query("action"), actor: v.query("actor"), clientID: v.query("client").flatMap(Int.init),
            since: since, limit: 500)
        let entries = try pipeline.store.read { try $0.auditEntries(businessID: v.business.id, filter: filter) }
        let rows = try entries.map { e in
            try render(
                "audit_row", v.locale,
                [
                    "when": .text(time(e.createdAt, v)), "actor": .text(e.actor), "via": .text(e.via),
                    "action": .text(e.action), "client": .text(e.clientID.map(String.init) ?? "-"),
                    "before": .text(e.before ?? "-"), "after": .text(e.after ?? "-"),
                ])
        }
        let content = try render(
            "audit", v.locale,
            [
                "action": .text(filter.action ?? ""), "actor": .text(filter.actor ?? ""),
                "client": .text(filter.clientID.map(String.init) ?? ""), "since": .text(v.query("since") ?? ""),
                "rows": HTML.join(rows), "empty": rows.isEmpty ? try paragraph(copy("audit_none", v.locale)) : .empty,
            ])
        return try page(
            v, title: copy("nav_audit", v.locale), status: problem == nil ? 200 : 422, current: "/admin/audit",
            error: problem, content: content)
    }

    // MARK: Notices

    /// The business's automated messages: what was sent, scheduled and suppressed, and why (newest first).
    func notices(_ v: Visit) throws -> HTTPResponse {
        let status = v.query("status").flatMap(NoticeStatus.init(rawValue:))
        let kind = v.query("kind").flatMap(NoticeKind.init(rawValue:))
        let query = NoticeQuery(businessID: v.business.id, status: status, kind: kind, limit: 500)
        let (notices, names) = try pipeline.store.read { c in
            let notices = try c.notices(query, now: v.now)
            var names: [Int: String] = [:]
            for id in Set(notices.map(\.clientID)) { names[id] = try c.client(id: id)?.fullName }
            return (notices, names)
        }
        let rows = try notices.map { n in
            try render(
                "notice_row", v.locale,
                [
                    "id": .text(String(n.id)), "when": .text(time(n.sendAt, v)), "kind": .text(n.kind.rawValue),
                    "client": .text(names[n.clientID] ?? "#\(n.clientID)"), "channel": .text(n.channel?.rawValue ?? "-"),
                    "status": .text(n.status.rawValue), "reason": .text(n.reason ?? "-"),
                ])
        }
        let content = try render(
            "notices", v.locale,
            [
                "statuses": try options([""] + NoticeStatus.allCases.map(\.rawValue), selected: status?.rawValue,
                    any: copy("any_status", v.locale), v),
                "kinds": try options([""] + NoticeKind.allCases.map(\.rawValue), selected: kind?.rawValue,
                    any: copy("any_kind", v.locale), v),
                "rows": HTML.join(rows),
                "empty": rows.isEmpty ? try paragraph(copy("notices_none", v.locale)) : .empty,
            ])
        return try page(v, title: copy("nav_notices", v.locale), current: "/admin/notices", content: content)
    }

    /// `<option>`s for a filter: `""` is labelled `any`, the selected value marked.
    func options(_ values: [String], selected: String?, any: String, _ v: Visit) throws -> HTML {
        HTML.join(
            try values.map { s in
                try render(
                    "option", v.locale,
                    [
                        "value": .text(s), "label": .text(s.isEmpty ? any : s),
                        "selected": HTML(markup: s == (selected ?? "") ? " selected" : ""),
                    ])
            })
    }

    /// Midnight of `YYYY-MM-DD` in the business's time zone.
    static func day(_ text: String, zone: TimeZone) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d), (1970...9999).contains(y)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
            calendar.component(.day, from: date) == d
        else { return nil }
        return date
    }

    // MARK: Outbox

    func outbox(_ v: Visit, error: String? = nil) throws -> HTTPResponse {
        let status = v.query("status").flatMap(OutboxRecord.Status.init(rawValue:))
        let (items, links) = try pipeline.store.read { c in
            let items = try c.outbox(businessID: v.business.id, status: status, limit: 200)
            return (items, try linkIDs(items.map(\.body), c))
        }
        let rows = try items.map { o in
            let retry =
                [.dead, .suppressed].contains(o.status)
                ? try button(v, action: "/admin/outbox/\(o.id)/retry", label: try copy("outbox_retry", v.locale))
                : .empty
            return try render(
                "outbox_row", v.locale,
                [
                    "id": .text(String(o.id)), "when": .text(time(o.createdAt, v)), "channel": .text(o.channel.rawValue),
                    "kind": .text(o.kind), "recipient": .text(o.recipient), "status": .text(o.status.rawValue),
                    "attempts": .text(String(o.attempts)), "error": .text(o.lastError ?? "-"),
                    "subject": .text(o.subject ?? "-"), "body": .text(shown(o, links)), "retry": retry,
                ])
        }
        let statuses = [""] + ["pending", "inline", "sent", "dead", "suppressed"]
        let content = try render(
            "outbox", v.locale,
            [
                "options": try options(statuses, selected: status?.rawValue, any: copy("any_status", v.locale), v),
                "rows": HTML.join(rows),
                "empty": rows.isEmpty ? try paragraph(copy("outbox_none", v.locale)) : .empty,
            ])
        return try page(
            v, title: copy("nav_outbox", v.locale), status: error == nil ? 200 : 409, current: "/admin/outbox",
            notice: v.query("retried").map { try copy("outbox_retried", v.locale, ["id": $0]) }, error: error,
            content: content)
    }

    /// Queues a dead or suppressed item again, unless what made it useful was removed when it was given up (its link
    /// tokens, a one-time code): the client asks again instead.
    func retry(_ v: Visit) throws -> HTTPResponse {
        guard let id = v.idParameter else { throw NotFound() }
        let outcome: String? = try pipeline.store.write { c in
            guard let item = try c.outboxItem(id: id), item.businessID == v.business.id else { throw NotFound() }
            if item.kind == OutboxRecord.verificationKind { return "outbox_code_gone" }
            if LinkRedaction.containsRedaction(item.body) { return "outbox_links_gone" }
            guard try c.retryOutbox(id: id, now: v.now) else { return "outbox_not_retryable" }
            try c.audit(
                businessID: v.business.id, actor: "staff:\(v.staff.id)", via: "console", action: "outbox.retry",
                before: item.status.rawValue, after: "outbox:\(id)", now: v.now)
            return nil
        }
        if let outcome { return try outbox(v, error: try copy(outcome, v.locale, ["id": String(id)])) }
        return redirect("/admin/outbox?retried=\(id)")
    }

    // MARK: Mail preview (demo)

    /// A handoff notice's reply address without its token (`desk+r…@maple-studio.example`).
    static func maskedReplyAddress(_ address: String) -> String {
        guard let token = ReplyAddress.token(in: address) else { return address }
        return address.replacingOccurrences(of: token, with: "…")
    }

    /// `serve --demo`: the emails waiting in the outbox (no SMTP is set), as they would be sent, link tokens
    /// redacted. Not there outside the demo.
    func mailPreview(_ v: Visit) throws -> HTTPResponse {
        guard settings.demo else { throw NotFound() }
        let (items, links) = try pipeline.store.read { c in
            let items = try c.outbox(businessID: v.business.id, status: .pending, limit: 100).filter { $0.channel == .email }
            return (items, try linkIDs(items.map(\.body), c))
        }
        let mails = try items.map { o in
            try render(
                "mail_item", v.locale,
                [
                    "from": .text(o.sender), "to": .text(o.recipient), "subject": .text(o.subject ?? "-"),
                    "reply_to": .text(o.headers["Reply-To"].map(Self.maskedReplyAddress) ?? "-"), "in_reply_to": .text(o.headers["In-Reply-To"] ?? "-"),
                    "when": .text(time(o.createdAt, v)), "kind": .text(o.kind), "body": .text(shown(o, links)),
                ])
        }
        let content =
            try paragraph(copy("mail_intro", v.locale))
            + (mails.isEmpty ? try paragraph(copy("mail_none", v.locale)) : HTML.join(mails))
        return try page(v, title: copy("nav_mail", v.locale), current: "/admin/mail", content: content)
    }
}

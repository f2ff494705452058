import Foundation
import FrontdeskCore
import FrontdeskEngine

/// `frontdesk check --sms`: every template a client can receive by SMS, in every locale, rendered as the pipeline
/// sends it (its SMS variant, typographic punctuation made GSM-7) with typical values, and what it costs: GSM-7 or
/// UCS-2, units and segments. Staff notices (`staff*` templates, `*_staff` answers, the `*_sent` accounts of what a
/// client was sent, `staffTemplates`), email variants and the link pages (`page_*`) never travel by SMS to a client
/// and are left out.
struct SMSReport {
    struct Row {
        var locale: String
        var template: String
        /// The file the SMS is rendered from (`prompts/fr/help/menu.sms.txt`).
        var file: String
        var size: SMSText.Size
        /// The characters that make it UCS-2.
        var nonGSM: [Character]
    }

    let catalog: Catalog

    /// Templates only staff read (besides `staff*` ones).
    static let staffTemplates: Set<String> = [
        "core/unverified_notice", "core/unverified_subject", "handoff/unknown_client",
        "requests/privacy_kind_erase", "requests/privacy_kind_export",
    ]

    var rows: [Row] {
        let ids = Set(catalog.locales.flatMap { catalog.templates.files(locale: $0) }).compactMap { file -> String? in
            let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[1] == Channel.email.rawValue { return nil }
            let id = parts[0]
            let name = id.split(separator: "/").last.map(String.init) ?? id
            if name.hasPrefix("page_") || name.hasPrefix("staff") || Self.staffTemplates.contains(id) { return nil }
            // A notice's email subject (`reminders/subject_*`) never travels by SMS.
            if name.hasPrefix("subject_") { return nil }
            if name.hasSuffix("_staff") || name.hasSuffix("_sent") { return nil }
            // The web console's copy is read by staff (its sign-in message too), never sent to a client.
            if id.hasPrefix("console/") { return nil }
            return id
        }
        return Set(ids).sorted().flatMap { id in
            catalog.locales.compactMap { locale -> Row? in
                guard let template = catalog.templates.resolve(id, channel: .sms, locale: locale) else { return nil }
                let text = SMSText.plainPunctuation(Samples(catalog: catalog, locale: locale).render(id))
                return Row(
                    locale: locale, template: id, file: template.file, size: SMSText.size(text),
                    nonGSM: SMSText.nonGSM7(text))
            }
        }
    }

    /// One line per template and locale, and a summary per locale.
    var table: String {
        let rows = rows
        var out = [
            "SMS templates with typical values (GSM-7: 160 septets, 153 a part; UCS-2: 70 units, 67 a part;"
                + " a reply over \(Pipeline.maxSMSSegments) segments is cut and ends with MORE):",
            pad(["locale", "template", "encoding", "units", "segments", "not GSM-7"]),
        ]
        for r in rows {
            out.append(
                pad([
                    r.locale, r.template, r.size.encoding.rawValue, String(r.size.units), String(r.size.segments),
                    String(r.nonGSM.map { $0 == "\n" ? " " : $0 }),
                ]))
        }
        for locale in catalog.locales {
            let mine = rows.filter { $0.locale == locale }
            let ucs2 = mine.filter { $0.size.encoding == .ucs2 }.count
            let over = mine.filter { $0.size.segments > 1 }.count
            out.append(
                "\(locale): \(mine.count) SMS templates, \(mine.count - ucs2) GSM-7, \(ucs2) UCS-2, \(over) over one"
                    + " segment, at most \(mine.map(\.size.segments).max() ?? 0)")
        }
        return out.joined(separator: "\n")
    }

    private func pad(_ cells: [String]) -> String {
        let widths = [6, 36, 8, 5, 8]
        return cells.enumerated().map { i, cell in
            i < widths.count ? cell.padding(toLength: max(widths[i], cell.count), withPad: " ", startingAt: 0) : cell
        }.joined(separator: "  ")
    }
}

/// Typical values for a template's placeholders, the way the plugins fill them for the demo business: a client named
/// Alice on Unlimited Yoga at $149.00 a month, a link with a full-length token, the help menu's eight capabilities,
/// three invoices. Values that are themselves templates (`when`, `status`, `rows`, `items`) are rendered in the same
/// locale, so a French reply is measured with French parts.
struct Samples {
    let catalog: Catalog
    let locale: String

    static let url = "https://desk.maple-studio.example/l/" + String(repeating: "x", count: LinkRedaction.tokenLength)
    static let plugins = [
        "membership", "payment", "cancel", "invoices", "handoff", "requests", "smalltalk", "compliance",
    ]

    func render(_ id: String, depth: Int = 0) -> String {
        let placeholders = catalog.templates.resolve(id, channel: .sms, locale: locale)?.placeholders ?? []
        var values: [String: String] = [:]
        for name in placeholders { values[name] = depth > 3 ? name : value(name, in: id, depth: depth + 1) }
        return (try? catalog.templates.render(id, channel: .sms, locale: locale, values)) ?? ""
    }

    private func value(_ name: String, in id: String, depth: Int) -> String {
        let style = catalog.lexicon.style(locale)
        let december5 = Date(timeIntervalSince1970: 1_796_472_000)  // 2026-12-05 12:00 UTC
        func sub(_ template: String) -> String { render(template, depth: depth) }
        switch (id, name) {
        case ("core/option", "number"): return "1"
        case ("core/option", "label"): return sub("core/option_cancel")
        case ("core/list_or", "list"): return "1, 2"
        case ("core/list_or", "last"): return "3"
        case ("core/more", "text"): return Array(repeating: sub("invoices/row"), count: 2).joined(separator: "\n")
        case ("membership/summary", "items"): return sub("membership/item")
        case ("invoices/period_range", "from"): return catalog.lexicon.monthName(7, locale: locale)
        case ("invoices/period_range", "to"): return sub("invoices/period_month")
        case (_, "items"): return Self.plugins.map { _ in sub("help/item") }.joined(separator: "\n")
        case ("help/item", "help"): return sub("membership/help")
        case (_, "status"): return sub(id.hasPrefix("invoices/") ? "invoices/status_paid" : "membership/status_active")
        default: break
        }
        switch name {
        case "name": return "Alice"
        case "business": return "Maple Street Studio"
        case "plan", "example": return "Unlimited Yoga"
        case "plans": return "Unlimited Yoga, Massage Club"
        case "minutes": return "30"
        case "hours": return "24"
        case "url", "retry_url": return Self.url
        case "contact": return "+1 555 010 0000 / hello@maple-studio.example"
        case "number": return "INV-1004"
        case "date": return Format.date(december5, in: TimeZone(identifier: "UTC") ?? .current, style: style)
        case "amount", "price": return Format.money(14900, currency: "USD", style: style)
        case "interval": return sub("membership/interval_month")
        case "billing": return sub("membership/next_billing")
        case "services": return " " + sub("membership/service") + "."
        case "service": return "massages"
        case "remaining": return "1"
        case "included": return "2"
        case "card", "current": return sub("membership/card")
        case "brand": return "Visa"
        case "last4": return "4242"
        case "rows": return Array(repeating: sub("invoices/row"), count: 3).joined(separator: "\n")
        case "when": return sub("cancel/when_period_end")
        case "effect": return sub("cancel/effect_period_end")
        case "period": return sub("invoices/period_month")
        case "month": return catalog.lexicon.monthName(10, locale: locale)
        case "year": return "2026"
        case "kind": return sub("requests/kind_membership_pause")
        case "short":
            let shorts = ["invoices", "membership", "payment", "cancel", "handoff"].map { sub("\($0)/short") }
            return render("core/list_or", shorts)
        case "options":
            return ["core/option_cancel", "core/option_appointment", "core/option_optout"].enumerated().map {
                i, label in
                render("core/option", ["number": String(i + 1), "label": sub(label)])
            }.joined(separator: ", ")
        case "numbers": return sub("core/list_or")
        case "channel": return Channel.sms.rawValue
        default: return "x"
        }
    }

    private func render(_ id: String, _ list: [String]) -> String {
        render(id, ["list": list.dropLast().joined(separator: ", "), "last": list.last ?? ""])
    }

    private func render(_ id: String, _ values: [String: String]) -> String {
        (try? catalog.templates.render(id, channel: .sms, locale: locale, values)) ?? ""
    }
}

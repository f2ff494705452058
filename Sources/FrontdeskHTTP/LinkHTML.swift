import Foundation
import FrontdeskCore
import FrontdeskStore

/// HTML for the link pages, in the client's language: every word comes from `prompts/<locale>/pages/` (`PageCopy`).
/// Every dynamic value and every template's own text goes through `escape`; the business's colour and logo are
/// checked before use (a colour is `#rgb`/`#rrggbb`, a logo is an https URL) so stored data cannot inject
/// markup or CSS. Pages carry `SecurityHeaders.htmlPage` (no scripts at all).
enum LinkHTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func safeColor(_ color: String) -> String {
        let hex = color.dropFirst()
        let valid = color.hasPrefix("#") && (hex.count == 3 || hex.count == 6) && hex.allSatisfy(\.isHexDigit)
        return valid ? color : "#334155"
    }

    static func safeLogo(_ url: String?) -> String? {
        guard let url, url.lowercased().hasPrefix("https://"), url.count < 2000 else { return nil }
        return url
    }

    /// The page frame: business name, colour and logo.
    static func page(
        business: Business?, title: String, body: String, status: Int = 200, lang: String = "en"
    ) -> HTTPResponse {
        let color = safeColor(business?.brandColor ?? "#334155")
        let name = escape(business?.name ?? "Frontdesk")
        let logo = safeLogo(business?.logoURL).map { "<img src=\"\(escape($0))\" alt=\"\" height=\"40\">" } ?? ""
        let html = """
            <!doctype html>
            <html lang="\(escape(lang))"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>\(escape(title)) · \(name)</title>
            <style>
            body{font-family:system-ui,-apple-system,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
            header{background:\(color);color:#fff;padding:16px 24px;display:flex;gap:12px;align-items:center}
            header strong{font-size:1.2rem}
            main{max-width:560px;margin:24px auto;background:#fff;padding:24px;border-radius:8px;
            box-shadow:0 1px 3px rgba(0,0,0,.1)}
            label{display:block;margin:12px 0 4px;font-weight:600}
            input,textarea{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;border:1px solid #cbd5e1;
            border-radius:6px}
            .row{display:flex;gap:12px}.row>div{flex:1}
            button{margin-top:20px;background:\(color);color:#fff;border:0;padding:12px 20px;font-size:1rem;
            border-radius:6px;cursor:pointer}
            .error{background:#fef2f2;color:#991b1b;padding:10px;border-radius:6px}
            .note{color:#475569;font-size:.9rem}
            table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:6px 0;border-bottom:1px solid #e2e8f0}
            @media print{header{background:none;color:#000}main{box-shadow:none}button{display:none}}
            </style></head>
            <body><header>\(logo)<strong>\(name)</strong></header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
        return HTTPResponse.html(html, status: status)
    }

    static func message(_ copy: PageCopy, business: Business?, status: Int, title: String, text: String)
        -> HTTPResponse
    {
        page(business: business, title: title, body: "<p>\(escape(text))</p>", status: status, lang: copy.locale)
    }

    static func cardLine(_ copy: PageCopy, _ card: PaymentMethod) throws -> String {
        try copy.html(
            "pages/card_line",
            [
                "brand": card.brand, "last4": card.last4,
                "expiry": String(format: "%02d/%d", card.expMonth, card.expYear),
            ])
    }

    static func cardForm(
        _ copy: PageCopy, business: Business, client: Client, current: PaymentMethod?, memberships: [Membership],
        testMode: Bool, error: String?, values: [String: String], status: Int
    ) throws -> HTTPResponse {
        var body = ""
        if let error { body += "<p class=\"error\" role=\"alert\">\(escape(error))</p>" }
        let uses = try memberships.map {
            try copy.text(
                "pages/card_for_membership",
                [
                    "plan": $0.planName, "price": copy.money($0.priceMinor, currency: $0.currency),
                    "interval": try copy.text("membership/interval_\($0.interval)"),
                ])
        }
        let what = try uses.isEmpty ? copy.text("pages/card_for_future") : copy.list(uses, "pages/list_and")
        body += "<p>" + (try copy.html("pages/card_intro", ["name": client.firstName, "what": what])) + "</p>"
        let card = try current.map { try cardLine(copy, $0) } ?? escape(try copy.text("membership/no_card"))
        body += "<p>" + (try copy.html("pages/card_current", ["card": card], raw: ["card"])) + "</p>"
        let label = { (id: String) in try copy.html(id) }
        let (mm, yyyy) = (try label("pages/month_hint"), try label("pages/year_hint"))
        body += """
            <form method="post" autocomplete="on">
            <label for="number">\(try label("pages/card_number"))</label>
            <input id="number" name="number" inputmode="numeric" autocomplete="cc-number" maxlength="23" required>
            <div class="row"><div><label for="exp_month">\(try label("pages/card_exp_month"))</label>
            <input id="exp_month" name="exp_month" inputmode="numeric" autocomplete="cc-exp-month" maxlength="2" placeholder="\(mm)" value="\(escape(values["exp_month"] ?? ""))" required></div>
            <div><label for="exp_year">\(try label("pages/card_exp_year"))</label>
            <input id="exp_year" name="exp_year" inputmode="numeric" autocomplete="cc-exp-year" maxlength="4" placeholder="\(yyyy)" value="\(escape(values["exp_year"] ?? ""))" required></div>
            <div><label for="cvc">\(try label("pages/card_cvc"))</label>
            <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required></div></div>
            <button type="submit">\(try label("pages/card_save"))</button>
            </form>
            <p class="note">\(try label("pages/card_note"))</p>
            """
        if testMode { body += "<p class=\"note\">\(try label("pages/card_test_mode"))</p>" }
        return page(
            business: business, title: try copy.text("pages/card_title"), body: body, status: status, lang: copy.locale)
    }

    static func cancelForm(
        _ copy: PageCopy, business: Business, client: Client, membership: Membership, immediate: Bool, endDate: String
    ) throws -> HTTPResponse {
        let values = [
            "name": client.firstName, "plan": membership.planName,
            "price": copy.money(membership.priceMinor, currency: membership.currency),
            "interval": try copy.text("membership/interval_\(membership.interval)"), "date": endDate,
        ]
        var body = "<p>" + (try copy.html("pages/cancel_intro", values, strong: ["plan"])) + "</p>"
        let ends = try copy.html(
            immediate ? "pages/cancel_today" : "pages/cancel_until", values, strong: ["date"])
        body += "<p>" + ends + "</p>"
        body += """
            <form method="post">
            <label for="reason">\(try copy.html("pages/cancel_reason"))</label>
            <textarea id="reason" name="reason" rows="3" maxlength="500"></textarea>
            <button type="submit">\(try copy.html("pages/cancel_button"))</button>
            </form>
            <p class="note">\(try copy.html("pages/cancel_note"))</p>
            """
        return page(business: business, title: try copy.text("pages/cancel_title"), body: body, lang: copy.locale)
    }

    static func invoiceSummary(
        _ copy: PageCopy, business: Business, invoice: Invoice, retry: Bool, card: PaymentMethod?, error: String?
    ) throws -> HTTPResponse {
        let amount = copy.money(invoice.amountMinor, currency: invoice.currency)
        let values = [
            "number": invoice.number, "date": copy.date(invoice.issuedAt), "amount": amount,
            "status": try copy.text("invoices/status_\(invoice.status.rawValue)"),
        ]
        var body = ""
        if let error { body += "<p class=\"error\" role=\"alert\">\(escape(error))</p>" }
        body += "<p>" + (try copy.html("pages/invoice_intro", values, strong: ["number", "amount"])) + "</p>"
        if retry {
            let to = try card.map { try cardLine(copy, $0) } ?? escape(try copy.text("pages/retry_card_on_file"))
            let charges = try copy.html("pages/retry_charges", ["amount": amount, "card": to], raw: ["card"])
            body += "<p>" + charges + "</p>"
            body += "<form method=\"post\"><button type=\"submit\">"
            body += try copy.html("pages/retry_button", values) + "</button></form>"
        } else {
            body += "<form method=\"post\"><button type=\"submit\">"
            body += try copy.html("pages/invoice_button") + "</button></form>"
        }
        body += "<p class=\"note\">\(try copy.html("pages/link_once"))</p>"
        let title = try copy.text(retry ? "pages/retry_title" : "pages/invoice_title")
        return page(business: business, title: title, body: body, lang: copy.locale)
    }

    static func printableInvoice(_ copy: PageCopy, business: Business, client: Client, invoice: Invoice) throws
        -> HTTPResponse
    {
        let rows = [
            ("pages/th_invoice", invoice.number), ("pages/th_issued", copy.date(invoice.issuedAt)),
            ("pages/th_billed_to", client.fullName),
            ("pages/th_amount", copy.money(invoice.amountMinor, currency: invoice.currency)),
            ("pages/th_status", try copy.text("invoices/status_\(invoice.status.rawValue)")),
        ]
        var body = "<table>"
        for (label, value) in rows { body += "<tr><th>\(try copy.html(label))</th><td>\(escape(value))</td></tr>" }
        body += "</table>"
        let from = [business.name, business.contactEmail, business.contactPhone, business.website].compactMap { $0 }
        body += "<p class=\"note\">\(from.map(escape).joined(separator: " · "))</p>"
        body += "<p class=\"note\">\(try copy.html("pages/print_note"))</p>"
        let title = try copy.text("pages/printable_title", ["number": invoice.number])
        return page(business: business, title: title, body: body, lang: copy.locale)
    }
}

/// The words of the link pages in one locale, from `prompts/<locale>/pages/` (and the few reply templates they share:
/// statuses, intervals), with dates and money in that locale's style and the business's time zone.
struct PageCopy {
    let templates: TemplateStore
    let locale: String
    let style: LocaleStyle
    let zone: TimeZone

    init(catalog: Catalog, locale: String, zone: TimeZone) {
        templates = catalog.templates
        self.locale = locale
        style = catalog.lexicon.style(locale)
        self.zone = zone
    }

    /// A template as plain text (escaped where it is placed).
    func text(_ id: String, _ values: [String: String] = [:]) throws -> String {
        try templates.render(id, channel: nil, locale: locale, values)
    }

    /// A template as HTML: its text and values escaped, the `strong` values in bold, the `raw` ones (HTML already)
    /// as they are.
    func html(_ id: String, _ values: [String: String] = [:], strong: Set<String> = [], raw: Set<String> = []) throws
        -> String
    {
        var escaped: [String: String] = [:]
        for (key, value) in values {
            escaped[key] =
                raw.contains(key)
                ? value : strong.contains(key) ? "<strong>\(LinkHTML.escape(value))</strong>" : LinkHTML.escape(value)
        }
        return try templates.render(id, channel: nil, locale: locale, escaped, text: LinkHTML.escape)
    }

    /// "a, b and c" with the locale's last joiner (`pages/list_and`).
    func list(_ items: [String], _ joiner: String) throws -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return try text(joiner, ["list": items.dropLast().joined(separator: ", "), "last": last])
    }

    func date(_ date: Date) -> String { Format.date(date, in: zone, style: style) }
    func money(_ minor: Int, currency: String) -> String { Format.money(minor, currency: currency, style: style) }
}

import Foundation
import FrontdeskCore
import FrontdeskStore

/// HTML for the link pages. Every dynamic value goes through `escape`; the business's colour and logo are
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
    static func page(business: Business?, title: String, body: String, status: Int = 200, lang: String? = nil)
        -> HTTPResponse
    {
        let lang = lang.map(escape) ?? "en"
        let color = safeColor(business?.brandColor ?? "#334155")
        let name = escape(business?.name ?? "Frontdesk")
        let logo = safeLogo(business?.logoURL).map { "<img src=\"\(escape($0))\" alt=\"\" height=\"40\">" } ?? ""
        let html = """
            <!doctype html>
            <html lang="\(lang)"><head><meta charset="utf-8">
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
            .buttons{display:flex;flex-wrap:wrap;gap:12px}.buttons button{flex:1 1 200px}
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

    /// A plugin's page as plain, semantic HTML: title, alert, paragraphs, facts, one form with labelled fields.
    static func render(_ p: LinkPage, business: Business?) -> HTTPResponse {
        var body = ""
        if let error = p.error { body += "<p class=\"error\" role=\"alert\">\(escape(error))</p>\n" }
        for paragraph in p.paragraphs { body += "<p>\(emphasis(escape(paragraph)))</p>\n" }
        if !p.details.isEmpty {
            body += "<table>"
            for d in p.details {
                body += "<tr><th scope=\"row\">\(escape(d.label))</th><td>\(escape(d.value))</td></tr>"
            }
            body += "</table>\n"
        }
        if let form = p.form { body += self.form(form) }
        for note in p.notes { body += "<p class=\"note\">\(escape(note))</p>\n" }
        return page(business: business, title: p.title, body: body, status: p.status, lang: p.locale)
    }

    /// `**Dec 5, 2026**` in a page template is `<strong>Dec 5, 2026</strong>`, on text already escaped (so a value
    /// holding `**` can only ever make bold text, never markup).
    static func emphasis(_ escaped: String) -> String {
        let parts = escaped.components(separatedBy: "**")
        guard parts.count >= 3 else { return escaped }
        var out = ""
        for (index, part) in parts.enumerated() {
            if index > 0 {
                // An unpaired last marker stays as written.
                let closing = index % 2 == 0
                out += index == parts.count - 1 && !closing ? "**" : (closing ? "</strong>" : "<strong>")
            }
            out += part
        }
        return out
    }

    static func form(_ form: LinkForm) -> String {
        // Our own paths only (`/l/<token>`): a form never posts anywhere else (the CSP says `form-action 'self'`).
        let target = form.target.map { $0.hasPrefix("/l/") ? " action=\"\(escape($0))\"" : "" } ?? ""
        var html = "<form method=\"post\"\(target)>\n"
        var row: [String] = []
        func flushRow() {
            guard !row.isEmpty else { return }
            let cells = row.map { "<div>\($0)</div>" }.joined()
            html += row.count == 1 ? row[0] : "<div class=\"row\">\(cells)</div>\n"
            row = []
        }
        for field in form.fields {
            let id = escape(field.name)
            var attributes = "id=\"\(id)\" name=\"\(id)\" maxlength=\"\(field.maxLength)\""
            if let auto = field.autocomplete { attributes += " autocomplete=\"\(escape(auto))\"" }
            if let hint = field.placeholder { attributes += " placeholder=\"\(escape(hint))\"" }
            if field.required { attributes += " required" }
            let label = "<label for=\"\(id)\">\(escape(field.label))</label>\n"
            switch field.kind {
            case .hidden:
                html += "<input type=\"hidden\" name=\"\(id)\" value=\"\(escape(field.value))\">\n"
            case .textarea:
                flushRow()
                html += label + "<textarea \(attributes) rows=\"3\">\(escape(field.value))</textarea>\n"
            case .numeric, .text:
                let mode = field.kind == .numeric ? " inputmode=\"numeric\"" : ""
                let input = label + "<input \(attributes)\(mode) value=\"\(escape(field.value))\">\n"
                // Short fields (expiry, security code) sit side by side.
                if field.maxLength <= 4 { row.append(input) } else {
                    flushRow()
                    html += input
                }
            }
        }
        flushRow()
        // Every way out of the form is the same kind of button, side by side: none is harder to find or press.
        var buttons = "<button type=\"submit\">\(escape(form.submit))</button>"
        for b in form.buttons {
            buttons += "<button type=\"submit\" name=\"\(escape(b.name))\" value=\"\(escape(b.value))\">"
            buttons += "\(escape(b.label))</button>"
        }
        html += (form.buttons.isEmpty ? buttons : "<div class=\"buttons\">\(buttons)</div>") + "\n</form>\n"
        return html
    }
}

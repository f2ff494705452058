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

    /// How a client gets a fresh link: reply to the business, or contact it.
    static func newLinkAdvice(_ business: Business?) -> String {
        guard let business else { return "Reply to our last message to get a new link." }
        let contact = [business.contactPhone, business.contactEmail].compactMap { $0 }.joined(separator: " or ")
        return "To get a new link, reply to our last message from \(business.name)"
            + (contact.isEmpty ? "." : ", or contact us at \(contact).")
    }

    /// The page frame: business name, colour and logo.
    static func page(business: Business?, title: String, body: String, status: Int = 200) -> HTTPResponse {
        let color = safeColor(business?.brandColor ?? "#334155")
        let name = escape(business?.name ?? "Frontdesk")
        let logo = safeLogo(business?.logoURL).map { "<img src=\"\(escape($0))\" alt=\"\" height=\"40\">" } ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
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

    static func message(business: Business?, status: Int, title: String, text: String) -> HTTPResponse {
        page(business: business, title: title, body: "<p>\(escape(text))</p>", status: status)
    }

    static func cardLine(_ card: PaymentMethod) -> String {
        "\(card.brand) •••• \(card.last4), expires \(String(format: "%02d", card.expMonth))/\(card.expYear)"
    }

    static func cardForm(
        business: Business, client: Client, current: PaymentMethod?, memberships: [Membership], testMode: Bool,
        error: String?, values: [String: String], status: Int
    ) -> HTTPResponse {
        var body = ""
        if let error { body += "<p class=\"error\" role=\"alert\">\(escape(error))</p>" }
        body += "<p>Hi \(escape(client.firstName)), enter the new card to use for "
        body +=
            memberships.isEmpty
            ? "your future payments"
            : memberships.map {
                "your \(escape($0.planName)) membership (\(escape(Format.money($0.priceMinor, currency: $0.currency)))/\(escape($0.interval)))"
            }
            .joined(separator: " and ")
        body += ".</p>"
        body += "<p>Current card: \(current.map { escape(cardLine($0)) } ?? "none on file").</p>"
        body += """
            <form method="post" autocomplete="on">
            <label for="number">Card number</label>
            <input id="number" name="number" inputmode="numeric" autocomplete="cc-number" maxlength="23" required>
            <div class="row"><div><label for="exp_month">Expiry month</label>
            <input id="exp_month" name="exp_month" inputmode="numeric" autocomplete="cc-exp-month" maxlength="2" placeholder="MM" value="\(escape(values["exp_month"] ?? ""))" required></div>
            <div><label for="exp_year">Expiry year</label>
            <input id="exp_year" name="exp_year" inputmode="numeric" autocomplete="cc-exp-year" maxlength="4" placeholder="YYYY" value="\(escape(values["exp_year"] ?? ""))" required></div>
            <div><label for="cvc">Security code</label>
            <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required></div></div>
            <button type="submit">Save card</button>
            </form>
            <p class="note">This link works once. We store only the card's brand, last four digits and expiry.</p>
            """
        if testMode {
            body += "<p class=\"note\">Test mode: only test cards such as 4242 4242 4242 4242 are accepted.</p>"
        }
        return page(business: business, title: "Update your card", body: body, status: status)
    }

    static func cancelForm(
        business: Business, client: Client, membership: Membership, immediate: Bool, endDate: String
    ) -> HTTPResponse {
        let price = Format.money(membership.priceMinor, currency: membership.currency)
        var body =
            "<p>Hi \(escape(client.firstName)), this will cancel your <strong>\(escape(membership.planName))</strong>"
        body += " membership (\(escape(price))/\(escape(membership.interval))).</p>"
        body +=
            immediate
            ? "<p>It ends <strong>today</strong>. You will not be charged again.</p>"
            : "<p>It stays active until <strong>\(escape(endDate))</strong>. You will not be charged again.</p>"
        body += """
            <form method="post">
            <label for="reason">Why are you leaving? (optional)</label>
            <textarea id="reason" name="reason" rows="3" maxlength="500"></textarea>
            <button type="submit">Cancel my membership</button>
            </form>
            <p class="note">Nothing changes until you press the button. This link works once.</p>
            """
        return page(business: business, title: "Cancel your membership", body: body)
    }

    static func invoiceSummary(
        business: Business, invoice: Invoice, retry: Bool, card: PaymentMethod?, issued: String, error: String?
    ) -> HTTPResponse {
        let amount = Format.money(invoice.amountMinor, currency: invoice.currency)
        var body = ""
        if let error { body += "<p class=\"error\" role=\"alert\">\(escape(error))</p>" }
        body += "<p>Invoice <strong>\(escape(invoice.number))</strong>, issued \(escape(issued)), "
        body += "for <strong>\(escape(amount))</strong> (\(escape(invoice.status.rawValue))).</p>"
        if retry {
            body += "<p>Pressing the button charges \(escape(amount)) to "
            body += (card.map { escape(cardLine($0)) } ?? "your card on file") + ".</p>"
            body += "<form method=\"post\"><button type=\"submit\">Pay \(escape(amount)) now</button></form>"
        } else {
            body += "<form method=\"post\"><button type=\"submit\">Open the printable invoice</button></form>"
        }
        body += "<p class=\"note\">This link works once.</p>"
        return page(business: business, title: retry ? "Retry a payment" : "Your invoice", body: body)
    }

    static func printableInvoice(business: Business, client: Client, invoice: Invoice, issued: String) -> HTTPResponse {
        let amount = Format.money(invoice.amountMinor, currency: invoice.currency)
        var body = "<table>"
        body += "<tr><th>Invoice</th><td>\(escape(invoice.number))</td></tr>"
        body += "<tr><th>Issued</th><td>\(escape(issued))</td></tr>"
        body += "<tr><th>Billed to</th><td>\(escape(client.fullName))</td></tr>"
        body += "<tr><th>Amount</th><td>\(escape(amount))</td></tr>"
        body += "<tr><th>Status</th><td>\(escape(invoice.status.rawValue))</td></tr>"
        body += "</table>"
        let from = [business.name, business.contactEmail, business.contactPhone, business.website].compactMap { $0 }
        body += "<p class=\"note\">\(from.map(escape).joined(separator: " · "))</p>"
        body += "<p class=\"note\">Use your browser's Print command to save this invoice as a PDF.</p>"
        return page(business: business, title: "Invoice \(invoice.number)", body: body)
    }
}

import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore

/// The page behind an approved export's one-time link (`privacy.export`): GET says what will download, and
/// POST spends the link and returns the client's data as a JSON attachment, never cached.
extension LinkPages {
    func exportPage(_ s: Subject) -> HTTPResponse {
        var body = "<p>Hi \(LinkHTML.escape(s.client.firstName)), your data from \(LinkHTML.escape(s.business.name)) "
        body += "are ready: everything we hold on you, as one JSON file.</p>"
        body += "<form method=\"post\"><button type=\"submit\">Download my data</button></form>"
        body += "<p class=\"note\">This link works once: keep the file somewhere safe.</p>"
        return LinkHTML.page(business: s.business, title: "Your data", body: body)
    }

    func downloadExport(_ s: Subject, now: Date) throws -> HTTPResponse {
        guard let json = try pipeline.downloadExport(link: s.link, tokenHash: s.hash, now: now) else {
            return LinkHTML.message(
                business: s.business, status: 410, title: "This link has already been used",
                text: "Each link works once. " + LinkHTML.newLinkAdvice(s.business))
        }
        log.info("link_used", ["action": Pipeline.exportAction])
        let name = "\(s.business.slug)-data-\(Format.isoDate(now, in: s.business.zone)).json"
        return HTTPResponse(
            status: 200,
            headers: [
                "Content-Type": "application/json; charset=utf-8",
                "Content-Disposition": "attachment; filename=\"\(name)\"", "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            ], body: Data((json + "\n").utf8))
    }
}

import Foundation
import FrontdeskCore
import FrontdeskEngine

/// The one-time link pages (`/l/<token>`). The web layer only renders and dispatches: the pipeline finds the link
/// and the plugin that owns its action (`link_actions` in the plugin's manifest), which renders the page from its
/// templates and carries out the action. GET never spends the token (mail scanners open links); POST acts once.
public final class LinkPages: Sendable {
    let pipeline: Pipeline
    let log: Logger

    public init(pipeline: Pipeline, log: Logger = .silent) {
        self.pipeline = pipeline
        self.log = log
    }

    /// Adds `GET /l/:token` and `POST /l/:token`.
    public func register(in router: inout Router) {
        router.get("/l/:token") { [self] in try show($0) }
        router.post("/l/:token") { [self] in try perform($0) }
    }

    /// The page: what will happen, to which membership, card or invoice. Read-only.
    public func show(_ request: HTTPRequest) throws -> HTTPResponse {
        render(try pipeline.openLink(token: request.pathParameters["token"] ?? ""))
    }

    /// Submits the page once; input to correct is shown again on the same link.
    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let form = request.form?.firstValues ?? [:]
        return render(try pipeline.submitLink(token: request.pathParameters["token"] ?? "", form: form))
    }

    private func render(_ view: LinkView) -> HTTPResponse {
        if let target = view.page.redirect {
            // A follow-on link of ours (a path), or a processor's hosted page: see other, with GET.
            var response = HTTPResponse(status: 303)
            response.headers.set("Location", target)
            return response.withSecurityHeaders()
        }
        if let file = view.download {
            return HTTPResponse(
                status: 200,
                headers: [
                    "Content-Type": file.contentType,
                    "Content-Disposition": "attachment; filename=\"\(file.filename)\"", "Cache-Control": "no-store",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                ], body: Data(file.body.utf8))
        }
        return LinkHTML.render(view.page, business: view.business)
    }
}

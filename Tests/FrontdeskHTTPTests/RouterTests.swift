import Foundation
import Testing

@testable import FrontdeskHTTP

@Suite struct RouterTests {
    func router() -> Router {
        var router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.post("/webhooks/twilio") { _ in .text("twilio") }
        router.get("/l/:token") { request in .text("get \(request.pathParameters["token"] ?? "")") }
        router.post("/l/:token") { request in .text("post \(request.pathParameters["token"] ?? "")") }
        router.get("/admin/businesses/new") { _ in .text("new") }
        router.get("/admin/businesses/:slug") { _ in .text("slug") }
        router.get("/static/*") { _ in .text("static") }
        return router
    }

    @Test func literalAndParameterRoutesMatch() throws {
        guard case .found(let route, let parameters) = router().match(method: "GET", path: "/l/abc123") else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern == "/l/:token")
        #expect(parameters == ["token": "abc123"])
        guard case .found(let post, _) = router().match(method: "post", path: "/l/abc123") else {
            Issue.record("no POST match")
            return
        }
        #expect(post.method == "POST")
    }

    @Test func firstRegisteredRouteWins() {
        guard case .found(let route, let parameters) = router().match(method: "GET", path: "/admin/businesses/new")
        else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern == "/admin/businesses/new")
        #expect(parameters.isEmpty)
    }

    @Test func restSegmentCapturesTheRemainder() {
        guard case .found(_, let parameters) = router().match(method: "GET", path: "/static/css/site.css") else {
            Issue.record("no match")
            return
        }
        #expect(parameters["*"] == "css/site.css")
        guard case .notFound = router().match(method: "GET", path: "/static") else {
            Issue.record("a rest segment needs at least one segment")
            return
        }
    }

    @Test(arguments: ["/", "/nope", "/l", "/l/a/b", "/webhooks/twilio/extra", "/healthzz"])
    func unknownPathsAreNotFound(path: String) {
        guard case .notFound = router().match(method: "GET", path: path) else {
            Issue.record("\(path) matched")
            return
        }
    }

    @Test func wrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allow) = router().match(method: "DELETE", path: "/l/tok") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == ["GET", "HEAD", "POST"])
        guard case .methodNotAllowed(let postOnly) = router().match(method: "GET", path: "/webhooks/twilio") else {
            Issue.record("expected 405")
            return
        }
        #expect(postOnly == ["POST"])
    }

    @Test func headIsAnsweredByGetRoutes() {
        guard case .found(let route, _) = router().match(method: "HEAD", path: "/healthz") else {
            Issue.record("HEAD did not match GET")
            return
        }
        #expect(route.method == "GET")
    }

    @Test(arguments: ["no-slash", "/a/:", "/a/*/b"])
    func malformedPatternsAreRejected(pattern: String) {
        #expect(Route("GET", pattern) { _ in .notFound } == nil)
    }

    @Test func bodyLimitDependsOnMediaType() {
        #expect(BodyLimit.mime.cap(forMediaType: "multipart/form-data") == 25 << 20)
        #expect(BodyLimit.mime.cap(forMediaType: "message/rfc822") == 25 << 20)
        #expect(BodyLimit.mime.cap(forMediaType: "application/x-www-form-urlencoded") == 1 << 20)
        #expect(BodyLimit.mime.cap(forMediaType: nil) == 1 << 20)
        #expect(BodyLimit.small.cap(forMediaType: "multipart/form-data") == 1 << 20)
    }
}

@Suite struct MessageTests {
    @Test func headersAreCaseInsensitive() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Twilio-Signature": "abc"]
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["X-TWILIO-SIGNATURE"] == "abc")
        headers.add("Set-Cookie", "a=1")
        headers.add("set-cookie", "b=2")
        #expect(headers.values("SET-COOKIE") == ["a=1", "b=2"])
        headers.set("SET-cookie", "c=3")
        #expect(headers.values("set-cookie") == ["c=3"])
        headers.remove("CONTENT-TYPE")
        #expect(headers["Content-Type"] == nil)
    }

    @Test func mediaTypeDropsParameters() {
        let request = HTTPRequest(
            method: "POST", path: "/", headers: ["content-type": "Multipart/Form-Data; boundary=x"])
        #expect(request.mediaType == "multipart/form-data")
        #expect(HTTPRequest(method: "GET", path: "/").mediaType == nil)
    }

    @Test func htmlPagesCarryTheSecurityHeaders() {
        let page = HTTPResponse.html("<p>hi</p>")
        #expect(
            page.headers["Content-Security-Policy"]?.hasPrefix(
                "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'") == true)
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(page.headers["Referrer-Policy"] == "no-referrer")
        #expect(page.headers["X-Content-Type-Options"] == "nosniff")
        #expect(page.headers["X-Frame-Options"] == "DENY")
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
    }

    @Test func formKeepsOrderAndRepeatedNames() {
        let form = HTTPForm(fields: [
            HTTPFormField(name: "a", data: Data("1".utf8)), HTTPFormField(name: "b", data: Data("2".utf8)),
            HTTPFormField(name: "a", data: Data("3".utf8)),
        ])
        #expect(form["a"] == "1")
        #expect(form.values("a") == ["1", "3"])
        #expect(form.firstValues == ["a": "1", "b": "2"])
    }
}

@Suite struct AccessLogTests {
    @Test(arguments: [
        ("/l/SECRETtoken", "/l/…"),
        ("/l/SECRETtoken/confirm", "/l/…/confirm"),
        ("/healthz", "/healthz"),
        ("/x/l/abc", "/x/l/abc"),
        ("/bad\npath\u{7F}", "/bad%0Apath%7F"),
    ])
    func pathsAreRedactedAndEscaped(path: String, logged: String) {
        #expect(AccessLog.redactedPath(path) == logged)
    }

    @Test func secretSegmentsAreHidden() {
        #expect(AccessLog.redactedPath("/invoices/SECRET/pdf", secrets: ["SECRET"]) == "/invoices/…/pdf")
    }

    @Test func longPathsAreCut() {
        let logged = AccessLog.redactedPath("/" + String(repeating: "a", count: 1000))
        #expect(logged.count == AccessLog.maxPathLength + 1)
        #expect(logged.hasSuffix("…"))
    }

    @Test func metricsRenderCountsAndHistogram() {
        let metrics = HTTPMetrics()
        metrics.record(route: "/healthz", status: 200, microseconds: 80)
        metrics.record(route: "/healthz", status: 200, microseconds: 3_000)
        metrics.record(route: "unmatched", status: 404, microseconds: 2_000_000)
        let text = metrics.render()
        #expect(text.contains("frontdesk_http_requests_total{route=\"/healthz\",status=\"200\"} 2\n"))
        #expect(text.contains("frontdesk_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"))
        #expect(text.contains("frontdesk_http_request_duration_seconds_bucket{le=\"0.0001\"} 1\n"))
        #expect(text.contains("frontdesk_http_request_duration_seconds_bucket{le=\"0.005\"} 2\n"))
        #expect(text.contains("frontdesk_http_request_duration_seconds_bucket{le=\"1\"} 2\n"))
        #expect(text.contains("frontdesk_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("frontdesk_http_request_duration_seconds_sum 2.00308\n"))
        #expect(text.contains("frontdesk_http_request_duration_seconds_count 3\n"))
        #expect(metrics.requestCount == 3)
    }

    @Test func logEventsReadAsOneLine() {
        #expect(
            HTTPLogEvent.access(method: "GET", path: "/l/…", status: 200, microseconds: 153).description
                == "http GET /l/… 200 153µs")
        #expect(
            HTTPLogEvent.access(method: "POST", path: "/x", status: 0, microseconds: 1).description
                == "http POST /x - 1µs")
    }
}

import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// Every Frontdesk route in one router: webhooks, one-time link pages, admin API, `/healthz`, `/metrics`.
public final class FrontdeskWeb: Sendable {
    public let pipeline: Pipeline
    public let webhooks: WebhookRoutes
    public let linkPages: LinkPages
    public let admin: AdminAPI
    /// Fed by the server after each request (pass the same object to `HTTPServer`).
    public let metrics: HTTPMetrics
    /// Hashes of `FRONTDESK_METRICS_TOKEN` values: `/metrics` answers these or the operator's token.
    private let metricsHashes: [String]

    /// `adminToken` is the operator's `FRONTDESK_ADMIN_TOKEN` (only hashes are kept); business tokens in the
    /// store's `admin_tokens` table act for their own business. `metricsToken` (`FRONTDESK_METRICS_TOKEN`) lets a
    /// scraper read `/metrics` without the operator's token.
    public init(
        pipeline: Pipeline, webhooks settings: WebhookSettings, adminToken: String? = nil, metricsToken: String? = nil,
        clock: any Clock, log: Logger = .silent, metrics: HTTPMetrics = HTTPMetrics(),
        replayCache: any ReplayCache = InMemoryReplayCache()
    ) {
        self.pipeline = pipeline
        self.metrics = metrics
        metricsHashes = SecretList.values(metricsToken).filter(AdminToken.isWellFormed).map(AdminToken.hash)
        webhooks = WebhookRoutes(
            pipeline: pipeline, settings: settings, clock: clock, log: log, replayCache: replayCache)
        linkPages = LinkPages(pipeline: pipeline, log: log)
        admin = AdminAPI(pipeline: pipeline, adminToken: adminToken, clock: clock, log: log)
    }

    /// The full route table.
    public func router() -> Router {
        var router = Router()
        router.get("/healthz") { [self] _ in healthz() }
        router.get("/metrics") { [self] request in
            guard canReadMetrics(request) else {
                return AdminAPI.error(401, "unauthorized", headers: ["WWW-Authenticate": "Bearer"])
            }
            return .text(renderMetrics())
        }
        webhooks.register(in: &router)
        linkPages.register(in: &router)
        admin.register(in: &router)
        return router
    }

    /// `/metrics` needs the operator's token or a metrics token: counts of traffic are not for everyone.
    func canReadMetrics(_ request: HTTPRequest) -> Bool {
        if let presented = AdminToken.fromAuthorization(request.headers["Authorization"]), !metricsHashes.isEmpty,
            AdminToken.matches(presented, storedHashes: metricsHashes)
        {
            return true
        }
        return admin.isOperator(request)
    }

    /// 200 `ok` when the database answers, else 503.
    public func healthz() -> HTTPResponse {
        do {
            try pipeline.store.read { try $0.ping() }
            return .text("ok\n")
        } catch {
            return .serviceUnavailable("database unavailable\n")
        }
    }

    /// HTTP counters and latency histogram, plus the outbox by status.
    public func renderMetrics() -> String {
        var text = metrics.render()
        if let counts = try? pipeline.store.read({ try $0.outboxCounts() }) {
            text += "# TYPE frontdesk_outbox_items gauge\n"
            for (status, n) in counts {
                text += "frontdesk_outbox_items{status=\"\(status)\"} \(n)\n"
            }
        }
        return text
    }
}

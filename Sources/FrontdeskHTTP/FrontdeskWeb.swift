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

    /// `adminToken` is `FRONTDESK_ADMIN_TOKEN` (only its hash is kept); tokens in the store's
    /// `admin_tokens` table are accepted too.
    public init(
        pipeline: Pipeline, webhooks settings: WebhookSettings, adminToken: String? = nil, clock: any Clock,
        log: Logger = .silent, metrics: HTTPMetrics = HTTPMetrics(), gateway: any PaymentGateway = TestCardGateway(),
        replayCache: any ReplayCache = InMemoryReplayCache()
    ) {
        self.pipeline = pipeline
        self.metrics = metrics
        webhooks = WebhookRoutes(
            pipeline: pipeline, settings: settings, clock: clock, log: log, replayCache: replayCache)
        linkPages = LinkPages(pipeline: pipeline, clock: clock, gateway: gateway, log: log)
        admin = AdminAPI(pipeline: pipeline, adminToken: adminToken, clock: clock, log: log)
    }

    /// The full route table.
    public func router() -> Router {
        var router = Router()
        router.get("/healthz") { [self] _ in healthz() }
        router.get("/metrics") { [self] _ in .text(renderMetrics()) }
        webhooks.register(in: &router)
        linkPages.register(in: &router)
        admin.register(in: &router)
        return router
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

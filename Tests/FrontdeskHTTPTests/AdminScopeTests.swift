import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The admin API with an operator token being rotated (two values) and a metrics token.
private final class ScopeFixture: @unchecked Sendable {
    static let oldOperator = "operator-token-old-0123456789"
    static let newOperator = "operator-token-new-9876543210"
    static let metricsToken = "metrics-token-abcdefghijklmnop"

    let bot: TestBot
    let server: HTTPServer

    init() throws {
        bot = try TestBot()
        let web = FrontdeskWeb(
            pipeline: bot.app.pipeline, webhooks: WebhookSettings(baseURL: "https://desk.example.test"),
            adminToken: "\(Self.oldOperator), \(Self.newOperator)", metricsToken: Self.metricsToken, clock: bot.clock)
        server = HTTPServer(router: web.router(), metrics: web.metrics)
        try server.start()
    }

    deinit { server.stop() }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    /// A business token stored the way `frontdesk admin token create` stores it.
    func businessToken(_ businessID: Int = 1) throws -> (token: String, id: Int) {
        let (token, hash) = try AdminToken.generate()
        let id = try bot.app.store.write {
            try $0.insertAdminToken(hash: hash, businessID: businessID, label: "test", now: Date())
        }
        return (token, id)
    }

    func post(_ path: String, _ token: String, json: String = "{}") async throws -> ClientResponse {
        var headers = Self.bearer(token)
        headers["Content-Type"] = "application/json"
        return try await fetch(server, path, method: "POST", headers: headers, body: Data(json.utf8))
    }
}

@Suite struct AdminScopeTests {
    @Test func aBusinessTokenActsForItsBusinessOnlyAndIsNamedInTheAudit() async throws {
        let f = try ScopeFixture()
        let other = try await f.post(
            "/admin/businesses", ScopeFixture.newOperator,
            json: #"{"slug":"other","name":"Other Gym","time_zone":"Europe/Paris","sms_number":"+15557770000"}"#)
        #expect(other.status == 201)
        let (token, id) = try f.businessToken()

        let list = try await fetch(f.server, "/admin/businesses", headers: ScopeFixture.bearer(token))
        #expect(list.status == 200)
        #expect(list.text.contains("\"slug\":\"demo\""))
        #expect(!list.text.contains("\"slug\":\"other\""))
        let all = try await fetch(f.server, "/admin/businesses", headers: ScopeFixture.bearer(ScopeFixture.oldOperator))
        #expect(all.text.contains("\"slug\":\"other\""))

        #expect(try await f.post("/admin/businesses/demo/plugins/invoices/disable", token).status == 200)
        #expect(try await f.post("/admin/businesses/other/plugins/invoices/disable", token).status == 403)
        #expect(
            try await fetch(f.server, "/admin/businesses/other/plugins", headers: ScopeFixture.bearer(token)).status
                == 403)
        #expect(try await f.post("/admin/businesses/nosuch/plugins/invoices/disable", token).status == 403)

        let audit = try f.bot.audit("plugin.disable")
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "admin_token:\(id)")
        let otherEnabled = try f.bot.app.store.read { c in
            try c.pluginSettings(businessID: try #require(try c.business(slug: "other")).id, plugin: "invoices")
                .enabled
        }
        #expect(otherEnabled == nil)
    }

    @Test func onlyTheOperatorCreatesBusinessesAndTokens() async throws {
        let f = try ScopeFixture()
        let (token, _) = try f.businessToken()
        #expect(try await f.post("/admin/businesses", token, json: #"{"slug":"mine","name":"Mine"}"#).status == 403)
        #expect(try await f.post("/admin/businesses/demo/tokens", token).status == 403)

        let made = try await f.post(
            "/admin/businesses/demo/tokens", ScopeFixture.oldOperator, json: #"{"label":"pos"}"#)
        #expect(made.status == 201)
        let object = try #require(try JSONSerialization.jsonObject(with: made.body) as? [String: Any])
        let issued = try #require(object["token"] as? String)
        #expect(try await fetch(f.server, "/admin/businesses", headers: ScopeFixture.bearer(issued)).status == 200)
        // Only the hash is stored.
        let stored = try f.bot.app.store.read { try $0.adminTokens(businessID: 1) }
        #expect(stored.contains { $0.label == "pos" })
        #expect(try f.bot.app.store.read { try $0.adminToken(hash: AdminToken.hash(issued)) } != nil)
        #expect(try f.bot.audit("admin_token.create").first?.actor == "operator")

        let duplicate = try await f.post(
            "/admin/businesses", ScopeFixture.newOperator, json: #"{"slug":"demo","name":"Again"}"#)
        #expect(duplicate.status == 409)
        let bad = try await f.post(
            "/admin/businesses", ScopeFixture.newOperator, json: #"{"slug":"Bad Slug","name":"x"}"#)
        #expect(bad.status == 422)
    }

    @Test func aRevokedTokenStopsWorking() async throws {
        let f = try ScopeFixture()
        let (token, id) = try f.businessToken()
        #expect(try await fetch(f.server, "/admin/businesses", headers: ScopeFixture.bearer(token)).status == 200)
        #expect(try f.bot.app.store.write { try $0.revokeAdminToken(id: id, businessID: 1, now: Date()) })
        #expect(try await fetch(f.server, "/admin/businesses", headers: ScopeFixture.bearer(token)).status == 401)
        #expect(try f.bot.app.store.write { try $0.revokeAdminToken(id: id, businessID: 1, now: Date()) } == false)
    }

    @Test func metricsNeedTheOperatorOrTheMetricsToken() async throws {
        let f = try ScopeFixture()
        let (token, _) = try f.businessToken()
        #expect(try await fetch(f.server, "/metrics").status == 401)
        #expect(try await fetch(f.server, "/metrics", headers: ScopeFixture.bearer(token)).status == 401)
        #expect(
            try await fetch(f.server, "/metrics", headers: ScopeFixture.bearer("not-a-known-token-123")).status == 401)
        let scraped = try await fetch(f.server, "/metrics", headers: ScopeFixture.bearer(ScopeFixture.metricsToken))
        #expect(scraped.status == 200)
        #expect(scraped.text.contains("frontdesk_http_requests_total"))
        #expect(
            try await fetch(f.server, "/metrics", headers: ScopeFixture.bearer(ScopeFixture.newOperator)).status == 200)
        // The metrics token is not an admin token.
        #expect(
            try await fetch(f.server, "/admin/businesses", headers: ScopeFixture.bearer(ScopeFixture.metricsToken))
                .status == 401)
        #expect(try await fetch(f.server, "/healthz").status == 200)
    }
}

import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// The admin JSON API behind `Authorization: Bearer <token>`. Tokens are compared by SHA-256 hash: the
/// configured `FRONTDESK_ADMIN_TOKEN` (hashed at start, the text is not kept) and the `admin_tokens` table.
///
/// - `GET  /admin/businesses`
/// - `GET  /admin/businesses/:slug/plugins`
/// - `POST /admin/businesses/:slug/plugins/:plugin/enable` and `…/disable`
/// - `POST /admin/businesses/:slug/plugins/:plugin/settings` with `{"key": value, …}`
/// - `POST /admin/businesses/:slug/clients` with `[{"first_name","last_name","phone","email"}, …]`
public final class AdminAPI: Sendable {
    let pipeline: Pipeline
    let clock: any Clock
    let log: Logger
    private let configuredHash: String?

    public init(pipeline: Pipeline, adminToken: String?, clock: any Clock, log: Logger = .silent) {
        self.pipeline = pipeline
        self.clock = clock
        self.log = log
        configuredHash = adminToken.flatMap { AdminToken.isWellFormed($0) ? AdminToken.hash($0) : nil }
    }

    public func register(in router: inout Router) {
        router.get("/admin/businesses") { [self] in try guarded($0) { _ in try businesses() } }
        router.get("/admin/businesses/:slug/plugins") { [self] in try guarded($0, plugins) }
        router.post("/admin/businesses/:slug/plugins/:plugin/enable", decodesForm: false) { [self] in
            try guarded($0) { try setEnabled($0, true) }
        }
        router.post("/admin/businesses/:slug/plugins/:plugin/disable", decodesForm: false) { [self] in
            try guarded($0) { try setEnabled($0, false) }
        }
        router.post("/admin/businesses/:slug/plugins/:plugin/settings", decodesForm: false) { [self] in
            try guarded($0, setSettings)
        }
        router.post("/admin/businesses/:slug/clients", bodyLimit: .small, decodesForm: false) { [self] in
            try guarded($0, importClients)
        }
    }

    // MARK: Authentication

    /// True when the request carries a known admin bearer token.
    public func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let presented = AdminToken.fromAuthorization(request.headers["Authorization"]) else { return false }
        var hashes = configuredHash.map { [$0] } ?? []
        if let stored = try? pipeline.store.read({ try $0.adminTokenHashes() }) {
            hashes += stored
        }
        return !hashes.isEmpty && AdminToken.matches(presented, storedHashes: hashes)
    }

    private func guarded(_ request: HTTPRequest, _ body: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        guard isAuthorized(request) else {
            log.warning("admin_unauthorized", [:])
            return Self.error(401, "unauthorized", headers: ["WWW-Authenticate": "Bearer"])
        }
        do { return try body(request) } catch let error as AdminError { return Self.error(error.status, error.message) }
    }

    struct AdminError: Error {
        var status: Int
        var message: String
    }

    // MARK: Handlers

    private func businesses() throws -> HTTPResponse {
        let list = try pipeline.store.read { try $0.businesses() }
        return Self.json(
            list.map {
                [
                    "slug": $0.slug, "name": $0.name, "time_zone": $0.timeZone, "locale": $0.locale,
                    "currency": $0.currency,
                ]
            })
    }

    private func business(_ request: HTTPRequest, _ c: any UnitOfWork) throws -> Business {
        guard let slug = request.pathParameters["slug"], let business = try c.business(slug: slug) else {
            throw AdminError(status: 404, message: "unknown business")
        }
        return business
    }

    private func manifest(_ request: HTTPRequest) throws -> PluginManifest {
        guard let id = request.pathParameters["plugin"], let manifest = pipeline.catalog.manifest(id) else {
            throw AdminError(status: 404, message: "unknown plugin")
        }
        return manifest
    }

    private func plugins(_ request: HTTPRequest) throws -> HTTPResponse {
        let rows: [[String: Any]] = try pipeline.store.read { c in
            let business = try business(request, c)
            return try pipeline.catalog.manifests.map { m in
                let stored = try c.pluginSettings(businessID: business.id, plugin: m.id)
                var settings: [String: Any] = [:]
                for spec in m.settings {
                    settings[spec.key] = Self.jsonValue(stored.values[spec.key] ?? spec.defaultValue)
                }
                return [
                    "id": m.id, "enabled": m.alwaysOn || (stored.enabled ?? m.enabledByDefault),
                    "always_on": m.alwaysOn, "settings": settings,
                ]
            }
        }
        return Self.json(rows)
    }

    private func setEnabled(_ request: HTTPRequest, _ enabled: Bool) throws -> HTTPResponse {
        let manifest = try manifest(request)
        if manifest.alwaysOn && !enabled { throw AdminError(status: 409, message: "plugin is always on") }
        let now = clock.now()
        try pipeline.store.write { c in
            let business = try business(request, c)
            let before = try c.pluginSettings(businessID: business.id, plugin: manifest.id).enabled
            try c.setPluginEnabled(businessID: business.id, plugin: manifest.id, enabled: enabled)
            try c.audit(
                businessID: business.id, actor: "admin", via: "api",
                action: enabled ? "plugin.enable" : "plugin.disable",
                before: before.map { String($0) }, after: manifest.id, now: now)
        }
        return Self.json(["id": manifest.id, "enabled": enabled])
    }

    private func setSettings(_ request: HTTPRequest) throws -> HTTPResponse {
        let manifest = try manifest(request)
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
            throw AdminError(status: 400, message: "body must be a JSON object of settings")
        }
        var changes: [String: SettingValue] = [:]
        for key in object.keys.sorted() {
            guard let spec = manifest.setting(key) else {
                throw AdminError(status: 422, message: "unknown setting \(key)")
            }
            let raw: String
            switch object[key] {
            case let text as String: raw = text
            case let number as NSNumber:
                // JSON true/false arrive as NSNumber too; the spec says which reading is meant.
                raw = spec.kind == .bool ? (number.boolValue ? "true" : "false") : number.stringValue
            default: throw AdminError(status: 422, message: "setting \(key) must be a string, number or boolean")
            }
            switch spec.parse(raw) {
            case .success(let value): changes[key] = value
            case .failure(let error): throw AdminError(status: 422, message: "\(key): \(error)")
            }
        }
        let now = clock.now()
        let merged: [String: SettingValue] = try pipeline.store.write { c in
            let business = try business(request, c)
            let stored = try c.pluginSettings(businessID: business.id, plugin: manifest.id).values
            let merged = stored.merging(changes) { _, new in new }
            try c.setPluginSettings(businessID: business.id, plugin: manifest.id, values: merged)
            try c.audit(
                businessID: business.id, actor: "admin", via: "api", action: "plugin.set",
                before: stored.keys.sorted().map { "\($0)=\(stored[$0]?.description ?? "")" }.joined(separator: " "),
                after: changes.keys.sorted().map { "\($0)=\(changes[$0]?.description ?? "")" }.joined(separator: " "),
                now: now)
            return merged
        }
        return Self.json(["id": manifest.id, "settings": merged.mapValues(Self.jsonValue)])
    }

    /// Imports clients in one transaction: all or nothing. Phones become E.164, emails lower case.
    private func importClients(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let list = try? JSONSerialization.jsonObject(with: request.body) as? [[String: Any]] else {
            throw AdminError(status: 400, message: "body must be a JSON array of clients")
        }
        struct Row {
            var first: String
            var last: String
            var phone: String?
            var email: String?
        }
        var rows: [Row] = []
        for (index, item) in list.enumerated() {
            guard let first = (item["first_name"] as? String)?.trimmingCharacters(in: .whitespaces), !first.isEmpty
            else { throw AdminError(status: 422, message: "client \(index): first_name is required") }
            let last = (item["last_name"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
            var phone: String?
            if let raw = item["phone"] as? String, !raw.isEmpty {
                guard let normalized = Address.phone(raw) else {
                    throw AdminError(status: 422, message: "client \(index): phone is not a valid number")
                }
                phone = normalized
            }
            var email: String?
            if let raw = item["email"] as? String, !raw.isEmpty {
                guard let normalized = Address.email(raw) else {
                    throw AdminError(status: 422, message: "client \(index): email is not a valid address")
                }
                email = normalized
            }
            guard phone != nil || email != nil else {
                throw AdminError(status: 422, message: "client \(index): a phone or an email is required")
            }
            rows.append(Row(first: first, last: last, phone: phone, email: email))
        }
        let now = clock.now()
        let imported: Int = try pipeline.store.write { c in
            let business = try business(request, c)
            for (index, row) in rows.enumerated() {
                for (channel, address) in [(Channel.sms, row.phone), (.email, row.email)] {
                    guard let address else { continue }
                    if try c.addressTaken(businessID: business.id, channel: channel, address: address) {
                        throw AdminError(
                            status: 409,
                            message: "client \(index): \(channel.rawValue) address already belongs to a client")
                    }
                }
                _ = try c.insertClient(
                    NewClient(
                        businessID: business.id, firstName: row.first, lastName: row.last,
                        phones: row.phone.map { [$0] } ?? [], emails: row.email.map { [$0] } ?? []),
                    now: now)
            }
            try c.audit(
                businessID: business.id, actor: "admin", via: "api", action: "clients.import", before: nil,
                after: String(rows.count), now: now)
            return rows.count
        }
        log.info("admin_clients_imported", ["count": String(imported)])
        return Self.json(["imported": imported], status: 201)
    }

    // MARK: JSON

    static func jsonValue(_ value: SettingValue) -> Any {
        switch value {
        case .bool(let b): return b
        case .int(let n): return n
        case .string(let s): return s
        }
    }

    static func json(_ object: Any, status: Int = 200) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = HTTPResponse.json(data, status: status)
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    static func error(_ status: Int, _ message: String, headers: [String: String] = [:]) -> HTTPResponse {
        var response = json(["error": message], status: status)
        for (name, value) in headers { response.headers.set(name, value) }
        return response
    }
}

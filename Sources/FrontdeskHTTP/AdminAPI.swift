import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// The admin JSON API behind `Authorization: Bearer <token>`. Tokens are compared by SHA-256 hash:
/// - the operator's `FRONTDESK_ADMIN_TOKEN` (several, comma-separated, for rotation; hashed at start, the text is
///   not kept) acts for every business and may create businesses and their tokens;
/// - a business token (`frontdesk admin token create`, kept as a hash in `admin_tokens`) acts for its own
///   business only, until revoked.
/// Audit rows name the token that acted (`operator` or `admin_token:<id>`).
///
/// - `GET  /admin/businesses` (a business token sees its own)
/// - `POST /admin/businesses` with `{"slug","name","time_zone","locale","currency","sms_number","inbox"}` (operator)
/// - `POST /admin/businesses/:slug/tokens` with `{"label"}` → `{"id","token"}`, shown once (operator)
/// - `GET  /admin/businesses/:slug/plugins`
/// - `POST /admin/businesses/:slug/plugins/:plugin/enable` and `…/disable`
/// - `POST /admin/businesses/:slug/plugins/:plugin/settings` with `{"key": value, …}`
/// - `POST /admin/businesses/:slug/clients` with
///   `[{"first_name","last_name","phone","email","language","sms_consent"}, …]`
/// - `POST /admin/businesses/:slug/notices` (see `NoticesAPI.swift`)
public final class AdminAPI: Sendable {
    let pipeline: Pipeline
    let clock: any Clock
    let log: Logger
    private let operatorHashes: [String]

    public init(pipeline: Pipeline, adminToken: String?, clock: any Clock, log: Logger = .silent) {
        self.pipeline = pipeline
        self.clock = clock
        self.log = log
        operatorHashes = SecretList.values(adminToken).filter(AdminToken.isWellFormed).map(AdminToken.hash)
    }

    public func register(in router: inout Router) {
        router.get("/admin/businesses") { [self] in try guarded($0, businesses) }
        router.post("/admin/businesses", bodyLimit: .small, decodesForm: false) { [self] in
            try guarded($0, createBusiness)
        }
        router.post("/admin/businesses/:slug/tokens", bodyLimit: .small, decodesForm: false) { [self] in
            try guarded($0, createToken)
        }
        router.get("/admin/businesses/:slug/plugins") { [self] in try guarded($0, plugins) }
        router.post("/admin/businesses/:slug/plugins/:plugin/enable", decodesForm: false) { [self] in
            try guarded($0) { try setEnabled($0, $1, true) }
        }
        router.post("/admin/businesses/:slug/plugins/:plugin/disable", decodesForm: false) { [self] in
            try guarded($0) { try setEnabled($0, $1, false) }
        }
        router.post("/admin/businesses/:slug/plugins/:plugin/settings", decodesForm: false) { [self] in
            try guarded($0, setSettings)
        }
        router.post("/admin/businesses/:slug/clients", bodyLimit: .small, decodesForm: false) { [self] in
            try guarded($0, importClients)
        }
        router.post("/admin/businesses/:slug/notices", bodyLimit: .small, decodesForm: false) { [self] in
            try guarded($0, sendNotice)
        }
    }

    // MARK: Authentication

    /// Who a request acts as.
    public enum Principal: Sendable, Equatable {
        /// `FRONTDESK_ADMIN_TOKEN`: every business, and creating businesses.
        case `operator`
        /// A stored token of one business.
        case business(id: Int, tokenID: Int)

        /// The actor written to audit rows.
        public var actor: String {
            switch self {
            case .operator: return "operator"
            case .business(_, let tokenID): return "admin_token:\(tokenID)"
            }
        }

        func covers(_ business: Business) -> Bool {
            switch self {
            case .operator: return true
            case .business(let id, _): return id == business.id
            }
        }
    }

    /// The principal of a request's bearer token, or nil when it carries none that is known and live.
    public func principal(_ request: HTTPRequest) -> Principal? {
        guard let presented = AdminToken.fromAuthorization(request.headers["Authorization"]) else { return nil }
        if !operatorHashes.isEmpty, AdminToken.matches(presented, storedHashes: operatorHashes) { return .operator }
        // A 256-bit token's hash is unguessable, so looking it up by hash leaks nothing about other tokens.
        let hash = AdminToken.hash(presented)
        guard let stored = try? pipeline.store.read({ try $0.adminToken(hash: hash) }), stored.revokedAt == nil,
            let businessID = stored.businessID
        else { return nil }
        return .business(id: businessID, tokenID: stored.id)
    }

    /// True when the request carries the operator's token (for `/metrics`).
    public func isOperator(_ request: HTTPRequest) -> Bool { principal(request) == .operator }

    private func guarded(_ request: HTTPRequest, _ body: (HTTPRequest, Principal) throws -> HTTPResponse) throws
        -> HTTPResponse
    {
        guard let principal = principal(request) else {
            log.warning("admin_unauthorized", [:])
            return Self.error(401, "unauthorized", headers: ["WWW-Authenticate": "Bearer"])
        }
        do { return try body(request, principal) } catch let error as AdminError {
            return Self.error(error.status, error.message)
        }
    }

    struct AdminError: Error {
        var status: Int
        var message: String
    }

    // MARK: Handlers

    private func businesses(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let list = try pipeline.store.read { try $0.businesses() }.filter { principal.covers($0) }
        return Self.json(
            list.map {
                [
                    "slug": $0.slug, "name": $0.name, "time_zone": $0.timeZone, "locale": $0.locale,
                    "currency": $0.currency,
                ]
            })
    }

    /// The business the path names, if the principal may act for it.
    func business(_ request: HTTPRequest, _ principal: Principal, _ c: any UnitOfWork) throws -> Business {
        guard let slug = request.pathParameters["slug"], let business = try c.business(slug: slug) else {
            // A business token learns nothing about other slugs: 403 whether or not the slug exists.
            throw principal == .operator
                ? AdminError(status: 404, message: "unknown business")
                : AdminError(status: 403, message: "this token does not cover that business")
        }
        guard principal.covers(business) else {
            throw AdminError(status: 403, message: "this token does not cover that business")
        }
        return business
    }

    private func createBusiness(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        guard principal == .operator else {
            throw AdminError(status: 403, message: "only the operator token creates businesses")
        }
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
            throw AdminError(status: 400, message: "body must be a JSON object")
        }
        func text(_ key: String) -> String? {
            guard let value = (object[key] as? String)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        guard let slug = text("slug"), slug.utf8.count <= 64,
            slug.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) })
        else { throw AdminError(status: 422, message: "slug must be 1–64 lower-case letters or digits") }
        guard let name = text("name") else { throw AdminError(status: 422, message: "name is required") }
        let zone = text("time_zone") ?? "UTC"
        guard TimeZone(identifier: zone) != nil else { throw AdminError(status: 422, message: "unknown time_zone") }
        let currency = (text("currency") ?? "USD").uppercased()
        guard currency.utf8.count == 3 else { throw AdminError(status: 422, message: "currency must be an ISO code") }
        var sms: String?
        if let raw = text("sms_number") {
            guard let number = Address.phone(raw) else {
                throw AdminError(status: 422, message: "sms_number is not a number")
            }
            sms = number
        }
        var inbox: String?
        if let raw = text("inbox") {
            guard let address = Address.email(raw) else {
                throw AdminError(status: 422, message: "inbox is not an address")
            }
            inbox = address
        }
        let locale = text("locale") ?? "en"
        try checkLocale(locale, "locale")
        let now = clock.now()
        do {
            try pipeline.store.write { c in
                let id = try c.insertBusiness(
                    NewBusiness(slug: slug, name: name, timeZone: zone, locale: locale, currency: currency),
                    now: now)
                if let sms { try c.addBusinessAddress(businessID: id, channel: .sms, address: sms) }
                if let inbox { try c.addBusinessAddress(businessID: id, channel: .email, address: inbox) }
                try c.audit(
                    businessID: id, actor: principal.actor, via: "api", action: "business.create", before: nil,
                    after: slug, now: now)
            }
        } catch let error as StoreError where error.kind == .duplicate {
            throw AdminError(status: 409, message: "that slug, number or inbox is already in use")
        }
        return Self.json(["slug": slug, "name": name], status: 201)
    }

    private func createToken(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        guard principal == .operator else {
            throw AdminError(status: 403, message: "only the operator token creates tokens")
        }
        let object = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any]) ?? [:]
        let label = (object["label"] as? String).map { String($0.prefix(100)) } ?? "api"
        let (token, hash) = try AdminToken.generate()
        let now = clock.now()
        let id: Int = try pipeline.store.write { c in
            let business = try business(request, principal, c)
            let id = try c.insertAdminToken(hash: hash, businessID: business.id, label: label, now: now)
            try c.audit(
                businessID: business.id, actor: principal.actor, via: "api", action: "admin_token.create", before: nil,
                after: "admin_token:\(id) \(label)", now: now)
            return id
        }
        return Self.json(["id": id, "token": token, "label": label], status: 201)
    }

    private func manifest(_ request: HTTPRequest) throws -> PluginManifest {
        guard let id = request.pathParameters["plugin"], let manifest = pipeline.catalog.manifest(id) else {
            throw AdminError(status: 404, message: "unknown plugin")
        }
        return manifest
    }

    private func plugins(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let rows: [[String: Any]] = try pipeline.store.read { c in
            let business = try business(request, principal, c)
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

    private func setEnabled(_ request: HTTPRequest, _ principal: Principal, _ enabled: Bool) throws -> HTTPResponse {
        let manifest = try manifest(request)
        if manifest.alwaysOn && !enabled { throw AdminError(status: 409, message: "plugin is always on") }
        let now = clock.now()
        try pipeline.store.write { c in
            let business = try business(request, principal, c)
            let before = try c.pluginSettings(businessID: business.id, plugin: manifest.id).enabled
            try c.setPluginEnabled(businessID: business.id, plugin: manifest.id, enabled: enabled)
            try c.audit(
                businessID: business.id, actor: principal.actor, via: "api",
                action: enabled ? "plugin.enable" : "plugin.disable",
                before: before.map { String($0) }, after: manifest.id, now: now)
        }
        return Self.json(["id": manifest.id, "enabled": enabled])
    }

    private func setSettings(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
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
            let business = try business(request, principal, c)
            let stored = try c.pluginSettings(businessID: business.id, plugin: manifest.id).values
            let merged = stored.merging(changes) { _, new in new }
            try c.setPluginSettings(businessID: business.id, plugin: manifest.id, values: merged)
            try c.audit(
                businessID: business.id, actor: principal.actor, via: "api", action: "plugin.set",
                before: stored.keys.sorted().map { "\($0)=\(stored[$0]?.description ?? "")" }.joined(separator: " "),
                after: changes.keys.sorted().map { "\($0)=\(changes[$0]?.description ?? "")" }.joined(separator: " "),
                now: now)
            return merged
        }
        return Self.json(["id": manifest.id, "settings": merged.mapValues(Self.jsonValue)])
    }

    /// Imports clients in one transaction: all or nothing. Phones become E.164, emails lower case.
    private func importClients(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        guard let list = try? JSONSerialization.jsonObject(with: request.body) as? [[String: Any]] else {
            throw AdminError(status: 400, message: "body must be a JSON array of clients")
        }
        struct Row {
            var first: String
            var last: String
            var phone: String?
            var email: String?
            var language: String?
            var smsConsent: Bool
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
            let language = (item["language"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            if let language { try checkLocale(language, "client \(index): language") }
            // Consent to automated texts is explicit (TCPA): a client imported without it gets no SMS notice.
            var smsConsent = false
            if let raw = item["sms_consent"] {
                guard let number = raw as? NSNumber, Self.isBool(number) else {
                    throw AdminError(status: 422, message: "client \(index): sms_consent must be true or false")
                }
                smsConsent = number.boolValue
            }
            rows.append(
                Row(first: first, last: last, phone: phone, email: email, language: language, smsConsent: smsConsent))
        }
        let now = clock.now()
        let imported: Int = try pipeline.store.write { c in
            let business = try business(request, principal, c)
            for (index, row) in rows.enumerated() {
                for (channel, address) in [(Channel.sms, row.phone), (.email, row.email)] {
                    guard let address else { continue }
                    if try c.addressTaken(businessID: business.id, channel: channel, address: address) {
                        throw AdminError(
                            status: 409,
                            message: "client \(index): \(channel.rawValue) address already belongs to a client")
                    }
                }
                let client = try c.insertClient(
                    NewClient(
                        businessID: business.id, firstName: row.first, lastName: row.last,
                        phones: row.phone.map { [$0] } ?? [], emails: row.email.map { [$0] } ?? [],
                        smsConsent: row.smsConsent),
                    now: now)
                if let language = row.language { try c.setClientLanguage(clientID: client, language: language) }
            }
            try c.audit(
                businessID: business.id, actor: principal.actor, via: "api", action: "clients.import", before: nil,
                after: String(rows.count), now: now)
            return rows.count
        }
        log.info("admin_clients_imported", ["count": String(imported)])
        return Self.json(["imported": imported], status: 201)
    }

    /// A business's locale or a client's language must be one the catalog has templates for.
    private func checkLocale(_ locale: String, _ field: String) throws {
        let known = pipeline.catalog.locales
        guard known.contains(locale) else {
            throw AdminError(status: 422, message: "\(field) must be one of \(known.joined(separator: ", "))")
        }
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

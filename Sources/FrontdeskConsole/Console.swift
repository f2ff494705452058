import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskSecurity
import FrontdeskStore

/// How the console's sessions and sign-in links behave (`FRONTDESK_CONSOLE_*`, see README *Configuration*).
public struct ConsoleSettings: Sendable, Equatable {
    /// The public URL (`FRONTDESK_BASE_URL`): links are built from it, and an `https` one marks the cookie Secure.
    public var baseURL: String
    /// A session unused this long ends (`FRONTDESK_CONSOLE_IDLE_MINUTES`, default 30).
    public var idleMinutes = 30
    /// A session ends this long after sign-in, however active (`FRONTDESK_CONSOLE_SESSION_HOURS`, default 12).
    public var sessionHours = 12
    /// A sign-in link works this long, once (`FRONTDESK_CONSOLE_LINK_MINUTES`, default 15).
    public var signInMinutes = 15
    /// `serve --demo`: the mail preview page is there.
    public var demo = false

    public init(baseURL: String, idleMinutes: Int = 30, sessionHours: Int = 12, signInMinutes: Int = 15, demo: Bool = false)
    {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.idleMinutes = idleMinutes
        self.sessionHours = sessionHours
        self.signInMinutes = signInMinutes
        self.demo = demo
    }

    /// The cookie is `Secure` when the console is served over https.
    public var secureCookie: Bool { baseURL.lowercased().hasPrefix("https://") }

    /// `scheme://host[:port]` of the base URL: the only `Origin` a form may post from.
    var origin: String {
        guard let scheme = baseURL.range(of: "://") else { return baseURL }
        let rest = baseURL[scheme.upperBound...]
        return String(baseURL[..<scheme.upperBound] + (rest.split(separator: "/", maxSplits: 1).first ?? "")).lowercased()
    }

    /// A bad value names its variable and the range; nothing starts.
    public struct SettingError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads `FRONTDESK_CONSOLE_IDLE_MINUTES` (1–1440), `FRONTDESK_CONSOLE_SESSION_HOURS` (1–720) and
    /// `FRONTDESK_CONSOLE_LINK_MINUTES` (1–1440).
    public static func load(environment: [String: String], baseURL: String, demo: Bool) throws -> ConsoleSettings {
        func number(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return fallback }
            guard let n = Int(text), range.contains(n) else {
                throw SettingError(
                    description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        return ConsoleSettings(
            baseURL: baseURL, idleMinutes: try number("FRONTDESK_CONSOLE_IDLE_MINUTES", 1...1440, 30),
            sessionHours: try number("FRONTDESK_CONSOLE_SESSION_HOURS", 1...720, 12),
            signInMinutes: try number("FRONTDESK_CONSOLE_LINK_MINUTES", 1...1440, 15), demo: demo)
    }
}

/// The web console of each business (`/admin`): staff sign in with a one-time link sent to their address on file,
/// then see and answer conversations, clients, capabilities, the audit log and the outbox, as their role allows
/// (owner and admin everything; staff conversations and clients). Pages are rendered on the server from
/// `web/console/*.html` with copy from `prompts/<locale>/console/`, plain forms, no script, the link pages' security
/// headers; every form carries the session's CSRF token.
public final class Console: Sendable {
    let pipeline: Pipeline
    let settings: ConsoleSettings
    let templates: WebTemplates
    let clock: any Clock
    let log: Logger
    /// Hashes of the operator's `FRONTDESK_ADMIN_TOKEN` values (inviting a business's owner).
    let operatorHashes: [String]

    static let cookieName = "fd_console"
    /// Sign-in links one address may ask for per hour and business (more are not sent; the page reads the same).
    static let signInsPerHour = 5

    public init(
        pipeline: Pipeline, settings: ConsoleSettings, root: URL, adminToken: String? = nil, clock: any Clock,
        log: Logger = .silent
    ) throws {
        self.pipeline = pipeline
        self.settings = settings
        self.clock = clock
        self.log = log
        templates = try WebTemplates.load(root: root, copy: pipeline.catalog.templates)
        operatorHashes = SecretList.values(adminToken).filter(AdminToken.isWellFormed).map(AdminToken.hash)
    }

    /// Faults in `web/console/*.html` (a malformed placeholder, copy that no `prompts/en/console/` file holds), for
    /// `frontdesk check`; `serve` refuses to start on them.
    public static func templateFaults(root: URL, catalog: Catalog) -> [Diagnostic] {
        do {
            _ = try WebTemplates.load(root: root, copy: catalog.templates)
            return []
        } catch let error as Diagnostics {
            return error.items
        } catch {
            return [Diagnostic(file: "web/console", line: 0, message: "\(error)")]
        }
    }

    /// Adds the console's routes (every path under `/admin` that the JSON API does not use).
    public func register(in router: inout Router) {
        router.get("/admin") { [self] in try home($0) }
        router.post("/admin/sign-in") { [self] in try requestSignIn($0) }
        router.get("/admin/l/:token") { [self] in try showSignIn($0) }
        router.post("/admin/l/:token") { [self] in try signIn($0) }
        router.post("/admin/sign-out") { [self] in try signOut($0) }
        router.get("/admin/overview") { [self] in try visit($0) { try overview($0) } }
        router.get("/admin/conversations") { [self] in try visit($0) { try conversations($0) } }
        router.get("/admin/conversations/:id") { [self] in try visit($0) { try thread($0) } }
        router.post("/admin/conversations/:id/take") { [self] in try visit($0) { try takeOver($0) } }
        router.post("/admin/conversations/:id/release") { [self] in try visit($0) { try giveBack($0) } }
        router.post("/admin/conversations/:id/reply") { [self] in try visit($0) { try reply($0) } }
        router.get("/admin/clients") { [self] in try visit($0) { try clients($0) } }
        router.get("/admin/clients/:id") { [self] in try visit($0) { try client($0) } }
        router.post("/admin/clients/import", bodyLimit: Self.importLimit) { [self] in
            try visit($0, admin: true) { try previewImport($0) }
        }
        router.post("/admin/clients/import/commit", bodyLimit: Self.importLimit) { [self] in
            try visit($0, admin: true) { try commitImport($0) }
        }
        router.post("/admin/clients/:id/export") { [self] in try visit($0, admin: true) { try export($0) } }
        router.get("/admin/clients/:id/erase") { [self] in try visit($0, admin: true) { try eraseConfirm($0) } }
        router.post("/admin/clients/:id/erase") { [self] in try visit($0, admin: true) { try erase($0) } }
        router.get("/admin/capabilities") { [self] in try visit($0, admin: true) { try capabilities($0) } }
        router.post("/admin/capabilities/:plugin/enable") { [self] in
            try visit($0, admin: true) { try setEnabled($0, true) }
        }
        router.post("/admin/capabilities/:plugin/disable") { [self] in
            try visit($0, admin: true) { try setEnabled($0, false) }
        }
        router.post("/admin/capabilities/:plugin/settings") { [self] in
            try visit($0, admin: true) { try saveSettings($0) }
        }
        router.get("/admin/audit") { [self] in try visit($0, admin: true) { try audit($0) } }
        router.get("/admin/notices") { [self] in try visit($0, admin: true) { try notices($0) } }
        router.get("/admin/outbox") { [self] in try visit($0, admin: true) { try outbox($0) } }
        router.post("/admin/outbox/:id/retry") { [self] in try visit($0, admin: true) { try retry($0) } }
        router.get("/admin/mail") { [self] in try visit($0, admin: true) { try mailPreview($0) } }
        router.post("/admin/businesses/:slug/owners", decodesForm: false) { [self] in try inviteOwner($0) }
    }

    /// A CSV of clients (multipart) and its preview posted back for the commit: larger than a plain form.
    static let importLimit = BodyLimit(standard: 4 << 20, mime: 2 << 20)

    // MARK: Who is visiting

    /// A signed-in staff member's request.
    struct Visit {
        var request: HTTPRequest
        var session: ConsoleSession
        /// The session id as the browser holds it (the CSRF token is derived from it, never stored).
        var token: String
        var staff: Staff
        var business: Business
        var locale: String
        var now: Date

        var isAdmin: Bool { staff.role != .staff }
        var csrf: String { Console.csrfToken(session: token) }
        var form: [String: String] { request.form?.firstValues ?? [:] }
        func query(_ name: String) -> String? {
            request.queryValue(name).flatMap { $0.trimmedWhitespace().isEmpty ? nil : $0.trimmedWhitespace() }
        }
        var idParameter: Int? { request.pathParameters["id"].flatMap(Int.init) }
    }

    /// The CSRF token of a session: HMAC-SHA256 of a fixed label keyed by the session id, so it is per session,
    /// unguessable without the cookie, and never stored.
    static func csrfToken(session token: String) -> String {
        Encoding.base64URL(Crypto.hmacSHA256(key: token, message: "frontdesk console csrf"))
    }

    /// Runs `body` for a signed-in visitor; anyone else is sent to sign in. A POST must carry the session's CSRF
    /// token and come from our own origin; `admin` pages refuse the staff role.
    func visit(_ request: HTTPRequest, admin: Bool = false, _ body: (Visit) throws -> HTTPResponse) throws
        -> HTTPResponse
    {
        let post = request.method == "POST"
        if post, !sameOrigin(request) { return try refusal(request, status: 403, "error_origin") }
        guard let visit = try currentVisit(request) else {
            var response = redirect("/admin")
            response.headers.add("Set-Cookie", cookie(nil))
            return response
        }
        if post {
            let presented = request.form?["csrf"] ?? ""
            guard Crypto.constantTimeEquals(presented, visit.csrf) else {
                log.warning("console_csrf_refused", ["path": request.path])
                return try page(visit, title: copy("error_title", visit.locale), status: 403,
                    content: paragraph(copy("error_csrf", visit.locale)))
            }
        }
        if admin, !visit.isAdmin {
            return try page(visit, title: copy("error_title", visit.locale), status: 403,
                content: paragraph(copy("error_role", visit.locale)))
        }
        do {
            return try body(visit)
        } catch let error as NotFound {
            _ = error
            return try page(visit, title: copy("error_title", visit.locale), status: 404,
                content: paragraph(copy("error_not_found", visit.locale)))
        }
    }

    /// A record that is not there, or is another business's: the same 404 either way.
    struct NotFound: Error {}

    /// The session the cookie names, if it is open, within its idle and absolute time, and its staff member is still
    /// on file for its business; its last activity is recorded (at most once a minute).
    func currentVisit(_ request: HTTPRequest) throws -> Visit? {
        guard let token = request.cookie(Self.cookieName), LinkToken.isWellFormed(token) else { return nil }
        let now = clock.now()
        let hash = LinkToken.hash(token)
        let found: (ConsoleSession, Staff, Business)? = try pipeline.store.read { c in
            guard let session = try c.session(tokenHash: hash), session.endedAt == nil, session.expiresAt > now,
                session.lastSeenAt.addingTimeInterval(TimeInterval(settings.idleMinutes * 60)) > now,
                let staff = try c.staff(id: session.staffID), staff.businessID == session.businessID,
                let business = try c.business(id: session.businessID)
            else { return nil }
            return (session, staff, business)
        }
        guard let (session, staff, business) = found else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) >= 60 {
            try pipeline.store.write { try $0.touchSession(tokenHash: hash, now: now) }
        }
        return Visit(
            request: request, session: session, token: token, staff: staff, business: business,
            locale: pipeline.catalog.replyLocale(business.locale, business: business.locale), now: now)
    }

    /// A form posted from another site is refused: a browser names the page's origin in `Origin` (and says
    /// `cross-site` in `Sec-Fetch-Site`); requests without them (not a browser) rely on the CSRF token alone.
    func sameOrigin(_ request: HTTPRequest) -> Bool {
        if request.headers["Sec-Fetch-Site"]?.lowercased() == "cross-site" { return false }
        guard let origin = request.headers["Origin"], origin != "null" else { return true }
        return origin.lowercased() == settings.origin
    }

    /// The session cookie: HttpOnly, SameSite=Strict, Secure over https; nil clears it.
    func cookie(_ token: String?) -> String {
        var parts = [Self.cookieName + "=" + (token ?? ""), "Path=/admin", "HttpOnly", "SameSite=Strict"]
        if settings.secureCookie { parts.append("Secure") }
        parts.append(token == nil ? "Max-Age=0" : "Max-Age=\(settings.sessionHours * 3600)")
        return parts.joined(separator: "; ")
    }

    // MARK: Rendering

    /// The copy `prompts/<locale>/console/<key>.txt` with its values.
    func copy(_ key: String, _ locale: String, _ values: [String: String] = [:]) throws -> String {
        try pipeline.catalog.templates.render("console/" + key, channel: nil, locale: locale, values)
    }

    func render(_ template: String, _ locale: String, _ values: [String: HTML] = [:]) throws -> HTML {
        try templates.render(template, values) { try self.copy($0, locale) }
    }

    func paragraph(_ text: String) throws -> HTML { HTML(markup: "<p>") + .text(text) + HTML(markup: "</p>") }

    /// A whole page: the frame, the navigation for the visitor's role, their name and the sign-out form.
    func page(
        _ visit: Visit?, locale: String? = nil, title: String, status: Int = 200, current: String? = nil,
        notice: String? = nil, error: String? = nil, content: HTML
    ) throws -> HTTPResponse {
        let locale = visit?.locale ?? locale ?? "en"
        var flash = HTML.empty
        if let notice { flash = try render("notice", locale, ["text": .text(notice)]) }
        if let error { flash = flash + (try render("alert", locale, ["text": .text(error)])) }
        var values: [String: HTML] = [
            "lang": .text(locale), "title": .text(title), "business": .text(visit?.business.name ?? "Frontdesk"),
            "nav": .empty, "account": .empty, "flash": flash, "content": content,
        ]
        if let visit {
            values["nav"] = try navigation(visit, current: current)
            values["account"] = try render(
                "account", locale,
                ["who": .text(try copy("signed_in_as", locale, ["name": visit.staff.name, "role": visit.staff.role.rawValue])),
                    "csrf": try csrfField(visit)])
        }
        return HTTPResponse.html(try render("layout", locale, values).raw, status: status)
    }

    /// The navigation: what the visitor's role may open, the current page marked.
    func navigation(_ visit: Visit, current: String?) throws -> HTML {
        var items: [(path: String, label: String)] = [
            ("/admin/overview", "nav_overview"), ("/admin/conversations", "nav_conversations"),
            ("/admin/clients", "nav_clients"),
        ]
        if visit.isAdmin {
            items += [("/admin/capabilities", "nav_capabilities")]
            items += [("/admin/notices", "nav_notices"), ("/admin/audit", "nav_audit"), ("/admin/outbox", "nav_outbox")]
            if settings.demo { items.append(("/admin/mail", "nav_mail")) }
        }
        let links = try items.map { item in
            try render(
                "nav_item", visit.locale,
                [
                    "href": .text(item.path), "label": .text(try copy(item.label, visit.locale)),
                    "current": HTML(markup: item.path == current ? " aria-current=\"page\"" : ""),
                ])
        }
        return try render("nav", visit.locale, ["items": HTML.join(links)])
    }

    func csrfField(_ visit: Visit) throws -> HTML {
        try render("csrf", visit.locale, ["token": .text(visit.csrf)])
    }

    /// A form that posts one button to `action`.
    func button(_ visit: Visit, action: String, label: String) throws -> HTML {
        try render(
            "post_button", visit.locale,
            ["action": .text(action), "label": .text(label), "csrf": try csrfField(visit)])
    }

    func redirect(_ location: String) -> HTTPResponse {
        var response = HTTPResponse(status: 303)
        response.headers.set("Location", location)
        return response.withSecurityHeaders()
    }

    /// A page for someone not signed in (sign-in, its refusals), in the language their browser asks for.
    func refusal(_ request: HTTPRequest, status: Int, _ key: String) throws -> HTTPResponse {
        let locale = browserLocale(request)
        return try page(
            nil, locale: locale, title: copy("error_title", locale), status: status,
            content: paragraph(copy(key, locale)) + (try render("link", locale, [
                "href": .text("/admin"), "label": .text(try copy("signin_again", locale)),
            ])))
    }

    /// The first of the catalog's locales the browser's `Accept-Language` names, else English.
    func browserLocale(_ request: HTTPRequest) -> String {
        let known = pipeline.catalog.locales
        for part in (request.headers["Accept-Language"] ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmedWhitespace().lowercased() } ?? ""
            let language = String(tag.prefix { $0 != "-" })
            if known.contains(language) { return language }
        }
        return "en"
    }

    // MARK: Formatting

    /// `2026-11-22 10:00` in the business's time zone.
    func time(_ date: Date?, _ visit: Visit) -> String {
        guard let date else { return "-" }
        return Format.isoDate(date, in: visit.business.zone) + " " + BusinessHours.time(date, in: visit.business.zone)
    }

    func money(_ minor: Int, _ currency: String, _ visit: Visit) -> String {
        Format.money(minor, currency: currency, style: pipeline.catalog.lexicon.style(visit.locale))
    }

    func day(_ date: Date?, _ visit: Visit) -> String {
        date.map { Format.date($0, in: visit.business.zone, style: pipeline.catalog.lexicon.style(visit.locale)) } ?? "-"
    }
}

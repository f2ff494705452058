import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskSecurity
import FrontdeskStore

/// Signing in: a staff member asks for a link with their address on file; it goes to that address (email or SMS)
/// through the outbox, works once for `signInMinutes`, and opens a session in a new cookie. The link machinery's
/// tokens: 256 bits from the CSPRNG, only their SHA-256 stored, spent by one guarded update; GET never spends one
/// (mail scanners open links), POST does.
extension Console {
    /// `/admin`: the visitor's overview, or the sign-in form.
    func home(_ request: HTTPRequest) throws -> HTTPResponse {
        if try currentVisit(request) != nil { return redirect("/admin/overview") }
        let locale = browserLocale(request)
        return try page(
            nil, locale: locale, title: copy("signin_title", locale), content: try render("signin", locale))
    }

    /// Sends a sign-in link to each business where the address belongs to a staff member. The answer is the same
    /// whoever asks, so it tells nobody which addresses are on file.
    func requestSignIn(_ request: HTTPRequest) throws -> HTTPResponse {
        guard sameOrigin(request) else { return try refusal(request, status: 403, "error_origin") }
        let locale = browserLocale(request)
        let raw = (request.form?["address"] ?? "").trimmedWhitespace()
        let channel: Channel = raw.contains("@") ? .email : .sms
        guard !raw.isEmpty, raw.count <= 254, let address = Address.normalize(raw, channel: channel) else {
            return try page(
                nil, locale: locale, title: copy("signin_title", locale), status: 422,
                error: copy("signin_invalid", locale), content: try render("signin", locale))
        }
        let now = clock.now()
        let sent: Int = try pipeline.store.write { c in
            var sent = 0
            for staff in try c.staffEverywhere(address: address, channel: channel) {
                let window = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
                let count = try c.countRateEvent(
                    businessID: staff.businessID, key: "console_sign_in " + address, window: window)
                guard count <= Self.signInsPerHour, let business = try c.business(id: staff.businessID) else {
                    continue
                }
                let url = try issueSignIn(staff, c, now: now)
                let staffLocale = pipeline.catalog.replyLocale(business.locale, business: business.locale)
                let values = [
                    "business": business.name, "name": staff.name, "url": url,
                    "minutes": String(settings.signInMinutes),
                ]
                let sender =
                    try c.businessAddress(business.id, channel: channel)
                    ?? (channel == .sms ? "" : "frontdesk@localhost")
                try c.enqueue(
                    businessID: business.id, messageID: nil, channel: channel, kind: "console_sign_in",
                    recipient: address, sender: sender,
                    subject: channel == .email ? try copy("signin_subject", staffLocale, values) : nil,
                    body: try copy("signin_message", staffLocale, values), headers: [:], status: .pending, now: now)
                try c.audit(
                    businessID: business.id, actor: "staff:\(staff.id)", via: "console",
                    action: "console.sign_in_sent", before: nil, after: channel.rawValue, now: now)
                sent += 1
            }
            return sent
        }
        log.info("console_sign_in_requested", ["sent": String(sent)])
        return try page(
            nil, locale: locale, title: copy("signin_title", locale),
            content: paragraph(copy("signin_sent", locale, ["minutes": String(settings.signInMinutes)])))
    }

    /// Stores a new sign-in link for a staff member and returns its URL (the token is in it, nowhere else).
    func issueSignIn(_ staff: Staff, _ c: any UnitOfWork, now: Date) throws -> String {
        let (token, hash) = try LinkToken.generate()
        try c.insertSignIn(
            tokenHash: hash, businessID: staff.businessID, staffID: staff.id, now: now,
            expiresAt: now.addingTimeInterval(TimeInterval(settings.signInMinutes * 60)))
        return settings.baseURL + "/admin/l/" + token
    }

    /// A sign-in link for the staff member with this registered email (the demo prints one for its owner).
    public func signInLink(businessSlug: String, email: String) throws -> String? {
        let now = clock.now()
        return try pipeline.store.write { c in
            guard let business = try c.business(slug: businessSlug),
                let staff = try c.staff(businessID: business.id, address: email, channel: .email)
            else { return nil }
            return try issueSignIn(staff, c, now: now)
        }
    }

    enum SignInState {
        case valid(ConsoleSignIn, Staff, Business)
        case invalid, used, expired
    }

    func signInState(_ request: HTTPRequest, _ c: any UnitOfWork, now: Date) throws -> SignInState {
        let token = request.pathParameters["token"] ?? ""
        guard LinkToken.isWellFormed(token), let link = try c.signIn(tokenHash: LinkToken.hash(token)) else {
            return .invalid
        }
        if link.usedAt != nil { return .used }
        if link.expiresAt <= now { return .expired }
        guard let staff = try c.staff(id: link.staffID), staff.businessID == link.businessID,
            let business = try c.business(id: link.businessID)
        else { return .invalid }
        return .valid(link, staff, business)
    }

    func signInRefusal(_ request: HTTPRequest, _ state: SignInState) throws -> HTTPResponse {
        switch state {
        case .used: return try refusal(request, status: 410, "signin_used")
        case .expired: return try refusal(request, status: 410, "signin_expired")
        default: return try refusal(request, status: 404, "signin_unknown")
        }
    }

    /// The link's page: whom it signs in, and a button. Read-only.
    func showSignIn(_ request: HTTPRequest) throws -> HTTPResponse {
        let now = clock.now()
        let state = try pipeline.store.read { try signInState(request, $0, now: now) }
        guard case .valid(_, let staff, let business) = state else { return try signInRefusal(request, state) }
        let locale = pipeline.catalog.replyLocale(business.locale, business: business.locale)
        let intro = try copy("signin_confirm_intro", locale, ["business": business.name, "name": staff.name])
        return try page(
            nil, locale: locale, title: copy("signin_title", locale),
            content: try render("signin_confirm", locale, ["intro": .text(intro)]))
    }

    /// Spends the link and opens a session under a new id: any session the browser presented ends (no fixation).
    func signIn(_ request: HTTPRequest) throws -> HTTPResponse {
        guard sameOrigin(request) else { return try refusal(request, status: 403, "error_origin") }
        let now = clock.now()
        let (session, hash) = try LinkToken.generate()
        let presented = request.cookie(Self.cookieName).flatMap { LinkToken.isWellFormed($0) ? LinkToken.hash($0) : nil }
        let state: SignInState = try pipeline.store.write { c in
            let state = try signInState(request, c, now: now)
            guard case .valid(_, let staff, let business) = state else { return state }
            guard try c.consumeSignIn(tokenHash: LinkToken.hash(request.pathParameters["token"] ?? ""), now: now) else {
                return .used
            }
            if let presented { try c.endSession(tokenHash: presented, now: now) }
            try c.insertSession(
                tokenHash: hash, businessID: business.id, staffID: staff.id, now: now,
                expiresAt: now.addingTimeInterval(TimeInterval(settings.sessionHours * 3600)))
            try c.audit(
                businessID: business.id, actor: "staff:\(staff.id)", via: "console", action: "console.sign_in",
                before: nil, after: staff.role.rawValue, now: now)
            return state
        }
        guard case .valid = state else { return try signInRefusal(request, state) }
        var response = redirect("/admin/overview")
        response.headers.add("Set-Cookie", cookie(session))
        return response
    }

    /// Ends the session and clears the cookie.
    func signOut(_ request: HTTPRequest) throws -> HTTPResponse {
        try visit(request) { visit in
            try pipeline.store.write { c in
                try c.endSession(tokenHash: LinkToken.hash(visit.token), now: visit.now)
                try c.audit(
                    businessID: visit.business.id, actor: "staff:\(visit.staff.id)", via: "console",
                    action: "console.sign_out", before: nil, after: nil, now: visit.now)
            }
            var response = redirect("/admin")
            response.headers.add("Set-Cookie", cookie(nil))
            return response
        }
    }

    // MARK: The operator invites a business's owner

    /// `POST /admin/businesses/{slug}/owners` with the operator's bearer token and `{"name","email","phone"}`: adds
    /// the business's owner (email required, phone optional) and sends them a sign-in link by email. 201
    /// `{"staff_id","invited"}`; 409 when the address is already staff of the business.
    func inviteOwner(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let presented = AdminToken.fromAuthorization(request.headers["Authorization"]), !operatorHashes.isEmpty,
            AdminToken.matches(presented, storedHashes: operatorHashes)
        else { return Self.json(["error": "only the operator token invites owners"], status: 403) }
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
            return Self.json(["error": "body must be a JSON object"], status: 400)
        }
        let name = (object["name"] as? String)?.trimmedWhitespace() ?? ""
        guard !name.isEmpty, name.count <= 200 else { return Self.json(["error": "name is required"], status: 422) }
        guard let email = (object["email"] as? String).flatMap(Address.email) else {
            return Self.json(["error": "email must be an address"], status: 422)
        }
        var phone: String?
        if let raw = object["phone"] as? String, !raw.isEmpty {
            guard let number = Address.phone(raw) else { return Self.json(["error": "phone is not a number"], status: 422) }
            phone = number
        }
        let now = clock.now()
        do {
            let id: Int? = try pipeline.store.write { c in
                guard let slug = request.pathParameters["slug"], let business = try c.business(slug: slug) else {
                    return nil
                }
                let id = try c.insertStaff(
                    NewStaff(businessID: business.id, name: name, role: .owner, email: email, phone: phone))
                guard let staff = try c.staff(id: id) else { throw StoreError(.notFound, "staff vanished") }
                let url = try issueSignIn(staff, c, now: now)
                let locale = pipeline.catalog.replyLocale(business.locale, business: business.locale)
                let values = ["business": business.name, "name": name, "url": url, "minutes": String(settings.signInMinutes)]
                try c.enqueue(
                    businessID: business.id, messageID: nil, channel: .email, kind: "console_sign_in", recipient: email,
                    sender: try c.businessAddress(business.id, channel: .email) ?? "frontdesk@localhost",
                    subject: try copy("invite_subject", locale, values), body: try copy("invite_message", locale, values),
                    headers: [:], status: .pending, now: now)
                try c.audit(
                    businessID: business.id, actor: "operator", via: "api", action: "staff.invite", before: nil,
                    after: "staff:\(id) owner", now: now)
                return id
            }
            guard let id else { return Self.json(["error": "unknown business"], status: 404) }
            return Self.json(["staff_id": id, "invited": email], status: 201)
        } catch let error as StoreError where error.kind == .duplicate {
            return Self.json(["error": "that address is already staff of this business"], status: 409)
        }
    }

    static func json(_ object: [String: Any], status: Int) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = HTTPResponse.json(data, status: status)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}

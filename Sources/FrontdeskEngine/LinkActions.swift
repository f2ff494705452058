import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// What a one-time link shows: the owning plugin's page, or a refusal (not valid, used, expired, no longer
/// offered), for the link's business when it is known.
public struct LinkView: Sendable {
    public var page: LinkPage
    public var business: Business?
    /// The link's action, for logs (never the token).
    public var action: String?
    /// A file to hand over instead of a page (an approved export's JSON), never cached.
    public var download: LinkDownload?
}

/// A file a link hands over once: its name and its text.
public struct LinkDownload: Sendable {
    public var filename: String
    public var contentType: String
    public var body: String
}

/// One-time links are dispatched here: the link is looked up by its token's hash, the plugin that declares its
/// action (`link_actions` in `plugin.json`) renders the page or carries out the action, and the link is spent
/// with the single guarded `consumeLink` in the same transaction. The web layer only renders what comes back.
extension Pipeline {
    /// Pages the link dispatcher renders itself (refusals and their advice).
    public static let linkTemplates = [
        "core/page_invalid", "core/page_used", "core/page_expired", "core/page_unavailable", "core/page_error",
        "core/page_advice", "core/page_advice_contact", "core/page_advice_plain",
    ]

    /// The page of a link (GET): read-only, never spends the token (mail scanners open links).
    public func openLink(token: String) throws -> LinkView {
        let now = clock.now()
        return try store.read { c in
            let found = try lookUpLink(token, c, now: now)
            guard case .valid(let link, let business, let client) = found else { return try refusal(found, c) }
            if link.action == Self.exportAction { return try exportPage(business: business, client: client) }
            do {
                return try dispatch(link, business: business, client: client, c, now: now) { plugin, request, context in
                    try plugin.linkPage(request, in: context)
                }
            } catch {
                return try failure(error, link: link, business: business, client: client, c)
            }
        }
    }

    /// Submits a link's page (POST): the plugin acts, and the link is spent when its outcome says so; a second
    /// submission finds it used. Nothing is half-written: the plugin's writes, the spending, the audit and the
    /// message to the client commit together, and a fault undoes them all.
    public func submitLink(token: String, form: [String: String]) throws -> LinkView {
        let now = clock.now()
        return try store.write { c in
            let found = try lookUpLink(token, c, now: now)
            guard case .valid(let link, let business, let client) = found else { return try refusal(found, c) }
            if link.action == Self.exportAction {
                return try downloadExport(link, business: business, client: client, c, now: now)
                    ?? refusal(.used(business, client.language), c)
            }
            do {
                return try c.savepoint {
                    try dispatch(link, business: business, client: client, c, now: now) { plugin, request, context in
                        let outcome = try plugin.submitLink(request, form: form, in: context)
                        if outcome.spendsLink {
                            // Another submission spent it first: everything this one wrote is undone.
                            guard try c.consumeLink(tokenHash: link.tokenHash, now: now) else { throw LinkSpent() }
                            log.info("link_used", ["action": link.action])
                        }
                        try linkEffects(outcome, link: link, business: business, client: client, c, now: now)
                        return outcome.page
                    }
                }
            } catch is LinkSpent {
                return try refusal(.used(business, client.language), c)
            } catch {
                return try failure(error, link: link, business: business, client: client, c)
            }
        }
    }

    // MARK: Looking a link up

    private enum FoundLink {
        case valid(LinkRecord, Business, Client)
        case unknown
        /// With the language of the link's client, for the page.
        case used(Business?, String?)
        case expired(Business?, String?)
    }

    private struct LinkSpent: Error {}

    private func lookUpLink(_ token: String, _ c: any UnitOfWork, now: Date) throws -> FoundLink {
        guard let hash = LinkIssuer.hash(ofToken: token), let link = try c.link(tokenHash: hash) else {
            return .unknown
        }
        let business = try c.business(id: link.businessID)
        let language = try c.client(id: link.clientID).flatMap { $0.businessID == business?.id ? $0.language : nil }
        if link.usedAt != nil { return .used(business, language) }
        if link.expiresAt <= now { return .expired(business, language) }
        guard let business, let client = try c.client(id: link.clientID), client.businessID == business.id else {
            return .unknown
        }
        return .valid(link, business, client)
    }

    /// Runs the owning plugin for a valid link; a plugin that is gone or turned off gets a page saying so, a plugin
    /// fault the page it names (or a generic one, logged).
    private func dispatch(
        _ link: LinkRecord, business: Business, client: Client, _ c: any UnitOfWork, now: Date,
        _ body: (any Plugin, LinkRequest, PluginContext) throws -> LinkPage
    ) throws -> LinkView {
        let request = LinkRequest(action: link.action, resource: link.resource, linkID: link.id)
        let enabled = try enabledManifests(business.id, c)
        guard let (manifest, _) = catalog.owner(ofLinkAction: link.action), let plugin = plugins[manifest.id] else {
            log.warning("link_unknown_action", ["action": link.action])
            return try refusal(.unknown, c)
        }
        guard enabled.contains(where: { $0.id == manifest.id }) else {
            var page = try corePage("core/page_unavailable", business, language: client.language, c)
            page.status = 410
            return LinkView(page: page, business: business, action: link.action)
        }
        let stored = try c.pluginSettings(businessID: business.id, plugin: manifest.id).values
        let templates = catalog.templates
        let locale = catalog.replyLocale(client.language, business: business.locale)
        // Pages are read on a screen: the channel-neutral (long) templates.
        let context = PluginContext(
            store: c, business: business, client: client, channel: .email, address: nil, now: now,
            settings: PluginSettings(manifest: manifest, values: stored), links: links, enabledManifests: enabled,
            render: { id, values in try templates.render(id, channel: nil, locale: locale, values) },
            lexicon: catalog.lexicon, billing: billing, locale: locale,
            renderForStaff: { id, values in
                try templates.render(id, channel: .email, locale: business.locale, values)
            })
        var page = try body(plugin, request, context)
        page.locale = locale
        return LinkView(page: page, business: business, action: link.action)
    }

    /// The page for a plugin fault: the page its error names, or a generic one (logged). A store failure is
    /// rethrown: the transaction is rolled back and the server answers 500.
    private func failure(
        _ error: any Error, link: LinkRecord, business: Business, client: Client, _ c: any UnitOfWork
    ) throws -> LinkView {
        if error is StoreError { throw error }
        let locale = catalog.replyLocale(client.language, business: business.locale)
        if let error = error as? PluginError {
            var page = LinkPage(
                rendered: try catalog.templates.render(
                    error.template, channel: nil, locale: locale,
                    try adviceValues(business, locale: locale, c).merging(error.values) { $1 }))
            page.locale = locale
            page.status = error.template == "core/page_invalid" ? 404 : 409
            return LinkView(page: page, business: business, action: link.action)
        }
        log.error("link_failed", ["action": link.action, "error": String(describing: type(of: error))])
        var page = try corePage("core/page_error", business, language: client.language, c)
        page.status = 500
        return LinkView(page: page, business: business, action: link.action)
    }

    /// The outcome's audit entry and its message to the client.
    private func linkEffects(
        _ outcome: LinkOutcome, link: LinkRecord, business: Business, client: Client, _ c: any UnitOfWork, now: Date
    ) throws {
        if let action = outcome.auditAction {
            try c.audit(
                businessID: business.id, clientID: client.id, actor: "client:\(client.id)", via: "link",
                action: action, before: outcome.auditBefore, after: outcome.auditAfter, now: now)
        }
        if let notice = outcome.clientNotice { try notify(client, notice, business: business, c, now: now) }
        for notice in outcome.staffNotices { try notifyStaff(notice, business: business, c, now: now) }
    }

    /// A page's notice to staff (a save offer to apply), to each staff email, in the business's language.
    private func notifyStaff(_ notice: StaffNotice, business: Business, _ c: any UnitOfWork, now: Date) throws {
        let values = ["business": business.name].merging(notice.values) { $1 }
        let templates = catalog.templates
        let body = try templates.render(notice.template, channel: .email, locale: business.locale, values)
        let subject = try templates.render("core/staff_subject", channel: .email, locale: business.locale, values)
        let sender = try c.businessAddress(business.id, channel: .email) ?? "frontdesk@localhost"
        for member in try c.staff(businessID: business.id) {
            guard let email = member.email else { continue }
            try c.enqueue(
                businessID: business.id, messageID: nil, channel: .email, kind: "staff_notice", recipient: email,
                sender: sender, subject: subject, body: body, headers: [:], status: .pending, now: now)
        }
    }

    /// Tells the client by message, on the channel they last wrote from (else their phone, else their email).
    private func notify(_ client: Client, _ notice: ClientNotice, business: Business, _ c: any UnitOfWork, now: Date)
        throws
    {
        let phones = try c.addresses(clientID: client.id, channel: .sms)
        let emails = try c.addresses(clientID: client.id, channel: .email)
        let own = { (conversation: Conversation) in
            (conversation.channel == .sms ? phones : emails).contains(conversation.address)
        }
        let recipient: (Channel, String)
        if let last = try c.conversations(clientID: client.id).last(where: own) {
            recipient = (last.channel, last.address)
        } else if let phone = phones.first {
            recipient = (.sms, phone)
        } else if let email = emails.first {
            recipient = (.email, email)
        } else {
            return
        }
        let locale = catalog.replyLocale(client.language, business: business.locale)
        let values = try adviceValues(business, locale: locale, c).merging(["name": client.firstName]) { $1 }
            .merging(notice.values) { $1 }
        let body = try catalog.templates.render(notice.template, channel: recipient.0, locale: locale, values)
        let sender =
            try c.businessAddress(business.id, channel: recipient.0)
            ?? (recipient.0 == .sms ? "" : "frontdesk@localhost")
        try c.enqueue(
            businessID: business.id, messageID: nil, channel: recipient.0, kind: "notice", recipient: recipient.1,
            sender: sender, subject: recipient.0 == .email ? business.name : nil, body: body, headers: [:],
            status: .pending, now: now)
    }

    // MARK: Refusals

    private func refusal(_ found: FoundLink, _ c: any UnitOfWork) throws -> LinkView {
        switch found {
        case .valid(let link, let business, let client):
            return LinkView(
                page: try corePage("core/page_error", business, language: client.language, c), business: business,
                action: link.action)
        case .unknown:
            var page = try corePage("core/page_invalid", nil, c)
            page.status = 404
            return LinkView(page: page, business: nil, action: nil)
        case .used(let business, let language):
            var page = try corePage("core/page_used", business, language: language, c)
            page.status = 410
            return LinkView(page: page, business: business, action: nil)
        case .expired(let business, let language):
            var page = try corePage("core/page_expired", business, language: language, c)
            page.status = 410
            return LinkView(page: page, business: business, action: nil)
        }
    }

    /// A page of the engine's own (`core/page_*`), with how to get a new link, in the client's language when the
    /// link names one, else the business's.
    private func corePage(_ template: String, _ business: Business?, language: String? = nil, _ c: any UnitOfWork)
        throws -> LinkPage
    {
        let locale = catalog.replyLocale(language, business: business?.locale ?? "en")
        var page = LinkPage(
            rendered: try catalog.templates.render(
                template, channel: nil, locale: locale, try adviceValues(business, locale: locale, c)))
        page.locale = locale
        return page
    }

    /// `advice`: how a client gets a fresh link (reply to the business, or contact it).
    private func adviceValues(_ business: Business?, locale: String, _ c: any UnitOfWork) throws -> [String: String] {
        guard let business else {
            return [
                "advice": try catalog.templates.render("core/page_advice_plain", channel: nil, locale: locale, [:]),
                "business": "",
            ]
        }
        let contact = [business.contactPhone, business.contactEmail].compactMap { $0 }.joined(separator: " / ")
        let values = ["business": business.name, "contact": contact]
        let advice = try catalog.templates.render(
            contact.isEmpty ? "core/page_advice" : "core/page_advice_contact", channel: nil, locale: locale, values)
        return values.merging(["advice": advice]) { $1 }
    }
}

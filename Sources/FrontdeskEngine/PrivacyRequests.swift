import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// Why a privacy request could not be decided; the message names the request or the person, never their data.
public struct PrivacyDecisionError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What approving or rejecting a privacy request did.
public struct PrivacyDecision: Sendable {
    public var request: PrivacyRequest
    /// How the client was told (`email`, `sms`), and where, masked; nil when they have no contact on file.
    public var toldBy: Channel?
    public var toldAt: String?
    /// What an approved erasure removed and kept.
    public var erasure: ClientErasure?
    /// When an approved export's download link stops working.
    public var linkExpiresAt: Date?
}

/// Staff decide privacy requests (`frontdesk privacy approve|reject`). An approved erasure runs at once; an
/// approved export sends the client a one-time link where the JSON export downloads once. The client is told at
/// their own contact on file, and every decision is audited.
extension Pipeline {
    public static let privacyTemplates = [
        "requests/privacy_export_ready", "requests/privacy_export_subject", "requests/privacy_erased",
        "requests/privacy_rejected", "requests/privacy_rejected_reason", "requests/privacy_subject",
        "requests/page_export", "requests/page_export_button", "requests/page_export_note",
    ]
    /// The link action of an approved export and its page.
    public static let exportAction = "privacy.export"
    static let defaultExportHours = 72

    /// Approves or rejects a pending request (of `businessSlug` when given), decided by the staff member whose
    /// registered email is `staffEmail`, an owner or admin of the request's business; `reason` goes with a rejection.
    public func decidePrivacyRequest(
        id: Int, businessSlug: String? = nil, approve: Bool, by staffEmail: String, reason: String? = nil
    ) throws -> PrivacyDecision {
        let now = clock.now()
        let decision = try store.write { c -> PrivacyDecision in
            let named = try businessSlug.map { slug in
                guard let business = try c.business(slug: slug) else {
                    throw PrivacyDecisionError("unknown business \(slug)")
                }
                return business
            }
            guard let request = try c.privacyRequest(id: id), named == nil || request.businessID == named?.id,
                let business = try c.business(id: request.businessID)
            else { throw PrivacyDecisionError("no privacy request \(id)" + (businessSlug.map { " in \($0)" } ?? "")) }
            guard let email = Address.email(staffEmail),
                let staff = try c.staff(businessID: business.id, address: email, channel: .email)
            else { throw PrivacyDecisionError("\(staffEmail) is not a staff email of \(business.slug)") }
            guard staff.role != .staff else {
                throw PrivacyDecisionError(
                    "only an owner or admin may decide privacy requests (\(staffEmail) is staff)")
            }
            guard request.status == .pending else {
                throw PrivacyDecisionError("privacy request \(id) is already \(request.status.rawValue)")
            }
            guard let client = try c.client(id: request.clientID) else {
                throw PrivacyDecisionError("privacy request \(id): its client no longer exists")
            }
            let actor = "staff:\(staff.id)"
            let contact = try Self.contactOnFile(client, preferring: nil, businessID: business.id, c)
            var result = PrivacyDecision(
                request: request, toldBy: contact?.channel,
                toldAt: contact.map { Address.masked($0.address, channel: $0.channel) })
            let reach = [business.contactPhone, business.contactEmail].compactMap { $0 }.joined(separator: " / ")
            var values = [
                "business": business.name, "name": client.firstName, "id": String(id),
                "contact": reach.isEmpty ? business.name : reach, "reason": reason ?? "",
            ]
            let audit = { (action: String, after: String) in
                try c.audit(
                    businessID: business.id, clientID: client.id, actor: actor, via: "cli", action: action,
                    before: "pending", after: after, now: now)
            }
            func move(_ from: PrivacyRequest.Status, _ to: PrivacyRequest.Status, note: String? = nil) throws {
                guard
                    try c.movePrivacyRequest(
                        id: id, from: [from], to: to, decidedBy: from == .pending ? actor : nil, note: note, now: now)
                else { throw PrivacyDecisionError("privacy request \(id) was decided by someone else meanwhile") }
            }
            guard approve else {
                try move(.pending, .rejected, note: reason)
                try audit("privacy.rejected", "\(request.kind.rawValue) request \(id) rejected")
                if let contact {
                    try tell(
                        business, contact,
                        template: reason == nil ? "requests/privacy_rejected" : "requests/privacy_rejected_reason",
                        subject: "requests/privacy_subject", values, kind: OutboxRecord.privacyKind, now: now, c)
                }
                result.request.status = .rejected
                return result
            }
            switch request.kind {
            case .export:
                guard let contact else {
                    throw PrivacyDecisionError(
                        "client \(client.id) has no email or phone on file to send the link to; nothing changed "
                            + "(use frontdesk client export)")
                }
                try move(.pending, .approved)
                let hours = try exportHours(business.id, c)
                let link = try links.issue(
                    c, businessID: business.id, clientID: client.id, action: Self.exportAction,
                    resource: "privacy_request:\(id)", ttlMinutes: hours * 60, now: now)
                try audit("privacy.approved", "export request \(id) approved: link sent")
                values["url"] = link.url
                values["hours"] = String(hours)
                try tell(
                    business, contact, template: "requests/privacy_export_ready",
                    subject: "requests/privacy_export_subject", values, kind: OutboxRecord.privacyKind, now: now, c)
                result.request.status = .approved
                result.linkExpiresAt = link.expiresAt
            case .erase:
                try move(.pending, .approved)
                try audit("privacy.approved", "erase request \(id) approved")
                result.erasure = try c.eraseClient(id: client.id, actor: actor, via: "cli", now: now)
                try move(.approved, .done)
                // Sent after the erasure, which removes everything addressed to them; deleted once it has left.
                if let contact {
                    try tell(
                        business, contact, template: "requests/privacy_erased", subject: "requests/privacy_subject",
                        values, kind: OutboxRecord.erasureNoticeKind, now: now, c)
                }
                result.request.status = .done
            }
            return result
        }
        // Erased rows and their older copies leave the write-ahead log now, not at the next checkpoint.
        if decision.erasure != nil { try store.scrubRedactedText() }
        return decision
    }

    /// How long an export's link works: the requests plugin's `export_hours` setting.
    private func exportHours(_ businessID: Int, _ c: any UnitOfWork) throws -> Int {
        guard let manifest = catalog.manifest("requests") else { return Self.defaultExportHours }
        let stored = try c.pluginSettings(businessID: businessID, plugin: manifest.id).values
        return PluginSettings(manifest: manifest, values: stored).int("export_hours", default: Self.defaultExportHours)
    }

    /// Queues one message to the client's own contact on file, rendered for its channel.
    private func tell(
        _ business: Business, _ contact: (address: String, channel: Channel), template: String, subject: String,
        _ values: [String: String], kind: String, now: Date, _ c: any UnitOfWork
    ) throws {
        let render = { (id: String) in
            try self.catalog.templates.render(id, channel: contact.channel, locale: business.locale, values)
        }
        try c.enqueue(
            businessID: business.id, messageID: nil, channel: contact.channel, kind: kind, recipient: contact.address,
            sender: try c.businessAddress(business.id, channel: contact.channel) ?? business.slug,
            subject: contact.channel == .email ? try render(subject) : nil, body: try render(template), headers: [:],
            status: .pending, now: now)
    }

    /// The page of an approved export's link (GET): what will download. The engine owns this link action (the
    /// export is made from every repository, which no plugin reads).
    func exportPage(business: Business, client: Client) throws -> LinkView {
        let values = ["name": client.firstName, "business": business.name]
        let locale = catalog.replyLocale(client.language, business: business.locale)
        let render = { (id: String) in try self.catalog.templates.render(id, channel: nil, locale: locale, values) }
        var page = LinkPage(rendered: try render("requests/page_export"))
        page.locale = locale
        page.form = LinkForm(submit: try render("requests/page_export_button").trimmedWhitespace())
        page.notes = [try render("requests/page_export_note").trimmedWhitespace()]
        return LinkView(page: page, business: business, action: Self.exportAction)
    }

    /// The JSON export behind an approved export's link (POST), produced when the link is used: the link is spent,
    /// the request is done and the download audited, in the caller's transaction. Nil when the link does not belong
    /// to an approved export request of this client (spent, or the request is gone).
    func downloadExport(_ link: LinkRecord, business: Business, client: Client, _ c: any UnitOfWork, now: Date)
        throws -> LinkView?
    {
        let parts = link.resource.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == "privacy_request", let id = Int(parts[1]),
            let request = try c.privacyRequest(id: id), request.clientID == client.id,
            request.kind == .export, request.status == .approved,
            try c.consumeLink(tokenHash: link.tokenHash, now: now),
            try c.movePrivacyRequest(id: id, from: [.approved], to: .done, decidedBy: nil, note: nil, now: now)
        else { return nil }
        try c.audit(
            businessID: business.id, clientID: client.id, actor: "client:\(client.id)", via: "link",
            action: "privacy.export_downloaded", before: "approved", after: "export request \(id) downloaded",
            now: now)
        log.info("link_used", ["action": Self.exportAction])
        let json = try ClientExport.make(client, business: business, c, now: now).serialized()
        let name = "\(business.slug)-data-\(Format.isoDate(now, in: business.zone)).json"
        let page = LinkPage(title: name)
        return LinkView(
            page: page, business: business, action: Self.exportAction,
            download: LinkDownload(filename: name, contentType: "application/json; charset=utf-8", body: json + "\n"))
    }
}

import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// How a notice asks to travel: by SMS, by email, or `auto` (SMS where the client agreed to texts, else email).
public enum NoticeChannel: String, Sendable, CaseIterable {
    case auto, sms, email
}

/// One notice to send: to a client (by id, or by a contact on file), of a kind, with the request's own values.
public struct NoticeRequest: Sendable {
    public var kind: NoticeKind
    public var clientID: Int?
    /// A phone or email the client has on file; it is also where the notice goes.
    public var to: String?
    public var channel: NoticeChannel
    /// The API's `values` (`text` and `period` for a custom notice, `invoice` for a failed payment).
    public var values: [String: String]
    /// `billing`, `scheduler` or `api`.
    public var source: String
    /// Who asked, for the audit (`operator`, `admin_token:3`, `system`).
    public var actor: String
    /// What a billing event or the scheduler already found (the failed invoice, the renewing membership).
    var invoiceID: Int?
    var decline: PaymentDecline?
    var membership: Membership?
    var card: PaymentMethod?

    public init(
        kind: NoticeKind, clientID: Int? = nil, to: String? = nil, channel: NoticeChannel = .auto,
        values: [String: String] = [:], source: String, actor: String
    ) {
        self.kind = kind
        self.clientID = clientID
        self.to = to
        self.channel = channel
        self.values = values
        self.source = source
        self.actor = actor
    }
}

/// Why a notice was refused; `status` is the HTTP status the admin API answers with.
public struct NoticeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The business has not turned the reminders plugin on.
        case noticesOff = "notices_off"
        /// The business turned this kind off.
        case kindOff = "kind_off"
        case unknownClient = "unknown_client"
        case contactNotOnFile = "contact_not_on_file"
        /// The client has nothing the notice could be about (no failed invoice, no renewal).
        case nothingToNotify = "nothing_to_notify"
        case invalid
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var status: Int {
        switch code {
        case .noticesOff: return 409
        case .unknownClient, .contactNotOnFile: return 404
        case .kindOff, .nothingToNotify, .invalid: return 422
        }
    }

    public var description: String { message }
}

/// What sending a notice did: a new notice (queued, scheduled or suppressed), or the one the dedupe key already has.
public enum NoticeOutcome: Sendable, Equatable {
    case created(Notice)
    case duplicate(Notice)

    public var notice: Notice {
        switch self {
        case .created(let n), .duplicate(let n): return n
        }
    }
}

/// What one run of the reminders did, per business.
public struct NoticeRunSummary: Sendable, Equatable {
    public var business: String
    public var queued = 0
    public var scheduled = 0
    public var suppressed = 0
    /// Already sent for the period (dedupe key).
    public var duplicates = 0
    /// Events or candidates that could not become a notice (logged by kind only).
    public var skipped = 0

    public init(business: String) { self.business = business }
}

/// Automated notices (issue 17): from billing events, from the reminders scheduler and from the business's own
/// systems (the admin API). Each is sent like a careful business would: only when the business turned the kind on,
/// to a client who agreed to that channel and has not opted out (else recorded as suppressed, with why), once per
/// client, kind and period, outside quiet hours in the business's time zone (else scheduled for their end), through
/// the outbox (retries, pacing per sending number, a provider's Retry-After).
public struct Notices: Sendable {
    public let pipeline: Pipeline

    public init(pipeline: Pipeline) { self.pipeline = pipeline }

    var catalog: Catalog { pipeline.catalog }

    /// Sends one notice inside `c` (the caller's transaction).
    public func send(_ request: NoticeRequest, businessID: Int, now: Date, _ c: any UnitOfWork) throws -> NoticeOutcome
    {
        guard let business = try c.business(id: businessID) else {
            throw NoticeError(.invalid, "unknown business")
        }
        let (manifest, settings, enabled) = try reminders(business, c)
        guard enabled.contains(where: { $0.id == manifest.id }) else {
            throw NoticeError(.noticesOff, "automated notices are turned off for this business (plugin reminders)")
        }
        guard settings.bool(request.kind.rawValue) else {
            throw NoticeError(.kindOff, "notices of kind \(request.kind.rawValue) are turned off for this business")
        }
        let (client, toChannel, toAddress) = try recipientClient(request, business: business, c)
        let plugin = RemindersPlugin()
        // The facts are read in the client's language; the channel is settled below.
        let locale = catalog.replyLocale(client.language, business: business.locale)
        let draft = context(business, client, settings, enabled, channel: toChannel ?? .sms, locale: locale, now, c)
        let facts: NoticeFacts
        do {
            facts = try plugin.facts(
                request.kind, client: client, values: request.values, invoiceID: request.invoiceID,
                decline: request.decline, membership: request.membership, card: request.card, in: draft)
        } catch let error as NoticeFactsError {
            throw NoticeError(.nothingToNotify, error.message)
        }
        let dedupeKey = "client:\(client.id)|\(request.kind.rawValue)|\(facts.period)"
        if let existing = try c.notice(businessID: business.id, dedupeKey: dedupeKey, now: now) {
            return .duplicate(existing)
        }
        let wanted: NoticeChannel = toChannel.map { $0 == .sms ? .sms : .email } ?? request.channel
        let route = try self.route(
            wanted, client: client, business: business, toAddress: toAddress, toChannel: toChannel, c)
        var record = NewNotice(
            businessID: business.id, clientID: client.id, kind: request.kind, channel: route.channel,
            recipient: route.address, reason: route.suppressed, dedupeKey: dedupeKey, source: request.source,
            resource: facts.resource, outboxID: nil, sendAt: now, messageID: nil)
        guard route.suppressed == nil, let channel = route.channel, let address = route.address else {
            let id = try c.insertNotice(record, now: now)
            try c.audit(
                businessID: business.id, clientID: client.id, actor: request.actor, via: request.source,
                action: "notice.suppressed", before: nil,
                after: "notice:\(id) \(request.kind.rawValue) \(route.suppressed ?? "no_contact")", now: now)
            return .created(try stored(id, now, c))
        }
        let sendAt = Self.sendTime(
            now, zone: business.zone, quietStart: settings.int("quiet_start", default: 21),
            quietEnd: settings.int("quiet_end", default: 8))
        let context = self.context(business, client, settings, enabled, channel: channel, locale: locale, sendAt, c)
        var values = baseValues(business).merging(facts.values) { _, new in new }
        values["hours"] = String(settings.int("link_hours", default: 72))
        if facts.cardLink {
            // Issued as the notice leaves, so it lasts its full time for a notice held until morning.
            let link = try plugin.cardLink(client, context)
            values["url"] = link?.url ?? values["contact"] ?? business.name
        }
        let template = RemindersPlugin.template(request.kind)
        var body = try catalog.templates.render(template, channel: channel, locale: locale, values)
        var subject: String?
        var headers: [String: String] = [:]
        if channel == .sms {
            body = SMSText.plainPunctuation(body)
        } else {
            subject = try catalog.templates.render(
                RemindersPlugin.subject(request.kind), channel: .email, locale: locale, values)
            let sender = try c.businessAddress(business.id, channel: .email) ?? "frontdesk@localhost"
            let domain = sender.split(separator: "@").last.map(String.init) ?? "localhost"
            // One Message-ID for the notice, whatever retries follow (RFC 5322 §3.6.4: unique, with a domain).
            let id = "<notice-\(UUID().uuidString.lowercased())@\(domain)>"
            headers["Message-ID"] = id
            // RFC 2369 / 8058: automated mail names how to stop it; a reply saying "unsubscribe" is honoured.
            headers["List-Unsubscribe"] = "<mailto:\(sender)?subject=unsubscribe>"
            record.messageID = id
        }
        let sender =
            try c.businessAddress(business.id, channel: channel) ?? (channel == .sms ? "" : "frontdesk@localhost")
        let outboxID = try c.enqueue(
            businessID: business.id, messageID: nil, channel: channel, kind: "notice", recipient: address,
            sender: sender, subject: subject, body: body, headers: headers, status: .pending, now: now)
        if sendAt > now { try c.deferOutbox(id: outboxID, until: sendAt) }
        record.outboxID = outboxID
        record.sendAt = sendAt
        let id = try c.insertNotice(record, now: now)
        if request.kind == .paymentFailed {
            // Replies on this conversation are read against the notice until the context expires.
            let conversation = try c.conversation(
                businessID: business.id, channel: channel, address: address, clientID: client.id, now: now)
            try c.setNoticeContext(
                conversationID: conversation.id, noticeID: id,
                expiresAt: sendAt.addingTimeInterval(Double(settings.int("context_hours", default: 72)) * 3600))
        }
        try c.audit(
            businessID: business.id, clientID: client.id, actor: request.actor, via: request.source,
            action: sendAt > now ? "notice.scheduled" : "notice.queued", before: nil,
            after: "notice:\(id) \(request.kind.rawValue) \(channel.rawValue)", now: now)
        return .created(try stored(id, now, c))
    }

    private func stored(_ id: Int, _ now: Date, _ c: any UnitOfWork) throws -> Notice {
        guard let notice = try c.notice(id: id, now: now) else { throw StoreError(.notFound, "notice vanished") }
        return notice
    }

    // MARK: Who, where, when

    /// The reminders manifest, its settings for the business, and the plugins the business has on.
    private func reminders(_ business: Business, _ c: any UnitOfWork) throws
        -> (PluginManifest, PluginSettings, [PluginManifest])
    {
        guard let manifest = catalog.manifest(RemindersPlugin.pluginID) else {
            throw NoticeError(.noticesOff, "the reminders plugin is not installed")
        }
        let stored = try c.pluginSettings(businessID: business.id, plugin: manifest.id).values
        return (
            manifest, PluginSettings(manifest: manifest, values: stored), try pipeline.enabledManifests(business.id, c)
        )
    }

    /// The client the request names, and the contact it names (a notice goes to that contact).
    private func recipientClient(_ request: NoticeRequest, business: Business, _ c: any UnitOfWork) throws
        -> (Client, Channel?, String?)
    {
        if let to = request.to {
            let channel: Channel = to.contains("@") ? .email : .sms
            guard let address = Address.normalize(to, channel: channel),
                let client = try c.client(businessID: business.id, address: address, channel: channel)
            else { throw NoticeError(.contactNotOnFile, "no client of this business has that contact on file") }
            if let id = request.clientID, id != client.id {
                throw NoticeError(.contactNotOnFile, "that contact is not on file for client \(id)")
            }
            return (client, channel, address)
        }
        guard let id = request.clientID, let client = try c.client(id: id), client.businessID == business.id else {
            throw NoticeError(.unknownClient, "no such client in this business")
        }
        return (client, nil, nil)
    }

    /// Where the notice goes, or why it does not: SMS needs the client's consent and no opt-out; email no
    /// unsubscribe. `auto` prefers SMS and falls back to email for a client without a phone or without consent to
    /// texts, never for one who opted out.
    private func route(
        _ wanted: NoticeChannel, client: Client, business: Business, toAddress: String?, toChannel: Channel?,
        _ c: any UnitOfWork
    ) throws -> (channel: Channel?, address: String?, suppressed: String?) {
        func sms() throws -> (Channel?, String?, String?) {
            let phone = toChannel == .sms ? toAddress : try c.addresses(clientID: client.id, channel: .sms).first
            guard let phone else { return (.sms, nil, "no_phone") }
            if try c.isOptedOut(businessID: business.id, address: phone) { return (.sms, phone, "opted_out") }
            if try !c.smsConsent(clientID: client.id) { return (.sms, phone, "no_sms_consent") }
            return (.sms, phone, nil)
        }
        func email() throws -> (Channel?, String?, String?) {
            let mail = toChannel == .email ? toAddress : try c.addresses(clientID: client.id, channel: .email).first
            guard let mail else { return (.email, nil, "no_email") }
            if try c.isEmailOptedOut(businessID: business.id, address: mail) { return (.email, mail, "unsubscribed") }
            return (.email, mail, nil)
        }
        switch wanted {
        case .sms: return try sms()
        case .email: return try email()
        case .auto:
            let text = try sms()
            // A client who texted STOP asked for quiet, not for the same notice by another way.
            if text.2 == nil || text.2 == "opted_out" { return text }
            let mail = try email()
            // Neither works: the SMS reason says most (an opt-out, no consent).
            return mail.2 == nil ? mail : text
        }
    }

    /// `now`, or the end of quiet hours when `now` falls inside them (business time zone; a window may span
    /// midnight, 21 to 8; equal hours mean none).
    public static func sendTime(_ now: Date, zone: TimeZone, quietStart: Int, quietEnd: Int) -> Date {
        guard quietStart != quietEnd else { return now }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let hour = calendar.component(.hour, from: now)
        let inside =
            quietStart < quietEnd ? (hour >= quietStart && hour < quietEnd) : (hour >= quietStart || hour < quietEnd)
        guard inside else { return now }
        let today = calendar.startOfDay(for: now)
        var end = calendar.date(bySettingHour: quietEnd, minute: 0, second: 0, of: today) ?? now
        if end <= now { end = calendar.date(byAdding: .day, value: 1, to: end) ?? end }
        return end
    }

    private func baseValues(_ b: Business) -> [String: String] {
        let contact = [b.contactPhone, b.contactEmail].compactMap { $0 }.joined(separator: " / ")
        return ["business": b.name, "contact": contact.isEmpty ? b.name : contact]
    }

    private func context(
        _ business: Business, _ client: Client, _ settings: PluginSettings, _ enabled: [PluginManifest],
        channel: Channel, locale: String, _ now: Date, _ c: any UnitOfWork
    ) -> PluginContext {
        let templates = catalog.templates
        return PluginContext(
            store: c, business: business, client: client, channel: channel, address: nil, now: now,
            settings: settings, links: pipeline.links, enabledManifests: enabled,
            render: { id, values in try templates.render(id, channel: channel, locale: locale, values) },
            lexicon: catalog.lexicon, actor: "system", billing: pipeline.billing, locale: locale)
    }

    // MARK: The scheduler

    /// One pass over every business that has the reminders on (or one business): billing events first (failed
    /// payments, trials ending), then renewals ahead and cards expiring. Each business in one transaction, each
    /// notice in a savepoint of its own; what is already sent for its period is not sent again.
    public func run(now: Date, businessID: Int? = nil) throws -> [NoticeRunSummary] {
        let businesses = try pipeline.store.read { try $0.businesses() }.filter {
            businessID == nil || $0.id == businessID
        }
        var summaries: [NoticeRunSummary] = []
        for business in businesses {
            let summary: NoticeRunSummary? = try pipeline.store.write { c in
                let (manifest, settings, enabled) = try reminders(business, c)
                guard enabled.contains(where: { $0.id == manifest.id }) else { return nil }
                return try runBusiness(business, settings, now: now, c)
            }
            if let summary { summaries.append(summary) }
        }
        try pipeline.store.write { try $0.pruneIdempotencyKeys(before: now.addingTimeInterval(-86_400)) }
        return summaries
    }

    private func runBusiness(_ business: Business, _ settings: PluginSettings, now: Date, _ c: any UnitOfWork) throws
        -> NoticeRunSummary
    {
        var summary = NoticeRunSummary(business: business.slug)
        let billing = pipeline.billing
        let scope = BillingScope(store: c, businessID: business.id, zone: business.zone, now: now)
        let channel = NoticeChannel(rawValue: settings.string("channel") ?? "auto") ?? .auto
        func attempt(_ request: NoticeRequest) {
            do {
                switch try c.savepoint({ try send(request, businessID: business.id, now: now, c) }) {
                case .duplicate: summary.duplicates += 1
                case .created(let n):
                    switch n.status {
                    case .suppressed: summary.suppressed += 1
                    case .scheduled: summary.scheduled += 1
                    default: summary.queued += 1
                    }
                }
            } catch {
                summary.skipped += 1
                pipeline.log.info(
                    "notice_skipped", ["business": business.slug, "kind": request.kind.rawValue, "error": "\(error)"])
            }
        }
        let trialDays = settings.bool("trial_ending") ? settings.int("trial_days", default: 3) : 0
        for event in try billing.pendingEvents(trialNoticeDays: trialDays, in: scope) {
            switch event.kind {
            case .paymentFailed where settings.bool("payment_failed"):
                var request = NoticeRequest(
                    kind: .paymentFailed, clientID: event.clientID, channel: channel, source: "billing", actor: "system"
                )
                request.invoiceID = event.invoice?.id
                request.decline = event.decline
                // A payment made since (the client paid on a page) needs no notice.
                if let invoice = event.invoice, invoice.status == .failed || invoice.status == .open {
                    attempt(request)
                }
            case .trialEnding:
                var request = NoticeRequest(
                    kind: .trialEnding, clientID: event.clientID, channel: channel, source: "billing", actor: "system")
                request.membership = event.membership
                attempt(request)
            default: break
            }
            try billing.markHandled(event, in: scope)
        }
        if settings.bool("renewal_reminder") {
            let until = now.addingTimeInterval(Double(settings.int("renewal_days", default: 7)) * 86_400)
            for m in try billing.renewals(from: now, to: until, in: scope) {
                var request = NoticeRequest(
                    kind: .renewalReminder, clientID: m.clientID, channel: channel, source: "scheduler", actor: "system"
                )
                request.membership = m
                attempt(request)
            }
        }
        if settings.bool("card_expiring") {
            let through = now.addingTimeInterval(Double(settings.int("card_expiry_days", default: 30)) * 86_400)
            for expiring in try billing.expiringCards(from: now, through: through, in: scope) {
                var request = NoticeRequest(
                    kind: .cardExpiring, clientID: expiring.clientID, channel: channel, source: "scheduler",
                    actor: "system")
                request.card = expiring.card
                attempt(request)
            }
        }
        return summary
    }
}

extension Pipeline {
    /// Automated notices sent through this pipeline's catalog, links and billing provider.
    public var notices: Notices { Notices(pipeline: self) }
}

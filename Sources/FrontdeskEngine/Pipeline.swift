import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// What happened to one inbound message.
public struct PipelineOutcome: Sendable {
    public enum Disposition: String, Sendable {
        /// A reply was queued in the outbox (or is to be returned inline).
        case replied
        /// Stored and processed, deliberately not answered (auto-reply, opted out, repeated STOP).
        case silent
        /// The provider message id was seen before: acknowledged, not processed again.
        case duplicate
    }

    public var disposition: Disposition
    public var intent: IntentID?
    public var confidence: Double?
    public var reply: String?
    public var links: [IssuedLink]
    /// `idle`, `awaiting_confirmation` or `awaiting_reason`.
    public var state: String
    /// Why no reply was sent, for silent outcomes (`auto_reply`, `opted_out`, ...).
    public var reason: String?
    public var messageID: Int?
    public var replyOutboxID: Int?
    /// Every request answered, in order (a message may ask up to three things); `intent` is the first.
    public var intents: [IntentID] = []
    /// For a staff member acting for a client: the outbox items sent to the client's own contact on file.
    public var clientOutboxIDs: [Int] = []
}

/// Errors that stop a message before it is stored.
public struct PipelineError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        case unknownBusiness = "unknown_business"
        case invalidMessage = "invalid_message"
    }
    public var code: Code
    public var message: String
    public var description: String { message }
}

/// The channel-agnostic pipeline: keywords → pending confirmation → classify → permission → plugin →
/// template → outbox + audit, all in one transaction per message.
public final class Pipeline: Sendable {
    public let store: any Store
    public let catalog: Catalog
    public let classifier: any IntentClassifier
    public let clock: any Clock
    public let links: LinkIssuer
    /// Where every billing action goes (the built-in ledger unless another provider is configured).
    public let billing: any BillingProvider
    public let log: Logger
    /// Below this confidence the intent is `unknown` (a clarification menu, never a guess).
    public let threshold: Double
    let plugins: [String: any Plugin]
    /// Reads answers, explicit requests and clauses with the catalog's words.
    let reader: Reader
    /// Tells which of the catalog's languages a message is written in (made on first use or by `warmUp`: reading
    /// every example and template is not work for the start path).
    var language: LanguageDetector { languageOnce.value }
    private let languageOnce: Once<LanguageDetector>
    /// The help menu's values per business, locale and channel (`HelpPlugin.values`), made once.
    let menus = MenuMemo()

    /// Templates the pipeline itself renders (plugins name theirs in their manifests).
    public static let coreTemplates = [
        "core/unknown_sender", "core/not_available", "core/nothing_pending", "core/expired", "core/error",
        "core/staff_only", "core/card_in_message", "core/unverified_notice", "core/staff_subject",
        "core/unverified_subject", "core/staff_summary", "core/staff_summary_none",
    ]

    /// Faults in how the catalog fits the code: a manifest without a registered plugin (or the reverse), or a
    /// template the pipeline needs that is missing. `frontdesk check` and start-up report them.
    public static func validate(_ catalog: Catalog, plugins: [any Plugin] = BuiltinPlugins.all) -> [Diagnostic] {
        var faults: [Diagnostic] = []
        let registered = Set(plugins.map(\.id))
        for m in catalog.manifests where !registered.contains(m.id) {
            faults.append(
                Diagnostic(
                    file: "plugins/\(m.id)/plugin.json", line: 1,
                    message: "no plugin type is registered for \(m.id) (BuiltinPlugins.all)"))
        }
        for id in registered.sorted() where catalog.manifest(id) == nil {
            faults.append(
                Diagnostic(
                    file: "plugins/\(id)/plugin.json", line: 0, message: "registered plugin \(id) has no manifest"))
        }
        for t in coreTemplates + dialogueTemplates + staffTemplates + verificationTemplates + privacyTemplates
            + linkTemplates
        where !catalog.templates.has(t, locale: "en") {
            faults.append(
                Diagnostic(file: "prompts/en/\(t).txt", line: 0, message: "template \(t) is required by the pipeline"))
        }
        return faults
    }

    public init(
        store: any Store, catalog: Catalog, classifier: any IntentClassifier, clock: any Clock, links: LinkIssuer,
        plugins: [any Plugin] = BuiltinPlugins.all, log: Logger = .silent, threshold: Double = 0.4,
        billing: any BillingProvider = LedgerBilling()
    ) {
        self.billing = billing
        self.store = store
        self.catalog = catalog
        self.classifier = classifier
        self.clock = clock
        self.links = links
        self.log = log
        self.threshold = threshold
        reader = Reader(lexicon: catalog.lexicon)
        languageOnce = Once { [catalog] in catalog.languageDetector() }
        var byID: [String: any Plugin] = [:]
        for p in plugins { byID[p.id] = p }
        self.plugins = byID
    }

    /// Processes one message in one transaction. `businessSlug` picks the business directly (CLI);
    /// otherwise the message's `to` address routes it. `inline` marks the reply as delivered by the
    /// caller (Twilio TwiML) rather than by the outbox worker.
    public func handle(_ message: InboundMessage, businessSlug: String? = nil, inline: Bool = false) throws
        -> PipelineOutcome
    {
        // Classifying is pure: done here, before the writer is taken, the transaction only looks the answers up.
        let guesses = Guesses(classifier)
        guesses.prepare(message, self)
        do {
            return try store.write { c in
                try process(message, businessSlug: businessSlug, inline: inline, guesses: guesses, c)
            }
        } catch let error as StoreError where error.kind == .duplicate {
            // Another delivery of the same provider message id won the race.
            return PipelineOutcome(disposition: .duplicate, links: [], state: "idle")
        }
    }

    private func process(
        _ message: InboundMessage, businessSlug: String?, inline: Bool, guesses: Guesses, _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        let now = clock.now()
        let business: Business
        if let businessSlug {
            guard let b = try c.business(slug: businessSlug) else {
                throw PipelineError(code: .unknownBusiness, message: "unknown business \(businessSlug)")
            }
            business = b
        } else {
            let to = Address.normalize(message.to, channel: message.channel) ?? message.to.lowercased()
            // A handoff notice's reply address (`desk+r…@`) belongs to its inbox's business (see `relayStaffReply`).
            guard
                let b = try c.business(routedTo: to, channel: message.channel)
                    ?? ReplyAddress.inbox(of: to).flatMap({ try c.business(routedTo: $0, channel: message.channel) })
            else {
                throw PipelineError(
                    code: .unknownBusiness, message: "no business for this \(message.channel.rawValue) address")
            }
            business = b
        }
        if let earlier = try c.messageID(provider: message.provider, providerMessageID: message.providerMessageID) {
            // A provider retry. An inline (TwiML) reply lives only in the lost HTTP response, so hand it back
            // again; a reply queued in the outbox leaves from there and is not repeated.
            guard let stored = try c.outboxItems(messageID: earlier).first(where: { $0.status == .inline })?.body else {
                return PipelineOutcome(disposition: .duplicate, links: [], state: "idle", messageID: earlier)
            }
            let (reply, links) = try reissuingLinks(in: stored, now: now, c)
            return PipelineOutcome(
                disposition: .duplicate, reply: reply, links: links, state: "idle", messageID: earlier)
        }
        let from = Address.normalize(message.from, channel: message.channel) ?? message.from.lowercased()
        // An SMS consent keyword (STOP, START and their synonyms) always takes effect, whatever the sender's count.
        let consent =
            message.channel == .sms
            && Keywords.match(message.text.trimmedWhitespace(), in: catalog.lexicon).map(Self.consentIntents.contains)
                == true
        guard try consent || RateLimiter.admit(businessID: business.id, sender: from, now: now, c) else {
            return PipelineOutcome(disposition: .silent, links: [], state: "idle", reason: "rate_limited")
        }
        // What a person wrote is kept and used without card numbers or link tokens (SPEC §7).
        let (message, masked) = try withoutSecrets(message, c)
        let text = message.text.trimmedWhitespace()
        var sender = try identify(message, from: from, business: business, c)
        let locale = try replyLocale(message, text: text, sender: &sender, business: business, c)
        let conversation = try c.conversation(
            businessID: business.id, channel: message.channel, address: from, clientID: sender.client?.id, now: now)
        let messageID = try c.insertMessage(
            NewMessage(
                businessID: business.id, conversationID: conversation.id, direction: "in", channel: message.channel,
                provider: message.provider, providerMessageID: message.providerMessageID, from: from,
                to: message.to, subject: message.subject, rawSize: message.rawSize, text: text,
                senderTrust: Self.senderTrust(message)),
            now: now)
        var turn = Turn(
            message: message, business: business, from: from, text: text, cardMasked: masked, sender: sender,
            conversation: conversation, messageID: messageID, now: now, inline: inline, locale: locale)
        turn.guesses = guesses
        return try decide(&turn, c)
    }

    // MARK: Deciding

    struct Sender {
        var client: Client?
        var staff: Staff?
    }

    struct Turn {
        var message: InboundMessage
        var business: Business
        var from: String
        var text: String
        var cardMasked: Bool
        var sender: Sender
        var conversation: Conversation
        var messageID: Int
        var now: Date
        var inline: Bool
        /// The language of the reply (`replyLocale`); staff notices use the business's.
        var locale: String
        /// The classifier's answers worked out before the transaction (see `Guesses`).
        var guesses: Guesses? = nil
    }

    /// Who wrote: a client matched by address, or staff from their registered address. Email is trusted
    /// only with passing SPF/DKIM/DMARC verdicts; the client a staff member acts for is found later (`staffTurn`).
    private func identify(_ m: InboundMessage, from: String, business: Business, _ c: any UnitOfWork) throws -> Sender {
        guard Self.senderTrust(m) == .verified else { return Sender() }
        if let staff = try c.staff(businessID: business.id, address: from, channel: m.channel) {
            return Sender(client: nil, staff: staff)
        }
        return Sender(client: try c.client(businessID: business.id, address: from, channel: m.channel))
    }

    private func decide(_ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome {
        if t.message.isAutoReply {
            return silent(t, reason: "auto_reply")
        }
        switch Self.senderTrust(t.message) {
        case .verified: break
        case .unverified:
            // Most likely a forged From: no action, and no reply to an address that did not write (no backscatter).
            return silent(t, reason: "unverified_sender")
        case .unknown:
            // No verdict at all: nothing automated, nothing to the sender; staff see it, so no real client is ignored.
            try notifyStaff(t, UnverifiedNotice.notice(t), subject: UnverifiedNotice.subject(t), c)
            return silent(t, reason: "no_sender_verdict")
        }
        let keyword = t.message.channel == .sms ? Keywords.match(t.text, in: catalog.lexicon) : nil
        if t.message.channel == .sms, keyword != "optin", try c.isOptedOut(businessID: t.business.id, address: t.from) {
            try c.updateMessageIntent(id: t.messageID, intent: keyword ?? "optedout", confidence: 1)
            return silent(t, reason: "opted_out")
        }
        if let relayed = try relayStaffReply(&t, c) { return relayed }
        // A person has taken the conversation in the console: the bot stays silent (SMS keywords still apply).
        if keyword == nil, try heldByPerson(t, c) { return silent(t, reason: "taken_over") }
        if let keyword {
            return try run(intent: keyword, confidence: 1, entities: [:], &t, c)
        }
        if let staff = t.sender.staff { return try staffTurn(&t, staff, c) }
        return try converse(&t, c)
    }

    func pendingAction(_ conversation: Conversation) -> PendingAction? {
        guard let action = conversation.pendingAction, let expires = conversation.pendingExpiresAt else { return nil }
        return PendingAction(action: action, payload: conversation.pendingPayload ?? "", expiresAt: expires)
    }

    func run(
        intent: IntentID, confidence: Double, entities: [String: String], _ t: inout Turn, _ c: any UnitOfWork
    )
        throws -> PipelineOutcome
    {
        let decision = Decision(
            intent: intent, confidence: confidence, entities: entities, text: t.text, decidedBy: .keyword)
        return try answer([decision], keeping: nil, &t, c)
    }

    /// Runs one request: its plugin must be enabled and allow the sender's role; the plugin's side effects
    /// (pending question, audit, staff notices) are applied and its reply returned as one part.
    func perform(_ d: Decision, _ t: inout Turn, _ c: any UnitOfWork) throws -> Part {
        // An intent no plugin owns (a classifier ahead of its plugins) is answered as unknown, never guessed at.
        let intent = catalog.owner(of: d.intent) == nil ? IntentID.unknown : d.intent
        let confidence = d.confidence
        guard let manifest = catalog.owner(of: intent),
            let spec = manifest.intents.first(where: { $0.id == intent })
        else {
            return Part(template: "core/error", intent: intent, confidence: confidence)
        }
        let enabled = try enabledManifests(t.business.id, c)
        guard enabled.contains(where: { $0.id == manifest.id }) else {
            let context = try makeContext(t, manifest: manifest, enabled: enabled, c)
            return Part(
                template: "core/not_available", values: try HelpPlugin.values(context), intent: intent,
                confidence: confidence)
        }
        // Permissions live here, not in plugins: staff act for a client as far as their role allows (per business).
        let role: Role? =
            t.sender.staff.map { Role(rawValue: $0.role.rawValue) ?? .staff } ?? (t.sender.client != nil ? .client : nil)
        if let role, try !allowedRoles(spec, businessID: t.business.id, role: role, c).contains(role) {
            return role == .client
                ? Part(template: "core/staff_only", intent: intent, confidence: confidence)
                : notAllowed(intent, role: role, confidence: confidence)
        }
        var request = PluginRequest(intent: intent, text: d.text, entities: d.entities)
        if t.cardMasked { request.entities["card_number_masked"] = "1" }
        let context = try makeContext(t, manifest: manifest, enabled: enabled, c)
        let pluginReply = invoke(manifest.id, c) { plugin in try plugin.handle(request, in: context) }
        // A plugin that needs a client found none: staff are asked which client, anyone else to verify.
        if pluginReply.template == "core/unknown_sender" { return try unmatched(d, &t, c) }
        try effects(&t, pluginReply, c)
        return Part(
            template: pluginReply.template, values: pluginReply.values, links: pluginReply.links, intent: intent,
            confidence: confidence)
    }

    func resume(_ pending: PendingAction, answer: Answer, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome
    {
        try clearPending(&t, c)
        guard let manifest = catalog.manifest(pending.plugin) else {
            return try reply(
                &t, template: "core/nothing_pending", values: [:], intent: "confirmation", confidence: 1, c)
        }
        let enabled = try enabledManifests(t.business.id, c)
        let context = try makeContext(t, manifest: manifest, enabled: enabled, c)
        let pluginReply = invoke(manifest.id, c) { plugin in try plugin.resume(pending, answer: answer, in: context) }
        return try finish(&t, pluginReply, intent: manifest.intents.first?.id ?? "confirmation", confidence: 1, c)
    }

    /// Runs a plugin in a savepoint: typed errors become their template; anything else a logged apology.
    func invoke(_ id: String, _ c: any UnitOfWork, _ body: (any Plugin) throws -> PluginReply) -> PluginReply {
        guard let plugin = plugins[id] else { return PluginReply(template: "core/error") }
        do {
            return try c.savepoint { try body(plugin) }
        } catch let error as PluginError {
            return PluginReply(template: error.template, values: error.values)
        } catch {
            log.error("plugin_failed", ["plugin": id, "error": String(describing: type(of: error))])
            return PluginReply(template: "core/error")
        }
    }

    func enabledManifests(_ businessID: Int, _ c: any UnitOfWork) throws -> [PluginManifest] {
        let flags = try c.pluginEnabledFlags(businessID: businessID)
        return catalog.manifests.filter { m in m.alwaysOn || (flags[m.id] ?? m.enabledByDefault) }
    }

    func makeContext(_ t: Turn, manifest: PluginManifest, enabled: [PluginManifest], _ c: any UnitOfWork) throws
        -> PluginContext
    {
        let stored = try c.pluginSettings(businessID: t.business.id, plugin: manifest.id).values
        let templates = catalog.templates
        let channel = t.message.channel
        let (locale, staffLocale) = (t.locale, t.business.locale)
        var context = PluginContext(
            store: c, business: t.business, client: t.sender.client, channel: channel, address: t.from, now: t.now,
            settings: PluginSettings(manifest: manifest, values: stored), links: links, enabledManifests: enabled,
            render: { id, values in try templates.render(id, channel: channel, locale: locale, values) },
            lexicon: catalog.lexicon, actor: actor(t), billing: billing, locale: locale,
            renderForStaff: { id, values in try templates.render(id, channel: .email, locale: staffLocale, values) })
        context.menus = menus
        return context
    }

    // MARK: Replying

    func finish(_ t: inout Turn, _ r: PluginReply, intent: IntentID, confidence: Double, _ c: any UnitOfWork)
        throws -> PipelineOutcome
    {
        try effects(&t, r, c)
        let part = Part(template: r.template, values: r.values, links: r.links, intent: intent, confidence: confidence)
        return try send([part], &t, c)
    }

    /// A plugin reply's side effects: the question it leaves pending, its audit row, its notices to staff.
    func effects(_ t: inout Turn, _ r: PluginReply, _ c: any UnitOfWork) throws {
        if let pending = r.pending {
            try c.setPending(
                conversationID: t.conversation.id, action: pending.action, payload: pending.payload,
                expiresAt: pending.expiresAt)
            t.conversation.pendingAction = pending.action
            t.conversation.pendingPayload = pending.payload
            t.conversation.pendingExpiresAt = pending.expiresAt
        }
        if let action = r.auditAction {
            try c.audit(
                businessID: t.business.id, clientID: t.sender.client?.id, actor: actor(t),
                via: t.message.channel.rawValue, action: action, before: r.auditBefore, after: r.auditAfter, now: t.now)
        }
        for notice in r.staffNotices {
            try notifyStaff(t, notice, c)
        }
        for message in r.messages {
            try send(message, t, c)
        }
    }

    /// Queues a plugin's message to another address than the sender's, in the reply's language.
    private func send(_ m: ContactMessage, _ t: Turn, _ c: any UnitOfWork) throws {
        let values = baseValues(t).merging(m.values) { _, new in new }
        let templates = catalog.templates
        let body = try templates.render(m.template, channel: m.channel, locale: t.locale, values)
        try c.enqueue(
            businessID: t.business.id, messageID: t.messageID, channel: m.channel, kind: m.kind, recipient: m.address,
            sender: try c.businessAddress(t.business.id, channel: m.channel) ?? t.message.to,
            subject: m.channel == .email
                ? try templates.render(m.subject, channel: .email, locale: t.locale, values) : nil,
            // By SMS, GSM-7 punctuation as in every reply ("•••7788" reads "***7788"): one bullet would make it UCS-2.
            body: m.channel == .sms ? SMSText.plainPunctuation(body) : body, headers: [:], status: .pending, now: t.now)
    }

    func clearPending(_ t: inout Turn, _ c: any UnitOfWork) throws {
        try c.setPending(conversationID: t.conversation.id, action: nil, payload: nil, expiresAt: nil)
        t.conversation.pendingAction = nil
        t.conversation.pendingPayload = nil
        t.conversation.pendingExpiresAt = nil
    }

    static func state(_ pending: PendingAction?) -> String {
        switch pending?.step {
        // A save offer shown with a cancellation still waits for the YES (or the offer's word).
        case "confirm", "offer": return "awaiting_confirmation"
        case "reason": return "awaiting_reason"
        case .some(let s): return "awaiting_\(s)"
        case nil: return "idle"
        }
    }

    func actor(_ t: Turn) -> String {
        if let staff = t.sender.staff { return "staff:\(staff.id)" }
        if let client = t.sender.client { return "client:\(client.id)" }
        return "unknown"
    }

    func baseValues(_ t: Turn) -> [String: String] {
        let b = t.business
        let contact = [b.contactPhone, b.contactEmail].compactMap { $0 }.joined(separator: " / ")
        return [
            "business": b.name, "contact": contact.isEmpty ? b.name : contact, "channel": t.message.channel.rawValue,
            "name": t.sender.client?.firstName ?? "",
        ]
    }

    /// Renders a reply and queues it in the outbox, in the message's transaction. `before` are earlier parts of
    /// the same reply (answers to other requests of the message), already rendered.
    func reply(
        _ t: inout Turn, template: String, values: [String: String], intent: IntentID, confidence: Double,
        before: [String] = [], _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        let merged = baseValues(t).merging(values) { _, new in new }
        var body: String
        do {
            body = try catalog.templates.render(template, channel: t.message.channel, locale: t.locale, merged)
        } catch {
            log.error("template_failed", ["template": template])
            body = try catalog.templates.render("core/error", channel: t.message.channel, locale: t.locale, merged)
        }
        if t.cardMasked { body = try withCardNote(body, t) }
        try c.updateMessageIntent(id: t.messageID, intent: intent, confidence: confidence)
        body =
            t.message.channel == .sms
            ? try fitSMS(before + [body], &t, c) : (before + [body]).joined(separator: "\n\n")
        let recipient = t.from
        let sender = try c.businessAddress(t.business.id, channel: t.message.channel) ?? t.message.to
        var headers: [String: String] = [:]
        var subject: String?
        if t.message.channel == .email {
            let original = t.message.subject ?? ""
            subject =
                original.lowercased().hasPrefix("re:")
                ? original : "Re: " + (original.isEmpty ? t.business.name : original)
            if let id = t.message.messageID {
                headers["In-Reply-To"] = id
                headers["References"] = (t.message.references + [id]).joined(separator: " ")
            }
        }
        let outboxID = try c.enqueue(
            businessID: t.business.id, messageID: t.messageID, channel: t.message.channel,
            kind: intent == "optout" || intent == "optin" ? "compliance" : "reply", recipient: recipient,
            sender: sender, subject: subject, body: body, headers: headers,
            status: t.inline && t.message.channel == .sms ? .inline : .pending, now: t.now)
        return PipelineOutcome(
            disposition: .replied, intent: intent, confidence: confidence, reply: body, links: [], state: "idle",
            reason: nil, messageID: t.messageID, replyOutboxID: outboxID)
    }

    private func notifyStaff(
        _ t: Turn, _ notice: StaffNotice,
        subject: StaffNotice = StaffNotice(template: "core/staff_subject", values: [:]), _ c: any UnitOfWork
    ) throws {
        let merged = baseValues(t).merging(notice.values) { _, new in new }
            .merging(try handoffValues(t, notice, c)) { _, new in new }
        let body = try catalog.templates.render(notice.template, channel: .email, locale: t.business.locale, merged)
        let subject = try catalog.templates.render(
            subject.template, channel: .email, locale: t.business.locale,
            baseValues(t).merging(subject.values) { _, new in new })
        let sender = try c.businessAddress(t.business.id, channel: .email) ?? "frontdesk@localhost"
        for member in try c.staff(businessID: t.business.id) {
            guard let email = member.email else { continue }
            try c.enqueue(
                businessID: t.business.id, messageID: t.messageID, channel: .email, kind: "staff_notice",
                recipient: email, sender: sender, subject: subject, body: body,
                headers: try handoffHeaders(t, notice, for: member, c), status: .pending, now: t.now)
        }
    }

    func silent(_ t: Turn, reason: String, intent: IntentID? = nil, confidence: Double? = nil)
        -> PipelineOutcome
    {
        PipelineOutcome(
            disposition: .silent, intent: intent, confidence: confidence, reply: nil, links: [], state: "idle",
            reason: reason, messageID: t.messageID, replyOutboxID: nil)
    }
}

extension Pipeline {
    /// A stored reply with each of its links live again. Tokens are never stored readable (the reply holds
    /// `/l/[link 17]`), so a link not yet used nor expired gets a new token for the same page, client and expiry; a used
    /// or expired one keeps its placeholder (its page would only say so).
    func reissuingLinks(in stored: String, now: Date, _ c: any UnitOfWork) throws -> (String, [IssuedLink]) {
        var issued: [IssuedLink] = []
        let text = try LinkRedaction.restore(stored) { id in
            guard let link = try c.link(id: id), link.usedAt == nil, link.expiresAt > now else { return nil }
            let fresh = try links.reissue(link, store: c, now: now)
            issued.append(fresh.link)
            return fresh.token
        }
        return (text, issued)
    }
}

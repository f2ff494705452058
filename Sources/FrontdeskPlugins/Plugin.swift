import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// A capability: a small type plus data (`plugins/<id>/plugin.json`, examples, `prompts/…` templates).
///
/// Plugins run inside the message's transaction. They never check permissions (the router does)
/// and never write reply text (they name a template and its values).
public protocol Plugin: Sendable {
    /// The manifest id (`cancel`).
    var id: String { get }
    /// Handles a classified request.
    func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply
    /// Continues after the client answered a pending confirmation this plugin asked for.
    func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply
    /// One line that asks this plugin's pending question again, naming the action and its effect; said when
    /// the client answered something else ("ok", a side question). Nil: the pipeline's generic reminder.
    func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply?
    /// The page of one of this plugin's link actions (`link_actions` in its manifest): what will happen, read-only
    /// (mail scanners open links, so it changes nothing).
    func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage
    /// Carries out a link action submitted from its page, inside the link's transaction. The link is spent only
    /// when the outcome says so; otherwise everything written is undone (input to correct on the same link).
    func submitLink(_ link: LinkRequest, form: [String: String], in context: PluginContext) throws -> LinkOutcome
}

extension Plugin {
    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "core/nothing_pending")
    }

    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? { nil }

    public func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage {
        throw PluginError(template: "core/page_invalid")
    }

    public func submitLink(_ link: LinkRequest, form: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        throw PluginError(template: "core/page_invalid")
    }
}

/// A one-time link being opened or submitted: its action and the record it is bound to (`membership:12`).
public struct LinkRequest: Sendable, Equatable {
    public var action: String
    public var resourceKind: String
    public var resourceID: Int?
    public var linkID: Int

    public init(action: String, resource: String, linkID: Int) {
        self.action = action
        let parts = resource.split(separator: ":", maxSplits: 1)
        resourceKind = parts.first.map(String.init) ?? ""
        resourceID = parts.count == 2 ? Int(parts[1]) : nil
        self.linkID = linkID
    }

    /// The bound record's id, when it is of `kind`; else the page for a link that is not valid.
    public func id(of kind: String) throws -> Int {
        guard resourceKind == kind, let resourceID else { throw PluginError(template: "core/page_invalid") }
        return resourceID
    }
}

/// A message to the client about what a link page did (sent to the client's usual address through the outbox).
public struct ClientNotice: Sendable, Equatable {
    public var template: String
    public var values: [String: String]
    public init(template: String, values: [String: String]) {
        self.template = template
        self.values = values
    }
}

/// What submitting a link page did: the page to show, whether the link is spent, and the side effects.
public struct LinkOutcome: Sendable {
    public var page: LinkPage
    /// The link is used up: the action happened (or was attempted, like a declined charge). False: the page asks
    /// for corrected input and nothing it wrote is kept.
    public var spendsLink: Bool
    public var auditAction: String?
    public var auditBefore: String?
    public var auditAfter: String?
    public var clientNotice: ClientNotice?
    public var staffNotices: [StaffNotice]

    public init(
        page: LinkPage, spendsLink: Bool = true, auditAction: String? = nil, auditBefore: String? = nil,
        auditAfter: String? = nil, clientNotice: ClientNotice? = nil, staffNotices: [StaffNotice] = []
    ) {
        self.page = page
        self.spendsLink = spendsLink
        self.auditAction = auditAction
        self.auditBefore = auditBefore
        self.auditAfter = auditAfter
        self.clientNotice = clientNotice
        self.staffNotices = staffNotices
    }
}

/// What the client asked, after classification.
public struct PluginRequest: Sendable {
    public var intent: IntentID
    public var text: String
    public var entities: [String: String]

    public init(intent: IntentID, text: String, entities: [String: String] = [:]) {
        self.intent = intent
        self.text = text
        self.entities = entities
    }
}

/// The client's answer to a pending confirmation.
public enum Answer: Sendable, Equatable {
    case yes(detail: String)
    case no
    /// Free text, for a pending question such as "why are you leaving?".
    case text(String)
    /// The client took the save offer shown with their question ("PAUSE"), for a pending step `offer`.
    case acceptOffer
}

/// A question waiting for the client's answer, with an expiry.
public struct PendingAction: Sendable, Equatable {
    /// `plugin:step`, e.g. `cancel:confirm`.
    public var action: String
    public var payload: String
    public var expiresAt: Date

    public init(action: String, payload: String, expiresAt: Date) {
        self.action = action
        self.payload = payload
        self.expiresAt = expiresAt
    }

    public var plugin: String { String(action.prefix { $0 != ":" }) }
    public var step: String { action.split(separator: ":").dropFirst().first.map(String.init) ?? "" }
}

/// A notice for the business's staff (sent through the outbox to the owner and admins' email).
public struct StaffNotice: Sendable, Equatable {
    public var template: String
    public var values: [String: String]
    /// The notice asks staff to answer the client (a handoff): the conversation waits for a person in the console,
    /// and each staff member's copy carries a reply address that reaches the client.
    public var asksForPerson: Bool
    public init(template: String, values: [String: String], asksForPerson: Bool = false) {
        self.template = template
        self.values = values
        self.asksForPerson = asksForPerson
    }
}

/// A message to an address other than the one the client writes from, in the client's language: a one-time code to a
/// new contact being added, a notice to the contact it replaced. Sent through the outbox as `kind`.
public struct ContactMessage: Sendable, Equatable {
    public var channel: Channel
    public var address: String
    public var template: String
    /// The email subject's template.
    public var subject: String
    public var values: [String: String]
    /// The outbox kind: `verification` (its body is redacted once it has left) or `security`.
    public var kind: String

    public init(
        channel: Channel, address: String, template: String, subject: String, values: [String: String], kind: String
    ) {
        self.channel = channel
        self.address = address
        self.template = template
        self.subject = subject
        self.values = values
        self.kind = kind
    }
}

/// What a plugin answers: a template and its values, plus side outputs.
public struct PluginReply: Sendable {
    public var template: String
    public var values: [String: String]
    public var links: [IssuedLink]
    /// A question to remember; `nil` clears any pending one.
    public var pending: PendingAction?
    public var staffNotices: [StaffNotice]
    /// For audit: what changed.
    public var auditAction: String?
    public var auditBefore: String?
    public var auditAfter: String?
    /// Messages to other addresses than the sender's (a code to a new contact), queued with the reply.
    public var messages: [ContactMessage]

    public init(
        template: String, values: [String: String] = [:], links: [IssuedLink] = [], pending: PendingAction? = nil,
        staffNotices: [StaffNotice] = [], auditAction: String? = nil, auditBefore: String? = nil,
        auditAfter: String? = nil, messages: [ContactMessage] = []
    ) {
        self.messages = messages
        self.template = template
        self.values = values
        self.links = links
        self.pending = pending
        self.staffNotices = staffNotices
        self.auditAction = auditAction
        self.auditBefore = auditBefore
        self.auditAfter = auditAfter
    }
}

/// A plugin fault that maps to a reply template (anything else becomes a generic apology).
public struct PluginError: Error, Sendable {
    public var template: String
    public var values: [String: String]
    public init(template: String, values: [String: String] = [:]) {
        self.template = template
        self.values = values
    }
}

/// Everything a plugin may use while handling one message.
public struct PluginContext {
    /// The message's transaction: every repository, through the store's protocols.
    public let store: any UnitOfWork
    public let business: Business
    public let client: Client?
    public let channel: Channel
    /// The sender's canonical address.
    public let address: String?
    public let now: Date
    public let settings: PluginSettings
    public let links: LinkIssuer
    /// Manifests of the plugins enabled for this business (for help).
    public let enabledManifests: [PluginManifest]
    /// Renders a template for the reply's locale and this channel (for parts of a reply).
    public let render: (String, [String: String]) throws -> String
    /// The words of every locale (month names, periods), from `prompts/<locale>/words.json`.
    public let lexicon: Lexicon
    /// Who is asking, for the records a plugin keeps: `client:N`, or `staff:N` acting for the client.
    public let actor: String
    /// Where every billing action goes (plugins never touch billing rows).
    public let billing: any BillingProvider
    /// The reply's locale: the client's language, else the message's, else the business's.
    public let locale: String
    /// Renders a template for staff notices: the business's locale, by email.
    public let renderForStaff: (String, [String: String]) throws -> String
    /// Where the help menu's values are kept between messages (the pipeline's; nil: made every time).
    public var menus: MenuMemo?

    public init(
        store: any UnitOfWork, business: Business, client: Client?, channel: Channel, address: String?, now: Date,
        settings: PluginSettings,
        links: LinkIssuer, enabledManifests: [PluginManifest],
        render: @escaping (String, [String: String]) throws -> String, lexicon: Lexicon = Lexicon(),
        actor: String? = nil, billing: any BillingProvider = LedgerBilling(), locale: String? = nil,
        renderForStaff: ((String, [String: String]) throws -> String)? = nil
    ) {
        self.billing = billing
        self.render = render
        self.lexicon = lexicon
        self.actor = actor ?? client.map { "client:\($0.id)" } ?? "unknown"
        self.locale = locale ?? business.locale
        self.renderForStaff = renderForStaff ?? render
        self.store = store
        self.business = business
        self.client = client
        self.channel = channel
        self.address = address
        self.now = now
        self.settings = settings
        self.links = links
        self.enabledManifests = enabledManifests
    }

    /// The client, or the reply for an unknown sender.
    public func requireClient() throws -> Client {
        guard let client else { throw PluginError(template: "core/unknown_sender") }
        return client
    }

    /// A date in the reply's locale and the business's time zone ("Dec 5, 2026", "5 déc. 2026").
    public func date(_ date: Date?) -> String {
        date.map { Format.date($0, in: business.zone, style: lexicon.style(locale)) } ?? "-"
    }

    /// An amount in the reply's locale ("$49.00", "49,00 €").
    public func money(_ minor: Int, currency: String) -> String {
        Format.money(minor, currency: currency, style: lexicon.style(locale))
    }

    /// This message's transaction, business, clock and time zone, for the billing provider.
    public var scope: BillingScope {
        BillingScope(store: store, businessID: business.id, zone: business.zone, now: now)
    }

    /// Whether an enabled plugin owns a link action (a link is issued only for what can be opened).
    public func offers(linkAction action: String) -> Bool {
        enabledManifests.contains { $0.linkActions.contains { $0.id == action } }
    }

    /// A page rendered from one template (first line the title, then paragraphs).
    public func page(_ template: String, _ values: [String: String] = [:], status: Int = 200) throws -> LinkPage {
        LinkPage(status: status, rendered: try render(template, values))
    }
}

/// A plugin's effective settings for one business: stored values over manifest defaults.
public struct PluginSettings: Sendable {
    public var manifest: PluginManifest
    public var values: [String: SettingValue]

    public init(manifest: PluginManifest, values: [String: SettingValue]) {
        self.manifest = manifest
        self.values = values
    }

    public subscript(_ key: String) -> SettingValue? { values[key] ?? manifest.setting(key)?.defaultValue }
    public func bool(_ key: String) -> Bool { self[key]?.boolValue ?? false }
    public func int(_ key: String, default d: Int) -> Int { self[key]?.intValue ?? d }
    public func string(_ key: String) -> String? { self[key]?.stringValue }
}

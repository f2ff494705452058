import Foundation
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
}

extension Plugin {
    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "core/nothing_pending")
    }

    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? { nil }
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
    public init(template: String, values: [String: String]) {
        self.template = template
        self.values = values
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

    public init(
        template: String, values: [String: String] = [:], links: [IssuedLink] = [], pending: PendingAction? = nil,
        staffNotices: [StaffNotice] = [], auditAction: String? = nil, auditBefore: String? = nil,
        auditAfter: String? = nil
    ) {
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
    /// The reply's locale: the client's language, else the message's, else the business's.
    public let locale: String
    /// Renders a template for staff notices: the business's locale, by email.
    public let renderForStaff: (String, [String: String]) throws -> String

    public init(
        store: any UnitOfWork, business: Business, client: Client?, channel: Channel, address: String?, now: Date,
        settings: PluginSettings,
        links: LinkIssuer, enabledManifests: [PluginManifest],
        render: @escaping (String, [String: String]) throws -> String, lexicon: Lexicon = Lexicon(),
        locale: String? = nil, renderForStaff: ((String, [String: String]) throws -> String)? = nil
    ) {
        self.render = render
        self.lexicon = lexicon
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

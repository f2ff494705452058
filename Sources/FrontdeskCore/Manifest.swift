import Foundation

/// Who may ask for an intent. Clients are matched by address; staff by their registered, verified address.
public enum Role: String, Codable, Sendable, CaseIterable {
    case client, staff, admin, owner
}

/// How the router confirms an intent before the plugin's side effect runs.
public enum ConfirmPolicy: String, Codable, Sendable {
    /// No confirmation (read-only or link-based).
    case none
    /// The plugin asks for it (YES/NO by reply) through its own setting.
    case plugin
}

/// A setting's type, range and default, from `plugin.json`.
public struct SettingSpec: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case bool, int, string
        case enumeration = "enum"
        /// Opening hours in the business's time zone (`BusinessHours`); empty means always open.
        case hours
    }
    public var key: String
    public var kind: Kind
    public var defaultValue: SettingValue
    public var minimum: Int?
    public var maximum: Int?
    public var values: [String]
    public var description: String

    public init(
        key: String, kind: Kind, defaultValue: SettingValue, minimum: Int? = nil, maximum: Int? = nil,
        values: [String] = [], description: String = ""
    ) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.minimum = minimum
        self.maximum = maximum
        self.values = values
        self.description = description
    }

    /// Parses a value typed by an admin (`true`, `15`, `period_end`) against this spec.
    public func parse(_ raw: String) -> Result<SettingValue, SettingError> {
        switch kind {
        case .bool:
            switch raw.lowercased() {
            case "true", "yes", "on", "1": return .success(.bool(true))
            case "false", "no", "off", "0": return .success(.bool(false))
            default: return .failure(SettingError("\(key) must be true or false"))
            }
        case .int:
            guard let n = Int(raw) else { return .failure(SettingError("\(key) must be a whole number")) }
            return validate(.int(n))
        case .string:
            return .success(.string(raw))
        case .enumeration, .hours:
            return validate(.string(raw))
        }
    }

    /// Checks a typed value against the spec's type and range.
    public func validate(_ value: SettingValue) -> Result<SettingValue, SettingError> {
        switch (kind, value) {
        case (.bool, .bool), (.string, .string): return .success(value)
        case (.int, .int(let n)):
            if let lo = minimum, n < lo { return .failure(SettingError("\(key) must be at least \(lo)")) }
            if let hi = maximum, n > hi { return .failure(SettingError("\(key) must be at most \(hi)")) }
            return .success(value)
        case (.enumeration, .string(let s)):
            guard values.contains(s) else {
                return .failure(SettingError("\(key) must be one of \(values.joined(separator: ", "))"))
            }
            return .success(value)
        case (.hours, .string(let s)):
            guard BusinessHours(s) != nil else {
                return .failure(
                    SettingError(
                        "\(key) must be days and times such as mon-fri 09:00-17:00, sat 10:00-14:00"
                            + " (empty: always open)"))
            }
            return .success(value)
        default:
            return .failure(SettingError("\(key) must be of type \(kind.rawValue)"))
        }
    }
}

/// A bad setting key or value; the message names the setting, never a secret.
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A typed setting value, stored as JSON.
public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case string(String)

    public var description: String {
        switch self {
        case .bool(let b): return String(b)
        case .int(let n): return String(n)
        case .string(let s): return s
        }
    }

    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var intValue: Int? { if case .int(let n) = self { return n } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// JSON text for storage.
    public var json: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let n): return String(n)
        case .string(let s):
            let data = (try? JSONSerialization.data(withJSONObject: [s], options: [])) ?? Data("[\"\"]".utf8)
            let text = String(decoding: data, as: UTF8.self)
            return String(text.dropFirst().dropLast())
        }
    }

    /// Reads a stored JSON value.
    public init?(json: String) {
        if json == "true" {
            self = .bool(true)
            return
        }
        if json == "false" {
            self = .bool(false)
            return
        }
        if let n = Int(json) {
            self = .int(n)
            return
        }
        guard let data = "[\(json)]".data(using: .utf8),
            let array = try? JSONSerialization.jsonObject(with: data) as? [Any], let s = array.first as? String
        else { return nil }
        self = .string(s)
    }
}

/// One intent a plugin owns.
public struct IntentSpec: Sendable, Equatable {
    public var id: IntentID
    public var description: String
    public var confirm: ConfirmPolicy
    public var roles: [Role]
    public var templates: [String]
    /// Answered only when nothing else in the message asks for something (thanks, greetings): a sign-off
    /// under a request never outweighs the request (`"background": true` in `plugin.json`).
    public var background: Bool = false
}

/// A one-time link action a plugin owns (`"link_actions"` in `plugin.json`): the plugin renders its page and
/// carries out its effect; the web layer only renders and dispatches.
public struct LinkActionSpec: Sendable, Equatable {
    /// `area.verb` (`membership.cancel`), the action stored with each link.
    public var id: String
    /// The kind of record the link is bound to (`membership`, `invoice`, `client`): a link's resource reads
    /// `<kind>:<id>`.
    public var resource: String
    public var description: String
    /// Templates its pages use (checked like an intent's).
    public var templates: [String]

    public init(id: String, resource: String, description: String = "", templates: [String] = []) {
        self.id = id
        self.resource = resource
        self.description = description
        self.templates = templates
    }
}

/// An automated message a plugin sends (`"notices": [{"kind", "description", "templates"}]`): its templates are checked
/// like an intent's. A plugin that only sends notices declares no intents.
public struct NoticeSpec: Sendable, Equatable {
    /// `payment_failed`, `card_expiring`, ...
    public var kind: String
    public var description: String
    public var templates: [String]

    public init(kind: String, description: String = "", templates: [String] = []) {
        self.kind = kind
        self.description = description
        self.templates = templates
    }
}

/// A plugin's `plugin.json`.
public struct PluginManifest: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    /// One line for the help menu ("cancel membership — end your membership").
    public var help: String
    public var enabledByDefault: Bool
    /// Plugins such as compliance and the unknown fallback cannot be turned off.
    public var alwaysOn: Bool
    public var intents: [IntentSpec]
    public var settings: [SettingSpec]
    /// The one-time link actions this plugin owns.
    public var linkActions: [LinkActionSpec] = []
    /// The automated messages this plugin sends (`"notices"` in `plugin.json`; the reminders plugin).
    public var notices: [NoticeSpec] = []

    public func setting(_ key: String) -> SettingSpec? { settings.first { $0.key == key } }
}

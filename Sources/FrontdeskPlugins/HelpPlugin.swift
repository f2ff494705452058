import FrontdeskCore
import FrontdeskStore

/// `help`: what this business's enabled plugins can do, from their manifests.
public struct HelpPlugin: Plugin {
    public let id = "help"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "help/menu", values: try Self.values(context))
    }

    /// The menu's values, shared with the fallback and "not available" replies.
    public static func values(_ context: PluginContext) throws -> [String: String] {
        let items = try context.enabledManifests
            .filter { $0.id != "help" && $0.id != "fallback" }
            .map { try context.render("help/item", ["help": $0.help, "name": $0.name]) }
        let b = context.business
        let contact = [b.contactPhone, b.contactEmail].compactMap { $0 }.joined(separator: " / ")
        return [
            "business": b.name, "items": items.joined(separator: "\n"), "contact": contact.isEmpty ? b.name : contact,
        ]
    }
}

/// `unknown`: a short clarification menu; never a guess at a destructive action.
public struct FallbackPlugin: Plugin {
    public let id = "fallback"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "fallback/unknown", values: try HelpPlugin.values(context))
    }
}

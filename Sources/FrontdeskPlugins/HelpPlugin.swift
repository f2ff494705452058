import FrontdeskCore
import FrontdeskStore

/// `help`: what this business's enabled plugins can do, from their manifests.
public struct HelpPlugin: Plugin {
    public let id = "help"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "help/menu", values: try Self.values(context))
    }

    /// What a plugin does, in the reply's language: its `<plugin>/help` template, else its manifest's `help`.
    static func help(_ manifest: PluginManifest, _ context: PluginContext) throws -> String {
        do { return try context.render("\(manifest.id)/help", [:]) } catch is TemplateStore.RenderError {
            return manifest.help
        }
    }

    /// The menu's values, shared with the fallback and "not available" replies.
    public static func values(_ context: PluginContext) throws -> [String: String] {
        guard let menus = context.menus else { return try makeValues(context) }
        return try menus.values(context) { try makeValues(context) }
    }

    static func makeValues(_ context: PluginContext) throws -> [String: String] {
        let items = try context.enabledManifests
            .filter { $0.id != "help" && $0.id != "fallback" && !$0.intents.isEmpty }
            .map { try context.render("help/item", ["help": try help($0, context), "name": $0.name]) }
        let b = context.business
        let contact = [b.contactPhone, b.contactEmail].compactMap { $0 }.joined(separator: " / ")
        return [
            "business": b.name, "items": items.joined(separator: "\n"), "contact": contact.isEmpty ? b.name : contact,
            "short": try FallbackPlugin.shortList(context),
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

    /// What to write, from each enabled plugin's `<plugin>/short` template ("new card"), questions first, then
    /// destructive actions (intents with an explicit-request rule), talking to a person last. The SMS menu fits
    /// two GSM-7 segments and names only what this business has turned on.
    static func shortList(_ context: PluginContext) throws -> String {
        let destructive = Set(context.lexicon.explicit.keys)
        func rank(_ m: PluginManifest) -> Int {
            m.id == "handoff" ? 2 : (m.intents.contains { destructive.contains($0.id) } ? 1 : 0)
        }
        // Each rank worked out once, not twice per comparison.
        let ordered = context.enabledManifests.enumerated().map { (rank($0.element), $0.offset, $0.element) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        // A plugin with a short form names `<plugin>/short` among its templates (so `frontdesk check` sees it).
        let items = try ordered.map { "\($0.id)/short" }.filter { id in
            context.enabledManifests.contains { $0.intents.contains { $0.templates.contains(id) } }
        }.map { try context.render($0, [:]) }
        guard let last = items.last else { return "" }
        guard items.count > 1 else { return last }
        return try context.render("core/list_or", ["list": items.dropLast().joined(separator: ", "), "last": last])
    }
}

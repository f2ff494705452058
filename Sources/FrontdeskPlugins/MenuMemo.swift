import Foundation
import FrontdeskCore

/// The help menu's values (`HelpPlugin.values`: every enabled plugin's line and the short list), kept per business,
/// locale, channel and set of enabled plugins.
///
/// They depend on nothing else (the catalog's templates and words do not change while a pipeline runs), yet making
/// them renders two templates per enabled plugin: the costliest part of answering "help", an unknown request or a
/// plugin that is switched off. The key names every input, so a business renamed or a plugin switched on or off
/// is a new key; the memo is emptied when it grows past `capacity`.
public final class MenuMemo: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var values: [String: [String: String]] = [:]
    let capacity: Int

    public init(capacity: Int = 1024) { self.capacity = max(1, capacity) }

    /// Menus kept (for tests).
    public var count: Int { lock.withLock { values.count } }

    func values(_ context: PluginContext, _ make: () throws -> [String: String]) rethrows -> [String: String] {
        let b = context.business
        var key = "\(b.id)\u{1F}\(b.name)\u{1F}\(b.contactPhone ?? "")\u{1F}\(b.contactEmail ?? "")\u{1F}"
        key += context.locale + "\u{1F}" + context.channel.rawValue
        for m in context.enabledManifests { key += "\u{1F}" + m.id }
        if let known = lock.withLock({ values[key] }) { return known }
        let made = try make()
        lock.withLock {
            if values.count >= capacity { values = [:] }
            values[key] = made
        }
        return made
    }
}

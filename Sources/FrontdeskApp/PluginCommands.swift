import Foundation
import FrontdeskCore
import FrontdeskStore

extension Commands {
    /// `plugins list|enable|disable PLUGIN|set PLUGIN KEY=VALUE... --business SLUG`
    func plugins(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business"], switches: ["json"])
        guard let verb = a.positionals.first else {
            throw CLIError.usage("plugins needs list, enable, disable or set")
        }
        guard ["list", "enable", "disable", "set"].contains(verb) else {
            throw CLIError.usage("unknown plugins command \(verb) (list, enable, disable, set)")
        }
        let slug = try a.required("business")
        let app = try app(a)
        let business = try app.business(slug)
        let now = clock.now()
        switch verb {
        case "list":
            guard a.positionals.count == 1 else { throw CLIError.usage("plugins list takes no more arguments") }
            for m in app.catalog.manifests {
                let stored = try app.store.read { try $0.pluginSettings(businessID: business.id, plugin: m.id) }
                let enabled = m.alwaysOn || (stored.enabled ?? m.enabledByDefault)
                let settings = m.settings.map { "\($0.key)=\(stored.values[$0.key] ?? $0.defaultValue)" }
                output(
                    "\(m.id.padding(toLength: 11, withPad: " ", startingAt: 0)) \(enabled ? "enabled " : "disabled")"
                        + (m.alwaysOn ? " (always on)" : "")
                        + (settings.isEmpty ? "" : "  " + settings.joined(separator: " ")))
            }
        case "enable", "disable":
            guard a.positionals.count == 2 else { throw CLIError.usage("plugins \(verb) needs exactly one PLUGIN") }
            let m = try app.manifest(a.positionals[1])
            if m.alwaysOn, verb == "disable" {
                throw CLIError.failure("plugin \(m.id) is always on and cannot be disabled")
            }
            try app.store.write { c in
                let before = try c.pluginSettings(businessID: business.id, plugin: m.id).enabled
                try c.setPluginEnabled(businessID: business.id, plugin: m.id, enabled: verb == "enable")
                try c.audit(
                    businessID: business.id, actor: "cli", via: "cli", action: "plugin.\(verb)",
                    before: before.map { String($0) }, after: m.id, now: now)
            }
            output("\(m.id): \(verb)d for \(business.slug)")
        default:
            guard a.positionals.count >= 3 else { throw CLIError.usage("plugins set needs PLUGIN KEY=VALUE...") }
            let m = try app.manifest(a.positionals[1])
            var changes: [String: SettingValue] = [:]
            for pair in a.positionals.dropFirst(2) {
                guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                    throw CLIError.usage("settings are KEY=VALUE, got \(pair)")
                }
                let key = String(pair[..<eq])
                guard let spec = m.setting(key) else {
                    let known = m.settings.map(\.key)
                    throw CLIError.failure(
                        "plugin \(m.id) has no setting \(key)"
                            + (known.isEmpty ? "" : " (settings: \(known.joined(separator: ", ")))"))
                }
                switch spec.parse(String(pair[pair.index(after: eq)...])) {
                case .success(let v): changes[key] = v
                case .failure(let e): throw CLIError.failure("plugin \(m.id): \(e)")
                }
            }
            try app.store.write { c in
                let stored = try c.pluginSettings(businessID: business.id, plugin: m.id).values
                let merged = stored.merging(changes) { _, new in new }
                try c.setPluginSettings(businessID: business.id, plugin: m.id, values: merged)
                try c.audit(
                    businessID: business.id, actor: "cli", via: "cli", action: "plugin.set",
                    before: stored.keys.sorted().map { "\($0)=\(stored[$0]!)" }.joined(separator: " "),
                    after: changes.keys.sorted().map { "\($0)=\(changes[$0]!)" }.joined(separator: " "), now: now)
            }
            output("\(m.id): " + changes.keys.sorted().map { "\($0)=\(changes[$0]!)" }.joined(separator: " "))
        }
    }

    /// `outbox list [--status S] | retry ID`
    func outbox(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "status", "limit"], switches: ["json"])
        guard let verb = a.positionals.first, ["list", "retry"].contains(verb) else {
            throw CLIError.usage("outbox needs list or retry ID")
        }
        var status: OutboxRecord.Status?
        if let s = a["status"] {
            guard let parsed = OutboxRecord.Status(rawValue: s) else {
                throw CLIError.usage("--status must be pending, inline, sent, dead or suppressed")
            }
            status = parsed
        }
        let limit = Int(a["limit"] ?? "50") ?? -1
        guard limit > 0 else { throw CLIError.usage("--limit must be a positive number") }
        if verb == "retry" {
            guard a.positionals.count == 2, let id = Int(a.positionals[1]) else {
                throw CLIError.usage("outbox retry needs one numeric ID")
            }
            let app = try app(a)
            let now = clock.now()
            // A dead or suppressed item's link tokens were redacted: sent again, it would hold no working link.
            let item = try app.store.read { try $0.outboxItem(id: id) }
            if let item, item.kind == OutboxRecord.verificationKind {
                throw CLIError.failure(
                    "outbox item \(id) held a one-time code, removed when it was given up; it cannot be sent again "
                        + "(the sender can ask for a new code)")
            }
            if let item, LinkRedaction.containsRedaction(item.body) {
                throw CLIError.failure(
                    "outbox item \(id) held one-time links, redacted when it was given up; it cannot be sent again "
                        + "(the client can ask for a new link)")
            }
            let done = try app.store.write { try $0.retryOutbox(id: id, now: now) }
            guard done else {
                throw CLIError.failure("outbox item \(id) is not dead or suppressed (or does not exist)")
            }
            output("outbox \(id): queued again")
            return
        }
        let app = try app(a)
        let items = try app.store.read { try $0.outbox(status: status, limit: limit) }
        for item in items {
            // The body stays out of listings: it may hold a one-time link.
            output(
                "\(item.id)\t\(item.status.rawValue)\t\(item.channel.rawValue)\t\(item.recipient)\tattempts=\(item.attempts)\tnext=\(UTC.format(item.nextAttemptAt))"
                    + (item.lastError.map { "\terror=\($0)" } ?? ""))
        }
        if items.isEmpty { output("outbox is empty" + (status.map { " (status \($0.rawValue))" } ?? "")) }
    }
}

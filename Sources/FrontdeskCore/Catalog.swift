import Foundation

/// Everything under `plugins/` and `prompts/`: manifests, example utterances and reply templates.
///
/// Loading validates it all and reports every fault with its file and line (`frontdesk check`).
public struct Catalog: Sendable {
    public var manifests: [PluginManifest]
    public var examples: [IntentExample]
    public var templates: TemplateStore
    /// The words conversations read (`prompts/<locale>/words.json`).
    public var lexicon: Lexicon
    /// The locales the catalog declares: the folders of `prompts/`. Each should hold every template and its words.
    public var locales: [String]

    public init(
        manifests: [PluginManifest], examples: [IntentExample], templates: TemplateStore, lexicon: Lexicon = Lexicon(),
        locales: [String]? = nil
    ) {
        self.manifests = manifests
        self.examples = examples
        self.templates = templates
        self.lexicon = lexicon
        self.locales = locales ?? Set(templates.locales + lexicon.locales).sorted()
    }

    public func manifest(_ id: String) -> PluginManifest? { manifests.first { $0.id == id } }

    /// The plugin that owns an intent.
    public func owner(of intent: IntentID) -> PluginManifest? {
        manifests.first { $0.intents.contains { $0.id == intent } }
    }

    public var intentIDs: [IntentID] { manifests.flatMap { $0.intents.map(\.id) } }

    /// The plugin that owns a one-time link action, with the action's spec.
    public func owner(ofLinkAction action: String) -> (manifest: PluginManifest, spec: LinkActionSpec)? {
        for m in manifests {
            if let spec = m.linkActions.first(where: { $0.id == action }) { return (m, spec) }
        }
        return nil
    }

    /// Loads and validates `root/plugins` and `root/prompts`; throws `Diagnostics` naming every fault.
    public static func load(root: URL) throws -> Catalog {
        var faults: [Diagnostic] = []
        let fm = FileManager.default
        let pluginsDir = root.appendingPathComponent("plugins")
        let rel = { (url: URL) -> String in
            url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
        }
        var manifests: [PluginManifest] = []
        var examples: [IntentExample] = []
        let ids = ((try? fm.contentsOfDirectory(atPath: pluginsDir.path)) ?? []).sorted()
        if ids.isEmpty {
            faults.append(Diagnostic(file: rel(pluginsDir), line: 0, message: "no plugins found"))
        }
        for id in ids where !id.hasPrefix(".") {
            let dir = pluginsDir.appendingPathComponent(id)
            let file = dir.appendingPathComponent("plugin.json")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                faults.append(Diagnostic(file: rel(file), line: 0, message: "missing or unreadable plugin.json"))
                continue
            }
            switch ManifestParser.parse(text, file: rel(file), directoryName: id) {
            case .success(let manifest): manifests.append(manifest)
            case .failure(let error):
                faults.append(contentsOf: error.items)
                continue
            }
            let manifest = manifests[manifests.count - 1]
            let exDir = dir.appendingPathComponent("examples")
            for name in ((try? fm.contentsOfDirectory(atPath: exDir.path)) ?? []).sorted() where !name.hasPrefix(".") {
                let exFile = exDir.appendingPathComponent(name)
                switch ExampleFile.parse(
                    name: name, text: (try? String(contentsOf: exFile, encoding: .utf8)), file: rel(exFile),
                    manifest: manifest)
                {
                case .success(let items): examples.append(contentsOf: items)
                case .failure(let error): faults.append(contentsOf: error.items)
                }
            }
        }
        // An intent, and a link action, belongs to one plugin only.
        let owned: [(String, (PluginManifest) -> [String])] = [
            ("intent", { $0.intents.map(\.id) }), ("link action", { $0.linkActions.map(\.id) }),
        ]
        for (what, ids) in owned {
            var seen: [String: String] = [:]
            for m in manifests {
                for id in ids(m) {
                    if let other = seen[id] {
                        faults.append(
                            Diagnostic(
                                file: "plugins/\(m.id)/plugin.json", line: 1,
                                message: "\(what) \(id) is already owned by plugin \(other)"))
                    }
                    seen[id] = m.id
                }
            }
        }
        let templates: TemplateStore
        do {
            templates = try TemplateStore.load(directory: root.appendingPathComponent("prompts"), relativeTo: root)
        } catch let error as Diagnostics {
            faults.append(contentsOf: error.items)
            templates = TemplateStore(templates: [:])
        }
        var lexicon = Lexicon()
        do {
            lexicon = try Lexicon.load(prompts: root.appendingPathComponent("prompts"))
        } catch let error as Diagnostics {
            faults.append(contentsOf: error.items)
        }
        for m in manifests {
            let uses =
                m.intents.map { ("intent \($0.id)", $0.templates) }
                + m.linkActions.map { ("link action \($0.id)", $0.templates) }
                + m.notices.map { ("notice \($0.kind)", $0.templates) }
            for (user, names) in uses {
                for t in names where !templates.has(t, locale: "en") {
                    faults.append(
                        Diagnostic(
                            file: "plugins/\(m.id)/plugin.json", line: 1,
                            message: "template \(t) (\(user)) has no file prompts/en/\(t).txt"))
                }
            }
        }
        guard faults.isEmpty else { throw Diagnostics(faults) }
        let promptsDir = root.appendingPathComponent("prompts").path
        let locales = ((try? fm.contentsOfDirectory(atPath: promptsDir)) ?? []).filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: promptsDir + "/" + name, isDirectory: &isDir)
                && isDir.boolValue
        }.sorted()
        return Catalog(
            manifests: manifests, examples: examples, templates: templates, lexicon: lexicon, locales: locales)
    }
}

/// Parses `plugin.json` with messages that name the line of the fault.
enum ManifestParser {
    static func parse(_ text: String, file: String, directoryName: String) -> Result<PluginManifest, Diagnostics> {
        var faults: [Diagnostic] = []
        func fault(_ key: String, _ message: String) {
            faults.append(Diagnostic(file: file, line: lineOf("\"\(key)\"", in: text), message: message))
        }
        let object: [String: Any]
        switch jsonObject(text, file: file) {
        case .success(let o): object = o
        case .failure(let fault): return .failure(Diagnostics([fault]))
        }
        let id = object["id"] as? String ?? ""
        if id.isEmpty { fault("id", "id is required") }
        if !id.isEmpty, id != directoryName { fault("id", "id \(id) must match its folder name \(directoryName)") }
        let description = object["description"] as? String ?? ""
        if description.isEmpty { fault("description", "description is required") }
        let help = object["help"] as? String ?? description
        var intents: [IntentSpec] = []
        let rawIntents = object["intents"] as? [[String: Any]] ?? []
        let notices = parseNotices(object["notices"], fault: fault)
        if rawIntents.isEmpty && notices.isEmpty { fault("intents", "at least one intent (or notice) is required") }
        for raw in rawIntents {
            guard let intentID = raw["id"] as? String, isIntentID(intentID) else {
                fault("intents", "every intent needs an id like membership.show")
                continue
            }
            let confirmRaw = raw["confirm"] as? String ?? "none"
            guard let confirm = ConfirmPolicy(rawValue: confirmRaw) else {
                fault(intentID, "intent \(intentID): confirm must be none or plugin")
                continue
            }
            let roleNames = raw["roles"] as? [String] ?? ["client"]
            let roles = roleNames.compactMap(Role.init(rawValue:))
            if roles.count != roleNames.count {
                fault(intentID, "intent \(intentID): roles must be among client, staff, admin, owner")
            }
            if let flag = raw["background"], !(flag is Bool) {
                fault(intentID, "intent \(intentID): background must be true or false")
            }
            let templates = raw["templates"] as? [String] ?? []
            for t in templates where !t.contains("/") {
                fault(t, "template id \(t) must be plugin/name")
            }
            intents.append(
                IntentSpec(
                    id: intentID, description: raw["description"] as? String ?? "", confirm: confirm, roles: roles,
                    templates: templates, background: raw["background"] as? Bool ?? false))
        }
        var settings: [SettingSpec] = []
        let rawSettings = object["settings"] as? [String: [String: Any]] ?? [:]
        for key in rawSettings.keys.sorted() {
            let raw = rawSettings[key] ?? [:]
            guard let kind = SettingSpec.Kind(rawValue: raw["type"] as? String ?? "") else {
                fault(key, "setting \(key): type must be bool, int, string, enum or hours")
                continue
            }
            var spec = SettingSpec(
                key: key, kind: kind, defaultValue: .bool(false), minimum: raw["min"] as? Int,
                maximum: raw["max"] as? Int, values: raw["values"] as? [String] ?? [],
                description: raw["description"] as? String ?? "")
            if kind == .enumeration, spec.values.isEmpty { fault(key, "setting \(key): enum needs values") }
            let value: SettingValue?
            switch (kind, raw["default"]) {
            case (.bool, let b as Bool): value = .bool(b)
            case (.int, let n as Int): value = .int(n)
            case (.string, let s as String), (.enumeration, let s as String), (.hours, let s as String):
                value = .string(s)
            default: value = nil
            }
            guard let value, case .success = spec.validate(value) else {
                fault(key, "setting \(key): default is missing or does not fit its type and range")
                continue
            }
            spec.defaultValue = value
            settings.append(spec)
        }
        let linkActions = parseLinkActions(object["link_actions"], fault: fault)
        guard faults.isEmpty else { return .failure(Diagnostics(faults)) }
        return .success(
            PluginManifest(
                id: id, name: object["name"] as? String ?? id, description: description, help: help,
                enabledByDefault: object["enabled_by_default"] as? Bool ?? true,
                alwaysOn: object["always_on"] as? Bool ?? false, intents: intents, settings: settings,
                linkActions: linkActions, notices: notices))
    }

    /// `"notices": [{"kind": "payment_failed", "description": "...", "templates": [...]}]`.
    static func parseNotices(_ raw: Any?, fault: (String, String) -> Void) -> [NoticeSpec] {
        guard let raw else { return [] }
        guard let list = raw as? [[String: Any]] else {
            fault("notices", "notices must be a list of {kind, description, templates}")
            return []
        }
        var notices: [NoticeSpec] = []
        for item in list {
            guard let kind = item["kind"] as? String, !kind.isEmpty,
                kind.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "_") })
            else {
                fault("notices", "every notice needs a kind like payment_failed")
                continue
            }
            let templates = item["templates"] as? [String] ?? []
            for t in templates where !t.contains("/") { fault(t, "template id \(t) must be plugin/name") }
            notices.append(
                NoticeSpec(kind: kind, description: item["description"] as? String ?? "", templates: templates))
        }
        return notices
    }

    /// `"link_actions": [{"id": "membership.cancel", "resource": "membership", "templates": [...]}]`. An id has the
    /// form the store accepts for a link's action: `area.verb`, lower-case letters and underscores, 64 at most.
    static func parseLinkActions(_ raw: Any?, fault: (String, String) -> Void) -> [LinkActionSpec] {
        guard let raw else { return [] }
        guard let list = raw as? [[String: Any]] else {
            fault("link_actions", "link_actions must be a list of {id, resource, description, templates}")
            return []
        }
        var actions: [LinkActionSpec] = []
        for item in list {
            let id = item["id"] as? String ?? ""
            let parts = id.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, id.count <= 64,
                parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_") } })
            else {
                fault("link_actions", "every link action needs an id like membership.cancel")
                continue
            }
            guard let resource = item["resource"] as? String, !resource.isEmpty,
                resource.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "_") })
            else {
                fault(id, "link action \(id): resource must name a record kind such as membership")
                continue
            }
            let templates = item["templates"] as? [String] ?? []
            for t in templates where !t.contains("/") { fault(t, "template id \(t) must be plugin/name") }
            actions.append(
                LinkActionSpec(
                    id: id, resource: resource, description: item["description"] as? String ?? "",
                    templates: templates))
        }
        return actions
    }

    static func isIntentID(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_") }
    }

    /// The file's top-level JSON object, or a fault naming the line where parsing failed.
    static func jsonObject(_ text: String, file: String) -> Result<[String: Any], Diagnostic> {
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                return .failure(Diagnostic(file: file, line: 1, message: "must be a JSON object"))
            }
            return .success(o)
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "invalid JSON"
            return .failure(Diagnostic(file: file, line: jsonErrorLine(detail), message: detail))
        }
    }

    static func jsonErrorLine(_ detail: String) -> Int {
        // Foundation says "... around line 3, column 7."
        guard let r = detail.range(of: "line ") else { return 1 }
        return Int(detail[r.upperBound...].prefix { $0.isNumber }) ?? 1
    }
}

/// `plugins/<id>/examples/<intent>.<locale>.txt`: one utterance a line (`\n` for a line break inside it);
/// `#` starts a comment.
enum ExampleFile {
    static func parse(name: String, text: String?, file: String, manifest: PluginManifest) -> Result<
        [IntentExample], Diagnostics
    > {
        let parts = name.split(separator: ".")
        guard name.hasSuffix(".txt"), parts.count >= 3 else {
            return .failure(
                Diagnostics([Diagnostic(file: file, line: 0, message: "name must be <intent>.<locale>.txt")]))
        }
        let locale = String(parts[parts.count - 2])
        let intent = parts[0..<(parts.count - 2)].joined(separator: ".")
        guard manifest.intents.contains(where: { $0.id == intent }) else {
            return .failure(
                Diagnostics([
                    Diagnostic(file: file, line: 0, message: "intent \(intent) is not declared in plugin.json")
                ]))
        }
        guard let text else {
            return .failure(Diagnostics([Diagnostic(file: file, line: 0, message: "unreadable or not UTF-8")]))
        }
        let background = manifest.intents.first { $0.id == intent }?.background ?? false
        var out: [IntentExample] = []
        var faults: [Diagnostic] = []
        var seen: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !seen.insert(line.lowercased()).inserted {
                faults.append(Diagnostic(file: file, line: index + 1, message: "duplicate example \"\(line)\""))
                continue
            }
            // `\n` stands for a line break, so an example can be a whole email with its greeting and sign-off.
            let text =
                line.utf8.contains(UInt8(ascii: "\\")) ? line.replacingOccurrences(of: "\\n", with: "\n") : line
            out.append(IntentExample(intent: intent, text: text, locale: locale, background: background))
        }
        if out.isEmpty, faults.isEmpty { faults.append(Diagnostic(file: file, line: 0, message: "no examples")) }
        return faults.isEmpty ? .success(out) : .failure(Diagnostics(faults))
    }
}

import Foundation

/// Reply templates from `prompts/<locale>/<plugin>/<name>[.<channel>].txt` with `{{placeholders}}`.
///
/// A channel variant (`confirm.sms.txt`) is preferred; otherwise the channel-neutral file is used,
/// then, as a last resort, the same template in English (`frontdesk check` reports every copy a locale lacks).
public struct TemplateStore: Sendable {
    /// Key: "locale/plugin/name" or "locale/plugin/name.channel".
    private var templates: [String: Template]

    /// The same templates by id (`plugin/name`), each with its locale and channel: `resolve` runs for every template
    /// a reply renders, and finds one with a single lookup instead of building and hashing up to four keys.
    private var variants: [String: [Variant]] = [:]

    private struct Variant {
        var locale: Substring
        var channel: Channel?
        var template: Template
    }

    public init(templates: [String: Template]) {
        self.templates = templates
        for (key, template) in templates {
            guard let slash = key.firstIndex(of: "/") else { continue }
            let locale = key[..<slash]
            let file = String(key[key.index(after: slash)...])
            // "en/core/x" answers for any channel; "en/core/x.sms" also for id "core/x" on SMS.
            variants[file, default: []].append(Variant(locale: locale, channel: nil, template: template))
            if let dot = file.lastIndex(of: "."), let channel = Channel(rawValue: String(file[file.index(after: dot)...])) {
                variants[String(file[..<dot]), default: []].append(
                    Variant(locale: locale, channel: channel, template: template))
            }
        }
    }

    public struct Template: Sendable {
        public var file: String
        public var segments: [Segment]
        public var placeholders: Set<String> {
            Set(segments.compactMap { if case .placeholder(let p) = $0 { return p } else { return nil } })
        }
    }

    public enum Segment: Sendable {
        case text(String)
        case placeholder(String)
    }

    /// A template that cannot be rendered: unknown id or a placeholder without a value.
    public struct RenderError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public func has(_ id: String, locale: String) -> Bool { templates["\(locale)/\(id)"] != nil }

    public var ids: [String] { templates.keys.sorted() }

    /// The locales that hold templates.
    public var locales: [String] { Set(templates.keys.map { String($0.prefix { $0 != "/" }) }).sorted() }

    /// A locale's template files as `plugin/name` or `plugin/name.channel`, sorted.
    public func files(locale: String) -> [String] {
        templates.keys.filter { $0.hasPrefix(locale + "/") }.map { String($0.dropFirst(locale.count + 1)) }.sorted()
    }

    /// One template file: `file` is `plugin/name` or `plugin/name.channel`.
    public func template(_ file: String, locale: String) -> Template? { templates["\(locale)/\(file)"] }

    /// The template `render` would use for this id, channel and locale (the locale's own before English's).
    public func resolve(_ id: String, channel: Channel?, locale: String) -> Template? {
        guard let found = variants[id] else { return nil }
        func variant(_ l: Substring, _ c: Channel?) -> Template? {
            found.first { $0.channel == c && $0.locale == l }?.template
        }
        let own = Substring(locale)
        if let channel, let t = variant(own, channel) { return t }
        if let t = variant(own, nil) { return t }
        guard locale != "en" else { return nil }
        if let channel, let t = variant("en", channel) { return t }
        return variant("en", nil)
    }

    /// The words of a locale's templates, folded (for telling languages apart). The web console's copy
    /// (`console/`) is what staff read, never what clients write, so it is left out.
    public func words(locale: String) -> Set<String> {
        var out: Set<String> = []
        for (key, template) in templates where key.hasPrefix(locale + "/") && !key.hasPrefix(locale + "/console/") {
            for case .text(let t) in template.segments { out.formUnion(Lexicon.tokens(t).map(\.text)) }
        }
        return out
    }

    /// Renders template `id` (`cancel/confirm`) for a channel and locale.
    public func render(_ id: String, channel: Channel?, locale: String = "en", _ values: [String: String]) throws
        -> String
    {
        try render(id, channel: channel, locale: locale, values, text: { $0 })
    }

    /// Renders with the template's own text passed through `text` (HTML pages escape it; their values come
    /// escaped already).
    public func render(
        _ id: String, channel: Channel?, locale: String, _ values: [String: String], text: (String) -> String
    ) throws -> String {
        guard let template = resolve(id, channel: channel, locale: locale) else {
            throw RenderError(message: "no template \(id)")
        }
        var out = ""
        out.reserveCapacity(256)
        for segment in template.segments {
            switch segment {
            case .text(let t): out += text(t)
            case .placeholder(let p):
                guard let v = values[p] else {
                    throw RenderError(message: "template \(id) needs a value for {{\(p)}}")
                }
                out += v
            }
        }
        return out.trimmedWhitespace()
    }

    /// Loads every template under `directory` (`prompts/`), reporting malformed placeholders by file and line.
    public static func load(directory: URL, relativeTo root: URL) throws -> TemplateStore {
        let fm = FileManager.default
        var templates: [String: Template] = [:]
        var faults: [Diagnostic] = []
        guard let walker = fm.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw Diagnostics([Diagnostic(file: "prompts", line: 0, message: "missing prompts folder")])
        }
        for case let url as URL in walker where url.pathExtension == "txt" {
            let relative = String(url.path.dropFirst(directory.path.count + 1))
            let relFile = "prompts/" + relative
            let parts = relative.split(separator: "/")
            guard parts.count == 3 else {
                faults.append(
                    Diagnostic(file: relFile, line: 0, message: "must be prompts/<locale>/<plugin>/<name>.txt"))
                continue
            }
            let base = String(parts[2].dropLast(4))
            let nameParts = base.split(separator: ".")
            if nameParts.count == 2, Channel(rawValue: String(nameParts[1])) == nil {
                faults.append(Diagnostic(file: relFile, line: 0, message: "channel suffix must be sms or email"))
                continue
            }
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                faults.append(Diagnostic(file: relFile, line: 0, message: "unreadable or not UTF-8"))
                continue
            }
            switch parse(text, file: relFile) {
            case .success(let segments):
                templates["\(parts[0])/\(parts[1])/\(base)"] = Template(file: relFile, segments: segments)
            case .failure(let d): faults.append(d)
            }
        }
        _ = root
        guard faults.isEmpty else { throw Diagnostics(faults) }
        return TemplateStore(templates: templates)
    }

    public static func parse(_ text: String, file: String) -> Result<[Segment], Diagnostic> {
        var segments: [Segment] = []
        var rest = Substring(text)
        while let open = doubled(UInt8(ascii: "{"), in: rest) {
            if open.lowerBound > rest.startIndex { segments.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = doubled(UInt8(ascii: "}"), in: rest[open.upperBound...]) else {
                return .failure(
                    Diagnostic(
                        file: file, line: lineOf(String(rest[open.lowerBound...]), in: text),
                        message: "unclosed {{"))
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingBlanks()
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                let snippet = String(rest[open.lowerBound..<close.upperBound])
                return .failure(
                    Diagnostic(
                        file: file, line: lineOf(snippet, in: text),
                        message: "bad placeholder \(snippet)"))
            }
            segments.append(.placeholder(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty {
            if doubled(UInt8(ascii: "}"), in: rest) != nil {
                return .failure(Diagnostic(file: file, line: lineOf("}}", in: text), message: "}} without {{"))
            }
            segments.append(.text(String(rest)))
        }
        return .success(segments)
    }

    /// Where `{{` or `}}` (`byte` twice) first stands in `text`: a walk over its bytes (Foundation's `range(of:)`
    /// bridged every template through NSString at start-up).
    static func doubled(_ byte: UInt8, in text: Substring) -> Range<String.Index>? {
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let next = utf8.index(after: i)
            if utf8[i] == byte, next < utf8.endIndex, utf8[next] == byte { return i..<utf8.index(after: next) }
            i = next
        }
        return nil
    }
}

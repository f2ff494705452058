import Foundation
import FrontdeskCore

/// Text that is already HTML: escaped data, or a rendered template. Data becomes HTML only through `text`, so a
/// value can never be inserted as markup by mistake.
struct HTML: Sendable, Equatable {
    let raw: String

    /// Markup written by this module (an attribute such as ` selected`), never data.
    init(markup: String) { raw = markup }

    static let empty = HTML(markup: "")

    /// Data, escaped: `&`, `<`, `>`, `"` and `'`.
    static func text(_ text: String) -> HTML {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return HTML(markup: out)
    }

    static func + (a: HTML, b: HTML) -> HTML { HTML(markup: a.raw + b.raw) }

    static func join(_ parts: [HTML], separator: String = "\n") -> HTML {
        HTML(markup: parts.map(\.raw).joined(separator: separator))
    }
}

/// The console's markup: `web/console/<name>.html` with `{{placeholders}}` (the templates' own syntax). A
/// placeholder `{{t_key}}` is the copy `prompts/<locale>/console/key.txt` in the page's language; every other one
/// is a value the page gives, already HTML. Loading checks every template parses and every copy it names exists.
struct WebTemplates: Sendable {
    private let templates: [String: [TemplateStore.Segment]]

    /// A template that is missing, or a value a template needs that the page did not give: a programming error,
    /// reported as a 500 and logged by name.
    struct RenderError: Error, CustomStringConvertible {
        var description: String
    }

    init(templates: [String: [TemplateStore.Segment]]) { self.templates = templates }

    /// Loads `root/web/console/*.html`; throws `Diagnostics` naming each fault's file and line.
    static func load(root: URL, copy: TemplateStore) throws -> WebTemplates {
        let directory = root.appendingPathComponent("web/console")
        var templates: [String: [TemplateStore.Segment]] = [:]
        var faults: [Diagnostic] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        if names.isEmpty { faults.append(Diagnostic(file: "web/console", line: 0, message: "no console templates")) }
        for name in names where name.hasSuffix(".html") {
            let file = "web/console/" + name
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
                faults.append(Diagnostic(file: file, line: 0, message: "unreadable or not UTF-8"))
                continue
            }
            switch TemplateStore.parse(text, file: file) {
            case .failure(let fault): faults.append(fault)
            case .success(let segments):
                for case .placeholder(let p) in segments where p.hasPrefix("t_") {
                    if !copy.has("console/" + p.dropFirst(2), locale: "en") {
                        faults.append(
                            Diagnostic(
                                file: file, line: Self.line(of: "{{\(p)}}", in: text),
                                message: "copy console/\(p.dropFirst(2)) has no file prompts/en/console/\(p.dropFirst(2)).txt"))
                    }
                }
                templates[String(name.dropLast(5))] = segments
            }
        }
        guard faults.isEmpty else { throw Diagnostics(faults) }
        return WebTemplates(templates: templates)
    }

    static func line(of needle: String, in text: String) -> Int {
        guard let range = text.range(of: needle) else { return 0 }
        return text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }

    /// Renders `name`: `copy` gives the `t_` placeholders (escaped), `values` the others.
    func render(_ name: String, _ values: [String: HTML], copy: (String) throws -> String) throws -> HTML {
        guard let segments = templates[name] else { throw RenderError(description: "no console template \(name)") }
        var out = ""
        for segment in segments {
            switch segment {
            case .text(let text): out += text
            case .placeholder(let p):
                if p.hasPrefix("t_") {
                    out += HTML.text(try copy(String(p.dropFirst(2)))).raw
                } else if let value = values[p] {
                    out += value.raw
                } else {
                    throw RenderError(description: "console template \(name) needs a value for {{\(p)}}")
                }
            }
        }
        return HTML(markup: out)
    }
}

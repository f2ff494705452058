import Foundation
import Testing

/// Files of the repository's webhook fixtures, found from this file's path (Tests/<Target>/ → Tests/Fixtures).
enum InboundCorpus {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/corpus/webhooks")

    struct Missing: Error { var path: String }

    static func data(_ name: String) throws -> Data {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("corpus file missing: \(url.path) (see Tests/Fixtures/SOURCES.md)")
            throw Missing(path: url.path)
        }
        return try Data(contentsOf: url)
    }

    static func text(_ name: String) throws -> String { String(decoding: try data(name), as: UTF8.self) }

    /// Mailgun's documentation samples: one `key: value` per line (values never span lines there).
    static func mailgunFields(_ name: String) throws -> [String: String] {
        var fields: [String: String] = [:]
        for line in try text(name).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            fields[String(line[..<colon])] = String(value)
        }
        return fields
    }

    /// A test-only multipart/form-data decoder for the SendGrid sample bodies (LF line endings, boundary known).
    /// The server decodes real bodies with libmicrohttpd's post processor; this only feeds the mapper.
    static func multipartFields(_ name: String, boundary: String = "xYzZY") throws -> [String: String] {
        let body = try text(name).replacingOccurrences(of: "\r\n", with: "\n")
        var fields: [String: String] = [:]
        for part in body.components(separatedBy: "--" + boundary) {
            guard let split = part.range(of: "\n\n") else { continue }
            let head = part[..<split.lowerBound]
            guard let nameStart = head.range(of: "name=\"") else { continue }
            let rest = head[nameStart.upperBound...]
            guard let nameEnd = rest.firstIndex(of: "\"") else { continue }
            var value = String(part[split.upperBound...])
            // The line break before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            if value.hasSuffix("\n") { value.removeLast() }
            fields[String(rest[..<nameEnd])] = value
        }
        return fields
    }

    /// The docs' PHP `var_dump` of a POST: `  ["key"]=>` then `  string(N) "value"`. The docs mangled some
    /// lengths (e-mail obfuscation), so values run to the closing quote before the next key instead.
    static func varDumpFields(_ name: String) throws -> [String: String] {
        let lines = try text(name).components(separatedBy: "\n")
        var fields: [String: String] = [:]
        var i = 0
        while i < lines.count {
            let line = lines[i]
            guard line.hasPrefix("  [\""), line.hasSuffix("\"]=>"), i + 1 < lines.count else {
                i += 1
                continue
            }
            let key = String(line.dropFirst(4).dropLast(4))
            var valueLines: [String] = []
            var first = lines[i + 1]
            guard let quote = first.firstIndex(of: "\"") else { break }
            first = String(first[first.index(after: quote)...])
            var j = i + 1
            var current = first
            while true {
                let next = j + 1 < lines.count ? lines[j + 1] : "}"
                if current.hasSuffix("\""), next.hasPrefix("  [\"") || next.hasPrefix("}") {
                    valueLines.append(String(current.dropLast()))
                    break
                }
                valueLines.append(current)
                j += 1
                guard j < lines.count else { break }
                current = lines[j]
            }
            fields[key] = valueLines.joined(separator: "\n")
            i = j + 1
        }
        return fields
    }
}

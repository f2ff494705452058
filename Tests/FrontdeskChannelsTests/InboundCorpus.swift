import Foundation
import Testing

/// Files of ../shared/corpus/webhooks, found from this file's path (Tests/<Target>/ → repo root → ../shared).
enum InboundCorpus {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/webhooks")

    struct Missing: Error { var path: String }

    static func data(_ name: String) throws -> Data {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("corpus file missing: \(url.path) (expected ../shared/corpus next to the repository)")
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
}

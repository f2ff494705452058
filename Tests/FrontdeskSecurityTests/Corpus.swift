import Foundation
import Testing

/// Files of the repository's webhook fixtures, found from this file's path: Tests/<Target>/ → Tests/Fixtures.
enum Corpus {
    static let webhooks: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/corpus/webhooks")

    static func data(_ name: String) throws -> Data {
        let url = webhooks.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("corpus file missing: \(url.path) (see Tests/Fixtures/SOURCES.md)")
            throw CorpusMissing(path: url.path)
        }
        return try Data(contentsOf: url)
    }

    static func json(_ name: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data(name)) as? [String: Any] else {
            throw CorpusMissing(path: name + " is not a JSON object")
        }
        return object
    }

    struct CorpusMissing: Error { var path: String }
}

import Foundation
import Testing

/// Files of /work/shared/corpus, found from this file's path: Tests/<Target>/ → repo root → ../shared/corpus.
enum Corpus {
    static let webhooks: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/webhooks")

    static func data(_ name: String) throws -> Data {
        let url = webhooks.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("corpus file missing: \(url.path) (expected ../shared/corpus next to the repository)")
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

import Foundation
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskText
import Testing

@testable import FrontdeskEvaluation

/// The sealed blind batches (Benchmarks/Data/BLIND.md): each committed batch is the one sealed before tuning, and
/// the classifier keeps the figures it reached on it. A failure prints figures only, never a batch line.
@Suite struct BlindBatchTests {
    struct Floor: Sendable, CustomStringConvertible {
        var file: String
        var accuracy: Double
        var cancelRecall: Double
        /// Most non-cancel lines allowed to be classified membership.cancel at ≥ 0.40 and at ≥ 0.80.
        var falseCancelsAtPipeline: Int
        var falseCancelsAtGuard: Int
        var description: String { file }
    }

    /// The figures reached by the final classifier (BLIND.md): batch 1 185/191 and 23/24, batch 2 168/183 and 21/24;
    /// no false cancel. Issue 16 moved four intents' examples, unchanged, to the plugins that now own them; the
    /// order the classifier learns in moved with them: batch 1 184/191 and 24/24, batch 2 169/183 (BLIND.md).
    static let floors = [
        Floor(
            file: "blind_batch_1.tsv", accuracy: 184.0 / 191, cancelRecall: 23.0 / 24, falseCancelsAtPipeline: 0,
            falseCancelsAtGuard: 0),
        Floor(
            file: "blind_batch_2.tsv", accuracy: 168.0 / 183, cancelRecall: 21.0 / 24, falseCancelsAtPipeline: 0,
            falseCancelsAtGuard: 0),
    ]

    static let data = DevSetFixture.root.appendingPathComponent("Benchmarks/Data")

    /// `<sha256>  <file>` lines of blind_batches.sha256.
    static func sealed() throws -> [String: String] {
        let text = try String(contentsOf: data.appendingPathComponent("blind_batches.sha256"), encoding: .utf8)
        var hashes: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { hashes[String(parts[1])] = String(parts[0]) }
        }
        return hashes
    }

    @Test func everyCommittedBatchIsTheSealedOneAndHasAFloor() throws {
        let hashes = try Self.sealed()
        #expect(hashes.count == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.data.path)
            .filter { $0.hasPrefix("blind_batch_") && $0.hasSuffix(".tsv") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: Self.data.appendingPathComponent(file))
            #expect(Encoding.hex(Crypto.sha256(bytes)) == hashes[file], "\(file) differs from its sealed hash")
            #expect(Self.floors.contains { $0.file == file }, "\(file) has no floor")
        }
    }

    @Test(arguments: floors)
    func keepsTheFiguresReached(_ floor: Floor) throws {
        let items = try BlindBatchReport.load(Self.data.appendingPathComponent(floor.file))
        #expect(items.count >= 150)
        let report = BlindBatchReport.run(DevSetFixture.classifier, on: items)
        let figures = report.summary(name: floor.file)
        #expect(report.accuracy >= floor.accuracy, "\(figures)")
        #expect(report.cancelRecall >= floor.cancelRecall, "\(figures)")
        #expect(report.falseCancelAtPipeline <= floor.falseCancelsAtPipeline, "\(figures)")
        #expect(report.falseCancelAtGuard <= floor.falseCancelsAtGuard, "\(figures)")
    }

    /// The language of each Spanish and French line (`Eval --language`): found for batch 1 es 38/38, fr 36/37, batch 2
    /// es 37/37, fr 35/37; no line of any language was sure enough to store and wrong, so no client's language would
    /// flip. Figures only.
    static let languageFloors: [String: [String: Int]] = [
        "blind_batch_1.tsv": ["es": 38, "fr": 36], "blind_batch_2.tsv": ["es": 37, "fr": 35],
    ]

    @Test(arguments: ["blind_batch_1.tsv", "blind_batch_2.tsv"])
    func theLanguageOfEachLineIsToldAndNeverFlipsAClient(_ file: String) throws {
        let items = try BlindBatchReport.load(Self.data.appendingPathComponent(file))
        let report = LanguageReport.run(DevSetFixture.catalog.languageDetector(), on: items)
        let figures = report.summary(name: file)
        for (locale, floor) in Self.languageFloors[file] ?? [:] {
            #expect((report.byLocale[locale]?.right ?? 0) >= floor, "\(figures)")
        }
        #expect(report.byLocale.values.allSatisfy { $0.confidentWrong == 0 }, "\(figures)")
    }

    @Test func theLoaderNeedsTheHeaderAndFourFields() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "intent\tchannel\tlocale\ttext\nsmalltalk\tsms\ten\tok\\nthanks\n".write(
            to: url, atomically: true, encoding: .utf8)
        let items = try BlindBatchReport.load(url)
        #expect(items.map(\.text) == ["ok\nthanks"])
        try "smalltalk\tsms\ten\tok\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: Diagnostics.self) { try BlindBatchReport.load(url) }
        try "intent\tchannel\tlocale\ttext\nsmalltalk\tfax\ten\tok\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: Diagnostics.self) { try BlindBatchReport.load(url) }
    }
}

import Foundation
import FrontdeskCore
import FrontdeskText
import Testing

@testable import FrontdeskEvaluation

/// The catalog, its classifier and the dev set, loaded once (training takes a moment in debug builds).
enum DevSetFixture {
    static let root = ResourceRoot.fromSource(#filePath)
    static let catalog = loaded { try Catalog.load(root: root) }
    static let classifier = ExampleClassifier(examples: catalog.examples)
    static let devSet = loaded {
        try IntentEvaluation.loadDevSet(root.appendingPathComponent("Benchmarks/Data/intent_devset.tsv"))
    }

    static func loaded<T>(_ load: () throws -> T) -> T {
        do { return try load() } catch { fatalError("\(error)") }
    }
}

/// The dev set's floors. A failure prints every miss with its dev-set line.
@Suite struct ClassifierDevSetTests {
    static let floorAccuracy = 0.95
    static let floorUnknownRecall = 0.90
    static let floorHighPrecision = 0.97

    @Test func devSetIsLargeAndVaried() {
        let items = DevSetFixture.devSet
        #expect(items.count >= 400)
        #expect(items.filter { $0.intent == IntentID.unknown && $0.tags.contains("oos") }.count >= 60)
        for locale in ["en", "es", "fr"] { #expect(items.contains { $0.locale == locale }) }
        for channel in Channel.allCases { #expect(items.contains { $0.channel == channel }) }
        #expect(Set(items.map(\.intent)).isSuperset(of: DevSetFixture.catalog.intentIDs))
    }

    @Test func devSetDoesNotCopyTheExamples() {
        let copies = IntentEvaluation.overlaps(DevSetFixture.devSet, examples: DevSetFixture.catalog.examples)
        #expect(copies.isEmpty, "dev lines copying examples: \(copies.map(\.line))")
    }

    @Test func meetsTheFloors() {
        let report = IntentEvaluation.run(
            DevSetFixture.classifier, on: DevSetFixture.devSet, labels: DevSetFixture.classifier.intents)
        let detail = report.summary(showMisses: 100)
        #expect(report.accuracy >= Self.floorAccuracy, "\(detail)")
        #expect(report.unknownRecall >= Self.floorUnknownRecall, "\(detail)")
        #expect(report.highPrecision >= Self.floorHighPrecision, "\(detail)")
    }
}

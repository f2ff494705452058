import FrontdeskCore
import Testing

@testable import FrontdeskText

/// The dev set's floors. A failure prints every miss with its dev-set line.
@Suite struct ClassifierDevSetTests {
    static let floorAccuracy = 0.95
    static let floorUnknownRecall = 0.90
    static let floorHighPrecision = 0.97

    @Test func devSetIsLargeAndVaried() {
        let items = ClassifierFixture.devSet
        #expect(items.count >= 400)
        #expect(items.filter { $0.intent == IntentID.unknown && $0.tags.contains("oos") }.count >= 60)
        for locale in ["en", "es", "fr"] { #expect(items.contains { $0.locale == locale }) }
        for channel in Channel.allCases { #expect(items.contains { $0.channel == channel }) }
        #expect(Set(items.map(\.intent)).isSuperset(of: ClassifierFixture.catalog.intentIDs))
    }

    @Test func devSetDoesNotCopyTheExamples() {
        let copies = IntentEvaluation.overlaps(ClassifierFixture.devSet, examples: ClassifierFixture.catalog.examples)
        #expect(copies.isEmpty, "dev lines copying examples: \(copies.map(\.line))")
    }

    @Test func meetsTheFloors() {
        let report = IntentEvaluation.run(
            ClassifierFixture.classifier, on: ClassifierFixture.devSet, labels: ClassifierFixture.classifier.intents)
        let detail = report.summary(showMisses: 100)
        #expect(report.accuracy >= Self.floorAccuracy, "\(detail)")
        #expect(report.unknownRecall >= Self.floorUnknownRecall, "\(detail)")
        #expect(report.highPrecision >= Self.floorHighPrecision, "\(detail)")
    }
}

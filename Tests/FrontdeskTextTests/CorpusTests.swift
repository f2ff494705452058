import Foundation
import Testing

@testable import FrontdeskText

/// Runs the whole public corpus; each floor is the rate actually reached, and a failure names the records that miss.
@Suite struct CorpusTests {
    static var corpus: CorpusEvaluation? {
        let here = URL(fileURLWithPath: #filePath)
        guard let dir = CorpusEvaluation.locate(start: here.deletingLastPathComponent()) else { return nil }
        return try? CorpusEvaluation(directory: dir)
    }

    func report(_ s: CorpusEvaluation.Score) -> Comment {
        Comment(rawValue: "\(s.name): \(s.passed)/\(s.total); misses:\n" + s.misses.joined(separator: "\n"))
    }

    @Test func corpusIsPresent() throws {
        let corpus = try #require(Self.corpus, "Tests/Fixtures/corpus/email not found")
        #expect(corpus.recordCount == 810)
    }

    @Test func replyRecords() throws {
        let corpus = try #require(Self.corpus)
        let r = corpus.evaluateReplies()
        #expect(r.overall.total == 297)
        #expect(r.overall.passed >= CorpusFloors.replies, report(r.overall))
    }

    @Test func forwardFields() throws {
        let corpus = try #require(Self.corpus)
        let (fields, _) = corpus.evaluateForwards()
        #expect(fields.passed >= CorpusFloors.forwardFields, report(fields))
    }

    @Test func constraintRecords() throws {
        let corpus = try #require(Self.corpus)
        let s = corpus.evaluateConstraints()
        #expect(s.total == 93)
        #expect(s.passed >= CorpusFloors.constraints, report(s))
    }

    @Test func signatureRecords() throws {
        let corpus = try #require(Self.corpus)
        let s = corpus.evaluateSignatures()
        #expect(s.passed >= CorpusFloors.signatures, report(s))
    }
}

/// Floors: the counts reached when last measured (see the Eval output); raise them as extraction improves.
enum CorpusFloors {
    static let replies = 270
    static let forwardFields = 1678
    static let constraints = 93
    static let signatures = 126
}

/// `extract` skips layers only the evaluation reads; what it returns must be exactly what `analyze` finds.
@Suite struct ProductExtractionTests {
    @Test func extractEqualsAnalysisOnEveryCorpusInput() throws {
        let corpus = try #require(CorpusTests.corpus)
        var differing: [Int] = []
        for (k, input) in corpus.inputs.enumerated() {
            let full: EmailExtractor.Analysis
            switch input.format {
            case "eml": full = EmailExtractor.analyze(raw: input.raw)
            case "html": full = EmailExtractor.analyze(text: "", html: input.raw, headers: [])
            default: full = EmailExtractor.analyze(text: input.raw, html: nil, headers: [])
            }
            if CorpusEvaluation.extract(raw: input.raw, format: input.format) != full.extraction { differing.append(k) }
        }
        #expect(corpus.inputs.count == 810)
        #expect(differing.isEmpty, "inputs whose product extraction differs: \(differing)")
    }
}

import Foundation
import Testing

@testable import FrontdeskEvaluation

/// Runs the whole public corpus; each floor is the rate actually reached, and a failure names the records that miss.
@Suite struct CorpusTests {
    /// Loaded once for the suite; a record that fails to parse is reported as itself, not as a missing corpus.
    nonisolated(unsafe) static let loaded: Result<CorpusEvaluation, any Error>? = {
        let here = URL(fileURLWithPath: #filePath)
        guard let dir = CorpusEvaluation.locate(start: here.deletingLastPathComponent()) else { return nil }
        return Result { try CorpusEvaluation(directory: dir) }
    }()
    static var corpus: CorpusEvaluation? { get throws { try loaded?.get() } }

    func report(_ s: CorpusEvaluation.Score) -> Comment {
        Comment(rawValue: "\(s.name): \(s.passed)/\(s.total); misses:\n" + s.misses.joined(separator: "\n"))
    }

    @Test func corpusIsPresent() throws {
        let corpus = try #require(try Self.corpus, "Tests/Fixtures/corpus/email not found")
        #expect(corpus.recordCount == 810)
    }

    @Test func replyRecords() throws {
        let corpus = try #require(try Self.corpus)
        let r = corpus.evaluateReplies()
        #expect(r.overall.total == 297)
        #expect(r.overall.passed >= CorpusFloors.replies, report(r.overall))
    }

    /// The text the product classifies, against each record's expected reply: what a change to the product moves.
    @Test func productReplies() throws {
        let corpus = try #require(try Self.corpus)
        let r = corpus.evaluateReplies()
        #expect(r.product.total == 297)
        #expect(r.product.passed >= CorpusFloors.productReplies, report(r.product))
    }

    @Test func forwardFields() throws {
        let corpus = try #require(try Self.corpus)
        let (fields, _) = corpus.evaluateForwards()
        #expect(fields.passed >= CorpusFloors.forwardFields, report(fields))
    }

    @Test func constraintRecords() throws {
        let corpus = try #require(try Self.corpus)
        let s = corpus.evaluateConstraints()
        #expect(s.total == 93)
        #expect(s.passed >= CorpusFloors.constraints, report(s))
    }

    /// quotequail's message_html is the forwarder's note as HTML: it is compared as text, so a wrong one fails.
    @Test func messageHTMLIsCompared() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["reply_corpus.jsonl", "reply_constraints.jsonl", "signature_corpus.jsonl"] {
            try Data().write(to: dir.appendingPathComponent(name))
        }
        let html =
            "<div>Please see below</div><div>---------- Forwarded message ----------<br>"
            + "From: Ann &lt;ann@example.com&gt;<br>Subject: Dues<br><br>Old text</div>"
        let lines = try ["Please see below", "Something else"].map { note in
            let record: [String: Any] = [
                "id": note, "source": "test", "input_format": "html", "raw": html,
                "expected": ["message_html": "<html><body><div>\(note)</div></body></html>"],
            ]
            return try JSONSerialization.data(withJSONObject: record)
        }
        try Data(lines.joined(separator: Data([0x0A]))).write(to: dir.appendingPathComponent("forward_corpus.jsonl"))
        let (fields, records) = try CorpusEvaluation(directory: dir).evaluateForwards()
        #expect(fields.total == 2)
        #expect(fields.passed == 1, "\(records.misses)")
    }

    @Test func signatureRecords() throws {
        let corpus = try #require(try Self.corpus)
        let s = corpus.evaluateSignatures()
        #expect(s.passed >= CorpusFloors.signatures, report(s))
    }
}

/// Floors: the counts reached when last measured (see the Eval output); raise them as extraction improves.
enum CorpusFloors {
    static let replies = 271
    static let productReplies = 242
    static let forwardFields = 1678
    static let constraints = 93
    static let signatures = 173
}

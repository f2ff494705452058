import Foundation
import FrontdeskCore
import FrontdeskText

/// Runs the extractor over the email corpus (Tests/Fixtures/corpus/email) and scores it; used by the Eval executable and the corpus tests.
package struct CorpusEvaluation {
    /// One scored group of records.
    package struct Score: Sendable {
        package var name: String
        package var total = 0
        package var passed = 0
        /// Ids (with source) of records that missed, with a short reason.
        package var misses: [String] = []
        package var rate: Double { total == 0 ? 0 : Double(passed) / Double(total) }
        package init(name: String) { self.name = name }

        /// Counts one record, naming it among the misses when it failed.
        mutating func count(_ ok: Bool, _ label: String) {
            total += 1
            if ok { passed += 1 } else { misses.append(label) }
        }
    }

    /// The reply-corpus result, overall and per source, two ways: each record under its own library's semantics
    /// (the layer that library returns), and the product's own score (the text the product classifies).
    package struct ReplyReport: Sendable {
        package var overall = Score(name: "overall")
        package var bySource: [String: Score] = [:]
        /// The records whose `config` names source-specific settings (counted in `overall`).
        package var withConfig = Score(name: "records with source-specific config")
        package var product = Score(name: "product overall")
        package var productBySource: [String: Score] = [:]
    }

    package let directory: URL
    let replies: [[String: Any]]
    let forwards: [[String: Any]]
    let constraints: [[String: Any]]
    let signatures: [[String: Any]]

    /// Finds the corpus: `--corpus DIR` if given, else the repository's `Tests/Fixtures/corpus/email` at or above `start`.
    package static func locate(override: String? = nil, start: URL) -> URL? {
        let fm = FileManager.default
        if let override { return URL(fileURLWithPath: override) }
        var dir = start
        for _ in 0..<6 {
            for candidate in ["Tests/Fixtures/corpus/email", "Fixtures/corpus/email"] {
                let url = dir.appendingPathComponent(candidate).standardizedFileURL
                if fm.fileExists(atPath: url.appendingPathComponent("reply_corpus.jsonl").path) { return url }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Loads every file of the corpus directory.
    package init(directory: URL) throws {
        self.directory = directory
        func load(_ name: String) throws -> [[String: Any]] {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            return try data.split(separator: 0x0A).compactMap {
                try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
            }
        }
        replies = try load("reply_corpus.jsonl")
        forwards = try load("forward_corpus.jsonl")
        constraints = try load("reply_constraints.jsonl")
        signatures = try load("signature_corpus.jsonl")
    }

    // These hold only JSON values read once; nothing mutates them after init.
    package var recordCount: Int { replies.count + forwards.count + constraints.count + signatures.count }

    // MARK: - Running the extractor on a record

    static func run(_ r: [String: Any], subject: String? = nil) -> Analysis {
        let raw = r["raw"] as? String ?? ""
        let headers = Self.headers(r, subject: subject)
        switch r["input_format"] as? String {
        case "eml": return Analysis(raw: raw)
        case "html": return Analysis(text: "", html: raw, headers: headers)
        default: return Analysis(text: raw, html: nil, headers: headers)
        }
    }

    /// The record's header fields as a provider would hand them over: its sender as From, and a subject if given.
    static func headers(_ r: [String: Any], subject: String? = nil) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let config = r["config"] as? [String: Any], let sender = config["sender"] as? String {
            headers.append((name: "From", value: sender))
        }
        if let sender = r["sender"] as? String { headers.append((name: "From", value: sender)) }
        if let subject { headers.append((name: "Subject", value: subject)) }
        return headers
    }

    /// The text the product classifies for a record: what an inbound email becomes (`extract` on the raw message,
    /// or on the provider's text or HTML, and its reply without signature), trimmed and with card numbers masked
    /// as the pipeline does before it classifies.
    static func productText(_ r: [String: Any]) -> String {
        let raw = r["raw"] as? String ?? ""
        let extraction: EmailExtraction
        switch r["input_format"] as? String {
        case "eml": extraction = EmailExtractor.extract(raw: raw)
        case "html": extraction = EmailExtractor.extract(text: "", html: raw, headers: Self.headers(r))
        default: extraction = EmailExtractor.extract(text: raw, html: nil, headers: Self.headers(r))
        }
        return CardMask.mask(extraction.replyWithoutSignature.trimmedWhitespace()).text
    }

    /// Maps a record's `semantics` (and EdgeTier's `include`) to one layer of the extraction.
    static func layer(for r: [String: Any], _ a: Analysis) -> String {
        let e = a.extraction
        let semantics = r["semantics"] as? String ?? ""
        let config = r["config"] as? [String: Any]
        if let cut = config?["edgetier_cut_off_at_signature"] as? [String: Any] {
            return LibrarySemantics.edgeTierCut(
                e.unquoted, include: cut["include"] as? Bool ?? true, table: LibrarySemantics.edgeTierSignOffs)
        }
        // Talon removes each quoted block with its intro line and keeps text written below it.
        if semantics.hasPrefix("reply_without_quotes:") { return a.interleaved }
        if semantics.hasPrefix("reply_without_quotes") || semantics.hasPrefix("text_top") { return e.unquoted }
        // The github family keeps every visible fragment: quotes are hidden, text between them is not.
        if semantics.hasPrefix("reply_visible_text") { return a.interleavedReply }
        // Discourse keeps quotes that have text below them and drops only the trailing history.
        // (Only for mails that open with a quote; below an intro line Discourse drops everything.)
        if semantics.hasPrefix("discourse_trim"), r["input_format"] as? String ?? "text" == "text",
            let raw = r["raw"] as? String, raw.drop(while: { $0.isWhitespace }).hasPrefix(">")
        {
            return LibrarySemantics.discourseTrimmed(raw)
        }
        // quotequail.quote() returns the kept lines with their final newline.
        if semantics.hasPrefix("expanded part of quotequail") { return e.unquoted + "\n" }
        if semantics.hasPrefix("body_without_signature") || semantics.hasPrefix("latest_reply_body") {
            return e.replyWithoutSignature
        }
        return e.reply
    }

    static func compare(_ got: String, _ expected: String, mode: String) -> Bool {
        switch mode {
        case "strip": return strip(got) == strip(expected)
        case "whitespace_insensitive":
            return got.unicodeScalars.filter { !$0.properties.isWhitespace }.map(String.init).joined()
                == expected.unicodeScalars.filter { !$0.properties.isWhitespace }.map(String.init).joined()
        default: return got == expected
        }
    }

    static func strip(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    static func label(_ r: [String: Any]) -> String {
        "\(r["id"] as? String ?? "?") [\(r["source"] as? String ?? "?")]"
    }

    // MARK: - Scores

    /// reply_corpus.jsonl: each record under its own semantics and compare mode.
    package func evaluateReplies() -> ReplyReport {
        var report = ReplyReport()
        for r in replies {
            let want = r["expected_reply"] as? String ?? ""
            let mode = r["compare"] as? String ?? "exact"
            let ok = Self.compare(Self.layer(for: r, Self.run(r)), want, mode: mode)
            let productOK = Self.compare(Self.productText(r), want, mode: mode)
            let source = (r["source"] as? String ?? "?").split(separator: "@").first.map(String.init) ?? "?"
            let label = Self.label(r)
            report.overall.count(ok, label)
            report.bySource[source, default: Score(name: source)].count(ok, label)
            if r["config"] is [String: Any] { report.withConfig.count(ok, label) }
            report.product.count(productOK, label)
            report.productBySource[source, default: Score(name: source)].count(productOK, label)
        }
        return report
    }

    /// For each missed reply record: label, what the extractor gave, what the source expects (for debugging misses).
    package func replyMissDetails() -> [(label: String, got: String, expected: String)] {
        replies.compactMap { r in
            let got = Self.layer(for: r, Self.run(r))
            let want = r["expected_reply"] as? String ?? ""
            return Self.compare(got, want, mode: r["compare"] as? String ?? "exact") ? nil : (Self.label(r), got, want)
        }
    }

    /// forward_corpus.jsonl: every stated field is one check; returns (fields, records fully right).
    package func evaluateForwards() -> (fields: Score, records: Score) {
        var fields = Score(name: "forward fields")
        var records = Score(name: "forward records")
        for r in forwards {
            let analysis = Self.run(r, subject: r["subject_input"] as? String)
            let e = analysis.extraction
            let d = analysis.forward
            let expected = r["expected"] as? [String: Any] ?? [:]
            let checks = r["checks"] as? [String] ?? []
            let strip = checks.contains("compare:strip")
            let dateLoose = checks.contains { $0.hasPrefix("date: typeof string") }
            var recordOK = true
            var missed: [String] = []
            for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
                let ok: Bool
                func str(_ got: String?) -> Bool {
                    if value is NSNull { return got == nil || got == "" }
                    guard let want = value as? String else { return false }
                    return strip || key == "body" || key == "message"
                        ? Self.strip(got ?? "") == Self.strip(want) : (got ?? "") == want
                }
                switch key {
                case "forwarded": ok = (value as? Bool ?? false) == (e.kind == .forward && d != nil)
                case "from_name": ok = str(d?.fromName)
                case "from_address": ok = str(d?.fromAddress)
                case "subject": ok = str(d?.subject)
                case "body": ok = str(d?.body)
                case "message", "text_before": ok = str(d?.note ?? e.reply)
                case "embedded_block": ok = str(d?.embeddedBlock)
                case "from_raw": ok = str(d?.fromRaw)
                case "to_raw": ok = str(d?.toRaw)
                case "reply_to_raw": ok = str(d?.replyToRaw)
                case "text_bottom": ok = str(d?.textBottom)
                case "date": ok = dateLoose ? (d?.date?.count ?? 0) > 1 : str(d?.date)
                case "to", "cc":
                    let got = key == "to" ? d?.to ?? [] : d?.cc ?? []
                    let want = value as? [[String: Any]] ?? []
                    ok =
                        got.count == want.count
                        && zip(got, want).allSatisfy { g, w in
                            g.address == (w["address"] as? String ?? "")
                                && (w["name"] == nil
                                    || (w["name"] is NSNull ? g.name == nil : g.name == w["name"] as? String))
                        }
                case "body_html":
                    ok = !(d?.body ?? "").isEmpty
                case "message_html":
                    // quotequail's note as HTML; ours is text, so the expected HTML is compared after conversion.
                    ok = Self.strip(d?.note ?? e.reply) == Self.strip(HTMLText.convert(value as? String ?? "").text)
                default:
                    ok = false
                }
                fields.total += 1
                if ok {
                    fields.passed += 1
                } else {
                    missed.append(key)
                    recordOK = false
                }
            }
            records.total += 1
            if recordOK {
                records.passed += 1
            } else {
                let fieldList = missed.joined(separator: ",")
                records.misses.append("\(Self.label(r)) fields: \(fieldList)")
            }
        }
        fields.misses = records.misses
        return (fields, records)
    }

    /// reply_constraints.jsonl: must_contain, must_not_contain, starts_with, ends_with, equals_input.
    package func evaluateConstraints() -> Score { constraintResults().score }

    /// For each missed constraint record: label and what the extractor gave (for debugging misses).
    package func constraintMissDetails() -> [(label: String, got: String)] { constraintResults().misses }

    func constraintResults() -> (score: Score, misses: [(label: String, got: String)]) {
        var details: [(label: String, got: String)] = []
        var score = Score(name: "constraints")
        for r in constraints {
            let a = Self.run(r)
            var e = a.extraction
            let target = r["target"] as? String ?? ""
            if e.kind == .forward, target != "unwrap", (r["input_format"] as? String ?? "text") == "text" {
                // These targets are reply parsers, which never read a body as a forward: to them a header block
                // at the top is history above a bottom-posted reply. The product, given no subject to go by,
                // reads the same body as a forward with an empty note; the reply parser's own layers answer here.
                let layers = ReplyParser.parse(r["raw"] as? String ?? "")
                e.unquoted = layers.unquoted
                e.reply = layers.reply
                e.replyWithoutSignature = layers.replyWithoutSignature
            }
            var got: String
            if let cut = (r["config"] as? [String: Any])?["edgetier_cut_off_at_signature"] as? [String: Any] {
                // cut_off_at_signature documents its sign-off languages; a sign-off in another language is text.
                got = LibrarySemantics.edgeTierCut(
                    e.unquoted, include: cut["include"] as? Bool ?? true, table: LibrarySemantics.edgeTierSignOffs)
            } else if target.hasPrefix("extract_from_plain") || target == "unwrap" {
                got = e.unquoted
            } else if target == "reply" {
                // zapier's reply is its visible text: every fragment outside quotes.
                got = a.interleavedReply
            } else if target == "ExtendedEmailReplyParser.parse" {
                got = LibrarySemantics.githubVisibleText(r["raw"] as? String ?? "")
            } else if target == "ExtendedEmailReplyParser.parse(Mail::Message)", let html = a.replyHTML {
                // Given an HTML-only message, fiedl's parser returns the new content as HTML.
                got = html
            } else if target.hasPrefix("replies[0]") {
                got = e.replyWithoutSignature
            } else {
                got = e.reply
            }
            got = Self.strip(got)
            var why: [String] = []
            for s in r["must_contain"] as? [String] ?? [] where !got.contains(s) {
                why.append("missing \"\(s.prefix(30))\"")
            }
            for s in r["must_not_contain"] as? [String] ?? [] where got.contains(s) {
                why.append("contains \"\(s.prefix(30))\"")
            }
            if let s = r["starts_with"] as? String, !got.hasPrefix(Self.strip(s)) { why.append("starts_with") }
            if let s = r["ends_with"] as? String, !got.hasSuffix(Self.strip(s)) { why.append("ends_with") }
            if let eq = r["equals_input"] as? Bool, eq, got != Self.strip(r["raw"] as? String ?? "") {
                why.append("equals_input")
            }
            score.total += 1
            if why.isEmpty {
                score.passed += 1
            } else {
                score.misses.append("\(Self.label(r)): \(why.joined(separator: "; "))")
                details.append((Self.label(r), got))
            }
        }
        return (score, details)
    }

    /// signature_corpus.jsonl: the signature layer equals the labelled signature (empty when there is none).
    package func evaluateSignatures() -> Score {
        var score = Score(name: "signatures")
        for r in signatures {
            let e = Self.run(r).extraction
            let want = Self.strip(r["expected_signature"] as? String ?? "")
            score.count(Self.strip(e.signature) == want, Self.label(r))
        }
        return score
    }

    /// For each reply record the product's own text misses, that text and the one the source expects.
    package func productMissDetails() -> [(label: String, got: String, expected: String)] {
        replies.compactMap { r in
            let got = Self.productText(r)
            let want = r["expected_reply"] as? String ?? ""
            return Self.compare(got, want, mode: r["compare"] as? String ?? "exact") ? nil : (Self.label(r), got, want)
        }
    }

    /// For each missed signature record, the signature extracted and the one labelled.
    package func signatureMissDetails() -> [(label: String, got: String, expected: String)] {
        signatures.compactMap { r in
            let got = Self.strip(Self.run(r).extraction.signature)
            let want = Self.strip(r["expected_signature"] as? String ?? "")
            return got == want ? nil : (Self.label(r), got, want)
        }
    }

    /// Every record's input, for throughput measurements.
    package var inputs: [(raw: String, format: String)] {
        (replies + forwards + constraints + signatures).map {
            ($0["raw"] as? String ?? "", $0["input_format"] as? String ?? "text")
        }
    }

    /// Runs the extractor on one input the way the corpus records are run.
    package static func extract(raw: String, format: String) -> EmailExtraction {
        switch format {
        case "eml": return EmailExtractor.extract(raw: raw)
        case "html": return EmailExtractor.extract(text: "", html: raw, headers: [])
        default: return EmailExtractor.extract(text: raw, html: nil, headers: [])
        }
    }
}

import Foundation
import FrontdeskCore
import FrontdeskText

/// One labelled utterance of the intent dev set.
package struct DevUtterance: Sendable, Equatable {
    package var intent: IntentID
    package var channel: Channel
    package var locale: String
    /// Free labels such as `typo`, `negation`, `near-miss`, `oos`, `long`.
    package var tags: [String]
    package var text: String
    /// 1-based line in the dev-set file.
    package var line: Int
}

/// Scores a classifier on the intent dev set; shared by `swift run Eval` and the tests.
package struct IntentEvaluation: Sendable {
    /// Confidence at and above which answers must be right at least 97% of the time.
    package static let highConfidence = 0.8

    package struct Miss: Sendable {
        package var item: DevUtterance
        package var got: Classification
    }

    package var labels: [IntentID]
    /// confusion[expected][got], indexed like `labels`.
    package var confusion: [[Int]]
    package var total: Int
    package var correct: Int
    package var unknownTotal: Int
    package var unknownCorrect: Int
    package var highTotal: Int
    package var highCorrect: Int
    package var misses: [Miss]
    /// Accuracy per tag and per locale: (right, total).
    package var byTag: [String: (right: Int, total: Int)]
    package var byLocale: [String: (right: Int, total: Int)]

    package var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    package var unknownRecall: Double { unknownTotal == 0 ? 0 : Double(unknownCorrect) / Double(unknownTotal) }
    /// Share of answers at confidence ≥ 0.8 that are right.
    package var highPrecision: Double { highTotal == 0 ? 0 : Double(highCorrect) / Double(highTotal) }
    /// Share of all answers given at confidence ≥ 0.8.
    package var highCoverage: Double { total == 0 ? 0 : Double(highTotal) / Double(total) }

    /// Classifies every item and tallies the results.
    package static func run(_ classifier: some IntentClassifier, on items: [DevUtterance], labels known: [IntentID])
        -> IntentEvaluation
    {
        var labels = known
        for item in items where !labels.contains(item.intent) { labels.append(item.intent) }
        if !labels.contains(.unknown) { labels.append(.unknown) }
        var index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var report = IntentEvaluation(
            labels: labels, confusion: [], total: 0, correct: 0, unknownTotal: 0, unknownCorrect: 0, highTotal: 0,
            highCorrect: 0, misses: [], byTag: [:], byLocale: [:])
        var results: [(DevUtterance, Classification)] = []
        for item in items {
            let got = classifier.classify(item.text, channel: item.channel)
            if index[got.intent] == nil {
                index[got.intent] = report.labels.count
                report.labels.append(got.intent)
            }
            results.append((item, got))
        }
        report.confusion = Array(
            repeating: Array(repeating: 0, count: report.labels.count), count: report.labels.count)
        for (item, got) in results {
            let right = got.intent == item.intent
            report.total += 1
            if right { report.correct += 1 } else { report.misses.append(Miss(item: item, got: got)) }
            if item.intent == .unknown {
                report.unknownTotal += 1
                if right { report.unknownCorrect += 1 }
            }
            if got.confidence >= highConfidence {
                report.highTotal += 1
                if right { report.highCorrect += 1 }
            }
            if let e = index[item.intent], let g = index[got.intent] { report.confusion[e][g] += 1 }
            for tag in item.tags {
                let old = report.byTag[tag] ?? (0, 0)
                report.byTag[tag] = (old.right + (right ? 1 : 0), old.total + 1)
            }
            let old = report.byLocale[item.locale] ?? (0, 0)
            report.byLocale[item.locale] = (old.right + (right ? 1 : 0), old.total + 1)
        }
        return report
    }

    /// Reads a dev-set file: `intent<TAB>channel<TAB>locale<TAB>tags<TAB>text`, `#` comments, `\n` in text
    /// for line breaks, tags comma-separated (or `-`).
    package static func loadDevSet(_ url: URL) throws -> [DevUtterance] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var items: [DevUtterance] = []
        var faults: [Diagnostic] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, let channel = Channel(rawValue: String(fields[1])), !fields[4].isEmpty else {
                faults.append(
                    Diagnostic(file: url.lastPathComponent, line: i + 1, message: "expected 5 tab-separated fields"))
                continue
            }
            let tags = fields[3] == "-" ? [] : fields[3].split(separator: ",").map(String.init)
            items.append(
                DevUtterance(
                    intent: String(fields[0]), channel: channel, locale: String(fields[2]), tags: tags,
                    text: fields[4].replacingOccurrences(of: "\\n", with: "\n"), line: i + 1))
        }
        guard faults.isEmpty else { throw Diagnostics(faults) }
        return items
    }

    /// Dev-set items whose text is also an example (after folding): the dev set must not copy the training data.
    package static func overlaps(_ items: [DevUtterance], examples: [IntentExample]) -> [DevUtterance] {
        let normalizer = TextNormalizer()
        let seen = Set(examples.map { normalizer.normalize($0.text) })
        return items.filter { seen.contains(normalizer.normalize($0.text)) }
    }

    /// Classifications per second on the calling thread, over `items` repeated for about `seconds`.
    package static func throughput(_ classifier: some IntentClassifier, on items: [DevUtterance], seconds: Double = 1)
        -> Double
    {
        guard !items.isEmpty else { return 0 }
        let start = DispatchTime.now().uptimeNanoseconds
        var count = 0
        var checksum = 0.0
        var elapsed = 0.0
        repeat {
            for item in items { checksum += classifier.classify(item.text, channel: item.channel).confidence }
            count += items.count
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        if checksum.isNaN { return 0 }  // keeps the work observable to the optimiser
        return Double(count) / elapsed
    }

    /// A printable report: figures, per-tag accuracy and the confusion matrix.
    package func summary(showMisses: Int = 20) -> String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var out = ""
        out += "intent dev set: \(total) utterances\n"
        out += "  accuracy                 \(pct(accuracy)) (\(correct)/\(total))\n"
        out += "  unknown recall           \(pct(unknownRecall)) (\(unknownCorrect)/\(unknownTotal))\n"
        out += "  precision at conf >= 0.8 \(pct(highPrecision)) (\(highCorrect)/\(highTotal)),"
        out += " coverage \(pct(highCoverage))\n"
        for (name, table) in [("locale", byLocale), ("tag", byTag)] {
            let parts = table.keys.sorted().map { key -> String in
                let v = table[key] ?? (0, 0)
                return "\(key) \(v.right)/\(v.total)"
            }
            out += "  by \(name): " + parts.joined(separator: ", ") + "\n"
        }
        let short = labels.map { String($0.split(separator: ".").last.map { $0.prefix(6) } ?? "") }
        out += "  confusion (rows expected, columns got):\n"
        out += "    " + "".padding(toLength: 22, withPad: " ", startingAt: 0)
        out += short.map { $0.padding(toLength: 7, withPad: " ", startingAt: 0) }.joined() + "\n"
        for (i, label) in labels.enumerated() {
            out += "    " + label.padding(toLength: 22, withPad: " ", startingAt: 0)
            out += confusion[i].map { String($0).padding(toLength: 7, withPad: " ", startingAt: 0) }.joined() + "\n"
        }
        if showMisses > 0, !misses.isEmpty {
            out += "  misses (first \(min(showMisses, misses.count)) of \(misses.count)):\n"
            for m in misses.prefix(showMisses) {
                let text = m.item.text.replacingOccurrences(of: "\n", with: " ⏎ ")
                out += "    line \(m.item.line): want \(m.item.intent), got \(m.got.intent)"
                out += String(format: " %.2f", m.got.confidence) + ": \(text.prefix(90))\n"
            }
        }
        return out
    }
}

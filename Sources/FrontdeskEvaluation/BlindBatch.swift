import Foundation
import FrontdeskCore
import FrontdeskText

/// Scores the classifier on a blind batch: utterances written by someone who never saw the examples, sealed by
/// hash before tuning (Benchmarks/Data/blind_batches.sha256, BLIND.md). The report holds figures only, never the
/// text of a line, so looking at it while tuning does not leak the batch into the examples.
package struct BlindBatchReport: Sendable {
    /// The intent whose false positives matter most: a destructive action.
    package static let cancelIntent: IntentID = "membership.cancel"

    /// Per intent: lines labelled with it, of those classified right, and lines classified as it.
    package struct IntentFigures: Sendable {
        package var expected = 0
        package var right = 0
        package var predicted = 0
        package var recall: Double { expected == 0 ? 0 : Double(right) / Double(expected) }
        package var precision: Double { predicted == 0 ? 0 : Double(right) / Double(predicted) }
    }

    package var total = 0
    package var correct = 0
    package var byIntent: [IntentID: IntentFigures] = [:]
    package var byLocale: [String: (right: Int, total: Int)] = [:]
    package var pipelineThreshold: Double
    package var guardThreshold: Double
    /// Lines labelled `membership.cancel` classified `membership.cancel` at ≥ the pipeline's threshold.
    package var cancelRecalled = 0
    package var cancelTotal = 0
    /// Lines labelled anything else classified `membership.cancel` at ≥ each threshold.
    package var falseCancelAtPipeline = 0
    package var falseCancelAtGuard = 0

    package var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    package var cancelRecall: Double { cancelTotal == 0 ? 0 : Double(cancelRecalled) / Double(cancelTotal) }

    /// Classifies every line; an answer below `pipelineThreshold` counts as `unknown`, as the pipeline reads it.
    package static func run(
        _ classifier: some IntentClassifier, on items: [DevUtterance], pipelineThreshold: Double = 0.4,
        guardThreshold: Double = 0.8
    ) -> BlindBatchReport {
        var report = BlindBatchReport(pipelineThreshold: pipelineThreshold, guardThreshold: guardThreshold)
        for item in items {
            let guess = classifier.classify(item.text, channel: item.channel)
            let got = guess.confidence >= pipelineThreshold ? guess.intent : IntentID.unknown
            let right = got == item.intent
            report.total += 1
            if right { report.correct += 1 }
            report.byIntent[item.intent, default: IntentFigures()].expected += 1
            report.byIntent[got, default: IntentFigures()].predicted += 1
            if right { report.byIntent[got, default: IntentFigures()].right += 1 }
            let old = report.byLocale[item.locale] ?? (0, 0)
            report.byLocale[item.locale] = (old.right + (right ? 1 : 0), old.total + 1)
            if item.intent == cancelIntent {
                report.cancelTotal += 1
                if right { report.cancelRecalled += 1 }
            } else if guess.intent == cancelIntent {
                if guess.confidence >= pipelineThreshold { report.falseCancelAtPipeline += 1 }
                if guess.confidence >= guardThreshold { report.falseCancelAtGuard += 1 }
            }
        }
        return report
    }

    /// Reads a batch file: a header line `intent<TAB>channel<TAB>locale<TAB>text`, then one line each,
    /// `\n` in the text for a line break. Tags are empty (batches carry none).
    package static func load(_ url: URL) throws -> [DevUtterance] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var items: [DevUtterance] = []
        var faults: [Diagnostic] = []
        var sawHeader = false
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
            if !sawHeader {
                sawHeader = true
                if fields.map(String.init) == ["intent", "channel", "locale", "text"] { continue }
                faults.append(
                    Diagnostic(
                        file: url.lastPathComponent, line: i + 1,
                        message: "expected the header intent<TAB>channel<TAB>locale<TAB>text"))
                continue
            }
            guard fields.count == 4, !fields[0].isEmpty, let channel = Channel(rawValue: String(fields[1])),
                !fields[3].isEmpty
            else {
                faults.append(
                    Diagnostic(file: url.lastPathComponent, line: i + 1, message: "expected 4 tab-separated fields"))
                continue
            }
            items.append(
                DevUtterance(
                    intent: String(fields[0]), channel: channel, locale: String(fields[2]), tags: [],
                    text: fields[3].replacingOccurrences(of: "\\n", with: "\n"), line: i + 1))
        }
        guard faults.isEmpty else { throw Diagnostics(faults) }
        return items
    }

    /// Figures only: accuracy, the cancellation figures, per-locale and per-intent recall and precision.
    package func summary(name: String) -> String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var out = "blind batch \(name): \(total) lines\n"
        out += "  accuracy                      \(pct(accuracy)) (\(correct)/\(total))\n"
        out += "  recall of membership.cancel   \(pct(cancelRecall)) (\(cancelRecalled)/\(cancelTotal))\n"
        out += "  non-cancel lines classified membership.cancel: "
        out += String(
            format: "%d at >= %.2f, %d at >= %.2f\n", falseCancelAtPipeline, pipelineThreshold,
            falseCancelAtGuard, guardThreshold)
        let locales = byLocale.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.right)/\($0.value.total)" }
        out += "  by locale: " + locales.joined(separator: ", ") + "\n"
        out += "    intent                   lines  recall   predicted  precision\n"
        for (intent, f) in byIntent.sorted(by: { $0.key < $1.key }) {
            out += "    " + intent.padding(toLength: 24, withPad: " ", startingAt: 0)
            out += String(
                format: "%5d  %6.1f%%  %9d  %8.1f%%\n", f.expected, f.recall * 100, f.predicted,
                f.precision * 100)
        }
        return out
    }
}

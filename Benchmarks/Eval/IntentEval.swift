import Foundation
import FrontdeskCore
import FrontdeskText

/// Intent classifier accuracy and speed over Benchmarks/Data/intent_devset.tsv.
/// Options: `--devset FILE`, `--misses N` (how many misses to list, default 30).
enum IntentEval {
    static func run(_ arguments: [String]) {
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let catalog: Catalog
        do {
            catalog = try Catalog.load(root: root)
        } catch {
            print("intent evaluation: cannot load the catalog under \(root.path): \(error)")
            return
        }
        let devURL = value("--devset").map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent("Benchmarks/Data/intent_devset.tsv")
        let items: [DevUtterance]
        do {
            items = try IntentEvaluation.loadDevSet(devURL)
        } catch {
            print("intent evaluation: cannot read \(devURL.path): \(error)")
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let classifier = ExampleClassifier(examples: catalog.examples)
        let trainMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        print(
            "intent classifier: \(catalog.examples.count) examples, \(classifier.intents.count) intents, "
                + String(format: "trained in %.1f ms", trainMs))
        let copies = IntentEvaluation.overlaps(items, examples: catalog.examples)
        if !copies.isEmpty {
            print("  warning: \(copies.count) dev utterances are also examples (lines "
                + copies.prefix(10).map { String($0.line) }.joined(separator: ", ") + ")")
        }
        let report = IntentEvaluation.run(classifier, on: items, labels: classifier.intents)
        print(report.summary(showMisses: Int(value("--misses") ?? "") ?? 30), terminator: "")
        var slowest = (0.0, 0)
        for item in items {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = classifier.classify(item.text, channel: item.channel)
            let us = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3
            if us > slowest.0 { slowest = (us, item.line) }
        }
        let rate = IntentEvaluation.throughput(classifier, on: items, seconds: 2)
        print(String(format: "  throughput: %.0f classifications/s on one core", rate))
        print(String(format: "  slowest input: %.1f µs (line %d)", slowest.0, slowest.1))
    }
}

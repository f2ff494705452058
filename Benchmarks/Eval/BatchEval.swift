import Foundation
import FrontdeskCore
import FrontdeskEvaluation
import FrontdeskText

/// Scores a blind batch (`--batch FILE`, see Benchmarks/Data/BLIND.md): figures only, never a line's text.
/// Options: `--threshold T` (the pipeline's, default 0.4), `--guard T` (the cancel guard's, default 0.8).
enum BatchEval {
    static func run(_ arguments: [String]) {
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        guard let path = value("--batch") else {
            print("blind batch: --batch needs a file")
            exit(2)
        }
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let catalog: Catalog
        let items: [DevUtterance]
        do {
            catalog = try Catalog.load(root: root)
            items = try BlindBatchReport.load(URL(fileURLWithPath: path))
        } catch {
            print("blind batch: \(error)")
            exit(1)
        }
        let classifier = ExampleClassifier(examples: catalog.examples)
        let report = BlindBatchReport.run(
            classifier, on: items, pipelineThreshold: value("--threshold").flatMap(Double.init) ?? 0.4,
            guardThreshold: value("--guard").flatMap(Double.init) ?? 0.8)
        print(report.summary(name: URL(fileURLWithPath: path).lastPathComponent), terminator: "")
    }
}

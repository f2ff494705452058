import Foundation
import FrontdeskCore
import FrontdeskEvaluation

/// `--language FILE...`: how often the language of each labelled line is found, and how often it would be stored on
/// the client or wrongly flip a stored one (figures only; see Benchmarks/Data/BLIND.md).
enum LanguageEval {
    static func run(_ arguments: [String]) {
        let files = arguments.drop { $0 != "--language" }.dropFirst().prefix { !$0.hasPrefix("--") }
        guard !files.isEmpty else {
            print("language: --language needs one or more batch files")
            exit(2)
        }
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            let detector = try Catalog.load(root: root).languageDetector()
            for path in files {
                let items = try BlindBatchReport.load(URL(fileURLWithPath: path))
                let report = LanguageReport.run(detector, on: items)
                print(report.summary(name: URL(fileURLWithPath: path).lastPathComponent), terminator: "")
            }
        } catch {
            print("language: \(error)")
            exit(1)
        }
    }
}

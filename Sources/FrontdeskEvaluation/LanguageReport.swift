import FrontdeskCore

/// How well `LanguageDetector` tells the language of lines labelled with one (a blind batch's `locale` column):
/// figures only, never a line's text (Benchmarks/Data/BLIND.md).
package struct LanguageReport: Sendable {
    package struct Figures: Sendable, Equatable {
        package var lines = 0
        /// The message's language found (what a reply follows when the client has none stored).
        package var right = 0
        /// Found sure enough to store it on the client.
        package var confidentRight = 0
        /// Sure enough to store, and wrong: a client whose stored language would flip.
        package var confidentWrong = 0
        /// Another language found, not sure enough to store (the reply would follow it if nothing is stored).
        package var unsureWrong = 0
        /// No language at all (the stored one, or the business's, is used).
        package var none = 0
    }

    package var byLocale: [String: Figures] = [:]

    package static func run(_ detector: LanguageDetector, on items: [DevUtterance]) -> LanguageReport {
        var report = LanguageReport()
        for item in items {
            var f = report.byLocale[item.locale] ?? Figures()
            f.lines += 1
            switch detector.detect(item.text) {
            case nil: f.none += 1
            case let guess? where guess.locale == item.locale:
                f.right += 1
                if guess.confident { f.confidentRight += 1 }
            case let guess?:
                if guess.confident { f.confidentWrong += 1 } else { f.unsureWrong += 1 }
            }
            report.byLocale[item.locale] = f
        }
        return report
    }

    package func summary(name: String) -> String {
        func percent(_ n: Int, _ of: Int) -> String {
            of == 0 ? "-" : String(Double(n * 1000 / of) / 10) + "%"
        }
        var out = "language of \(name):\n"
        out += "  locale  lines  found          stored (confident)  confident wrong  unsure wrong  none\n"
        for (locale, f) in byLocale.sorted(by: { $0.key < $1.key }) {
            let cells = [
                locale.padding(toLength: 6, withPad: " ", startingAt: 0),
                String(f.lines).padding(toLength: 5, withPad: " ", startingAt: 0),
                "\(f.right) (\(percent(f.right, f.lines)))".padding(toLength: 13, withPad: " ", startingAt: 0),
                "\(f.confidentRight) (\(percent(f.confidentRight, f.lines)))".padding(
                    toLength: 18, withPad: " ", startingAt: 0),
                String(f.confidentWrong).padding(toLength: 15, withPad: " ", startingAt: 0),
                String(f.unsureWrong).padding(toLength: 12, withPad: " ", startingAt: 0), String(f.none),
            ]
            out += "  " + cells.joined(separator: "  ") + "\n"
        }
        return out
    }
}

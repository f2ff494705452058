import Foundation
import FrontdeskCore
import FrontdeskText

/// What the product needs before a command runs: the email pattern tables the extractor reads. A missing or
/// broken patterns file stops every command here, naming the file and the reason, instead of extraction
/// quietly working without its tables; `frontdesk check` lists it among its faults.
enum Startup {
    /// Loads the email patterns before `command` runs. `check` reports a fault instead of stopping, and an
    /// unknown command stays a usage error.
    static func prepare(for command: String) throws {
        guard command != "check", FrontdeskCLI.help(command) != nil else { return }
        try EmailPatterns.load()
    }

    /// The patterns file's fault, if it has one.
    static var patternFaults: [Diagnostic] {
        do throws(Diagnostic) {
            try EmailPatterns.load()
            return []
        } catch {
            return [error]
        }
    }

    /// `Catalog.load`, a failure listing the patterns file's fault before the catalog's.
    static func catalog(root: URL) throws -> Catalog {
        do {
            return try Catalog.load(root: root)
        } catch let faults as Diagnostics {
            throw Diagnostics(patternFaults + faults.items)
        }
    }
}

import Foundation
import FrontdeskStore

/// `frontdesk db backup|restore|status`: the database itself, without plugins or prompts.
extension Commands {
    func db(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "to", "from"], switches: ["force"])
        guard let verb = a.positionals.first, a.positionals.count == 1 else {
            throw CLIError.usage("db needs one of backup, restore, status; see `frontdesk db --help`")
        }
        let location = a["db"] ?? environment["FRONTDESK_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "frontdesk.sqlite"
        try checkDatabasePath(location)
        switch verb {
        case "backup":
            let file = try a.required("to")
            guard FileManager.default.fileExists(atPath: location) else {
                throw CLIError.failure("no database at \(location) to back up")
            }
            try checkDatabasePath(file)
            let summary = try storeCall { try StoreOpening.backup(location, to: file, overwrite: a.has("force")) }
            output("backed up \(location) to \(file): \(describe(summary))")
        case "restore":
            let file = try a.required("from")
            let summary = try storeCall { try StoreOpening.restore(location, from: file, force: a.has("force")) }
            output("restored \(location) from \(file): \(describe(summary))")
        case "status":
            guard FileManager.default.fileExists(atPath: location) else {
                throw CLIError.failure("no database at \(location)")
            }
            let store = try storeCall { try StoreOpening.open(location) }
            let counts = try store.tableCounts()
            let problems = try store.integrityProblems()
            output("database \(store.location)")
            for table in counts.keys.sorted() { output("  \(table)\t\(counts[table] ?? 0)") }
            output(problems.isEmpty ? "integrity: ok" : "integrity: \(problems.joined(separator: "; "))")
            if !problems.isEmpty { throw CLIError.failure("the database fails its integrity check") }
        default:
            throw CLIError.usage("unknown db command \(verb) (backup, restore or status)")
        }
    }

    private func storeCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw CLIError.failure(error.message)
        }
    }

    private func describe(_ s: BackupSummary) -> String {
        let rows = s.tableCounts.filter { $0.key != "schema_migrations" }.values.reduce(0, +)
        let kib = (s.bytes + 1023) / 1024
        return
            "\(kib) KiB, \(rows) rows in \(s.tableCounts.count) tables, migrations up to \(s.migrations.last ?? "none")"
    }
}

import Foundation
import FrontdeskPlugins
import FrontdeskSQLite
import FrontdeskStore

/// The one place in the app that knows the store's implementations. Everything else holds `any Store`.
///
/// `FRONTDESK_DB` (or `--db`, or the config file's `db`) is a SQLite path today; a `postgres://` URL will
/// select the PostgreSQL implementation when it exists, and is refused until then.
enum StoreOpening {
    static func open(_ location: String) throws -> any Store {
        try refuseUnsupported(location)
        return try SQLiteStore(path: location, redactor: LinkRedactor())
    }

    /// `frontdesk db backup`: an online copy of the live database.
    static func backup(_ location: String, to file: String, overwrite: Bool) throws -> BackupSummary {
        try refuseUnsupported(location)
        // A backup copies what is there: it never upgrades the live database first.
        return try SQLiteStore(path: location, migrate: false).backup(to: file, overwrite: overwrite)
    }

    /// `frontdesk db restore`: replaces the database with a backup.
    static func restore(_ location: String, from file: String, force: Bool) throws -> BackupSummary {
        try refuseUnsupported(location)
        return try SQLiteStore.restore(from: file, to: location, force: force, redactor: LinkRedactor())
    }

    private static func refuseUnsupported(_ location: String) throws {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw CLIError.failure("PostgreSQL is not supported yet; FRONTDESK_DB must be a SQLite file path")
        }
    }
}

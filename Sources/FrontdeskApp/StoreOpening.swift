import Foundation
import FrontdeskPlugins
import FrontdeskSQLite
import FrontdeskStore

/// The one place in the app that knows the store's implementations. Everything else holds `any Store`.
///
/// `FRONTDESK_DB` (or `--db`, or the config file's `db`) is a SQLite path today; a `postgres://` URL will
/// select the PostgreSQL implementation when it exists, and is refused until then.
enum StoreOpening {
    static func open(_ location: String, options: StoreOptions = StoreOptions()) throws -> any Store {
        try refuseUnsupported(location)
        let sqlite = SQLiteOptions(
            synchronous: options.durable ? .full : .normal, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds,
            maxBytes: options.maxBytes)
        return try SQLiteStore(path: location, redactor: LinkRedactor(), options: sqlite)
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

/// How the store keeps what it commits (`FRONTDESK_DB_SYNCHRONOUS`, `FRONTDESK_DB_BUSY_TIMEOUT`,
/// `FRONTDESK_DB_MAX_SIZE`).
public struct StoreOptions: Sendable, Equatable {
    /// True (the default): a write returns once it is on disk, so an acknowledged message survives power loss
    /// (SQLite `synchronous=FULL`). False: it survives a crash of the process but may be lost with the machine's
    /// power (`synchronous=NORMAL`).
    public var durable: Bool
    /// How long a write waits for a lock another process holds (a backup, the `sqlite3` shell) before failing.
    public var busyTimeoutMilliseconds: Int
    /// The most bytes the database may grow to (nil: as far as the disk allows).
    public var maxBytes: Int?

    public init(durable: Bool = true, busyTimeoutMilliseconds: Int = 5000, maxBytes: Int? = nil) {
        self.durable = durable
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.maxBytes = maxBytes
    }
}

import CSQLite
import Foundation
import FrontdeskStore

/// Online backup and restore through SQLite's backup API (https://www.sqlite.org/backup.html).
///
/// Both copy every page in one `sqlite3_backup_step(-1)`: one read transaction on the source, so the copy is
/// a consistent snapshot. In WAL mode a reader never blocks the writer, so `frontdesk serve` keeps taking
/// messages while a backup runs (stepping in small pieces would restart on every write it sees).
extension SQLiteStore {
    /// Copies this database to `destination`. The copy is written beside it under a temporary name, checked
    /// (`integrity_check`, `foreign_key_check`) and only then renamed into place, so a failed backup never
    /// leaves a half-written file under the name asked for.
    public func backup(to destination: String, overwrite: Bool = false) throws -> BackupSummary {
        guard path != ":memory:" else { throw StoreError(.failure, "an in-memory database has no file to back up") }
        let fm = FileManager.default
        if fm.fileExists(atPath: destination), !overwrite {
            throw StoreError(
                .duplicate, "\(destination) already exists (choose another name, or add --force to overwrite it)")
        }
        let partial = destination + ".partial-\(getpid())"
        try? fm.removeItem(atPath: partial)
        do {
            // A connection of its own: the store's reader and writer stay free for the running server.
            let source = try Self.open(path, flags: SQLITE_OPEN_READONLY)
            try Self.copy(from: source, to: partial)
            let summary = try Self.verify(partial)
            // rename(2) replaces an older backup in one step: there is never a moment without one.
            guard rename(partial, destination) == 0 else {
                throw StoreError(.failure, "cannot move the backup into place at \(destination): errno \(errno)")
            }
            return BackupSummary(
                path: destination, bytes: summary.bytes, migrations: summary.migrations,
                tableCounts: summary.tableCounts)
        } catch {
            try? fm.removeItem(atPath: partial)
            throw error
        }
    }

    /// Replaces the database at `target` with the backup at `source`. The backup is checked first; a target that
    /// already holds data is replaced only with `force`. The copy goes through SQLite's locks, so a server using
    /// the target sees the restored data on its next transaction. Migrations newer than the backup are applied
    /// (`redactor` as for `init`).
    public static func restore(
        from source: String, to target: String, force: Bool, redactor: (any LinkTokenRedactor)? = nil
    ) throws -> BackupSummary {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError(.notFound, "\(source) does not exist")
        }
        _ = try verify(source)
        if FileManager.default.fileExists(atPath: target), !force {
            let existing = try open(target, flags: SQLITE_OPEN_READONLY)
            let rows = try existing.tableCounts().filter { $0.key != "schema_migrations" }.values.reduce(0, +)
            if rows > 0 {
                throw StoreError(
                    .duplicate,
                    "\(target) holds a live database (\(rows) rows); restoring replaces all of it: add --force")
            }
        }
        let from = try open(source, flags: SQLITE_OPEN_READONLY)
        let into = try open(target)
        try run(from: from, to: into)
        // Opening the store applies any migration the backup predates.
        let store = try SQLiteStore(path: target, redactor: redactor)
        let problems = try store.integrityProblems()
        guard problems.isEmpty else {
            throw StoreError(
                .unavailable, "restored database fails its check: \(problems.prefix(3).joined(separator: "; "))")
        }
        let migrations = try store.sqlRead { c in
            try c.query("SELECT name FROM schema_migrations ORDER BY name").compactMap { $0.string("name") }
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        return BackupSummary(path: target, bytes: bytes, migrations: migrations, tableCounts: try store.tableCounts())
    }

    /// Checks a database file is sound and is Frontdesk's: integrity, foreign keys, known migrations.
    static func verify(_ file: String) throws -> BackupSummary {
        let c = try open(file, flags: SQLITE_OPEN_READONLY)
        let problems: [String]
        do {
            problems = try c.integrityProblems()
        } catch let error as StoreError {
            throw StoreError(
                .unavailable, "\(file) is not a readable SQLite database: \(error.message)", code: error.code)
        }
        guard problems.isEmpty else {
            throw StoreError(.unavailable, "\(file) fails its check: \(problems.prefix(3).joined(separator: "; "))")
        }
        let hasMigrations =
            try c.queryOne("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
            != nil
        guard hasMigrations else { throw StoreError(.unavailable, "\(file) is not a Frontdesk database") }
        let migrations = try c.query("SELECT name FROM schema_migrations ORDER BY name").compactMap {
            $0.string("name")
        }
        if let newer = migrations.first(where: { !Migrations.names.contains($0) }) {
            throw StoreError(.unavailable, "\(file) was made by a newer Frontdesk (migration \(newer))")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return BackupSummary(path: file, bytes: bytes, migrations: migrations, tableCounts: try c.tableCounts())
    }

    /// Copies `source` into a new single-file database at `file` (rollback journal, not WAL, so it is one file).
    private static func copy(from source: Connection, to file: String) throws {
        // The copy holds every client's data: readable by its owner only, from the first byte.
        let fd = Glibc.open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StoreError(.unavailable, "cannot create \(file): errno \(errno)") }
        close(fd)
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(file, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK, let handle else {
            if let handle { sqlite3_close_v2(handle) }
            throw ResultCode.error(rc, "cannot create \(file)", sql: nil)
        }
        let destination = Connection(handle: handle)
        try run(from: source, to: destination)
        try destination.executeScript("PRAGMA journal_mode = DELETE")
    }

    private static func run(from source: Connection, to destination: Connection) throws {
        guard let backup = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
            throw ResultCode.error(
                sqlite3_extended_errcode(destination.handle), String(cString: sqlite3_errmsg(destination.handle)),
                sql: nil)
        }
        var rc = sqlite3_backup_step(backup, -1)
        // Busy or locked: another process holds a lock for a moment; the busy timeout covers most of it.
        var waited = 0
        while rc == SQLITE_BUSY || rc == SQLITE_LOCKED, waited < 100 {
            usleep(50_000)
            waited += 1
            rc = sqlite3_backup_step(backup, -1)
        }
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            let code = rc == SQLITE_DONE ? finish : rc
            throw ResultCode.error(code, String(cString: sqlite3_errstr(code)), sql: nil)
        }
    }
}

import CSQLite
import Foundation
import FrontdeskCore
import FrontdeskStore

/// A value bound to or read from SQL. Bound values never appear in errors or logs.
enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// Something that can be bound to a statement parameter.
protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .int(self) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .double(self) } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }
extension Date: SQLBindable { var sqlValue: SQLValue { .text(UTC.format(self)) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// SQLite's extended result codes that callers tell apart (function-like macros Swift does not import).
enum ResultCode {
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

    /// The store's error for a failed call: SQLite's own message, the statement with placeholders only.
    static func error(_ code: Int32, _ message: String, sql: String?) -> StoreError {
        let kind: StoreError.Kind
        switch code & 0xFF {
        case _ where code == constraintUnique || code == constraintPrimaryKey: kind = .duplicate
        case SQLITE_CONSTRAINT: kind = .constraint
        case SQLITE_BUSY, SQLITE_LOCKED: kind = .busy
        case SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_CORRUPT: kind = .unavailable
        default: kind = .failure
        }
        return StoreError(kind, message, code: code, statement: sql)
    }
}

/// One result row; columns by name.
struct Row: Sendable {
    let columns: [String: SQLValue]

    subscript(_ name: String) -> SQLValue { columns[name] ?? .null }

    func int(_ name: String) -> Int? { if case .int(let v) = self[name] { return Int(v) } else { return nil } }
    func int64(_ name: String) -> Int64? { if case .int(let v) = self[name] { return v } else { return nil } }
    func string(_ name: String) -> String? {
        switch self[name] {
        case .text(let s): return s
        case .int(let v): return String(v)
        default: return nil
        }
    }
    func bool(_ name: String) -> Bool { int(name).map { $0 != 0 } ?? false }
    func date(_ name: String) -> Date? { string(name).flatMap(UTC.parse) }
    func double(_ name: String) -> Double? {
        switch self[name] {
        case .double(let d): return d
        case .int(let v): return Double(v)
        default: return nil
        }
    }
}

/// A SQLite connection: the unit of work handed to `SQLiteStore.read`/`write` closures, not to be kept
/// beyond them. Its repositories are in the other files of this module.
final class Connection {
    let handle: OpaquePointer
    private var cache: [String: OpaquePointer] = [:]
    /// Takes link tokens out of the bodies of replies that have left (set by `SQLiteStore`).
    var redactor: any LinkTokenRedactor = LinkTokensWithoutIDs()
    /// A stored token was overwritten since the WAL was last truncated: its older page images may still be
    /// there. True at first: an earlier process may have stopped between redacting and truncating.
    var walHoldsRedactedText = true

    init(handle: OpaquePointer) { self.handle = handle }

    deinit {
        for stmt in cache.values { sqlite3_finalize(stmt) }
        sqlite3_close_v2(handle)
    }

    /// Checks an SQLite return code; everything goes through here.
    @discardableResult
    func check(_ code: Int32, sql: String? = nil) throws -> Int32 {
        switch code {
        case SQLITE_OK, SQLITE_ROW, SQLITE_DONE: return code
        default:
            throw ResultCode.error(sqlite3_extended_errcode(handle), String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        if let stmt = cache[sql] { return stmt }
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil), sql: sql)
        guard let stmt else { throw ResultCode.error(SQLITE_MISUSE, "empty statement", sql: sql) }
        cache[sql] = stmt
        return stmt
    }

    private func bind(_ stmt: OpaquePointer, _ args: [any SQLBindable], sql: String) throws {
        guard Int(sqlite3_bind_parameter_count(stmt)) == args.count else {
            throw ResultCode.error(
                SQLITE_RANGE, "expected \(sqlite3_bind_parameter_count(stmt)) arguments, got \(args.count)", sql: sql)
        }
        for (i, arg) in args.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch arg.sqlValue {
            case .null: rc = sqlite3_bind_null(stmt, index)
            case .int(let v): rc = sqlite3_bind_int64(stmt, index, v)
            case .double(let v): rc = sqlite3_bind_double(stmt, index, v)
            case .text(let s): rc = fd_sqlite3_bind_text_transient(stmt, index, s, -1)
            case .blob(let b):
                rc = b.withUnsafeBytes { fd_sqlite3_bind_blob_transient(stmt, index, $0.baseAddress, Int32(b.count)) }
            }
            try check(rc, sql: sql)
        }
    }

    /// Runs one statement; returns the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ args: any SQLBindable...) throws -> Int {
        let stmt = try prepare(sql)
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        try bind(stmt, args, sql: sql)
        while try check(sqlite3_step(stmt), sql: sql) == SQLITE_ROW {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs several statements without arguments (migrations).
    func executeScript(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw ResultCode.error(sqlite3_extended_errcode(handle), message, sql: nil)
        }
    }

    /// Rows of a query.
    func query(_ sql: String, _ args: any SQLBindable...) throws -> [Row] {
        try queryArray(sql, args)
    }

    /// Rows of a query, arguments as an array.
    func queryArray(_ sql: String, _ args: [any SQLBindable]) throws -> [Row] {
        let stmt = try prepare(sql)
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        try bind(stmt, args, sql: sql)
        var rows: [Row] = []
        let count = sqlite3_column_count(stmt)
        while try check(sqlite3_step(stmt), sql: sql) == SQLITE_ROW {
            var columns: [String: SQLValue] = [:]
            columns.reserveCapacity(Int(count))
            for i in 0..<count {
                let name = String(cString: sqlite3_column_name(stmt, i))
                switch sqlite3_column_type(stmt, i) {
                case SQLITE_INTEGER: columns[name] = .int(sqlite3_column_int64(stmt, i))
                case SQLITE_FLOAT: columns[name] = .double(sqlite3_column_double(stmt, i))
                case SQLITE_TEXT: columns[name] = .text(String(cString: sqlite3_column_text(stmt, i)))
                case SQLITE_BLOB:
                    let n = Int(sqlite3_column_bytes(stmt, i))
                    if let p = sqlite3_column_blob(stmt, i) {
                        columns[name] = .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
                    } else {
                        columns[name] = .blob([])
                    }
                default: columns[name] = .null
                }
            }
            rows.append(Row(columns: columns))
        }
        return rows
    }

    /// The first row of a query, if any.
    func queryOne(_ sql: String, _ args: any SQLBindable...) throws -> Row? {
        try queryArray(sql, args).first
    }

    var lastInsertID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    private var savepointDepth = 0

    /// Runs `body` in a savepoint inside the current transaction: its writes are undone if it throws,
    /// while the enclosing transaction goes on (one failing plugin never loses the inbound message).
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        let name = "sp\(savepointDepth)"
        defer { savepointDepth -= 1 }
        try executeScript("SAVEPOINT \(name)")
        do {
            let result = try body()
            try executeScript("RELEASE \(name)")
            return result
        } catch {
            try? executeScript("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
    }
}

/// The SQLite store: one writer connection behind a lock, plus a reader connection so reads (link pages,
/// health checks, metrics) do not wait behind writes. WAL mode, foreign keys on, busy timeout.
///
/// `write` runs its closure in `BEGIN IMMEDIATE … COMMIT` and rolls back on any thrown error,
/// rethrowing the first one.
public final class SQLiteStore: Store, @unchecked Sendable {
    let connection: Connection
    let lock = NSRecursiveLock()
    /// Nil for `:memory:`, where a second connection would be a different database.
    private let reader: Connection?
    private let readLock = NSLock()
    public let path: String

    public var location: String { "sqlite:" + path }

    /// Opens (creating if needed) the database at `path` (`:memory:` for tests) and applies migrations.
    /// `redactor` takes link tokens out of replies that have left, keeping their link's id (the app passes
    /// one that can hash tokens); without it tokens become `[link]`.
    public init(path: String, migrate: Bool = true, redactor: (any LinkTokenRedactor)? = nil) throws {
        self.path = path
        connection = try Self.open(path)
        if let redactor { connection.redactor = redactor }
        if migrate { try Migrations.apply(connection: connection, lock: lock) }
        if path == ":memory:" {
            reader = nil
        } else {
            let r = try Self.open(path)
            // "The query_only pragma prevents data changes on database files." (SQLite docs)
            try r.executeScript("PRAGMA query_only = 1")
            reader = r
        }
    }

    static func open(_ path: String, flags: Int32 = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) throws -> Connection {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite3_close_v2(handle) }
            throw ResultCode.error(rc, "cannot open database at \(path): \(message)", sql: nil)
        }
        let connection = Connection(handle: handle)
        // "The busy handler ... sleeps ... until the lock clears or ms milliseconds have accumulated." (sqlite3_busy_timeout)
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_extended_result_codes(handle, 1)
        if flags & SQLITE_OPEN_READONLY == 0 {
            // secure_delete: "When secure_delete is on, SQLite overwrites deleted content with zeros" (SQLite
            // docs): a redacted body or a deleted row leaves no old text in free space or on free pages.
            try connection.executeScript(
                """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA foreign_keys = ON;
                PRAGMA secure_delete = ON;
                """)
        }
        return connection
    }

    /// A connection that cannot write, for checks and backups (no migrations, no pragmas).
    static func openReadOnly(_ path: String) throws -> Connection {
        try open(path, flags: SQLITE_OPEN_READONLY)
    }

    public func write<T>(_ body: (any UnitOfWork) throws -> T) throws -> T {
        try sqlWrite { try body($0) }
    }

    /// `write` on the connection itself, for this module's maintenance work and its tests.
    @discardableResult
    func sqlWrite<T>(_ body: (Connection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try connection.executeScript("BEGIN IMMEDIATE")
        do {
            let result = try body(connection)
            try connection.executeScript("COMMIT")
            return result
        } catch {
            try? connection.executeScript("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot) on the reader connection.
    public func read<T>(_ body: (any UnitOfWork) throws -> T) throws -> T {
        try sqlRead { try body($0) }
    }

    /// `read` on the connection itself, for this module's maintenance work and its tests.
    func sqlRead<T>(_ body: (Connection) throws -> T) throws -> T {
        let (c, l): (Connection, NSLocking) = reader.map { ($0, readLock) } ?? (connection, lock)
        l.lock()
        defer { l.unlock() }
        try c.executeScript("BEGIN DEFERRED")
        defer { try? c.executeScript("COMMIT") }
        return try body(c)
    }

    public func tableCounts() throws -> [String: Int] {
        try sqlRead { try $0.tableCounts() }
    }

    public func integrityProblems() throws -> [String] {
        try sqlRead { try $0.integrityProblems() }
    }

    /// Truncates the WAL if a token was overwritten since it was last truncated. One checkpoint per outbox
    /// batch rather than per sent reply: each costs an fsync of the database file (about 10 ms here).
    public func scrubRedactedText() throws {
        lock.lock()
        defer { lock.unlock() }
        if connection.walHoldsRedactedText { connection.truncateWAL() }
    }
}

extension Connection {
    /// Rows in every table of the schema (SQLite's own tables excluded).
    func tableCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let tables = try query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for name in tables.compactMap({ $0.string("name") }) {
            // Table names come from the schema itself, quoted as identifiers.
            let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            counts[name] = try queryOne("SELECT count(*) AS n FROM \(quoted)")?.int("n") ?? 0
        }
        return counts
    }

    /// Copies the WAL into the database and truncates it to zero bytes. The WAL keeps every page image
    /// written since it was last reset, so a reply's body from before its tokens were redacted would
    /// otherwise stay on disk. "TRUNCATE: This mode works the same way as RESTART with the addition that it
    /// also truncates the log file to zero bytes just prior to a successful return" (SQLite docs, PRAGMA
    /// wal_checkpoint). When a reader still needs an older snapshot the checkpoint cannot finish; it is tried
    /// again at the next scrub.
    func truncateWAL() {
        guard let row = try? queryOne("PRAGMA wal_checkpoint(TRUNCATE)") else { return }
        if row.int("busy") == 0 { walHoldsRedactedText = false }
    }

    /// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`: empty when both find nothing.
    func integrityProblems() throws -> [String] {
        var problems = try query("PRAGMA integrity_check").compactMap { $0.string("integrity_check") }
            .filter { $0 != "ok" }
        for r in try query("PRAGMA foreign_key_check") {
            problems.append(
                "foreign key: \(r.string("table") ?? "?") row \(r.int("rowid") ?? 0) refers to missing \(r.string("parent") ?? "?")"
            )
        }
        return problems
    }
}

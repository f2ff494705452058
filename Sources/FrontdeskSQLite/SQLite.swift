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
        case SQLITE_FULL: kind = .full
        default: kind = .failure
        }
        return StoreError(kind, message, code: code, statement: sql)
    }
}

/// The column names of a prepared statement, shared by every row it returns (looked up once, not per row).
final class ColumnLayout: Sendable {
    let names: [String]
    let index: [String: Int]

    init(_ stmt: OpaquePointer) {
        let names = (0..<sqlite3_column_count(stmt)).map { String(cString: sqlite3_column_name(stmt, $0)) }
        var index: [String: Int] = [:]
        // Of two columns with one name the last wins, as when rows were dictionaries filled left to right.
        for (i, name) in names.enumerated() { index[name] = i }
        self.names = names
        self.index = index
    }
}

/// One result row; columns by name.
struct Row: Sendable {
    let layout: ColumnLayout
    let values: [SQLValue]

    subscript(_ name: String) -> SQLValue { layout.index[name].map { values[$0] } ?? .null }

    /// Every column by name (tests compare whole rows).
    var columns: [String: SQLValue] {
        Dictionary(zip(layout.names, values), uniquingKeysWith: { _, last in last })
    }

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

/// A prepared statement kept for the connection's life, with its text and columns.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    let layout: ColumnLayout

    init(_ handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
        layout = ColumnLayout(handle)
    }
}

/// Where a statement's text is stored, and its length.
struct StatementAddress: Hashable {
    var start: UInt
    var count: Int
}

/// A SQLite connection: the unit of work handed to `SQLiteStore.read`/`write` closures, not to be kept
/// beyond them. Its repositories are in the other files of this module.
///
/// Every statement is prepared once and kept (`SQLITE_PREPARE_PERSISTENT`): the text is compiled on first use and
/// only bound, stepped and reset afterwards, transaction control and savepoints included.
final class Connection {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    private var byAddress: [StatementAddress: Statement] = [:]
    /// Takes link tokens out of the bodies of replies that have left (set by `SQLiteStore`).
    var redactor: any LinkTokenRedactor = LinkTokensWithoutIDs()
    /// A stored token was overwritten since the WAL was last truncated: its older page images may still be
    /// there. True at first: an earlier process may have stopped between redacting and truncating.
    var walHoldsRedactedText = true
    /// Business configuration kept between transactions (the writer connection only; see `ConfigCache`).
    var config: ConfigCache?

    init(handle: OpaquePointer) { self.handle = handle }

    deinit {
        for stmt in cache.values { sqlite3_finalize(stmt.handle) }
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

    private func prepare(_ sql: String) throws -> Statement {
        // Statement texts are mostly literals, whose bytes never move: found by address first, the text is not
        // hashed (a few hundred bytes, for every statement run). The text is compared before use, so a reused
        // address of another string cannot pick the wrong statement.
        let address = Self.address(of: sql)
        if let address, let stmt = byAddress[address], stmt.sql == sql { return stmt }
        // Texts built at run time come and go at new addresses: the map is emptied now and then, never the cache.
        if byAddress.count > 512 { byAddress = [:] }
        if let stmt = cache[sql] {
            if let address { byAddress[address] = stmt }
            return stmt
        }
        var handle: OpaquePointer?
        try check(sqlite3_prepare_v3(self.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil), sql: sql)
        guard let handle else { throw ResultCode.error(SQLITE_MISUSE, "empty statement", sql: sql) }
        let stmt = Statement(handle, sql: sql)
        cache[sql] = stmt
        if let address { byAddress[address] = stmt }
        return stmt
    }

    /// Where the text's bytes are, for texts long enough to live outside the string value.
    private static func address(of sql: String) -> StatementAddress? {
        guard sql.utf8.count > 15 else { return nil }
        return sql.utf8.withContiguousStorageIfAvailable {
            StatementAddress(start: UInt(bitPattern: $0.baseAddress), count: $0.count)
        } ?? nil
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
            case .text(var s):
                // The bytes with their length: passing the String itself made a NUL-terminated copy first.
                rc = s.withUTF8 { fd_sqlite3_bind_text_bytes_transient(stmt, index, $0.baseAddress, Int32($0.count)) }
            case .blob(let b):
                rc = b.withUnsafeBytes { fd_sqlite3_bind_blob_transient(stmt, index, $0.baseAddress, Int32(b.count)) }
            }
            try check(rc, sql: sql)
        }
    }

    /// Runs one statement; returns the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ args: any SQLBindable...) throws -> Int {
        try executeArray(sql, args)
    }

    /// `execute` with the arguments as an array.
    @discardableResult
    func executeArray(_ sql: String, _ args: [any SQLBindable]) throws -> Int {
        let stmt = try prepare(sql).handle
        defer {
            sqlite3_reset(stmt)
            if !args.isEmpty { sqlite3_clear_bindings(stmt) }
        }
        if !args.isEmpty || sqlite3_bind_parameter_count(stmt) != 0 { try bind(stmt, args, sql: sql) }
        while try check(sqlite3_step(stmt), sql: sql) == SQLITE_ROW {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs several statements without arguments (migrations, pragmas), compiling them each time.
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
        let prepared = try prepare(sql)
        let stmt = prepared.handle
        defer {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
        }
        try bind(stmt, args, sql: sql)
        var rows: [Row] = []
        let count = Int32(prepared.layout.names.count)
        while try check(sqlite3_step(stmt), sql: sql) == SQLITE_ROW {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count {
                switch sqlite3_column_type(stmt, i) {
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(stmt, i)))
                case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(stmt, i)))
                case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(stmt, i))))
                case SQLITE_BLOB:
                    let n = Int(sqlite3_column_bytes(stmt, i))
                    if let p = sqlite3_column_blob(stmt, i) {
                        values.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                    } else {
                        values.append(.blob([]))
                    }
                default: values.append(.null)
                }
            }
            rows.append(Row(layout: prepared.layout, values: values))
        }
        return rows
    }

    /// The first row of a query, if any.
    func queryOne(_ sql: String, _ args: any SQLBindable...) throws -> Row? {
        try queryArray(sql, args).first
    }

    var lastInsertID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// False while a transaction is open. SQLite ends one by itself after some errors ("If certain kinds of
    /// errors occur on a statement within a multi-statement transaction ... the transaction might be rolled back
    /// automatically": SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM, sqlite3_get_autocommit).
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    private var savepointDepth = 0

    /// Runs `body` in a savepoint inside the current transaction: its writes are undone if it throws,
    /// while the enclosing transaction goes on (one failing plugin never loses the inbound message).
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        // Names come from a fixed list so each statement is prepared once; deeper nesting is compiled each time.
        let name =
            savepointDepth < Self.savepointNames.count ? Self.savepointNames[savepointDepth] : "sp\(savepointDepth)"
        try execute("SAVEPOINT " + name)
        do {
            let result = try body()
            try execute("RELEASE " + name)
            return result
        } catch {
            rollback(to: name)
            throw error
        }
    }

    private static let savepointNames = (0..<8).map { "sp\($0)" }

    /// Undoes a savepoint's writes and leaves it. Configuration read inside it may have been undone too.
    func rollback(to name: String) {
        config?.clear()
        if (try? execute("ROLLBACK TO " + name)) == nil { return }
        _ = try? execute("RELEASE " + name)
    }
}

/// How the SQLite store syncs, waits and reads.
public struct SQLiteOptions: Sendable, Equatable {
    /// `PRAGMA synchronous` of the writer.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// Every commit reaches the disk before `write` returns: an acknowledged message survives power loss.
        case full
        /// Commits reach the disk at checkpoints: survives a crash of the process, not of the machine.
        case normal
    }

    public var synchronous: Synchronous
    /// How long a write waits for a lock held by another process (a backup, a `frontdesk` command, the `sqlite3`
    /// shell) before it fails as busy, in milliseconds.
    public var busyTimeoutMilliseconds: Int
    /// Reader connections kept open for `read`; more are opened while all are in use, and closed afterwards.
    public var readers: Int
    /// Most writes committed in one transaction.
    public var maxWritesPerCommit: Int
    /// The most bytes the database may grow to (nil: no limit); a write that needs more fails as `full`
    /// (`PRAGMA max_page_count`, which never shrinks a database already larger).
    public var maxBytes: Int?
    /// The writer's page cache, in KiB (`PRAGMA cache_size`; SQLite's default is 2 MiB). It fills only as pages are
    /// read: with a million clients the b-tree pages above the leaves alone outgrow 2 MiB, and every message re-read
    /// them from the file.
    public var writerCacheKiB: Int

    public init(
        synchronous: Synchronous = .full, busyTimeoutMilliseconds: Int = 5000, readers: Int = 4,
        maxWritesPerCommit: Int = 256, maxBytes: Int? = nil, writerCacheKiB: Int = 32 << 10
    ) {
        self.synchronous = synchronous
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.readers = readers
        self.maxWritesPerCommit = maxWritesPerCommit
        self.maxBytes = maxBytes
        self.writerCacheKiB = writerCacheKiB
    }
}

/// The SQLite store: one writer connection whose writes are committed in groups (`GroupCommit`), and a pool of
/// reader connections so reads (link pages, health checks, metrics) never wait behind writes. WAL mode, foreign
/// keys on, `synchronous=FULL` unless told otherwise, a busy timeout.
///
/// `write` runs its closure in a savepoint of a `BEGIN IMMEDIATE … COMMIT` transaction it may share with other
/// callers' closures, rolls its savepoint back on any thrown error and rethrows it, and returns only once the
/// transaction is committed.
public final class SQLiteStore: Store, @unchecked Sendable {
    let connection: Connection
    let lock = NSRecursiveLock()
    let writer: GroupCommit
    /// Nil for `:memory:`, where a second connection would be a different database.
    private let readers: ReaderPool?
    public let path: String
    public let options: SQLiteOptions

    public var location: String { "sqlite:" + path }

    /// Opens (creating if needed) the database at `path` (`:memory:` for tests) and applies migrations.
    /// `redactor` takes link tokens out of replies that have left, keeping their link's id (the app passes
    /// one that can hash tokens); without it tokens become `[link]`.
    public init(
        path: String, migrate: Bool = true, redactor: (any LinkTokenRedactor)? = nil,
        options: SQLiteOptions = SQLiteOptions()
    ) throws {
        self.path = path
        self.options = options
        connection = try Self.open(path, options: options)
        if let redactor { connection.redactor = redactor }
        if migrate { try Migrations.apply(connection: connection, lock: lock) }
        try connection.executeScript("PRAGMA cache_size = -\(max(64, options.writerCacheKiB))")
        if let maxBytes = options.maxBytes {
            let pageSize = try connection.queryOne("PRAGMA page_size")?.int("page_size") ?? 4096
            try connection.executeScript("PRAGMA max_page_count = \(max(1, maxBytes / max(1, pageSize)))")
        }
        ConfigCache.attach(to: connection)
        writer = GroupCommit(connection: connection, lock: lock, maxBatch: options.maxWritesPerCommit)
        if path == ":memory:" {
            readers = nil
        } else {
            readers = ReaderPool(keep: options.readers) {
                let r = try Self.open(path, options: options, flags: SQLITE_OPEN_READWRITE)
                // "The query_only pragma prevents data changes on database files." (SQLite docs)
                try r.executeScript("PRAGMA query_only = 1")
                return r
            }
            try readers?.prepare()
        }
    }

    static func open(
        _ path: String, options: SQLiteOptions = SQLiteOptions(),
        flags: Int32 = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
    ) throws -> Connection {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite3_close_v2(handle) }
            throw ResultCode.error(rc, "cannot open database at \(path): \(message)", sql: nil)
        }
        let connection = Connection(handle: handle)
        // "The busy handler ... sleeps ... until the lock clears or ms milliseconds have accumulated." (sqlite3_busy_timeout)
        sqlite3_busy_timeout(handle, Int32(clamping: options.busyTimeoutMilliseconds))
        sqlite3_extended_result_codes(handle, 1)
        if flags & SQLITE_OPEN_READONLY == 0 {
            // secure_delete: "When secure_delete is on, SQLite overwrites deleted content with zeros" (SQLite
            // docs): a redacted body or a deleted row leaves no old text in free space or on free pages.
            // synchronous=FULL in WAL mode: "the WAL file is synchronized before each transaction commit" (SQLite
            // docs, PRAGMA synchronous), so a commit that returned survives power loss.
            try connection.executeScript(
                """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = \(options.synchronous.rawValue.uppercased());
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
        var result: T?
        try writer.run { c in result = try body(c) }
        guard let result else { throw StoreError(.failure, "a write finished without its result") }
        return result
    }

    /// Transactions and writes the writer has committed (or tried) since the store opened; their ratio is how many
    /// writes share a commit.
    public var writeStatistics: (transactions: Int, writes: Int) { writer.statistics }

    /// Runs `body` in a read transaction (a consistent snapshot) on a reader connection.
    public func read<T>(_ body: (any UnitOfWork) throws -> T) throws -> T {
        try sqlRead { try body($0) }
    }

    /// `read` on the connection itself, for this module's maintenance work and its tests.
    func sqlRead<T>(_ body: (Connection) throws -> T) throws -> T {
        guard let readers else {
            lock.lock()
            defer { lock.unlock() }
            return try Self.snapshot(connection, body)
        }
        return try readers.with { try Self.snapshot($0, body) }
    }

    private static func snapshot<T>(_ c: Connection, _ body: (Connection) throws -> T) throws -> T {
        try c.execute("BEGIN")
        defer { _ = try? c.execute("COMMIT") }
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

/// Reader connections for `SQLiteStore.read`: `keep` stay open between reads; when all are in use another is
/// opened rather than waiting (a read never waits for another read, so reads nested in writes cannot deadlock),
/// and closed when it is given back to a full pool.
final class ReaderPool: @unchecked Sendable {
    private let keep: Int
    private let open: () throws -> Connection
    private let mutex = NSLock()
    // Guarded by `mutex`.
    private var idle: [Connection] = []

    init(keep: Int, open: @escaping () throws -> Connection) {
        self.keep = max(1, keep)
        self.open = open
    }

    /// Opens the first reader now, so a database that cannot be read fails at start.
    func prepare() throws {
        let c = try open()
        mutex.withLock { idle.append(c) }
    }

    func with<T>(_ body: (Connection) throws -> T) throws -> T {
        let c = try mutex.withLock { idle.popLast() } ?? open()
        defer {
            mutex.withLock {
                if idle.count < keep { idle.append(c) }
            }
        }
        return try body(c)
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

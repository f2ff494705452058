import CSQLite
import Foundation

/// A value bound to or read from SQL. Bound values never appear in errors or logs.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// Something that can be bound to a statement parameter.
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .int(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .double(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Date: SQLBindable { public var sqlValue: SQLValue { .text(UTC.format(self)) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A failed SQLite call. The message is SQLite's own and the SQL text has placeholders only:
/// bound values are never included (like GRDB's `publicStatementArguments` default).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var sql: String?

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " (in: \($0.prefix(120)))" } ?? "")
    }

    /// UNIQUE, CHECK, FOREIGN KEY or NOT NULL constraint failed.
    public var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }
    public var isUniqueViolation: Bool {
        // SQLITE_CONSTRAINT_UNIQUE = (SQLITE_CONSTRAINT | (8<<8)), _PRIMARYKEY = (SQLITE_CONSTRAINT | (6<<8)):
        // function-like macros Swift does not import.
        code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8)
    }
}

/// One result row; columns by name.
public struct Row: Sendable {
    let columns: [String: SQLValue]

    public subscript(_ name: String) -> SQLValue { columns[name] ?? .null }

    public func int(_ name: String) -> Int? { if case .int(let v) = self[name] { return Int(v) } else { return nil } }
    public func int64(_ name: String) -> Int64? { if case .int(let v) = self[name] { return v } else { return nil } }
    public func string(_ name: String) -> String? {
        switch self[name] {
        case .text(let s): return s
        case .int(let v): return String(v)
        default: return nil
        }
    }
    public func bool(_ name: String) -> Bool { int(name).map { $0 != 0 } ?? false }
    public func date(_ name: String) -> Date? { string(name).flatMap(UTC.parse) }
    public func double(_ name: String) -> Double? {
        switch self[name] {
        case .double(let d): return d
        case .int(let v): return Double(v)
        default: return nil
        }
    }
}

/// UTC timestamps as ISO 8601 text (`2026-11-22T09:30:00Z`): sortable, readable, and unambiguous.
public enum UTC {
    public static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }

    public static func parse(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count >= 19 else { return nil }
        func num(_ r: Range<Int>) -> Int32? {
            var n: Int32 = 0
            for i in r {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                n = n * 10 + Int32(u[i] - 48)
            }
            return n
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
            let mi = num(14..<16), let s = num(17..<19)
        else { return nil }
        var tm = tm()
        tm.tm_year = y - 1900
        tm.tm_mon = mo - 1
        tm.tm_mday = d
        tm.tm_hour = h
        tm.tm_min = mi
        tm.tm_sec = s
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }
}

/// A SQLite connection used inside `Database.read`/`write`; not to be kept beyond the closure.
public final class Connection {
    let handle: OpaquePointer
    private var cache: [String: OpaquePointer] = [:]

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
            let ext = sqlite3_extended_errcode(handle)
            throw StoreError(code: ext, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        if let stmt = cache[sql] { return stmt }
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil), sql: sql)
        guard let stmt else { throw StoreError(code: SQLITE_MISUSE, message: "empty statement", sql: sql) }
        cache[sql] = stmt
        return stmt
    }

    private func bind(_ stmt: OpaquePointer, _ args: [any SQLBindable], sql: String) throws {
        guard Int(sqlite3_bind_parameter_count(stmt)) == args.count else {
            throw StoreError(
                code: SQLITE_RANGE,
                message: "expected \(sqlite3_bind_parameter_count(stmt)) arguments, got \(args.count)", sql: sql)
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
    public func execute(_ sql: String, _ args: any SQLBindable...) throws -> Int {
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
    public func executeScript(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw StoreError(code: sqlite3_extended_errcode(handle), message: message, sql: nil)
        }
    }

    /// Rows of a query.
    public func query(_ sql: String, _ args: any SQLBindable...) throws -> [Row] {
        try queryArray(sql, args)
    }

    /// Rows of a query, arguments as an array.
    public func queryArray(_ sql: String, _ args: [any SQLBindable]) throws -> [Row] {
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
    public func queryOne(_ sql: String, _ args: any SQLBindable...) throws -> Row? {
        try queryArray(sql, args).first
    }

    public var lastInsertID: Int { Int(sqlite3_last_insert_rowid(handle)) }

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

/// A SQLite database: one writer connection behind a lock, plus a reader connection so reads (link pages,
/// health checks, metrics) do not wait behind writes. WAL mode, foreign keys on, busy timeout.
///
/// `write` runs its closure in `BEGIN IMMEDIATE … COMMIT` and rolls back on any thrown error,
/// rethrowing the first one.
public final class Database: @unchecked Sendable {
    private let connection: Connection
    private let lock = NSRecursiveLock()
    /// Nil for `:memory:`, where a second connection would be a different database.
    private let reader: Connection?
    private let readLock = NSLock()
    public let path: String

    /// Opens (creating if needed) the database at `path` (`:memory:` for tests) and applies migrations.
    public init(path: String, migrate: Bool = true) throws {
        self.path = path
        connection = try Self.open(path)
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

    private static func open(_ path: String) throws -> Connection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite3_close_v2(handle) }
            throw StoreError(code: rc, message: "cannot open database at \(path): \(message)", sql: nil)
        }
        let connection = Connection(handle: handle)
        // "The busy handler ... sleeps ... until the lock clears or ms milliseconds have accumulated." (sqlite3_busy_timeout)
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_extended_result_codes(handle, 1)
        try connection.executeScript(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA foreign_keys = ON;
            """)
        return connection
    }

    /// Runs `body` in a write transaction; any error rolls everything back and is rethrown.
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
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
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        let (c, l): (Connection, NSLocking) = reader.map { ($0, readLock) } ?? (connection, lock)
        l.lock()
        defer { l.unlock() }
        try c.executeScript("BEGIN DEFERRED")
        defer { try? c.executeScript("COMMIT") }
        return try body(c)
    }
}

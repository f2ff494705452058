import Foundation

/// Where Frontdesk keeps its state. An implementation (SQLite today, PostgreSQL later) lives in a
/// module of its own; everything else sees only this protocol and the repositories of `UnitOfWork`.
///
/// `write` runs its closure as one transaction: any thrown error rolls back every write and is rethrown.
/// `read` runs it against a consistent snapshot; writing inside `read` fails.
public protocol Store: AnyObject, Sendable {
    /// Where the data live, for messages (`sqlite:/var/lib/frontdesk.sqlite`); never a credential.
    var location: String { get }

    func write<T>(_ body: (any UnitOfWork) throws -> T) throws -> T
    func read<T>(_ body: (any UnitOfWork) throws -> T) throws -> T

    /// Rows in each table, by table name (health, `frontdesk db status`, backup checks).
    func tableCounts() throws -> [String: Int]
    /// The engine's own consistency check; empty when the data are sound.
    func integrityProblems() throws -> [String]
    /// Removes from disk the older copies of rows whose link tokens were redacted (SQLite keeps them in its
    /// write-ahead log until the log is truncated). Cheap when nothing was redacted since the last call; the
    /// outbox worker calls it after each batch.
    func scrubRedactedText() throws
}

/// What a backup or a restore produced: the file, its size, the migrations it holds and its rows by table.
public struct BackupSummary: Sendable {
    public var path: String
    public var bytes: Int
    public var migrations: [String]
    public var tableCounts: [String: Int]

    public init(path: String, bytes: Int, migrations: [String], tableCounts: [String: Int]) {
        self.path = path
        self.bytes = bytes
        self.migrations = migrations
        self.tableCounts = tableCounts
    }
}

/// One transaction: every repository, plus savepoints inside it.
public protocol UnitOfWork: BusinessRepository, StaffRepository, ClientRepository, PlanRepository,
    MembershipRepository, InvoiceRepository, PaymentMethodRepository, LinkRepository, OutboxRepository,
    MessageRepository, ConversationRepository, ConsentRepository, AuditRepository, SettingsRepository,
    AdminTokenRepository, ReplayTokenRepository, RateLimitRepository, PrivacyRepository,
    VerificationRepository, BillingRepository, NoticeRepository,
    BillingEventRepository, ConsoleRepository
{
    /// Runs `body` in a savepoint: its writes are undone if it throws, while the enclosing transaction
    /// goes on (one failing plugin never loses the inbound message).
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// A trivial round trip: the store answers (for `/healthz`).
    func ping() throws
}

/// A store failure. `kind` is what callers tell apart; `message` is the engine's own text and `statement`
/// the statement with placeholders only: bound values never appear in errors or logs.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A unique key was already taken (a provider message id seen before, a slug in use).
        case duplicate
        /// Another CHECK, FOREIGN KEY or NOT NULL rule refused the write.
        case constraint
        /// A record the operation needs does not exist.
        case notFound = "not_found"
        /// The database stayed locked by another writer past the timeout.
        case busy
        /// The file cannot be opened, is not a database, or is damaged.
        case unavailable
        /// The disk, or the database's size limit, is full: nothing of the write was kept.
        case full
        /// Anything else the engine reported.
        case failure
    }

    public var kind: Kind
    public var message: String
    /// The engine's own result code, for logs.
    public var code: Int32
    public var statement: String?

    public init(_ kind: Kind, _ message: String, code: Int32 = 0, statement: String? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
        self.statement = statement
    }

    public var description: String {
        "store error (\(kind.rawValue), code \(code)): \(message)"
            + (statement.map { " (in: \($0.prefix(120)))" } ?? "")
    }

    public var isDuplicate: Bool { kind == .duplicate }
    /// Any integrity rule refused the write (duplicate included).
    public var isConstraint: Bool { kind == .duplicate || kind == .constraint }
}

import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskText

/// A clock tests move by hand.
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Starts at 2026-11-22 15:00 UTC unless told otherwise.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_359_600)) { current = start }

    public func now() -> Date { lock.withLock { current } }
    public func advance(minutes: Double) { lock.withLock { current = current.addingTimeInterval(minutes * 60) } }
    public func advance(seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// The real app (real manifests, templates, store) on a temporary database, with demo data.
public final class TestBot: @unchecked Sendable {
    public let app: App
    public let clock: ManualClock
    public let dbPath: String
    private var counter = 0
    private let lock = NSLock()

    /// The checkout holding plugins/ and prompts/.
    public static let root = ResourceRoot.fromSource(#filePath)

    private static let trained: Result<ExampleClassifier, Error> = Result {
        ExampleClassifier(examples: try Catalog.load(root: root).examples)
    }

    /// One classifier trained on the real examples, shared by every test in the process.
    public static func sharedClassifier() throws -> ExampleClassifier { try trained.get() }

    /// `dbPath` opens (and migrates) an existing database file instead of a new one; it is removed afterwards.
    public init(
        seed: Bool = true, clock: ManualClock = ManualClock(), baseURL: String = "https://desk.example.test",
        dbPath: String? = nil, storeOptions: StoreOptions = StoreOptions()
    ) throws {
        self.clock = clock
        self.dbPath = dbPath ?? NSTemporaryDirectory() + "frontdesk-test-\(UUID().uuidString).sqlite"
        var config = try AppConfig.load(environment: ["FRONTDESK_HOME": Self.root.path, "FRONTDESK_BASE_URL": baseURL])
        config.dbPath = self.dbPath
        config.storeOptions = storeOptions
        app = try App(config: config, clock: clock, log: .silent, classifier: try Self.sharedClassifier())
        if seed { try Demo.seed(app.store, now: clock.now()) }
    }

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
    }

    /// Sends a message as a client of the demo business and returns the outcome.
    @discardableResult
    public func say(
        _ text: String, from: String = "+15550101001", channel: Channel? = nil, subject: String? = nil,
        verdict: AuthVerdict = .trusted, autoReply: Bool = false, forwarded: ForwardedMessage? = nil,
        providerID: String? = nil, messageID: String? = nil
    ) throws -> PipelineOutcome {
        let id: String = lock.withLock {
            counter += 1
            return providerID ?? "test-\(counter)"
        }
        let ch = channel ?? (from.contains("@") ? .email : .sms)
        let to = ch == .sms ? Demo.smsNumber : Demo.inbox
        let message = InboundMessage(
            provider: "test", providerMessageID: id, channel: ch, from: from, to: to, subject: subject, text: text,
            verdict: verdict, isAutoReply: autoReply, forwarded: forwarded, messageID: messageID)
        return try app.pipeline.handle(message)
    }

    /// Sets a plugin setting for the demo business.
    public func set(_ plugin: String, _ values: [String: SettingValue]) throws {
        try app.store.write { c in
            guard let b = try c.business(slug: Demo.slug) else { return }
            let stored = try c.pluginSettings(businessID: b.id, plugin: plugin).values
            try c.setPluginSettings(businessID: b.id, plugin: plugin, values: stored.merging(values) { _, n in n })
        }
    }

    public func enable(_ plugin: String, _ on: Bool) throws {
        try app.store.write { c in
            guard let b = try c.business(slug: Demo.slug) else { return }
            try c.setPluginEnabled(businessID: b.id, plugin: plugin, enabled: on)
        }
    }

    /// Rows in a table (through the store's own count, not SQL).
    public func count(_ table: String) throws -> Int {
        try app.store.tableCounts()[table] ?? -1
    }

    /// The first membership of a client.
    public func membership(clientID: Int) throws -> Membership? {
        try app.store.read { try $0.memberships(clientID: clientID).first }
    }

    /// The demo business's audit entries of one action, newest first.
    public func audit(_ action: String) throws -> [AuditEntry] {
        try app.store.read { c in
            guard let b = try c.business(slug: Demo.slug) else { return [] }
            return try c.auditEntries(businessID: b.id, action: action, limit: 1000)
        }
    }

    /// Adds a client to the demo business (a namesake, a client with a phone only) and returns their id.
    @discardableResult
    public func addClient(_ first: String, _ last: String, phones: [String] = [], emails: [String] = []) throws -> Int {
        try app.store.write { c in
            try c.insertClient(
                NewClient(businessID: 1, firstName: first, lastName: last, phones: phones, emails: emails),
                now: clock.now())
        }
    }

    /// Runs `frontdesk ARGS --db` on this database, as the operator would; returns the exit code and stdout.
    public func cli(_ args: [String], environment: [String: String] = [:]) -> (code: Int32, out: String) {
        var lines: [String] = []
        let code = FrontdeskCLI.run(
            args + ["--db", dbPath], input: { nil }, output: { lines.append($0) },
            environment: ["FRONTDESK_HOME": Self.root.path].merging(environment) { _, new in new }, clock: clock)
        return (code, lines.joined(separator: "\n"))
    }

    /// Every outbox row, oldest first.
    public func outbox() throws -> [OutboxRecord] {
        try app.store.read { try $0.outbox(status: nil, limit: 10_000) }.reversed()
    }
}

import Foundation
import FrontdeskCore
import FrontdeskStore
import Testing

@testable import FrontdeskSQLite

/// A store with a scratch table `t (v TEXT UNIQUE)`, and a way to hold its writer inside a transaction so that other
/// writes queue behind it and form one group.
private final class Held: @unchecked Sendable {
    let path = tempDB()
    let db: SQLiteStore
    private let entered = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var outcomes: [String: Result<Void, any Error>] = [:]

    init(options: SQLiteOptions = SQLiteOptions()) throws {
        db = try SQLiteStore(path: path, options: options)
        try db.sqlWrite { try $0.executeScript("CREATE TABLE t (v TEXT UNIQUE)") }
    }

    /// Starts a write that inserts `value` and then waits, inside its transaction, until `release`.
    func holdWriter(inserting value: String = "held") {
        start(value) { c in
            try c.execute("INSERT INTO t (v) VALUES (?)", value)
            self.entered.signal()
            self.gate.wait()
        }
        entered.wait()
    }

    /// Starts a write on its own thread; its outcome is kept under `name`.
    func start(_ name: String, _ work: @escaping @Sendable (Connection) throws -> Void) {
        group.enter()
        Thread.detachNewThread { [self] in
            let outcome = Result { try db.sqlWrite { try work($0) } }
            lock.withLock { outcomes[name] = outcome }
            group.leave()
        }
    }

    /// Waits (at most 30 s, so a broken writer fails the test instead of hanging it) until `count` writes queue.
    func waitForQueue(_ count: Int) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while db.writer.queued < count {
            if Date() > deadline { return false }
            usleep(1000)
        }
        return true
    }

    func release() { gate.signal() }
    func finish() -> Bool { group.wait(timeout: .now() + 60) == .success }
    func outcome(_ name: String) -> Result<Void, any Error>? { lock.withLock { outcomes[name] } }

    /// The values committed, read through a connection of their own (not the store's).
    func committed() throws -> Set<String> {
        let c = try SQLiteStore.openReadOnly(path)
        return Set(try c.query("SELECT v FROM t").compactMap { $0.string("v") })
    }
}

private struct Refused: Error {}

@Suite("Group commit")
struct GroupCommitTests {
    @Test func writesQueuedBehindTheWriterShareOneCommitAndEachReturnsOnlyOnceCommitted() throws {
        let h = try Held()
        h.holdWriter()
        let before = h.db.writeStatistics
        let seenAtReturn = Box<[String: Bool]>([:])
        for i in 0..<10 {
            h.start("w\(i)") { c in try c.execute("INSERT INTO t (v) VALUES (?)", "w\(i)") }
        }
        #expect(h.waitForQueue(10))
        // Nothing queued is visible to others before its commit.
        #expect(try h.committed().isEmpty)
        h.release()
        #expect(h.finish())
        let after = h.db.writeStatistics
        // The held write's transaction, then one for the ten queued behind it.
        #expect(after.transactions - before.transactions == 2)
        #expect(after.writes - before.writes == 11)
        let values = try h.committed()
        for i in 0..<10 {
            if case .success = try #require(h.outcome("w\(i)")) {
                seenAtReturn.update { $0["w\(i)"] = values.contains("w\(i)") }
            }
        }
        #expect(seenAtReturn.value.count == 10 && seenAtReturn.value.values.allSatisfy { $0 })
        #expect(values.count == 11)
    }

    @Test func aWriteThatThrowsRollsBackAloneWhileTheOthersInItsGroupCommit() throws {
        let h = try Held()
        h.holdWriter()
        for i in 0..<6 {
            h.start("w\(i)") { c in
                try c.execute("INSERT INTO t (v) VALUES (?)", "w\(i)")
                if i == 3 { throw Refused() }
            }
        }
        // A constraint failure in the same group: a duplicate of the held write's value.
        h.start("duplicate") { c in try c.execute("INSERT INTO t (v) VALUES (?)", "held") }
        #expect(h.waitForQueue(7))
        h.release()
        #expect(h.finish())
        let values = try h.committed()
        #expect(values == ["held", "w0", "w1", "w2", "w4", "w5"])
        if case .failure(let error) = try #require(h.outcome("w3")) {
            #expect(error is Refused)
        } else {
            Issue.record("the throwing write reported success")
        }
        if case .failure(let error) = try #require(h.outcome("duplicate")) {
            #expect((error as? StoreError)?.kind == .duplicate)
        } else {
            Issue.record("the duplicate write reported success")
        }
    }

    @Test func aWriteInsideAWriteIsRefusedRatherThanWaitingForever() throws {
        let db = try SQLiteStore(path: tempDB())
        #expect {
            try db.write { _ in try db.write { _ in 1 } }
        } throws: { ($0 as? StoreError)?.message.contains("inside another write") == true }
        // The writer is free again.
        #expect(try db.write { _ in 2 } == 2)
    }

    @Test func whenTheDiskFillsEveryCallerWhoseWriteWasKeptWasToldSoAndNoOtherWas() throws {
        let h = try Held()
        // Room for a few more pages: the big write below cannot fit (PRAGMA max_page_count plays a full disk).
        let pages = try h.db.sqlWrite { try $0.queryOne("PRAGMA page_count")?.int("page_count") } ?? 0
        try h.db.connection.executeScript("PRAGMA max_page_count = \(pages + 4)")
        h.holdWriter()
        h.start("small1") { c in try c.execute("INSERT INTO t (v) VALUES (?)", "small1") }
        h.start("big") { c in try c.execute("INSERT INTO t (v) VALUES (?)", String(repeating: "x", count: 1 << 20)) }
        h.start("small2") { c in try c.execute("INSERT INTO t (v) VALUES (?)", "small2") }
        #expect(h.waitForQueue(3))
        h.release()
        #expect(h.finish())
        let values = try h.committed()
        if case .failure(let error) = try #require(h.outcome("big")) {
            #expect((error as? StoreError)?.kind == .full)
        } else {
            Issue.record("a write past the size limit reported success")
        }
        // Whatever SQLite undid (the statement or the whole transaction), success means kept and failure not.
        for name in ["small1", "small2"] {
            let kept = values.contains(name)
            switch try #require(h.outcome(name)) {
            case .success: #expect(kept, "\(name) was reported written but is not there")
            case .failure: #expect(!kept, "\(name) was reported failed but is there")
            }
        }
        #expect(try h.db.integrityProblems().isEmpty)
        // Space returns: writes go through again.
        try h.db.connection.executeScript("PRAGMA max_page_count = 1000000")
        try h.db.sqlWrite { try $0.execute("INSERT INTO t (v) VALUES ('after')") }
        #expect(try h.committed().contains("after"))
    }

    @Test func readsComeFromThePoolWithoutWaitingForAnOpenWrite() throws {
        let h = try Held()
        h.holdWriter(inserting: "uncommitted")
        let answered = DispatchSemaphore(value: 0)
        let seen = Box<[String]?>(nil)
        for _ in 0..<3 {
            Thread.detachNewThread {
                let values = try? h.db.sqlRead { try $0.query("SELECT v FROM t").compactMap { $0.string("v") } }
                seen.update { $0 = values }
                answered.signal()
            }
        }
        // Three reads at once while the writer holds its transaction: each answers from the last commit.
        for _ in 0..<3 { #expect(answered.wait(timeout: .now() + 30) == .success) }
        #expect(seen.value == [])
        h.release()
        #expect(h.finish())
        #expect(try h.db.sqlRead { try $0.query("SELECT v FROM t").count } == 1)
    }

    @Test func durableByDefault() throws {
        let full = try SQLiteStore(path: tempDB())
        #expect(try full.connection.queryOne("PRAGMA synchronous")?.int("synchronous") == 2)
        let normal = try SQLiteStore(path: tempDB(), options: SQLiteOptions(synchronous: .normal))
        #expect(try normal.connection.queryOne("PRAGMA synchronous")?.int("synchronous") == 1)
    }

    @Test func anOutsideWriterIsWaitedForWithinTheBusyTimeoutAndReportedBusyPastIt() throws {
        let path = tempDB()
        let db = try SQLiteStore(path: path, options: SQLiteOptions(busyTimeoutMilliseconds: 100))
        try db.sqlWrite { try $0.executeScript("CREATE TABLE t (v TEXT)") }
        let outside = try SQLiteStore.open(path)
        try outside.executeScript("BEGIN IMMEDIATE; INSERT INTO t (v) VALUES ('outside');")
        #expect {
            try db.sqlWrite { try $0.execute("INSERT INTO t (v) VALUES ('refused')") }
        } throws: { ($0 as? StoreError)?.kind == .busy }

        let patient = try SQLiteStore(path: path, options: SQLiteOptions(busyTimeoutMilliseconds: 30_000))
        let done = DispatchSemaphore(value: 0)
        let result = Box<Result<Void, any Error>?>(nil)
        Thread.detachNewThread {
            let outcome = Result { _ = try patient.sqlWrite { try $0.execute("INSERT INTO t (v) VALUES ('waited')") } }
            result.update { $0 = outcome }
            done.signal()
        }
        // Still held: the write is waiting, not failing.
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut)
        try outside.executeScript("COMMIT")
        #expect(done.wait(timeout: .now() + 30) == .success)
        if case .failure(let error) = result.value { Issue.record("the waiting write failed: \(error)") }
        let values = try db.sqlRead { try $0.query("SELECT v FROM t ORDER BY v").compactMap { $0.string("v") } }
        #expect(values == ["outside", "waited"])
    }
}

@Suite("Business configuration kept by the writer")
struct ConfigCacheTests {
    private func storeWithBusiness(_ path: String) throws -> (SQLiteStore, Int) {
        let db = try SQLiteStore(path: path)
        let id = try db.write { c in
            try c.insertBusiness(NewBusiness(slug: "b", name: "B"), now: Date())
        }
        return (db, id)
    }

    @Test func aChangeByAnotherConnectionIsSeenAtTheNextWrite() throws {
        let path = tempDB()
        let (db, id) = try storeWithBusiness(path)
        try db.write { try $0.setPluginSettings(businessID: id, plugin: "cancel", values: ["mode": .string("a")]) }
        #expect(try db.write { try $0.pluginSettings(businessID: id, plugin: "cancel").values["mode"] } == .string("a"))
        let clears = db.connection.config?.clears ?? 0
        // Another process (here another store on the same file) changes it.
        let other = try SQLiteStore(path: path)
        try other.write { try $0.setPluginSettings(businessID: id, plugin: "cancel", values: ["mode": .string("b")]) }
        try other.write { try $0.setRateLimits(businessID: id, RateLimits(senderPerHour: 7)) }
        #expect(try db.write { try $0.pluginSettings(businessID: id, plugin: "cancel").values["mode"] } == .string("b"))
        #expect(try db.write { try $0.rateLimits(businessID: id).senderPerHour } == 7)
        #expect((db.connection.config?.clears ?? 0) > clears)
    }

    @Test func aChangeOnTheWriterIsSeenAtOnceAndAnUndoneOneNever() throws {
        let (db, id) = try storeWithBusiness(tempDB())
        try db.write { try $0.setPluginEnabled(businessID: id, plugin: "cancel", enabled: false) }
        #expect(try db.write { try $0.pluginEnabledFlags(businessID: id) } == ["cancel": false])
        try db.write { try $0.setPluginEnabled(businessID: id, plugin: "cancel", enabled: true) }
        #expect(try db.write { try $0.pluginEnabledFlags(businessID: id) } == ["cancel": true])
        // Set, read (and cached) inside a savepoint that is undone: the undone value is never served.
        let after = try db.write { c -> [String: Bool] in
            _ = try? c.savepoint {
                try c.setPluginEnabled(businessID: id, plugin: "cancel", enabled: false)
                #expect(try c.pluginEnabledFlags(businessID: id) == ["cancel": false])
                throw Refused()
            }
            return try c.pluginEnabledFlags(businessID: id)
        }
        #expect(after == ["cancel": true])
        // Routing follows a new address at once.
        try db.write { try $0.addBusinessAddress(businessID: id, channel: .sms, address: "+15550009999") }
        #expect(try db.write { try $0.business(routedTo: "+15550009999", channel: .sms)?.id } == id)
    }

    @Test func aWholeTransactionUndoneLeavesNothingCached() throws {
        let (db, id) = try storeWithBusiness(tempDB())
        #expect(
            throws: Refused.self,
            performing: {
                try db.write { c in
                    try c.setRateLimits(businessID: id, RateLimits(businessPerMinute: 3))
                    #expect(try c.rateLimits(businessID: id).businessPerMinute == 3)
                    throw Refused()
                }
            })
        #expect(try db.write { try $0.rateLimits(businessID: id).businessPerMinute } == nil)
    }
}

/// A value shared with threads in tests.
final class Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}

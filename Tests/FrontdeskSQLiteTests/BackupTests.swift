import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskStore
import Testing

@testable import FrontdeskSQLite

@Suite("Online backup and restore")
struct BackupTests {
    static func temp(_ name: String) -> String { NSTemporaryDirectory() + "fd-\(name)-\(UUID().uuidString).sqlite" }

    /// A writer keeps storing messages on its own connection while the backup runs, as `serve` would.
    @Test func aBackupTakenUnderLoadRestoresToASoundCopy() throws {
        let path = Self.temp("live")
        let server = try SQLiteStore(path: path)
        try Demo.seed(server, now: Date())
        let stop = Flag()
        let written = Counter()
        let writer = Thread {
            var n = 0
            while !stop.isSet {
                n += 1
                _ = try? server.write { c in
                    try c.insertMessage(
                        NewMessage(
                            businessID: 1, conversationID: nil, direction: "in", channel: .sms, provider: "load",
                            providerMessageID: "m\(n)", from: "+15550101001", to: "+15550100000", subject: nil,
                            rawSize: 10, text: "message \(n)"),
                        now: Date())
                }
                written.set(n)
            }
        }
        writer.start()
        while written.value < 200 { usleep(1_000) }

        // The backup runs from another store on the same file, as `frontdesk db backup` does from its own process.
        let backupFile = Self.temp("backup")
        let summary = try SQLiteStore(path: path).backup(to: backupFile)
        let duringBackup = written.value
        while written.value < duringBackup + 200 { usleep(1_000) }
        stop.set()
        while !writer.isFinished { usleep(1_000) }

        #expect(!FileManager.default.fileExists(atPath: backupFile + "-wal"))
        let copied = try #require(summary.tableCounts["messages"])
        #expect(copied >= 200)
        #expect(copied <= duringBackup)
        #expect(summary.migrations == Migrations.names)
        let live = try server.tableCounts()
        #expect(try #require(live["messages"]) > copied)
        for table in ["businesses", "clients", "memberships", "invoices", "payment_methods", "plans", "staff"] {
            #expect(summary.tableCounts[table] == live[table], "table \(table)")
        }

        // Restored into a new file: sound, and the same rows as the backup.
        let restored = Self.temp("restored")
        let result = try SQLiteStore.restore(from: backupFile, to: restored, force: false)
        #expect(result.tableCounts == summary.tableCounts)
        let reopened = try SQLiteStore(path: restored)
        #expect(try reopened.integrityProblems().isEmpty)
        #expect(try reopened.sqlRead { try $0.queryOne("PRAGMA integrity_check")?.string("integrity_check") } == "ok")
        #expect(try reopened.tableCounts() == summary.tableCounts)
        #expect(try reopened.read { try $0.business(slug: "demo")?.name } == "Maple Street Studio")
    }

    @Test func restoringOverALiveDatabaseNeedsForceAndThenReplacesIt() throws {
        let backupFile = Self.temp("backup")
        let source = try SQLiteStore(path: Self.temp("source"))
        try Demo.seed(source, now: Date())
        _ = try source.backup(to: backupFile)

        let livePath = Self.temp("live")
        let live = try SQLiteStore(path: livePath)
        _ = try live.write { c in
            try c.insertBusiness(NewBusiness(slug: "other", name: "Other Studio"), now: Date())
        }
        #expect {
            _ = try SQLiteStore.restore(from: backupFile, to: livePath, force: false)
        } throws: { error in
            (error as? StoreError)?.message.contains("--force") == true
        }
        #expect(try live.read { try $0.business(slug: "other") } != nil)

        _ = try SQLiteStore.restore(from: backupFile, to: livePath, force: true)
        // The open store sees the restored data on its next transaction.
        #expect(try live.read { try $0.business(slug: "other") } == nil)
        #expect(try live.read { try $0.business(slug: "demo") } != nil)
        #expect(try live.integrityProblems().isEmpty)
    }

    @Test func aBackupNeverOverwritesAndABadSourceIsRefused() throws {
        let store = try SQLiteStore(path: Self.temp("db"))
        let file = Self.temp("backup")
        _ = try store.backup(to: file)
        #expect(throws: StoreError.self) { _ = try store.backup(to: file) }
        _ = try store.backup(to: file, overwrite: true)

        let garbage = Self.temp("garbage")
        try Data("not a database at all, just text".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: StoreError.self) { _ = try SQLiteStore.restore(from: garbage, to: Self.temp("t"), force: true) }
        #expect(throws: StoreError.self) {
            _ = try SQLiteStore.restore(from: Self.temp("missing"), to: Self.temp("t"), force: true)
        }
        // The copy is private to its owner.
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A backup that fails at the last step (the name is taken by a folder) leaves no partial copy behind.
        let folder = NSTemporaryDirectory() + "fd-taken-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/inside", withIntermediateDirectories: true)
        #expect(throws: StoreError.self) { _ = try store.backup(to: folder, overwrite: true) }
        let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent).filter {
            $0.hasPrefix(URL(fileURLWithPath: folder).lastPathComponent + ".partial")
        }
        #expect(leftovers.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder + "/inside"))
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var on = false
    func set() { lock.withLock { on = true } }
    var isSet: Bool { lock.withLock { on } }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func set(_ value: Int) { lock.withLock { n = value } }
    var value: Int { lock.withLock { n } }
}

import Foundation
import FrontdeskTesting
import Testing

@Suite("frontdesk db", .serialized)
struct DatabaseCommandTests {
    @Test func backupRestoreAndStatusThroughTheBinary() throws {
        let bin = try Binary()
        #expect(try bin.run(["demo"]).code == 0)
        let backup = bin.dir.appendingPathComponent("backup.sqlite").path

        let made = try bin.run(["db", "backup", "--to", backup])
        #expect(made.code == 0, "\(made.err)")
        #expect(made.out.contains("migrations up to 005_sender_trust"))
        let again = try bin.run(["db", "backup", "--to", backup])
        #expect(again.code == 1)
        #expect(again.err.contains("--force"))

        // A conversation after the backup, then a restore: the conversation is gone, the demo is back.
        _ = try bin.run(["say", "--business", "demo", "--from", "+15550101001", "new card"])
        let refused = try bin.run(["db", "restore", "--from", backup])
        #expect(refused.code == 1)
        #expect(refused.err.contains("--force"))
        let restored = try bin.run(["db", "restore", "--from", backup, "--force"])
        #expect(restored.code == 0, "\(restored.err)")

        let status = try bin.run(["db", "status"])
        #expect(status.code == 0, "\(status.err)")
        #expect(status.out.contains("messages\t0"))
        #expect(status.out.contains("clients\t22"))
        #expect(status.out.contains("integrity: ok"))

        let fresh = bin.dir.appendingPathComponent("fresh.sqlite").path
        #expect(try bin.run(["db", "restore", "--from", backup, "--db", fresh]).code == 0)
        #expect(try bin.run(["db", "status", "--db", fresh]).out.contains("clients\t22"))
    }

    @Test func badInputIsAOneLineErrorAndWritesNothing() throws {
        let bin = try Binary()
        #expect(try bin.run(["db"]).code == 2)
        #expect(try bin.run(["db", "backup"]).code == 2)
        #expect(try bin.run(["db", "vacuum"]).code == 2)
        let missing = try bin.run(["db", "backup", "--to", bin.dir.appendingPathComponent("b.sqlite").path])
        #expect(missing.code == 1)
        #expect(missing.err.contains("no database"))
        let notABackup = bin.dir.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: notABackup)
        let bad = try bin.run(["db", "restore", "--from", notABackup.path])
        #expect(bad.code == 1)
        #expect(bad.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: bin.db))
    }
}

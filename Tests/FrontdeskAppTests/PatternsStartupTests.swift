import Foundation
import FrontdeskTesting
import Testing

/// The email patterns file is loaded at start-up: missing or invalid, every command stops with the file and the
/// reason on stderr and exit code 1, and `check` lists it as a fault.
@Suite("frontdesk with its email patterns missing or broken", .serialized)
struct PatternsStartupTests {
    static let commands: [(args: [String], stdin: String?)] = [
        (["say", "--business", "demo", "--from", "+15550101001", "hi"], nil),
        (["extract"], "From: a@example.com\nSubject: x\n\nHello\n"),
        (["classify"], "new card\n"),
        (["demo"], nil),
    ]

    func expectStopped(_ bin: Binary, env: [String: String], saying reason: String) throws {
        for (args, stdin) in Self.commands {
            let r = try bin.run(args, stdin: stdin, env: env)
            #expect(r.code == 1, "\(args): \(r.err)")
            #expect(r.out.isEmpty, "\(args)")
            #expect(r.err.hasPrefix("frontdesk: ") && r.err.contains(reason), "\(args): \(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: bin.db), "nothing is written")
    }

    @Test func aMissingPatternsFileStopsEveryCommand() throws {
        let bin = try Binary()
        let path = bin.dir.appendingPathComponent("nowhere/email_patterns.json").path
        try expectStopped(bin, env: ["FRONTDESK_PATTERNS": path], saying: "\(path):0: email patterns file is missing")
    }

    @Test func anInvalidPatternsFileStopsEveryCommandNamingTheLine() throws {
        let bin = try Binary()
        let file = bin.dir.appendingPathComponent("email_patterns.json")
        try Data("{\n  \"attribution_leads\": [\n    \"On\",\n    oops\n  ]\n}\n".utf8).write(to: file)
        try expectStopped(
            bin, env: ["FRONTDESK_PATTERNS": file.path], saying: "\(file.path):4: email patterns file is not valid")
    }

    @Test func checkListsThePatternsFault() throws {
        let bin = try Binary()
        let file = bin.dir.appendingPathComponent("email_patterns.json")
        try Data("{\"attribution_leads\": []}".utf8).write(to: file)
        let r = try bin.run(["check"], env: ["FRONTDESK_PATTERNS": file.path])
        #expect(r.code == 1)
        #expect(r.err.contains("frontdesk: \(file.path):1: email patterns file is not valid"), "\(r.err)")
        let fine = try bin.run(["check"])
        #expect(fine.code == 0, "\(fine.err)")
    }

    @Test func aGoodPatternsFileElsewhereIsUsed() throws {
        let bin = try Binary()
        let bundled = TestBot.root.appendingPathComponent("Sources/FrontdeskText/Resources/email_patterns.json")
        let copy = bin.dir.appendingPathComponent("patterns.json")
        try FileManager.default.copyItem(at: bundled, to: copy)
        let message =
            "From: a@example.com\nSubject: Re: x\n\nYes please.\n\nOn Mon, 6 Jan 2025, Ann <ann@example.com> wrote:\n> Cancel?\n"
        let r = try bin.run(["extract"], stdin: message, env: ["FRONTDESK_PATTERNS": copy.path])
        #expect(r.code == 0, "\(r.err)")
        #expect(try bin.json(r.out)["reply"] as? String == "Yes please.")
    }

    /// Without the override, the resource bundle beside the binary is read: a copy of the binary next to an empty
    /// bundle has no patterns file, and says where it looked.
    @Test func theBundledResourceRemoved() throws {
        let bin = try Binary()
        let copy = bin.dir.appendingPathComponent("frontdesk")
        try FileManager.default.copyItem(at: Binary.url, to: copy)
        let bundle = bin.dir.appendingPathComponent("Frontdesk_FrontdeskText.resources")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = copy
        p.arguments = ["extract"]
        var env = ProcessInfo.processInfo.environment
        env["FRONTDESK_PATTERNS"] = nil
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(
            said.contains("\(bundle.path)/Resources/email_patterns.json:0: email patterns file is missing"), "\(said)")
    }
}

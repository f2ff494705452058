import Foundation
import FrontdeskCore
import FrontdeskTesting
import Testing

/// Runs the built `frontdesk` binary the way a person would.
struct Binary {
    static let url: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "frontdesk")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return TestBot.root.appendingPathComponent(".build/debug/frontdesk")
    }()

    let dir: URL
    var db: String { dir.appendingPathComponent("fd.sqlite").path }

    init() throws {
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fd-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    struct Result {
        var code: Int32
        var out: String
        var err: String
    }

    func run(_ args: [String], stdin: String? = nil, env extra: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = Binary.url
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["FRONTDESK_DB"] = db
        env["FRONTDESK_HOME"] = TestBot.root.path
        env["FRONTDESK_BASE_URL"] = "https://desk.example.test"
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(
            code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

@Suite("frontdesk binary end to end", .serialized)
struct BinaryTests {
    @Test func demoThenTheReadmeConversation() throws {
        let bin = try Binary()
        let demo = try bin.run(["demo", "--json"])
        #expect(demo.code == 0, "\(demo.err)")
        let seeded = try bin.json(demo.out)
        let clients = try #require(seeded["clients"] as? [[String: Any]])
        #expect(clients.count >= 20)
        let statuses = Set(clients.compactMap { $0["membership_status"] as? String })
        for s in ["active", "trialing", "past_due", "paused", "pending_cancel", "cancelled", "none"] {
            #expect(statuses.contains(s), "no client with status \(s)")
        }
        let business = try #require(seeded["business"] as? [String: Any])
        #expect(business["slug"] as? String == "demo")
        let active = try #require(clients.first { $0["membership_status"] as? String == "active" })
        let phone = try #require(active["phone"] as? String)
        let date = try #require(active["next_billing_date"] as? String)

        let billing = try bin.json(
            try bin.run(["say", "--business", "demo", "--from", phone, "--json", "when is my next billing date?"]).out)
        #expect(billing["intent"] as? String == "membership.show")
        let reply = try #require(billing["reply"] as? String)
        #expect(reply.contains(Self.human(date)), "\(reply) should state \(date)")

        let card = try bin.json(try bin.run(["say", "--business", "demo", "--from", phone, "--json", "new card"]).out)
        let links = try #require(card["links"] as? [[String: Any]])
        #expect(links.first?["action"] as? String == "payment_method.update")
        #expect((links.first?["url"] as? String)?.hasPrefix("https://desk.example.test/l/") == true)
        #expect(links.first?["expires_at"] is String)

        #expect(try bin.run(["plugins", "set", "cancel", "allowed=true", "--business", "demo"]).code == 0)
        let ask = try bin.json(
            try bin.run(["say", "--business", "demo", "--from", phone, "--json", "I want to cancel my membership"]).out)
        #expect(ask["state"] as? String == "awaiting_confirmation")
        let yes = try bin.json(try bin.run(["say", "--business", "demo", "--from", phone, "--json", "YES"]).out)
        #expect((yes["reply"] as? String)?.contains("cancelled") == true)

        let invoices = try bin.run(["say", "--business", "demo", "--from", phone, "please send me my invoices"])
        #expect(invoices.out.contains("INV-"))

        // Running demo again keeps the data (and the cancellation).
        let again = try bin.json(try bin.run(["demo", "--json"]).out)
        let same = (again["clients"] as? [[String: Any]])?.first { $0["phone"] as? String == phone }
        #expect(same?["membership_status"] as? String == "pending_cancel")
    }

    static func human(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[parts[1] - 1]) \(parts[2]), \(parts[0])"
    }

    @Test func pluginsListEnableDisableAndCheck() throws {
        let bin = try Binary()
        _ = try bin.run(["demo"])
        let list = try bin.run(["plugins", "list", "--business", "demo"])
        #expect(list.code == 0)
        #expect(list.out.contains("cancel"))
        #expect(list.out.contains("allowed=false"))
        #expect(try bin.run(["plugins", "disable", "invoices", "--business", "demo"]).code == 0)
        #expect(try bin.run(["plugins", "list", "--business", "demo"]).out.contains("invoices    disabled"))
        #expect(try bin.run(["plugins", "enable", "invoices", "--business", "demo"]).code == 0)
        let check = try bin.run(["check"])
        #expect(check.code == 0)
        #expect(check.out.hasPrefix("ok: 14 plugins, 18 intents"))
    }

    @Test func classifyReadsLinesAndJSONLines() throws {
        let bin = try Binary()
        let r = try bin.run(
            ["classify"], stdin: "new card\n{\"text\":\"please send me my invoices\",\"channel\":\"email\"}\n")
        #expect(r.code == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(try bin.json(lines[0])["intent"] as? String == "payment_method.update")
        #expect(try bin.json(lines[1])["intent"] as? String == "invoices.list")
        #expect(try bin.json(lines[1])["text"] as? String == "please send me my invoices")
    }

    @Test func classifyDecidesLikeThePipelineOnThatChannel() throws {
        let bin = try Binary()
        let lines = [
            "END", "{\"text\":\"END\",\"channel\":\"email\"}", "stop charging me",
            "{\"text\":\"see subject\",\"channel\":\"email\",\"subject\":\"Update card\"}",
            "{\"text\":\"unsubscribe\",\"channel\":\"email\"}",
            "what's my billing date and can you send my october invoice",
        ]
        let r = try bin.run(["classify"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(r.code == 0, "\(r.err)")
        let out = try r.out.split(separator: "\n").map { try bin.json(String($0)) }
        #expect(out.count == lines.count)
        // An SMS keyword first: END is an opt-out by text, never a cancellation.
        #expect(out[0]["intent"] as? String == "optout")
        #expect(out[0]["decided_by"] as? String == "keyword")
        #expect(out[1]["intent"] as? String != "optout")
        #expect(out[1]["decided_by"] as? String == "classifier")
        #expect(out[2]["intent"] as? String == "clarify")
        #expect(out[2]["asked_instead_of"] as? String == "membership.cancel")
        #expect(out[3]["intent"] as? String == "payment_method.update")
        #expect(out[4]["intent"] as? String == "optout")
        #expect(out[4]["decided_by"] as? String == "keyword")
        let requests = try #require(out[5]["requests"] as? [[String: Any]])
        #expect(requests.map { $0["intent"] as? String } == ["membership.show", "invoices.list"])
    }

    @Test func extractPrintsTheSpecShape() throws {
        let bin = try Binary()
        let raw =
            "From: Alice <alice@example.com>\nSubject: Re: billing\nMessage-ID: <a1@example.com>\n\nnew card please\n\nOn Mon, Nov 2, 2026 at 9:00 AM Desk <desk@x.test> wrote:\n> old text\n"
        let r = try bin.run(["extract"], stdin: raw)
        #expect(r.code == 0, "\(r.err)")
        let j = try bin.json(r.out)
        #expect(j["kind"] as? String == "reply")
        #expect((j["reply"] as? String)?.contains("new card please") == true)
        #expect((j["reply"] as? String)?.contains("old text") == false)
        #expect(j.keys.sorted() == ["forwarded", "from", "kind", "message_id", "reply", "subject"])
    }

    @Test(arguments: [
        (["say", "--business", "nope", "--from", "+15550101001", "hi"], Int32(1), "unknown business nope"),
        (["say", "--business", "demo", "hi"], Int32(2), "--from is required"),
        (["say", "--business", "demo", "--from", "not-a-phone", "hi"], Int32(2), "--from must be a phone number"),
        (["say", "--business", "demo", "--from", "+15550101001"], Int32(2), "say needs the message TEXT"),
        (
            ["say", "--business", "demo", "--from", "+15550101001", "--channel", "fax", "hi"], Int32(2),
            "--channel must be sms or email"
        ),
        (["plugins", "enable", "teleport", "--business", "demo"], Int32(1), "unknown plugin teleport"),
        (
            ["plugins", "set", "cancel", "colour=blue", "--business", "demo"], Int32(1),
            "plugin cancel has no setting colour"
        ),
        (
            ["plugins", "set", "cancel", "mode=sometimes", "--business", "demo"], Int32(1),
            "mode must be one of period_end, immediate"
        ),
        (["plugins", "set", "invoices", "count=0", "--business", "demo"], Int32(1), "count must be at least 1"),
        (["plugins", "disable", "compliance", "--business", "demo"], Int32(1), "always on"),
        (["frobnicate"], Int32(2), "unknown command frobnicate"),
        (["demo", "--colour"], Int32(2), "unknown option --colour"),
    ])
    func badInputFailsWithOneClearLineAndWritesNothing(_ args: [String], _ code: Int32, _ message: String) throws {
        let bin = try Binary()
        _ = try bin.run(["demo"])
        let before = try bin.run(["plugins", "list", "--business", "demo"]).out
        let r = try bin.run(args)
        #expect(r.code == code, "\(args): \(r.err)")
        #expect(r.err.contains(message), "\(args): \(r.err)")
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(r.out.isEmpty)
        #expect(try bin.run(["plugins", "list", "--business", "demo"]).out == before)
    }

    @Test func anUnusableDatabasePathIsRefusedWithoutCreatingAnything() throws {
        let bin = try Binary()
        let r = try bin.run(["demo", "--db", "/nonexistent-folder/x.sqlite"])
        #expect(r.code == 1)
        #expect(r.err.contains("cannot use database"))
        let dir = try bin.run(["demo", "--db", bin.dir.path])
        #expect(dir.code == 1)
        #expect(dir.err.contains("it is a folder"))
    }

    @Test func helpEverywhere() throws {
        let bin = try Binary()
        for cmd in ["demo", "say", "chat", "classify", "extract", "plugins", "check", "serve"] {
            let r = try bin.run([cmd, "--help"])
            #expect(r.code == 0, "\(cmd)")
            #expect(r.out.contains("usage: frontdesk \(cmd)"), "\(cmd): \(r.out)")
        }
        #expect(try bin.run(["--help"]).out.contains("commands:"))
    }

    @Test func chatShowsRepliesAndLinksAndLeavesOnEOF() throws {
        let bin = try Binary()
        _ = try bin.run(["demo"])
        let r = try bin.run(
            ["chat", "--business", "demo", "--from", "+15550101002"], stdin: "when is my next billing date?\nnew card\n"
        )
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("Massage Club"))
        #expect(r.out.contains("https://desk.example.test/l/"))
    }
}

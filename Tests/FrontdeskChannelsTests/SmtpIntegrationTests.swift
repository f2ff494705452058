import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskChannels

#if canImport(Glibc)
    import Glibc
#endif

/// SMTPSender against a real SMTP server (aiosmtpd with scripts/integration/smtp_sink.py).
///
/// scripts/integration/smtp.sh starts the server and sets FRONTDESK_SMTP_TEST_URL and FRONTDESK_SMTP_TEST_DIR;
/// without them the test starts the same server itself, and fails if python3 or aiosmtpd is missing.
@Suite(.serialized) struct SmtpIntegrationTests {
    /// The reply scripts/integration/smtp_check.py expects to find.
    static let reply = OutgoingMessage(
        channel: .email, to: "ana@client.example", from: "bot@spa.example", fromName: "Lotus Spa",
        subject: "Café hours ✓",
        body: "Bonjour Zoë,\nWe open at 9:00 tomorrow.\n.\nA line with a lone dot above (SMTP dot-stuffing).\n",
        inReplyTo: "parent-1@client.example", references: ["<root-0@spa.example>"])

    @Test func deliversAThreadedReply() throws {
        let sink = try SMTPSink.fromEnvironmentOrStart()
        defer { sink.stop() }
        let before = Set(sink.messages())
        let sender = SMTPSender(configuration: try SMTPConfiguration(url: sink.url))
        let started = Date()
        let result = try sender.send(Self.reply)
        print("SMTP send to the local aiosmtpd: \(Int(Date().timeIntervalSince(started) * 1000)) ms")

        let delivered = sink.messages().filter { !before.contains($0) }
        try #require(delivered.count == 1, "expected one new message in \(sink.directory)")
        let raw = try String(contentsOfFile: delivered[0], encoding: .utf8)
        let mail = ParsedEmail(raw)
        #expect(mail.header("Message-ID") == result.providerMessageID)
        #expect(mail.header("In-Reply-To") == "<parent-1@client.example>")
        #expect(mail.header("References") == "<root-0@spa.example> <parent-1@client.example>")
        #expect(mail.header("Auto-Submitted") == "auto-replied")
        #expect(ParsedEmail.decodeWords(mail.header("Subject") ?? "") == "Re: Café hours ✓")
        #expect(ParsedEmail.decodeQP(mail.body) == Self.reply.body)

        let envelopePath = String(delivered[0].dropLast(4)) + ".json"
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: envelopePath)))
        let fields = try #require(envelope as? [String: Any])
        #expect(fields["mail_from"] as? String == "bot@spa.example")
        #expect(fields["rcpt_tos"] as? [String] == ["ana@client.example"])
    }

    @Test func requiredSTARTTLSIsEnforced() throws {
        let sink = try SMTPSink.fromEnvironmentOrStart()
        defer { sink.stop() }
        let before = sink.messages()
        // As for any remote host: the sink offers no STARTTLS, so nothing may be sent in the clear.
        var configuration = try SMTPConfiguration(url: sink.url)
        configuration.tls = .required
        #expect {
            try SMTPSender(configuration: configuration).send(Self.reply)
        } throws: { error in
            guard let e = error as? SendError else { return false }
            return !e.retryable && e.kind == .configuration
        }
        #expect(sink.messages() == before)
    }
}

/// A running aiosmtpd sink: given by the environment, or a subprocess this test started.
struct SMTPSink {
    var url: String
    var directory: String
    var process: Process?

    static func fromEnvironmentOrStart() throws -> SMTPSink {
        let env = ProcessInfo.processInfo.environment
        if let url = env["FRONTDESK_SMTP_TEST_URL"], let dir = env["FRONTDESK_SMTP_TEST_DIR"], !url.isEmpty {
            return SMTPSink(url: url, directory: dir, process: nil)
        }
        return try start()
    }

    static func start() throws -> SMTPSink {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scripts = root.appendingPathComponent("scripts/integration").path
        let check = try run(["python3", "-c", "import aiosmtpd"], scripts: scripts)
        guard check == 0 else {
            throw SinkError(
                "python3 with aiosmtpd is required for the SMTP integration test "
                    + "(run scripts/setup.sh --test, or: python3 -m pip install aiosmtpd)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("frontdesk-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "smtp_sink.Sink", directory,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["PYTHONPATH": scripts]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let sink = SMTPSink(url: "smtp://127.0.0.1:\(port)", directory: directory, process: process)
        // Wait until it listens; the bound only stops a broken server from hanging the run.
        for _ in 0..<200 {
            if canConnect(port: port) { return sink }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        sink.stop()
        throw SinkError("aiosmtpd did not start listening on 127.0.0.1:\(port)")
    }

    func messages() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().map { directory + "/" + $0 }
    }

    func stop() {
        guard let process else { return }
        if process.isRunning {
            // SIGKILL: the child inherits the test runner's signal mask, in which SIGTERM is blocked.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct SinkError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    static func run(_ arguments: [String], scripts: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A port the kernel just handed out (bound to 0, then released).
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SinkError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw SinkError("bind failed") }
        return UInt16(bigEndian: addr.sin_port)
    }

    static func canConnect(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

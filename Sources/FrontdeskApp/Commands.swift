import Foundation
import FrontdeskConsole
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskText

/// The subcommands. Each validates all input before it writes anything.
struct Commands {
    let environment: [String: String]
    let clock: any Clock
    let input: () -> String?
    let output: (String) -> Void

    func app(_ a: Arguments, configFile: String? = nil) throws -> App {
        let config: AppConfig
        do {
            config = try AppConfig.load(environment: environment, configFile: configFile, dbOverride: a["db"])
        } catch let error as AppConfig.ConfigError {
            throw CLIError.failure(error.description)
        }
        try checkDatabasePath(config.dbPath)
        do {
            return try App(config: config, clock: clock, log: Logger.standardError(minimum: .warning))
        } catch let error as StoreError {
            throw CLIError.failure("cannot use database \(config.dbPath): \(error.message)")
        }
    }

    /// A clear error before SQLite would create a file somewhere unusable.
    func checkDatabasePath(_ path: String) throws {
        guard path != ":memory:" else { return }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError.failure("cannot use database \(path): folder \(dir) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw CLIError.failure("cannot use database \(path): it is a folder")
        }
    }

    // MARK: demo

    func demo(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "clients", "messages"], switches: ["json"])
        guard a.positionals.isEmpty else { throw CLIError.usage("demo takes no arguments") }
        let clients = try count(a, "clients", max: Demo.maxExtraClients)
        let messages = try count(a, "messages", max: Demo.maxSeededMessages)
        if messages > 0, clients == 0 { throw CLIError.usage("--messages needs --clients (they go to extra clients)") }
        let app = try app(a)
        try Demo.seed(app.store, now: clock.now())
        if clients > 0 {
            let started = Date()
            let added = try Demo.seedClients(
                app.store, count: clients, messages: messages, now: clock.now(),
                progress: { FrontdeskCLI.printError($0) })
            FrontdeskCLI.printError(
                "demo: \(added.clients) extra clients and \(added.messages) stored messages added in "
                    + String(format: "%.1f s", Date().timeIntervalSince(started)))
        }
        let report = try DemoReport.make(app)
        output(a.has("json") ? report.json.serialized() : report.table)
    }

    /// A whole number option in 0...max (0 when absent).
    private func count(_ a: Arguments, _ name: String, max: Int) throws -> Int {
        guard let text = a[name] else { return 0 }
        guard let n = Int(text), (0...max).contains(n) else {
            throw CLIError.usage("--\(name) must be a whole number from 0 to \(max)")
        }
        return n
    }

    // MARK: say / chat

    func conversationArguments(_ args: [String], switches: Set<String>) throws -> (
        Arguments, App, Business, Channel, String
    ) {
        let a = try Arguments(args, options: ["db", "business", "from", "channel", "subject"], switches: switches)
        let slug = try a.required("business")
        let from = try a.required("from")
        let channelName = a["channel"] ?? (from.contains("@") ? "email" : "sms")
        guard let channel = Channel(rawValue: channelName) else {
            throw CLIError.usage("--channel must be sms or email")
        }
        guard let address = Address.normalize(from, channel: channel) else {
            throw CLIError.usage(
                channel == .sms
                    ? "--from must be a phone number (E.164, e.g. +15550101001)" : "--from must be an email address")
        }
        let app = try app(a)
        let business = try app.business(slug)
        return (a, app, business, channel, address)
    }

    func say(_ args: [String]) throws {
        if args.contains(where: { $0 == "--eml" || $0.hasPrefix("--eml=") }) { return try sayEML(args) }
        let (a, app, business, channel, address) = try conversationArguments(args, switches: ["json"])
        let text = a.positionals.joined(separator: " ")
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError.usage("say needs the message TEXT")
        }
        let outcome = try send(
            app, business: business, channel: channel, from: address, subject: a["subject"], text: text)
        if a.has("json") {
            output(Self.json(outcome, zone: business.zone).serialized())
        } else {
            output(Self.human(outcome))
        }
    }

    func chat(_ args: [String]) throws {
        let (a, app, business, channel, address) = try conversationArguments(args, switches: [])
        guard a.positionals.isEmpty else {
            throw CLIError.usage("chat reads messages from the terminal; it takes no TEXT")
        }
        output("Talking to \(business.name) as \(address) by \(channel.rawValue). Ctrl-D to leave.")
        let interactive = isatty(STDIN_FILENO) != 0
        while true {
            if interactive {
                fflush(nil)
                FileHandle.standardOutput.write(Data("> ".utf8))
            }
            guard let line = input() else { break }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let outcome = try send(
                app, business: business, channel: channel, from: address, subject: a["subject"], text: line)
            output(Self.human(outcome))
        }
        if interactive { output("") }
    }

    func send(_ app: App, business: Business, channel: Channel, from: String, subject: String?, text: String) throws
        -> PipelineOutcome
    {
        let message = InboundMessage(
            provider: "cli", providerMessageID: "cli-" + UUID().uuidString, channel: channel, from: from,
            to: business.slug, subject: subject ?? (channel == .email ? "Message" : nil), text: text)
        return try app.pipeline.handle(message, businessSlug: business.slug)
    }

    static func json(_ o: PipelineOutcome, zone: TimeZone) -> JSON {
        .object([
            ("intent", .from(o.intent)),
            ("confidence", o.confidence.map { .double(($0 * 1000).rounded() / 1000) } ?? .null),
            ("reply", .from(o.reply)),
            (
                "links",
                .array(
                    o.links.map {
                        .object([
                            ("action", .string($0.action)), ("url", .string($0.url)),
                            ("expires_at", .string(UTC.format($0.expiresAt))),
                        ])
                    })
            ),
            ("state", .string(o.state)),
        ])
    }

    static func human(_ o: PipelineOutcome) -> String {
        switch o.disposition {
        case .replied: return o.reply ?? ""
        case .silent: return "(no reply: \(o.reason ?? "silent"))"
        case .duplicate: return "(duplicate message: ignored)"
        }
    }

    // MARK: classify / extract

    /// What the pipeline would decide for each line on its channel: SMS keywords first, then the classifier with
    /// the guard on destructive intents (the business's settings with `--business`, else the defaults).
    func classify(_ args: [String]) throws {
        let a = try Arguments(args, options: ["business", "db"], switches: [])
        guard a.positionals.isEmpty else { throw CLIError.usage("classify reads stdin; it takes no arguments") }
        let app = try app(a)
        if let slug = a["business"] { _ = try app.business(slug) }
        while let line = input() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            var text = line
            var channel = Channel.sms
            var subject: String?
            if line.hasPrefix("{") {
                guard let data = line.data(using: .utf8),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let t = object["text"] as? String
                else { throw CLIError.failure("classify: a JSON line needs a \"text\" string") }
                text = t
                if let c = object["channel"] as? String {
                    guard let parsed = Channel(rawValue: c) else {
                        throw CLIError.failure("classify: channel must be sms or email")
                    }
                    channel = parsed
                }
                subject = object["subject"] as? String
            }
            let decisions = try app.pipeline.preview(
                text, channel: channel, subject: subject, businessSlug: a["business"])
            output(Self.classification(text, decisions).serialized())
        }
    }

    /// `{"text","intent","confidence","decided_by"}`, plus `"asked_instead_of"` when the guard asked which thing
    /// was meant and `"requests"` when the text asks several things.
    static func classification(_ text: String, _ decisions: [Decision]) -> JSON {
        func rounded(_ d: Double) -> JSON { .double((d * 1000).rounded() / 1000) }
        let first = decisions.first ?? Decision(intent: .unknown, confidence: 0, text: text, decidedBy: .classifier)
        var fields: [(String, JSON)] = [
            ("text", .string(text)), ("intent", .string(first.intent)), ("confidence", rounded(first.confidence)),
            ("decided_by", .string(first.decidedBy.rawValue)),
        ]
        if let held = first.guarded { fields.append(("asked_instead_of", .string(held))) }
        if decisions.count > 1 {
            let requests: [JSON] = decisions.map { d in
                var item: [(String, JSON)] = [
                    ("text", .string(d.text)), ("intent", .string(d.intent)), ("confidence", rounded(d.confidence)),
                ]
                if let held = d.guarded { item.append(("asked_instead_of", .string(held))) }
                return .object(item)
            }
            fields.append(("requests", .array(requests)))
        }
        return .object(fields)
    }

    func extract(_ args: [String]) throws {
        let a = try Arguments(args, options: [], switches: [])
        guard a.positionals.count <= 1 else { throw CLIError.usage("extract takes at most one FILE") }
        let raw: String
        if let path = a.positionals.first, path != "-" {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError.failure("cannot read \(path)")
            }
            raw = String(decoding: data, as: UTF8.self)
        } else {
            var lines: [String] = []
            while let line = input() { lines.append(line) }
            raw = lines.joined(separator: "\n")
        }
        guard !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError.failure("extract: empty input (give a raw RFC 5322 message on stdin or as FILE)")
        }
        let e = EmailExtractor.extract(raw: raw)
        let forwarded: JSON =
            e.forwarded.map { f in
                .object([
                    ("from_name", .from(f.fromName)), ("from_address", .from(f.fromAddress)),
                    ("subject", .from(f.subject)),
                    ("date", .from(f.date)), ("body", .string(f.body)),
                ])
            } ?? .null
        output(
            JSON.object([
                ("kind", .string(e.kind.rawValue)), ("reply", .string(e.reply)), ("forwarded", forwarded),
                ("from", .from(e.from)), ("subject", .from(e.subject)), ("message_id", .from(e.messageID)),
            ]).serialized())
    }

    // MARK: check

    func check(_ args: [String]) throws {
        let a = try Arguments(args, options: [], switches: ["sms"])
        guard a.positionals.isEmpty else { throw CLIError.usage("check takes no arguments") }
        guard let root = ResourceRoot.locate(environment: environment) else {
            throw CLIError.failure("cannot find plugins/ and prompts/ (run from the checkout or set FRONTDESK_HOME)")
        }
        let catalog = try Startup.catalog(root: root)
        if a.has("sms") { output(SMSReport(catalog: catalog).table) }
        let faults =
            Startup.patternFaults + Pipeline.validate(catalog) + catalog.localeFaults()
            + Console.templateFaults(root: root, catalog: catalog)
        if !faults.isEmpty { throw Diagnostics(faults) }
        let intents = catalog.intentIDs.count
        output(
            "ok: \(catalog.manifests.count) plugins, \(intents) intents, \(catalog.examples.count) examples, \(catalog.templates.ids.count) templates"
        )
    }
}

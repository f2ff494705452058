import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore

/// `client export|erase`, `retention show|set|apply` and `audit`: what a business holds on a client, how long it
/// keeps message texts, and who did what.
extension Commands {
    // MARK: client

    /// `client export --business SLUG --client ID [--out FILE] [--force]` and
    /// `client erase --business SLUG --client ID [--yes]`.
    func client(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business", "client", "out"], switches: ["force", "yes"])
        guard let verb = a.positionals.first, ["export", "erase"].contains(verb), a.positionals.count == 1 else {
            throw CLIError.usage("client needs export or erase; see `frontdesk client --help`")
        }
        let slug = try a.required("business")
        let id = try Self.clientID(a)
        if verb == "export", a.has("yes") { throw CLIError.usage("--yes is for client erase") }
        if verb == "erase", a["out"] != nil || a.has("force") {
            throw CLIError.usage("--out and --force are for client export")
        }
        if let out = a["out"] { try Self.checkOutput(out, force: a.has("force")) }
        let app = try app(a)
        let business = try app.business(slug)
        let client = try clientOf(business, id, app.store)
        if verb == "export" {
            let text = try app.store.read { try ClientExport.make(client, business: business, $0, now: clock.now()) }
                .serialized()
            if let out = a["out"] {
                try Self.writePrivately(text + "\n", to: out, force: a.has("force"))
                output("exported client \(id) of \(business.slug) to \(out)")
            } else {
                output(text)
            }
            return
        }
        guard a.has("yes") else {
            let plan = try app.store.read { try $0.erasurePlan(clientID: id) }
            output("would erase client \(id) (\(client.fullName)) of \(business.slug):")
            for (what, count) in plan.changes { output("  \(what)\t\(count)") }
            output("would keep (invoices must be kept for bookkeeping):")
            for (what, count) in plan.kept { output("  \(what)\t\(count)") }
            output("nothing changed; run again with --yes to erase")
            return
        }
        let done = try app.store.write { try $0.eraseClient(id: id, actor: "cli", via: "cli", now: clock.now()) }
        try app.store.scrubRedactedText()
        output("erased client \(id) of \(business.slug) (now \"erased client \(id)\"):")
        for (what, count) in done.changes { output("  \(what)\t\(count)") }
        output("kept:")
        for (what, count) in done.kept { output("  \(what)\t\(count)") }
    }

    static func clientID(_ a: Arguments) throws -> Int {
        guard let id = Int(try a.required("client")), id > 0 else {
            throw CLIError.usage("--client must be a client's numeric id")
        }
        return id
    }

    /// The client, only when it belongs to this business.
    func clientOf(_ business: Business, _ id: Int, _ store: any Store) throws -> Client {
        guard let client = try store.read({ try $0.client(id: id) }), client.businessID == business.id else {
            throw CLIError.failure("no client \(id) in \(business.slug)")
        }
        return client
    }

    /// Refuses a file that exists (without `force`) or a folder that does not, before anything is read.
    static func checkOutput(_ path: String, force: Bool) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { throw CLIError.failure("\(path) is a folder") }
            if !force { throw CLIError.failure("\(path) exists; add --force to replace it") }
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError.failure("cannot write \(path): folder \(dir) does not exist")
        }
    }

    /// Writes `text` to a new file readable by its owner only (0600) beside `path`, flushes it, and renames it
    /// over `path`: a reader sees the old file or the whole new one, never half of it.
    static func writePrivately(_ text: String, to path: String, force: Bool) throws {
        try checkOutput(path, force: force)
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).tmp"
        ).path
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CLIError.failure("cannot write \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        var failure: String?
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                failure = String(cString: strerror(errno))
                break
            }
            written += n
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temp)
            throw CLIError.failure("cannot write \(path): \(failure)")
        }
    }

    // MARK: retention

    /// `retention show|set days=N|off --business SLUG` and `retention apply [--business SLUG]`.
    func retention(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business"], switches: [])
        guard let verb = a.positionals.first, ["show", "set", "apply"].contains(verb) else {
            throw CLIError.usage("retention needs show, set or apply; see `frontdesk retention --help`")
        }
        var days: Int??
        if verb == "set" {
            guard a.positionals.count == 2, a.positionals[1].hasPrefix("days=") else {
                throw CLIError.usage("retention set needs days=N or days=off")
            }
            let value = a.positionals[1].dropFirst(5)
            if value == "off" {
                days = .some(nil)
            } else {
                guard let n = Int(value), (1...36_500).contains(n) else {
                    throw CLIError.usage("days must be a number of days from 1 to 36500, or off")
                }
                days = n
            }
        } else if a.positionals.count != 1 {
            throw CLIError.usage("retention \(verb) takes no more arguments")
        }
        let slug = verb == "apply" ? a["business"] : try a.required("business")
        let app = try app(a)
        let business = try slug.map { try app.business($0) }
        let now = clock.now()
        func describe(_ days: Int?) -> String { days.map { "days=\($0)" } ?? "days=off (message texts are kept)" }
        guard verb != "apply" else {
            for o in try Retention.apply(app.store, businessID: business?.id, now: now, actor: "cli", via: "cli") {
                output(
                    o.days.map { "\(o.slug): \(o.rows) messages and replies older than \($0) days lost their text" }
                        ?? "\(o.slug): no retention set")
            }
            return
        }
        guard let id = business?.id else { throw CLIError.usage("--business is required") }
        guard let after = days else {
            output(describe(try app.store.read { try $0.retentionDays(businessID: id) }))
            return
        }
        try app.store.write { c in
            let before = try c.retentionDays(businessID: id)
            try c.setRetentionDays(businessID: id, days: after)
            try c.audit(
                businessID: id, actor: "cli", via: "cli", action: "retention.set", before: describe(before),
                after: describe(after), now: now)
        }
        output(describe(after))
    }

    // MARK: audit

    /// `audit --business SLUG [--client ID] [--since YYYY-MM-DD] [--limit N] [--json]`, newest first, times in the
    /// business's time zone.
    func audit(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business", "client", "since", "limit"], switches: ["json"])
        guard a.positionals.isEmpty else { throw CLIError.usage("audit takes no arguments") }
        let slug = try a.required("business")
        let clientID = a["client"] == nil ? nil : try Self.clientID(a)
        var limit = 50
        if let l = a["limit"] {
            guard let n = Int(l), (1...10_000).contains(n) else {
                throw CLIError.usage("--limit must be a number from 1 to 10000")
            }
            limit = n
        }
        if let since = a["since"], Self.day(since, zone: TimeZone(secondsFromGMT: 0) ?? .current) == nil {
            throw CLIError.usage("--since must be a date as YYYY-MM-DD, got \(since)")
        }
        let app = try app(a)
        let business = try app.business(slug)
        if let clientID { _ = try clientOf(business, clientID, app.store) }
        let since = a["since"].flatMap { Self.day($0, zone: business.zone) }
        let entries = try app.store.read {
            try $0.auditEntries(businessID: business.id, clientID: clientID, since: since, limit: limit)
        }
        let time = ISO8601DateFormatter()
        time.timeZone = business.zone
        if a.has("json") {
            output(
                JSON.object([
                    ("business", .string(business.slug)), ("time_zone", .string(business.zone.identifier)),
                    (
                        "entries",
                        .array(
                            entries.map { e in
                                .object([
                                    ("id", .int(e.id)), ("at", .string(time.string(from: e.createdAt))),
                                    ("actor", .string(e.actor)), ("via", .string(e.via)), ("action", .string(e.action)),
                                    ("client_id", e.clientID.map(JSON.int) ?? .null), ("before", .from(e.before)),
                                    ("after", .from(e.after)),
                                ])
                            })
                    ),
                ]).serialized())
            return
        }
        if entries.isEmpty { output("no audit entries for \(business.slug)") }
        for e in entries {
            let change = [e.before.map { "before: \($0)" }, e.after.map { "after: \($0)" }].compactMap { $0 }
            output(
                ([time.string(from: e.createdAt), e.actor, "via \(e.via)", e.action] + change).joined(separator: "\t"))
        }
    }

    /// Midnight at the start of a `YYYY-MM-DD` day in `zone`; nil for anything else.
    static func day(_ text: String, zone: TimeZone) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: y, month: m, day: d)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        return date
    }
}

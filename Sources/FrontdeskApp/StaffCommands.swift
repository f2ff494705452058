import Foundation
import FrontdeskChannels
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore

/// `say --eml`, `roles` and `privacy`: a raw email through the webhook path, what staff roles may ask for clients,
/// and the privacy requests staff decide.
extension Commands {
    // MARK: say --eml

    /// Email bodies the webhooks accept (25 MiB): a file past that is refused before it is read.
    static let emlLimit = 25 << 20

    /// `say --business SLUG --eml FILE [--provider mailgun|sendgrid] [--json]`: the message is read as that
    /// provider's raw-MIME webhook reads it (Mailgun `body-mime`, SendGrid `email`): MIME, extraction with
    /// forwards, and sender verification from its headers with the configured authserv-ids
    /// (`FRONTDESK_AUTHSERV_ID`, else the provider's defaults), so an unverified From is handled as the webhook
    /// would handle it. Its Message-ID is the provider id: the same file twice is a duplicate.
    func sayEML(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business", "eml", "provider"], switches: ["json"])
        guard a.positionals.isEmpty else {
            throw CLIError.usage("say --eml reads the message from FILE; it takes no TEXT")
        }
        let slug = try a.required("business")
        let path = try a.required("eml")
        let provider = a["provider"] ?? "mailgun"
        guard ["mailgun", "sendgrid"].contains(provider) else {
            throw CLIError.usage("--provider must be mailgun or sendgrid (the providers that post raw MIME)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        else { throw CLIError.failure("cannot read \(path)") }
        guard size <= Self.emlLimit else {
            throw CLIError.failure("\(path) is larger than 25 MiB, as no webhook accepts")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.failure("cannot read \(path)")
        }
        let raw = String(decoding: data, as: UTF8.self)
        guard !raw.trimmedWhitespace().isEmpty else { throw CLIError.failure("\(path) is empty") }
        let app = try app(a)
        let business = try app.business(slug)
        let options = InboundOptions(authservIDs: app.config.authservIDs)
        let message: InboundMessage
        do {
            message =
                provider == "mailgun"
                ? try InboundMapping.mailgun(fields: ["body-mime": raw], rawSize: data.count, options: options)
                : try InboundMapping.sendgrid(fields: ["email": raw], rawSize: data.count, options: options)
        } catch {
            // The field's name only: values may be personal data.
            throw CLIError.failure("\(path) is not a usable email (\(error.reason.rawValue): \(error.field))")
        }
        let outcome = try app.pipeline.handle(message, businessSlug: business.slug)
        output(a.has("json") ? Self.json(outcome, zone: business.zone).serialized() : Self.human(outcome))
    }

    // MARK: roles

    /// `roles show --business SLUG` and `roles set INTENT ROLE,...|none|default --business SLUG`.
    func roles(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business"], switches: [])
        guard let verb = a.positionals.first, ["show", "set"].contains(verb) else {
            throw CLIError.usage("roles needs show or set; see `frontdesk roles --help`")
        }
        var change: (intent: IntentID, roles: Set<Role>?)?
        if verb == "set" {
            guard a.positionals.count == 3 else { throw CLIError.usage("roles set needs INTENT and ROLES") }
            change = (a.positionals[1], try Self.staffRoles(a.positionals[2]))
        } else if a.positionals.count != 1 {
            throw CLIError.usage("roles show takes no more arguments")
        }
        let slug = try a.required("business")
        let app = try app(a)
        let business = try app.business(slug)
        let intents = app.catalog.manifests.flatMap { m in m.intents.map { (plugin: m.id, spec: $0) } }
        func describe(_ roles: Set<Role>) -> String {
            let staff = Role.allCases.filter { $0 != .client && roles.contains($0) }.map(\.rawValue)
            return staff.isEmpty ? "none" : staff.joined(separator: ",")
        }
        if let change {
            guard let spec = intents.first(where: { $0.spec.id == change.intent })?.spec else {
                throw CLIError.failure(
                    "unknown intent \(change.intent) (known: \(intents.map(\.spec.id).joined(separator: ", ")))")
            }
            let defaults = Set(spec.roles)
            let after = try app.store.write { c in
                let before = try c.staffRoles(businessID: business.id)[spec.id] ?? defaults
                try c.setStaffRoles(businessID: business.id, intent: spec.id, roles: change.roles)
                let after = change.roles ?? defaults
                try c.audit(
                    businessID: business.id, actor: "cli", via: "cli", action: "roles.set",
                    before: "\(spec.id): \(describe(before))", after: "\(spec.id): \(describe(after))", now: clock.now()
                )
                return after
            }
            output("\(spec.id)\t\(describe(after))\t\(change.roles == nil ? "default" : "set")")
            return
        }
        let stored = try app.store.read { try $0.staffRoles(businessID: business.id) }
        for (plugin, spec) in intents {
            let roles = stored[spec.id] ?? Set(spec.roles)
            output(
                "\(spec.id)\t\(describe(roles))\t\(stored[spec.id] == nil ? "default" : "set")\t(\(plugin)"
                    + (spec.roles.contains(.client) ? ", clients too)" : ")"))
        }
    }

    /// `owner,admin`, `none` (no staff role) or `default` (nil: the manifest's).
    static func staffRoles(_ text: String) throws -> Set<Role>? {
        switch text {
        case "default": return nil
        case "none": return []
        default:
            var roles: Set<Role> = []
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let role = Role(rawValue: String(name)), role != .client else {
                    throw CLIError.usage(
                        "roles are owner, admin and staff, comma-separated, or none or default (got \(name))")
                }
                roles.insert(role)
            }
            return roles
        }
    }

    // MARK: privacy

    /// `privacy list --business SLUG [--status S] [--json]` and `privacy approve|reject ID --by STAFF_EMAIL
    /// [--reason TEXT] [--business SLUG]`.
    func privacy(_ args: [String]) throws {
        let a = try Arguments(
            args, options: ["db", "business", "status", "by", "reason"], switches: ["json"])
        guard let verb = a.positionals.first, ["list", "approve", "reject"].contains(verb) else {
            throw CLIError.usage("privacy needs list, approve or reject; see `frontdesk privacy --help`")
        }
        guard verb != "list" else { return try privacyList(a) }
        guard a.positionals.count == 2, let id = Int(a.positionals[1]), id > 0 else {
            throw CLIError.usage("privacy \(verb) needs one numeric request ID")
        }
        let by = try a.required("by")
        guard Address.email(by) != nil else { throw CLIError.usage("--by must be a staff member's email address") }
        if verb == "approve", a["reason"] != nil { throw CLIError.usage("--reason is for privacy reject") }
        if a["status"] != nil || a.has("json") { throw CLIError.usage("--status and --json are for privacy list") }
        let reason = a["reason"]?.trimmedWhitespace()
        if let reason, reason.isEmpty || reason.count > 500 || reason.contains("\n") {
            throw CLIError.usage("--reason is one line of at most 500 characters")
        }
        let app = try app(a)
        let decision: PrivacyDecision
        do {
            decision = try app.pipeline.decidePrivacyRequest(
                id: id, businessSlug: a["business"], approve: verb == "approve", by: by, reason: reason)
        } catch let error as PrivacyDecisionError {
            throw CLIError.failure(error.message)
        }
        let r = decision.request
        let told = decision.toldBy.map { "by \($0 == .email ? "email" : "text") to \(decision.toldAt ?? "")" }
        switch (verb, r.kind) {
        case ("reject", _):
            output(
                "rejected \(r.kind.rawValue) request \(id); client \(r.clientID) told \(told ?? "nothing: no contact on file")"
            )
        case (_, .export):
            let until = decision.linkExpiresAt.map { " (valid until \(UTC.format($0)))" } ?? ""
            output("approved export request \(id): a one-time download link went \(told ?? "nowhere")\(until)")
        case (_, .erase):
            output(
                "approved erase request \(id): client \(r.clientID) erased; told \(told ?? "nobody: no contact on file")"
            )
            for (what, count) in decision.erasure?.changes ?? [] { output("  \(what)\t\(count)") }
            output("kept:")
            for (what, count) in decision.erasure?.kept ?? [] { output("  \(what)\t\(count)") }
        }
    }

    private func privacyList(_ a: Arguments) throws {
        guard a.positionals.count == 1 else { throw CLIError.usage("privacy list takes no more arguments") }
        if a["by"] != nil || a["reason"] != nil { throw CLIError.usage("--by and --reason are for approve and reject") }
        let status = try a["status"].map { s in
            guard let parsed = PrivacyRequest.Status(rawValue: s) else {
                throw CLIError.usage("--status must be pending, approved, rejected or done")
            }
            return parsed
        }
        let slug = try a.required("business")
        let app = try app(a)
        let business = try app.business(slug)
        let rows = try app.store.read { c in
            try c.privacyRequests(businessID: business.id, status: status, limit: 1000).map { r in
                (r, try c.client(id: r.clientID)?.fullName ?? "")
            }
        }
        if a.has("json") {
            func time(_ date: Date?) -> JSON { date.map { .string(UTC.format($0)) } ?? .null }
            output(
                JSON.object([
                    ("business", .string(business.slug)),
                    (
                        "requests",
                        .array(
                            rows.map { r, name in
                                .object([
                                    ("id", .int(r.id)), ("client_id", .int(r.clientID)), ("client", .string(name)),
                                    ("kind", .string(r.kind.rawValue)), ("status", .string(r.status.rawValue)),
                                    ("channel", .string(r.channel.rawValue)), ("requested_by", .string(r.requestedBy)),
                                    ("created_at", time(r.createdAt)), ("decided_by", .from(r.decidedBy)),
                                    ("decided_at", time(r.decidedAt)), ("done_at", time(r.doneAt)),
                                ])
                            })
                    ),
                ]).serialized())
            return
        }
        if rows.isEmpty {
            output("no privacy requests for \(business.slug)" + (status.map { " (\($0.rawValue))" } ?? ""))
        }
        for (r, name) in rows {
            let decided = r.decidedBy.map { "\tdecided by \($0) \(UTC.format(r.decidedAt ?? r.createdAt))" } ?? ""
            output(
                "\(r.id)\t\(UTC.format(r.createdAt))\tclient \(r.clientID) (\(name))\t\(r.kind.rawValue)\t\(r.status.rawValue)"
                    + "\tby \(r.channel.rawValue)\(decided)")
        }
    }
}

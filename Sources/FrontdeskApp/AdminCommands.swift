import Foundation
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore

extension Commands {
    /// `admin token create|list|revoke --business SLUG`: API tokens that act for one business.
    func admin(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business", "label"], switches: [])
        guard a.positionals.first == "token", a.positionals.count >= 2 else {
            throw CLIError.usage("admin needs token create|list|revoke; see `frontdesk admin --help`")
        }
        let verb = a.positionals[1]
        guard ["create", "list", "revoke"].contains(verb) else {
            throw CLIError.usage("unknown admin token command \(verb) (create, list, revoke)")
        }
        let slug = try a.required("business")
        var revokeID: Int?
        switch verb {
        case "revoke":
            guard a.positionals.count == 3, let id = Int(a.positionals[2]) else {
                throw CLIError.usage("admin token revoke needs one numeric ID")
            }
            revokeID = id
        default:
            guard a.positionals.count == 2 else { throw CLIError.usage("admin token \(verb) takes no more arguments") }
        }
        let label = a["label"] ?? "cli"
        guard label.count <= 100, !label.contains("\n") else { throw CLIError.usage("--label is one short line") }
        let app = try app(a)
        let business = try app.business(slug)
        let now = clock.now()
        switch verb {
        case "create":
            let (token, hash) = try AdminToken.generate()
            let id = try app.store.write { c in
                let id = try c.insertAdminToken(hash: hash, businessID: business.id, label: label, now: now)
                try c.audit(
                    businessID: business.id, actor: "cli", via: "cli", action: "admin_token.create", before: nil,
                    after: "admin_token:\(id) \(label)", now: now)
                return id
            }
            output("token \(id) for \(business.slug) (\(label)); shown once, only its hash is kept:")
            output(token)
        case "list":
            let tokens = try app.store.read { try $0.adminTokens(businessID: business.id) }
            for t in tokens {
                output(
                    "\(t.id)\t\(t.label)\tcreated \(UTC.format(t.createdAt))"
                        + (t.revokedAt.map { "\trevoked \(UTC.format($0))" } ?? "\tlive"))
            }
            if tokens.isEmpty { output("no tokens for \(business.slug)") }
        default:
            let id = revokeID ?? 0
            let done = try app.store.write { c in
                guard try c.revokeAdminToken(id: id, businessID: business.id, now: now) else { return false }
                try c.audit(
                    businessID: business.id, actor: "cli", via: "cli", action: "admin_token.revoke", before: nil,
                    after: "admin_token:\(id)", now: now)
                return true
            }
            guard done else { throw CLIError.failure("no live token \(id) for \(business.slug)") }
            output("token \(id) revoked")
        }
    }

    /// `limits show|set --business SLUG [sender_per_hour=N] [business_per_minute=N]`
    func limits(_ args: [String]) throws {
        let a = try Arguments(args, options: ["db", "business"], switches: [])
        guard let verb = a.positionals.first, ["show", "set"].contains(verb) else {
            throw CLIError.usage("limits needs show or set; see `frontdesk limits --help`")
        }
        let slug = try a.required("business")
        var changes: [String: Int?] = [:]
        if verb == "set" {
            guard a.positionals.count >= 2 else {
                throw CLIError.usage("limits set needs sender_per_hour=N and/or business_per_minute=N")
            }
            for pair in a.positionals.dropFirst() {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, ["sender_per_hour", "business_per_minute"].contains(parts[0]) else {
                    throw CLIError.usage("limits are sender_per_hour=N or business_per_minute=N, got \(pair)")
                }
                if parts[1] == "default" {
                    changes[parts[0]] = .some(nil)
                } else {
                    guard let n = Int(parts[1]), (0...1_000_000).contains(n) else {
                        throw CLIError.usage("\(parts[0]) must be a number from 0 (off) to 1000000, or default")
                    }
                    changes[parts[0]] = n
                }
            }
        } else if a.positionals.count != 1 {
            throw CLIError.usage("limits show takes no more arguments")
        }
        let app = try app(a)
        let business = try app.business(slug)
        let now = clock.now()
        guard !changes.isEmpty else {
            output(Self.describe(try app.store.read { try $0.rateLimits(businessID: business.id) }))
            return
        }
        let limits: RateLimits = try app.store.write { c in
            let before = try c.rateLimits(businessID: business.id)
            var after = before
            if let v = changes["sender_per_hour"] { after.senderPerHour = v }
            if let v = changes["business_per_minute"] { after.businessPerMinute = v }
            try c.setRateLimits(businessID: business.id, after)
            try c.audit(
                businessID: business.id, actor: "cli", via: "cli", action: "limits.set", before: Self.describe(before),
                after: Self.describe(after), now: now)
            return after
        }
        output(Self.describe(limits))
    }

    static func describe(_ l: RateLimits) -> String {
        func one(_ value: Int?, _ effective: Int) -> String {
            (effective == 0 ? "off" : String(effective)) + (value == nil ? " (default)" : "")
        }
        return "sender_per_hour=\(one(l.senderPerHour, l.effectiveSenderPerHour)) "
            + "business_per_minute=\(one(l.businessPerMinute, l.effectiveBusinessPerMinute))"
    }
}

import Foundation
import FrontdeskCore
import FrontdeskStore

/// Everything Frontdesk holds on one client, as the JSON `frontdesk client export` writes (format
/// `frontdesk.client_export.v1`, documented in README). Times are UTC (RFC 3339). Never a processor's token nor a
/// link's hash; outbox bodies are as stored, their link tokens already redacted once sent.
public enum ClientExport {
    public static let format = "frontdesk.client_export.v1"

    public static func make(_ client: Client, business: Business, _ c: any UnitOfWork, now: Date) throws -> JSON {
        func time(_ date: Date?) -> JSON { date.map { .string(UTC.format($0)) } ?? .null }
        let conversations = try c.conversations(clientID: client.id).map { conversation in
            JSON.object([
                ("id", .int(conversation.id)), ("channel", .string(conversation.channel.rawValue)),
                ("address", .string(conversation.address)), ("pending_action", .from(conversation.pendingAction)),
                ("pending_expires_at", time(conversation.pendingExpiresAt)),
                (
                    "messages",
                    .array(
                        try c.messages(conversationID: conversation.id).map { m in
                            .object([
                                ("id", .int(m.id)), ("direction", .string(m.direction)),
                                ("channel", .string(m.channel.rawValue)), ("from", .string(m.from)),
                                ("to", .string(m.to)), ("subject", .from(m.subject)), ("text", .from(m.text)),
                                ("intent", .from(m.intent)), ("confidence", m.confidence.map(JSON.double) ?? .null),
                                ("created_at", time(m.createdAt)),
                            ])
                        })
                ),
            ])
        }
        let memberships = try c.memberships(clientID: client.id).map { m in
            JSON.object([
                ("id", .int(m.id)), ("plan", .string(m.planName)), ("status", .string(m.status.rawValue)),
                ("price_minor", .int(m.priceMinor)), ("currency", .string(m.currency)),
                ("interval", .string(m.interval)), ("current_period_end", time(m.currentPeriodEnd)),
                ("next_billing_at", time(m.nextBillingAt)), ("cancel_at", time(m.cancelAt)),
                ("cancel_reason", .from(m.cancelReason)),
                ("payment_method_id", m.paymentMethod.map { .int($0.id) } ?? .null),
                (
                    "services",
                    .array(
                        m.services.map {
                            .object([
                                ("service", .string($0.service)), ("remaining", .int($0.remaining)),
                                ("included", .int($0.included)),
                            ])
                        })
                ),
            ])
        }
        return .object([
            ("format", .string(format)), ("exported_at", time(now)),
            ("business", .object([("slug", .string(business.slug)), ("name", .string(business.name))])),
            (
                "client",
                .object([
                    ("id", .int(client.id)), ("first_name", .string(client.firstName)),
                    ("last_name", .string(client.lastName)), ("language", .from(client.language)),
                    ("postal_address", .from(try c.postalAddress(clientID: client.id))),
                ])
            ),
            (
                "addresses",
                .object([
                    ("sms", .array(try c.addresses(clientID: client.id, channel: .sms).map(JSON.string))),
                    ("email", .array(try c.addresses(clientID: client.id, channel: .email).map(JSON.string))),
                ])
            ),
            ("memberships", .array(memberships)),
            (
                "payment_methods",
                .array(
                    try c.paymentMethods(clientID: client.id).map { p in
                        .object([
                            ("id", .int(p.id)), ("brand", .string(p.brand)), ("last4", .string(p.last4)),
                            ("exp_month", .int(p.expMonth)), ("exp_year", .int(p.expYear)),
                            ("default", .bool(p.isDefault)),
                        ])
                    })
            ),
            (
                "invoices",
                .array(
                    try c.invoices(clientID: client.id, limit: 1_000_000).map { i in
                        .object([
                            ("id", .int(i.id)), ("number", .string(i.number)), ("issued_at", time(i.issuedAt)),
                            ("amount_minor", .int(i.amountMinor)), ("currency", .string(i.currency)),
                            ("status", .string(i.status.rawValue)),
                        ])
                    })
            ),
            ("conversations", .array(conversations)),
            (
                "outbox",
                .array(
                    try c.outboxItems(clientID: client.id).map { o in
                        .object([
                            ("id", .int(o.id)), ("channel", .string(o.channel.rawValue)), ("kind", .string(o.kind)),
                            ("recipient", .string(o.recipient)), ("subject", .from(o.subject)),
                            ("body", .string(o.body)), ("status", .string(o.status.rawValue)),
                            ("created_at", time(o.createdAt)),
                        ])
                    })
            ),
            (
                "links",
                .array(
                    try c.links(clientID: client.id).map { l in
                        .object([
                            ("id", .int(l.id)), ("action", .string(l.action)), ("resource", .string(l.resource)),
                            ("expires_at", time(l.expiresAt)), ("used_at", time(l.usedAt)),
                        ])
                    })
            ),
            (
                "consent",
                .object([
                    (
                        "sms_opt_outs",
                        .array(
                            try c.optOuts(clientID: client.id).map {
                                .object([("address", .string($0.address)), ("opted_out_at", time($0.at))])
                            })
                    )
                ])
            ),
            (
                "privacy_requests",
                .array(
                    try c.privacyRequests(clientID: client.id).map { r in
                        .object([
                            ("id", .int(r.id)), ("kind", .string(r.kind.rawValue)), ("status", .string(r.status.rawValue)),
                            ("channel", .string(r.channel.rawValue)), ("created_at", time(r.createdAt)),
                            ("decided_at", time(r.decidedAt)), ("done_at", time(r.doneAt)),
                        ])
                    })
            ),
            (
                "notices",
                .array(
                    try c.notices(NoticeQuery(clientID: client.id, limit: 1_000_000), now: now).map { n in
                        .object([
                            ("id", .int(n.id)), ("kind", .string(n.kind.rawValue)),
                            ("channel", .from(n.channel?.rawValue)), ("recipient", .from(n.recipient)),
                            ("status", .string(n.status.rawValue)), ("reason", .from(n.reason)),
                            ("send_at", time(n.sendAt)), ("created_at", time(n.createdAt)),
                        ])
                    })
            ),
            (
                "audit",
                .array(
                    try c.auditEntries(businessID: business.id, clientID: client.id, since: nil, limit: 1_000_000).map {
                        e in
                        .object([
                            ("id", .int(e.id)), ("at", time(e.createdAt)), ("actor", .string(e.actor)),
                            ("via", .string(e.via)), ("action", .string(e.action)), ("before", .from(e.before)),
                            ("after", .from(e.after)),
                        ])
                    })
            ),
        ])
    }
}

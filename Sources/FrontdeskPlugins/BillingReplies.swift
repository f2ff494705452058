import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

// What several plugins say about billing in the same words: cards, money, declines, follow-on links.

extension PluginContext {
    /// "Visa •••• 4242 (expires 02/2026)", or "none on file".
    func cardText(_ card: PaymentMethod?) throws -> String {
        guard let card else { return try render("membership/no_card", [:]) }
        return try render(
            "payment/card_line",
            [
                "brand": card.brand, "last4": card.last4, "month": String(format: "%02d", card.expMonth),
                "year": String(card.expYear),
            ])
    }

    /// A plan's billing interval in the reply's language ("month", "mes", "mois"): `membership/interval_<interval>`.
    func intervalText(_ interval: String) throws -> String {
        try render("membership/interval_\(interval)", [:])
    }

    /// Whether the card cannot be charged (missing or past its expiry month).
    func unusable(_ card: PaymentMethod?) -> Bool {
        card.map { $0.isExpired(at: now, calendar: scope.calendar) } ?? true
    }

    /// Why a charge was not made, in the client's words (`payment/decline_expired_card`).
    func declineText(_ decline: PaymentDecline, card: PaymentMethod?) throws -> String {
        try render("payment/decline_\(decline.rawValue)", ["card": try cardText(card)])
    }

    /// A one-time link issued with a page (a card update after a decline, a payment after a card update), as the
    /// path its form posts to; nil when no enabled plugin offers the action.
    func followOn(_ action: String, resource: String, clientID: Int) throws -> IssuedLink? {
        guard offers(linkAction: action) else { return nil }
        return try links.issue(
            store, businessID: business.id, clientID: clientID, action: action, resource: resource,
            ttlMinutes: settings.int("ttl_minutes", default: 30), now: now)
    }

    /// The client's membership a link is bound to, as it reads now.
    func linkedMembership(_ link: LinkRequest, clientID: Int) throws -> Membership {
        let id = try link.id(of: "membership")
        guard let membership = try billing.subscriptions(clientID: clientID, in: scope).first(where: { $0.id == id })
        else { throw PluginError(template: "core/page_invalid") }
        return membership
    }

    /// `$39.00`, `39,00 €`: in the reply's locale.
    func money(_ minor: Int, _ currency: String) -> String { money(minor, currency: currency) }

    /// A page that asks before it acts: its template, one button and "this link works once".
    func confirmationPage(_ template: String, _ values: [String: String], button: String) throws -> LinkPage {
        var page = try self.page(template, values)
        page.form = LinkForm(submit: try render(button, values))
        page.notes = [try render("core/page_note_once", [:])]
        return page
    }

    /// A page for a card that cannot be charged: its one button (`next=card`) leads to the card page.
    func cardFirstPage(_ template: String, _ values: [String: String]) throws -> LinkPage {
        var page = try self.page(template, values)
        if offers(linkAction: PaymentPlugin.action) {
            page.form = LinkForm(
                fields: [LinkField(name: "next", label: "", kind: .hidden, value: "card")],
                submit: try render("invoices/page_update_button", [:]))
        }
        return page
    }

    /// The change a confirmation waits for, and the client's membership it concerns (as it reads now).
    func pendingChange(_ pending: PendingAction) throws -> (change: PendingChange, membership: Membership)? {
        guard let client, let change = PendingChange.decode(pending.payload),
            let m = try billing.subscriptions(clientID: client.id, in: scope).first(where: {
                $0.id == change.membership
            })
        else { return nil }
        return (change, m)
    }
}

/// Which membership a request is about.
enum MembershipPick {
    /// The one whose plan the text names, else the only one; nil when the client must say which.
    static func pick(_ candidates: [Membership], text: String) -> Membership? {
        let lowered = text.lowercased()
        let named = candidates.filter { lowered.contains($0.planName.lowercased()) }
        if named.count == 1 { return named[0] }
        return candidates.count == 1 ? candidates[0] : nil
    }
}

/// A confirmation's details, kept as the pending payload (JSON) until the client answers.
struct PendingChange: Codable, Equatable {
    /// `pause`, `resume`, `reactivate`, `change`.
    var kind: String
    var membership: Int
    var startsAt: Date?
    var resumesAt: Date?
    var billing: String?
    var plan: Int?
    /// The plans of a numbered choice, in order.
    var options: [Int]?

    var payload: String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ payload: String) -> PendingChange? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(PendingChange.self, from: Data(payload.utf8))
    }

    /// The question waiting for this change's YES, for `minutes`.
    func pending(_ plugin: String, _ context: PluginContext, minutes: Int) -> PendingAction {
        PendingAction(
            action: "\(plugin):confirm", payload: payload,
            expiresAt: context.now.addingTimeInterval(TimeInterval(minutes * 60)))
    }
}

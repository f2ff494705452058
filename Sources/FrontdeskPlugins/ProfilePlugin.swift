import Foundation
import FrontdeskCore
import FrontdeskStore

/// `profile.update`: a client changes their own details. A new email or phone written in the message ("my new email
/// is …", "cambié mi correo a …") is proved by a one-time code sent TO THAT NEW contact (`ContactCodes`: the store,
/// expiry, tries and hourly limits of every code); the client replies with it from the conversation they wrote from,
/// and only then is the contact changed, audited, and the contact it replaced told. An address another client (or a
/// staff member) holds is refused without saying whose it is. Name and postal address change on a one-time link page
/// (`profile.edit`). A request that names no new value is asked what to change: nothing is ever done on a guess.
public struct ProfilePlugin: Plugin {
    public let id = "profile"
    public static let action = "profile.edit"
    public init() {}

    /// How long the conversation waits for the code (longer than the code lives, so a late code is told it expired
    /// rather than read as a new message), and for a new contact when asked for one.
    static let codeWaitMinutes = 60.0
    static let contactWaitMinutes = 30.0
    /// Longest name and postal address the page accepts.
    static let nameLimit = 100
    static let postalLimit = 500

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        if let contact = Address.found(in: request.text).first {
            return try sendCode(to: contact, client, context)
        }
        let fields = context.lexicon.profileFields(in: request.text)
        if fields.contains("name") || fields.contains("address") { return try link(client, context) }
        // Asked for the new value: the answer holding an email or phone comes back here (`contact` step).
        let template = fields.first.map { "profile/ask_\($0)" } ?? "profile/what"
        return PluginReply(
            template: template,
            pending: PendingAction(
                action: "profile:contact", payload: "",
                expiresAt: context.now.addingTimeInterval(Self.contactWaitMinutes * 60)))
    }

    // MARK: A new email or phone

    private func sendCode(
        to contact: (address: String, channel: Channel), _ client: Client, _ context: PluginContext
    ) throws -> PluginReply {
        let store = context.store
        let business = context.business.id
        var values = [
            "new": Address.masked(contact.address, channel: contact.channel),
            "kind": try kindText(contact.channel, context),
        ]
        let current = try store.addresses(clientID: client.id, channel: contact.channel)
        if current.contains(contact.address) { return PluginReply(template: "profile/already_yours", values: values) }
        if try taken(contact, context) {
            // Whose it is stays unsaid; staff can see the attempt in the audit.
            return PluginReply(
                template: "profile/taken", values: values, auditAction: "profile.contact_refused",
                auditAfter: "\(contact.channel.rawValue) \(values["new"] ?? "") belongs to someone else")
        }
        if contact.channel == .sms, try store.isOptedOut(businessID: business, address: contact.address) {
            return PluginReply(template: "profile/opted_out", values: values)
        }
        guard let asker = context.address else { throw PluginError(template: "core/error") }
        guard try ContactCodes.admitSender(asker, businessID: business, store, now: context.now),
            try ContactCodes.admitClient(client.id, businessID: business, store, now: context.now)
        else { return PluginReply(template: "profile/limited") }
        let (id, code) = try ContactCodes.issue(
            businessID: business, channel: context.channel, address: asker, clientID: client.id, store,
            now: context.now)
        // The contact replaced: the one they write from when it is of the same kind, else their primary one.
        let old = contact.channel == context.channel && current.contains(asker) ? asker : current.first
        let state = ProfileChange(verification: id, channel: contact.channel, address: contact.address, old: old)
        values["minutes"] = String(Int(ContactCodes.minutes))
        return PluginReply(
            template: "profile/code_sent", values: values,
            pending: PendingAction(
                action: "profile:code", payload: state.payload,
                expiresAt: context.now.addingTimeInterval(Self.codeWaitMinutes * 60)),
            auditAction: "profile.code_sent",
            auditAfter: "code to prove a new \(contact.channel.rawValue) \(values["new"] ?? "") sent to it",
            messages: [
                ContactMessage(
                    channel: contact.channel, address: contact.address, template: "profile/code_message",
                    subject: "profile/code_subject", values: values.merging(["code": code]) { $1 },
                    kind: OutboxRecord.verificationKind)
            ])
    }

    /// Whether another client or a staff member of the business holds the address.
    private func taken(_ contact: (address: String, channel: Channel), _ context: PluginContext) throws -> Bool {
        let store = context.store
        return try store.addressTaken(
            businessID: context.business.id, channel: contact.channel, address: contact.address)
            || store.staff(businessID: context.business.id, address: contact.address, channel: contact.channel) != nil
    }

    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        if pending.step == "contact" {
            guard case .text(let text) = answer else { return PluginReply(template: "profile/unchanged") }
            return try handle(PluginRequest(intent: "profile.update", text: text), in: context)
        }
        guard pending.step == "code", let state = ProfileChange.decode(pending.payload) else {
            return PluginReply(template: "core/nothing_pending")
        }
        var values = [
            "new": Address.masked(state.address, channel: state.channel), "kind": try kindText(state.channel, context),
        ]
        guard case .text(let code) = answer else {
            try context.store.closeVerifications(
                businessID: context.business.id, channel: context.channel, address: context.address ?? "",
                now: context.now)
            return PluginReply(template: "profile/code_cancelled", values: values)
        }
        switch try ContactCodes.check(
            code, id: state.verification, businessID: context.business.id, channel: context.channel,
            address: context.address ?? "", context.store, now: context.now)
        {
        case .matched: return try change(client, state, values, context)
        case .expired: return PluginReply(template: "profile/code_expired", values: values)
        case .locked:
            return PluginReply(
                template: "profile/code_locked", values: values, auditAction: "profile.code_locked",
                auditAfter: "\(Verification.maxAttempts) wrong codes for a new \(state.channel.rawValue)")
        case .wrong(let left):
            values["left"] = String(left)
            // The same question keeps waiting, until the time it was first given.
            return PluginReply(template: "profile/code_wrong", values: values, pending: pending)
        }
    }

    /// The right code: the contact is changed, audited (masked: the audit outlives the address), and the contact it
    /// replaced is told, so a change the client did not make cannot go unnoticed.
    private func change(_ client: Client, _ state: ProfileChange, _ values: [String: String], _ context: PluginContext)
        throws -> PluginReply
    {
        let contact = (address: state.address, channel: state.channel)
        // Someone may have taken it since the code was sent.
        if try taken(contact, context) { return PluginReply(template: "profile/taken", values: values) }
        let old = try state.old.flatMap { old in
            try context.store.addresses(clientID: client.id, channel: state.channel).contains(old) ? old : nil
        }
        try context.store.replaceClientAddress(
            businessID: context.business.id, clientID: client.id, channel: state.channel, old: old, new: state.address)
        let masked = values["new"] ?? ""
        var messages: [ContactMessage] = []
        var reply = values
        if let old {
            reply["old"] = Address.masked(old, channel: state.channel)
            messages.append(
                ContactMessage(
                    channel: state.channel, address: old, template: "profile/changed_notice",
                    subject: "profile/changed_subject", values: values, kind: OutboxRecord.securityKind))
        }
        return PluginReply(
            template: old == nil ? "profile/added" : "profile/changed", values: reply,
            auditAction: "profile.contact_changed",
            auditBefore: old.map { "\(state.channel.rawValue) \(Address.masked($0, channel: state.channel))" },
            auditAfter: "\(state.channel.rawValue) \(masked), proved by a code sent to it", messages: messages)
    }

    /// "Still waiting for the code we sent to n•••@example.com."
    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? {
        guard pending.step == "code", let state = ProfileChange.decode(pending.payload) else { return nil }
        return PluginReply(
            template: "profile/remind_code",
            values: [
                "new": Address.masked(state.address, channel: state.channel),
                "kind": try kindText(state.channel, context),
            ])
    }

    /// "email address" / "phone number", in the reply's language.
    private func kindText(_ channel: Channel, _ context: PluginContext) throws -> String {
        try context.render(channel == .email ? "profile/kind_email" : "profile/kind_phone", [:]).trimmedWhitespace()
    }

    // MARK: Name and postal address, on a page

    private func link(_ client: Client, _ context: PluginContext) throws -> PluginReply {
        let ttl = context.settings.int("ttl_minutes", default: 30)
        let link = try context.links.issue(
            context.store, businessID: context.business.id, clientID: client.id, action: Self.action,
            resource: "client:\(client.id)", ttlMinutes: ttl, now: context.now)
        return PluginReply(
            template: "profile/link", values: ["url": link.url, "minutes": String(ttl)], links: [link],
            auditAction: "link.issued", auditAfter: Self.action)
    }

    public func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage {
        let client = try linkedClient(link, context)
        return try form(
            client, first: client.firstName, last: client.lastName,
            postal: try context.store.postalAddress(clientID: client.id) ?? "", error: nil, context)
    }

    public func submitLink(_ link: LinkRequest, form values: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        let client = try linkedClient(link, context)
        let clean = { (key: String) in
            (values[key] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmedWhitespace() }.filter {
                !$0.isEmpty
            }.joined(separator: key == "postal_address" ? "\n" : " ")
        }
        let (first, last, postal) = (clean("first_name"), clean("last_name"), clean("postal_address"))
        func again(_ error: String) throws -> LinkOutcome {
            var page = try form(client, first: first, last: last, postal: postal, error: error, context)
            page.status = 422
            return LinkOutcome(page: page, spendsLink: false)
        }
        guard !first.isEmpty else { return try again("profile/page_error_first_name") }
        guard first.count <= Self.nameLimit, last.count <= Self.nameLimit, postal.count <= Self.postalLimit,
            !(first + last + postal).unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control && $0 != "\n"
            })
        else { return try again("profile/page_error_too_long") }
        let before = (client.firstName, client.lastName, try context.store.postalAddress(clientID: client.id) ?? "")
        var changed: [String] = []
        if before.0 != first || before.1 != last { changed.append("name") }
        if before.2 != postal { changed.append("postal address") }
        guard !changed.isEmpty else { return try again("profile/page_error_unchanged") }
        try context.store.updateClientDetails(
            clientID: client.id, firstName: first, lastName: last, postalAddress: postal.isEmpty ? nil : postal)
        // The audit says what changed, never the old or new values (they are personal data it would outlive).
        return LinkOutcome(
            page: try context.page("profile/page_done", ["name": first]), auditAction: "profile.details_changed",
            auditAfter: changed.joined(separator: " and ") + " changed",
            clientNotice: ClientNotice(template: "profile/details_notice", values: ["name": first]))
    }

    private func linkedClient(_ link: LinkRequest, _ context: PluginContext) throws -> Client {
        let client = try context.requireClient()
        guard try link.id(of: "client") == client.id else { throw PluginError(template: "core/page_invalid") }
        return client
    }

    private func form(
        _ client: Client, first: String, last: String, postal: String, error: String?, _ context: PluginContext
    ) throws -> LinkPage {
        var page = try context.page("profile/page_edit", ["name": client.firstName])
        page.error = try error.map { try context.render($0, [:]) }
        page.form = LinkForm(
            fields: [
                LinkField(
                    name: "first_name", label: try context.render("profile/page_label_first_name", [:]),
                    autocomplete: "given-name", maxLength: Self.nameLimit, required: true, value: first),
                LinkField(
                    name: "last_name", label: try context.render("profile/page_label_last_name", [:]),
                    autocomplete: "family-name", maxLength: Self.nameLimit, value: last),
                LinkField(
                    name: "postal_address", label: try context.render("profile/page_label_postal_address", [:]),
                    kind: .textarea, autocomplete: "street-address", maxLength: Self.postalLimit, value: postal),
            ], submit: try context.render("profile/page_button", [:]))
        page.notes = [try context.render("profile/page_note", [:])]
        return page
    }
}

/// A contact change waiting for its code (the pending payload): the code's row, the new contact, and the contact it
/// replaces.
struct ProfileChange: Codable, Equatable {
    var verification: Int
    var channel: Channel
    var address: String
    var old: String?

    var payload: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    static func decode(_ payload: String) -> ProfileChange? {
        try? JSONDecoder().decode(ProfileChange.self, from: Data(payload.utf8))
    }
}

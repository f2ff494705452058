import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// Staff clients can choose from when several match (the pending payload of `core:client_choice`), with what to
/// do once they choose.
struct ClientChoice: PendingPayload, Equatable {
    var clients: [Int]
    /// The staff member's note and the message they forwarded.
    var note: String
    var forwarded: ForwardedMessage?
}

/// Who a staff member's message is about, and what was looked for to find them.
struct ClientSearch {
    var clients: [Client] = []
    /// What was searched, in order, for the reply when nobody matches: (`email`|`phone`|`name`, value).
    var searched: [(kind: String, value: String)] = []
}

/// Where a request read in a staff member's message came from: their own note, or the client's forwarded words.
enum RequestSource { case staff, client }

extension Pipeline {
    /// Templates staff replies use.
    public static let staffTemplates = [
        "core/staff_done", "core/staff_sent", "core/staff_nothing", "core/staff_not_allowed", "core/staff_which_client",
        "core/staff_client_not_found", "core/staff_searched_email", "core/staff_searched_phone",
        "core/staff_searched_name", "core/staff_choose_client", "core/staff_client_option", "core/staff_no_contact",
        "core/via_email", "core/via_sms",
    ]
    static let clientChoiceAction = "core:client_choice"
    /// Characters of a forwarded message kept with a pending choice of clients.
    static let choiceTextLimit = 4000

    /// A verified staff member wrote. Forwarding a client's email, or naming a client ("What is Alice Johnson's
    /// next billing date?"), they act for that client: the request comes from their note when it asks for
    /// something, otherwise from the client's own message. What goes to the client (links, answers to the
    /// client's words) goes to the client's contact on file; staff get a staff-facing account or answer. Anything
    /// else is handled as any message is.
    func staffTurn(_ t: inout Turn, _ staff: Staff, _ c: any UnitOfWork) throws -> PipelineOutcome {
        var note = t.text
        var forwarded = t.message.forwarded
        var search: ClientSearch?
        if let pending = pendingAction(t.conversation), pending.action == Self.clientChoiceAction {
            try clearPending(&t, c)
            if pending.expiresAt > t.now, let choice = ClientChoice.decode(pending.payload),
                let n = reader.choice(t.text), choice.clients.indices.contains(n - 1),
                let client = try c.client(id: choice.clients[n - 1]), client.businessID == t.business.id
            {
                note = choice.note
                forwarded = choice.forwarded
                search = ClientSearch(clients: [client])
            }
        }
        let found = try search ?? findClients(note: note, forwarded: forwarded, businessID: t.business.id, c)
        switch found.clients.count {
        case 0:
            guard forwarded != nil else { return try converse(&t, c) }
            return try staffReply(notFound(found, &t), &t, c)
        case 1:
            return try act(for: found.clients[0], staff: staff, note: note, forwarded: forwarded, &t, c)
        default:
            return try staffReply(try chooseClient(found.clients, note: note, forwarded: forwarded, &t, c), &t, c)
        }
    }

    // MARK: Finding the client

    /// The forwarded From address first; then the email addresses and phone numbers written in the note or the
    /// forwarded text (a signature); then the forwarded sender's name, or a client's full name in the note.
    func findClients(note: String, forwarded: ForwardedMessage?, businessID: Int, _ c: any UnitOfWork) throws
        -> ClientSearch
    {
        var search = ClientSearch()
        if let address = forwarded?.fromAddress.flatMap(Address.email) {
            search.searched.append(("email", address))
            if let client = try c.client(businessID: businessID, address: address, channel: .email) {
                search.clients = [client]
                return search
            }
        }
        for (address, channel) in Address.found(in: note + "\n" + (forwarded?.body ?? ""))
        where !search.searched.contains(where: { $0.value == address }) {
            search.searched.append((channel == .email ? "email" : "phone", address))
            if let client = try c.client(businessID: businessID, address: address, channel: channel),
                !search.clients.contains(client)
            {
                search.clients.append(client)
            }
        }
        if !search.clients.isEmpty { return search }
        let name = forwarded?.fromName?.trimmedWhitespace() ?? ""
        let words = Lexicon.tokens(note).map(\.text)
        guard !name.isEmpty || words.count >= 2 else { return search }
        // Names are compared folded (case and accents), as the words of messages are read; SQL's lower() folds
        // ASCII only, so the store is asked for clients with any of the words as written or folded, and the full
        // names are checked here.
        let clients = try c.clients(businessID: businessID, namedAnyOf: Self.nameWords(name + "\n" + note))
        if !name.isEmpty {
            search.searched.append(("name", name))
            search.clients = Self.named(name, among: clients)
        }
        if search.clients.isEmpty {
            search.clients = clients.filter { client in
                let full = Lexicon.tokens(client.fullName).map(\.text)
                return full.count >= 2 && Lexicon.contains([full], words)
            }
        }
        return search
    }

    /// The words of a text as written and folded, each once (at most `maxNameWords`).
    static func nameWords(_ text: String) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for token in Lexicon.tokens(text) {
            for word in [String(text[token.range]), token.text] where seen.insert(word).inserted {
                out.append(word)
            }
            if out.count >= maxNameWords { break }
        }
        return out
    }
    static let maxNameWords = 400

    /// Clients whose full name is `name` (folded); a single word is a first name.
    static func named(_ name: String, among clients: [Client]) -> [Client] {
        let wanted = Lexicon.tokens(name).map(\.text)
        guard !wanted.isEmpty else { return [] }
        return clients.filter { client in
            Lexicon.tokens(wanted.count == 1 ? client.firstName : client.fullName).map(\.text) == wanted
        }
    }

    private func notFound(_ search: ClientSearch, _ t: inout Turn) throws -> Part {
        let searched = try search.searched.map { item in
            try render(
                t,
                Part(
                    template: "core/staff_searched_\(item.kind)", values: ["value": item.value], intent: "",
                    confidence: 1))
        }
        return Part(
            template: "core/staff_client_not_found", values: ["searched": searched.joined(separator: ", ")],
            intent: .unknown, confidence: 0, forStaff: true)
    }

    /// "Several clients match: 1) Alice Johnson (a•••@example.com), 2) …. Reply 1 or 2."
    private func chooseClient(
        _ clients: [Client], note: String, forwarded: ForwardedMessage?, _ t: inout Turn, _ c: any UnitOfWork
    ) throws -> Part {
        let shown = Array(clients.prefix(Self.choices.count))
        var options: [String] = []
        for (i, client) in shown.enumerated() {
            let contact = try Self.contactOnFile(client, preferring: nil, businessID: t.business.id, c)
            let where_ = contact.map { Address.masked($0.address, channel: $0.channel) } ?? "—"
            options.append(
                try render(
                    t,
                    Part(
                        template: "core/staff_client_option",
                        values: ["number": String(i + 1), "client": client.fullName, "contact": where_], intent: "",
                        confidence: 1)))
        }
        let numbers = shown.indices.map { String($0 + 1) }
        let last = try render(
            t,
            Part(
                template: "core/list_or",
                values: ["list": numbers.dropLast().joined(separator: ", "), "last": numbers[numbers.count - 1]],
                intent: "", confidence: 1))
        var kept = forwarded
        kept?.body = String(forwarded?.body.prefix(Self.choiceTextLimit) ?? "")
        let choice = ClientChoice(
            clients: shown.map(\.id), note: String(note.prefix(Self.choiceTextLimit)), forwarded: kept)
        try effects(
            &t,
            PluginReply(
                template: "",
                pending: PendingAction(
                    action: Self.clientChoiceAction, payload: choice.payload,
                    expiresAt: t.now.addingTimeInterval(Self.choiceMinutes * 60))), c)
        return Part(
            template: "core/staff_choose_client",
            values: ["options": options.joined(separator: ", "), "numbers": last],
            intent: .clarify, confidence: 1, forStaff: true)
    }

    // MARK: Acting for the client

    private func act(
        for client: Client, staff: Staff, note: String, forwarded: ForwardedMessage?, _ t: inout Turn,
        _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        let business = t.business.id
        let policy = GuardPolicy { try self.guardValues(businessID: business, client: client, c) }
        let asked = try understand(Self.head(note), channel: t.message.channel, policy: policy).filter(Self.actionable)
        let source: RequestSource
        let decisions: [Decision]
        if !asked.isEmpty {
            (source, decisions) = (.staff, asked)
        } else if let forwarded {
            let subject = forwarded.subject.map(Reader.cleanSubject)
            (source, decisions) = (
                .client, try self.decisions(forwarded.body, channel: .email, subject: subject, policy: policy)
            )
        } else {
            // A client named in a note that asks nothing: the note is answered as any message.
            return try converse(&t, c)
        }
        let preferred = forwarded?.fromAddress.flatMap(Address.email).map { (address: $0, channel: Channel.email) }
        guard let contact = try Self.contactOnFile(client, preferring: preferred, businessID: business, c) else {
            return try staffReply(
                Part(
                    template: "core/staff_no_contact", values: ["client": client.fullName], intent: decisions[0].intent,
                    confidence: decisions[0].confidence, forStaff: true), &t, c)
        }
        var ct = try clientTurn(t, client: client, staff: staff, contact: contact, subject: forwarded?.subject, c)
        // As in `answer`: a destructive request or a choice comes last.
        let asks = { (d: Decision) in d.intent == .clarify || self.catalog.lexicon.explicit[d.intent] != nil }
        let ordered = decisions.filter { !asks($0) } + decisions.filter(asks).prefix(1)
        var toClient: [Part] = []
        var toStaff: [Part] = []
        for d in ordered {
            if Self.notRequests.contains(d.intent) {
                if !toStaff.contains(where: { $0.template == "core/staff_nothing" }) {
                    toStaff.append(
                        Part(
                            template: "core/staff_nothing", values: ["client": client.fullName], intent: d.intent,
                            confidence: d.confidence, forStaff: true))
                }
                continue
            }
            let part = d.intent == .clarify ? try clarify(d, &ct, c) : try perform(d, &ct, c)
            if part.forStaff {
                toStaff.append(part)
            } else if part.links.isEmpty, source == .staff,
                catalog.templates.has(part.template + "_staff", locale: "en")
            {
                // The staff member's own question: the answer is theirs, in staff-facing words.
                var answer = part
                answer.template += "_staff"
                answer.values["client"] = client.fullName
                toStaff.append(answer)
            } else {
                toClient.append(part)
                toStaff.append(try done(part, client: client, contact: contact, ct))
            }
        }
        var clientOutboxIDs: [Int] = []
        if !toClient.isEmpty {
            let sent = try send(toClient, &ct, c)
            clientOutboxIDs = sent.replyOutboxID.map { [$0] } ?? []
            // The card note belongs to the reply to whoever wrote the card number: the client's.
            t.cardMasked = false
        }
        var outcome = try send(toStaff, &t, c)
        if let first = ordered.first {
            try c.updateMessageIntent(id: t.messageID, intent: first.intent, confidence: first.confidence)
            outcome.intent = first.intent
            outcome.confidence = first.confidence
            outcome.intents = ordered.map(\.intent)
        }
        outcome.clientOutboxIDs = clientOutboxIDs
        return outcome
    }

    /// A request staff can act on for a client: not thanks, help or something unclear.
    static func actionable(_ d: Decision) -> Bool { !notRequests.contains(d.intent) && d.intent != .clarify }

    /// The same message seen as the client's: their contact on file is who writes and who is answered, their
    /// conversation holds any question asked of them, and staff are the ones acting (audit, roles).
    private func clientTurn(
        _ t: Turn, client: Client, staff: Staff, contact: (address: String, channel: Channel), subject: String?,
        _ c: any UnitOfWork
    ) throws -> Turn {
        var ct = t
        ct.message = InboundMessage(
            provider: t.message.provider, providerMessageID: t.message.providerMessageID, channel: contact.channel,
            from: contact.address, to: try c.businessAddress(t.business.id, channel: contact.channel) ?? t.message.to,
            subject: subject.map(Reader.cleanSubject), text: t.text, rawSize: t.message.rawSize, verdict: .trusted)
        ct.from = contact.address
        ct.sender = Sender(client: client, staff: staff)
        ct.conversation = try c.conversation(
            businessID: t.business.id, channel: contact.channel, address: contact.address, clientID: client.id,
            now: t.now)
        ct.inline = false
        return ct
    }

    /// "Sent Alice Johnson a card-update link by email to a•••@example.com."
    private func done(_ part: Part, client: Client, contact: (address: String, channel: Channel), _ ct: Turn) throws
        -> Part
    {
        let sent = part.template + "_sent"
        let what = try render(
            ct,
            Part(
                template: catalog.templates.has(sent, locale: "en") ? sent : "core/staff_sent", values: part.values,
                intent: part.intent, confidence: 1))
        let via = try render(ct, Part(template: "core/via_\(contact.channel.rawValue)", intent: "", confidence: 1))
        return Part(
            template: "core/staff_done",
            values: [
                "client": client.fullName, "what": what, "via": via,
                "to": Address.masked(contact.address, channel: contact.channel),
            ], intent: part.intent, confidence: part.confidence, forStaff: true)
    }

    private func staffReply(_ part: Part, _ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome {
        try send([part], &t, c)
    }

    // MARK: Roles

    /// The roles that may ask for an intent in this business: the manifest's, with the staff roles the business
    /// set instead (`frontdesk roles`). Clients keep what the manifest gives them.
    func allowedRoles(_ spec: IntentSpec, businessID: Int, role: Role, _ c: any UnitOfWork) throws -> Set<Role> {
        let manifest = Set(spec.roles)
        guard role != .client, let staff = try c.staffRoles(businessID: businessID)[spec.id] else { return manifest }
        return staff.union(manifest.intersection([.client]))
    }

    func notAllowed(_ intent: IntentID, role: Role, confidence: Double) -> Part {
        Part(
            template: "core/staff_not_allowed", values: ["role": role.rawValue, "intent": intent], intent: intent,
            confidence: confidence, forStaff: true)
    }

    /// A plugin needed a client and found none: a staff member is asked which client; anyone else is asked to
    /// prove they are one (`Verification`).
    func unmatched(_ d: Decision, _ t: inout Turn, _ c: any UnitOfWork) throws -> Part {
        guard t.sender.staff == nil else {
            return Part(template: "core/staff_which_client", intent: d.intent, confidence: d.confidence, forStaff: true)
        }
        return try askForContact(d, &t, c)
    }

    // MARK: Contacts

    /// Where a message for a client goes: `preferring` when it is theirs, else their primary email, else a phone of
    /// theirs that has not opted out of texts. Nil when there is no such contact.
    static func contactOnFile(
        _ client: Client, preferring: (address: String, channel: Channel)?, businessID: Int, _ c: any UnitOfWork
    ) throws -> (address: String, channel: Channel)? {
        if let preferring,
            try c.addresses(clientID: client.id, channel: preferring.channel).contains(preferring.address)
        {
            return preferring
        }
        if let email = try c.addresses(clientID: client.id, channel: .email).first { return (email, .email) }
        for phone in try c.addresses(clientID: client.id, channel: .sms)
        where try !c.isOptedOut(businessID: businessID, address: phone) {
            return (phone, .sms)
        }
        return nil
    }
}

import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskSecurity
import FrontdeskStore

/// The overview and the conversation inbox: filters, the thread, taking over and replying.
extension Console {
    func overview(_ v: Visit) throws -> HTTPResponse {
        // "Today" is the business's day.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = v.business.zone
        let today = calendar.startOfDay(for: v.now)
        let (messages, intents, handoffs, outbox) = try pipeline.store.read { c in
            (
                try c.messageCount(businessID: v.business.id, since: today),
                try c.intentCounts(businessID: v.business.id, since: today),
                try c.openHandoffCount(businessID: v.business.id), try c.outboxCounts(businessID: v.business.id)
            )
        }
        let intentRows = try intents.map { item in
            try render(
                "count_row", v.locale,
                ["name": .text(item.intent.isEmpty ? try copy("no_intent", v.locale) : item.intent),
                    "count": .text(String(item.count))])
        }
        let outboxRows = try outbox.map { item in
            try render("count_row", v.locale, ["name": .text(item.status), "count": .text(String(item.count))])
        }
        let dead = outbox.first { $0.status == "dead" }?.count ?? 0
        let pending = outbox.first { $0.status == "pending" }?.count ?? 0
        let health = try copy(dead > 0 ? "overview_outbox_dead" : "overview_outbox_ok", v.locale, [
            "dead": String(dead), "pending": String(pending),
        ])
        let content = try render(
            "overview", v.locale,
            [
                "messages": .text(String(messages)), "handoffs": .text(String(handoffs)),
                "intents": try countTable(intentRows, v, name: "overview_intent"),
                "outbox": try countTable(outboxRows, v, name: "overview_status"), "health": .text(health),
            ])
        return try page(v, title: copy("nav_overview", v.locale), current: "/admin/overview", content: content)
    }

    func countTable(_ rows: [HTML], _ v: Visit, name: String) throws -> HTML {
        guard !rows.isEmpty else { return try paragraph(copy("none_yet", v.locale)) }
        return try render(
            "count_table", v.locale, ["head": .text(try copy(name, v.locale)), "rows": HTML.join(rows)])
    }

    // MARK: The inbox

    func conversations(_ v: Visit) throws -> HTTPResponse {
        let filter = ConversationFilter(
            needsPerson: v.query("needs") == "1", clientID: v.query("client_id").flatMap(Int.init),
            client: v.query("client").map { String($0.prefix(100)) }, intent: v.query("intent"), limit: 200)
        let (list, names) = try pipeline.store.read { c in
            (try c.conversationSummaries(businessID: v.business.id, filter: filter), try staffNames(v, c))
        }
        let rows = try list.map { item in
            let who = item.clientName ?? item.conversation.address
            var status: [String] = []
            if item.needsPerson { status.append(try copy("status_needs_person", v.locale)) }
            if let holder = item.takenBy, let active = item.takenActiveAt,
                active.addingTimeInterval(TimeInterval(try idleMinutes(v) * 60)) > v.now
            {
                status.append(try copy("status_taken", v.locale, ["name": names[holder] ?? "staff:\(holder)"]))
            }
            return try render(
                "conversation_row", v.locale,
                [
                    "id": .text(String(item.conversation.id)), "who": .text(who),
                    "channel": .text(item.conversation.channel.rawValue), "when": .text(time(item.lastMessageAt, v)),
                    "text": .text(String((item.lastText ?? "").prefix(120))), "intent": .text(item.lastIntent ?? "-"),
                    "status": .text(status.isEmpty ? "-" : status.joined(separator: ", ")),
                ])
        }
        let intents = [""] + pipeline.catalog.intentIDs.sorted()
        let options = try intents.map { intent in
            try render(
                "option", v.locale,
                [
                    "value": .text(intent), "label": .text(intent.isEmpty ? try copy("any_intent", v.locale) : intent),
                    "selected": HTML(markup: intent == (filter.intent ?? "") ? " selected" : ""),
                ])
        }
        let content = try render(
            "conversations", v.locale,
            [
                "needs_checked": HTML(markup: filter.needsPerson ? " checked" : ""),
                "client": .text(filter.client ?? ""), "intent_options": HTML.join(options),
                "rows": HTML.join(rows), "empty": rows.isEmpty ? try paragraph(copy("conversations_none", v.locale)) : .empty,
            ])
        return try page(v, title: copy("nav_conversations", v.locale), current: "/admin/conversations", content: content)
    }

    func idleMinutes(_ v: Visit) throws -> Int {
        try pipeline.store.read { try pipeline.handoffSettings(businessID: v.business.id, $0) }?
            .int("takeover_idle_minutes", default: 60) ?? 60
    }

    func staffNames(_ v: Visit, _ c: any UnitOfWork) throws -> [Int: String] {
        Dictionary(uniqueKeysWithValues: try c.staff(businessID: v.business.id).map { ($0.id, $0.name) })
    }

    /// The conversation in the path, only when it is the visitor's business's.
    func ownConversation(_ v: Visit, _ c: any UnitOfWork) throws -> Conversation {
        guard let id = v.idParameter, let conversation = try c.conversation(id: id),
            conversation.businessID == v.business.id
        else { throw NotFound() }
        return conversation
    }

    func thread(_ v: Visit, error: String? = nil, status: Int = 200) throws -> HTTPResponse {
        struct Thread {
            var conversation: Conversation
            var messages: [MessageRecord]
            var outbox: [OutboxRecord]
            var replies: [Int: StaffReply]
            var takeover: Takeover?
            var held: Bool
            var client: Client?
            var names: [Int: String]
            var optedOut: Bool
            var needsPerson: Bool
            var linkIDs: [String: Int]
        }
        let t: Thread = try pipeline.store.read { c in
            let conversation = try ownConversation(v, c)
            // What went to the client (staff notices about the conversation went to staff, not here).
            let outbox = try c.outboxItems(conversationID: conversation.id).filter { $0.recipient == conversation.address }
            let takeover = try c.takeover(conversationID: conversation.id)
            let summary = try c.conversationSummaries(
                businessID: v.business.id, filter: ConversationFilter(clientID: conversation.clientID, limit: 1000)
            ).first { $0.conversation.id == conversation.id }
            return Thread(
                conversation: conversation, messages: try c.messages(conversationID: conversation.id), outbox: outbox,
                replies: Dictionary(
                    uniqueKeysWithValues: try c.staffReplies(conversationID: conversation.id).map { ($0.outboxID, $0) }),
                takeover: takeover, held: try takeover.map { try pipeline.inForce($0, c, now: v.now) } ?? false,
                client: try conversation.clientID.flatMap { try c.client(id: $0) }, names: try staffNames(v, c),
                optedOut: try conversation.channel == .sms
                    && c.isOptedOut(businessID: v.business.id, address: conversation.address),
                needsPerson: summary?.needsPerson ?? false, linkIDs: try linkIDs(outbox.map(\.body), c))
        }
        let conversation = t.conversation
        // (when, inbound before the replies of the same moment, id, markup)
        var items: [(Date, Int, Int, HTML)] = []
        for m in t.messages {
            let raw = try [
                ("raw_provider", m.provider), ("raw_id", m.providerMessageID), ("raw_from", m.from), ("raw_to", m.to),
                ("raw_subject", m.subject ?? "-"),
                ("raw_trust", m.senderTrust?.rawValue ?? "-"), ("raw_received", UTC.format(m.createdAt)),
                ("raw_text", m.text ?? "-"),
            ].map { key, value in
                try render("raw_row", v.locale, ["name": .text(try copy(key, v.locale)), "value": .text(value)])
            }
            items.append(
                (
                    m.createdAt, 0, m.id,
                    try render(
                        "thread_in", v.locale,
                        [
                            "from": .text(m.from), "when": .text(time(m.createdAt, v)),
                            "text": .text(m.text ?? ""), "intent": .text(m.intent ?? "-"),
                            "confidence": .text(m.confidence.map { String(format: "%.2f", $0) } ?? "-"),
                            "raw": HTML.join(raw),
                        ])
                ))
        }
        for o in t.outbox {
            let reply = t.replies[o.id]
            let bot = try copy("thread_bot", v.locale)
            let author = reply.map { r in r.staffID.flatMap { t.names[$0] } ?? "staff" } ?? bot
            let via = reply.map { " (\($0.via))" } ?? ""
            items.append(
                (
                    o.createdAt, 1, o.id,
                    try render(
                        "thread_out", v.locale,
                        [
                            "from": .text(author + via), "to": .text(o.recipient), "when": .text(time(o.createdAt, v)),
                            "status": .text(o.status.rawValue), "text": .text(shown(o, t.linkIDs)),
                            "class": HTML(markup: reply == nil ? "out" : "out person"),
                        ])
                ))
        }
        // Each reply right after the message it answers, in time order.
        items.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        var state: [String] = []
        if t.needsPerson { state.append(try copy("status_needs_person", v.locale)) }
        if let held = t.takeover, t.held {
            state.append(try copy("status_taken", v.locale, ["name": t.names[held.staffID] ?? "staff"]))
        } else {
            state.append(try copy("status_bot", v.locale))
        }
        if t.optedOut { state.append(try copy("status_opted_out", v.locale)) }
        let mine = t.held && t.takeover?.staffID == v.staff.id
        let takeForm = try button(
            v, action: "/admin/conversations/\(conversation.id)/" + (mine ? "release" : "take"),
            label: try copy(mine ? "thread_release" : "thread_take", v.locale))
        let who = t.client?.fullName ?? conversation.address
        let content = try render(
            "thread", v.locale,
            [
                "id": .text(String(conversation.id)), "who": .text(who),
                "channel": .text(conversation.channel.rawValue), "address": .text(conversation.address),
                "state": .text(state.joined(separator: " · ")), "take": takeForm,
                "items": HTML.join(items.map(\.3)), "csrf": try csrfField(v),
                "reply_note": .text(
                    try copy(conversation.channel == .email ? "thread_reply_email" : "thread_reply_sms", v.locale)),
                "client_link": try t.client.map { client in
                    try render(
                        "link", v.locale,
                        ["href": .text("/admin/clients/\(client.id)"), "label": .text(try copy("thread_client", v.locale))])
                } ?? .empty,
            ])
        return try page(
            v, title: copy("thread_title", v.locale, ["who": who]), status: status, current: "/admin/conversations",
            notice: v.query("sent") == "1" ? try copy("thread_sent", v.locale) : nil, error: error, content: content)
    }

    /// What a stored body may show: link tokens redacted (`[link 17]`), a one-time code never.
    func shown(_ item: OutboxRecord, _ linkIDs: [String: Int]) -> String {
        if item.kind == OutboxRecord.verificationKind { return OutboxRecord.redactedCode }
        return LinkRedaction.redact(item.body) { token in linkIDs[token] }
    }

    /// The ids of the links whose tokens appear in `bodies` (a pending reply still holds its tokens).
    func linkIDs(_ bodies: [String], _ c: any UnitOfWork) throws -> [String: Int] {
        var ids: [String: Int] = [:]
        for body in bodies {
            _ = try LinkRedaction.redact(body) { token in
                let id = try c.link(tokenHash: LinkToken.hash(token))?.id
                ids[token] = id
                return id
            }
        }
        return ids
    }

    func takeOver(_ v: Visit) throws -> HTTPResponse {
        let id: Int = try pipeline.store.write { c in
            let conversation = try ownConversation(v, c)
            try pipeline.take(conversation, by: v.staff, via: "console", c, now: v.now)
            return conversation.id
        }
        return redirect("/admin/conversations/\(id)")
    }

    func giveBack(_ v: Visit) throws -> HTTPResponse {
        let id: Int = try pipeline.store.write { c in
            let conversation = try ownConversation(v, c)
            try pipeline.release(conversation, by: v.staff, via: "console", c, now: v.now)
            return conversation.id
        }
        return redirect("/admin/conversations/\(id)")
    }

    func reply(_ v: Visit) throws -> HTTPResponse {
        let text = v.form["text"] ?? ""
        do {
            let id: Int = try pipeline.store.write { c in
                let conversation = try ownConversation(v, c)
                _ = try pipeline.sendStaffReply(text, conversation: conversation, staff: v.staff, via: "console", c, now: v.now)
                return conversation.id
            }
            return redirect("/admin/conversations/\(id)?sent=1")
        } catch let error as StaffReplyError {
            return try thread(v, error: try copy("reply_" + error.code.rawValue, v.locale), status: 422)
        }
    }
}

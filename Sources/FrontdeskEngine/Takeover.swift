import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskSecurity
import FrontdeskStore

/// The reply address of a handoff notice: the business's inbox with `+r` and a token in its local part
/// (`desk+r3f…@maple-studio.example`). The token is 128 bits from the CSPRNG in lower-case hex (addresses are
/// compared without case); only its SHA-256 is kept, with the conversation and the staff member it was sent to.
public enum ReplyAddress {
    static let marker = "+r"
    static let tokenBytes = 16

    /// A fresh address for `inbox` and the hash to store, or nil when the local part would pass RFC 5321's 64 octets.
    static func make(inbox: String) throws -> (address: String, hash: String)? {
        guard let at = inbox.lastIndex(of: "@") else { return nil }
        let local = inbox[..<at]
        let token = Encoding.hex(try Crypto.randomBytes(tokenBytes))
        guard local.utf8.count + marker.utf8.count + token.utf8.count <= 64 else { return nil }
        return (local + marker + token + inbox[at...], hash(token))
    }

    /// The token of a reply address written to us, or nil when the address is not one.
    public static func token(in address: String) -> String? {
        guard let at = address.lastIndex(of: "@"), let plus = address[..<at].range(of: marker, options: .backwards)
        else { return nil }
        let token = address[plus.upperBound..<at]
        guard token.utf8.count == tokenBytes * 2, token.utf8.allSatisfy(Self.isLowerHex) else { return nil }
        return String(token)
    }

    /// The inbox a reply address was made from (`desk@maple-studio.example`), or nil when it is not one.
    public static func inbox(of address: String) -> String? {
        guard token(in: address) != nil, let at = address.lastIndex(of: "@"),
            let plus = address[..<at].range(of: marker, options: .backwards)
        else { return nil }
        return String(address[..<plus.lowerBound] + address[at...])
    }

    static func hash(_ token: String) -> String { Encoding.hex(Crypto.sha256(token)) }

    static func isLowerHex(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
    }
}

/// Why a person's reply could not be queued.
public struct StaffReplyError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// Nothing to send.
        case empty
        /// Longer than `Pipeline.staffReplyLimit` characters.
        case tooLong = "too_long"
        /// The number texted STOP: nothing may be sent to it.
        case optedOut = "opted_out"
        /// Another staff member holds the conversation.
        case heldByOther = "held_by_other"
    }
    public var code: Code
    public init(_ code: Code) { self.code = code }
}

/// Human takeover (issue 19): a staff member takes a conversation in the console and the bot stays silent on it until
/// it is released or the holder has been idle for the business's `takeover_idle_minutes` (handoff settings); what they
/// type goes to the client on the conversation's channel through the outbox, threaded for email. A handoff notice's
/// reply address lets a staff member answer from their mailbox the same way.
extension Pipeline {
    /// Characters a person's reply may have.
    public static let staffReplyLimit = 4000
    /// How long a handoff notice's reply address works.
    static let replyRouteLifetime: TimeInterval = 30 * 86_400

    /// The handoff plugin's settings for a business (hours, takeover idle time), defaults where none are stored.
    public func handoffSettings(businessID: Int, _ c: any UnitOfWork) throws -> PluginSettings? {
        guard let manifest = catalog.manifest("handoff") else { return nil }
        return PluginSettings(
            manifest: manifest, values: try c.pluginSettings(businessID: businessID, plugin: "handoff").values)
    }

    /// Whether a takeover is still in force at `now`: its holder acted within the business's idle time.
    public func inForce(_ takeover: Takeover, _ c: any UnitOfWork, now: Date) throws -> Bool {
        let minutes = try handoffSettings(businessID: takeover.businessID, c)?.int("takeover_idle_minutes", default: 60)
        return takeover.activeAt.addingTimeInterval(TimeInterval((minutes ?? 60) * 60)) > now
    }

    /// A person holds the conversation: the message stays stored and the bot answers nothing (the caller lets SMS
    /// keywords through). A takeover whose holder went idle ends here, audited, and the bot answers again. The
    /// client's email ids are kept for threading the person's answer.
    func heldByPerson(_ t: Turn, _ c: any UnitOfWork) throws -> Bool {
        guard let held = try c.takeover(conversationID: t.conversation.id) else { return false }
        guard try inForce(held, c, now: t.now) else {
            try c.releaseTakeover(conversationID: t.conversation.id)
            try c.audit(
                businessID: t.business.id, clientID: t.conversation.clientID, actor: "system", via: "console",
                action: "conversation.release", before: "staff:\(held.staffID)", after: "idle", now: t.now)
            return false
        }
        if t.message.channel == .email, let id = t.message.messageID {
            try c.noteTakeoverThread(conversationID: t.conversation.id, messageID: id, references: t.message.references)
        }
        return true
    }

    /// A staff member takes the conversation (from whoever held it): the bot stays silent on it, and a question it
    /// had left pending is dropped (a YES sent to the person must not confirm it later).
    public func take(_ conversation: Conversation, by staff: Staff, via: String, _ c: any UnitOfWork, now: Date) throws
    {
        let before = try c.takeover(conversationID: conversation.id)
        try c.take(conversationID: conversation.id, businessID: conversation.businessID, staffID: staff.id, now: now)
        try c.setPending(conversationID: conversation.id, action: nil, payload: nil, expiresAt: nil)
        try c.audit(
            businessID: conversation.businessID, clientID: conversation.clientID, actor: "staff:\(staff.id)", via: via,
            action: "conversation.take", before: before.map { "staff:\($0.staffID)" },
            after: "conversation:\(conversation.id)", now: now)
    }

    /// Gives the conversation back to the bot; false when nobody held it.
    @discardableResult
    public func release(_ conversation: Conversation, by staff: Staff, via: String, _ c: any UnitOfWork, now: Date)
        throws -> Bool
    {
        guard let held = try c.takeover(conversationID: conversation.id) else { return false }
        try c.releaseTakeover(conversationID: conversation.id)
        try c.audit(
            businessID: conversation.businessID, clientID: conversation.clientID, actor: "staff:\(staff.id)", via: via,
            action: "conversation.release", before: "staff:\(held.staffID)", after: "conversation:\(conversation.id)",
            now: now)
        return true
    }

    /// A person's reply to the client: queued in the outbox on the conversation's channel to its address (email
    /// threaded under the client's latest message, `Re:` its subject). The person holds the conversation from then
    /// on, its open handoffs are answered, and the reply is audited. Returns the outbox item's id.
    public func sendStaffReply(
        _ text: String, conversation: Conversation, staff: Staff, via: String, _ c: any UnitOfWork, now: Date
    ) throws -> Int {
        let body = text.trimmedWhitespace()
        guard !body.isEmpty else { throw StaffReplyError(.empty) }
        guard body.count <= Self.staffReplyLimit else { throw StaffReplyError(.tooLong) }
        if conversation.channel == .sms,
            try c.isOptedOut(businessID: conversation.businessID, address: conversation.address)
        {
            throw StaffReplyError(.optedOut)
        }
        let held = try c.takeover(conversationID: conversation.id)
        if let held, held.staffID != staff.id, try inForce(held, c, now: now) { throw StaffReplyError(.heldByOther) }
        guard let business = try c.business(id: conversation.businessID) else {
            throw StoreError(.notFound, "the conversation's business is gone")
        }
        let messages = try c.messages(conversationID: conversation.id)
        let lastInbound = messages.last { $0.direction == "in" }
        let sender =
            try c.businessAddress(business.id, channel: conversation.channel)
            ?? (conversation.channel == .sms ? "" : "frontdesk@localhost")
        var headers: [String: String] = [:]
        var subject: String?
        if conversation.channel == .email {
            let original =
                messages.last { $0.direction == "in" && !($0.subject ?? "").isEmpty }?.subject ?? business.name
            subject = original.lowercased().hasPrefix("re:") ? original : "Re: " + original
            if let held, let id = held.threadMessageID {
                headers["In-Reply-To"] = id
                headers["References"] = (held.threadReferences + [id]).joined(separator: " ")
            } else if let earlier = try c.outboxItems(conversationID: conversation.id).last(where: {
                $0.headers["In-Reply-To"] != nil
            }) {
                headers["In-Reply-To"] = earlier.headers["In-Reply-To"]
                headers["References"] = earlier.headers["References"]
            }
        }
        let outboxID = try c.enqueue(
            businessID: business.id, messageID: lastInbound?.id, channel: conversation.channel, kind: "reply",
            recipient: conversation.address, sender: sender, subject: subject, body: body, headers: headers,
            status: .pending, now: now)
        try c.insertStaffReply(
            outboxID: outboxID, businessID: business.id, conversationID: conversation.id, staffID: staff.id, via: via,
            now: now)
        if held?.staffID == staff.id {
            try c.touchTakeover(conversationID: conversation.id, now: now)
        } else {
            try take(conversation, by: staff, via: via, c, now: now)
        }
        try c.answerHandoffs(conversationID: conversation.id, staffID: staff.id, now: now)
        try c.audit(
            businessID: business.id, clientID: conversation.clientID, actor: "staff:\(staff.id)", via: via,
            action: "conversation.reply", before: nil, after: "outbox:\(outboxID)", now: now)
        log.info("staff_reply", ["via": via, "channel": conversation.channel.rawValue])
        return outboxID
    }

    /// A staff member answering a handoff notice from their mailbox (to its reply address): the text they wrote (their
    /// quote of the notice removed) goes to the client as a console reply would. Anything else written to a reply
    /// address is stored and nothing is sent: an address we never issued, one past its time, another business's,
    /// or a sender who is not the verified staff member it was sent to. Nil when the message is not to such an address.
    func relayStaffReply(_ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome? {
        guard t.message.channel == .email, let token = ReplyAddress.token(in: t.message.to.lowercased()) else {
            return nil
        }
        guard let staff = t.sender.staff, let route = try c.replyRoute(tokenHash: ReplyAddress.hash(token)),
            route.businessID == t.business.id, route.staffID == staff.id, route.expiresAt > t.now,
            let conversation = try c.conversation(id: route.conversationID), conversation.businessID == t.business.id
        else {
            log.warning("reply_route_refused", [:])
            return silent(t, reason: "reply_route_refused")
        }
        do {
            let id = try sendStaffReply(t.text, conversation: conversation, staff: staff, via: "email", c, now: t.now)
            var outcome = silent(t, reason: "relayed_to_client")
            outcome.clientOutboxIDs = [id]
            return outcome
        } catch let error as StaffReplyError {
            log.warning("staff_reply_refused", ["reason": error.code.rawValue])
            return silent(t, reason: "staff_reply_" + error.code.rawValue)
        }
    }

    /// For a notice asking staff to answer a client (a handoff): the conversation waits for a person in the console,
    /// and the notice names how to reach the client (their phones and emails on file, the console's page).
    func handoffValues(_ t: Turn, _ notice: StaffNotice, _ c: any UnitOfWork) throws -> [String: String] {
        guard notice.asksForPerson, t.sender.staff == nil else { return [:] }
        try c.openHandoff(
            businessID: t.business.id, conversationID: t.conversation.id, messageID: t.messageID, now: t.now)
        var contacts = [t.from]
        if let client = t.sender.client {
            let onFile =
                try c.addresses(clientID: client.id, channel: .sms) + c.addresses(clientID: client.id, channel: .email)
            contacts += onFile.filter { $0 != t.from }
        }
        return [
            "contact": contacts.joined(separator: ", "),
            "conversation_url": links.baseURL + "/admin/conversations/\(t.conversation.id)",
        ]
    }

    /// The headers of one staff member's copy of a notice asking for a person: a `Reply-To` that reaches the client,
    /// working for that staff member only (and only from their verified address).
    func handoffHeaders(_ t: Turn, _ notice: StaffNotice, for member: Staff, _ c: any UnitOfWork) throws
        -> [String: String]
    {
        guard notice.asksForPerson, t.sender.staff == nil,
            let inbox = try c.businessAddress(t.business.id, channel: .email),
            let reply = try ReplyAddress.make(inbox: inbox)
        else { return [:] }
        try c.insertReplyRoute(
            tokenHash: reply.hash, businessID: t.business.id, conversationID: t.conversation.id, staffID: member.id,
            now: t.now, expiresAt: t.now.addingTimeInterval(Self.replyRouteLifetime))
        return ["Reply-To": reply.address]
    }
}

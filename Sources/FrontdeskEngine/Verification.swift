import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskSecurity
import FrontdeskStore

/// What a verification waiting for its next step holds (the pending payload of `core:verify_contact` and
/// `core:verify_code`): the request that started it, answered once the address is verified, and the code's row.
struct VerificationState: PendingPayload, Equatable {
    var text: String
    var verification: Int?
}

/// An address no client has (verified by its provider, or an SMS number) asks about an account. It is asked for
/// the phone or email on file; a six-digit code goes to THAT contact, never to the new address; the right code
/// links the new address to the client. Every reply reads the same whether the contact exists or not, so asking
/// reveals nothing. Codes are limited per sender and per client, expire, allow five tries and work once.
extension Pipeline {
    public static let verificationTemplates = [
        "core/verify_ask", "core/verify_sent", "core/verify_code_message", "core/verify_code_subject",
        "core/verify_wrong", "core/verify_locked", "core/verify_expired", "core/verify_limited", "core/verify_remind",
        "core/verify_done",
    ]
    /// How long the conversation waits for a contact, and for a code (longer than the code lives, so a late
    /// code is told it expired rather than read as a new message).
    static let contactWaitMinutes = 30.0
    static let codeWaitMinutes = 60.0
    /// A message this short with exactly six digits is a code.
    static let codeMessageBytes = 64

    /// "To help with your account, reply with the phone number or email we have on file for you."
    func askForContact(_ d: Decision, _ t: inout Turn, _ c: any UnitOfWork) throws -> Part {
        // Asked once per reply, however many of its requests need the client.
        if t.conversation.pendingAction == "core:verify_contact" {
            return Part(template: "", intent: d.intent, confidence: d.confidence)
        }
        let state = VerificationState(text: String(d.text.prefix(Self.choiceTextLimit)))
        try setVerificationPending("core:verify_contact", state, minutes: Self.contactWaitMinutes, &t, c)
        return Part(template: "core/verify_ask", intent: d.intent, confidence: d.confidence)
    }

    /// The answer to a verification question: a contact (a code is sent), a code (checked), or something else.
    func verifying(_ pending: PendingAction, text: String, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome?
    {
        let state = VerificationState.decode(pending.payload) ?? VerificationState(text: "")
        if pending.step == "verify_code", let code = Self.code(in: text) {
            return try check(code, state, &t, c)
        }
        if let contact = Address.found(in: text).first {
            return try sendCode(to: contact, state, &t, c)
        }
        guard pending.step == "verify_code" else { return nil }
        return try said("core/verify_remind", [:], &t, c)
    }

    /// The six digits of a short message ("123456", "123 456", "my code is 123-456"), or nil.
    static func code(in text: String) -> String? {
        guard text.utf8.count <= codeMessageBytes else { return nil }
        let digits = text.filter { $0.isASCII && $0.isNumber }
        return digits.count == OneTimeCode.digits ? digits : nil
    }

    private func sendCode(
        to contact: (address: String, channel: Channel), _ state: VerificationState, _ t: inout Turn,
        _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        try clearPending(&t, c)
        let business = t.business.id
        guard try ContactCodes.admitSender(t.from, businessID: business, c, now: t.now) else {
            return try said("core/verify_limited", [:], &t, c)
        }
        var client = try c.client(businessID: business, address: contact.address, channel: contact.channel)
        // Past the client's limit no code is sent, and the sender is told exactly what they would be otherwise.
        if let found = client, try !ContactCodes.admitClient(found.id, businessID: business, c, now: t.now) {
            client = nil
        }
        let (id, code) = try ContactCodes.issue(
            businessID: business, channel: t.message.channel, address: t.from, clientID: client?.id, c, now: t.now)
        if let client {
            let values = baseValues(t).merging([
                "code": code, "minutes": String(Int(ContactCodes.minutes)), "channel": t.message.channel.rawValue,
            ]) { _, new in new }
            let locale = t.business.locale
            try c.enqueue(
                businessID: business, messageID: t.messageID, channel: contact.channel,
                kind: OutboxRecord.verificationKind, recipient: contact.address,
                sender: try c.businessAddress(business, channel: contact.channel) ?? t.message.to,
                subject: contact.channel == .email
                    ? try catalog.templates.render("core/verify_code_subject", channel: .email, locale: locale, values)
                    : nil,
                body: try catalog.templates.render(
                    "core/verify_code_message", channel: contact.channel, locale: locale, values),
                headers: [:], status: .pending, now: t.now)
            try c.audit(
                businessID: business, clientID: client.id, actor: "unknown", via: t.message.channel.rawValue,
                action: "verification.code_sent", before: nil,
                after:
                    "code for \(t.message.channel.rawValue) \(t.from) sent to the \(contact.channel.rawValue) on file",
                now: t.now)
        }
        try setVerificationPending(
            "core:verify_code", VerificationState(text: state.text, verification: id), minutes: Self.codeWaitMinutes,
            &t, c)
        return try said("core/verify_sent", ["minutes": String(Int(ContactCodes.minutes))], &t, c)
    }

    private func check(_ code: String, _ state: VerificationState, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome
    {
        switch try ContactCodes.check(
            code, id: state.verification, businessID: t.business.id, channel: t.message.channel, address: t.from, c,
            now: t.now)
        {
        case .matched(let v):
            if let clientID = v.clientID, let client = try c.client(id: clientID) {
                return try verified(client, v, state, &t, c)
            }
            return try expired(state, &t, c)
        case .expired: return try expired(state, &t, c)
        case .locked(let v): return try locked(v, state, &t, c)
        case .wrong(let left): return try said("core/verify_wrong", ["left": String(left)], &t, c)
        }
    }

    /// A code that no longer works: a new one can be asked for with the contact again.
    private func expired(_ state: VerificationState, _ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome {
        try setVerificationPending(
            "core:verify_contact", VerificationState(text: state.text), minutes: Self.contactWaitMinutes, &t, c)
        return try said("core/verify_expired", [:], &t, c)
    }

    /// Five wrong codes: this code stops working. A new one may be asked for with the contact again, within the
    /// per-sender and per-client limits.
    private func locked(_ v: Verification, _ state: VerificationState, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome
    {
        try setVerificationPending(
            "core:verify_contact", VerificationState(text: state.text), minutes: Self.contactWaitMinutes, &t, c)
        try c.audit(
            businessID: t.business.id, clientID: v.clientID, actor: "unknown", via: t.message.channel.rawValue,
            action: "verification.locked", before: nil,
            after: "\(Verification.maxAttempts) wrong codes from \(t.message.channel.rawValue) \(t.from)", now: t.now)
        return try said("core/verify_locked", [:], &t, c)
    }

    /// The right code: the address becomes the client's, this is audited, and what they first asked is answered.
    private func verified(
        _ client: Client, _ v: Verification, _ state: VerificationState, _ t: inout Turn, _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        try clearPending(&t, c)
        let channel = t.message.channel
        if try !c.addressTaken(businessID: t.business.id, channel: channel, address: t.from) {
            try c.addClientAddress(businessID: t.business.id, clientID: client.id, channel: channel, address: t.from)
        }
        t.conversation = try c.conversation(
            businessID: t.business.id, channel: channel, address: t.from, clientID: client.id, now: t.now)
        t.sender.client = client
        try c.audit(
            businessID: t.business.id, clientID: client.id, actor: "client:\(client.id)", via: channel.rawValue,
            action: "client.address_verified", before: nil,
            after: "\(channel.rawValue) \(t.from) linked by a code sent to the contact on file", now: t.now)
        let opening = Part(
            template: "core/verify_done", values: ["channel": channel.rawValue], intent: "verification", confidence: 1)
        let business = t.business.id
        let policy = GuardPolicy { try self.guardValues(businessID: business, client: client, c) }
        let requests = state.text.isEmpty ? [] : try understand(state.text, channel: channel, policy: policy)
        return try answer(
            requests.filter { !Self.notRequests.contains($0.intent) }, keeping: nil, opening: [opening], &t, c)
    }

    private func setVerificationPending(
        _ action: String, _ state: VerificationState, minutes: Double, _ t: inout Turn, _ c: any UnitOfWork
    ) throws {
        let pending = PendingAction(
            action: action, payload: state.payload, expiresAt: t.now.addingTimeInterval(minutes * 60))
        try effects(&t, PluginReply(template: "", pending: pending), c)
    }

    /// One verification reply, with the state it leaves (waiting for a contact or a code, or idle).
    private func said(_ template: String, _ values: [String: String], _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome
    {
        var outcome = try reply(&t, template: template, values: values, intent: "verification", confidence: 1, c)
        outcome.state = Self.state(pendingAction(t.conversation))
        return outcome
    }
}

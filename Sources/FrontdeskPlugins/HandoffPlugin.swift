import FrontdeskCore
import FrontdeskStore

/// `handoff`: staff get the conversation; the client is told when to expect a person.
public struct HandoffPlugin: Plugin {
    public let id = "handoff"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let hours = context.settings.int("response_hours", default: 24)
        let who = try context.client?.fullName ?? context.renderForStaff("handoff/unknown_client", [:])
        var reply = PluginReply(
            template: "handoff/client", values: ["name": context.client?.firstName ?? "", "hours": String(hours)],
            staffNotices: [
                StaffNotice(
                    template: "handoff/staff",
                    values: [
                        "client": who, "hours": String(hours), "summary": try context.staffSummary(asked: request.text),
                        "channel": context.channel.rawValue,
                    ], asksForPerson: true)
            ], auditAction: "handoff")
        // Outside the business's hours the client is told when a person will be there.
        let zone = context.business.zone
        if let open = BusinessHours(context.settings.string("hours") ?? ""),
            !open.isOpen(at: context.now, in: zone), let opens = open.nextOpening(after: context.now, in: zone)
        {
            reply.template = "handoff/client_closed"
            reply.values["day"] = context.date(opens)
            reply.values["time"] = BusinessHours.time(opens, in: zone)
        }
        return reply
    }
}

/// `optout` / `optin`. SMS (CTIA; the keywords are `keywords` in each `prompts/<locale>/words.json`): consent
/// recorded; at most one confirmation, which also says how to cancel the membership instead; nothing sent after opting
/// out. Email: an unsubscribe stops automated and marketing email to that address for this business and says exactly
/// that; what the client writes is still answered.
public struct CompliancePlugin: Plugin {
    public let id = "compliance"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        guard let address = context.address else { return PluginReply(template: "") }
        if context.channel == .email { return try email(request, address: address, in: context) }
        if request.intent == "optin" {
            try context.store.optIn(businessID: context.business.id, address: address)
            return PluginReply(
                template: "compliance/optin", values: ["business": context.business.name], auditAction: "consent.optin")
        }
        let first = try context.store.optOut(businessID: context.business.id, address: address, now: context.now)
        // One confirmation at most: a repeated STOP gets silence.
        return first
            ? PluginReply(
                template: "compliance/optout", values: ["business": context.business.name],
                auditAction: "consent.optout")
            : PluginReply(template: "")
    }

    /// Email consent: every unsubscribe or subscribe is answered (it is the client writing), once recorded.
    private func email(_ request: PluginRequest, address: String, in context: PluginContext) throws -> PluginReply {
        let business = context.business.id
        if request.intent == "optin" {
            let changed = try context.store.emailOptIn(businessID: business, address: address)
            return PluginReply(template: "compliance/optin", auditAction: changed ? "consent.email_optin" : nil)
        }
        let changed = try context.store.emailOptOut(businessID: business, address: address, now: context.now)
        return PluginReply(template: "compliance/optout", auditAction: changed ? "consent.email_optout" : nil)
    }
}

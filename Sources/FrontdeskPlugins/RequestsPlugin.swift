import FrontdeskCore
import FrontdeskStore

/// `requests`: what clients ask that no plugin carries out yet (pause, resume, rejoin, plan change, contact
/// details, refunds, appointments, personal data). Staff get a summary; the client is told in one line. The
/// request is never turned into another action.
public struct RequestsPlugin: Plugin {
    public let id = "requests"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        // The kind in words is a template per intent (`requests/kind_membership_pause`), so it can be translated.
        let kindTemplate = "requests/kind_" + request.intent.replacingOccurrences(of: ".", with: "_")
        let kind = try context.render(kindTemplate, [:]).trimmedWhitespace()
        // Staff read the kind in the business's language, whatever the client wrote in.
        let staffKind = try context.renderForStaff(kindTemplate, [:]).trimmedWhitespace()
        let hours = context.settings.int("response_hours", default: 24)
        let contact = context.address ?? ""
        return PluginReply(
            template: "requests/client", values: ["kind": kind, "hours": String(hours)],
            staffNotices: [
                StaffNotice(
                    template: "requests/staff",
                    values: [
                        "client": context.client?.fullName ?? contact, "contact": contact, "kind": staffKind,
                        "channel": context.channel.rawValue, "text": String(request.text.prefix(1000)),
                    ])
            ], auditAction: "request." + request.intent)
    }
}

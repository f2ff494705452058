import FrontdeskCore
import FrontdeskStore

/// `requests`: what clients ask that no plugin carries out yet (contact details, refunds, appointments, personal
/// data). Staff get a summary; the client is told in one line. The request is never turned into another action. A
/// request for a copy or the erasure of one's data is recorded as a privacy request that staff approve or reject
/// (`frontdesk privacy`).
public struct RequestsPlugin: Plugin {
    public let id = "requests"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        if request.intent == "privacy" {
            let words = Lexicon.tokens(request.text).map(\.text)
            var kinds: [PrivacyRequest.Kind] = []
            if Lexicon.contains(context.lexicon.privacyExport, words) { kinds.append(.export) }
            if Lexicon.contains(context.lexicon.privacyErase, words) { kinds.append(.erase) }
            if !kinds.isEmpty { return try privacy(kinds, request, in: context) }
        }
        return try Self.forward(request, in: context)
    }

    /// Staff get a summary, the client one line; audited as `request.<intent>`. Also how other plugins pass on a
    /// request their business's policy leaves to staff (a pause where pausing by message is off). The plugin's
    /// `response_hours` setting says when to expect an answer.
    public static func forward(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        // The kind in words is a template per intent (`requests/kind_membership_pause`), so it can be translated.
        let kindTemplate = "requests/kind_" + request.intent.replacingOccurrences(of: ".", with: "_")
        let kind = try context.render(kindTemplate, [:]).trimmedWhitespace()
        // Staff read the kind in the business's language, whatever the client wrote in.
        let staffKind = try context.renderForStaff(kindTemplate, [:]).trimmedWhitespace()
        let hours = context.settings.int("response_hours", default: 24)
        return PluginReply(
            template: "requests/client", values: ["kind": kind, "hours": String(hours)],
            staffNotices: [
                StaffNotice(
                    template: "requests/staff",
                    values: [
                        "client": context.client?.fullName ?? context.address ?? "", "kind": staffKind,
                        "hours": String(hours), "summary": try context.staffSummary(asked: request.text),
                    ])
            ], auditAction: "request." + request.intent)
    }

    /// Records a privacy request of each kind asked (one still open is not asked twice) and tells staff how to
    /// decide it. Only a known client can ask: anyone else is verified first.
    private func privacy(_ kinds: [PrivacyRequest.Kind], _ request: PluginRequest, in context: PluginContext) throws
        -> PluginReply
    {
        let client = try context.requireClient()
        let store = context.store
        let open = try store.privacyRequests(clientID: client.id).filter { [.pending, .approved].contains($0.status) }
        var created: [(id: Int, kind: PrivacyRequest.Kind)] = []
        for kind in kinds where !open.contains(where: { $0.kind == kind }) {
            let id = try store.insertPrivacyRequest(
                businessID: context.business.id, clientID: client.id, kind: kind, channel: context.channel,
                requestedBy: context.actor, now: context.now)
            created.append((id, kind))
        }
        let hours = String(context.settings.int("response_hours", default: 24))
        guard !created.isEmpty else {
            let ids = open.filter { kinds.contains($0.kind) }.map { String($0.id) }
            return PluginReply(
                template: "requests/privacy_already", values: ["name": client.firstName, "ids": ids.joined(separator: ", ")])
        }
        let summary = try context.staffSummary(asked: request.text)
        let notices = try created.map { item in
            StaffNotice(
                template: "requests/privacy_staff",
                values: [
                    "id": String(item.id), "client": client.fullName, "summary": summary,
                    "what": try context.renderForStaff("requests/privacy_kind_\(item.kind.rawValue)", [:]),
                ])
        }
        let received = created.count == 2 ? "both" : created[0].kind.rawValue
        return PluginReply(
            template: "requests/privacy_received_" + received,
            values: [
                "name": client.firstName, "hours": hours, "ids": created.map { String($0.id) }.joined(separator: ", "),
            ], staffNotices: notices, auditAction: "privacy.requested",
            auditAfter: created.map { "\($0.kind.rawValue) request \($0.id)" }.joined(separator: ", "))
    }
}

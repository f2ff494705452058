import Foundation
import FrontdeskCore
import FrontdeskStore

/// The one summary every staff notice carries (`core/staff_summary`): who asked (name, phone AND email on file),
/// their memberships, what they wrote (trimmed) and when, in the business's time zone. Staff read it in the
/// business's language, whatever the client wrote in, so a refund, an appointment, a handoff, a privacy request or a
/// cancellation staff must handle all read alike and staff can answer without looking the client up.
extension PluginContext {
    /// Characters of the client's words a summary keeps.
    static let summaryTextLimit = 500

    /// The summary for a notice about what the sender asked in `text`.
    public func staffSummary(asked text: String) throws -> String {
        try renderForStaff("core/staff_summary", try staffSummaryValues(asked: text))
    }

    /// The summary's values: `client`, `phone`, `email`, `membership`, `when`, `channel`, `text`.
    func staffSummaryValues(asked text: String) throws -> [String: String] {
        let none = try renderForStaff("core/staff_summary_none", [:]).trimmedWhitespace()
        var phones: [String] = []
        var emails: [String] = []
        var plans: [String] = []
        if let client {
            phones = try store.addresses(clientID: client.id, channel: .sms)
            emails = try store.addresses(clientID: client.id, channel: .email)
            for m in try billing.subscriptions(clientID: client.id, in: scope) {
                let status = try renderForStaff("membership/status_\(m.status.rawValue)", [:]).trimmedWhitespace()
                plans.append("\(m.planName) (\(status))")
            }
        } else if let address {
            // Nobody we know: the address they wrote from is all there is.
            if channel == .sms { phones = [address] } else { emails = [address] }
        }
        let who = try client?.fullName ?? renderForStaff("handoff/unknown_client", [:]).trimmedWhitespace()
        let style = lexicon.style(business.locale)
        let when =
            Format.date(now, in: business.zone, style: style) + ", "
            + Format.time(now, in: business.zone, style: style) + " (\(business.zone.identifier))"
        let words = text.trimmedWhitespace()
        let trimmed =
            words.count > Self.summaryTextLimit ? String(words.prefix(Self.summaryTextLimit - 1)) + "…" : words
        return [
            "client": who, "phone": phones.isEmpty ? none : phones.joined(separator: ", "),
            "email": emails.isEmpty ? none : emails.joined(separator: ", "),
            "membership": plans.isEmpty ? none : plans.joined(separator: "; "), "when": when,
            "channel": channel.rawValue, "text": trimmed,
        ]
    }
}

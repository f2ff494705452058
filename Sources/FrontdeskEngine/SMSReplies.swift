import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

extension Pipeline {
    /// An SMS reply takes at most this many segments (459 GSM-7 characters, 201 in UCS-2).
    public static let maxSMSSegments = 3
    /// How long "Reply MORE" waits for its answer.
    static let moreMinutes = 30.0

    /// An SMS reply made of its parts, in GSM-7 where only punctuation stood in the way (`SMSText.plainPunctuation`),
    /// within `maxSMSSegments`.
    ///
    /// A longer reply is cut at the last line or sentence that fits, and ends with "Reply MORE for the rest": the rest
    /// waits as the conversation's pending question, with its link tokens redacted (`[link 17]`, never a live token at
    /// rest), and "MORE" sends it with fresh links to the same pages. When a question already waits (it comes last),
    /// it is kept whole, the parts before it are shortened and the reply says so: the question keeps its place.
    func fitSMS(_ parts: [String], _ t: inout Turn, _ c: any UnitOfWork) throws -> String {
        let body = SMSText.plainPunctuation(parts.joined(separator: "\n"))
        guard SMSText.size(body).segments > Self.maxSMSSegments else { return body }
        if pendingAction(t.conversation) == nil {
            let note = SMSText.plainPunctuation(
                try render(t, Part(template: "core/sms_more", intent: .unknown, confidence: 1)))
            guard let (kept, rest) = SMSText.cut(body, note: note, maxSegments: Self.maxSMSSegments) else {
                return body
            }
            let payload = try LinkRedactor().redactLinkTokens(in: rest, links: c)
            // MORE waits no longer than the links it will issue again may live.
            let ids = Set(LinkRedaction.ids(in: payload))
            let known = try t.sender.client.map { try c.links(clientID: $0.id) } ?? []
            let expiries = known.filter { ids.contains($0.id) }.map(\.expiresAt)
            let expires = ([t.now.addingTimeInterval(Self.moreMinutes * 60)] + expiries).min() ?? t.now
            let pending = PendingAction(action: "core:more", payload: payload, expiresAt: expires)
            try effects(&t, PluginReply(template: "", pending: pending), c)
            return kept + "\n" + note
        }
        guard parts.count > 1, let last = parts.last else { return body }
        let question = SMSText.plainPunctuation(last)
        let note = SMSText.plainPunctuation(
            try render(t, Part(template: "core/sms_shortened", intent: .unknown, confidence: 1)))
        let head = SMSText.plainPunctuation(parts.dropLast().joined(separator: "\n"))
        guard let (kept, _) = SMSText.cut(head, note: note + "\n" + question, maxSegments: Self.maxSMSSegments) else {
            return body
        }
        return [kept, note, question].filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// The answer to "Reply MORE": the rest of the cut reply, each link in it issued again (same page, same expiry; the
    /// first token was never sent). Anything else is a new message.
    func more(_ pending: PendingAction, text: String, _ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome? {
        try clearPending(&t, c)
        guard reader.isMore(text) else { return nil }
        let (rest, issued) = try reissuingLinks(in: pending.payload, now: t.now, c)
        var outcome = try reply(&t, template: "core/more", values: ["text": rest], intent: "more", confidence: 1, c)
        outcome.links = issued
        outcome.state = Self.state(pendingAction(t.conversation))
        return outcome
    }
}

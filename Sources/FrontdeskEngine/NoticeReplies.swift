import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

extension Pipeline {
    /// A reply read in the context of the notice it answers, while that context lives (issue 17): after a
    /// `payment_failed` notice, RETRY (or a bare YES) charges that invoice and "new card" sends a card link. Nothing
    /// else is read this way, and without a live context "yes" is no retry: this returns nil and the message is
    /// understood as any other. SMS keywords (a bare CANCEL is STOP) were handled before this is asked.
    func noticeReply(text: String, _ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome? {
        guard t.sender.staff == nil, let client = t.sender.client,
            let notice = try c.noticeContext(conversationID: t.conversation.id, now: t.now),
            notice.clientID == client.id, notice.kind == .paymentFailed, let resource = notice.resource,
            let manifest = catalog.manifest(RemindersPlugin.pluginID)
        else { return nil }
        let words = Lexicon.tokens(text).map(\.text)
        let answer: Answer
        if catalog.lexicon.noticeRetry.contains(words) {
            answer = .text("retry")
        } else if catalog.lexicon.noticeCard.contains(words) {
            answer = .text("card")
        } else if case .yes(let detail) = reader.confirmation(text), detail.isEmpty {
            answer = .yes(detail: "")
        } else {
            return nil
        }
        let enabled = try enabledManifests(t.business.id, c)
        guard enabled.contains(where: { $0.id == manifest.id }) else { return nil }
        let context = try makeContext(t, manifest: manifest, enabled: enabled, c)
        let pending = PendingAction(
            action: "\(manifest.id):\(notice.kind.rawValue)", payload: resource, expiresAt: t.now)
        let reply = invoke(manifest.id, c) { plugin in try plugin.resume(pending, answer: answer, in: context) }
        if reply.template == "reminders/reply_paid" || reply.template == "reminders/reply_nothing_due" {
            // Settled: a later "yes" means something else.
            try c.setNoticeContext(conversationID: t.conversation.id, noticeID: nil, expiresAt: nil)
        }
        return try finish(&t, reply, intent: "notice.reply", confidence: 1, c)
    }
}

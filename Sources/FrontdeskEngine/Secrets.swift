import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

extension Pipeline {
    /// The message with link tokens redacted from its subject and text (a client quoting a link) and card
    /// numbers masked in every field a person wrote; `masked` tells whether there was a card number.
    func withoutSecrets(_ message: InboundMessage, _ c: any UnitOfWork) throws -> (InboundMessage, masked: Bool) {
        let redactor = LinkRedactor()
        var redacted = message
        redacted.text = try redactor.redactLinkTokens(in: message.text, links: c)
        redacted.subject = try message.subject.map { try redactor.redactLinkTokens(in: $0, links: c) }
        return redacted.maskingCardNumbers()
    }

    /// A reply to a message whose card number was masked says that cards are never taken by message.
    func withCardNote(_ body: String, _ t: Turn) throws -> String {
        let note = try catalog.templates.render(
            "core/card_in_message", channel: t.message.channel, locale: t.locale, [:])
        return body + "\n" + note
    }
}

import FrontdeskCore
import FrontdeskStore

extension Pipeline {
    /// The language of the reply: the client's stored language, else the message's, else the business's locale.
    ///
    /// A client's language is stored, or changed, only when the message shows it clearly (`LanguageDetector`): "ok",
    /// "YES", a number or a phone number carry none, and neither do what staff write for a client (a forward, a
    /// note) nor an auto-reply. Staff get their reply in the language they wrote in, else the business's.
    func replyLocale(
        _ message: InboundMessage, text: String, sender: inout Sender, business: Business, _ c: any UnitOfWork
    ) throws -> String {
        // The request is at the top; a 1 MB email is read no further than the classifier reads it.
        var guess = language.detect(Self.head(text))
        if guess == nil, message.channel == .email, let subject = message.subject {
            guess = language.detect(Reader.cleanSubject(subject))
        }
        guard sender.staff == nil, var client = sender.client else {
            return catalog.replyLocale(guess?.locale, business: business.locale)
        }
        // An auto-reply was written by a machine: it is never answered, nor taken as the client's language.
        if let guess, guess.confident, !message.isAutoReply, client.language != guess.locale {
            try c.setClientLanguage(clientID: client.id, language: guess.locale)
            client.language = guess.locale
            sender.client = client
        }
        return catalog.replyLocale(client.language ?? guess?.locale, business: business.locale)
    }
}

import FrontdeskChannels
import FrontdeskCore
import FrontdeskText

/// The email parsers: a whole raw message, and a body already taken apart by a provider.
enum MIMEFuzz {
    static let recipient = "desk@example.test"

    /// A raw message as Mailgun's `body-mime` field carries it: MIME structure, transfer encodings, charsets, encoded
    /// words, addresses, Authentication-Results and the extractor, then every part's text.
    static func mime(_ input: [UInt8]) -> String {
        var parts = 0
        func walk(_ part: MIMEPart) {
            parts += 1
            _ = part.text
            _ = part.isAttachment
            for child in part.parts { walk(child) }
        }
        walk(MIMEParser.parse(input))
        let raw = FuzzInput.text(input[...])
        let outcome: String
        do {
            let message = try InboundMapping.mailgun(fields: ["body-mime": raw, "recipient": recipient])
            _ = CardMask.mask(message.text)
            outcome = "mapped \(message.verdict)"
        } catch {
            outcome = error.reason.rawValue
        }
        return "\(outcome), \(parts) parts"
    }

    /// Fields: plain text, HTML, the From header, the Subject header. The text the pipeline classifies has card
    /// numbers masked, as the pipeline does.
    static func extract(_ input: [UInt8]) -> String {
        let fields = FuzzInput.fields(input[...])
        let text = FuzzInput.text(fields[0])
        let html = fields.count > 1 ? FuzzInput.text(fields[1]) : nil
        var headers: [(name: String, value: String)] = []
        if fields.count > 2 { headers.append((name: "From", value: FuzzInput.text(fields[2]))) }
        if fields.count > 3 { headers.append((name: "Subject", value: FuzzInput.text(fields[3]))) }
        let extraction = EmailExtractor.extract(text: text, html: html, headers: headers)
        _ = CardMask.mask(extraction.replyWithoutSignature)
        if let forwarded = extraction.forwarded { _ = CardMask.mask(forwarded.body) }
        return extraction.kind.rawValue
    }
}

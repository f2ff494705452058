import FrontdeskCore
import FrontdeskText

/// What the extractor made of one input, with the layers only the evaluation reads: every forwarded-message
/// detail, the interleaved fragments and, for HTML-only mail, the sender's own markup.
package struct Analysis: Sendable {
    /// What the product reads.
    package var extraction: EmailExtraction { parts.extraction }
    package var forward: ForwardParser.Details? { parts.forward }
    /// Every unquoted fragment, and the same without signature block (see `LibrarySemantics.interleaved`).
    package let interleaved: String
    package let interleavedReply: String
    /// For HTML-only mail, the new content as the sender's HTML (cut only when read).
    package var replyHTML: String? { LibrarySemantics.fiedlReplyHTML(parts) }
    let parts: EmailExtractor.Parts

    init(_ parts: EmailExtractor.Parts) {
        self.parts = parts
        (interleaved, interleavedReply) = LibrarySemantics.interleaved(parts)
    }

    /// A raw RFC 5322 message.
    package init(raw: String) { self.init(EmailExtractor.parts(raw: raw)) }

    /// A provider's already-parsed fields.
    package init(text: String, html: String?, headers: [(name: String, value: String)]) {
        self.init(EmailExtractor.parts(text: text, html: html, headers: headers))
    }
}

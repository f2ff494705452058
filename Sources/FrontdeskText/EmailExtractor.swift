import FrontdeskCore

/// Extracts what the sender wrote from an email: new text in layers, a forwarded message, auto-reply status.
public enum EmailExtractor {
    /// From a raw RFC 5322 message.
    public static func extract(raw: String) -> EmailExtraction {
        parts(raw: raw).extraction
    }

    /// From a provider's already-parsed fields (plain text, HTML, headers as name/value pairs).
    public static func extract(text: String, html: String?, headers: [(name: String, value: String)]) -> EmailExtraction
    {
        parts(text: text, html: html, headers: headers).extraction
    }

    /// The extraction and what was read on the way to it, for the evaluation's layers (the product reads only
    /// `extraction`).
    package struct Parts: Sendable {
        package var extraction: EmailExtraction
        /// Everything found about a forwarded message in the body (recipients, raw header values).
        package var forward: ForwardParser.Details?
        /// An HTML-only body's conversion.
        package var html: HTMLText.Result?
        /// The lines the reply parser read: the body's, or for HTML with a quote the text before the quote.
        package var replyLines: [Substring]
    }

    /// Parses a raw message and extracts from it.
    package static func parts(raw: String) -> Parts {
        let root = MIMEParser.parse(raw)
        // Text with no header section at all is taken as a body.
        if root.headers.isEmpty {
            return parts(text: raw, html: nil, headers: [])
        }
        let body = MessageBody(root)
        let headers = root.headers.map { (name: $0.name, value: $0.decodedValue) }
        var result = parts(
            text: body.text ?? "", html: body.text == nil ? body.html : nil, headers: headers, isReport: body.isReport)
        // Forward as attachment: the attached message is the forwarded one; the text is the note.
        if result.extraction.kind == .reply, let attached = body.attachedMessages.first {
            let inner = MessageBody(attached)
            let from = attached.header("From").map(EncodedWords.decode).flatMap(MIMEHeaders.mailbox)
            var innerText = inner.text ?? ""
            if innerText.isEmpty, let html = inner.html { innerText = HTMLText.convert(html).text }
            let forwarded = ForwardedMessage(
                fromName: from?.name, fromAddress: from?.address,
                subject: attached.header("Subject").map(EncodedWords.decode),
                date: attached.header("Date"), body: ReplyParser.parse(innerText).unquoted)
            result.extraction.kind = .forward
            result.extraction.forwarded = forwarded
        }
        return result
    }

    /// Extracts from already-decoded parts.
    package static func parts(
        text: String, html: String?, headers: [(name: String, value: String)], isReport: Bool = false
    ) -> Parts {
        func header(_ name: String) -> String? {
            headers.first { TextLines.equalsFolded($0.name, name) }?.value
        }
        let fromMailbox = header("From").flatMap(MIMEHeaders.mailbox)
        let subject = header("Subject")
        var body = text
        var beforeQuote: String? = nil
        var converted: HTMLText.Result? = nil
        if body.allSatisfy({ $0.isWhitespace }), let html {
            let result = HTMLText.convert(html)
            body = result.text
            beforeQuote = result.beforeQuote
            converted = result
        }
        var lines = TextLines.split(body)
        if let expanded = ForwardParser.expandRunOnHeaders(lines) { lines = TextLines.split(expanded) }
        if let split = ReplyParser.splitSharedAttributionLines(lines) { lines = TextLines.split(split) }
        let boundary = ReplyParser.findBoundary(lines[...])
        let forward = ForwardParser.parse(
            lines: lines[...], subject: headers.isEmpty ? nil : subject, depth: 1, boundary: .some(boundary))
        var kind: EmailExtraction.Kind = .reply
        if AutoReplyDetector.isAutomatic(headers: headers, isReport: isReport) {
            kind = .autoReply
        } else if forward != nil {
            kind = .forward
        }
        var layers: ReplyParser.Layers
        let replyLines = beforeQuote.map(ReplyParser.lines) ?? lines
        if kind == .forward, beforeQuote == nil, let boundary {
            // The forwarder's note gives the reply layers below; only the quoted history is needed from the body.
            layers = ReplyParser.Layers()
            layers.quoted = TextLines.text(lines[boundary.line...])
            layers.boundary = boundary.kind
            layers.boundaryLine = boundary.line
        } else if beforeQuote != nil {
            layers = ReplyParser.parse(lines: replyLines[...], senderName: fromMailbox?.name)
        } else {
            layers = ReplyParser.parse(lines: lines[...], senderName: fromMailbox?.name, boundary: .some(boundary))
        }
        var extraction = EmailExtraction(
            kind: kind, reply: layers.reply, replyWithoutSignature: layers.replyWithoutSignature,
            signature: layers.signature, quoted: layers.quoted, forwarded: nil,
            from: fromMailbox.map { $0.address.isEmpty ? nil : $0.address } ?? nil, subject: subject,
            messageID: header("Message-ID").map(stripAngles), inReplyTo: header("In-Reply-To").map(stripAngles),
            references: header("References").map(messageIDs) ?? [], unquoted: layers.unquoted)
        if let forward {
            extraction.forwarded = ForwardedMessage(
                fromName: forward.fromName, fromAddress: forward.fromAddress, subject: forward.subject,
                date: forward.date,
                body: forward.body)
            if kind == .forward {
                // The forwarder's note is the reply; keep its layers consistent with it.
                let note = ReplyParser.parse(forward.note, senderName: fromMailbox?.name)
                extraction.reply = note.reply
                extraction.replyWithoutSignature = note.replyWithoutSignature
                extraction.signature = note.signature
                extraction.unquoted = note.unquoted
            }
        }
        return Parts(extraction: extraction, forward: forward, html: converted, replyLines: replyLines)
    }

    static func stripAngles(_ s: String) -> String {
        var t = s.trimmingSpaces()
        if t.hasPrefix("<") { t.removeFirst() }
        if t.hasSuffix(">") { t.removeLast() }
        return t
    }

    static func messageIDs(_ s: String) -> [String] {
        // Split on bytes: the separators are ASCII, and a References field can hold hundreds of ids.
        s.utf8.split(whereSeparator: {
            $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.comma || $0 == ASCII.lineFeed
        }).compactMap { part in
            var lo = part.startIndex
            var hi = part.endIndex
            if lo < hi && part[lo] == ASCII.lessThan { lo = part.index(after: lo) }
            if lo < hi && part[part.index(before: hi)] == ASCII.greaterThan { hi = part.index(before: hi) }
            return lo < hi ? String(Substring(part[lo..<hi])) : nil
        }
    }
}

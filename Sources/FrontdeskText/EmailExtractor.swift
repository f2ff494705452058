import FrontdeskCore

/// Extracts what the sender wrote from an email: new text in layers, a forwarded message, auto-reply status.
public enum EmailExtractor {
    /// From a raw RFC 5322 message.
    public static func extract(raw: String) -> EmailExtraction {
        analyze(raw: raw, interleaved: false).extraction
    }

    /// From a provider's already-parsed fields (plain text, HTML, headers as name/value pairs).
    public static func extract(text: String, html: String?, headers: [(name: String, value: String)]) -> EmailExtraction
    {
        analyze(text: text, html: html, headers: headers, interleaved: false).extraction
    }

    /// The extraction plus every forwarded-message detail found (recipients, raw header values).
    public struct Analysis: Sendable {
        public var extraction: EmailExtraction
        public var forward: ForwardParser.Details?
        /// All unquoted fragments (see `ReplyParser.Layers.interleaved`), and the same without signature block.
        public var interleaved: String = ""
        public var interleavedReply: String = ""
        /// For HTML-only mail, the new content as the sender's HTML (see `HTMLText.Result.htmlBeforeQuote`).
        public var replyHTML: String? { html?.htmlBeforeQuote }
        /// The HTML-only body's conversion, kept so `replyHTML` is cut only when read.
        var html: HTMLText.Result?
    }

    /// Parses a raw message and analyses it; `interleaved: false` skips the interleaved layers (only the corpus
    /// evaluation reads them; `extract` does not return them).
    public static func analyze(raw: String, interleaved: Bool = true) -> Analysis {
        let root = MIMEParser.parse(raw)
        // Text with no header section at all is taken as a body.
        if root.headers.isEmpty {
            return analyze(text: raw, html: nil, headers: [], interleaved: interleaved)
        }
        let body = MessageBody(root)
        let headers = root.headers.map { (name: $0.name, value: $0.decodedValue) }
        var analysis = analyze(
            text: body.text ?? "", html: body.text == nil ? body.html : nil, headers: headers, isReport: body.isReport,
            interleaved: interleaved)
        // Forward as attachment: the attached message is the forwarded one; the text is the note.
        if analysis.extraction.kind == .reply, let attached = body.attachedMessages.first {
            let inner = MessageBody(attached)
            let from = attached.header("From").map(EncodedWords.decode).flatMap(MIMEHeaders.mailbox)
            var innerText = inner.text ?? ""
            if innerText.isEmpty, let html = inner.html { innerText = HTMLText.convert(html).text }
            let forwarded = ForwardedMessage(
                fromName: from?.name, fromAddress: from?.address,
                subject: attached.header("Subject").map(EncodedWords.decode),
                date: attached.header("Date"), body: ReplyParser.parse(innerText).unquoted)
            analysis.extraction.kind = .forward
            analysis.extraction.forwarded = forwarded
        }
        return analysis
    }

    /// Analyses already-decoded parts.
    public static func analyze(
        text: String, html: String?, headers: [(name: String, value: String)], isReport: Bool = false,
        interleaved: Bool = true
    ) -> Analysis {
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
        if kind == .forward, beforeQuote == nil, let boundary {
            // The forwarder's note gives the reply layers below; only the quoted history is needed from the body.
            layers = ReplyParser.Layers()
            layers.quoted = TextLines.text(lines[boundary.line...])
            layers.boundary = boundary.kind
            layers.boundaryLine = boundary.line
        } else if let beforeQuote {
            layers = ReplyParser.parse(beforeQuote, senderName: fromMailbox?.name)
        } else {
            layers = ReplyParser.parse(
                lines: lines[...], senderName: fromMailbox?.name, boundary: .some(boundary), interleaved: interleaved)
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
        var analysis = Analysis(extraction: extraction, forward: forward, html: converted)
        if kind == .forward {
            analysis.interleaved = extraction.unquoted
            analysis.interleavedReply = extraction.reply
        } else {
            analysis.interleaved = layers.interleaved
            analysis.interleavedReply = layers.interleavedReply
        }
        return analysis
    }

    static func stripAngles(_ s: String) -> String {
        var t = s.trimmingSpaces()
        if t.hasPrefix("<") { t.removeFirst() }
        if t.hasSuffix(">") { t.removeLast() }
        return t
    }

    static func messageIDs(_ s: String) -> [String] {
        // Split on bytes: the separators are ASCII, and a References field can hold hundreds of ids.
        s.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x2C || $0 == 0x0A }).compactMap { part in
            var lo = part.startIndex
            var hi = part.endIndex
            if lo < hi && part[lo] == 0x3C { lo = part.index(after: lo) }
            if lo < hi && part[part.index(before: hi)] == 0x3E { hi = part.index(before: hi) }
            return lo < hi ? String(Substring(part[lo..<hi])) : nil
        }
    }
}

import Foundation

/// One MIME entity: its headers, its decoded content, and its children when it is multipart or message/rfc822.
public struct MIMEPart: Sendable {
    public var headers: [MIMEHeaderField]
    /// Lower-cased `type/subtype` (default `text/plain`, RFC 2045 §5.2).
    public var contentType: String
    public var parameters: [String: String]
    /// `name` parameter of Content-Disposition (form-data field name).
    public var name: String?
    public var filename: String?
    /// Content after transfer decoding (base64, quoted-printable).
    public var content: [UInt8]
    /// Children of a multipart, or the single embedded message of a message/rfc822 part.
    public var parts: [MIMEPart]

    public init(
        headers: [MIMEHeaderField], contentType: String = "text/plain", parameters: [String: String] = [:],
        name: String? = nil, filename: String? = nil, content: [UInt8] = [], parts: [MIMEPart] = []
    ) {
        self.headers = headers
        self.contentType = contentType
        self.parameters = parameters
        self.name = name
        self.filename = filename
        self.content = content
        self.parts = parts
    }

    /// The first header value named `name`, raw.
    public func header(_ name: String) -> String? { MIMEHeaders.value(name, in: headers) }

    /// Content decoded with the part's charset.
    public var text: String { Charset.decode(content, charset: parameters["charset"]) }

    public var isAttachment: Bool {
        let disposition = header("Content-Disposition").map { MIMEHeaders.parameterized($0).value }
        return disposition == "attachment"
    }
}

/// Parses RFC 5322 / MIME messages. Bounded: nesting depth, part count and total size are capped.
public enum MIMEParser {
    /// Messages larger than this are cut; what is kept still parses.
    public static let maxMessageBytes = 25 * 1024 * 1024
    static let maxDepth = 12
    static let maxParts = 500

    /// Parses a whole message (headers, blank line, body).
    public static func parse(_ raw: [UInt8]) -> MIMEPart {
        var budget = maxParts
        let bytes = raw.count > maxMessageBytes ? Array(raw[0..<maxMessageBytes]) : raw
        return parseEntity(bytes[...], depth: 0, budget: &budget)
    }

    /// Parses a message given as a String (its UTF-8 bytes).
    public static func parse(_ raw: String) -> MIMEPart { parse(Array(raw.utf8)) }

    /// Splits a multipart body (e.g. `multipart/form-data`) on `boundary`; each part has headers, name, filename, content.
    public static func parseMultipart(body: [UInt8], boundary: String) -> [MIMEPart] {
        var budget = maxParts
        return multipart(body[...], boundary: boundary, depth: 0, budget: &budget)
    }

    /// `Data` overload of `parseMultipart(body:boundary:)`.
    public static func parseMultipart(body: Data, boundary: String) -> [MIMEPart] {
        parseMultipart(body: [UInt8](body), boundary: boundary)
    }

    /// Finds the blank line that ends the header section; returns (header end, body start).
    static func splitHeaders(_ b: ArraySlice<UInt8>) -> (Int, Int) {
        var i = b.startIndex
        let end = b.endIndex
        // A body with no headers at all starts with a blank line.
        if i < end && b[i] == ASCII.lineFeed { return (i, i + 1) }
        if i + 1 < end && b[i] == ASCII.carriageReturn && b[i + 1] == ASCII.lineFeed { return (i, i + 2) }
        while i < end {
            if b[i] == ASCII.lineFeed {
                if i + 1 < end && b[i + 1] == ASCII.lineFeed { return (i + 1, i + 2) }
                if i + 2 < end && b[i + 1] == ASCII.carriageReturn && b[i + 2] == ASCII.lineFeed {
                    return (i + 1, i + 3)
                }
            }
            i += 1
        }
        return (end, end)
    }

    static func parseEntity(_ b: ArraySlice<UInt8>, depth: Int, budget: inout Int) -> MIMEPart {
        budget -= 1
        let (headerEnd, bodyStart) = splitHeaders(b)
        let headers = MIMEHeaders.parse(b[b.startIndex..<headerEnd])
        var part = MIMEPart(headers: headers)
        let (type, params) = MIMEHeaders.parameterized(MIMEHeaders.value("Content-Type", in: headers) ?? "text/plain")
        part.contentType = type.isEmpty || !type.contains("/") ? "text/plain" : type
        part.parameters = params
        if let disposition = MIMEHeaders.value("Content-Disposition", in: headers) {
            let d = MIMEHeaders.parameterized(disposition).parameters
            part.name = d["name"].map(EncodedWords.decode)
            part.filename = d["filename"].map(EncodedWords.decode)
        }
        if part.filename == nil, let n = params["name"] { part.filename = EncodedWords.decode(n) }
        let body = b[min(bodyStart, b.endIndex)..<b.endIndex]
        if part.contentType.hasPrefix("multipart/"), let boundary = params["boundary"], !boundary.isEmpty,
            depth < maxDepth, budget > 0
        {
            part.parts = multipart(body, boundary: boundary, depth: depth + 1, budget: &budget)
            if part.parts.isEmpty { part.content = Array(body) }
            return part
        }
        let encoding = TextLines.lower(
            TextLines.strip(MIMEHeaders.value("Content-Transfer-Encoding", in: headers) ?? ""))
        switch encoding {
        case "base64": part.content = Base64Decoder.decode(body)
        case "quoted-printable": part.content = QuotedPrintable.decode(body)
        default: part.content = Array(body)
        }
        if part.contentType == "message/rfc822" || part.contentType == "message/global", depth < maxDepth, budget > 0 {
            part.parts = [parseEntity(part.content[...], depth: depth + 1, budget: &budget)]
        }
        return part
    }

    /// Splits on `--boundary` lines (RFC 2046 §5.1.1); the preamble and epilogue are dropped.
    static func multipart(_ body: ArraySlice<UInt8>, boundary: String, depth: Int, budget: inout Int) -> [MIMEPart] {
        let delimiter = Array("--".utf8) + Array(boundary.utf8)
        var parts: [MIMEPart] = []
        var starts: [(lineStart: Int, contentStart: Int)] = []
        var closed = false
        var i = body.startIndex
        let end = body.endIndex
        // Scan line starts only, so the cost is linear in the body size.
        while i < end {
            var lineEnd = i
            while lineEnd < end && body[lineEnd] != ASCII.lineFeed { lineEnd += 1 }
            if lineEnd - i >= delimiter.count && body[i] == ASCII.hyphen
                && body[i..<(i + delimiter.count)].elementsEqual(delimiter)
            {
                let after = i + delimiter.count
                let isClose = after + 1 < end && body[after] == ASCII.hyphen && body[after + 1] == ASCII.hyphen
                starts.append((i, min(lineEnd + 1, end)))
                if isClose {
                    closed = true
                    break
                }
            }
            i = lineEnd + 1
        }
        guard starts.count >= 1 else { return [] }
        let count = closed ? starts.count - 1 : starts.count
        for k in 0..<count {
            guard budget > 0 else { break }
            let contentStart = starts[k].contentStart
            var contentEnd = k + 1 < starts.count ? starts[k + 1].lineStart : end
            // The CRLF before a delimiter belongs to the delimiter.
            if contentEnd > contentStart && body[contentEnd - 1] == ASCII.lineFeed { contentEnd -= 1 }
            if contentEnd > contentStart && body[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
            if contentEnd < contentStart { contentEnd = contentStart }
            parts.append(parseEntity(body[contentStart..<contentEnd], depth: depth, budget: &budget))
        }
        return parts
    }
}

/// What the extractor needs from a parsed message: its best text, HTML, and structure facts.
struct MessageBody {
    var text: String?
    var html: String?
    var isReport = false
    var attachedMessages: [MIMEPart] = []

    init(_ root: MIMEPart) {
        collect(root, depth: 0)
    }

    private mutating func collect(_ part: MIMEPart, depth: Int) {
        let type = part.contentType
        if type == "multipart/report" { isReport = true }
        if type.hasPrefix("multipart/") {
            if type == "multipart/alternative" {
                // Prefer plain text; take HTML only when no plain part exists.
                for child in part.parts { collect(child, depth: depth + 1) }
            } else {
                for child in part.parts { collect(child, depth: depth + 1) }
            }
            return
        }
        if type == "message/rfc822" || type == "message/global" {
            if let inner = part.parts.first { attachedMessages.append(inner) }
            return
        }
        if part.isAttachment && part.filename != nil { return }
        if type == "text/plain" && text == nil {
            text = part.text
        } else if type == "text/html" && html == nil {
            html = part.text
        }
    }
}

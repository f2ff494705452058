import Foundation

/// One header, query parameter or form value as a name and a text value.
public struct HTTPField: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Request or response headers in arrival order, looked up case-insensitively (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [HTTPField]

    public init(_ fields: [HTTPField] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { HTTPField($0.0, $0.1) }
    }

    /// The first value of the header `name` (any case), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the header `name` (any case), in arrival order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Header names compared without case. Names are ASCII tokens (RFC 9110 §5.1), compared byte by byte with
    /// ASCII letters folded; Foundation's `caseInsensitiveCompare` bridged through NSString for every header of
    /// every lookup (thousands of instructions each). Anything else falls back to it.
    static func sameName(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        guard x.count == y.count else { return false }
        var ascii = true
        let equal = x.elementsEqual(y) { p, q in
            ascii = ascii && p < 0x80 && q < 0x80
            let folded = p | 0x20
            return p == q || (folded == q | 0x20 && folded >= UInt8(ascii: "a") && folded <= UInt8(ascii: "z"))
        }
        if ascii { return equal }
        return a.caseInsensitiveCompare(b) == .orderedSame
    }

    /// Appends a header, keeping any earlier one of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append(HTTPField(name, value)) }

    /// Replaces every header of this name (any case) with one value.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append(HTTPField(name, value))
    }

    /// Removes every header of this name (any case).
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }
}

/// One decoded field of an `application/x-www-form-urlencoded` or `multipart/form-data` body.
public struct HTTPFormField: Sendable, Equatable {
    public var name: String
    /// The part's file name (multipart file uploads only).
    public var filename: String?
    /// The part's own Content-Type (multipart only).
    public var contentType: String?
    /// The decoded value as bytes (percent-decoding or multipart framing removed).
    public var data: Data

    public init(name: String, filename: String? = nil, contentType: String? = nil, data: Data) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }

    /// The value as UTF-8 text (invalid sequences replaced).
    public var value: String { String(decoding: data, as: UTF8.self) }
}

/// The decoded fields of a form body, in body order; names may repeat.
public struct HTTPForm: Sendable, Equatable {
    public var fields: [HTTPFormField]

    public init(fields: [HTTPFormField] = []) { self.fields = fields }

    /// The first value named `name` as text, or nil.
    public subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value named `name` as text, in body order.
    public func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// The first field named `name` (for file parts, with its file name and type).
    public func field(_ name: String) -> HTTPFormField? { fields.first { $0.name == name } }

    /// Name → first value, for callers that need each parameter once (e.g. signature bases).
    public var firstValues: [String: String] {
        var result: [String: String] = [:]
        for field in fields where result[field.name] == nil { result[field.name] = field.value }
        return result
    }
}

/// A fully received request, handed to a route handler on one of the server's threads.
public struct HTTPRequest: Sendable {
    /// The method as sent (`GET`, `POST`, …).
    public var method: String
    /// The percent-decoded path without the query string, e.g. `/l/abc`.
    public var path: String
    /// The request target exactly as sent: path and query, still percent-encoded (signature checks
    /// such as Twilio's cover the URL as the provider called it).
    public var target: String
    /// Values of the route pattern's `:name` segments (and `*` for a prefix route's remainder).
    public var pathParameters: [String: String]
    /// Query parameters in URL order, percent-decoded.
    public var query: [HTTPField]
    /// Cookies of the `Cookie` header, as libmicrohttpd parses them (`MHD_COOKIE_KIND`), in header order.
    public var cookies: [HTTPField] = []
    public var headers: HTTPHeaders
    /// The body exactly as received (kept even when decoded into `form`, because signatures cover it); empty
    /// when the route spooled it to a temporary file (see `bodyLength`).
    public var body: Data
    /// The body's size in bytes as received, also when it was spooled.
    public var bodyLength: Int
    /// Decoded fields when the body is url-encoded or multipart form data; nil otherwise.
    public var form: HTTPForm?
    /// The peer's numeric address (`127.0.0.1`, `::1`), or "" when unknown.
    public var remoteAddress: String
    /// The client: the peer, or when the peer is a trusted proxy, the rightmost address in `X-Forwarded-For`
    /// that is not a trusted proxy (see `TrustedProxies`).
    public var clientAddress: String

    public init(
        method: String, path: String, target: String? = nil, pathParameters: [String: String] = [:],
        query: [HTTPField] = [],
        headers: HTTPHeaders = [:], body: Data = Data(), form: HTTPForm? = nil, remoteAddress: String = "",
        clientAddress: String? = nil, bodyLength: Int? = nil
    ) {
        self.method = method
        self.path = path
        self.target = target ?? path
        self.pathParameters = pathParameters
        self.query = query
        self.headers = headers
        self.body = body
        self.form = form
        self.remoteAddress = remoteAddress
        self.clientAddress = clientAddress ?? remoteAddress
        self.bodyLength = bodyLength ?? body.count
    }

    /// The first query parameter named `name`, or nil.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The first cookie named `name`, or nil.
    public func cookie(_ name: String) -> String? { cookies.first { $0.name == name }?.value }

    /// The media type of the body, lowercased and without parameters (`application/json`), or nil.
    public var mediaType: String? { HTTPRequest.mediaType(of: headers["Content-Type"]) }

    static func mediaType(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        let trimmed = type.trimmingBlanks().lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// A response: status, headers and body bytes. Content-Length and Date are added by libmicrohttpd.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(text.utf8))
    }

    /// An `application/json` response from already-encoded bytes.
    public static func json(_ body: Data, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// An HTML page with the security headers of `SecurityHeaders.htmlPage`.
    public static func html(_ html: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: Data(html.utf8)
        ).withSecurityHeaders()
    }

    /// This response with the HTML page security headers set (replacing any of the same name).
    public func withSecurityHeaders() -> HTTPResponse {
        var copy = self
        for field in SecurityHeaders.htmlPage { copy.headers.set(field.name, field.value) }
        return copy
    }

    /// 400 with a short plain-text reason.
    public static func badRequest(_ reason: String = "Bad request.") -> HTTPResponse { .text(reason, status: 400) }
    /// 401 with a `WWW-Authenticate` challenge.
    public static func unauthorized(challenge: String = "Bearer") -> HTTPResponse {
        var response = HTTPResponse.text("Unauthorized.", status: 401)
        response.headers.set("WWW-Authenticate", challenge)
        return response
    }
    /// 403, e.g. for a bad webhook signature.
    public static func forbidden(_ reason: String = "Forbidden.") -> HTTPResponse { .text(reason, status: 403) }
    /// 404.
    public static let notFound = HTTPResponse.text("Not found.", status: 404)
    /// 405 with the `Allow` header listing the methods the path accepts.
    public static func methodNotAllowed(allow: [String]) -> HTTPResponse {
        var response = HTTPResponse.text("Method not allowed.", status: 405)
        response.headers.set("Allow", allow.joined(separator: ", "))
        return response
    }
    /// 408.
    public static let requestTimeout = HTTPResponse.text("Request timeout.", status: 408)
    /// 413 for a body over the route's cap.
    public static let payloadTooLarge = HTTPResponse.text("Request body too large.", status: 413)
    /// 415 for a body type the route does not take.
    public static let unsupportedMediaType = HTTPResponse.text("Unsupported media type.", status: 415)
    /// 429 with `Retry-After` in seconds, for a client over its share.
    public static func tooManyRequests(retryAfter: Int) -> HTTPResponse {
        var response = HTTPResponse.text("Too many requests from your address.", status: 429)
        response.headers.set("Retry-After", String(retryAfter))
        return response
    }
    /// 500 without details (the cause goes to the log only).
    public static let internalServerError = HTTPResponse.text("Internal server error.", status: 500)
    /// 503, optionally with `Retry-After` in seconds.
    public static func serviceUnavailable(_ reason: String = "Service unavailable.", retryAfter: Int? = nil)
        -> HTTPResponse
    {
        var response = HTTPResponse.text(reason, status: 503)
        if let retryAfter { response.headers.set("Retry-After", String(retryAfter)) }
        return response
    }
}

/// Headers every HTML page carries: nothing loads but inline style and https images, forms post
/// only back to us, nothing is cached (pages behind one-time links), no referrer leaks a token.
public enum SecurityHeaders {
    /// The Content-Security-Policy of every HTML page.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    /// The full header set for HTML pages.
    public static let htmlPage: [HTTPField] = [
        HTTPField("Content-Security-Policy", contentSecurityPolicy),
        HTTPField("Cache-Control", "no-store"),
        HTTPField("Referrer-Policy", "no-referrer"),
        HTTPField("X-Content-Type-Options", "nosniff"),
        HTTPField("X-Frame-Options", "DENY"),
    ]
}

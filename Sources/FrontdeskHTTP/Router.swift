import Foundation

/// A route handler. It runs synchronously on one of libmicrohttpd's threads; a thrown error becomes
/// a logged 500 with no details in the body.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// The largest body a route accepts, by kind of body. Enforced while the body streams in.
public struct BodyLimit: Sendable, Equatable {
    /// Cap for url-encoded forms, JSON and every other type.
    public var standard: Int
    /// Cap for `multipart/*` and `message/*` (raw MIME) bodies.
    public var mime: Int

    public init(standard: Int, mime: Int) {
        self.standard = standard
        self.mime = mime
    }

    /// 1 MiB whatever the type: forms, JSON, admin calls.
    public static let small = BodyLimit(standard: 1 << 20, mime: 1 << 20)
    /// 1 MiB for forms and JSON, 25 MiB for multipart or raw MIME (email webhooks with attachments).
    public static let mime = BodyLimit(standard: 1 << 20, mime: 25 << 20)
    /// No body at all (GET pages).
    public static let none = BodyLimit(standard: 0, mime: 0)

    /// The cap for a body whose media type (lowercased, no parameters) is `mediaType`.
    public func cap(forMediaType mediaType: String?) -> Int {
        guard let mediaType else { return standard }
        return mediaType.hasPrefix("multipart/") || mediaType.hasPrefix("message/") ? mime : standard
    }
}

/// A check run on a request's headers before any of its body is read (e.g. credentials in headers). A response
/// refuses the request at once: its body is never read. The request it sees has no body and no form.
public typealias HTTPHeaderCheck = @Sendable (HTTPRequest) -> HTTPResponse?

/// One method plus path pattern and its handler.
///
/// Patterns are `/`-separated segments: a literal (`webhooks`), a parameter (`:token`), or a final
/// `*` that matches the rest of the path (one or more segments), stored as the parameter `*`.
public struct Route: Sendable {
    public let method: String
    public let pattern: String
    public let bodyLimit: BodyLimit
    /// Decode url-encoded and multipart bodies into `HTTPRequest.form` with libmicrohttpd's post processor.
    public let decodesForm: Bool
    /// Run when the headers are in; a response it returns is sent without reading the body.
    public let headerCheck: HTTPHeaderCheck?
    /// A body over the server's spool threshold goes to a temporary file instead of memory (form decoding then
    /// reads it back from there); `HTTPRequest.body` is empty for such a request.
    public let spoolsBody: Bool
    /// Whether form file parts (attachments) keep their bytes; when false they keep their name, file name and
    /// type with empty data, so attachments never occupy memory.
    public let keepsFileParts: Bool
    public let handler: HTTPHandler
    let segments: [Segment]

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest
    }

    /// Returns nil when the pattern is malformed (empty `:` name, `*` not last, no leading `/`).
    public init?(
        _ method: String, _ pattern: String, bodyLimit: BodyLimit = .small, decodesForm: Bool = true,
        headerCheck: HTTPHeaderCheck? = nil, spoolsBody: Bool = false, keepsFileParts: Bool = true,
        handler: @escaping HTTPHandler
    ) {
        guard pattern.hasPrefix("/"), !method.isEmpty else { return nil }
        var segments: [Segment] = []
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        for (index, part) in parts.enumerated() {
            if part == "*" {
                guard index == parts.count - 1 else { return nil }
                segments.append(.rest)
            } else if part.hasPrefix(":") {
                let name = String(part.dropFirst())
                guard !name.isEmpty else { return nil }
                segments.append(.parameter(name))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        self.method = method.uppercased()
        self.pattern = pattern
        self.bodyLimit = bodyLimit
        self.decodesForm = decodesForm
        self.headerCheck = headerCheck
        self.spoolsBody = spoolsBody
        self.keepsFileParts = keepsFileParts
        self.handler = handler
        self.segments = segments
    }

    /// The parameters when `path` matches the pattern, else nil.
    func parameters(for pathSegments: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .rest:
                guard index < pathSegments.count else { return nil }
                parameters["*"] = pathSegments[index...].joined(separator: "/")
                return parameters
            case .literal(let literal):
                guard index < pathSegments.count, pathSegments[index] == literal else { return nil }
            case .parameter(let name):
                guard index < pathSegments.count else { return nil }
                parameters[name] = String(pathSegments[index])
            }
        }
        return pathSegments.count == segments.count ? parameters : nil
    }
}

/// The outcome of looking a request up in a `Router`.
public enum RouteMatch: Sendable {
    case found(Route, parameters: [String: String])
    /// The path exists but not for this method; `allow` lists the methods it takes.
    case methodNotAllowed(allow: [String])
    case notFound
}

/// Method + path routing; the first registered route that matches wins.
public struct Router: Sendable {
    public private(set) var routes: [Route] = []

    public init() {}

    /// Adds a route. A malformed pattern is a programming error and stops the program.
    public mutating func add(
        _ method: String, _ pattern: String, bodyLimit: BodyLimit = .small, decodesForm: Bool = true,
        headerCheck: HTTPHeaderCheck? = nil, spoolsBody: Bool = false, keepsFileParts: Bool = true,
        handler: @escaping HTTPHandler
    ) {
        guard
            let route = Route(
                method, pattern, bodyLimit: bodyLimit, decodesForm: decodesForm, headerCheck: headerCheck,
                spoolsBody: spoolsBody, keepsFileParts: keepsFileParts, handler: handler)
        else { preconditionFailure("malformed route pattern \(pattern)") }
        routes.append(route)
    }

    /// Adds a GET route (it also answers HEAD; libmicrohttpd drops the body).
    public mutating func get(_ pattern: String, handler: @escaping HTTPHandler) {
        add("GET", pattern, bodyLimit: .none, handler: handler)
    }

    /// Adds a POST route.
    public mutating func post(
        _ pattern: String, bodyLimit: BodyLimit = .small, decodesForm: Bool = true,
        headerCheck: HTTPHeaderCheck? = nil, spoolsBody: Bool = false, keepsFileParts: Bool = true,
        handler: @escaping HTTPHandler
    ) {
        add(
            "POST", pattern, bodyLimit: bodyLimit, decodesForm: decodesForm, headerCheck: headerCheck,
            spoolsBody: spoolsBody, keepsFileParts: keepsFileParts, handler: handler)
    }

    /// Finds the route for `method` and the decoded `path`.
    public func match(method: String, path: String) -> RouteMatch {
        let pathSegments = path.split(separator: "/", omittingEmptySubsequences: true)
        let wanted = method.uppercased()
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.parameters(for: pathSegments) else { continue }
            if route.method == wanted || (wanted == "HEAD" && route.method == "GET") {
                return .found(route, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if route.method == "GET" && !allowed.contains("HEAD") { allowed.append("HEAD") }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allow: allowed)
    }
}

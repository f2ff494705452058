import CMicroHTTPD
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where and how the server listens, and its limits.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Numeric IPv4 or IPv6 address to bind (`127.0.0.1`, `0.0.0.0`, `::1`); `localhost` means 127.0.0.1.
    public var host: String
    /// TCP port; 0 picks a free one (read it back from `HTTPServer.port`).
    public var port: UInt16
    /// Number of libmicrohttpd worker threads, each with its own epoll set.
    public var threadPoolSize: Int
    /// Most concurrent connections in total.
    public var connectionLimit: Int
    /// Most concurrent connections from one IP address (0 = no limit).
    public var perIPConnectionLimit: Int
    /// Seconds of inactivity after which libmicrohttpd closes a connection.
    public var connectionTimeoutSeconds: Int
    /// Per-connection memory pool; the request line and headers must fit in it.
    public var connectionMemoryLimit: Int
    /// How long `stop()` waits for in-flight requests before closing their connections.
    public var shutdownGracePeriodSeconds: Double
    /// Use epoll when libmicrohttpd supports it (else poll).
    public var preferEpoll: Bool

    public init(
        host: String = "127.0.0.1", port: UInt16 = 0, threadPoolSize: Int = 2, connectionLimit: Int = 1024,
        perIPConnectionLimit: Int = 256, connectionTimeoutSeconds: Int = 30, connectionMemoryLimit: Int = 64 * 1024,
        shutdownGracePeriodSeconds: Double = 10, preferEpoll: Bool = true
    ) {
        self.host = host
        self.port = port
        self.threadPoolSize = threadPoolSize
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.connectionMemoryLimit = connectionMemoryLimit
        self.shutdownGracePeriodSeconds = shutdownGracePeriodSeconds
        self.preferEpoll = preferEpoll
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// The host is not a numeric IPv4/IPv6 address.
    case invalidHost(String)
    /// `start()` was called while running.
    case alreadyRunning
    /// libmicrohttpd refused to start (port in use, no permission, bad option).
    case startFailed(host: String, port: UInt16, reason: String)

    public var description: String {
        switch self {
        case .invalidHost(let host): return "invalid listen address \(host) (use a numeric IPv4 or IPv6 address)"
        case .alreadyRunning: return "the HTTP server is already running"
        case .startFailed(let host, let port, let reason): return "cannot listen on \(host):\(port): \(reason)"
        }
    }
}

/// An HTTP/1.1 server on libmicrohttpd: internal polling threads (epoll, thread pool), routing,
/// body caps enforced while bodies stream in, form decoding, access log, graceful stop.
///
/// Handlers run synchronously on libmicrohttpd's threads. Never call `stop()` from a handler.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    public let router: Router
    /// Request counters fed after every request, when given.
    public let metrics: HTTPMetrics?
    private let logger: HTTPLogger
    private let lock = NSLock()
    // Guarded by `lock`.
    private var running: (daemon: OpaquePointer, core: ServerCore)?
    private var boundPort: UInt16 = 0

    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(), router: Router,
        metrics: HTTPMetrics? = nil, logger: @escaping HTTPLogger = { _ in }
    ) {
        self.configuration = configuration
        self.router = router
        self.metrics = metrics
        self.logger = logger
    }

    deinit { stop() }

    /// The bound port of the current (or last) run; useful with `port: 0`.
    public var port: UInt16 {
        lock.lock()
        defer { lock.unlock() }
        return boundPort
    }

    /// Whether the daemon is accepting connections.
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running != nil
    }

    /// Requests whose handling has started and whose response has not finished sending.
    public var inFlightRequests: Int {
        lock.lock()
        defer { lock.unlock() }
        return running?.core.inFlight ?? 0
    }

    /// Binds and starts the worker threads. Block termination signals (`SignalWaiter`) before this
    /// so that libmicrohttpd's threads inherit the mask.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard running == nil else { throw HTTPServerError.alreadyRunning }

        let config = configuration
        var address = try BindAddress(host: config.host, port: config.port)
        let epoll = config.preferEpoll && MHD_is_feature_supported(MHD_FEATURE.FEATURE_EPOLL) == MHD_Result.YES
        // MHD_USE_ITC is required by MHD_quiesce_daemon, which stop() relies on.
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_ITC.rawValue | MHD_USE_ERROR_LOG.rawValue
        flags |= epoll ? MHD_USE_EPOLL.rawValue : MHD_USE_POLL.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }

        let core = ServerCore(router: router, metrics: metrics, logger: logger)
        let context = Unmanaged.passUnretained(core).toOpaque()
        let daemon: OpaquePointer? = address.withSockaddr { sockaddr in
            var settings = fd_mhd_settings(
                flags: UInt32(flags), port: config.port, bind_address: sockaddr,
                thread_pool_size: UInt32(clamping: max(1, config.threadPoolSize)),
                connection_limit: UInt32(clamping: max(1, config.connectionLimit)),
                per_ip_connection_limit: UInt32(clamping: max(0, config.perIPConnectionLimit)),
                connection_timeout_seconds: UInt32(clamping: max(0, config.connectionTimeoutSeconds)),
                connection_memory_limit: max(0, config.connectionMemoryLimit),
                connection_memory_increment: 0, listen_backlog: 0)
            return fd_mhd_start(&settings, accessHandler, requestCompleted, libraryLogger, uriLogger, context)
        }
        guard let daemon else {
            let reason = String(cString: strerror(errno))
            throw HTTPServerError.startFailed(host: config.host, port: config.port, reason: reason)
        }
        running = (daemon, core)
        boundPort = fd_mhd_bind_port(daemon)
        let threads = max(1, config.threadPoolSize)
        logger(.lifecycle("listening on \(config.host):\(boundPort) (\(epoll ? "epoll" : "poll"), \(threads) threads)"))
    }

    /// Starts, blocks the calling thread until one of `waiter`'s signals arrives, then stops gracefully.
    /// Create the waiter before anything starts threads (see `SignalWaiter`). Returns the signal.
    @discardableResult
    public func run(until waiter: SignalWaiter) throws -> Int32 {
        try start()
        let signal = waiter.wait()
        logger(.lifecycle("signal \(signal) received"))
        stop()
        return signal
    }

    /// Stops gracefully: stop accepting (MHD_quiesce_daemon), let in-flight requests finish and
    /// their responses go out (up to the grace period), then close everything (MHD_stop_daemon).
    /// New requests on kept-alive connections meanwhile get 503 with `Connection: close`.
    public func stop() {
        lock.lock()
        guard let (daemon, core) = running.map({ ($0.daemon, $0.core) }) else {
            lock.unlock()
            return
        }
        running = nil
        lock.unlock()

        core.beginStopping()
        // "the caller is responsible for closing the returned socket" (MHD_quiesce_daemon);
        // closing it now makes new connection attempts fail at once instead of waiting in the backlog.
        let listenSocket = MHD_quiesce_daemon(daemon)
        if listenSocket >= 0 { close(listenSocket) }
        let remaining = core.waitUntilIdle(timeout: configuration.shutdownGracePeriodSeconds)
        logger(.lifecycle("stopping with \(remaining) request(s) still in flight"))
        MHD_stop_daemon(daemon)
        // The core is the callbacks' context: it must outlive every callback, which ends with MHD_stop_daemon.
        withExtendedLifetime(core) {}
        logger(.lifecycle("stopped"))
    }
}

/// A numeric listen address in the form MHD_OPTION_SOCK_ADDR wants.
private struct BindAddress {
    var storage = sockaddr_storage()
    var isIPv6 = false

    init(host: String, port: UInt16) throws {
        let host = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeBytes(of: v4) { bytes in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
            }
        } else if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeBytes(of: v6) { bytes in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
            }
            isIPv6 = true
        } else {
            throw HTTPServerError.invalidHost(host)
        }
    }

    mutating func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>) -> T) -> T {
        withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0) }
        }
    }
}

// MARK: - Per-run state shared by all worker threads

/// The callbacks' context for one run of the daemon.
final class ServerCore: @unchecked Sendable {
    let router: Router
    let metrics: HTTPMetrics?
    let logger: HTTPLogger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var inFlightCount = 0
    private var stopping = false

    init(router: Router, metrics: HTTPMetrics?, logger: @escaping HTTPLogger) {
        self.router = router
        self.metrics = metrics
        self.logger = logger
    }

    var inFlight: Int {
        condition.lock()
        defer { condition.unlock() }
        return inFlightCount
    }

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Counts a new request in.
    func requestStarted() {
        condition.lock()
        defer { condition.unlock() }
        inFlightCount += 1
    }

    func requestFinished() {
        condition.lock()
        inFlightCount -= 1
        if inFlightCount == 0 { condition.broadcast() }
        condition.unlock()
    }

    func beginStopping() {
        condition.lock()
        stopping = true
        condition.unlock()
    }

    /// Waits until no request is in flight or `timeout` seconds pass; returns how many remain.
    func waitUntilIdle(timeout: Double) -> Int {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while inFlightCount > 0 {
            if !condition.wait(until: deadline) { break }
        }
        return inFlightCount
    }

    // MARK: Request handling

    /// libmicrohttpd calls this once when the headers are in, once per body chunk, and once when
    /// the request is complete; `state` (kept in `con_cls`) carries the request across the calls.
    func handle(
        connection: OpaquePointer, url: String, method: String, upload: UnsafePointer<CChar>?,
        uploadSize: UnsafeMutablePointer<Int>, conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        // The state was made by the URI callback (with the raw target); it is nil only if that did not run.
        let state: RequestState
        if let raw = conCls.pointee {
            state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
        } else {
            state = RequestState(target: url)
            conCls.pointee = Unmanaged.passRetained(state).toOpaque()
            requestStarted()
        }
        if state.headersDone {
            if uploadSize.pointee > 0 {
                return receive(upload, size: uploadSize, state: state, connection: connection)
            }
            return finish(state, connection: connection)
        }

        // First call: the request line and headers are in.
        state.headersDone = true
        state.method = method
        state.path = url
        if isStopping {
            return respond(.serviceUnavailable("Server is shutting down.", retryAfter: 1), state, connection)
        }
        switch router.match(method: method, path: url) {
        case .notFound:
            return respond(.notFound, state, connection)
        case .methodNotAllowed(let allow):
            return respond(.methodNotAllowed(allow: allow), state, connection)
        case .found(let route, let parameters):
            state.route = route
            state.parameters = parameters
            let mediaType = HTTPRequest.mediaType(of: headerValue(connection, "Content-Type"))
            state.cap = route.bodyLimit.cap(forMediaType: mediaType)
            if let declared = headerValue(connection, "Content-Length").flatMap({ Int($0) }) {
                // Answering before the body is read: libmicrohttpd then skips the body (and sends no
                // "100 Continue") and closes the connection after the response.
                if declared > state.cap { return respond(.payloadTooLarge, state, connection) }
                state.body.reserveCapacity(declared)
            }
            if route.decodesForm
                && (mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data")
            {
                let context = Unmanaged.passUnretained(state).toOpaque()
                // 16 KiB holds the longest field name and multipart part headers we accept.
                guard let processor = MHD_create_post_processor(connection, 16 * 1024, postIterator, context) else {
                    return respond(.badRequest("Malformed form body."), state, connection)
                }
                state.postProcessor = processor
            }
            return MHD_Result.YES
        }
    }

    /// One chunk of the body: keep it (up to the cap) and feed the post processor.
    private func receive(
        _ upload: UnsafePointer<CChar>?, size: UnsafeMutablePointer<Int>, state: RequestState,
        connection: OpaquePointer
    ) -> MHD_Result {
        let count = size.pointee
        size.pointee = 0
        if state.tooLarge {
            state.discarded += count
            // A chunked body has no Content-Length to refuse up front, and libmicrohttpd 0.9.75
            // refuses MHD_queue_response while body data is being delivered ("The response cannot
            // be queued when this callback is called to process the client upload data"). So the
            // rest is read and dropped, up to a bound, to send the 413 once the body ends; a client
            // that keeps going past the bound is disconnected.
            return state.discarded > max(state.cap, 1 << 20) ? MHD_Result.NO : MHD_Result.YES
        }
        guard let upload else { return MHD_Result.YES }
        if state.body.count + count > state.cap {
            state.tooLarge = true
            state.discarded = count
            state.body = Data()
            state.form = []
            state.destroyPostProcessor()
            return MHD_Result.YES
        }
        upload.withMemoryRebound(to: UInt8.self, capacity: count) { state.body.append($0, count: count) }
        if let processor = state.postProcessor, !state.formFailed {
            if MHD_post_process(processor, upload, count) != MHD_Result.YES { state.formFailed = true }
        }
        return MHD_Result.YES
    }

    /// The whole request is in: run the handler and queue its response.
    private func finish(_ state: RequestState, connection: OpaquePointer) -> MHD_Result {
        if state.tooLarge { return respond(.payloadTooLarge, state, connection) }
        var form: HTTPForm?
        if let processor = state.postProcessor {
            state.postProcessor = nil
            // Destroying the processor flushes the last url-encoded value; MHD_Result.NO means the body
            // ended mid-structure (e.g. a multipart body without its closing boundary).
            if MHD_destroy_post_processor(processor) != MHD_Result.YES { state.formFailed = true }
            form = HTTPForm(fields: state.form)
            state.form = []
        }
        if state.formFailed { return respond(.badRequest("Malformed form body."), state, connection) }
        guard let route = state.route else { return respond(.notFound, state, connection) }

        let request = HTTPRequest(
            method: state.method, path: state.path, target: state.target, pathParameters: state.parameters,
            query: fields(connection, .GET_ARGUMENT_KIND), headers: HTTPHeaders(fields(connection, .HEADER_KIND)),
            body: state.body, form: form, remoteAddress: remoteAddress(connection))
        state.body = Data()
        let response: HTTPResponse
        do {
            response = try route.handler(request)
        } catch {
            logger(.handlerError(method: state.method, path: state.loggedPath, error: "\(type(of: error)): \(error)"))
            response = .internalServerError
        }
        return respond(response, state, connection)
    }

    private func respond(_ response: HTTPResponse, _ state: RequestState, _ connection: OpaquePointer) -> MHD_Result {
        let created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse = created else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        for field in response.headers {
            // CR or LF in a header would split the response; libmicrohttpd refuses those too.
            let unsafe = field.name.isEmpty || (field.name + field.value).contains { $0 == "\r" || $0 == "\n" }
            if unsafe || MHD_add_response_header(mhdResponse, field.name, field.value) != MHD_Result.YES {
                logger(
                    .handlerError(method: state.method, path: state.loggedPath, error: "dropped header \(field.name)"))
            }
        }
        if isStopping { _ = MHD_add_response_header(mhdResponse, "Connection", "close") }
        let result = MHD_queue_response(connection, UInt32(clamping: response.status), mhdResponse)
        if result == MHD_Result.YES { state.status = response.status }
        return result
    }

    /// Called by MHD_OPTION_NOTIFY_COMPLETED: log, count, release.
    func completed(_ state: RequestState) {
        state.destroyPostProcessor()
        let microseconds = Int((DispatchTime.now().uptimeNanoseconds - state.started) / 1000)
        if state.headersDone {
            logger(
                .access(method: state.method, path: state.loggedPath, status: state.status, microseconds: microseconds))
            metrics?.record(
                route: state.route?.pattern ?? "unmatched", status: state.status, microseconds: microseconds)
        } else {
            // libmicrohttpd refused the request before our handler saw it (malformed, headers too large).
            let path = state.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
            logger(.access(method: "-", path: AccessLog.redactedPath(path), status: 0, microseconds: microseconds))
            metrics?.record(route: "rejected", status: 0, microseconds: microseconds)
        }
        requestFinished()
    }

    // MARK: Reading the connection

    private func headerValue(_ connection: OpaquePointer, _ name: String) -> String? {
        MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
    }

    private func fields(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [HTTPField] {
        let collector = FieldCollector()
        withExtendedLifetime(collector) {
            _ = MHD_get_connection_values(
                connection, kind, collectField, Unmanaged.passUnretained(collector).toOpaque())
        }
        return collector.fields
    }

    private func remoteAddress(_ connection: OpaquePointer) -> String {
        guard let address = fd_mhd_client_address(connection) else { return "" }
        let length =
            Int32(address.pointee.sa_family) == AF_INET6
            ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = getnameinfo(address, socklen_t(length), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
        guard status == 0 else { return "" }
        return decodeNulTerminated(host)
    }
}

/// Everything known about one request between libmicrohttpd's calls; lives in `con_cls`.
/// Only the worker thread that owns the connection touches it.
final class RequestState {
    /// The request target as sent (path and query, percent-encoded); never logged.
    let target: String
    var method = ""
    var path = ""
    var headersDone = false
    let started = DispatchTime.now().uptimeNanoseconds
    var route: Route?
    var parameters: [String: String] = [:]
    var cap = 0
    var body = Data()
    var tooLarge = false
    var discarded = 0
    var postProcessor: OpaquePointer?
    var form: [HTTPFormField] = []
    var formFailed = false
    /// The status queued, or 0 while none is.
    var status = 0

    init(target: String) {
        self.target = target
    }

    /// The path as it may appear in logs: link tokens and `:token` values replaced.
    var loggedPath: String {
        let secrets = parameters.filter { AccessLog.sensitiveParameterNames.contains($0.key) }.map(\.value)
        return AccessLog.redactedPath(path, secrets: secrets)
    }

    func destroyPostProcessor() {
        if let processor = postProcessor {
            postProcessor = nil
            _ = MHD_destroy_post_processor(processor)
        }
    }

    /// Adds one piece of a decoded form value. libmicrohttpd delivers a long value in several
    /// calls; `offset` is where this piece starts within the value, so 0 begins a new field.
    func appendFormData(
        name: String, filename: String?, contentType: String?, bytes: UnsafePointer<CChar>?, offset: UInt64, size: Int
    ) {
        let piece: Data =
            if let bytes, size > 0 { Data(bytes: bytes, count: size) } else { Data() }
        if offset > 0, let last = form.indices.last, form[last].name == name,
            form[last].data.count == Int(offset)
        {
            form[last].data.append(piece)
            return
        }
        form.append(HTTPFormField(name: name, filename: filename, contentType: contentType, data: piece))
    }
}

private final class FieldCollector {
    var fields: [HTTPField] = []
}

// MARK: - C callbacks (no captures: the context arrives as `cls`)

private let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, upload, uploadSize, conCls in
    guard let cls, let connection, let url, let method, let uploadSize, let conCls else { return MHD_Result.NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    return core.handle(
        connection: connection, url: String(cString: url), method: String(cString: method), upload: upload,
        uploadSize: uploadSize, conCls: conCls)
}

private let uriLogger: fd_mhd_uri_log_callback = { cls, uri, _ in
    guard let cls else { return nil }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    let state = RequestState(target: uri.map { String(cString: $0) } ?? "")
    core.requestStarted()
    return Unmanaged.passRetained(state).toOpaque()
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    core.completed(Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue())
}

private let postIterator: MHD_PostDataIterator = {
    cls, _, key, filename, contentType, _, data, offset, size in
    guard let cls, let key else { return MHD_Result.YES }
    let state = Unmanaged<RequestState>.fromOpaque(cls).takeUnretainedValue()
    state.appendFormData(
        name: String(cString: key), filename: filename.map { String(cString: $0) },
        contentType: contentType.map { String(cString: $0) }, bytes: data, offset: offset, size: size)
    return MHD_Result.YES
}

private let collectField: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return MHD_Result.YES }
    let collector = Unmanaged<FieldCollector>.fromOpaque(cls).takeUnretainedValue()
    collector.fields.append(HTTPField(String(cString: key), value.map { String(cString: $0) } ?? ""))
    return MHD_Result.YES
}

private let libraryLogger: MHD_LogCallback = { cls, format, arguments in
    guard let cls, let format, let arguments else { return }
    var buffer = [CChar](repeating: 0, count: 512)
    _ = vsnprintf(&buffer, buffer.count, format, arguments)
    let message = decodeNulTerminated(buffer).trimmingCharacters(in: .whitespacesAndNewlines)
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().logger(.library(message))
}

/// The text of a NUL-terminated C buffer (invalid UTF-8 replaced).
private func decodeNulTerminated(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

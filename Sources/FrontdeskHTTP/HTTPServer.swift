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
    /// Number of libmicrohttpd worker threads, each with its own epoll set. Handlers run on them, so a few more
    /// than cores keeps `/healthz` answering while others parse large bodies or wait on the database.
    public var threadPoolSize: Int
    /// Most concurrent connections in total.
    public var connectionLimit: Int
    /// Most concurrent connections from one IP address (0 = no limit). A trusted proxy is exempt; each client
    /// it names in `X-Forwarded-For` may have this many requests in flight instead (429 beyond).
    public var perIPConnectionLimit: Int
    /// Seconds of inactivity after which libmicrohttpd closes a connection (an idle timeout).
    public var connectionTimeoutSeconds: Int
    /// Per-connection memory pool; the request line and headers must fit in it.
    public var connectionMemoryLimit: Int
    /// How long `stop()` waits for in-flight requests before closing their connections.
    public var shutdownGracePeriodSeconds: Double
    /// Use epoll when libmicrohttpd supports it (else poll).
    public var preferEpoll: Bool
    /// Seconds within which a request's headers and body must have fully arrived, counted from the connection's
    /// opening or the previous response on it; a slower request has its connection closed (0 = no deadline).
    public var requestDeadlineSeconds: Double
    /// Most bytes of request bodies (and decoded form fields) held in memory across all connections. A request
    /// that would pass it gets 503 with Retry-After (or, on a route that spools, goes to disk).
    public var bodyMemoryLimit: Int
    /// On routes that spool, a body larger than this goes to a temporary file instead of memory.
    public var spoolThreshold: Int
    /// Most bytes of spooled bodies on disk across all connections (503 with Retry-After beyond).
    public var spoolLimit: Int
    /// Where spooled bodies are written (files are mode 0600 and unlinked as soon as they are created).
    public var spoolDirectory: String
    /// Reverse proxies whose `X-Forwarded-For` names the client (for limits and logs); nobody else's is believed.
    public var trustedProxies: TrustedProxies
    /// Threads that run the handlers of requests with a body (webhooks, link actions, admin calls: those that wait
    /// for the store's writer) while their connection is suspended (`MHD_suspend_connection`), so a request waiting
    /// for its commit never holds one of the few polling threads. 0 runs every handler on the polling threads.
    public var handlerThreads: Int = 64
    /// One thread per connection (`MHD_USE_THREAD_PER_CONNECTION`, poll) instead of the polling threads and the
    /// handler threads.
    public var threadPerConnection: Bool = false

    /// `$TMPDIR`, else `/tmp`.
    public static var defaultSpoolDirectory: String {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return dir.isEmpty ? "/tmp" : dir
    }

    public init(
        host: String = "127.0.0.1", port: UInt16 = 0, threadPoolSize: Int = 4, connectionLimit: Int = 1024,
        perIPConnectionLimit: Int = 64, connectionTimeoutSeconds: Int = 30, connectionMemoryLimit: Int = 64 * 1024,
        shutdownGracePeriodSeconds: Double = 10, preferEpoll: Bool = true, requestDeadlineSeconds: Double = 30,
        bodyMemoryLimit: Int = 64 << 20, spoolThreshold: Int = 1 << 20, spoolLimit: Int = 1 << 30,
        spoolDirectory: String = HTTPServerConfiguration.defaultSpoolDirectory, trustedProxies: TrustedProxies = .none
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
        self.requestDeadlineSeconds = requestDeadlineSeconds
        self.bodyMemoryLimit = bodyMemoryLimit
        self.spoolThreshold = spoolThreshold
        self.spoolLimit = spoolLimit
        self.spoolDirectory = spoolDirectory
        self.trustedProxies = trustedProxies
    }
}

/// What the server's limits hold right now, and what they have done since it started.
public struct HTTPResourceUsage: Sendable, Equatable {
    /// Connections open now.
    public var openConnections: Int
    /// Body and form bytes held in memory now, and the most held at once.
    public var bodyMemory: Int
    public var bodyMemoryPeak: Int
    /// Spooled body bytes on disk now, and the most at once.
    public var spool: Int
    public var spoolPeak: Int
    /// Requests whose body went to a spool file.
    public var spooledRequests: Int
    /// Connections refused by the per-address limit, and requests refused by the per-client limit.
    public var refusedByAddressLimit: Int
    /// Connections closed because their request missed the deadline.
    public var closedByDeadline: Int
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
/// body caps enforced while bodies stream in, form decoding, access log, graceful stop, and resource limits
/// (header checks before bodies, shared memory and spool budgets, per-address connections, a request deadline).
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

    /// The limits' current figures (zeros when not running).
    public var resourceUsage: HTTPResourceUsage {
        lock.lock()
        let core = running?.core
        lock.unlock()
        guard let core else {
            return HTTPResourceUsage(
                openConnections: 0, bodyMemory: 0, bodyMemoryPeak: 0, spool: 0, spoolPeak: 0, spooledRequests: 0,
                refusedByAddressLimit: 0, closedByDeadline: 0)
        }
        return core.resourceUsage
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
        if config.threadPerConnection {
            // "If MHD_USE_THREAD_PER_CONNECTION is specified then poll() or select() is used" (microhttpd.h).
            flags |= MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_POLL.rawValue
        } else {
            flags |= epoll ? MHD_USE_EPOLL.rawValue : MHD_USE_POLL.rawValue
            if config.handlerThreads > 0 { flags |= MHD_ALLOW_SUSPEND_RESUME.rawValue }
        }
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }

        raiseOpenFileLimit(atLeast: config.connectionLimit + 256)
        let core = ServerCore(configuration: config, router: router, metrics: metrics, logger: logger)
        let context = Unmanaged.passUnretained(core).toOpaque()
        let daemon: OpaquePointer? = address.withSockaddr { sockaddr in
            var settings = fd_mhd_settings(
                flags: UInt32(flags), port: config.port, bind_address: sockaddr,
                thread_pool_size: config.threadPerConnection ? 0 : UInt32(clamping: max(1, config.threadPoolSize)),
                connection_limit: UInt32(clamping: max(1, config.connectionLimit)),
                // The per-address limit is the accept policy's (ConnectionGuard), which can exempt trusted proxies.
                per_ip_connection_limit: 0,
                connection_timeout_seconds: UInt32(clamping: max(0, config.connectionTimeoutSeconds)),
                connection_memory_limit: max(0, config.connectionMemoryLimit),
                connection_memory_increment: 0, listen_backlog: 0)
            return fd_mhd_start(
                &settings, accessHandler, requestCompleted, libraryLogger, uriLogger, connectionNotified, acceptPolicy,
                context)
        }
        guard let daemon else {
            let reason = String(cString: strerror(errno))
            throw HTTPServerError.startFailed(host: config.host, port: config.port, reason: reason)
        }
        running = (daemon, core)
        boundPort = fd_mhd_bind_port(daemon)
        core.startDeadlineSweeper()
        let model =
            config.threadPerConnection
            ? "poll, a thread per connection"
            : "\(epoll ? "epoll" : "poll"), \(max(1, config.threadPoolSize)) threads"
                + (config.handlerThreads > 0 ? ", \(config.handlerThreads) handler threads" : "")
        logger(.lifecycle("listening on \(config.host):\(boundPort) (\(model))"))
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
        // "It is an API violation to call MHD_stop_daemon while having suspended connections" (microhttpd.h): the
        // handlers still running finish (each resumes its connection) before the daemon stops.
        core.handlers?.stop()
        MHD_stop_daemon(daemon)
        core.connections.stopSweeping()
        // The core is the callbacks' context: it must outlive every callback, which ends with MHD_stop_daemon.
        withExtendedLifetime(core) {}
        logger(.lifecycle("stopped"))
    }

    /// Each connection holds a descriptor (and a spooled body one more): raise the soft limit on open files
    /// towards what the connection limit needs, as far as the hard limit allows (systemd's soft default is 1024).
    private func raiseOpenFileLimit(atLeast wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        let target = min(rlim_t(wanted), limit.rlim_max)
        let before = limit.rlim_cur
        limit.rlim_cur = target
        if target > before && setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger(.lifecycle("raised the open-file limit from \(before) to \(target)"))
        }
        if target < rlim_t(wanted) {
            logger(.lifecycle("open-file limit \(target) is below the \(wanted) the connection limit needs"))
        }
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
    let configuration: HTTPServerConfiguration
    let router: Router
    let metrics: HTTPMetrics?
    let logger: HTTPLogger
    let connections: ConnectionGuard
    /// Body and decoded form bytes held in memory, across connections.
    let memory: ByteBudget
    /// Spooled body bytes on disk, across connections.
    let disk: ByteBudget
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var inFlightCount = 0
    private var stopping = false
    private var spooledCount = 0

    /// Retry-After, in seconds, when a shared limit is full.
    static let busyRetryAfter = 5
    /// Pieces fed to the post processor from a finished body.
    static let parseChunkSize = 64 * 1024

    /// Runs the handlers of requests with a body while their connection is suspended (nil: on the polling threads).
    let handlers: HandlerPool?

    init(configuration: HTTPServerConfiguration, router: Router, metrics: HTTPMetrics?, logger: @escaping HTTPLogger) {
        self.configuration = configuration
        self.router = router
        self.metrics = metrics
        self.logger = logger
        connections = ConnectionGuard(
            perAddressLimit: configuration.perIPConnectionLimit,
            deadlineSeconds: configuration.requestDeadlineSeconds, trustedProxies: configuration.trustedProxies)
        memory = ByteBudget(limit: configuration.bodyMemoryLimit)
        disk = ByteBudget(limit: configuration.spoolLimit)
        handlers =
            configuration.threadPerConnection || configuration.handlerThreads <= 0
            ? nil : HandlerPool(threads: configuration.handlerThreads)
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

    var resourceUsage: HTTPResourceUsage {
        HTTPResourceUsage(
            openConnections: connections.openConnections, bodyMemory: memory.inUse, bodyMemoryPeak: memory.peak,
            spool: disk.inUse, spoolPeak: disk.peak, spooledRequests: condition.withLock { spooledCount },
            refusedByAddressLimit: connections.refused, closedByDeadline: connections.closedByDeadline)
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

    func startDeadlineSweeper() {
        let seconds = configuration.requestDeadlineSeconds
        connections.startSweeping { [logger, metrics] peer in
            let limit = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            logger(.limit("request from \(peer) not received within \(limit) s; connection closed"))
            metrics?.recordLimit("deadline")
        }
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
            state = RequestState(target: url, memory: memory)
            conCls.pointee = Unmanaged.passRetained(state).toOpaque()
            requestStarted()
        }
        if state.headersDone {
            if uploadSize.pointee > 0 {
                return receive(upload, size: uploadSize, state: state)
            }
            return finish(state, connection: connection)
        }

        // First call: the request line and headers are in.
        state.headersDone = true
        state.method = method
        state.path = url
        state.headers = HTTPHeaders(fields(connection, .HEADER_KIND))
        state.peer = remoteAddress(connection)
        state.client = configuration.trustedProxies.client(
            peer: state.peer, forwardedFor: state.headers.values("X-Forwarded-For"))
        if isStopping {
            return respond(.serviceUnavailable("Server is shutting down.", retryAfter: 1), state, connection)
        }
        if state.client != state.peer {
            // A client named by a trusted proxy: its share of requests in flight is what its connections were.
            guard connections.admitForwarded(client: state.client) else {
                metrics?.recordLimit("per_address")
                return respond(.tooManyRequests(retryAfter: Self.busyRetryAfter), state, connection)
            }
            state.forwardedClient = state.client
        }
        switch router.match(method: method, path: url) {
        case .notFound:
            return respond(.notFound, state, connection)
        case .methodNotAllowed(let allow):
            return respond(.methodNotAllowed(allow: allow), state, connection)
        case .found(let route, let parameters):
            state.route = route
            state.parameters = parameters
            // Answering now, before any of the body is read: libmicrohttpd then sends no "100 Continue", never
            // reads the body, and closes the connection after the response (a client still sending it may see
            // the connection reset once the response is out). So a refused request costs no body memory.
            if let check = route.headerCheck, let refusal = check(request(state, connection: connection, form: nil)) {
                return respond(refusal, state, connection)
            }
            let mediaType = HTTPRequest.mediaType(of: state.headers["Content-Type"])
            state.cap = route.bodyLimit.cap(forMediaType: mediaType)
            state.spools = route.spoolsBody
            state.keepsFileParts = route.keepsFileParts
            if let declared = state.headers["Content-Length"].flatMap({ Int($0) }) {
                if declared > state.cap { return respond(.payloadTooLarge, state, connection) }
                if let refusal = prepareStorage(declared: declared, state) {
                    return respond(refusal, state, connection)
                }
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

    /// Decides where a body of the declared length goes before any of it arrives: memory, reserved now; or,
    /// on a route that spools, a temporary file when it is over the threshold or memory is short.
    /// Returns the refusal when neither has room.
    private func prepareStorage(declared: Int, _ state: RequestState) -> HTTPResponse? {
        guard declared > 0 else { return nil }
        let toDisk = state.spools && declared > configuration.spoolThreshold
        if !toDisk && memory.reserve(declared) {
            state.memoryReserved = declared
            state.body.reserveCapacity(declared)
            return nil
        }
        guard state.spools else { return refuse(.busy("body_memory"), state) }
        guard disk.reserve(declared) else { return refuse(.busy("spool_space"), state) }
        state.diskReserved = declared
        return openSpool(state) ? nil : refuse(.spoolFailed, state)
    }

    /// One chunk of the body: keep it (in memory or the spool file) up to the cap.
    private func receive(
        _ upload: UnsafePointer<CChar>?, size: UnsafeMutablePointer<Int>, state: RequestState
    ) -> MHD_Result {
        let count = size.pointee
        size.pointee = 0
        if state.failure != nil {
            state.discarded += count
            // A chunked body has no Content-Length to refuse up front, and libmicrohttpd 0.9.75
            // refuses MHD_queue_response while body data is being delivered ("The response cannot
            // be queued when this callback is called to process the client upload data"). So the
            // rest is read and dropped, up to a bound, to send the answer once the body ends; a client
            // that keeps going past the bound is disconnected.
            return state.discarded > max(state.cap, 1 << 20) ? MHD_Result.NO : MHD_Result.YES
        }
        guard let upload, count > 0 else { return MHD_Result.YES }
        if state.received + count > state.cap {
            _ = refuse(.tooLarge, state)
            state.discarded = count
            return MHD_Result.YES
        }
        state.received += count
        store(UnsafeRawPointer(upload), count: count, state)
        return MHD_Result.YES
    }

    /// Appends a chunk to memory while it fits (the threshold on spooling routes, the shared memory budget),
    /// else to the spool file, moving what memory held there first. Sets `state.failure` when there is no room.
    private func store(_ bytes: UnsafeRawPointer, count: Int, _ state: RequestState) {
        if state.spool == nil {
            let total = state.body.count + count
            let needed = total - state.memoryReserved
            let overThreshold = state.spools && total > configuration.spoolThreshold
            if !overThreshold && (needed <= 0 || memory.reserve(needed)) {
                state.memoryReserved += max(0, needed)
                state.body.append(bytes.assumingMemoryBound(to: UInt8.self), count: count)
                return
            }
            guard state.spools else {
                _ = refuse(.busy("body_memory"), state)
                return
            }
            guard openSpool(state), let spool = state.spool else {
                _ = refuse(.spoolFailed, state)
                return
            }
            let held = state.body
            state.body = Data()
            memory.release(state.memoryReserved)
            state.memoryReserved = 0
            guard reserveDisk(held.count, state) else { return }
            let moved = held.withUnsafeBytes { raw -> SpoolFile.Failure? in
                guard let base = raw.baseAddress else { return nil }
                do throws(SpoolFile.Failure) { try spool.append(base, count: raw.count) } catch { return error }
                return nil
            }
            if let moved {
                spoolError(moved, state)
                return
            }
        }
        guard let spool = state.spool, reserveDisk(spool.length + count - state.diskReserved, state) else { return }
        do { try spool.append(bytes, count: count) } catch { spoolError(error, state) }
    }

    private func reserveDisk(_ count: Int, _ state: RequestState) -> Bool {
        guard count > 0 else { return true }
        guard disk.reserve(count) else {
            _ = refuse(.busy("spool_space"), state)
            return false
        }
        state.diskReserved += count
        return true
    }

    private func openSpool(_ state: RequestState) -> Bool {
        do {
            state.spool = try SpoolFile(directory: configuration.spoolDirectory)
        } catch {
            logger(.handlerError(method: state.method, path: state.loggedPath, error: "spool: \(error)"))
            return false
        }
        condition.withLock { spooledCount += 1 }
        return true
    }

    private func spoolError(_ error: SpoolFile.Failure, _ state: RequestState) {
        logger(.handlerError(method: state.method, path: state.loggedPath, error: "spool: \(error)"))
        _ = refuse(.spoolFailed, state)
    }

    /// Marks the request refused: what it holds is given back now, the rest of its body is dropped, and the
    /// answer is the failure's (sent at once from the headers call, or when the body ends).
    private func refuse(_ failure: RequestState.Failure, _ state: RequestState) -> HTTPResponse {
        state.failure = failure
        state.releaseBody(disk: disk)
        if let reason = failure.limitReason { metrics?.recordLimit(reason) }
        return failure.response
    }

    /// The whole request is in: decode the form, run the handler and queue its response.
    private func finish(_ state: RequestState, connection: OpaquePointer) -> MHD_Result {
        // Called again once a handler thread has resumed the connection: its response is ready.
        if let response = state.handlerResponse {
            state.handlerResponse = nil
            return respond(response, state, connection)
        }
        connections.requestReceived(connection)
        if let failure = state.failure { return respond(failure.response, state, connection) }
        var form: HTTPForm?
        if let processor = state.postProcessor {
            state.postProcessor = nil
            if !decode(into: processor, state) { state.formFailed = true }
            // Destroying the processor flushes the last url-encoded value; MHD_Result.NO means the body
            // ended mid-structure (e.g. a multipart body without its closing boundary).
            if MHD_destroy_post_processor(processor) != MHD_Result.YES { state.formFailed = true }
            form = HTTPForm(fields: state.form)
            state.form = []
        }
        if let failure = state.failure { return respond(failure.response, state, connection) }
        if state.formFailed { return respond(.badRequest("Malformed form body."), state, connection) }
        guard let route = state.route else { return respond(.notFound, state, connection) }

        let request = request(state, connection: connection, form: form)
        if let handlers, state.method != "GET", state.method != "HEAD" {
            // "The only safe way to call this function is to call it from the MHD_AccessHandlerCallback"; resuming
            // "is safe ... at any time" (microhttpd.h). libmicrohttpd calls this handler again once resumed.
            MHD_suspend_connection(connection)
            let suspended = Suspended(connection: connection, state: state)
            handlers.submit { [self] in
                suspended.state.handlerResponse = run(route, request, suspended.state)
                suspended.state.releaseBody(disk: disk)
                MHD_resume_connection(suspended.connection)
            }
            return MHD_Result.YES
        }
        let response = run(route, request, state)
        state.releaseBody(disk: disk)
        return respond(response, state, connection)
    }

    /// The handler's response; a thrown error becomes a logged 500.
    private func run(_ route: Route, _ request: HTTPRequest, _ state: RequestState) -> HTTPResponse {
        do {
            return try route.handler(request)
        } catch {
            logger(.handlerError(method: state.method, path: state.loggedPath, error: "\(type(of: error)): \(error)"))
            return .internalServerError
        }
    }

    /// Feeds the whole body, from memory or the spool file, to the post processor in pieces.
    private func decode(into processor: OpaquePointer, _ state: RequestState) -> Bool {
        func feed(_ piece: UnsafeRawBufferPointer) -> Bool {
            guard let base = piece.baseAddress else { return true }
            state.feeds += 1
            return MHD_post_process(processor, base.assumingMemoryBound(to: CChar.self), piece.count) == MHD_Result.YES
        }
        if let spool = state.spool {
            var ok = true
            do {
                try spool.forEachChunk(chunkSize: Self.parseChunkSize) { piece in
                    ok = feed(piece)
                    return ok
                }
            } catch {
                spoolError(error, state)
                return false
            }
            return ok
        }
        return state.body.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(raw.count, offset + Self.parseChunkSize)
                guard feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end])) else { return false }
                offset = end
            }
            return true
        }
    }

    /// The request as a handler sees it; `form` nil and the body empty before the body is read.
    private func request(_ state: RequestState, connection: OpaquePointer, form: HTTPForm?) -> HTTPRequest {
        var request = HTTPRequest(
            method: state.method, path: state.path, target: state.target, pathParameters: state.parameters,
            query: fields(connection, .GET_ARGUMENT_KIND), headers: state.headers, body: state.body, form: form,
            remoteAddress: state.peer, clientAddress: state.client, bodyLength: state.received)
        request.cookies = fields(connection, .COOKIE_KIND)
        return request
    }

    private func respond(_ response: HTTPResponse, _ state: RequestState, _ connection: OpaquePointer) -> MHD_Result {
        connections.requestReceived(connection)
        let created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse = created else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        for field in response.headers {
            // CR or LF in a header would split the response; libmicrohttpd refuses those too.
            let unsafe =
                field.name.isEmpty || field.name.utf8.contains { $0 == 0x0D || $0 == 0x0A }
                || field.value.utf8.contains { $0 == 0x0D || $0 == 0x0A }
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
    func completed(_ state: RequestState, connection: OpaquePointer?) {
        state.destroyPostProcessor()
        state.releaseBody(disk: disk)
        if let client = state.forwardedClient { connections.releaseForwarded(client: client) }
        if let connection { connections.requestCompleted(connection) }
        let microseconds = Int((DispatchTime.now().uptimeNanoseconds - state.started) / 1000)
        if state.headersDone {
            logger(
                .access(
                    method: state.method, path: state.loggedPath, status: state.status, microseconds: microseconds,
                    client: state.client))
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

    // MARK: Connections

    /// MHD_OPTION_NOTIFY_CONNECTION: register or forget a connection (for the per-address limit and the deadline).
    func connectionNotified(_ connection: OpaquePointer, started: Bool) {
        if started {
            connections.opened(connection, fd: fd_mhd_connection_fd(connection), peer: remoteAddress(connection))
        } else {
            connections.closed(connection)
        }
    }

    /// The accept policy: whether a new connection from `address` stays under the per-address limit.
    func admits(_ address: UnsafePointer<sockaddr>, length: socklen_t) -> Bool {
        let admitted = connections.admits(peer: numericHost(address, length: length))
        if !admitted { metrics?.recordLimit("per_address") }
        return admitted
    }

    // MARK: Reading the connection

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
        return numericHost(address, length: socklen_t(length))
    }

    private func numericHost(_ address: UnsafePointer<sockaddr>, length: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
        guard status == 0 else { return "" }
        return decodeNulTerminated(host)
    }
}

/// Everything known about one request between libmicrohttpd's calls; lives in `con_cls`.
/// Only the worker thread that owns the connection touches it.
final class RequestState {
    /// Why a request is refused once its headers or part of its body are in.
    enum Failure: Equatable {
        case tooLarge
        /// A shared limit is full; the associated value names it for metrics.
        case busy(String)
        case spoolFailed

        var response: HTTPResponse {
            switch self {
            case .tooLarge: return .payloadTooLarge
            case .busy: return .serviceUnavailable("Server busy; retry later.", retryAfter: ServerCore.busyRetryAfter)
            case .spoolFailed:
                return .serviceUnavailable("Cannot store the request now.", retryAfter: ServerCore.busyRetryAfter)
            }
        }

        var limitReason: String? {
            switch self {
            case .tooLarge: return nil
            case .busy(let reason): return reason
            case .spoolFailed: return "spool_error"
            }
        }
    }

    /// The request target as sent (path and query, percent-encoded); never logged.
    let target: String
    /// The shared memory budget the body and form fields are reserved from.
    let memory: ByteBudget
    var method = ""
    var path = ""
    var headersDone = false
    let started = DispatchTime.now().uptimeNanoseconds
    var headers = HTTPHeaders()
    /// The socket's peer, and the client (the peer, or whom a trusted proxy forwarded for).
    var peer = ""
    var client = ""
    /// Set when `client` was counted against the per-client limit (released on completion).
    var forwardedClient: String?
    var route: Route?
    var parameters: [String: String] = [:]
    var cap = 0
    var spools = false
    var keepsFileParts = true
    /// The body in memory (empty once it moved to `spool`), and the spool file holding it.
    var body = Data()
    var spool: SpoolFile?
    /// Body bytes received so far.
    var received = 0
    /// Bytes reserved from the memory budget (body and form fields) and the disk budget.
    var memoryReserved = 0
    var diskReserved = 0
    var failure: Failure?
    var discarded = 0
    var postProcessor: OpaquePointer?
    var form: [HTTPFormField] = []
    var formFailed = false
    /// How many pieces of the body the post processor has been given, and in which one the last field began.
    var feeds = 0
    var lastFieldFeed = 0
    /// The status queued, or 0 while none is.
    var status = 0
    /// The response a handler thread made while the connection was suspended, sent once it is resumed.
    var handlerResponse: HTTPResponse?

    init(target: String, memory: ByteBudget) {
        self.target = target
        self.memory = memory
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

    /// Drops the body and form fields, closes the spool file and gives their reservations back. Idempotent.
    func releaseBody(disk: ByteBudget) {
        body = Data()
        form = []
        spool?.closeFile()
        spool = nil
        memory.release(memoryReserved)
        memoryReserved = 0
        disk.release(diskReserved)
        diskReserved = 0
    }

    /// Adds one piece of a decoded form value. libmicrohttpd delivers a long value in several
    /// calls; `offset` is where this piece starts within the value, so 0 begins a new field.
    /// Returns false (stop decoding) when the memory budget has no room for it.
    func appendFormData(
        name: String, filename: String?, contentType: String?, bytes: UnsafePointer<CChar>?, offset: UInt64, size: Int
    ) -> Bool {
        // A file part on a route that does not keep them: its name, file name and type, never its bytes.
        let keepsBytes = keepsFileParts || filename == nil
        if !keepsBytes && offset > 0 { return true }
        let piece: Data =
            if keepsBytes, let bytes, size > 0 { Data(bytes: bytes, count: size) } else { Data() }
        guard memory.reserve(piece.count) else {
            failure = .busy("body_memory")
            return false
        }
        memoryReserved += piece.count
        // A value's first call carries no bytes when the body fed so far ends right after the part's headers
        // (libmicrohttpd reports each part at once); its bytes then come in the next feed at offset 0 again. Within
        // one feed, offset 0 always begins a field (a field may be empty).
        if let last = form.indices.last, form[last].name == name, form[last].data.count == Int(offset),
            offset > 0
                || (feeds > lastFieldFeed && form[last].filename == filename && form[last].contentType == contentType)
        {
            form[last].data.append(piece)
            return true
        }
        form.append(HTTPFormField(name: name, filename: filename, contentType: contentType, data: piece))
        lastFieldFeed = feeds
        return true
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
    let state = RequestState(target: uri.map { String(cString: $0) } ?? "", memory: core.memory)
    core.requestStarted()
    return Unmanaged.passRetained(state).toOpaque()
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, connection, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    core.completed(Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue(), connection: connection)
}

private let connectionNotified: MHD_NotifyConnectionCallback = { cls, connection, _, code in
    guard let cls, let connection else { return }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    core.connectionNotified(connection, started: code == .CONNECTION_NOTIFY_STARTED)
}

private let acceptPolicy: MHD_AcceptPolicyCallback = { cls, address, length in
    guard let cls, let address else { return MHD_Result.YES }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    return core.admits(address, length: length) ? MHD_Result.YES : MHD_Result.NO
}

private let postIterator: MHD_PostDataIterator = {
    cls, _, key, filename, contentType, _, data, offset, size in
    guard let cls, let key else { return MHD_Result.YES }
    let state = Unmanaged<RequestState>.fromOpaque(cls).takeUnretainedValue()
    let kept = state.appendFormData(
        name: String(cString: key), filename: filename.map { String(cString: $0) },
        contentType: contentType.map { String(cString: $0) }, bytes: data, offset: offset, size: size)
    return kept ? MHD_Result.YES : MHD_Result.NO
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

/// A suspended connection and its request, handed to a handler thread: while suspended, libmicrohttpd calls nothing
/// for the connection, so the handler thread is the only one touching the state until it resumes it.
private struct Suspended: @unchecked Sendable {
    let connection: OpaquePointer
    let state: RequestState
}

/// A fixed set of threads running queued jobs in order (the handlers of suspended requests).
final class HandlerPool: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0
    private var running = 0
    private var stopping = false

    init(threads: Int) {
        // The system's default stack, as libmicrohttpd's own threads have: handlers parse MIME and HTML as deep as
        // their caps allow. Only the pages a thread touches are resident.
        for _ in 0..<threads { Thread.detachNewThread { [self] in work() } }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Waits for every queued and running job, then lets the threads end.
    func stop() {
        condition.lock()
        while next < jobs.count || running > 0 { condition.wait() }
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while next >= jobs.count && !stopping { condition.wait() }
            if next >= jobs.count { break }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            if running == 0 && next >= jobs.count { condition.broadcast() }
        }
        condition.unlock()
    }
}

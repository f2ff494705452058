import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Open connections and what they may still take: the per-address connection limit (checked by the accept
/// policy), the per-client limit for clients behind a trusted proxy, and the total request deadline.
///
/// libmicrohttpd's MHD_OPTION_CONNECTION_TIMEOUT is an idle timeout ("After how many seconds of inactivity should
/// a connection automatically be timed out?", microhttpd.h): a client that sends one byte every ten seconds never
/// trips a 30-second one, and the access handler is not called at all until the headers are complete. So each
/// connection is registered here when it opens (MHD_OPTION_NOTIFY_CONNECTION) with its start time, and a sweeper
/// thread closes any connection whose request has not fully arrived within the deadline. The clock starts when the
/// connection opens and again whenever a request on it completes, so it covers the wait for the next request on a
/// kept-alive connection too; it stops while a complete request is being handled and answered.
final class ConnectionGuard: @unchecked Sendable {
    /// One open connection.
    private struct Record {
        let fd: Int32
        let peer: String
        /// Uptime in nanoseconds when the current request's clock started.
        var since: UInt64
        /// True while the request is still arriving (the deadline applies).
        var receiving = true
    }

    let perAddressLimit: Int
    let deadlineNanoseconds: UInt64
    let trustedProxies: TrustedProxies
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var records: [UInt: Record] = [:]
    private var perPeer: [String: Int] = [:]
    private var perForwardedClient: [String: Int] = [:]
    private var sweeping = false
    private var refusedConnections = 0
    private var deadlineCloses = 0

    init(perAddressLimit: Int, deadlineSeconds: Double, trustedProxies: TrustedProxies) {
        self.perAddressLimit = max(0, perAddressLimit)
        deadlineNanoseconds = UInt64(max(0, deadlineSeconds) * 1_000_000_000)
        self.trustedProxies = trustedProxies
    }

    private static func key(_ connection: OpaquePointer) -> UInt { UInt(bitPattern: Int(bitPattern: connection)) }
    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    // MARK: Connections (socket peers)

    /// The accept policy: a peer at its limit is refused before a connection is set up. Trusted proxies carry
    /// many clients and are bounded by the total connection limit only (their clients are counted per request).
    /// Checked here and counted in `opened`, so a burst racing across worker threads can pass the limit by at
    /// most one connection per thread.
    func admits(peer: String) -> Bool {
        guard perAddressLimit > 0, !trustedProxies.contains(peer) else { return true }
        condition.lock()
        defer { condition.unlock() }
        if perPeer[peer, default: 0] >= perAddressLimit {
            refusedConnections += 1
            return false
        }
        return true
    }

    func opened(_ connection: OpaquePointer, fd: Int32, peer: String) {
        condition.lock()
        defer { condition.unlock() }
        records[Self.key(connection)] = Record(fd: fd, peer: peer, since: Self.now())
        perPeer[peer, default: 0] += 1
    }

    /// libmicrohttpd calls NOTIFY_CLOSED before it closes the socket (MHD_connection_close_ notifies; the socket
    /// is closed when the connection is cleaned up afterwards), so while a record is here its descriptor is still
    /// the connection's own and cannot have been reused (the sweeper relies on this).
    func closed(_ connection: OpaquePointer) {
        condition.lock()
        defer { condition.unlock() }
        guard let record = records.removeValue(forKey: Self.key(connection)) else { return }
        let left = perPeer[record.peer, default: 1] - 1
        perPeer[record.peer] = left > 0 ? left : nil
    }

    /// The request on `connection` is fully received (or answered early): the deadline no longer applies.
    func requestReceived(_ connection: OpaquePointer) {
        condition.lock()
        defer { condition.unlock() }
        records[Self.key(connection)]?.receiving = false
    }

    /// A request completed; the next one on this connection starts its clock now.
    func requestCompleted(_ connection: OpaquePointer) {
        condition.lock()
        defer { condition.unlock() }
        records[Self.key(connection)]?.receiving = true
        records[Self.key(connection)]?.since = Self.now()
    }

    // MARK: Clients behind a trusted proxy

    /// Counts a request from a client named by a trusted proxy's X-Forwarded-For; false when that client already
    /// has `perAddressLimit` requests in flight (nothing is counted then).
    func admitForwarded(client: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let current = perForwardedClient[client, default: 0]
        if perAddressLimit > 0 && current >= perAddressLimit {
            refusedConnections += 1
            return false
        }
        perForwardedClient[client] = current + 1
        return true
    }

    func releaseForwarded(client: String) {
        condition.lock()
        defer { condition.unlock() }
        let left = perForwardedClient[client, default: 1] - 1
        perForwardedClient[client] = left > 0 ? left : nil
    }

    // MARK: The deadline sweeper

    /// Closes (shutdown, which libmicrohttpd then sees as the client leaving) every connection whose request has
    /// been arriving for longer than the deadline; returns their peers. No response is written: the socket
    /// belongs to libmicrohttpd's thread, and a request that slow is not a client worth answering.
    func sweep() -> [String] {
        guard deadlineNanoseconds > 0 else { return [] }
        let now = Self.now()
        condition.lock()
        defer { condition.unlock() }
        var closedPeers: [String] = []
        for (key, record) in records where record.receiving && now &- record.since > deadlineNanoseconds {
            shutdown(record.fd, Int32(SHUT_RDWR))
            // Not swept again while libmicrohttpd notices the shutdown.
            records[key]?.receiving = false
            closedPeers.append(record.peer)
        }
        deadlineCloses += closedPeers.count
        return closedPeers
    }

    /// Runs `sweep` on a thread of its own about four times per deadline (at most once a second) until
    /// `stopSweeping`; `report` hears of each closed connection.
    func startSweeping(report: @escaping @Sendable (String) -> Void) {
        guard deadlineNanoseconds > 0 else { return }
        condition.lock()
        sweeping = true
        condition.unlock()
        let interval = min(1.0, max(0.05, Double(deadlineNanoseconds) / 4e9))
        let thread = Thread { [self] in
            condition.lock()
            while sweeping {
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
                guard sweeping else { break }
                condition.unlock()
                for peer in sweep() { report(peer) }
                condition.lock()
            }
            condition.unlock()
        }
        thread.name = "frontdesk-http-deadline"
        thread.start()
    }

    func stopSweeping() {
        condition.lock()
        sweeping = false
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Figures

    var openConnections: Int { condition.withLock { records.count } }
    var refused: Int { condition.withLock { refusedConnections } }
    var closedByDeadline: Int { condition.withLock { deadlineCloses } }
}

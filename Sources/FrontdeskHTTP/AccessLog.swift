import Foundation

/// Something the server reports to its injected logger. Never carries bodies, tokens or query strings.
public enum HTTPLogEvent: Sendable, Equatable, CustomStringConvertible {
    /// One finished request; `status` is 0 when no response was sent (client left, timeout, shutdown).
    /// `client` is the client's address (a trusted proxy's X-Forwarded-For already applied), "" when unknown.
    case access(method: String, path: String, status: Int, microseconds: Int, client: String = "")
    /// A handler threw; the client got a bare 500.
    case handlerError(method: String, path: String, error: String)
    /// A message from libmicrohttpd itself (bad requests it rejected, socket errors).
    case library(String)
    /// Lifecycle: started, stopping, stopped.
    case lifecycle(String)
    /// A resource limit acted (a connection closed at the request deadline).
    case limit(String)

    public var description: String {
        switch self {
        case .access(let method, let path, let status, let microseconds, let client):
            let line = "http \(method) \(path) \(status == 0 ? "-" : String(status)) \(microseconds)µs"
            return client.isEmpty ? line : line + " client=\(client)"
        case .handlerError(let method, let path, let error):
            return "http error \(method) \(path): \(error)"
        case .library(let message):
            return "http libmicrohttpd: \(message)"
        case .lifecycle(let message):
            return "http \(message)"
        case .limit(let message):
            return "http limit: \(message)"
        }
    }
}

/// A logger closure; called from the server's threads.
public typealias HTTPLogger = @Sendable (HTTPLogEvent) -> Void

/// How paths appear in logs.
public enum AccessLog {
    /// Longest path written to a log line; longer ones are cut with "…".
    public static let maxPathLength = 200

    /// `path` fit for a log line: the segment after a leading `/l/` (a one-time link token) and
    /// any of `secrets` become `…`, control characters are escaped (libmicrohttpd hands us the
    /// percent-decoded path, so `%0A` would otherwise forge log lines), and long paths are cut.
    public static func redactedPath(_ path: String, secrets: [String] = []) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.count > 2 && segments[0].isEmpty && segments[1] == "l" {
            segments[2] = "…"
        }
        for index in segments.indices where !segments[index].isEmpty && secrets.contains(segments[index]) {
            segments[index] = "…"
        }
        var result = ""
        for scalar in segments.joined(separator: "/").unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == " " {
                result += String(format: "%%%02X", scalar.value)
            } else {
                result.unicodeScalars.append(scalar)
            }
            if result.count > maxPathLength { return String(result.prefix(maxPathLength)) + "…" }
        }
        return result
    }

    /// Route parameter names whose values are never logged.
    public static let sensitiveParameterNames: Set<String> = ["token"]
}

/// Request counts and latency histograms for `/metrics`, fed by the server after each request.
public final class HTTPMetrics: @unchecked Sendable {
    /// Upper bounds of the latency buckets, in microseconds.
    public static let bucketBoundsMicroseconds: [Int] = [
        100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000,
    ]

    private struct Key: Hashable, Comparable {
        var route: String
        var status: Int
        static func < (a: Key, b: Key) -> Bool { (a.route, a.status) < (b.route, b.status) }
    }

    private let lock = NSLock()
    private var counts: [Key: Int] = [:]
    private var limits: [String: Int] = [:]
    private var buckets: [Int]
    private var totalMicroseconds = 0
    private var total = 0

    public init() { buckets = Array(repeating: 0, count: Self.bucketBoundsMicroseconds.count + 1) }

    /// Records one finished request; `route` is the matched pattern or "unmatched".
    public func record(route: String, status: Int, microseconds: Int) {
        let bucket =
            Self.bucketBoundsMicroseconds.firstIndex { microseconds <= $0 } ?? Self.bucketBoundsMicroseconds.count
        lock.lock()
        defer { lock.unlock() }
        counts[Key(route: route, status: status), default: 0] += 1
        buckets[bucket] += 1
        totalMicroseconds += microseconds
        total += 1
    }

    /// Counts one action of a resource limit: `per_address`, `deadline`, `body_memory`, `spool_space`,
    /// `spool_error`.
    public func recordLimit(_ reason: String) {
        lock.lock()
        defer { lock.unlock() }
        limits[reason, default: 0] += 1
    }

    /// Number of requests recorded.
    public var requestCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    /// The Prometheus text exposition of the counters and the latency histogram.
    public func render() -> String {
        lock.lock()
        let counts = self.counts
        let buckets = self.buckets
        let totalMicroseconds = self.totalMicroseconds
        let total = self.total
        let limits = self.limits
        lock.unlock()

        var lines = ["# TYPE frontdesk_http_requests_total counter"]
        for key in counts.keys.sorted() {
            let route = key.route.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            lines.append(
                "frontdesk_http_requests_total{route=\"\(route)\",status=\"\(key.status)\"} \(counts[key] ?? 0)")
        }
        lines.append("# TYPE frontdesk_http_request_duration_seconds histogram")
        var cumulative = 0
        for (index, bound) in Self.bucketBoundsMicroseconds.enumerated() {
            cumulative += buckets[index]
            lines.append("frontdesk_http_request_duration_seconds_bucket{le=\"\(seconds(bound))\"} \(cumulative)")
        }
        cumulative += buckets[Self.bucketBoundsMicroseconds.count]
        lines.append("frontdesk_http_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)")
        lines.append("frontdesk_http_request_duration_seconds_sum \(seconds(totalMicroseconds))")
        lines.append("frontdesk_http_request_duration_seconds_count \(total)")
        if !limits.isEmpty {
            lines.append("# TYPE frontdesk_http_limited_total counter")
            for (reason, count) in limits.sorted(by: { $0.key < $1.key }) {
                lines.append("frontdesk_http_limited_total{reason=\"\(reason)\"} \(count)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func seconds(_ microseconds: Int) -> String {
        let whole = microseconds / 1_000_000
        let fraction = String(microseconds % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        var trimmed = Substring(padded)
        while trimmed.last == "0" { trimmed = trimmed.dropLast() }
        return trimmed.isEmpty ? String(whole) : "\(whole).\(trimmed)"
    }
}

import Foundation
import FrontdeskTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A plain HTTP/1.1 client connection to 127.0.0.1, kept alive between requests: sends bytes exactly as given and
/// reads one response (status line, headers, a Content-Length body).
final class LoopbackConnection {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case connect(Int32)
        case send(Int32)
        /// No complete response within the receive timeout: the server hangs on this input.
        case timedOut
        /// The server closed the connection before a whole response.
        case closed
        case malformed

        var description: String {
            switch self {
            case .connect(let code): return "connect failed (errno \(code))"
            case .send(let code): return "send failed (errno \(code))"
            case .timedOut: return "no response within \(LoopbackConnection.timeoutSeconds) s"
            case .closed: return "connection closed before a whole response"
            case .malformed: return "malformed response"
            }
        }
    }

    struct Response {
        var status: Int
        /// The server said it closes the connection after this response.
        var closes: Bool
    }

    static let timeoutSeconds = 10
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects, starting again when a signal interrupts the connect (libFuzzer's timers send them).
    init(port: UInt16) throws(Failure) {
        var attempts = 0
        while true {
            do {
                fd = try Loopback.connect(port: port, timeoutSeconds: Self.timeoutSeconds)
                return
            } catch {
                switch error {
                case .connect(EINTR) where attempts < 5: attempts += 1
                case .socket(let code), .connect(let code): throw .connect(code)
                }
            }
        }
    }

    deinit { close(fd) }

    /// Sends `request` and reads its response.
    func exchange(_ request: [UInt8]) throws(Failure) -> Response {
        var offset = 0
        while offset < request.count {
            let sent = request.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, request.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            // The server may answer and close before the whole body is sent (a refusal); read what it said.
            guard sent > 0 else { break }
            offset += sent
        }
        buffer.removeAll(keepingCapacity: true)
        var headerEnd: Int?
        while headerEnd == nil {
            try fill()
            headerEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer)
        }
        guard let headerEnd else { throw .malformed }
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("http/1."),
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { throw .malformed }
        var length = 0
        var closes = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if parts[0] == "content-length" { length = Int(value) ?? 0 }
            if parts[0] == "connection" && value.contains("close") { closes = true }
        }
        while buffer.count < headerEnd + 4 + length { try fill() }
        return Response(status: status, closes: closes)
    }

    private func fill() throws(Failure) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[..<count]
                return
            }
            if count == 0 { throw .closed }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut }
            throw .closed
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}

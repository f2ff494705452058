import Foundation
import FrontdeskCore

@testable import FrontdeskChannels

#if canImport(Glibc)
    import Glibc
#endif

/// In-memory `OutboxStore` double: a dictionary behind a lock.
final class OutboxMemoryStore: OutboxStore, @unchecked Sendable {
    enum Status: Equatable { case pending, sent, dead, suppressed }
    struct Record {
        var item: OutboxItem
        var status: Status = .pending
        var nextAttempt: Date
        var lastError: String?
        var providerID: String?
        var sentAt: Date?
    }

    private let lock = NSLock()
    private var records: [Int64: Record] = [:]
    private var nextID: Int64 = 1
    private var optedOut: Set<String> = []

    @discardableResult
    func enqueue(_ message: OutgoingMessage, at date: Date) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        let id = nextID
        nextID += 1
        records[id] = Record(item: OutboxItem(id: id, message: message), nextAttempt: date)
        return id
    }

    func optOut(_ channel: Channel, _ address: String) {
        lock.lock()
        optedOut.insert(channel.rawValue + ":" + address)
        lock.unlock()
    }

    func record(_ id: Int64) -> Record? {
        lock.lock()
        defer { lock.unlock() }
        return records[id]
    }

    func due(now: Date, limit: Int) throws -> [OutboxItem] {
        lock.lock()
        defer { lock.unlock() }
        return records.values.filter { $0.status == .pending && $0.nextAttempt <= now }
            .sorted { $0.item.id < $1.item.id }.prefix(limit).map(\.item)
    }

    func markSent(id: Int64, providerID: String?, at: Date) throws {
        update(id) {
            $0.status = .sent
            $0.providerID = providerID
            $0.sentAt = at
            $0.item.attempts += 1
        }
    }

    func markFailed(id: Int64, error: String, nextAttempt: Date?, dead: Bool) throws {
        update(id) {
            $0.item.attempts += 1
            $0.lastError = error
            if dead || nextAttempt == nil {
                $0.status = .dead
            } else if let nextAttempt {
                $0.nextAttempt = nextAttempt
            }
        }
    }

    func postpone(id: Int64, until: Date) throws {
        update(id) { $0.nextAttempt = until }
    }

    func markSuppressed(id: Int64, reason: String) throws {
        update(id) {
            $0.status = .suppressed
            $0.lastError = reason
        }
    }

    func isOptedOut(channel: Channel, address: String) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return optedOut.contains(channel.rawValue + ":" + address)
    }

    private func update(_ id: Int64, _ change: (inout Record) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if var r = records[id] {
            change(&r)
            records[id] = r
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so jitter is reproducible.
final class SeededRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    func nextUnit() -> Double {
        lock.lock()
        defer { lock.unlock() }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}

/// A sender that records what it was given and answers from a script (the last answer repeats).
final class ScriptedSender: MessageSender, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<SendResult, SendError>]
    private(set) var sent: [OutgoingMessage] = []

    init(_ script: [Result<SendResult, SendError>]) { self.script = script }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return sent.count
    }

    func send(_ message: OutgoingMessage) throws -> SendResult {
        lock.lock()
        defer { lock.unlock() }
        sent.append(message)
        let answer = script.count > 1 ? script.removeFirst() : (script.first ?? .success(SendResult()))
        return try answer.get()
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 for provider fakes: one request per connection, scripted answers.
final class FakeHTTPServer: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
        var headers: [String: String]  // lower-cased names
        var body: [UInt8]

        var form: [String: String] {
            var out: [String: String] = [:]
            for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let decode = { (s: Substring) in
                    s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
                }
                out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
            }
            return out
        }
    }

    struct Response {
        var status: Int
        var body: String
        /// Accept and read the request, then never answer (to exercise timeouts).
        var hang = false
        /// Extra response headers (`Retry-After`).
        var headers: [String: String] = [:]
    }

    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var script: [Response]
    private var received: [Request] = []
    private let done = DispatchSemaphore(value: 0)

    init(_ script: [Response]) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        done.wait()
    }

    private func acceptLoop() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { break }
            handle(client)
        }
        done.signal()
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            data += buffer[0..<n]
            if headerEnd == nil, let r = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = r + 4
                let head = String(decoding: data[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let headerEnd, data.count >= headerEnd + contentLength { break }
        }
        guard let headerEnd else { return }
        let head = String(decoding: data[0..<(headerEnd - 4)], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        let request = Request(
            method: requestLine.count > 0 ? String(requestLine[0]) : "",
            path: requestLine.count > 1 ? String(requestLine[1]) : "", headers: headers,
            body: Array(data[headerEnd..<(headerEnd + contentLength)]))
        lock.lock()
        received.append(request)
        let response = script.count > 1 ? script.removeFirst() : (script.first ?? Response(status: 200, body: "{}"))
        lock.unlock()
        if response.hang {
            // Hold the connection until the client gives up.
            while read(client, &buffer, buffer.count) > 0 {}
            return
        }
        let body = Array(response.body.utf8)
        let text =
            "HTTP/1.1 \(response.status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + response.headers.map { "\($0.key): \($0.value)\r\n" }.joined() + "Connection: close\r\n\r\n"
        let out = Array(text.utf8) + body
        _ = out.withUnsafeBytes { write(client, $0.baseAddress, out.count) }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}

/// A parsed RFC 5322 message for assertions: unfolded headers and the raw body.
struct ParsedEmail {
    var headers: [(name: String, value: String)] = []
    var body: String = ""

    init(_ text: String) {
        let split = text.components(separatedBy: "\r\n\r\n")
        let head = split.first ?? ""
        body = split.dropFirst().joined(separator: "\r\n\r\n")
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !headers.isEmpty {
                headers[headers.count - 1].value += line  // Unfolding removes only the CRLF (RFC 5322 §2.2.3).
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(
                    (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
    }

    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
    func header(_ name: String) -> String? { values(name).first }

    /// Decodes RFC 2047 B-encoded UTF-8 words (adjacent words' separating whitespace dropped, §6.2).
    static func decodeWords(_ value: String) -> String {
        var out = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?UTF-8?B?") {
            let gap = rest[..<start.lowerBound]
            if !(lastWasWord && gap.allSatisfy(\.isWhitespace)) { out += gap }
            guard let end = rest[start.upperBound...].range(of: "?=") else { break }
            let b64 = String(rest[start.upperBound..<end.lowerBound])
            out += Data(base64Encoded: b64).map { String(decoding: $0, as: UTF8.self) } ?? "�"
            rest = rest[end.upperBound...]
            lastWasWord = true
        }
        return out + rest
    }

    /// Decodes a quoted-printable body to text with LF line ends.
    static func decodeQP(_ body: String) -> String {
        var bytes: [UInt8] = []
        let raw = Array(body.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "="), i + 2 < raw.count,
                let v = UInt8(String(decoding: raw[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                i += 3
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}

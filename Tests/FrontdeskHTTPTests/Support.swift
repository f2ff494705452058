import Foundation
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Collects the server's log events for assertions.
final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [HTTPLogEvent] = []

    var logger: HTTPLogger { { [self] event in lock.withLock { stored.append(event) } } }
    var events: [HTTPLogEvent] { lock.withLock { stored } }
    var lines: [String] { events.map(\.description) }
}

/// Starts a real server on 127.0.0.1 and an ephemeral port.
func startServer(
    _ router: Router, configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    metrics: HTTPMetrics? = nil, sink: LogSink = LogSink()
) throws -> HTTPServer {
    let server = HTTPServer(configuration: configuration, router: router, metrics: metrics, logger: sink.logger)
    try server.start()
    return server
}

/// A URLSession that neither caches nor shares cookies, allowing many connections per host.
let testSession: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 128
    configuration.timeoutIntervalForRequest = 20
    return URLSession(configuration: configuration)
}()

struct ClientResponse {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends one request with URLSession.
func fetch(
    _ server: HTTPServer, _ pathAndQuery: String, method: String = "GET", headers: [String: String] = [:],
    body: Data? = nil
) async throws -> ClientResponse {
    let url = try #require(URL(string: "http://127.0.0.1:\(server.port)\(pathAndQuery)"))
    var request = URLRequest(url: url)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = body
    let (data, response) = try await testSession.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    var fields: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
        if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
    }
    return ClientResponse(status: http.statusCode, headers: fields, body: data)
}

/// A raw TCP exchange for requests URLSession will not send (malformed, chunked, oversized).
struct RawClient {
    let fd: Int32

    init(port: UInt16, timeoutSeconds: Int = 15) throws {
        do { fd = try Loopback.connect(port: port, timeoutSeconds: timeoutSeconds) } catch {
            if case .socket = error { throw RawError.socket }
            throw RawError.connect
        }
    }

    /// Writes all bytes; false once the peer has closed (no SIGPIPE: MSG_NOSIGNAL).
    @discardableResult
    func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Data(text.utf8)) }

    /// Reads until the peer closes the connection (requests carry `Connection: close`).
    func readAll() -> Data {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }

    /// The status code of the response read until close, or nil if none came.
    func readStatus() -> (status: Int, response: String)? {
        let text = String(decoding: readAll(), as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        return (status, text)
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
    func closeSocket() { close(fd) }

    enum RawError: Error { case socket, connect }
}

/// One raw request/response exchange on a fresh connection (nil when no answer came within `timeoutSeconds`).
func rawExchange(_ server: HTTPServer, _ request: String, timeoutSeconds: Int = 15) throws
    -> (status: Int, response: String)?
{
    let client = try RawClient(port: server.port, timeoutSeconds: timeoutSeconds)
    defer { client.closeSocket() }
    client.send(request)
    return client.readStatus()
}

/// A multipart/form-data body and its content type.
func multipartBody(boundary: String, parts: [(name: String, filename: String?, type: String?, value: Data)]) -> Data {
    var body = Data()
    for part in parts {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
        if let filename = part.filename { head += "; filename=\"\(filename)\"" }
        head += "\r\n"
        if let type = part.type { head += "Content-Type: \(type)\r\n" }
        head += "\r\n"
        body.append(Data(head.utf8))
        body.append(part.value)
        body.append(Data("\r\n".utf8))
    }
    body.append(Data("--\(boundary)--\r\n".utf8))
    return body
}

/// Collects values from handlers running on server threads.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}

import Foundation
import FrontdeskChannels
import FrontdeskHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Form bodies through the real HTTP server (libmicrohttpd's post processor and Frontdesk's field assembly), on an
/// ephemeral loopback port, one kept-alive connection.
///
/// The first byte picks the mode. Raw: the rest is sent as it is, and the server must answer 200 or 400 ("Malformed
/// form body."), never fail otherwise or hang. Round trip: the rest is fields cut at NUL bytes, encoded as a client
/// would, and the server must decode exactly those fields. Either mode goes to a route that keeps bodies in memory
/// or to one that spools them to a file (as the email webhooks do) and drops file parts' bytes.
final class FormFuzz: @unchecked Sendable {
    private static let made: Result<FormFuzz, FuzzFailure> = Result { () throws(FuzzFailure) in try FormFuzz() }

    /// One server for the whole process.
    static func shared() throws(FuzzFailure) -> FormFuzz { try made.get() }

    private let server: HTTPServer
    private let received = ReceivedForm()
    /// One input at a time (tests run in parallel): the connection and the form received belong to it.
    private let exclusive = NSLock()
    /// The connection, reopened after the server closes it (it does after a 400). Guarded by `exclusive`.
    private var connection: LoopbackConnection?

    static let memoryPath = "/fuzz/form"
    static let spoolPath = "/fuzz/spooled"

    private init() throws(FuzzFailure) {
        var router = Router()
        let received = received
        router.post(Self.memoryPath, bodyLimit: .mime) { request in
            received.set(request.form)
            return .text("ok")
        }
        router.post(Self.spoolPath, bodyLimit: .mime, spoolsBody: true, keepsFileParts: false) { request in
            received.set(request.form)
            return .text("ok")
        }
        // A low spool threshold sends most inputs on the spooling route through a temporary file.
        let configuration = HTTPServerConfiguration(threadPoolSize: 1, spoolThreshold: 256)
        server = HTTPServer(configuration: configuration, router: router)
        do { try server.start() } catch { throw FuzzFailure(.form, "the server did not start: \(error)") }
    }

    deinit { server.stop() }

    // MARK: Targets

    func form(_ input: [UInt8]) throws(FuzzFailure) -> String {
        exclusive.lock()
        defer { exclusive.unlock() }
        guard let mode = input.first else { return "empty" }
        let path = mode & 2 == 0 ? Self.memoryPath : Self.spoolPath
        let contentType = "application/x-www-form-urlencoded"
        let rest = input.dropFirst()
        if mode & 1 == 0 {
            return try raw(.form, path: path, contentType: contentType, body: Array(rest))
        }
        // Round trip: (name, value) pairs, written by the encoder Frontdesk posts forms with (libcurl's escaping).
        let pairs = FuzzInput.fields(rest)
        var fields: [ExpectedField] = []
        var index = 0
        while index < pairs.count {
            let name = FuzzInput.text(pairs[index])
            let value = index + 1 < pairs.count ? FuzzInput.text(pairs[index + 1]) : ""
            // A field needs a name to be a field.
            if !name.isEmpty { fields.append(ExpectedField(name: name, filename: nil, data: Array(value.utf8))) }
            index += 2
        }
        let expected = Self.apart(fields)
        let body: [UInt8]
        do {
            body = try CurlClient.formEncode(expected.map { ($0.name, String(decoding: $0.data, as: UTF8.self)) })
        } catch { throw FuzzFailure(.form, "the form encoder failed: \(error)") }
        return try roundTrip(.form, path: path, contentType: contentType, body: body, expected: expected)
    }

    func multipart(_ input: [UInt8]) throws(FuzzFailure) -> String {
        exclusive.lock()
        defer { exclusive.unlock() }
        guard let mode = input.first else { return "empty" }
        let spooled = mode & 2 != 0
        let path = spooled ? Self.spoolPath : Self.memoryPath
        let fields = FuzzInput.fields(input.dropFirst())
        if mode & 1 == 0 {
            // Raw: the first field is the boundary, the rest the body. The boundary stays inside its header line: a
            // control byte (CR, LF) would end the header and change the request's framing, which no form parser sees.
            let boundary = FuzzInput.text(fields[0].filter { $0 >= 0x20 && $0 != 0x7F })
            let body = Array(input.dropFirst().dropFirst(fields[0].count + 1))
            return try raw(
                .multipart, path: path, contentType: "multipart/form-data; boundary=\"\(boundary)\"", body: body)
        }
        // Round trip: (name, file name or empty, value) triples.
        var parts: [ExpectedField] = []
        var index = 0
        while index < fields.count {
            let name = Self.token(fields[index])
            let filename = index + 1 < fields.count && !fields[index + 1].isEmpty ? Self.token(fields[index + 1]) : nil
            let value = index + 2 < fields.count ? Array(fields[index + 2]) : []
            parts.append(ExpectedField(name: name, filename: filename, data: value))
            index += 3
        }
        let expected = Self.apart(parts)
        var boundary = "fuzz-boundary"
        while expected.contains(where: { LoopbackConnection.find(Array(boundary.utf8), in: $0.data) != nil }) {
            boundary += "-x"
        }
        var body: [UInt8] = []
        for field in expected {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.name)\""
            if let filename = field.filename {
                head += "; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream"
            }
            body += Array((head + "\r\n\r\n").utf8) + field.data + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        // The spooling route keeps a file part's name, file name and type, not its bytes.
        let kept = spooled ? expected.map { $0.filename == nil ? $0 : $0.withoutData } : expected
        return try roundTrip(
            .multipart, path: path, contentType: "multipart/form-data; boundary=\(boundary)", body: body,
            expected: kept)
    }

    // MARK: Checks

    private func raw(_ target: FuzzTarget, path: String, contentType: String, body: [UInt8]) throws(FuzzFailure)
        -> String
    {
        let status = try post(target, path: path, contentType: contentType, body: body)
        guard status == 200 || status == 400 else {
            throw FuzzFailure(target, "a form body got HTTP \(status) (200 or 400 expected)")
        }
        return status == 200 ? "decoded \(received.take()?.fields.count ?? -1) fields" : "refused"
    }

    private func roundTrip(
        _ target: FuzzTarget, path: String, contentType: String, body: [UInt8], expected: [ExpectedField]
    ) throws(FuzzFailure) -> String {
        let status = try post(target, path: path, contentType: contentType, body: body)
        guard status == 200 else { throw FuzzFailure(target, "a well-formed form body got HTTP \(status)") }
        let fields = received.take()?.fields ?? []
        for (i, (field, sent)) in zip(fields, expected).enumerated() {
            guard field.name == sent.name else { throw FuzzFailure(target, "field \(i): the name changed") }
            guard field.filename == sent.filename else {
                throw FuzzFailure(target, "field \(i): the file name changed")
            }
            guard Array(field.data) == sent.data else {
                throw FuzzFailure(target, "field \(i): \(sent.data.count) bytes sent, \(field.data.count) decoded")
            }
        }
        guard fields.count == expected.count else {
            throw FuzzFailure(target, "\(expected.count) fields sent, \(fields.count) decoded")
        }
        return "\(fields.count) fields round trip"
    }

    /// Sends one POST on the kept-alive connection and returns the status; a connection the server closed is
    /// opened again once.
    private func post(_ target: FuzzTarget, path: String, contentType: String, body: [UInt8]) throws(FuzzFailure)
        -> Int
    {
        received.set(nil)
        var request = Array(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8)
        request += body
        for attempt in 0..<2 {
            let connection: LoopbackConnection
            if let open = self.connection {
                connection = open
            } else {
                do { connection = try LoopbackConnection(port: server.port) } catch {
                    throw FuzzFailure(target, "cannot connect to the server: \(error)")
                }
                self.connection = connection
            }
            do {
                let response = try connection.exchange(request)
                // A refused request may have left part of its body unread: the next request starts afresh.
                if response.closes || response.status != 200 { self.connection = nil }
                return response.status
            } catch {
                self.connection = nil
                // A kept-alive connection may have been closed just before the request; a fresh one must answer.
                if attempt == 1 || error == .timedOut { throw FuzzFailure(target, "no answer: \(error)") }
            }
        }
        throw FuzzFailure(target, "no answer")
    }

    // MARK: Encoding

    /// The fields with no two in a row of the same name and file name (the later one renamed). The server cannot
    /// tell such a pair, the first empty, split by a feed of the body to the post processor, from one field whose
    /// bytes came in the next feed (HTTPServer's `appendFormData`); everything else must come back as sent.
    static func apart(_ fields: [ExpectedField]) -> [ExpectedField] {
        var out: [ExpectedField] = []
        for var field in fields {
            if let previous = out.last, previous.name == field.name, previous.filename == field.filename {
                field.name += "-next"
            }
            out.append(field)
        }
        return out
    }

    /// A multipart name or file name as a client writes it in a quoted parameter: letters, digits and `._-`
    /// (other bytes become "_"), never empty.
    static func token(_ bytes: ArraySlice<UInt8>) -> String {
        let kept = bytes.prefix(64).map { b -> UInt8 in
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return b
            default: return UInt8(ascii: "_")
            }
        }
        return kept.isEmpty ? "f" : String(decoding: kept, as: UTF8.self)
    }
}

struct ExpectedField {
    var name: String
    var filename: String?
    var data: [UInt8]

    var withoutData: ExpectedField { ExpectedField(name: name, filename: filename, data: []) }
}

/// The form a route handler last saw (handlers run on the server's thread).
final class ReceivedForm: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var form: HTTPForm?

    func set(_ form: HTTPForm?) { lock.withLock { self.form = form } }
    func take() -> HTTPForm? { lock.withLock { form } }
}

import Foundation
import Testing

@testable import FrontdeskHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Polls `condition` every 10 ms for up to `seconds`; returns whether it became true.
private func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}

/// Seconds `body` took.
private func timed(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A fresh empty folder under the system's temporary folder.
private func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "frontdesk-limits-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The open descriptors of this process that point at a deleted file in `folder`, with their modes.
private func deletedFilesOpen(in folder: String) -> [(target: String, mode: mode_t)] {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    var found: [(String, mode_t)] = []
    for fd in fds {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
            target.hasPrefix(folder + "/"), target.hasSuffix(" (deleted)")
        else { continue }
        var info = stat()
        if stat("/proc/self/fd/\(fd)", &info) == 0 { found.append((target, info.st_mode & 0o777)) }
    }
    return found
}

private func request(_ head: String, contentLength: Int, _ extra: [String] = []) -> String {
    (["POST \(head) HTTP/1.1", "Host: x", "Content-Length: \(contentLength)"] + extra).joined(separator: "\r\n")
        + "\r\n\r\n"
}

@Suite struct TrustedProxyTests {
    @Test func listsOfAddressesAndRangesParse() throws {
        let proxies = try TrustedProxies(parsing: " 127.0.0.1, 10.0.0.0/8,,2001:db8::/32 , ::1")
        #expect(proxies.ranges.count == 4)
        #expect(proxies.contains("127.0.0.1"))
        #expect(!proxies.contains("127.0.0.2"))
        #expect(proxies.contains("10.0.0.0") && proxies.contains("10.255.255.255"))
        #expect(!proxies.contains("11.0.0.0") && !proxies.contains("9.255.255.255"))
        #expect(proxies.contains("2001:db8:ffff::7"))
        #expect(!proxies.contains("2001:db9::1"))
        #expect(proxies.contains("::1"))
        // What a dual-stack socket reports for an IPv4 peer.
        #expect(proxies.contains("::ffff:10.1.2.3"))
        #expect(!proxies.contains("not an address"))
        #expect(TrustedProxies.none.isEmpty && !TrustedProxies.none.contains("127.0.0.1"))
        #expect(try TrustedProxies(parsing: "0.0.0.0/0").contains("198.51.100.1"))
        #expect(try TrustedProxies(parsing: "192.168.1.0/23").contains("192.168.0.255"))
        #expect(try !TrustedProxies(parsing: "192.168.1.0/24").contains("192.168.0.255"))
    }

    @Test(arguments: ["example.com", "10.0.0.0/33", "::1/129", "10.0.0.1/", "10.0.0.1/+8", "10.0.0/8", "1.2.3.4:80"])
    func badEntriesAreNamed(entry: String) {
        #expect(throws: TrustedProxies.ParseError(entry: entry)) {
            try TrustedProxies(parsing: "127.0.0.1, \(entry)")
        }
    }

    @Test func theClientIsTheRightmostUntrustedAddress() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8")
        // Anyone else's header is ignored, whatever it says.
        #expect(proxies.client(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"]) == "198.51.100.4")
        // Our proxy appended the address it saw; what the client wrote to its left proves nothing.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 203.0.113.9"]) == "203.0.113.9")
        // Several trusted hops are walked through.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, 10.1.1.1, 10.2.2.2"]) == "203.0.113.9")
        // Repeated headers count as one list, in order.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["6.6.6.6", "203.0.113.9, 10.0.0.5"]) == "203.0.113.9")
        // Ports and brackets are dropped; the address is canonical.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9:4711"]) == "203.0.113.9")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["[2001:DB8::0:1]:443"]) == "2001:db8::1")
        // Garbage stops the walk at the trusted hop that passed it on.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, unknown, 10.0.0.7"]) == "10.0.0.7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["nonsense"]) == "127.0.0.1")
        // Only proxies: the farthest one is the client; no header: the proxy itself.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["10.0.0.1, 10.0.0.2"]) == "10.0.0.1")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
    }

    @Test func onlyTheConfiguredProxysForwardedForIsHonoured() async throws {
        let sink = LogSink()
        var router = Router()
        router.get("/who") { request in .text("\(request.remoteAddress) \(request.clientAddress)") }
        let headers = ["X-Forwarded-For": "6.6.6.6, 203.0.113.9"]

        let trusting = try startServer(
            router, configuration: HTTPServerConfiguration(trustedProxies: TrustedProxies(parsing: "127.0.0.0/8")),
            sink: sink)
        let behindProxy = try await fetch(trusting, "/who", headers: headers)
        trusting.stop()
        #expect(behindProxy.text == "127.0.0.1 203.0.113.9")
        #expect(sink.lines.contains { $0.hasPrefix("http GET /who 200 ") && $0.hasSuffix(" client=203.0.113.9") })

        for proxies in [TrustedProxies.none, try TrustedProxies(parsing: "10.0.0.0/8")] {
            let server = try startServer(router, configuration: HTTPServerConfiguration(trustedProxies: proxies))
            defer { server.stop() }
            #expect(try await fetch(server, "/who", headers: headers).text == "127.0.0.1 127.0.0.1")
        }
    }
}

@Suite struct ConnectionLimitTests {
    @Test func extraConnectionsFromOneAddressAreRefusedButATrustedProxyIsNot() throws {
        var router = Router()
        router.get("/ping") { _ in .text("pong") }
        let metrics = HTTPMetrics()
        let limited = try startServer(
            router, configuration: HTTPServerConfiguration(perIPConnectionLimit: 2), metrics: metrics)
        let first = try RawClient(port: limited.port)
        let second = try RawClient(port: limited.port)
        #expect(eventually { limited.resourceUsage.openConnections == 2 })
        let third = try RawClient(port: limited.port)
        third.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(third.readAll().isEmpty, "the third connection is closed unanswered")
        #expect(limited.resourceUsage.refusedByAddressLimit == 1)
        #expect(metrics.render().contains("frontdesk_http_limited_total{reason=\"per_address\"} 1\n"))
        // The two admitted connections still work, and a place frees when one closes.
        first.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(first.readStatus()?.status == 200)
        #expect(eventually { limited.resourceUsage.openConnections == 1 })
        #expect(try rawExchange(limited, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?.status == 200)
        for client in [first, second, third] { client.closeSocket() }
        limited.stop()

        // Behind a trusted proxy every client arrives from the proxy: it is bounded by the total only.
        let proxied = try startServer(
            router,
            configuration: HTTPServerConfiguration(
                perIPConnectionLimit: 2, trustedProxies: TrustedProxies(parsing: "127.0.0.1")))
        defer { proxied.stop() }
        let held = try (0..<4).map { _ in try RawClient(port: proxied.port) }
        #expect(eventually { proxied.resourceUsage.openConnections == 4 })
        #expect(try rawExchange(proxied, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?.status == 200)
        #expect(proxied.resourceUsage.refusedByAddressLimit == 0)
        for client in held { client.closeSocket() }
    }

    @Test func clientsBehindATrustedProxyHaveTheirOwnLimit() throws {
        var router = Router()
        router.post("/upload", decodesForm: false) { request in .text("got \(request.body.count)") }
        let server = try startServer(
            router,
            configuration: HTTPServerConfiguration(
                perIPConnectionLimit: 1, trustedProxies: TrustedProxies(parsing: "127.0.0.1")))
        defer { server.stop() }
        // A's request is in flight (its body is half sent) and counts for 203.0.113.9.
        let a = try RawClient(port: server.port)
        defer { a.closeSocket() }
        a.send(request("/upload", contentLength: 10, ["X-Forwarded-For: 203.0.113.9", "Connection: close"]) + "12345")
        #expect(eventually { server.inFlightRequests == 1 })
        let refused = try rawExchange(
            server, request("/upload", contentLength: 2, ["X-Forwarded-For: 203.0.113.9", "Connection: close"]) + "ok")
        #expect(refused?.status == 429)
        #expect(refused?.response.contains("Retry-After: 5") == true)
        let other = try rawExchange(
            server, request("/upload", contentLength: 2, ["X-Forwarded-For: 203.0.113.10", "Connection: close"]) + "ok")
        #expect(other?.status == 200)
        a.send("67890")
        #expect(a.readStatus()?.status == 200)
        let again = try rawExchange(
            server, request("/upload", contentLength: 2, ["X-Forwarded-For: 203.0.113.9", "Connection: close"]) + "ok")
        #expect(again?.status == 200)
    }
}

@Suite struct DeadlineTests {
    private func server(deadline: Double, sink: LogSink = LogSink(), metrics: HTTPMetrics? = nil) throws -> HTTPServer {
        var router = Router()
        router.post("/echo", decodesForm: false) { request in .text("got \(request.body.count)") }
        router.get("/slow") { _ in
            Thread.sleep(forTimeInterval: deadline + 1)
            return .text("done")
        }
        // The idle timeout (30 s) is never reached: bytes keep arriving.
        return try startServer(
            router,
            configuration: HTTPServerConfiguration(connectionTimeoutSeconds: 30, requestDeadlineSeconds: deadline),
            metrics: metrics, sink: sink)
    }

    /// Sends `text` a byte every `interval` seconds on another thread; returns how long until the server closed.
    private func trickle(_ server: HTTPServer, _ text: String, every interval: Double) throws -> Double {
        let client = try RawClient(port: server.port)
        defer { client.closeSocket() }
        let bytes = Array(text.utf8)
        let stop = Box(false)
        Thread.detachNewThread {
            for byte in bytes where !stop.value {
                if !client.send(Data([byte])) { return }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        defer { stop.value = true }
        return timed { _ = client.readAll() }
    }

    @Test func slowHeadersAreCutAtTheDeadline() throws {
        let sink = LogSink()
        let metrics = HTTPMetrics()
        let server = try server(deadline: 1.5, sink: sink, metrics: metrics)
        defer { server.stop() }
        let header = "POST /echo HTTP/1.1\r\nHost: x\r\nX-Padding: " + String(repeating: "a", count: 200)
        let seconds = try trickle(server, header, every: 0.2)
        #expect(seconds >= 1.4 && seconds < 10, "closed after \(seconds) s")
        #expect(server.resourceUsage.closedByDeadline == 1)
        // Reported just after the socket is shut down, so possibly after the client saw it close.
        #expect(
            eventually {
                sink.lines.contains { $0.hasPrefix("http limit: request from 127.0.0.1 not received within 1.5 s") }
            })
        #expect(eventually { metrics.render().contains("frontdesk_http_limited_total{reason=\"deadline\"} 1\n") })
    }

    @Test func aSlowBodyIsCutAtTheDeadline() throws {
        let server = try server(deadline: 1.5)
        defer { server.stop() }
        let text = request("/echo", contentLength: 200) + String(repeating: "b", count: 200)
        let seconds = try trickle(server, text, every: 0.05)
        #expect(seconds >= 1.4 && seconds < 10, "closed after \(seconds) s")
        #expect(server.resourceUsage.closedByDeadline == 1)
        #expect(eventually { server.resourceUsage.bodyMemory == 0 })
    }

    @Test func theDeadlineStopsOnceTheRequestIsIn() throws {
        let server = try server(deadline: 2)
        defer { server.stop() }
        // The handler takes longer than the deadline: its answer still goes out.
        let slow = try rawExchange(server, "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(slow?.status == 200)
        // A kept-alive connection gets a fresh deadline for each request: three requests 1.2 s apart keep it
        // open for 2.4 s, past the 2 s a single request may take.
        let client = try RawClient(port: server.port)
        defer { client.closeSocket() }
        client.send(request("/echo", contentLength: 2) + "hi")
        Thread.sleep(forTimeInterval: 1.2)
        client.send(request("/echo", contentLength: 2) + "yo")
        Thread.sleep(forTimeInterval: 1.2)
        client.send(request("/echo", contentLength: 2, ["Connection: close"]) + "ok")
        let all = String(decoding: client.readAll(), as: UTF8.self)
        #expect(all.components(separatedBy: "HTTP/1.1 200").count == 4, "\(all)")
        #expect(server.resourceUsage.closedByDeadline == 0)
    }
}

@Suite struct BodyBudgetTests {
    private func router(handled: Box<Int>) -> Router {
        var router = Router()
        router.post("/echo", decodesForm: false) { request in
            handled.update { $0 += 1 }
            return .text("got \(request.body.count)")
        }
        router.post("/mail", bodyLimit: .mime, spoolsBody: true) { request in
            handled.update { $0 += 1 }
            return .text("got \(request.bodyLength) in memory \(request.body.count)")
        }
        return router
    }

    @Test func requestsOverTheSharedMemoryCapGet503WithRetryAfter() throws {
        let handled = Box(0)
        let metrics = HTTPMetrics()
        let server = try startServer(
            router(handled: handled), configuration: HTTPServerConfiguration(bodyMemoryLimit: 256 << 10),
            metrics: metrics)
        defer { server.stop() }

        // Declared too large for what is left: refused from the headers alone, nothing read.
        let declared = try rawExchange(server, request("/echo", contentLength: 300 << 10, ["Connection: close"]))
        #expect(declared?.status == 503)
        #expect(declared?.response.contains("Retry-After: 5") == true)

        // One request holds 200 KiB (half its body sent); the next one's 100 KiB no longer fit.
        let holder = try RawClient(port: server.port)
        defer { holder.closeSocket() }
        holder.send(request("/echo", contentLength: 200 << 10, ["Connection: close"]))
        holder.send(Data(repeating: 1, count: 100 << 10))
        #expect(eventually { server.resourceUsage.bodyMemory == 200 << 10 })
        let crowded = try rawExchange(
            server,
            request("/echo", contentLength: 100 << 10, ["Connection: close"]) + String(repeating: "x", count: 100 << 10)
        )
        #expect(crowded?.status == 503)
        holder.send(Data(repeating: 2, count: 100 << 10))
        #expect(holder.readStatus()?.response.hasSuffix("got 204800") == true)
        #expect(eventually { server.resourceUsage.bodyMemory == 0 })

        // Chunked: no length to check up front, so the rest is read and dropped and the 503 follows the body.
        let chunked = try RawClient(port: server.port)
        defer { chunked.closeSocket() }
        chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        let chunk = Data(repeating: UInt8(ascii: "c"), count: 64 << 10)
        for _ in 0..<5 { chunked.send(Data("10000\r\n".utf8) + chunk + Data("\r\n".utf8)) }
        chunked.send("0\r\n\r\n")
        #expect(chunked.readStatus()?.status == 503)

        #expect(handled.value == 1)
        #expect(server.resourceUsage.bodyMemoryPeak <= 256 << 10)
        #expect(eventually { server.resourceUsage.bodyMemory == 0 })
        #expect(metrics.render().contains("frontdesk_http_limited_total{reason=\"body_memory\"} 3\n"))
    }

    @Test func aSpoolingRouteGoesToDiskWhenMemoryIsShort() throws {
        let handled = Box(0)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try startServer(
            router(handled: handled),
            configuration: HTTPServerConfiguration(bodyMemoryLimit: 64 << 10, spoolDirectory: folder))
        defer { server.stop() }
        let body = String(repeating: "m", count: 200 << 10)
        let result = try rawExchange(
            server, request("/mail", contentLength: body.utf8.count, ["Connection: close"]) + body)
        #expect(result?.response.hasSuffix("got 204800 in memory 0") == true)
        #expect(server.resourceUsage.spooledRequests == 1)
        #expect(server.resourceUsage.bodyMemoryPeak == 0)
    }
}

@Suite struct SpoolTests {
    @Test func largeBodiesAreSpooledToAnUnlinkedPrivateFileAndParsedFromThere() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seen = Box<(request: HTTPRequest, files: [(target: String, mode: mode_t)])?>(nil)
        var router = Router()
        router.post("/mail", bodyLimit: .mime, spoolsBody: true, keepsFileParts: false) { request in
            seen.value = (request, deletedFilesOpen(in: folder))
            return .text("ok")
        }
        let server = try startServer(
            router, configuration: HTTPServerConfiguration(spoolThreshold: 64 << 10, spoolDirectory: folder))
        defer { server.stop() }
        let attachment = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let long = String(repeating: "Line of text. ", count: 10_000)
        let body = multipartBody(
            boundary: "spool-b",
            parts: [
                ("sender", nil, nil, Data("ada@example.com".utf8)),
                ("body-plain", nil, "text/plain", Data(long.utf8)),
                ("attachment-1", "scan.pdf", "application/pdf", attachment),
                ("signature", nil, nil, Data("abc".utf8)),
            ])
        let response = try await fetch(
            server, "/mail", method: "POST", headers: ["Content-Type": "multipart/form-data; boundary=spool-b"],
            body: body)
        #expect(response.status == 200)
        let (request, files) = try #require(seen.value)
        #expect(request.body.isEmpty, "a spooled body is not in memory")
        #expect(request.bodyLength == body.count)
        let form = try #require(request.form)
        #expect(form["sender"] == "ada@example.com")
        #expect(form["body-plain"] == long)
        #expect(form["signature"] == "abc")
        let file = try #require(form.field("attachment-1"))
        #expect(file.filename == "scan.pdf" && file.contentType == "application/pdf")
        #expect(file.data.isEmpty, "attachments are not kept on this route")
        #expect(form.fields.map(\.name) == ["sender", "body-plain", "attachment-1", "signature"])
        // While the handler ran, the body was in a deleted file in the spool folder, readable by us alone.
        #expect(files.count == 1)
        #expect(files.first?.target.hasPrefix(folder + "/frontdesk-body-") == true)
        #expect(files.first?.mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(deletedFilesOpen(in: folder).isEmpty, "closed once answered")
        let usage = server.resourceUsage
        #expect(usage.spooledRequests == 1)
        #expect(usage.spool == 0 && usage.bodyMemory == 0)
        #expect(usage.spoolPeak == body.count)
        // In memory: the text fields only, never the body or the attachment.
        #expect(usage.bodyMemoryPeak < long.utf8.count + 1024)
    }

    @Test func aChunkedBodyMovesToDiskWhenItPassesTheThreshold() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seen = Box<HTTPForm?>(nil)
        var router = Router()
        router.post("/mail", bodyLimit: .mime, spoolsBody: true) { request in
            seen.value = request.form
            return .text("got \(request.bodyLength) in memory \(request.body.count)")
        }
        let server = try startServer(
            router, configuration: HTTPServerConfiguration(spoolThreshold: 64 << 10, spoolDirectory: folder))
        defer { server.stop() }
        let value = String(repeating: "0123456789", count: 30_000)
        let body = Data("a=1&big=\(value)&z=2".utf8)
        let client = try RawClient(port: server.port)
        defer { client.closeSocket() }
        client.send(
            "POST /mail HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        var offset = 0
        while offset < body.count {
            let piece = body[offset..<min(body.count, offset + 50_000)]
            client.send(Data((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Data("\r\n".utf8))
            offset += piece.count
        }
        client.send("0\r\n\r\n")
        let result = client.readStatus()
        #expect(result?.response.hasSuffix("got \(body.count) in memory 0") == true)
        let form = try #require(seen.value)
        #expect(form["a"] == "1" && form["z"] == "2" && form["big"] == value)
        #expect(server.resourceUsage.spooledRequests == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func theSpoolLimitIsShared() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var router = Router()
        router.post("/mail", bodyLimit: .mime, spoolsBody: true) { request in .text("got \(request.bodyLength)") }
        let server = try startServer(
            router,
            configuration: HTTPServerConfiguration(
                spoolThreshold: 64 << 10, spoolLimit: 1 << 20, spoolDirectory: folder))
        defer { server.stop() }
        let refused = try rawExchange(
            server,
            request("/mail", contentLength: (1 << 20) + 1, ["Content-Type: message/rfc822", "Connection: close"]))
        #expect(refused?.status == 503)
        #expect(refused?.response.contains("Retry-After: 5") == true)
        let body = String(repeating: "s", count: 512 << 10)
        let accepted = try rawExchange(
            server,
            request("/mail", contentLength: body.utf8.count, ["Content-Type: message/rfc822", "Connection: close"])
                + body)
        #expect(accepted?.response.hasSuffix("got \(512 << 10)") == true)
    }

    @Test func anUnusableSpoolFolderIsA503NotACrash() throws {
        let sink = LogSink()
        var router = Router()
        router.post("/mail", bodyLimit: .mime, spoolsBody: true) { request in .text("got \(request.bodyLength)") }
        let server = try startServer(
            router,
            configuration: HTTPServerConfiguration(
                spoolThreshold: 1024, spoolDirectory: "/nonexistent-frontdesk-spool"),
            sink: sink)
        defer { server.stop() }
        let body = String(repeating: "s", count: 4096)
        let result = try rawExchange(
            server, request("/mail", contentLength: body.utf8.count, ["Connection: close"]) + body)
        #expect(result?.status == 503)
        #expect(sink.lines.contains { $0.contains("spool: cannot create a file in /nonexistent-frontdesk-spool") })
        #expect(!sink.lines.joined().contains("ssss"), "bodies never reach the log")
    }
}

@Suite struct HeaderCheckTests {
    @Test func aRefusedRequestIsAnsweredBeforeItsBodyIsRead() throws {
        let handled = Box(0)
        var router = Router()
        router.post(
            "/hook", bodyLimit: .mime,
            headerCheck: { request in request.headers["X-Key"] == "right" ? nil : .forbidden("Invalid signature.") }
        ) { request in
            handled.update { $0 += 1 }
            return .text("got \(request.bodyLength)")
        }
        let server = try startServer(router)
        defer { server.stop() }
        for key in ["wrong", nil] {
            let client = try RawClient(port: server.port)
            defer { client.closeSocket() }
            let extra = key.map { ["X-Key: \($0)"] } ?? []
            client.send(
                request("/hook", contentLength: 24 << 20, ["Content-Type: multipart/form-data; boundary=b"] + extra))
            // Not a byte of the 24 MiB body is sent: the answer comes from the headers alone.
            var status: Int?
            let seconds = timed { status = client.readStatus()?.status }
            #expect(status == 403)
            // Timing is secondary (the body was never sent, so any answer came from the headers); bounded anyway.
            #expect(seconds < 5)
        }
        #expect(handled.value == 0)
        #expect(server.resourceUsage.bodyMemoryPeak == 0)
        let good = try rawExchange(
            server, request("/hook", contentLength: 5, ["X-Key: right", "Connection: close"]) + "hello")
        #expect(good?.response.hasSuffix("got 5") == true)
        #expect(handled.value == 1)
    }
}

@Suite struct WebhookLimitTests {
    @Test(arguments: ["/webhooks/postmark", "/webhooks/sendgrid"])
    func badBasicAuthIsRefusedBeforeA24MiBBodyIsRead(path: String) throws {
        let f = try WebFixture()
        let wrong = "Authorization: Basic " + Data("\(path.dropFirst(10)):wrong".utf8).base64EncodedString()
        for credentials in [[wrong], []] {
            let client = try RawClient(port: f.server.port)
            defer { client.closeSocket() }
            client.send(
                request(path, contentLength: 24 << 20, ["Content-Type: multipart/form-data; boundary=b"] + credentials))
            // Only the headers were sent: the server can answer without the body, and must.
            var result: (status: Int, response: String)?
            let seconds = timed { result = client.readStatus() }
            #expect(result?.status == 403)
            #expect(result?.response.hasSuffix("Invalid signature.") == true)
            // Timing is secondary (the body was never sent, so any answer came from the headers); bounded anyway.
            #expect(seconds < 5)
        }
        #expect(f.server.resourceUsage.bodyMemoryPeak == 0)
        #expect(f.server.resourceUsage.spoolPeak == 0)
        #expect(try f.count("messages") == 0)
        #expect(f.logLines.value.filter { $0.contains("webhook_refused") }.count == 2)
    }

    @Test func unconfiguredBasicAuthProvidersAreRefusedFromTheHeaders() throws {
        let f = try WebFixture(settings: WebhookSettings(baseURL: "https://desk.example.test"))
        for path in ["/webhooks/postmark", "/webhooks/sendgrid"] {
            let result = try rawExchange(f.server, request(path, contentLength: 24 << 20, ["Connection: close"]))
            #expect(result?.status == 503, "\(path)")
        }
        #expect(f.server.resourceUsage.bodyMemoryPeak == 0)
    }

    @Test func twilioBodiesAreCappedAt64KiB() throws {
        let f = try WebFixture()
        let form = "Content-Type: application/x-www-form-urlencoded"
        let declared = try rawExchange(f.server, request("/webhooks/twilio", contentLength: (64 << 10) + 1, [form]))
        #expect(declared?.status == 413)

        let client = try RawClient(port: f.server.port)
        defer { client.closeSocket() }
        client.send(
            "POST /webhooks/twilio HTTP/1.1\r\nHost: x\r\n\(form)\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n")
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 16 << 10)
        for _ in 0..<5 { client.send(Data("4000\r\n".utf8) + chunk + Data("\r\n".utf8)) }
        client.send("0\r\n\r\n")
        #expect(client.readStatus()?.status == 413)

        // Within the cap the request goes on to the signature check (unsigned here, so 403, not 413).
        let body = "Body=" + String(repeating: "a", count: 60 << 10)
        let within = try rawExchange(
            f.server, request("/webhooks/twilio", contentLength: body.utf8.count, [form, "Connection: close"]) + body)
        #expect(within?.status == 403)
    }
}

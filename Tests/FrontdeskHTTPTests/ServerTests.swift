import Foundation
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Echoes what the server decoded, one `name=value` line per item, so tests can compare.
private func describe(_ request: HTTPRequest) -> String {
    var lines = [
        "method=\(request.method)", "path=\(request.path)", "target=\(request.target)",
        "remote=\(request.remoteAddress)",
    ]
    for (name, value) in request.pathParameters.sorted(by: { $0.key < $1.key }) {
        lines.append("param.\(name)=\(value)")
    }
    for field in request.query { lines.append("query.\(field.name)=\(field.value)") }
    lines.append("x-custom=\(request.headers["x-CUSTOM-header"] ?? "nil")")
    lines.append("body.count=\(request.body.count)")
    return lines.joined(separator: "\n")
}

private struct Boom: Error {}

private func standardRouter(form: Box<HTTPRequest?> = Box(nil)) -> Router {
    var router = Router()
    router.get("/hello/:name") { request in .text(describe(request)) }
    router.post("/echo") { request in .text(describe(request)) }
    router.post("/form") { request in
        form.value = request
        return .text("fields=\(request.form?.fields.count ?? -1)")
    }
    router.post("/mail", bodyLimit: .mime) { request in
        form.value = request
        return .text("fields=\(request.form?.fields.count ?? -1)")
    }
    router.post("/raw", decodesForm: false) { request in
        form.value = request
        return .text("raw=\(request.body.count) form=\(request.form == nil ? "nil" : "set")")
    }
    router.get("/boom") { _ in throw Boom() }
    router.get("/page") { _ in .html("<p>hi</p>") }
    router.get("/bad-header") { _ in HTTPResponse(status: 200, headers: ["X-Evil": "a\r\nSet-Cookie: x=1"]) }
    return router
}

@Suite struct ServerTests {
    @Test func getRouteSeesPathParametersQueryHeadersAndPeer() async throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        #expect(server.port != 0)
        let response = try await fetch(
            server, "/hello/ada?x=1&y=two%20words&x=3", headers: ["X-Custom-Header": "Value"])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        let lines = response.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("method=GET"))
        #expect(lines.contains("path=/hello/ada"))
        #expect(lines.contains("target=/hello/ada?x=1&y=two%20words&x=3"))
        #expect(lines.contains("remote=127.0.0.1"))
        #expect(lines.contains("param.name=ada"))
        #expect(lines.filter { $0.hasPrefix("query.") } == ["query.x=1", "query.y=two words", "query.x=3"])
        #expect(lines.contains("x-custom=Value"))
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let missing = try await fetch(server, "/nowhere")
        #expect(missing.status == 404)
        #expect(missing.text == "Not found.")
        let wrong = try await fetch(server, "/echo")
        #expect(wrong.status == 405)
        #expect(wrong.headers["allow"] == "POST")
        let wrongOnGet = try await fetch(server, "/hello/x", method: "DELETE")
        #expect(wrongOnGet.status == 405)
        #expect(wrongOnGet.headers["allow"] == "GET, HEAD")
    }

    @Test func postBodyArrivesWhole() async throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let response = try await fetch(
            server, "/echo", method: "POST", headers: ["Content-Type": "application/octet-stream"], body: body)
        #expect(response.status == 200)
        #expect(response.text.contains("body.count=300000"))
    }

    @Test func urlEncodedFormIsDecodedByThePostProcessor() async throws {
        let seen = Box<HTTPRequest?>(nil)
        let server = try startServer(standardRouter(form: seen))
        defer { server.stop() }
        let big = String(repeating: "0123456789", count: 60_000)  // 600 KB: many chunks
        let body = "From=%2B15551234567&Body=Hello+there%21+%C3%A9t%C3%A9&Empty=&MediaUrl0=a&MediaUrl0=b&Big=\(big)"
        let response = try await fetch(
            server, "/form", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data(body.utf8))
        #expect(response.status == 200)
        let request = try #require(seen.value)
        let form = try #require(request.form)
        #expect(form["From"] == "+15551234567")
        #expect(form["Body"] == "Hello there! été")
        #expect(form["Empty"] == "")
        #expect(form.values("MediaUrl0") == ["a", "b"])
        #expect(form["Big"]?.count == big.count)
        #expect(form["Big"] == big)
        #expect(form.fields.map(\.name) == ["From", "Body", "Empty", "MediaUrl0", "MediaUrl0", "Big"])
        #expect(request.body == Data(body.utf8), "the raw body is kept for signatures")
    }

    @Test func multipartFormIsDecodedWithAFieldSplitAcrossChunks() async throws {
        let seen = Box<HTTPRequest?>(nil)
        let server = try startServer(standardRouter(form: seen))
        defer { server.stop() }
        let big = Data((0..<600_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let boundary = "----frontdesk-test-boundary"
        let body = multipartBody(
            boundary: boundary,
            parts: [
                ("sender", nil, nil, Data("ada@example.com".utf8)),
                ("body-plain", nil, "text/plain; charset=utf-8", Data("Line one\r\nLine two é".utf8)),
                ("attachment-1", "photo.bin", "application/octet-stream", big),
                ("signature", nil, nil, Data("abc".utf8)),
            ])
        let response = try await fetch(
            server, "/mail", method: "POST", headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
            body: body)
        #expect(response.status == 200)
        #expect(response.text == "fields=4")
        let request = try #require(seen.value)
        let form = try #require(request.form)
        #expect(form["sender"] == "ada@example.com")
        #expect(form["body-plain"] == "Line one\r\nLine two é")
        #expect(form.field("body-plain")?.contentType == "text/plain; charset=utf-8")
        let attachment = try #require(form.field("attachment-1"))
        #expect(attachment.filename == "photo.bin")
        #expect(attachment.contentType == "application/octet-stream")
        #expect(attachment.data == big)
        #expect(form["signature"] == "abc")
        #expect(request.body == body)
    }

    @Test func formDecodingCanBeTurnedOff() async throws {
        let seen = Box<HTTPRequest?>(nil)
        let server = try startServer(standardRouter(form: seen))
        defer { server.stop() }
        let response = try await fetch(
            server, "/raw", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data("a=1&b=2".utf8))
        #expect(response.text == "raw=7 form=nil")
    }

    @Test func malformedMultipartIs400() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        // multipart without a boundary: libmicrohttpd cannot create a post processor.
        let result = try rawExchange(
            server,
            "POST /mail HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 3\r\n"
                + "Connection: close\r\n\r\nabc")
        #expect(result?.status == 400)
        #expect(result?.response.hasSuffix("Malformed form body.") == true)
    }

    @Test func oversizedBodyWithContentLengthIs413BeforeTheBodyIsSent() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        defer { client.closeSocket() }
        client.send(
            "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: \((1 << 20) + 1)\r\n\r\n")
        // No body is sent at all: the answer comes from the headers alone.
        let result = client.readStatus()
        #expect(result?.status == 413)
        #expect(result?.response.hasSuffix("Request body too large.") == true)
    }

    @Test func oversizedChunkedBodyIs413() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        defer { client.closeSocket() }
        client.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n")
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 64 * 1024)
        var sent = 0
        // 1.5 MiB in 24 chunks against a 1 MiB cap.
        for _ in 0..<24 {
            guard client.send(Data(String(chunk.count, radix: 16).utf8) + Data("\r\n".utf8) + chunk + Data("\r\n".utf8))
            else { break }
            sent += chunk.count
        }
        client.send("0\r\n\r\n")
        let result = client.readStatus()
        #expect(result?.status == 413)
    }

    @Test func largeMultipartIsAllowedOnlyWhereTheRouteSaysSo() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let head = "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: \(2 << 20)\r\n\r\n"
        let small = try rawExchange(server, "POST /form HTTP/1.1\r\nHost: x\r\n" + head)
        #expect(small?.status == 413)
        let tooBig = try rawExchange(
            server,
            "POST /mail HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: \((25 << 20) + 1)\r\n\r\n")
        #expect(tooBig?.status == 413)
    }

    @Test(arguments: [
        "GET /hello/x HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "GET /hello/x\r\nHost: x\r\n\r\n",
        "GET /x HTTP/9\r\nHost: x\r\n\r\n",
        "GET /hello/x HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
    ])
    func malformedRequestsAre400(request: String) throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let result = try rawExchange(server, request)
        let status = try #require(result?.status)
        #expect((400...505).contains(status), "got \(status)")
    }

    /// A request line of one token is not HTTP at all: libmicrohttpd 0.9.75 closes the connection
    /// without an answer (it never reaches our handler, so there is nothing to route).
    @Test(arguments: ["GARBAGE\r\n\r\n", "GET\r\n\r\n"])
    func nonHTTPRequestLinesAreDropped(request: String) throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        defer { client.closeSocket() }
        client.send(request)
        #expect(client.readAll().isEmpty)
    }

    @Test func malformedRequestLineIs400() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let result = try rawExchange(server, "GET /hello/x HTTP/1.1 extra\r\nHost: x\r\n\r\n")
        #expect(result?.status == 400)
    }

    @Test func requestsRefusedByTheLibraryAreReleased() throws {
        let sink = LogSink()
        let server = try startServer(standardRouter(), sink: sink)
        defer { server.stop() }
        for request in ["GARBAGE\r\n\r\n", "GET /l/SECRET HTTP/1.1 x\r\n\r\n", "GET /hello/x HTTP/1.1\r\nBad\r\n\r\n"] {
            _ = try rawExchange(server, request)
        }
        // Each connection is closed by now; its request state must have been released (NOTIFY_COMPLETED).
        var waited = 0
        while server.inFlightRequests > 0 && waited < 200 {
            Thread.sleep(forTimeInterval: 0.01)
            waited += 1
        }
        #expect(server.inFlightRequests == 0)
        #expect(!sink.lines.joined().contains("SECRET"))
    }

    @Test func oversizedHeadersAreRefused() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let filler = String(repeating: "a", count: 100_000)
        let result = try rawExchange(server, "GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Filler: \(filler)\r\n\r\n")
        let status = try #require(result?.status)
        #expect(status == 431 || status == 413 || status == 400, "got \(status)")
    }

    @Test func throwingHandlerGivesABare500AndALogLine() async throws {
        let sink = LogSink()
        let server = try startServer(standardRouter(), sink: sink)
        let response = try await fetch(server, "/boom")
        server.stop()
        #expect(response.status == 500)
        #expect(response.text == "Internal server error.")
        #expect(
            sink.events.contains { if case .handlerError(_, "/boom", let e) = $0 { e.contains("Boom") } else { false } }
        )
    }

    @Test func unsafeResponseHeadersAreDropped() async throws {
        let sink = LogSink()
        let server = try startServer(standardRouter(), sink: sink)
        let response = try await fetch(server, "/bad-header")
        server.stop()
        #expect(response.status == 200)
        #expect(response.headers["x-evil"] == nil)
        #expect(response.headers["set-cookie"] == nil)
        #expect(sink.lines.contains { $0.contains("dropped header X-Evil") })
    }

    @Test func htmlResponsesCarrySecurityHeaders() async throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let response = try await fetch(server, "/page")
        #expect(response.headers["x-frame-options"] == "DENY")
        #expect(response.headers["cache-control"] == "no-store")
        #expect(response.headers["content-security-policy"]?.contains("form-action 'self'") == true)
    }

    @Test func headGetsHeadersWithoutBody() throws {
        let server = try startServer(standardRouter())
        defer { server.stop() }
        let result = try rawExchange(server, "HEAD /page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(result?.status == 200)
        #expect(result?.response.hasSuffix("\r\n\r\n") == true)
    }

    @Test func accessLogHidesTokensAndQueries() async throws {
        let sink = LogSink()
        var router = Router()
        router.get("/l/:token") { _ in .html("<p>page</p>") }
        router.get("/invoice/:token/pdf") { _ in .text("pdf") }
        let metrics = HTTPMetrics()
        let server = try startServer(router, metrics: metrics, sink: sink)
        _ = try await fetch(server, "/l/SECRETTOKEN123?utm=SECRETQUERY")
        _ = try await fetch(server, "/invoice/SECRETTOKEN456/pdf")
        _ = try await fetch(server, "/l/SECRETTOKEN789/unknown")
        server.stop()
        let lines = sink.lines
        #expect(!lines.joined().contains("SECRET"))
        #expect(lines.contains { $0.hasPrefix("http GET /l/… 200 ") && $0.hasSuffix("µs client=127.0.0.1") })
        #expect(lines.contains { $0.hasPrefix("http GET /invoice/…/pdf 200 ") })
        #expect(lines.contains { $0.hasPrefix("http GET /l/…/unknown 404 ") })
        #expect(metrics.requestCount == 3)
        #expect(metrics.render().contains("route=\"/l/:token\",status=\"200\"} 1"))
    }

    @Test func hundredConcurrentRequestsAllSucceed() async throws {
        let counter = Box(0)
        var router = Router()
        router.post("/count/:n") { request in
            counter.update { $0 += 1 }
            return .text("n=\(request.pathParameters["n"] ?? "")&len=\(request.body.count)")
        }
        // One client opening up to 100 connections at once: above the default per-address limit.
        let server = try startServer(router, configuration: HTTPServerConfiguration(perIPConnectionLimit: 128))
        defer { server.stop() }
        let results = try await withThrowingTaskGroup(of: (Int, ClientResponse).self) { group in
            for n in 0..<100 {
                group.addTask {
                    let body = Data(repeating: UInt8(n), count: n * 100)
                    return (
                        n,
                        try await fetch(
                            server, "/count/\(n)", method: "POST",
                            headers: ["Content-Type": "application/octet-stream"], body: body)
                    )
                }
            }
            var collected: [(Int, ClientResponse)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 100)
        for (n, response) in results {
            #expect(response.status == 200)
            #expect(response.text == "n=\(n)&len=\(n * 100)")
        }
        #expect(counter.value == 100)
    }

    @Test func hundredParallelRawConnections() throws {
        var router = Router()
        router.get("/x/:n") { request in .text(request.pathParameters["n"] ?? "") }
        let server = try startServer(router, configuration: HTTPServerConfiguration(perIPConnectionLimit: 128))
        defer { server.stop() }
        let port = server.port
        let statuses = Box([Int](repeating: 0, count: 100))
        DispatchQueue.concurrentPerform(iterations: 100) { n in
            guard let client = try? RawClient(port: port) else { return }
            defer { client.closeSocket() }
            client.send("GET /x/\(n) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if let result = client.readStatus(), result.response.hasSuffix("\r\n\r\n\(n)") {
                statuses.update { $0[n] = result.status }
            }
        }
        #expect(statuses.value == [Int](repeating: 200, count: 100))
    }

    @Test func stopFinishesAnInFlightSlowHandler() throws {
        let started = DispatchSemaphore(value: 0)
        let finished = Box(false)
        var router = Router()
        router.get("/slow") { _ in
            started.signal()
            Thread.sleep(forTimeInterval: 0.4)
            finished.value = true
            return .text("done")
        }
        let server = try startServer(router)
        let port = server.port
        let reply = Box<(status: Int, response: String)?>(nil)
        let clientDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if let client = try? RawClient(port: port) {
                client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
                reply.value = client.readStatus()
                client.closeSocket()
            }
            clientDone.signal()
        }
        started.wait()
        #expect(server.inFlightRequests == 1)
        server.stop()
        #expect(finished.value, "stop() returned before the handler finished")
        #expect(!server.isRunning)
        clientDone.wait()
        #expect(reply.value?.status == 200)
        #expect(reply.value?.response.hasSuffix("done") == true)
        #expect(reply.value?.response.lowercased().contains("connection: close") == true)
        // The listening socket is gone.
        #expect(throws: RawClient.RawError.connect) { try RawClient(port: port) }
    }

    @Test func restartOnTheSamePortWorks() async throws {
        var router = Router()
        router.get("/ping") { _ in .text("pong") }
        let first = try startServer(router)
        let port = first.port
        #expect(try await fetch(first, "/ping").text == "pong")
        first.stop()
        first.stop()  // idempotent

        let second = try startServer(router, configuration: HTTPServerConfiguration(port: port))
        defer { second.stop() }
        #expect(second.port == port)
        #expect(try await fetch(second, "/ping").text == "pong")

        // The first object can start again too (on a new ephemeral port).
        try first.start()
        #expect(first.isRunning)
        #expect(try await fetch(first, "/ping").text == "pong")
        #expect(throws: HTTPServerError.alreadyRunning) { try first.start() }
        first.stop()
    }

    @Test func portInUseIsAClearError() throws {
        let first = try startServer(Router())
        defer { first.stop() }
        let second = HTTPServer(configuration: HTTPServerConfiguration(port: first.port), router: Router())
        #expect(throws: HTTPServerError.self) { try second.start() }
        #expect(!second.isRunning)
    }

    @Test func invalidHostIsRejected() {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "not an address"), router: Router())
        #expect(throws: HTTPServerError.invalidHost("not an address")) { try server.start() }
    }

    @Test func ipv6LoopbackWorks() throws {
        var router = Router()
        router.get("/ping") { request in .text(request.remoteAddress) }
        let server = try startServer(router, configuration: HTTPServerConfiguration(host: "::1"))
        defer { server.stop() }
        #expect(server.port != 0)
    }

    @Test func pollFallbackAndSingleThreadWork() async throws {
        var router = Router()
        router.get("/ping") { _ in .text("pong") }
        let server = try startServer(
            router, configuration: HTTPServerConfiguration(threadPoolSize: 1, preferEpoll: false))
        defer { server.stop() }
        #expect(try await fetch(server, "/ping").text == "pong")
    }
}

@Suite struct SignalWaiterTests {
    @Test func runServesUntilTheSignalThenStops() throws {
        var router = Router()
        router.get("/ping") { _ in .text("pong") }
        let server = HTTPServer(router: router)
        let ready = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let threadID = Box<pthread_t?>(nil)
        let result = Box<Int32>(0)
        Thread.detachNewThread {
            let waiter = SignalWaiter(blocking: [SIGUSR1])
            threadID.value = pthread_self()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { ready.signal() }
            result.value = (try? server.run(until: waiter)) ?? -1
            waiter.unblock()
            done.signal()
        }
        ready.wait()
        while !server.isRunning { Thread.sleep(forTimeInterval: 0.01) }
        let reply = try rawExchange(server, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(reply?.status == 200)
        if let thread = threadID.value { pthread_kill(thread, SIGUSR1) }
        done.wait()
        #expect(result.value == SIGUSR1)
        #expect(!server.isRunning)
    }

    @Test func waitReturnsTheBlockedSignalSentToItsThread() {
        let received = Box<Int32>(0)
        let ready = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let threadID = Box<pthread_t?>(nil)
        Thread.detachNewThread {
            let waiter = SignalWaiter(blocking: [SIGUSR2])
            threadID.value = pthread_self()
            ready.signal()
            received.value = waiter.wait()
            waiter.unblock()
            done.signal()
        }
        ready.wait()
        if let thread = threadID.value { pthread_kill(thread, SIGUSR2) }
        done.wait()
        #expect(received.value == SIGUSR2)
    }
}
